/**
 * CUCM (B2, B3, B5, B6, B8, CTIManager): per RCC user, the end user's groups (Standard CTI Enabled and
 * Standard CCM End Users), the presence licence (UPS and UPC on 7.0, IM and Presence on 12.5+), the
 * user's phone controllable by the CTI application user (its controlled devices, or a group that
 * allows control of all devices), and a 7931's one call per line (1/1, No Rollover); per system, the
 * CTI application user, Cisco CTIManager activated and running on each CTI node, and a SIP trunk to
 * CUP's SIP port with a security profile that accepts presence subscriptions.
 */
import { STANDARD_GROUPS } from "../../../providers/cucm/fields";
import { PHONE_MODELS, type PhoneModel } from "../../../providers/cucm/models";
import { CTI_MANAGER } from "../../../providers/cucm/serviceActivation";
import { type AuditContext, finding, fix, isCup, unreadReason, userKey } from "../context";
import type { CheckDef, Finding } from "../types";

export const CUCM_CHECKS: CheckDef[] = [
  { id: "cucm.userGroups", system: "cucm", scope: "user", step: "B5", title: "CTI groups", rule: "the end user exists and is in Standard CTI Enabled and Standard CCM End Users" },
  { id: "cucm.presenceLicense", system: "cucm", scope: "user", step: "B6", title: "UPS/UPC", rule: "the end user has Cisco Unified Presence and Unified Personal Communicator enabled (IM and Presence on 12.5+)" },
  { id: "cucm.ctiControl", system: "cucm", scope: "user", step: "B3", title: "CTI control", rule: "every phone of the user is a controlled device of the CTI application user (or that application user is in Standard CTI Allow Control of All Devices)" },
  { id: "cucm.callsPerLine", system: "cucm", scope: "user", step: "B8", title: "7931 limits", rule: "a 7931 takes one call per line (maximum calls 1, busy trigger 1) and No Rollover, or CTI cannot control it" },
  { id: "cucm.ctiAppUser", system: "cucm", scope: "system", step: "B3", title: "CTI application user", rule: "the CTI application user (rcclab:cti.userid) exists and is in Standard CTI Enabled" },
  { id: "cucm.ctiManager", system: "cucm", scope: "system", step: "B3", title: "CTIManager", rule: "Cisco CTIManager is activated and running on every CTI node desk phone control uses" },
  { id: "cucm.trunk", system: "cucm", scope: "system", step: "B2", title: "SIP trunk to CUP", rule: "a SIP trunk's destination is CUP's FQDN (or address) on its SIP port, with a security profile accepting presence subscription, out-of-dialog REFER and unsolicited notification" },
];

const { ctiEnabled: CTI_ENABLED, ccmEndUsers: CCM_END_USERS, ctiAllDevices: CTI_ALL_DEVICES } = STANDARD_GROUPS;
const hasGroup = (groups: readonly string[], g: string) => groups.some((x) => x.toLowerCase() === g.toLowerCase());

