/**
 * A2: the static route on an OCS 2007 R2 front-end pool that sends SIP for CUP's domain to CUP
 * (Front End Properties → Routing; WMI class MSFT_SIPRoutingTableData, see ./script.ts).
 *
 * Natural key: the match URI (CUP's FQDN) on the front end the connection names. Changing it
 * replaces the route; every other field updates in place. Delete removes only the instance this
 * resource created or imported (its InstanceID), never another route with the same match URI.
 */
import { z } from "zod";
import { defineKind } from "../core/kind";
import { TRANSPORTS, type RouteEntry } from "./client";
import { hostOrAddress, isIpv4, matchUri } from "./fields";
import { ocs } from "./system";

const fields = z
  .object({
    /** The domain the Request-URI must match: CUP's FQDN. */
    matchUri: matchUri(),
    /** CUP's address or FQDN. */
    nextHop: hostOrAddress(),
    port: z.number().int().min(1).max(65535).default(5060),
    /** OCS 2007 R2 routes over TCP or TLS (no UDP); the guide's lab uses TCP. */
    transport: z.enum(TRANSPORTS).default("TCP"),
    replaceHostInRequestUri: z.boolean().default(true),
    enabled: z.boolean().default(true),
  })
  .strict()
  .refine((f) => f.transport !== "TLS" || !isIpv4(f.nextHop), {
    path: ["nextHop"],
    message: "a TLS route needs the next hop's FQDN (its certificate's name), not an address",
  });

type Fields = z.output<typeof fields>;

const key = (f: Pick<Fields, "matchUri">): string => f.matchUri;

/** Names compare case-insensitively on the server: keep the stack's spelling when they agree. */
const same = (live: string, old: unknown): string => (typeof old === "string" && old.toLowerCase() === live.toLowerCase() ? old : live);

/** What a read makes of a live route, given the last known state. */
function routeOf(r: RouteEntry, olds: { matchUri?: string; nextHop?: string }) {
  const transport = r.transport.toUpperCase();
  return {
    fields: {
      matchUri: same(r.matchUri, olds.matchUri),
      nextHop: same(r.nextHop, olds.nextHop),
      port: r.port,
      transport: (TRANSPORTS as readonly string[]).includes(transport) ? (transport as Fields["transport"]) : (r.transport as Fields["transport"]),
      replaceHostInRequestUri: r.replaceHostInRequestUri,
      enabled: r.enabled,
    },
    outputs: { instanceId: r.instanceId, backend: r.backend },
  };
}

export const StaticRoute = defineKind({
  type: "rcclab:ocs:StaticRoute",
  file: __filename,
  exportName: "StaticRoute",
  system: ocs,
  fields,
  key,
  replaceOn: ["matchUri"],
  computed: ["instanceId", "backend"],
  async create({ client }, f) {
    const r = await client.createRoute(f);
    return { instanceId: r.instanceId, backend: r.backend };
  },
  async read({ client }, id, olds) {
    const r = await client.getRoute(id);
    return r ? routeOf(r, olds) : undefined;
  },
  /**
   * One enumeration of the class answers every route (as the server spells its match URI; others
   * read singly). Read keeps the stack's spelling of the next hop: routes declared with the same
   * next hop share a scope.
   */
  bulk: {
    scope: (olds) => olds.nextHop ?? "",
    async readAll({ client }, olds) {
      const out = new Map<string, ReturnType<typeof routeOf>>();
      for (const [uri, r] of await client.routesByKey()) out.set(uri, routeOf(r, { ...olds, matchUri: uri }));
      return out;
    },
  },
  async update({ client }, _id, _olds, news) {
    const r = await client.updateRoute(news);
    return { instanceId: r.instanceId, backend: r.backend };
  },
  async delete({ client }, id, olds) {
    await client.deleteRoute(olds.matchUri ?? id, olds.instanceId || undefined);
  },
});
