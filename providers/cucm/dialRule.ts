/**
 * B9: an application dial rule (how Communicator-dialled numbers become dialable ones). Natural key:
 * name. AXL 12.5+ has operations for it; on 7.0 the adapter uses SQL on CUCM's own table, with every
 * literal escaped.
 */
import { z } from "zod";
import { defineKind, liveFields } from "../core/kind";
import { axlCrud } from "./crud";
import { name } from "./fields";
import { cucm } from "./system";

const digits = z.string().max(50).regex(/^[0-9+*#]*$/, "must be digits, +, * or #");

const fields = z
  .object({
    name: name(),
    description: z.string().max(100).optional(),
    numberBeginsWith: digits,
    numberOfDigits: z.number().int().min(0).max(50),
    digitsToBeRemoved: z.number().int().min(0).max(50),
    prefixPattern: digits.default(""),
    priority: z.number().int().min(0).optional(),
  })
  .refine((r) => r.numberOfDigits === 0 || r.digitsToBeRemoved <= r.numberOfDigits, { path: ["digitsToBeRemoved"], message: "must not exceed numberOfDigits" });

export const ApplicationDialRule = defineKind({
  type: "rcclab:cucm:ApplicationDialRule",
  file: __filename,
  exportName: "ApplicationDialRule",
  system: cucm,
  fields,
  key: (f) => f.name,
  replaceOn: ["name"],
  computed: ["uuid"],
  ...axlCrud(fields, {
    codec: (a) => a.dialRule,
    keyOf: (f) => f.name,
    parseId: (id) => id,
    // Priority is CUCM's ordering; it is managed only when the stack sets it.
    fromLive: (live, olds) => liveFields(fields, { ...live, priority: olds.priority === undefined ? undefined : live.priority }),
  }),
});
