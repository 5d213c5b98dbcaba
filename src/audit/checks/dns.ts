/**
 * DNS (A1): the sign-in SRV record of the SIP domain points at a pool of the lab; host (A) records
 * of CUP, CUCM, each pool and front end with their addresses; reverse (PTR) records of those
 * addresses naming the servers. The records expected are the guide's (providers/dns/guide.ts), from
 * the stack's hosts; what is live is the inventory's (a zone transfer, or queries).
 */
import { OCS_SIGN_IN_SRV, guideRecordSets } from "../../../providers/dns/guide";
import { canonicalName } from "../../../providers/dns/wire";
import { type AuditContext, finding, fix, unreadReason } from "../context";
import type { CheckDef, Finding } from "../types";
import { poolsOf } from "./ocs";

export const DNS_CHECKS: CheckDef[] = [
  { id: "dns.srv", system: "dns", scope: "system", step: "A1", title: "Sign-in SRV", rule: "_sipinternaltls._tcp.<SIP domain> (and _sipinternal._tcp when present) point at an OCS pool" },
  { id: "dns.a", system: "dns", scope: "system", step: "A1", title: "Host (A) records", rule: "CUP, CUCM, each pool and front end resolve to their addresses" },
  { id: "dns.ptr", system: "dns", scope: "system", step: "A1", title: "Reverse (PTR) records", rule: "each server's address resolves back to its name" },
];

const FQDN = /^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export function dnsChecks(ctx: AuditContext): Finding[] {
  const { cfg, inv } = ctx;
  const out: Finding[] = [];
  const d = inv.dns;
  if (!d) {
    for (const c of DNS_CHECKS) out.push(finding("dns", c.id, "unverified", "DNS", `DNS ${unreadReason(inv, "dns")}`));
    return out;
  }
  const live = (name: string, type: string) => d.records.find((r) => canonicalName(r.name) === canonicalName(name) && r.type.toUpperCase() === type)?.records ?? [];
  const liveNorm = (name: string, type: string) => live(name, type).map((r) => r.toLowerCase());
  const page = (zone: string, what: string) => `DNS Manager > ${zone} > ${what}`;

  // SRV: the sign-in records point at a pool of the lab.
  const pools = poolsOf(ctx).map((p) => canonicalName(p.fqdn));
  for (const srv of OCS_SIGN_IN_SRV) {
    const name = `${srv.service}.${canonicalName(cfg.lab.sipDomain)}`;
    const records = live(name, "SRV");
    const obj = `SRV ${name}`;
    const srvFix = fix("rcclab:dns.zone", page(cfg.dns.zone, `_tcp > New Other Records > Service Location (SRV): ${srv.service.split(".")[0]}, port ${srv.port}, host ${cfg.ocs.pools[0]!.fqdn}`));
    if (!records.length) {
      // Communicator tries TLS first; the TCP record is optional.
      if (srv.transport === "TLS") out.push(finding("dns", "dns.srv", "fail", obj, `${name} has no SRV record: Communicator cannot find its pool by automatic sign-in`, { fix: srvFix }));
      continue;
    }
    const targets = records.map((r) => canonicalName(r.trim().split(/\s+/)[3] ?? ""));
    const strangers = targets.filter((t) => !pools.includes(t));
    if (strangers.length) out.push(finding("dns", "dns.srv", "fail", obj, `${name} points at ${strangers.join(", ")}, not at an OCS pool (${pools.join(", ")})`, { fix: srvFix }));
    else out.push(finding("dns", "dns.srv", "pass", obj, `${name} → ${records.join(", ")}`));
  }

  // A and PTR: the guide's records from the stack's hosts, each found live.
  const { recordSets } = guideRecordSets({
    zone: cfg.dns.zone,
    reverseZone: cfg.dns.reverseZone,
    sipDomain: cfg.lab.sipDomain,
    cup: { fqdn: cfg.cup.host, address: cfg.cup.address },
    ...(cfg.cucm.address && FQDN.test(cfg.cucm.host) ? { cucm: { fqdn: cfg.cucm.host, address: cfg.cucm.address } } : {}),
    pools: cfg.ocs.pools,
  });
  for (const rs of recordSets) {
    const { type, name, records } = rs.fields;
    if (type !== "A" && type !== "PTR") continue;
    const check = type === "A" ? "dns.a" : "dns.ptr";
    const have = liveNorm(name, type);
    const missing = records.filter((r) => !have.includes(r.toLowerCase()));
    const obj = `${type} ${canonicalName(name)}`;
    const zone = type === "A" ? cfg.dns.zone : cfg.dns.reverseZone;
    if (missing.length) {
      const what = type === "A" ? `New Host (A): ${canonicalName(name)} → ${missing.join(", ")}` : `New Pointer (PTR): ${canonicalName(name)} → ${missing.join(", ")}`;
      out.push(
        finding("dns", check, "fail", obj, have.length ? `${canonicalName(name)} is ${have.join(", ")}; missing ${missing.join(", ")} (${rs.purpose})` : `${canonicalName(name)} has no ${type} record (${rs.purpose})`, {
          fix: fix(type === "A" ? "rcclab:dns.zone" : "rcclab:dns.reverseZone", page(zone, what)),
        }),
      );
    } else out.push(finding("dns", check, "pass", obj, `${canonicalName(name)} → ${records.join(", ")}`));
  }
  // Pools AD has that the stack does not: their name resolves.
  for (const p of poolsOf(ctx).filter((p) => p.stackIndex === undefined)) {
    const have = live(p.fqdn, "A");
    const obj = `A ${canonicalName(p.fqdn)}`;
    if (have.length) out.push(finding("dns", "dns.a", "pass", obj, `${canonicalName(p.fqdn)} → ${have.join(", ")}`));
    else out.push(finding("dns", "dns.a", "fail", obj, `pool ${p.fqdn} (in AD, not in the stack) has no A record`, { fix: fix(undefined, page(cfg.dns.zone, `New Host (A): ${p.fqdn}`)) }));
  }
  return out;
}
