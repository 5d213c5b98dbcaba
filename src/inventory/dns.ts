/**
 * DNS's part of the inventory (read only): every RRset of the forward and the reverse zone, each by
 * one zone transfer (the DNS RecordSet kind's bulk read uses the same zoneRRsets). A zone whose
 * transfer is refused is listed in `unread`.
 */
import { DnsClient, type DnsConnection, type RRset } from "../../providers/dns/client";
import type { DnsInventory } from "./types";
import { attempt, type ReaderContext } from "./util";

export async function readDns(connection: DnsConnection & { zone: string; reverseZone: string }, rc: ReaderContext): Promise<DnsInventory | undefined> {
  const { zone, reverseZone, ...conn } = connection;
  const client = new DnsClient(conn as DnsConnection, rc.log);
  const records: RRset[] = [];
  let read = 0;
  for (const [i, z] of [zone, reverseZone].entries()) {
    rc.progress(`zone ${z}`, i, 2);
    const got = await attempt(rc, `zone ${z}`, () => client.zoneRRsets(z));
    if (!got) continue;
    read++;
    records.push(...[...got.values()].sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type)));
  }
  rc.progress("zones", 2, 2);
  return read ? { zone, reverseZone, records } : undefined;
}
