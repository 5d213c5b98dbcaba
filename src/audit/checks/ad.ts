/**
 * A3 in Active Directory, per RCC user: the Line URI (msRTCSIP-Line) is tel:+E.164 and a number on a
 * phone associated with the user's CUCM end user; remote call control on (msRTCSIP-OptionFlags bit
 * 16, and the user enabled for OCS); the Server URI (msRTCSIP-LineServer) on CUP's FQDN; the home
 * server (msRTCSIP-PrimaryHomeServer) a pool that exists; the SIP address in the lab's domain.
 */
import { OPTION_FLAGS, poolOfHomeServer } from "../../../providers/ad/ocsSchema";
import { plainDn } from "../../../providers/cucm/fields";
import { type AuditContext, type ResolvedUser, adName, finding, fix, sameHost, unreadReason, userKey } from "../context";
import type { CheckDef, Finding } from "../types";

export const AD_CHECKS: CheckDef[] = [
  { id: "ad.lineUri", system: "ad", scope: "user", step: "A3", title: "Line URI", rule: "msRTCSIP-Line is tel:+E.164 and equals a directory number on a phone associated with the user's CUCM end user" },
  { id: "ad.rcc", system: "ad", scope: "user", step: "A3", title: "RCC enabled", rule: "the user is enabled for OCS and msRTCSIP-OptionFlags has bit 16 (remote call control)" },
  { id: "ad.lineServer", system: "ad", scope: "user", step: "A3", title: "Server URI", rule: "msRTCSIP-LineServer is a SIP URI whose host is CUP's FQDN" },
  { id: "ad.homePool", system: "ad", scope: "user", step: "A3", title: "Home pool", rule: "msRTCSIP-PrimaryHomeServer names an OCS pool that exists in AD" },
  { id: "ad.sipDomain", system: "ad", scope: "user", step: "A3", title: "SIP domain", rule: "msRTCSIP-PrimaryUserAddress is sip:<user>@<the lab's SIP domain>" },
];

const PAGE = (u: ResolvedUser, what: string) => `Active Directory Users and Computers > ${adName(u)} > Properties > Communications > ${what}`;
const E164_TEL = /^tel:\+[1-9]\d{6,14}$/i;
/** "sip:user@host" → host (lower case), undefined when not a SIP URI. */
const sipHost = (uri: string | undefined): string | undefined => /^sip:[^@\s]+@([^;>\s]+)$/i.exec(uri ?? "")?.[1]?.toLowerCase();

