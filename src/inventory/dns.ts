/**
 * DNS's part of the inventory (read only): every RRset of the forward and the reverse zone, each by
 * one zone transfer (the DNS RecordSet kind's bulk read uses the same zoneRRsets).
 *
 * Many servers refuse transfers (Windows DNS allows none by default on AD-integrated zones). A zone
 * whose transfer is refused is then read by queries for the names the guide's records use (A1): the
 * sign-in SRV records of the SIP domains, the A records of CUP, CUCM and each OCS pool, the PTR
 * record of each address those have in the reverse zone, and the A records of the names the PTR
 * records give (the pools' front ends). `names` says which (it waits for AD's pools). Such a zone is
 * listed in `byQuery`; a query that fails is an `unread` entry.
 */
import { DnsClient, type DnsConnection, type RRset } from "../../providers/dns/client";
import { OCS_SIGN_IN_SRV } from "../../providers/dns/guide";
import { canonicalName, inZone, isIpv4, reverseName } from "../../providers/dns/wire";
import type { DnsInventory } from "./types";
import { attempt, messageOf, type ReaderContext } from "./util";

/** The names a zone refusing transfers is read by: hosts (A records) and SIP domains (SRV records). */
export interface DnsNames {
  hosts: string[];
  sipDomains: string[];
}

export async function readDns(
  connection: DnsConnection & { zone: string; reverseZone: string },
  rc: ReaderContext,
  names: () => Promise<DnsNames> = async () => ({ hosts: [], sipDomains: [] }),
): Promise<DnsInventory | undefined> {
  const { zone, reverseZone, ...conn } = connection;
  const client = new DnsClient(conn as DnsConnection, rc.log);
  const transferred = new Map<string, RRset[]>();
  const byQuery: string[] = [];
  for (const [i, z] of [zone, reverseZone].entries()) {
    rc.progress(`zone ${z}`, i, 2);
    try {
      transferred.set(z, [...(await client.zoneRRsets(z)).values()]);
    } catch (e) {
      // Refused (or failed): read by queries, if the server answers for the zone at all.
      const serves = await attempt(rc, `zone ${z}`, () => client.checkZone(z).then(() => true));
      if (serves) byQuery.push(z);
      else rc.unread[rc.unread.length - 1]!.message += ` (its transfer failed too: ${messageOf(e)})`;
    }
  }
  const records = [...transferred.values()].flat();
  if (byQuery.length) records.push(...(await queried(client, rc, zone, reverseZone, byQuery, await names(), records)));
  rc.progress("zones", 2, 2);
  if (!transferred.size && !byQuery.length) return undefined;
  const sorted = records.sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type));
  return { zone, reverseZone, records: sorted, ...(byQuery.length ? { byQuery } : {}) };
}

/** The guide's records, by query, in the zones that refused their transfer. */
async function queried(client: DnsClient, rc: ReaderContext, zone: string, reverseZone: string, zones: string[], wanted: DnsNames, known: RRset[]): Promise<RRset[]> {
  const out: RRset[] = [];
  const seen = new Set(known.map((r) => `${canonicalName(r.name)}/${r.type}`));
  const ask = async (z: string, name: string, type: string) => {
    const key = `${canonicalName(name)}/${type}`;
    if (seen.has(key) || !inZone(canonicalName(name), canonicalName(z))) return;
    seen.add(key);
    const got = await attempt(rc, `${type} ${canonicalName(name)} (zone ${z} refuses transfers)`, () => client.getRRset(z, name, type));
    if (got) out.push(got);
  };
  const all = () => [...known, ...out];
  if (zones.includes(zone)) {
    for (const d of new Set(wanted.sipDomains.map((d) => d.toLowerCase()))) for (const s of OCS_SIGN_IN_SRV) await ask(zone, `${s.service}.${d}`, "SRV");
    for (const h of new Set(wanted.hosts.map((h) => h.toLowerCase()))) await ask(zone, h, "A");
  }
  const addresses = () => [...new Set(all().filter((r) => r.type === "A").flatMap((r) => r.records))].filter(isIpv4);
  if (zones.includes(reverseZone)) for (const a of addresses()) await ask(reverseZone, reverseName(a), "PTR");
  // The names the PTR records give (the front ends): their A records.
  if (zones.includes(zone)) for (const r of all().filter((x) => x.type === "PTR")) for (const n of r.records) await ask(zone, n, "A");
  return out;
}
