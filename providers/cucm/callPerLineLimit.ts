/**
 * B8: the call-per-line limit of one line appearance: maximum number of calls and busy trigger.
 * Natural key: phone name + line index. Deleting it puts back the values the phone had before
 * rcclab set them, so a destroy leaves the phone as it found it.
 */
import { z } from "zod";
import { RcclabError } from "../core/errors";
import { defineKind } from "../core/kind";
import type { AxlClient } from "./axl/client";
import type { Got, PhoneSpec } from "./axl/model";
import { cucm } from "./system";

const fields = z
  .object({
    phoneName: z.string().regex(/^SEP[0-9A-F]{12}$/, "must be a phone name, SEP + MAC"),
    lineIndex: z.number().int().min(1).max(200),
    maxNumCalls: z.number().int().min(1).max(200),
    busyTrigger: z.number().int().min(1).max(200),
  })
  .refine((f) => f.busyTrigger <= f.maxNumCalls, { path: ["busyTrigger"], message: "must not exceed maxNumCalls" });

export const limitId = (phoneName: string, lineIndex: number): string => `${phoneName}#${lineIndex}`;
const parseId = (id: string) => {
  const [phoneName, index] = id.split("#");
  return { phoneName: phoneName!, lineIndex: Number(index) };
};

/** Set one appearance's limits (undefined values: leave CUCM's), keeping the rest of the phone. */
function withLimits(phone: Got<PhoneSpec>, lineIndex: number, maxNumCalls?: number, busyTrigger?: number): PhoneSpec {
  const { uuid: _uuid, ...spec } = phone;
  if (!phone.lines.some((l) => l.index === lineIndex)) {
    throw new RcclabError("InvalidRequest", `phone ${phone.name} has no line ${lineIndex}`);
  }
  return {
    ...spec,
    lines: phone.lines.map((l) => (l.index === lineIndex ? { ...l, maxNumCalls, busyTrigger } : l)),
  };
}

async function apply(client: AxlClient, phoneName: string, lineIndex: number, maxNumCalls: number, busyTrigger: number) {
  let previous: { maxNumCalls?: number; busyTrigger?: number } = {};
  await client.update(client.adapter.phone, phoneName, (phone) => {
    const line = phone.lines.find((l) => l.index === lineIndex);
    previous = { maxNumCalls: line?.maxNumCalls, busyTrigger: line?.busyTrigger };
    return withLimits(phone, lineIndex, maxNumCalls, busyTrigger);
  });
  return previous;
}

export const CallPerLineLimit = defineKind({
  type: "rcclab:cucm:CallPerLineLimit",
  file: __filename,
  exportName: "CallPerLineLimit",
  system: cucm,
  fields,
  key: (f) => limitId(f.phoneName, f.lineIndex),
  replaceOn: ["phoneName", "lineIndex"],
  computed: ["previousMaxNumCalls", "previousBusyTrigger"],
  async create({ client }, f) {
    const previous = await apply(client, f.phoneName, f.lineIndex, f.maxNumCalls, f.busyTrigger);
    return { previousMaxNumCalls: previous.maxNumCalls, previousBusyTrigger: previous.busyTrigger };
  },
  async read({ client }, id, olds) {
    const { phoneName, lineIndex } = parseId(id);
    const phone = await client.get(client.adapter.phone, phoneName);
    const line = phone?.lines.find((l) => l.index === lineIndex);
    if (!line) return undefined;
    return {
      fields: { phoneName, lineIndex, maxNumCalls: line.maxNumCalls ?? 0, busyTrigger: line.busyTrigger ?? 0 },
      outputs: { previousMaxNumCalls: olds.previousMaxNumCalls, previousBusyTrigger: olds.previousBusyTrigger },
    };
  },
  async update({ client }, _id, olds, news) {
    await apply(client, news.phoneName, news.lineIndex, news.maxNumCalls, news.busyTrigger);
    return { previousMaxNumCalls: olds.previousMaxNumCalls, previousBusyTrigger: olds.previousBusyTrigger };
  },
  async delete({ client }, id, olds) {
    const { phoneName, lineIndex } = parseId(id);
    const phone = await client.get(client.adapter.phone, phoneName);
    if (!phone?.lines.some((l) => l.index === lineIndex)) return; // the phone or its line went first
    const restore = withLimits(phone, lineIndex, olds.previousMaxNumCalls ?? undefined, olds.previousBusyTrigger ?? undefined);
    await client.updateFrom(client.adapter.phone, phoneName, phone, restore);
  },
});
