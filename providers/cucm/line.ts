/** B4: a directory number (line), E.164 in this lab. Natural key: pattern + route partition. */
import { z } from "zod";
import { defineKind } from "../core/kind";
import type { DnRef } from "./axl/model";
import { axlCrud } from "./crud";
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

export const Line = defineKind({
  type: "rcclab:cucm:Line",
  file: __filename,
  exportName: "Line",
  system: cucm,
  fields,
  key: lineId,
  replaceOn: ["pattern", "routePartitionName"],
  computed: ["uuid"],
  ...axlCrud(fields, { codec: (a) => a.line, keyOf: (f) => f, parseId: parseLineId }),
});
