/**
 * C3, the "destination" entries: a static route (Presence > Routing > Static Routes) per OCS front end
 * / pool, so CUP's SIP proxy sends the requests addressed to the OCS side (a desk phone control
 * session's NOTIFYs, the OCS domain) to that server. Natural key: destination pattern, next hop and
 * port ("<pattern>-><next hop>:<port>"). Delete removes only the route rcclab created.
 */
import { z } from "zod";
import { RcclabError } from "../core/errors";
import { PROTOCOL_TYPE, ROUTE_TYPE } from "./catalog";
import { description, domainPattern, hostOrAddress, updateRow } from "./common";
import { insert, remove, routeByKey, staticRoute } from "./sql";
import { defineCupKind } from "./system";

const fields = z.object({
  /** The destination pattern: the OCS pool FQDN or SIP domain (labels may use * wildcards). */
  destinationPattern: domainPattern().pipe(z.string().max(255)),
  /** The OCS front end (or pool) the requests go to. */
  nextHop: hostOrAddress().pipe(z.string().max(255)),
  nextHopPort: z.number().int().min(1).max(65535).default(5060),
  protocol: z.enum(Object.keys(PROTOCOL_TYPE) as [keyof typeof PROTOCOL_TYPE, ...(keyof typeof PROTOCOL_TYPE)[]]).default("TCP"),
  routeType: z.enum(Object.keys(ROUTE_TYPE) as [keyof typeof ROUTE_TYPE, ...(keyof typeof ROUTE_TYPE)[]]).default("domain"),
  priority: z.number().int().min(1).max(65535).default(1),
  weight: z.number().int().min(0).max(65535).default(10),
  inService: z.boolean().default(true),
  description: description(128),
});

type RouteKey = { destinationPattern: string; nextHop: string; nextHopPort: number };

export const routeId = (k: RouteKey): string => `${k.destinationPattern}->${k.nextHop}:${k.nextHopPort}`;

/** "<pattern>-><next hop>:<port>" → its parts (import ids). */
export function parseRouteId(id: string): RouteKey {
  const m = /^(.+)->(.+):(\d{1,5})$/.exec(id);
  if (!m) throw new RcclabError("InvalidRequest", `a static route id is "<destination pattern>-><next hop>:<port>", not ${JSON.stringify(id)}`);
  return { destinationPattern: m[1]!, nextHop: m[2]!, nextHopPort: Number(m[3]) };
}

export const StaticRoute = defineCupKind({
  type: "rcclab:cup:StaticRoute",
  file: __filename,
  exportName: "StaticRoute",
  fields,
  key: routeId,
  replaceOn: ["destinationPattern", "nextHop", "nextHopPort"],
  computed: ["pkid"],
  async create({ db }, f) {
    if ((await db.query(routeByKey(f))).length) {
      throw new RcclabError("AlreadyExists", `CUP already has a static route ${routeId(f)} (made by hand?): import it, or remove it first`);
    }
    return { pkid: await db.insert(insert(staticRoute.table, staticRoute.toRow(f))) };
  },
  async read({ db }, id) {
    const [row] = await db.query(routeByKey(parseRouteId(id)));
    if (!row) return undefined;
    return { fields: staticRoute.fromRow(row), outputs: { pkid: row.pkid as string } };
  },
  async update({ db }, id, _olds, news) {
    const [row] = await db.query(routeByKey(parseRouteId(id)));
    if (!row) throw new RcclabError("NotFound", `CUP has no static route ${id} any more`);
    await updateRow(db, staticRoute, row, news);
    return { pkid: row.pkid as string };
  },
  async delete({ db }, id, olds) {
    const k = parseRouteId(id);
    await db.write(remove(staticRoute.table, olds.pkid ? { pkid: olds.pkid } : { destinationpattern: k.destinationPattern, nexthop: k.nextHop, nexthopport: k.nextHopPort }));
  },
});
