/**
 * The OCS pools of a live lab, as rcclab's config declares them (ocs.pools): AD's pools, each with
 * its address and front ends from DNS. Pure, like ./toConfig.ts: pools that do not fit are listed.
 */
import { FQDN, IPV4 } from "../config";
import type { LabInventory } from "../inventory/types";
import { lc, noDot, type Out, POOL_NAME } from "./shape";

export interface Pool {
  name: string;
  fqdn: string;
  address: string;
  frontEnds: { fqdn: string; address: string }[];
}

/** The OCS pools of a lab: AD's pools, each with its address and front ends from DNS (the guide's lab: one front end, no load balancer). */
export function discoverPools(inv: LabInventory, hosts: { cup: string; cucm: string }, out: Out): Pool[] {
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
    if (!IPV4.test(address) || !POOL_NAME.safeParse(p.name).success || !FQDN.test(fqdn)) {
      out("ad", `OCS pool ${p.name}`, "its name, FQDN or address is not one rcclab can declare");
      continue;
    }
    pools.push({ name: p.name, fqdn, address, frontEnds });
  }
  return pools;
}
