/**
 * The inverse of the program's components: a live lab's inventory (src/inventory) as a stack config
 * in rcclab's shape, and the list of what does not fit that shape.
 *
 * Pure: no system is called here. What the stack declares for each object is what the components
 * would make of it (src/components/*, src/derive.ts); an object is taken only when its live shape is
 * exactly that — anything else is left out and listed, never guessed. Settings equal to the schema's
 * defaults are left out, so the file reads as if written by hand. Secrets are never written: the
 * stack lists them (`secrets`) for `pulumi config set --secret`.
 */
import { emServiceUrl } from "../../providers/cucm/ipPhoneService";
import { PHONE_MODEL_NAMES, PHONE_MODELS, supports, type PhoneModel } from "../../providers/cucm/models";
import { versionMatches } from "../../providers/cucm/version";
import { FQDN, IPV4, ctiSchema, extensionMobilitySchema, trunkSchema, userSchema } from "../config";
import type { LabInventory, SystemName } from "../inventory/types";

/** An object that does not fit the guide's shape (left out), or a difference `up` would change. */
export interface Misfit {
  system: SystemName;
  /** What it is, e.g. "phone SEP00AA00BB0001". */
  object: string;
  why: string;
}

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

// The schema's defaults (src/config.ts), left out of the file where the lab has them.
const DEFAULT_USER_GROUPS = userSchema.shape.userGroups.parse(undefined);
const DEFAULT_CTI_GROUPS = ctiSchema.shape.userGroups.parse(undefined);
const { securityProfile: DEFAULT_TRUNK_PROFILE, ...DEFAULT_TRUNK } = trunkSchema.parse(undefined);
const EM_SERVICE = extensionMobilitySchema.parse(undefined).serviceName;
const USERID = userSchema.shape.userid;
const E164 = userSchema.shape.e164;

const lc = (s: string) => s.toLowerCase();
const noDot = (s: string) => s.replace(/\.$/, "");
const plainPattern = (p: string) => p.replace(/^\\\+/, "+");
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].map(lc).sort().join("\n") === [...b].map(lc).sort().join("\n");
/** A copy without the keys whose values are undefined. */
const compact = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
const omitDefaults = (o: Record<string, unknown>, defaults: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && JSON.stringify(v) !== JSON.stringify(defaults[k])));

/** Secrets of the access sections, by their config path. */
export const ACCESS_SECRETS = ["cucm.password", "cup.password", "cup.cli.password", "directory.password", "dns.tsig.secret", "ocs.winrm.password", "ocs.ssh.password"] as const;

export function getPath(o: Record<string, any>, p: string): unknown {
  return p.split(".").reduce<any>((v, k) => (v && typeof v === "object" ? v[k] : undefined), o);
}

function withoutPath(o: Record<string, any>, p: string): void {
  const parts = p.split(".");
  const last = parts.pop()!;
  const parent = parts.reduce<any>((v, k) => (v && typeof v === "object" ? v[k] : undefined), o);
  if (parent && typeof parent === "object") delete parent[last];
}

interface Pool {
  name: string;
  fqdn: string;
  address: string;
  frontEnds: { fqdn: string; address: string }[];
}

