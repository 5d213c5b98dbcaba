/** B7: a Meet-Me conference number. Natural key: pattern + route partition. */
import { z } from "zod";
import { defineKind } from "../core/kind";
import { axlCrud } from "./crud";
import { optionalName } from "./fields";
import { lineId, parseLineId } from "./line";
import { cucm } from "./system";

const fields = z.object({
  /** Digits, E.164 with + allowed ("+14085559000" is stored as CUCM needs it, "\+14085559000"), X as wildcard. */
  pattern: z
    .string()
    .regex(/^\+?[0-9X]{1,24}$/, "must be digits (E.164 with + allowed), X as wildcard")
    .transform((s) => (s.startsWith("+") ? `\\${s}` : s))
    .or(z.string().regex(/^\\\+[0-9X]{1,24}$/)),
  routePartitionName: optionalName(),
  description: z.string().max(50).optional(),
  minimumSecurityLevel: z.enum(["Non Secure", "Authenticated", "Encrypted"]).default("Non Secure"),
});

export const MeetMe = defineKind({
  type: "rcclab:cucm:MeetMe",
  file: __filename,
  exportName: "MeetMe",
  system: cucm,
  fields,
  key: lineId,
  replaceOn: ["pattern", "routePartitionName"],
  computed: ["uuid"],
  ...axlCrud(fields, { codec: (a) => a.meetMe, keyOf: (f) => f, parseId: parseLineId }),
});
