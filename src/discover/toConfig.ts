/**
 * The inverse of the program's components: a live lab's inventory (src/inventory) as a stack config
 * in rcclab's shape, and the list of what does not fit that shape. `inventoryToConfig` puts it
 * together: the access sections, SIP domain, CTI user, trunk, Meet-Me, dial rules, EM settings, CUP
 * and OCS here; the OCS pools from ./pools.ts, the users from ./users.ts, the shared helpers and the
 * schema's defaults from ./shape.ts.
 *
 * Pure: no system is called here. What the stack declares for each object is what the components
 * would make of it (src/components/*, src/derive.ts); an object is taken only when its live shape is
 * exactly that — anything else is left out and listed, never guessed. Settings equal to the schema's
 * defaults are left out, so the file reads as if written by hand. Secrets are never written: the
 * stack lists them (`secrets`) for `pulumi config set --secret`.
 */
import { emServiceUrl } from "../../providers/cucm/ipPhoneService";
import { versionMatches } from "../../providers/cucm/version";
import { FQDN } from "../config";
import { STANDARD_GROUPS, plainDn } from "../../providers/cucm/fields";
import type { LabInventory } from "../inventory/types";
import { discoverPools } from "./pools";
import { compact, DEFAULT_CTI_GROUPS, DEFAULT_DESK_PHONE_CONTROL, DEFAULT_DIAL_RULE, DEFAULT_MEET_ME, DEFAULT_PRESENCE, DEFAULT_TRUNK, DEFAULT_TRUNK_PROFILE, EM_SERVICE, getPath, lc, MEET_ME_PATTERN, type Misfit, noDot, omitDefaults, type Out, sameSet, withoutPath } from "./shape";
import { discoverUsers } from "./users";

// Where ./connections.ts and ./yaml.ts take them from.
export { getPath, type Misfit } from "./shape";

/** The access sections of the lab (as written in the source: a stack's or a connection file's), secrets included. */
export interface Access {
  cucm: Record<string, any>;
  cup: Record<string, any>;
  directory: Record<string, any>;
  dns: Record<string, any>;
  /** transport, winrm, ssh (pools are discovered). */
  ocs: Record<string, any>;
}

export interface Discovered {
  /** "rcclab:<section>" → value, without any secret. */
  config: Record<string, unknown>;
  /** The secret settings the stack needs, as `pulumi config set --secret --path` names them. */
  secrets: string[];
  /** Objects left out: they do not fit the guide's shape. */
  leftOut: Misfit[];
  /** Where the stack and the live lab still differ: `up` would change these (found by the verification, see verify.ts). */
  changes: Misfit[];
}

/** Secrets of the access sections, by their config path. */
export const ACCESS_SECRETS = ["cucm.password", "cup.password", "cup.cli.password", "directory.password", "dns.tsig.secret", "ocs.winrm.password", "ocs.ssh.password"] as const;

/**
 * The stack config a live lab's inventory describes. `access`: the connection sections it was read
 * with (copied without their secrets); `name`: the new stack's name (lab.name). Needs the CUCM,
 * CUP, AD and DNS parts of the inventory.
 */