/** The OCS pools of a lab: AD's pools, each with its address and front ends from DNS (the guide's lab: one front end, no load balancer). */
export function discoverPools(inv: LabInventory, hosts: { cup: string; cucm: string }, out: (system: SystemName, object: string, why: string) => void): Pool[] {
  const ad = inv.ad!;
  const dns = inv.dns!;
  const zone = noDot(lc(dns.zone));
  const records = new Map(dns.records.map((r) => [`${noDot(lc(r.name))}/${r.type}`, r]));
  const aOf = (n: string) => records.get(`${noDot(lc(n))}/A`)?.records ?? [];
  const ptrOf = (address: string) => records.get(`${address.split(".").reverse().join(".")}.in-addr.arpa/PTR`)?.records.map((t) => noDot(lc(t))) ?? [];
  const fqdnOf = (p: { name: string; fqdn: string }) => (p.fqdn ? noDot(lc(p.fqdn)) : `${lc(p.name)}.${zone}`);
  const poolFqdns = new Set(ad.pools.map(fqdnOf));
  const pools: Pool[] = [];
  for (const p of ad.pools) {
    const fqdn = fqdnOf(p);
    const addresses = aOf(fqdn);
    if (addresses.length !== 1) {
      out("dns", `OCS pool ${p.name}`, addresses.length ? `${fqdn} has ${addresses.length} A records (rcclab's pools have one address)` : `its FQDN is not in AD (dNSHostName) and ${fqdn} has no A record`);
      continue;
    }
    const address = addresses[0]!;
    const frontEnds = ptrOf(address)
      .filter((n) => !poolFqdns.has(n) && n !== lc(hosts.cup) && n !== lc(hosts.cucm) && aOf(n).includes(address))
      .sort()
      .map((fe) => ({ fqdn: fe, address }));
    if (!frontEnds.length) {
      out("dns", `OCS pool ${p.name}`, `no front end found: no PTR record at ${address} names a server whose A record is ${address}`);
      continue;
    }
    if (!IPV4.test(address) || !/^[A-Za-z0-9-]{1,15}$/.test(p.name) || !FQDN.test(fqdn)) {
      out("ad", `OCS pool ${p.name}`, "its name, FQDN or address is not one rcclab can declare");
      continue;
    }
    pools.push({ name: p.name, fqdn, address, frontEnds });
  }
  return pools;
}

/**
 * The stack config a live lab's inventory describes. `access`: the connection sections it was read
 * with (copied without their secrets); `name`: the new stack's name (lab.name). Needs the CUCM,
 * CUP, AD and DNS parts of the inventory.
 */
