/** B4: a directory number (line), E.164 in this lab. Natural key: pattern + route partition. */
import { z } from "zod";
import type { BulkObject } from "../core/bulkRead";
import { defineKind, liveFields } from "../core/kind";
import { sqlInt, uuidFromPkid } from "./axl/adapters/sql";
import type { AxlClient } from "./axl/client";
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

type Fields = z.output<typeof fields>;

/** numplan.tkpatternusage of a directory number (typepatternusage "Device"). */
const DEVICE_USAGE = 2;

/**
 * Every directory number on CUCM as read() gives it, by line ID, from CUCM's numbering plan table in
 * one SQL query (and one more for partition names, only when some number has a partition): pattern
 * (dnorpattern), description, alertingname, alertingnameascii, the partition, the pkid as the uuid.
 * The same columns getLine returns; an empty value reads as absent, as in getLine's answer. Other
 * patterns in numplan (Meet-Me numbers, route patterns) are not directory numbers and are left out.
 */
async function readAllLines(client: AxlClient): Promise<Map<string, BulkObject<Fields, { uuid: string }>>> {
  const rows = await client.sql<Record<string, string>>(
    `select pkid, dnorpattern, description, alertingname, alertingnameascii, fkroutepartition from numplan where tkpatternusage = ${sqlInt(DEVICE_USAGE, "usage")}`,
  );
  const partitioned = rows.some((r) => r.fkroutepartition);
  const partitions = new Map<string, string>();
  if (partitioned) for (const p of await client.sql<Record<string, string>>("select pkid, name from routepartition")) partitions.set(p.pkid!.toLowerCase(), p.name!);
  const out = new Map<string, BulkObject<Fields, { uuid: string }>>();
  for (const r of rows) {
    if (!r.pkid || !r.dnorpattern) continue;
    const routePartitionName = r.fkroutepartition ? partitions.get(r.fkroutepartition.toLowerCase()) : undefined;
    // A partition the second query did not return: this number cannot be described; read it singly.
    if (r.fkroutepartition && routePartitionName === undefined) continue;
    const live = {
      pattern: r.dnorpattern,
      routePartitionName,
      description: r.description || undefined,
      alertingName: r.alertingname || undefined,
      asciiAlertingName: r.alertingnameascii || undefined,
    };
    out.set(lineId(live), { fields: liveFields(fields, live), outputs: { uuid: uuidFromPkid(r.pkid) } });
  }
  return out;
}

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
  bulk: { scope: () => "", readAll: ({ client }) => readAllLines(client) },
});
