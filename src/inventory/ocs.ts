/**
 * OCS's part of the inventory (read only): on each pool, through the front end the connection names,
 * one enumeration of the static routes and one of the authorized hosts (the classes the StaticRoute
 * and HostAuthorization kinds' bulk reads enumerate).
 */
import { OcsClient, type OcsConnection } from "../../providers/ocs/client";
import type { OcsPoolInventory } from "./types";
import { attempt, type ReaderContext } from "./util";

export async function readOcs(pools: readonly { pool: string; connection: OcsConnection }[], rc: ReaderContext): Promise<{ pools: OcsPoolInventory[] } | undefined> {
  const out: OcsPoolInventory[] = [];
  let done = 0;
  await Promise.all(
    pools.map(async ({ pool, connection }) => {
      const client = new OcsClient(connection, rc.log);
      try {
        const got = await attempt(rc, `pool ${pool}`, async () => ({ routes: await client.listRoutes(), hosts: await client.listHosts() }));
        if (got) out.push({ pool, frontEnd: connection.host, ...got });
      } finally {
        client.close();
        rc.progress("pools", ++done, pools.length);
      }
    }),
  );
  out.sort((a, b) => a.pool.localeCompare(b.pool));
  return out.length || pools.length === 0 ? { pools: out } : undefined;
}