export function inventoryToConfig(inv: LabInventory, access: Access, name: string): Discovered {
  const leftOut: Misfit[] = [];
  const out = (system: SystemName, object: string, why: string) => void leftOut.push({ system, object, why });
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
  const poolNames = new Set(pools.map((p) => lc(p.name)));

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
    const inCtiGroup = cucm.appUsers.filter((a) => a.userGroups.includes("Standard CTI Enabled"));
    if (inCtiGroup.length === 1) cti = inCtiGroup[0];
  }
  for (const a of cucm.appUsers) if (a !== cti) out("cucm", `application user ${a.userid}`, "not the CTI user CUP's desk phone control logs in with");
  const ctiDevices = new Set((cti?.associatedDevices ?? []).map(lc));
  const dpcUsers = new Set(cup.deskPhoneControlUsers.map(lc));

  // --- Users: an end user, their one phone with one line, their AD user ---------------------------
  const phones = new Map(cucm.phones.map((p) => [lc(p.name), p]));
  const adUsers = new Map(ad.users.map((u) => [lc(u.sAMAccountName), u]));
  const licenses = new Map(cucm.licenses.map((l) => [lc(l.userid), l]));
  const limits = new Map(cucm.callLimits.map((l) => [`${lc(l.phoneName)}#${l.lineIndex}`, l]));
  const profiles = new Map(cucm.deviceProfiles.map((p) => [lc(p.name), p]));
  const emService = cucm.ipPhoneServices.find((s) => /\/emapp\/EMAppServlet/i.test(s.url)) ?? cucm.ipPhoneServices.find((s) => s.name === EM_SERVICE);
  const takenPhones = new Set<string>();
  const takenAd = new Set<string>();
  const takenProfiles = new Set<string>();
  const users: Record<string, any>[] = [];
  const limitValues: { userid: string; model: PhoneModel; limit?: { maxNumCalls: number; busyTrigger: number } }[] = [];

  // A phone or a number two users share cannot be either's alone.
  const holders = new Map<string, string[]>();
  for (const u of cucm.endUsers) for (const d of u.associatedDevices) if (phones.has(lc(d))) holders.set(lc(d), [...(holders.get(lc(d)) ?? []), u.userid]);
  const onPhones = new Map<string, string[]>();
  for (const p of cucm.phones) for (const l of p.lines) onPhones.set(`${l.pattern}@${l.routePartitionName ?? ""}`, [...(onPhones.get(`${l.pattern}@${l.routePartitionName ?? ""}`) ?? []), p.name]);

  for (const u of cucm.endUsers) {
    const why: string[] = [];
    const myPhones = u.associatedDevices.filter((d) => phones.has(lc(d)));
    if (myPhones.length !== 1) {
      out("cucm", `end user ${u.userid}`, myPhones.length ? `controls ${myPhones.length} phones (${myPhones.join(", ")}); rcclab's users have one` : "has no phone");
      continue;
    }
    const phone = phones.get(lc(myPhones[0]!))!;
    if (!USERID.safeParse(u.userid).success) why.push("the userid is not one rcclab takes (letters, digits, '.', '_', '-')");
    if (!u.firstName) why.push("has no first name");
    if ((u.firstName ?? "").length > 64 || u.lastName.length > 64) why.push("a name is longer than rcclab's 64 characters");
    const model = phone.model as PhoneModel;
    if (!PHONE_MODEL_NAMES.includes(model)) why.push(`the phone's model (${phone.model}) is not one of ${PHONE_MODEL_NAMES.join(", ")}`);
    else if (!supports(model, phone.protocol)) why.push(`the ${model} does not support ${phone.protocol}`);
    const mac = /^SEP([0-9A-F]{12})$/.exec(phone.name)?.[1];
    if (!mac) why.push(`the phone's name ${phone.name} is not SEP + MAC`);
    const line = phone.lines.length === 1 ? phone.lines[0]! : undefined;
    if (!line) why.push(`the phone has ${phone.lines.length} lines; rcclab's users have one`);
    else if (line.index !== 1 || line.routePartitionName || !E164.safeParse(plainPattern(line.pattern)).success) why.push(`the phone's line is not one E.164 number without a partition on button 1 (${line.pattern})`);
    const e164 = line ? plainPattern(line.pattern) : "";
    const sharers = (holders.get(lc(phone.name)) ?? []).filter((x) => x !== u.userid);
    if (sharers.length) why.push(`the phone is also ${sharers.join(", ")}'s`);
    const lineSharers = line ? (onPhones.get(`${line.pattern}@${line.routePartitionName ?? ""}`) ?? []).filter((x) => x !== phone.name) : [];
    if (lineSharers.length) why.push(`the line ${e164} is on other phones too (${lineSharers.join(", ")})`);
    if (u.telephoneNumber !== undefined && u.telephoneNumber !== e164) why.push(`the telephone number ${u.telephoneNumber} is not the phone's line ${e164}`);

    // Remote call control: AD (A3), the CTI user (B3), CUP (C5–C6) — all or none.
    const adUser = adUsers.get(lc(u.userid));
    const rccParts: [string, boolean][] = [
      ["an AD Line URI", !!adUser?.lineUri],
      ["the CTI user controlling the phone", ctiDevices.has(lc(phone.name))],
      ["CUP desk phone control", dpcUsers.has(lc(u.userid))],
    ];
    const rccCount = rccParts.filter(([, on]) => on).length;
    const rcc = rccCount === rccParts.length;
    if (rccCount !== 0 && !rcc) {
      why.push(`partly enabled for remote call control (has ${rccParts.filter(([, on]) => on).map(([n]) => n).join(", ")}; lacks ${rccParts.filter(([, on]) => !on).map(([n]) => n).join(", ")})`);
    }
    let pool: string | undefined;
    let enhancedPresence = true;
    if (rcc && adUser) {
      const named = adUser.pool;
      if (!named || !poolNames.has(lc(named))) why.push(`the AD user's home server is not one of the discovered pools (${adUser.homeServerDn ?? "none"})`);
      else pool = pools.find((p) => lc(p.name) === lc(named))!.name;
      if (lc(adUser.sipAddress ?? "") !== lc(`sip:${u.userid}@${sipDomain}`)) why.push(`the AD SIP address ${adUser.sipAddress ?? "(none)"} is not sip:${u.userid}@${sipDomain}`);
      if (lc(adUser.lineUri ?? "") !== lc(`tel:${e164}`)) why.push(`the AD Line URI ${adUser.lineUri} is not tel:${e164}`);
      if (lc(adUser.lineServer ?? "") !== lc(`sip:${u.userid}@${cupHost}`)) why.push(`the AD Line Server URI ${adUser.lineServer ?? "(none)"} is not sip:${u.userid}@${cupHost}`);
      if (adUser.enabled !== true) why.push("the AD user is not enabled for OCS (msRTCSIP-UserEnabled)");
      if (((adUser.optionFlags ?? 0) & 16) === 0) why.push("the AD user's remote call control flag (msRTCSIP-OptionFlags bit 16) is off");
      enhancedPresence = ((adUser.optionFlags ?? 0) & 256) !== 0;
      if (!licenses.has(lc(u.userid))) why.push("its licence capabilities could not be read");
    }
    if (!pools.length) why.push("no OCS pool to home it on");

    // Extension Mobility (B11): EM on the phone, subscribed, and the user's own device profile.
    const profileName = `EM-${u.userid}-${phone.model}`;
    const profile = profiles.get(lc(profileName));
    const subscribed = (phone.services ?? []).some((s) => emService && s.serviceName === emService.name);
    const emParts = [phone.enableExtensionMobility, subscribed, !!profile, u.controlledProfiles.length > 0];
    const em = emParts.every(Boolean);
    if (emParts.some(Boolean) && !em) {
      why.push(`partly set up for Extension Mobility (EM on the phone: ${phone.enableExtensionMobility}, subscribed: ${subscribed}, device profile ${profileName}: ${!!profile}, controlled profiles: ${u.controlledProfiles.join(", ") || "none"})`);
    }
    if (em && (u.controlledProfiles.length !== 1 || lc(u.controlledProfiles[0]!) !== lc(profileName))) why.push(`controls the device profiles ${u.controlledProfiles.join(", ")}, not only ${profileName}`);
    if ((phone.services ?? []).some((s) => !emService || s.serviceName !== emService.name)) why.push("the phone is subscribed to IP phone services other than Extension Mobility");

    if (why.length) {
      out("cucm", `end user ${u.userid} (phone ${phone.name})`, why.join("; "));
      continue;
    }
    takenPhones.add(lc(phone.name));
    if (adUser && rcc) takenAd.add(lc(adUser.sAMAccountName));
    if (em) takenProfiles.add(lc(profileName));
    const lic = licenses.get(lc(u.userid));
    const limit = limits.get(`${lc(phone.name)}#1`);
    limitValues.push({ userid: u.userid, model, ...(limit ? { limit: { maxNumCalls: limit.maxNumCalls, busyTrigger: limit.busyTrigger } } : {}) });
    users.push(
      compact({
        userid: u.userid,
        firstName: u.firstName,
        lastName: u.lastName,
        e164,
        pool: pool ?? pools[0]!.name,
        phone: { model, protocol: phone.protocol, mac: mac!.replace(/(..)(?=.)/g, "$1:") },
        extensionMobility: em || undefined,
        rcc: rcc ? undefined : false,
        enhancedPresence: rcc && !enhancedPresence ? false : undefined,
        userGroups: sameSet(u.userGroups, DEFAULT_USER_GROUPS) ? undefined : [...u.userGroups],
        presence: rcc && lic && !(lic.enableUps && lic.enableUpc) ? { ups: lic.enableUps, upc: lic.enableUpc } : undefined,
      }),
    );
  }

  // Call-per-line limits (B8): the lab's = the most common one; per user where it differs. A
  // one-call-per-line phone (the 7931) always gets 1 and 1: it takes no part.
  const counted = new Map<string, number>();
  for (const v of limitValues) if (v.limit && !PHONE_MODELS[v.model].oneCallPerLine) counted.set(JSON.stringify(v.limit), (counted.get(JSON.stringify(v.limit)) ?? 0) + 1);
  const common = [...counted.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
  const callsPerLine = common ? (JSON.parse(common) as { maxNumCalls: number; busyTrigger: number }) : undefined;
  for (const v of limitValues) {
    const user = users.find((u) => u.userid === v.userid)!;
    if (PHONE_MODELS[v.model].oneCallPerLine) {
      if (v.limit && (v.limit.maxNumCalls !== 1 || v.limit.busyTrigger !== 1)) {
        out("cucm", `call-per-line limit of ${v.userid}'s ${v.model}`, `is ${v.limit.maxNumCalls}/${v.limit.busyTrigger}; the ${v.model} takes one call per line (rcclab keeps it at 1/1)`);
      }
      continue;
    }
    if (v.limit && JSON.stringify(v.limit) !== common) user.callsPerLine = v.limit;
  }

  // What is left: phones, lines, AD users, profiles no user took.
  const linesOnDevices = new Set<string>();
  for (const p of [...cucm.phones, ...cucm.deviceProfiles]) for (const l of p.lines) linesOnDevices.add(`${l.pattern}@${l.routePartitionName ?? ""}`);
  for (const p of cucm.phones) {
    if (takenPhones.has(lc(p.name))) continue;
    if (!cucm.endUsers.some((u) => u.associatedDevices.some((d) => lc(d) === lc(p.name)))) out("cucm", `phone ${p.name}`, `no end user has it (${p.description ?? p.model})`);
  }
  const takenNumbers = new Set(users.map((u) => `\\${u.e164}@`));
  for (const l of cucm.lines) {
    const k = `${l.pattern}@${l.routePartitionName ?? ""}`;
    if (takenNumbers.has(k)) continue;
    out("cucm", `line ${plainPattern(l.pattern)}${l.routePartitionName ? ` in ${l.routePartitionName}` : ""}`, linesOnDevices.has(k) ? "on a phone that is left out" : "on no phone");
  }
  for (const p of cucm.deviceProfiles) if (!takenProfiles.has(lc(p.name))) out("cucm", `device profile ${p.name}`, "not the Extension Mobility profile of a discovered user");
  for (const u of ad.users) {
    if (takenAd.has(lc(u.sAMAccountName))) continue;
    if (u.lineUri || u.lineServer) out("ad", `AD user ${u.sAMAccountName}`, `has a Line URI (${u.lineUri ?? "none"}) but is not a discovered CUCM user`);
  }

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
    const pattern = plainPattern(m.pattern);
    if (!/^\+?[0-9X]{1,24}$/.test(pattern) || numbers.has(pattern) || (m.description ?? "").length > 50) {
      out("cucm", `Meet-Me number ${m.pattern}`, "not a pattern rcclab can declare");
      continue;
    }
    meetMe.push(omitDefaults({ pattern, description: m.description ?? "", partition: m.routePartitionName, minimumSecurityLevel: m.minimumSecurityLevel }, { description: "", minimumSecurityLevel: "Non Secure" }));
  }
  const dialRules = cucm.dialRules.map((r) =>
    omitDefaults(
      { name: r.name, description: r.description ?? "", numberBeginsWith: r.numberBeginsWith, numberOfDigits: r.numberOfDigits, digitsToBeRemoved: r.digitsToBeRemoved, prefixPattern: r.prefixPattern ?? "" },
      { description: "", prefixPattern: "" },
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
        { availabilitySharing: true, allowAutoApproval: false, maxContactListSize: 200, maxWatchers: 200 },
      )
    : {};
  const deskPhoneControl = dpc ? omitDefaults({ heartbeatInterval: dpc.heartbeatInterval, sessionTimer: dpc.sessionTimer }, { heartbeatInterval: 60, sessionTimer: 3600 }) : {};

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