export function inventoryToConfig(inv: LabInventory, access: Access, name: string): Discovered {
  const leftOut: Misfit[] = [];
  const out: Out = (system, object, why) => void leftOut.push({ system, object, why });
  const cucm = inv.cucm!;
  const cup = inv.cup!;
  const ad = inv.ad!;
  const dns = inv.dns!;
  const secrets: string[] = [];
  const strip = (section: keyof Access): Record<string, any> => {
    const copy = structuredClone(access[section] ?? {});
    for (const p of ACCESS_SECRETS) {
      if (!p.startsWith(`${section}.`)) continue;
      const inner = p.slice(section.length + 1);
      if (getPath(copy, inner) !== undefined) {
        withoutPath(copy, inner);
        secrets.push(`rcclab:${p}`);
      }
    }
    return copy;
  };

  // --- CUCM and CUP access, as given ----------------------------------------------------------
  const cucmSection = strip("cucm");
  const cupSection = strip("cup");
  const cupHost: string = access.cup.host;
  const cupAddress: string = access.cup.address;
  const cucmHost: string = access.cucm.host;
  const cucmAddress: string | undefined = access.cucm.address;
  // B1: the version CUCM runs (major.minor.maintenance), unless the given one matches it already.
  const liveVersion = cucm.version.split("-")[0]!.split(".").slice(0, 3).join(".");
  if (!(cucmSection.version && versionMatches(String(cucmSection.version), cucm.version))) cucmSection.version = liveVersion;
  for (const k of ["acl", "deskPhoneControl", "presence", "sipPort", "transport"]) delete cupSection[k];
  delete cucmSection.ctiManagers;

  const zone = noDot(lc(dns.zone));
  const pools = discoverPools(inv, { cup: cupHost, cucm: cucmHost }, out);

  // --- SIP domain: the RCC users' SIP addresses (else CUP's proxy domain) -----------------------
  // As AD spells it (RccSettings reads it back as spelled).
  const domains = new Map<string, number>();
  for (const u of ad.users) {
    const d = /^sip:[^@]+@(.+)$/i.exec(u.sipAddress ?? "")?.[1];
    if (d && u.lineServer) domains.set(d, (domains.get(d) ?? 0) + 1);
  }
  const sipDomain = [...domains.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? cup.presence?.proxyDomain ?? zone;
  const usersDn: string = access.directory.usersDn ?? "";
  const adDomain = usersDn
    .split(",")
    .filter((r) => /^DC=/i.test(r.trim()))
    .map((r) => lc(r.trim().slice(3)))
    .join(".");

  // --- CTI application user (B3): the user CUP's desk phone control logs in with ----------------
  const ctiName = cup.deskPhoneControl?.applicationUsername;
  let cti = ctiName ? cucm.appUsers.find((a) => lc(a.userid) === lc(ctiName)) : undefined;
  if (!cti) {
    const inCtiGroup = cucm.appUsers.filter((a) => a.userGroups.includes(STANDARD_GROUPS.ctiEnabled));
    if (inCtiGroup.length === 1) cti = inCtiGroup[0];
  }
  for (const a of cucm.appUsers) if (a !== cti) out("cucm", `application user ${a.userid}`, "not the CTI user CUP's desk phone control logs in with");
  const ctiDevices = new Set((cti?.associatedDevices ?? []).map(lc));
  const dpcUsers = new Set(cup.deskPhoneControlUsers.map(lc));

  // --- Users (./users.ts), their call-per-line limits, and what no user took -------------------------
  // The Extension Mobility service (B11): the one whose URL is EM's, else the one with the schema's name.
  const emService = cucm.ipPhoneServices.find((s) => /\/emapp\/EMAppServlet/i.test(s.url)) ?? cucm.ipPhoneServices.find((s) => s.name === EM_SERVICE);
  const { users, callsPerLine } = discoverUsers(inv, { pools, sipDomain, cupHost, ctiDevices, dpcUsers, emService, out });

  // --- Trunk (B2): the one SIP trunk to CUP --------------------------------------------------------
  const toCup = cucm.trunks.filter((t) => [lc(cupHost), lc(cupAddress)].includes(lc(t.destinationAddress)));
  const t = toCup[0];
  for (const x of cucm.trunks) if (x !== t) out("cucm", `SIP trunk ${x.name}`, toCup.includes(x) ? "a second trunk to CUP" : `not a trunk to CUP (to ${x.destinationAddress})`);
  let trunk: Record<string, unknown> | undefined;
  let sipPort: number | undefined;
  if (t) {
    sipPort = t.destinationPort;
    const profile = cucm.trunkSecurityProfiles.find((p) => p.name === t.securityProfileName);
    const sp = profile ? omitDefaults({ name: profile.name, description: profile.description }, DEFAULT_TRUNK_PROFILE) : {};
    trunk = omitDefaults(
      {
        name: t.name,
        description: t.description,
        devicePoolName: t.devicePoolName,
        locationName: t.locationName,
        callingSearchSpaceName: t.callingSearchSpaceName,
        sipProfileName: t.sipProfileName,
        ...(Object.keys(sp).length ? { securityProfile: sp } : {}),
      },
      DEFAULT_TRUNK,
    );
  }

  // --- Meet-Me (B7) and application dial rules (B9) ----------------------------------------------
  const numbers = new Set(users.map((u) => u.e164));
  const meetMe: Record<string, unknown>[] = [];
  for (const m of cucm.meetMe) {
    const pattern = plainDn(m.pattern);
    if (!MEET_ME_PATTERN.safeParse(pattern).success || numbers.has(pattern) || (m.description ?? "").length > 50) {
      out("cucm", `Meet-Me number ${m.pattern}`, "not a pattern rcclab can declare");
      continue;
    }
    meetMe.push(omitDefaults({ pattern, description: m.description ?? "", partition: m.routePartitionName, minimumSecurityLevel: m.minimumSecurityLevel }, DEFAULT_MEET_ME));
  }
  const dialRules = cucm.dialRules.map((r) =>
    omitDefaults(
      { name: r.name, description: r.description ?? "", numberBeginsWith: r.numberBeginsWith, numberOfDigits: r.numberOfDigits, digitsToBeRemoved: r.digitsToBeRemoved, prefixPattern: r.prefixPattern ?? "" },
      DEFAULT_DIAL_RULE,
    ),
  );

  // --- Extension Mobility settings (B11) -------------------------------------------------------------
  let extensionMobility: Record<string, unknown> | undefined;
  const emUsed = users.some((u) => u.extensionMobility) && emService;
  if (emUsed) extensionMobility = omitDefaults({ serviceName: emService.name, serviceUrl: emService.url === emServiceUrl(cucmHost) ? undefined : emService.url }, { serviceName: EM_SERVICE });
  for (const s of cucm.ipPhoneServices) if (s !== emService || !emUsed) out("cucm", `IP phone service ${s.name}`, "not the Extension Mobility service of discovered EM users");

  // --- CUP (C3, C4, C7) ----------------------------------------------------------------------------------
  const defaultAcl = [...new Set(pools.flatMap((p) => [p.fqdn, ...p.frontEnds.map((f) => f.fqdn)]))];
  const outgoing = new Set(cup.outgoingAcl.map((a) => lc(a.address)));
  const incoming = new Set(cup.incomingAcl.map((a) => lc(a.address)));
  const aclBoth = cup.incomingAcl.map((a) => a.address).filter((a) => outgoing.has(lc(a)));
  for (const a of cup.incomingAcl) if (!outgoing.has(lc(a.address))) out("cup", `incoming ACL entry ${a.address}`, `has no outgoing ACL entry (rcclab's OCS entries have both): ${a.description ?? ""}`);
  for (const a of cup.outgoingAcl) if (!incoming.has(lc(a.address))) out("cup", `outgoing ACL entry ${a.address}`, `has no incoming ACL entry (rcclab's OCS entries have both): ${a.description ?? ""}`);
  // Exactly the default (spelling too: the entries are read back as spelled), else as they are.
  const acl = aclBoth.length === defaultAcl.length && [...aclBoth].sort().join("\n") === [...defaultAcl].sort().join("\n") ? undefined : aclBoth;
  const dpc = cup.deskPhoneControl;
  // CTI gateways are in priority order.
  const ctiManagers = dpc && JSON.stringify(dpc.ctiGateways) !== JSON.stringify([cucmAddress ?? cucmHost]) ? [...dpc.ctiGateways] : undefined;
  const presence = cup.presence
    ? omitDefaults(
        {
          proxyDomain: cup.presence.proxyDomain === sipDomain ? undefined : cup.presence.proxyDomain,
          availabilitySharing: cup.presence.availabilitySharing,
          allowAutoApproval: cup.presence.allowAutoApproval,
          maxContactListSize: cup.presence.maxContactListSize,
          maxWatchers: cup.presence.maxWatchers,
        },
        DEFAULT_PRESENCE,
      )
    : {};
  const deskPhoneControl = dpc ? omitDefaults({ heartbeatInterval: dpc.heartbeatInterval, sessionTimer: dpc.sessionTimer }, DEFAULT_DESK_PHONE_CONTROL) : {};

  // --- OCS (A2): CUP's static route and host authorization on each pool -----------------------------
  let transport: string | undefined;
  for (const p of inv.ocs?.pools ?? []) {
    for (const r of p.routes) {
      if (lc(r.matchUri) === lc(cupHost)) {
        sipPort ??= r.port;
        transport ??= r.transport.toUpperCase();
      } else out("ocs", `static route ${r.matchUri} on ${p.pool}`, `not the route to CUP (next hop ${r.nextHop})`);
    }
    for (const h of p.hosts) if (lc(h.server) !== lc(cupAddress)) out("ocs", `host authorization ${h.server} on ${p.pool}`, "not CUP's");
  }

  // --- The sections ------------------------------------------------------------------------------------
  if (sipPort !== undefined && sipPort !== 5060) cupSection.sipPort = sipPort;
  if (transport && transport !== "TCP") cupSection.transport = transport;
  if (acl) cupSection.acl = acl;
  if (Object.keys(deskPhoneControl).length) cupSection.deskPhoneControl = deskPhoneControl;
  if (Object.keys(presence).length) cupSection.presence = presence;
  if (ctiManagers) cucmSection.ctiManagers = ctiManagers;
  const directory = strip("directory");
  // The users existed before this stack: rcclab sets only their RCC settings, and leaves them on destroy.
  directory.users = "adopt";
  delete directory.initialPassword;
  const dnsSection = strip("dns");
  const ocsAccess = strip("ocs");
  delete ocsAccess.pools;

  if (!cti) out("cucm", "CTI application user", "none found (CUP's desk phone control names none, and no one application user is in Standard CTI Enabled): the stack declares rcc-cti");
  if (!t) out("cucm", "SIP trunk to CUP", `none found (no trunk's destination is ${cupHost} or ${cupAddress}): the stack declares the default one`);
  secrets.push("rcclab:cti.password");
  const config: Record<string, unknown> = {
    "rcclab:lab": compact({ name, sipDomain, adDomain: adDomain && adDomain !== lc(sipDomain) && FQDN.test(adDomain) ? adDomain : undefined }),
    "rcclab:cucm": cucmSection,
    "rcclab:cup": cupSection,
    "rcclab:directory": directory,
    "rcclab:dns": dnsSection,
    "rcclab:ocs": { pools, ...ocsAccess },
    "rcclab:cti": compact({ userid: cti?.userid, userGroups: cti && !sameSet(cti.userGroups, DEFAULT_CTI_GROUPS) ? [...cti.userGroups] : undefined }),
    ...(trunk && Object.keys(trunk).length ? { "rcclab:trunk": trunk } : {}),
    ...(callsPerLine ? { "rcclab:callsPerLine": callsPerLine } : {}),
    ...(extensionMobility && Object.keys(extensionMobility).length ? { "rcclab:extensionMobility": extensionMobility } : {}),
    "rcclab:users": users,
    ...(meetMe.length ? { "rcclab:meetMe": meetMe } : {}),
    ...(dialRules.length ? { "rcclab:dialRules": dialRules } : {}),
  };
  return { config, secrets, leftOut, changes: [] };
}
