/** B4: a directory number (line), E.164 in this lab. Natural key: pattern + route partition. */
import { z } from "zod";
import { defineKind } from "../core/kind";
import type { DnRef, LineSpec } from "./axl/model";
import { dnPattern, optionalName } from "./fields";
import { cucm } from "./system";

/** The ID of a line: "pattern" without a partition, "pattern@partition" with one. */
export const lineId = (d: DnRef): string => (d.routePartitionName ? `${d.pattern}@${d.routePartitionName}` : d.pattern);
export const parseLineId = (id: string): DnRef => {
  const at = id.lastIndexOf("@");
  return at < 0 ? { pattern: id } : { pattern: id.slice(0, at), routePartitionName: id.slice(at + 1) };
};

const fields = z.object({
  pattern: dnPattern,
  routePartitionName: optionalName(),
  description: z.string().max(200).optional(),
  /** Caller ID name; Unicode allowed. */
  alertingName: z.string().max(50).optional(),
  asciiAlertingName: z.string().max(32).regex(/^[\x20-\x7e]*$/, "must be ASCII").optional(),
});

const spec = (f: z.output<typeof fields>): LineSpec => f;

export const Line = defineKind({
  type: "rcclab:cucm:Line",
  file: __filename,
  exportName: "Line",
  system: cucm,
  fields,
  key: lineId,
  replaceOn: ["pattern", "routePartitionName"],
  computed: ["uuid"],
  async create({ client }, f) {
    return { uuid: await client.add(client.adapter.line, spec(f), f) };
  },
  async read({ client }, id) {
    const got = await client.get(client.adapter.line, parseLineId(id));
    if (!got) return undefined;
    const { uuid, ...live } = got;
    return { fields: fields.parse(live), outputs: { uuid } };
  },
  async update({ client }, id, _olds, news) {
    return { uuid: await client.update(client.adapter.line, parseLineId(id), spec(news)) };
  },
  async delete({ client }, id) {
    await client.remove(client.adapter.line, parseLineId(id));
  },
});