export function cucmChecks(ctx: AuditContext): Finding[] {
  const { cfg, inv } = ctx;
  const out: Finding[] = [];
  const c = inv.cucm;
  if (!c) {
    const why = `CUCM ${unreadReason(inv, "cucm")}`;
    for (const u of ctx.users) for (const d of CUCM_CHECKS.filter((d) => d.scope === "user")) out.push(finding("cucm", d.id, "unverified", `CUCM end user ${u.userid}`, why, { user: u.userid }));
    for (const d of CUCM_CHECKS.filter((d) => d.scope === "system")) out.push(finding("cucm", d.id, "unverified", "CUCM", why));
    return out;
  }
  const cti = c.appUsers.find((a) => a.userid.toLowerCase() === cfg.cti.userid.toLowerCase());
  const release = cfg.cucm.release;
  const userPage = (userid: string, what: string) => `CUCM Administration > User Management > End User > ${userid} > ${what}`;
  const ctiPage = (what: string) => `CUCM Administration > User Management > Application User > ${cfg.cti.userid} > ${what}`;

  for (const u of ctx.users) {
    const object = `CUCM end user ${u.userid}`;
    const f = (check: string, status: Finding["status"], message: string, fixText?: string, obj = object) =>
      out.push(finding("cucm", check, status, obj, message, { user: u.userid, ...(fixText ? { fix: fixText } : {}) }));
    const e = u.endUser;
    if (!e) {
      const msg = `CUCM has no end user ${u.userid}`;
      const add = fix(userKey(u, ""), `CUCM Administration > User Management > End User > Add New: ${u.userid}`);
      f("cucm.userGroups", "fail", msg, add);
      f("cucm.presenceLicense", "fail", msg, add);
      f("cucm.ctiControl", "fail", `${msg}, so no phone of theirs is known`, add);
      // Said once by the checks above; no phone of theirs is known to check here.
      f("cucm.callsPerLine", "na", `${msg}: no phone of theirs to check`);
      continue;
    }

    const missing = [CTI_ENABLED, CCM_END_USERS].filter((g) => !hasGroup(e.userGroups, g));
    if (missing.length) {
      f("cucm.userGroups", "fail", `not in ${missing.join(" and ")} (groups: ${e.userGroups.join(", ") || "none"}); RCC does not work otherwise`, fix(userKey(u, "userGroups"), userPage(u.userid, `Permissions Information > Add to User Group: ${missing.join(", ")}`)));
    } else f("cucm.userGroups", "pass", `in ${CTI_ENABLED} and ${CCM_END_USERS}`);

    const lic = c.licenses.find((l) => l.userid.toLowerCase() === u.userid.toLowerCase());
    const licPage =
      release === "7.0"
        ? `CUCM Administration > System > Licensing > Capabilities Assignment > ${u.userid}: Enable CUP and Enable CUPC`
        : userPage(u.userid, "Service Settings: Enable User for Unified CM IM and Presence");
    const licFix = fix(userKey(u, "presence"), licPage);
    if (!lic) f("cucm.presenceLicense", "fail", "CUCM reports no licence capabilities for the user", licFix);
    else if (release === "7.0" && !(lic.enableUps && lic.enableUpc)) {
      f("cucm.presenceLicense", "fail", `${[!lic.enableUps && "Cisco Unified Presence (UPS)", !lic.enableUpc && "Unified Personal Communicator (UPC)"].filter(Boolean).join(" and ")} not enabled`, licFix);
    } else if (release !== "7.0" && !lic.enableUps) f("cucm.presenceLicense", "fail", "not enabled for Unified CM IM and Presence", licFix);
    else f("cucm.presenceLicense", "pass", release === "7.0" ? "UPS and UPC enabled" : "enabled for IM and Presence");

    // CTI control of the user's phones.
    if (!u.phones.length) {
      f("cucm.ctiControl", "fail", `${u.userid} has no associated phone (Device Association): there is nothing to control`, fix(userKey(u, "phone"), userPage(u.userid, "Device Information > Device Association")));
    } else if (!cti) {
      f("cucm.ctiControl", "fail", `the CTI application user ${cfg.cti.userid} does not exist, so nothing controls ${u.phones.map((p) => p.name).join(", ")}`, fix("rcclab:cti.userid", "CUCM Administration > User Management > Application User > Add New"));
    } else if (hasGroup(cti.userGroups, CTI_ALL_DEVICES)) {
      f("cucm.ctiControl", "pass", `${cfg.cti.userid} is in ${CTI_ALL_DEVICES}: it controls ${u.phones.map((p) => p.name).join(", ")}`);
    } else {
      const controlled = new Set(cti.associatedDevices.map((d) => d.toUpperCase()));
      const not = u.phones.filter((p) => !controlled.has(p.name.toUpperCase()));
      if (not.length) {
        f("cucm.ctiControl", "fail", `${not.map((p) => p.name).join(", ")} not controlled by ${cfg.cti.userid} (not among its controlled devices, and it is not in ${CTI_ALL_DEVICES})`, fix(userKey(u, "rcc"), ctiPage(`Device Information > Controlled Devices: add ${not.map((p) => p.name).join(", ")}`)), `phone ${not.map((p) => p.name).join(", ")}`);
      } else f("cucm.ctiControl", "pass", `${u.phones.map((p) => p.name).join(", ")} controlled by ${cfg.cti.userid}`);
    }

    // 7931: one call per line, No Rollover.
    const oneCall = u.phones.filter((p) => PHONE_MODELS[p.model as PhoneModel]?.oneCallPerLine);
    if (!oneCall.length) f("cucm.callsPerLine", "na", `no 7931 among ${u.phones.map((p) => `${p.name} (${p.model})`).join(", ") || "the user's phones"}`);
    else {
      const wrong: string[] = [];
      for (const p of oneCall) {
        for (const l of p.lines) {
          const lim = c.callLimits.find((x) => x.phoneName.toUpperCase() === p.name.toUpperCase() && x.lineIndex === l.index);
          if (lim && (lim.maxNumCalls !== 1 || lim.busyTrigger !== 1)) wrong.push(`${p.name} line ${l.index} takes ${lim.maxNumCalls} calls, busy trigger ${lim.busyTrigger} (must be 1/1)`);
          if (!lim) wrong.push(`${p.name} line ${l.index}: CUCM reports no call limits`);
        }
        if (PHONE_MODELS[p.model as PhoneModel]?.ctiNoRollover && p.outboundCallRollover && p.outboundCallRollover !== "No Rollover") {
          wrong.push(`${p.name} outbound call rollover is "${p.outboundCallRollover}" (must be No Rollover)`);
        }
      }
      const names = oneCall.map((p) => p.name).join(", ");
      if (wrong.length) {
        f("cucm.callsPerLine", "fail", wrong.join("; "), fix(userKey(u, "callsPerLine"), `CUCM Administration > Device > Phone > ${names} > each line: Maximum Number of Calls 1, Busy Trigger 1; Outbound Call Rollover: No Rollover`), `phone ${names}`);
      } else f("cucm.callsPerLine", "pass", `${names}: one call per line (1/1), No Rollover`, undefined, `phone ${names}`);
    }
  }

  // The CTI application user.
  const sys = (check: string, status: Finding["status"], object: string, message: string, fixText?: string) => out.push(finding("cucm", check, status, object, message, fixText ? { fix: fixText } : {}));
  const ctiObj = `CUCM application user ${cfg.cti.userid}`;
  if (!cti) sys("cucm.ctiAppUser", "fail", ctiObj, `CUCM has no application user ${cfg.cti.userid}`, fix("rcclab:cti.userid", "CUCM Administration > User Management > Application User > Add New"));
  else if (!hasGroup(cti.userGroups, CTI_ENABLED)) {
    sys("cucm.ctiAppUser", "fail", ctiObj, `${cfg.cti.userid} is not in ${CTI_ENABLED} (groups: ${cti.userGroups.join(", ") || "none"})`, fix("rcclab:cti.userGroups", ctiPage(`Permissions Information > Add to User Group: ${CTI_ENABLED}`)));
  } else sys("cucm.ctiAppUser", "pass", ctiObj, `${cfg.cti.userid} exists, in ${cti.userGroups.join(", ")}`);

  // CTIManager on each CTI node: the stack's, and any node CUCM reports it on.
  const nodes = new Map<string, string>();
  for (const n of cfg.cucm.ctiManagers ?? [cfg.cucm.host]) nodes.set(n.toLowerCase(), n);
  const ctiServices = c.services.filter((s) => s.service.toLowerCase() === CTI_MANAGER.toLowerCase());
  for (const s of ctiServices) if (!nodes.has(s.node.toLowerCase())) nodes.set(s.node.toLowerCase(), s.node);
  for (const node of nodes.values()) {
    const obj = `CTIManager on ${node}`;
    const s = ctiServices.find((x) => x.node.toLowerCase() === node.toLowerCase());
    const page = `Cisco Unified Serviceability > Tools > Service Activation (${node}): Cisco CTIManager; then Control Center - Feature Services: Start`;
    // Not read: by the inventory ("feature services Cisco CTIManager on <node>") or by the audit's own probe.
    const unread = inv.unread.filter((u) => u.system === "cucm" && u.what.toLowerCase().endsWith(`${CTI_MANAGER} on ${node}`.toLowerCase()));
    if (!s && unread.length) sys("cucm.ctiManager", "unverified", obj, `${CTI_MANAGER} on ${node} not read: ${unread.map((u) => u.message).join("; ")}`, `check ${page}`);
    else if (!s) sys("cucm.ctiManager", "fail", obj, `Serviceability on ${node} does not report Cisco CTIManager`, fix("rcclab:cucm.ctiManagers", page));
    else if (!s.activated) sys("cucm.ctiManager", "fail", obj, `Cisco CTIManager is not activated on ${node}`, fix("rcclab:cucm.ctiManagers", page));
    else if (s.running === false) sys("cucm.ctiManager", "fail", obj, `Cisco CTIManager is activated but not running on ${node}`, `by hand: Cisco Unified Serviceability > Tools > Control Center - Feature Services (${node}): Cisco CTIManager > Start`);
    else if (s.running === undefined) sys("cucm.ctiManager", "unverified", obj, `Cisco CTIManager is activated on ${node}; whether it runs was not reported`, `check Cisco Unified Serviceability > Tools > Control Center - Feature Services (${node})`);
    else sys("cucm.ctiManager", "pass", obj, `Cisco CTIManager activated and running on ${node}`);
  }

  // The SIP trunk to CUP.
  const trunkFix = (what: string) => fix("rcclab:trunk", `CUCM Administration > Device > Trunk > ${what}`);
  const toCup = c.trunks.filter((t) => isCup(cfg, t.destinationAddress));
  if (!toCup.length) {
    const named = c.trunks.find((t) => t.name === cfg.trunk.name);
    sys(
      "cucm.trunk",
      "fail",
      `SIP trunk ${named?.name ?? cfg.trunk.name}`,
      named
        ? `${named.name} points at ${named.destinationAddress}:${named.destinationPort}, not at CUP (${cfg.cup.host})`
        : `no SIP trunk points at CUP (${cfg.cup.host}); trunks: ${c.trunks.map((t) => `${t.name} → ${t.destinationAddress}`).join(", ") || "none"}`,
      trunkFix(`${named?.name ?? "Add New (SIP Trunk)"}: Destination Address ${cfg.cup.host}, port ${cfg.cup.sipPort}`),
    );
  }
  for (const t of toCup) {
    const obj = `SIP trunk ${t.name}`;
    const profile = c.trunkSecurityProfiles.find((p) => p.name === t.securityProfileName);
    const wrong: string[] = [];
    if (t.destinationPort !== cfg.cup.sipPort) wrong.push(`destination port ${t.destinationPort}, but CUP listens on ${cfg.cup.sipPort}`);
    if (!profile) wrong.push(`its security profile ${t.securityProfileName} was not found`);
    else {
      const off = [
        !profile.acceptPresenceSubscription && "Accept Presence Subscription",
        !profile.acceptOutOfDialogRefer && "Accept Out-of-Dialog REFER",
        !profile.acceptUnsolicitedNotification && "Accept Unsolicited Notification",
      ].filter(Boolean);
      if (off.length) wrong.push(`its security profile ${profile.name} does not ${off.join(", ")}`);
    }
    if (wrong.length) sys("cucm.trunk", "fail", obj, `${t.name} → ${t.destinationAddress}:${t.destinationPort}: ${wrong.join("; ")}`, trunkFix(`${t.name}: port ${cfg.cup.sipPort}; System > Security > SIP Trunk Security Profile: accept presence subscription, out-of-dialog REFER, unsolicited notification`));
    else sys("cucm.trunk", "pass", obj, `${t.name} → ${t.destinationAddress}:${t.destinationPort}, profile ${t.securityProfileName} accepts presence subscription`);
  }
  return out;
}