export function adChecks(ctx: AuditContext): Finding[] {
  const { cfg, inv } = ctx;
  const out: Finding[] = [];
  for (const u of ctx.users) {
    const object = `AD user ${u.userid}`;
    const f = (check: string, status: Finding["status"], message: string, fixText?: string) =>
      out.push(finding("ad", check, status, object, message, { user: u.userid, ...(fixText ? { fix: fixText } : {}) }));
    if (!inv.ad) {
      for (const c of AD_CHECKS) f(c.id, "unverified", `Active Directory ${unreadReason(inv, "ad")}`);
      continue;
    }
    const a = u.ad;
    if (!a) {
      const missing = `AD has no user ${u.userid} (sAMAccountName) under rcclab:directory.usersDn`;
      const create = fix("rcclab:directory.users", `Active Directory Users and Computers > New > User ${u.userid}, then enable it for OCS`);
      for (const c of AD_CHECKS) f(c.id, "fail", missing, create);
      continue;
    }

    // Line URI.
    const lineFix = fix(userKey(u, "e164"), PAGE(u, "Configure > Telephony > Line URI (tel:+<the number on the user's phone>)"));
    const dns = u.phones.flatMap((p) => p.lines.map((l) => ({ phone: p.name, dn: plainDn(l.pattern) })));
    if (!a.lineUri) f("ad.lineUri", "fail", "msRTCSIP-Line is not set", lineFix);
    else if (!E164_TEL.test(a.lineUri)) f("ad.lineUri", "fail", `msRTCSIP-Line is "${a.lineUri}", not tel:+E.164 (e.g. tel:+14085551001)`, lineFix);
    else if (!inv.cucm) f("ad.lineUri", "unverified", `msRTCSIP-Line is ${a.lineUri}; CUCM ${unreadReason(inv, "cucm")}, so its phones are unknown`);
    else {
      const number = a.lineUri.slice(4);
      const hit = dns.find((d) => d.dn === number);
      if (hit) f("ad.lineUri", "pass", `msRTCSIP-Line ${a.lineUri} is line ${number} on ${hit.phone}`);
      else if (!u.endUser) f("ad.lineUri", "fail", `msRTCSIP-Line is ${a.lineUri}, but CUCM has no end user ${u.userid}, so no phone of theirs has that number`, fix(userKey(u, ""), `CUCM Administration > User Management > End User > Add New: ${u.userid}`));
      else if (!dns.length) f("ad.lineUri", "fail", `msRTCSIP-Line is ${a.lineUri}, but CUCM end user ${u.userid} has no associated phone with a line`, fix(userKey(u, "phone"), `CUCM Administration > User Management > End User > ${u.userid} > Device Information > Device Association`));
      else f("ad.lineUri", "fail", `msRTCSIP-Line is ${a.lineUri}, but the numbers on ${u.userid}'s phones are ${dns.map((d) => `${d.dn} (${d.phone})`).join(", ")}`, lineFix);
    }

    // RCC bit and OCS enabled.
    const flags = a.optionFlags ?? 0;
    const rccFix = fix(userKey(u, "rcc"), PAGE(u, "Configure > Telephony > Enable remote call control"));
    if (a.enabled === false) f("ad.rcc", "fail", "the user is not enabled for Office Communications Server (msRTCSIP-UserEnabled is FALSE)", fix(userKey(u, "rcc"), PAGE(u, "Enable user for Office Communications Server")));
    else if ((flags & OPTION_FLAGS.remoteCallControl) === 0) f("ad.rcc", "fail", `remote call control is off: msRTCSIP-OptionFlags is ${a.optionFlags ?? "not set"} (bit 16 clear)`, rccFix);
    else f("ad.rcc", "pass", `remote call control is on (msRTCSIP-OptionFlags ${flags})`);

    // Server URI on CUP.
    const serverFix = fix("rcclab:cup.host", PAGE(u, `Configure > Telephony > Remote call control > Server URI sip:${u.userid}@${cfg.cup.host}`));
    const host = sipHost(a.lineServer);
    if (!a.lineServer) f("ad.lineServer", "fail", "msRTCSIP-LineServer (the RCC Server URI) is not set", serverFix);
    else if (!host) f("ad.lineServer", "fail", `msRTCSIP-LineServer is "${a.lineServer}", not a SIP URI sip:<user>@${cfg.cup.host}`, serverFix);
    else if (!sameHost(host, cfg.cup.host)) f("ad.lineServer", "fail", `msRTCSIP-LineServer ${a.lineServer} points at ${host}, not at CUP (${cfg.cup.host})`, serverFix);
    else f("ad.lineServer", "pass", `msRTCSIP-LineServer ${a.lineServer}`);

    // Home pool.
    const poolFix = fix(userKey(u, "pool"), PAGE(u, "Server or pool: one of the OCS pools"));
    const pools = inv.ad.pools;
    const named = a.homeServerDn ? (poolOfHomeServer(a.homeServerDn) ?? a.pool) : undefined;
    const pool = named ? pools.find((p) => p.name.toLowerCase() === named.toLowerCase()) : undefined;
    if (!a.homeServerDn) f("ad.homePool", "fail", "msRTCSIP-PrimaryHomeServer is not set: the user has no home pool", poolFix);
    else if (!named) f("ad.homePool", "fail", `msRTCSIP-PrimaryHomeServer ${a.homeServerDn} is not a pool's LC Services object`, poolFix);
    else if (!pool) f("ad.homePool", "fail", `msRTCSIP-PrimaryHomeServer names pool ${named}, which AD does not have (pools: ${pools.map((p) => p.name).join(", ") || "none"})`, poolFix);
    else f("ad.homePool", "pass", `homed on pool ${pool.name}${pool.fqdn ? ` (${pool.fqdn})` : ""}`);

    // SIP domain.
    const sipFix = fix("rcclab:lab.sipDomain", PAGE(u, `Sign-in name: sip:${u.userid}@${cfg.lab.sipDomain}`));
    const domain = sipHost(a.sipAddress);
    if (!a.sipAddress) f("ad.sipDomain", "fail", "msRTCSIP-PrimaryUserAddress (the SIP address) is not set", sipFix);
    else if (!domain) f("ad.sipDomain", "fail", `msRTCSIP-PrimaryUserAddress is "${a.sipAddress}", not a SIP URI`, sipFix);
    else if (!sameHost(domain, cfg.lab.sipDomain)) f("ad.sipDomain", "fail", `SIP address ${a.sipAddress} is in ${domain}, not in the lab's domain ${cfg.lab.sipDomain} (all RCC users share one domain)`, sipFix);
    else f("ad.sipDomain", "pass", `SIP address ${a.sipAddress}`);
  }
  return out;
}
