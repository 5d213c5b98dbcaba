/**
 * What the guide computes from the stack config, in one place: device and profile names, URIs, the
 * users each step applies to, CUP's default ACL, the Communicator settings (A4), and the guide's list
 * of what is not supported or not automated. Pure functions of a checked config (./config.ts).
 */
import { PHONE_MODELS } from "../providers/cucm/models";
import { NORMALIZATION_RULES_WHERE } from "./components/normalization";
import type { LabConfig, LabUser } from "./config";

/** How rcclab reaches a pool's front end. */
export const ocsTransport = (cfg: LabConfig, pool: LabConfig["ocs"]["pools"][number]) => pool.transport ?? cfg.ocs.transport;


export const phoneName = (u: LabUser): string => `SEP${u.phone.mac}`;
export const sipUri = (cfg: { lab: { sipDomain: string } }, u: { userid: string }): string => `sip:${u.userid}@${cfg.lab.sipDomain}`;
export const lineUri = (u: { e164: string }): string => `tel:${u.e164}`;
/** The guide's "RCC Server URI": sip:<user>@<CUP FQDN>. */
export const lineServerUri = (cfg: { cup: { host: string } }, u: { userid: string }): string => `sip:${u.userid}@${cfg.cup.host}`;
/**
 * B8: the user's call-per-line limit, else the lab's. A one-call-per-line phone (the 7931G) always
 * gets 1 and 1: the lab-wide limit does not apply to it.
 */
export const callsPerLine = (cfg: LabConfig, u: LabUser) =>
  PHONE_MODELS[u.phone.model].oneCallPerLine ? { maxNumCalls: 1, busyTrigger: 1 } : (u.callsPerLine ?? cfg.callsPerLine);
export const rccUsers = (cfg: LabConfig): LabUser[] => cfg.users.filter((u) => u.rcc);
/** B11: the EM device profile of a user (one per user and phone model). */
export const deviceProfileName = (u: { userid: string; phone: { model: string } }): string => `EM-${u.userid}-${u.phone.model}`;
export const emUsers = (cfg: LabConfig): LabUser[] => cfg.users.filter((u) => u.extensionMobility);

/** CUP's incoming ACL: as configured, or every front end and pool. */
export const cupAcl = (cfg: LabConfig): string[] =>
  cfg.cup.acl ?? [...new Set(cfg.ocs.pools.flatMap((p) => [p.fqdn, ...p.frontEnds.map((f) => f.fqdn)]))];

/**
 * A4: what each Communicator needs (the client settings the guide has the user type in): sign-in
 * address, account, and under Advanced the pool and transport; plus a .reg file that sets the same
 * account settings, for the user or an administrator to apply. The registry values are the ones the
 * OCS 2007 R2 client technical reference lists as shared by Communicator and Live Meeting
 * (HKCU\Software\Microsoft\Shared\UcClient: ServerSipUri, ServerAddressInternal, Transport), and
 * Communicator's ConfigurationMode (1 = manual configuration, as the guide does it).
 */
export function communicatorSettings(cfg: LabConfig) {
  return cfg.users.map((u) => {
    const pool = cfg.ocs.pools.find((p) => p.name === u.pool)!;
    const signInAddress = `${u.userid}@${cfg.lab.sipDomain}`;
    const transport = "TCP";
    const regString = (v: string) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
    const registry = [
      "Windows Registry Editor Version 5.00",
      "",
      `; Office Communicator 2007 R2 account settings for ${signInAddress} (rcclab, A4)`,
      "[HKEY_CURRENT_USER\\Software\\Microsoft\\Shared\\UcClient]",
      `"ServerSipUri"=${regString(`sip:${signInAddress}`)}`,
      `"ServerAddressInternal"=${regString(pool.fqdn)}`,
      `"Transport"=${regString(transport)}`,
      "",
      "[HKEY_CURRENT_USER\\Software\\Microsoft\\Communicator]",
      '"ConfigurationMode"=dword:00000001',
      "",
    ].join("\r\n");
    return {
      userid: u.userid,
      signInAddress,
      userName: `${(cfg.lab.adDomain ?? cfg.lab.sipDomain).split(".")[0]!.toUpperCase()}\\${u.userid}`,
      advanced: { server: pool.fqdn, transport },
      phone: { lineUri: lineUri(u), rccServerUri: lineServerUri(cfg, u), controlledPhone: phoneName(u) },
      registry,
    };
  });
}

/** The guide's own "not supported / known limits" list and the steps rcclab does not automate. */
export const NOT_AUTOMATED = [
  "B10 phone selection plug-in: installed on each Communicator client by hand",
  "A4 Communicator client settings: applied by the user from the communicatorSettings output",
  `A2 normalization rules: ${NORMALIZATION_RULES_WHERE}`,
  "Multiple points of presence (Communicator signed in twice): not supported by the guide",
  "Conferencing through RCC: not supported (phone-only or Communicator-only conferences work)",
  "Call forward set on the phone is not shown in Communicator; each side can override the other",
  "Call forward from Communicator fails while the phone's DN is E.164, until the DN is changed away and back (CSCsy62620)",
  "Do-not-disturb set in Communicator is ignored: calls still ring the phone",
  "Location-based forwarding and phone settings from Communicator: not supported",
  "TLS between CUP and OCS: not tested by the guide (TCP is used)",
] as const;
