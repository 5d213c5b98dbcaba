/**
 * A2: CUP as an authorized host of an OCS 2007 R2 front-end pool (Front End Properties → Host
 * Authorization; WMI class MSFT_SIPRemoteAddressData, see ./script.ts).
 *
 * Natural key: the server (CUP's FQDN or address, as the static route names its next hop) on the
 * front end the connection names. Changing it replaces the entry; the three settings update in
 * place. Delete removes only the instance this resource created or imported (its InstanceID).
 */
import { z } from "zod";
import { defineKind } from "../core/kind";
import type { HostEntry } from "./client";
import { authorizedHost } from "./fields";
import { ocs } from "./system";

const fields = z
  .object({
    /** CUP's FQDN or IP address: the same form the static route uses for its next hop. */
    server: authorizedHost(),
    /** false: CUP may open connections to the pool (it sends the RCC NOTIFYs). */
    outboundOnly: z.boolean().default(false),
    throttleAsServer: z.boolean().default(true),
    treatAsAuthenticated: z.boolean().default(true),
  })
  .strict();

/** What a read makes of a live entry, given the last known state. */
function hostOf(h: HostEntry, olds: { server?: string }) {
  // Names compare case-insensitively on the server: keep the stack's spelling when they agree.
  const old = olds.server;
  return {
    fields: {
      server: old !== undefined && old.toLowerCase() === h.server.toLowerCase() ? old : h.server,
      outboundOnly: h.outboundOnly,
      throttleAsServer: h.throttleAsServer,
      treatAsAuthenticated: h.treatAsAuthenticated,
    },
    outputs: { instanceId: h.instanceId, backend: h.backend },
  };
}

export const HostAuthorization = defineKind({
  type: "rcclab:ocs:HostAuthorization",
  file: __filename,
  exportName: "HostAuthorization",
  system: ocs,
  fields,
  key: (f) => f.server,
  replaceOn: ["server"],
  computed: ["instanceId", "backend"],
  async create({ client }, f) {
    const h = await client.createHost(f);
    return { instanceId: h.instanceId, backend: h.backend };
  },
  async read({ client }, id, olds) {
    const h = await client.getHost(id);
    return h ? hostOf(h, olds) : undefined;
  },
  /** One enumeration of the class answers every entry (as the server spells its key; others read singly). */
  bulk: {
    scope: () => "",
    async readAll({ client }, olds) {
      const out = new Map<string, ReturnType<typeof hostOf>>();
      for (const [server, h] of await client.hostsByKey()) out.set(server, hostOf(h, { ...olds, server }));
      return out;
    },
  },
  async update({ client }, _id, _olds, news) {
    const h = await client.updateHost(news);
    return { instanceId: h.instanceId, backend: h.backend };
  },
  async delete({ client }, id, olds) {
    await client.deleteHost(olds.server ?? id, olds.instanceId || undefined);
  },
});
