/**
 * The users of a live lab, as rcclab's config declares them (users, callsPerLine): each end user
 * with their one phone with one line, their AD user, remote call control all or none, Extension
 * Mobility; the call-per-line limits, lab-wide and per user; and what no user took (phones, lines,
 * device profiles, AD users), listed. Pure, like ./toConfig.ts: a user is taken only when their live
 * shape is exactly what the components would make of them.
 */
import { PHONE_MODEL_NAMES, PHONE_MODELS, supports, type PhoneModel } from "../../providers/cucm/models";
import { deviceProfileName, lineServerUri, lineUri, sipUri } from "../derive";
import type { CucmInventory, LabInventory } from "../inventory/types";
import type { Pool } from "./pools";
import { OPTION_FLAGS } from "../../providers/ad/ocsSchema";
import { plainDn } from "../../providers/cucm/fields";
import { compact, DEFAULT_USER_GROUPS, E164, lc, type Out, sameSet, USERID } from "./shape";

/** What the users are checked against, besides CUCM and AD (inv.cucm, inv.ad). */
export interface UsersContext {
  /** The discovered OCS pools (./pools.ts). */
  pools: Pool[];
  sipDomain: string;
  cupHost: string;
  /** The devices the CTI application user controls (B3), lower case. */
  ctiDevices: Set<string>;
  /** CUP's desk phone control users (C5–C6), lower case. */
  dpcUsers: Set<string>;
  /** CUCM's Extension Mobility service (B11), if it has one. */
  emService: CucmInventory["ipPhoneServices"][number] | undefined;
  out: Out;
}

type CallsPerLine = { maxNumCalls: number; busyTrigger: number };
type LimitValue = { userid: string; model: PhoneModel; limit?: CallsPerLine };

/** The lab's users (rcclab:users) and its call-per-line limit (rcclab:callsPerLine); what does not fit is listed. */
export function discoverUsers(inv: LabInventory, ctx: UsersContext): { users: Record<string, any>[]; callsPerLine?: CallsPerLine } {
  const { pools, sipDomain, cupHost, ctiDevices, dpcUsers, emService, out } = ctx;
  const cucm = inv.cucm!;
  const ad = inv.ad!;
  const poolNames = new Set(pools.map((p) => lc(p.name)));

  // --- Users: an end user, their one phone with one line, their AD user ---------------------------
  const phones = new Map(cucm.phones.map((p) => [lc(p.name), p]));
  const adUsers = new Map(ad.users.map((u) => [lc(u.sAMAccountName), u]));
  const licenses = new Map(cucm.licenses.map((l) => [lc(l.userid), l]));
  const limits = new Map(cucm.callLimits.map((l) => [`${lc(l.phoneName)}#${l.lineIndex}`, l]));
  const profiles = new Map(cucm.deviceProfiles.map((p) => [lc(p.name), p]));
  const takenPhones = new Set<string>();
  const takenAd = new Set<string>();
  const takenProfiles = new Set<string>();
  const users: Record<string, any>[] = [];
  const limitValues: LimitValue[] = [];

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
    else if (line.index !== 1 || line.routePartitionName || !E164.safeParse(plainDn(line.pattern)).success) why.push(`the phone's line is not one E.164 number without a partition on button 1 (${line.pattern})`);
    const e164 = line ? plainDn(line.pattern) : "";
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
      // What the guide's A3 (src/derive.ts) would set.
      const sip = sipUri({ lab: { sipDomain } }, u);
      const tel = lineUri({ e164 });
      const server = lineServerUri({ cup: { host: cupHost } }, u);
      if (lc(adUser.sipAddress ?? "") !== lc(sip)) why.push(`the AD SIP address ${adUser.sipAddress ?? "(none)"} is not ${sip}`);
      if (lc(adUser.lineUri ?? "") !== lc(tel)) why.push(`the AD Line URI ${adUser.lineUri} is not ${tel}`);
      if (lc(adUser.lineServer ?? "") !== lc(server)) why.push(`the AD Line Server URI ${adUser.lineServer ?? "(none)"} is not ${server}`);
      if (adUser.enabled !== true) why.push("the AD user is not enabled for OCS (msRTCSIP-UserEnabled)");
      if (((adUser.optionFlags ?? 0) & OPTION_FLAGS.remoteCallControl) === 0) why.push("the AD user's remote call control flag (msRTCSIP-OptionFlags bit 16) is off");
      enhancedPresence = ((adUser.optionFlags ?? 0) & OPTION_FLAGS.enhancedPresence) !== 0;
      if (!licenses.has(lc(u.userid))) why.push("its licence capabilities could not be read");
    }
    if (!pools.length) why.push("no OCS pool to home it on");

    // Extension Mobility (B11): EM on the phone, subscribed, and the user's own device profile.
    const profileName = deviceProfileName({ userid: u.userid, phone });
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

  const callsPerLine = callsPerLineOf(limitValues, users, out);
  listLeftovers(inv, users, { phones: takenPhones, ad: takenAd, profiles: takenProfiles }, out);
  return { users, callsPerLine };
}

/**
 * Call-per-line limits (B8): the lab's = the most common one; per user where it differs (set on
 * the user here). A one-call-per-line phone (the 7931) always gets 1 and 1: it takes no part.
 */
function callsPerLineOf(limitValues: LimitValue[], users: Record<string, any>[], out: Out): CallsPerLine | undefined {
  const counted = new Map<string, number>();
  for (const v of limitValues) if (v.limit && !PHONE_MODELS[v.model].oneCallPerLine) counted.set(JSON.stringify(v.limit), (counted.get(JSON.stringify(v.limit)) ?? 0) + 1);
  const common = [...counted.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
  const callsPerLine = common ? (JSON.parse(common) as CallsPerLine) : undefined;
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
  return callsPerLine;
}

/** What is left: phones, lines, AD users, profiles no user took (lower-case names in `taken`). */
function listLeftovers(inv: LabInventory, users: Record<string, any>[], taken: { phones: Set<string>; ad: Set<string>; profiles: Set<string> }, out: Out): void {
  const cucm = inv.cucm!;
  const ad = inv.ad!;
  const linesOnDevices = new Set<string>();
  for (const p of [...cucm.phones, ...cucm.deviceProfiles]) for (const l of p.lines) linesOnDevices.add(`${l.pattern}@${l.routePartitionName ?? ""}`);
  for (const p of cucm.phones) {
    if (taken.phones.has(lc(p.name))) continue;
    if (!cucm.endUsers.some((u) => u.associatedDevices.some((d) => lc(d) === lc(p.name)))) out("cucm", `phone ${p.name}`, `no end user has it (${p.description ?? p.model})`);
  }
  const takenNumbers = new Set(users.map((u) => `\\${u.e164}@`));
  for (const l of cucm.lines) {
    const k = `${l.pattern}@${l.routePartitionName ?? ""}`;
    if (takenNumbers.has(k)) continue;
    out("cucm", `line ${plainDn(l.pattern)}${l.routePartitionName ? ` in ${l.routePartitionName}` : ""}`, linesOnDevices.has(k) ? "on a phone that is left out" : "on no phone");
  }
  for (const p of cucm.deviceProfiles) if (!taken.profiles.has(lc(p.name))) out("cucm", `device profile ${p.name}`, "not the Extension Mobility profile of a discovered user");
  for (const u of ad.users) {
    if (taken.ad.has(lc(u.sAMAccountName))) continue;
    if (u.lineUri || u.lineServer) out("ad", `AD user ${u.sAMAccountName}`, `has a Line URI (${u.lineUri ?? "none"}) but is not a discovered CUCM user`);
  }
}
