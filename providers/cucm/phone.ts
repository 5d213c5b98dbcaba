/**
 * B4: an IP phone (SCCP or SIP) with its line appearances. Natural key: the device name, SEP + MAC.
 * Name, model and protocol cannot change in place on CUCM: changing them replaces the phone.
 * The call-per-line limit of each appearance (B8) belongs to CallPerLineLimit: updates here keep
 * whatever the phone has.
 */
import { z } from "zod";
import { RcclabError } from "../core/errors";
import { defineKind } from "../core/kind";
import type { AxlClient } from "./axl/client";
import type { LineAppearance, PhoneSpec } from "./axl/model";
import { lineId } from "./line";
import { dnPattern, name, optionalName } from "./fields";
import { PHONE_MODEL_NAMES, PHONE_MODELS, defaultSecurityProfile, defaultTemplate, modelOf, productOf, supports, type PhoneModel } from "./models";
import { cucm } from "./system";

/** "00:1e:4a:aa:bb:01" or "001E4AAABB01" → "SEP001E4AAABB01". */
export const phoneNameFromMac = (mac: string): string => `SEP${mac.replace(/[:.\-]/g, "").toUpperCase()}`;

const appearance = z.object({
  index: z.number().int().min(1).max(200),
  pattern: dnPattern,
  routePartitionName: optionalName(),
  label: z.string().max(30).optional(),
  display: z.string().max(30).optional(),
  displayAscii: z.string().max(30).optional(),
  e164Mask: z.string().max(24).regex(/^\+?[0-9X]*$/, "must be digits and X, e.g. +1408555XXXX").optional(),
});

const fields = z
  .object({
    name: z.string().regex(/^SEP[0-9A-F]{12}$/, "must be SEP followed by the 12 hex digits of the MAC, upper case"),
    model: z.enum(PHONE_MODEL_NAMES as [PhoneModel, ...PhoneModel[]]),
    protocol: z.enum(["SCCP", "SIP"]),
    description: z.string().max(128).optional(),
    devicePoolName: name().default("Default"),
    locationName: name().default("Hub_None"),
    securityProfileName: optionalName(128),
    phoneTemplateName: optionalName(),
    sipProfileName: optionalName(),
    ownerUserName: optionalName(128),
    enableExtensionMobility: z.boolean().default(false),
    lines: z.array(appearance).min(1),
  })
  .superRefine((p, ctx) => {
    if (!supports(p.model, p.protocol)) {
      ctx.addIssue({ code: "custom", path: ["protocol"], message: `the ${p.model} does not support ${p.protocol} (it supports ${PHONE_MODELS[p.model].protocols.join(", ")})` });
    }
    if (p.protocol === "SCCP" && p.sipProfileName) {
      ctx.addIssue({ code: "custom", path: ["sipProfileName"], message: "only SIP phones have a SIP profile" });
    }
    const seen = new Set<number>();
    p.lines.forEach((l, i) => {
      if (seen.has(l.index)) ctx.addIssue({ code: "custom", path: ["lines", i, "index"], message: `line index ${l.index} is used twice` });
      seen.add(l.index);
      if (l.index > PHONE_MODELS[p.model].maxLines) {
        ctx.addIssue({ code: "custom", path: ["lines", i, "index"], message: `the ${p.model} has ${PHONE_MODELS[p.model].maxLines} line buttons at most` });
      }
    });
  })
  .transform((p) => ({
    ...p,
    securityProfileName: p.securityProfileName ?? defaultSecurityProfile(p.model, p.protocol),
    phoneTemplateName: p.phoneTemplateName ?? defaultTemplate(p.model, p.protocol),
    sipProfileName: p.protocol === "SIP" ? (p.sipProfileName ?? "Standard SIP Profile") : undefined,
    lines: [...p.lines].sort((a, b) => a.index - b.index),
  }));

type Fields = z.output<typeof fields>;

/**
 * The uuid of every line the phone uses, by line ID. AXL 7.0 reads a line appearance's directory
 * number by uuid only; looking the lines up first also names a missing line clearly.
 */
async function lineUuids(client: AxlClient, f: Fields): Promise<Map<string, string>> {
  const uuids = new Map<string, string>();
  for (const [i, l] of f.lines.entries()) {
    const ref = { pattern: l.pattern, routePartitionName: l.routePartitionName };
    const got = await client.get(client.adapter.line, ref);
    if (!got) throw new RcclabError("InvalidRequest", `lines[${i}]: directory number ${lineId(ref)} does not exist on CUCM; create the line first`);
    uuids.set(lineId(ref), got.uuid);
  }
  return uuids;
}

/** The model's phone from the kind's fields; per-line call limits taken from `current` when it has them. */
function spec(f: Fields, uuids: Map<string, string>, current?: PhoneSpec): PhoneSpec {
  const lines: LineAppearance[] = f.lines.map(({ pattern, routePartitionName, ...rest }) => {
    const live = current?.lines.find((l) => l.index === rest.index);
    return {
      ...rest,
      dirn: { pattern, routePartitionName, uuid: uuids.get(lineId({ pattern, routePartitionName })) },
      ...(live?.maxNumCalls !== undefined ? { maxNumCalls: live.maxNumCalls } : {}),
      ...(live?.busyTrigger !== undefined ? { busyTrigger: live.busyTrigger } : {}),
    };
  });
  const { model, lines: _l, ...rest } = f;
  return { ...rest, product: productOf(model), lines };
}

/** The kind's fields from the live phone (call limits left to CallPerLineLimit). */
function fromLive(p: PhoneSpec): Fields {
  return {
    name: p.name,
    model: modelOf(p.product) as PhoneModel,
    protocol: p.protocol,
    description: p.description,
    devicePoolName: p.devicePoolName,
    locationName: p.locationName,
    securityProfileName: p.securityProfileName,
    phoneTemplateName: p.phoneTemplateName,
    sipProfileName: p.protocol === "SIP" ? p.sipProfileName : undefined,
    ownerUserName: p.ownerUserName,
    enableExtensionMobility: p.enableExtensionMobility ?? false,
    lines: p.lines
      .map((l) => ({
        index: l.index,
        pattern: l.dirn.pattern,
        routePartitionName: l.dirn.routePartitionName,
        label: l.label,
        display: l.display,
        displayAscii: l.displayAscii,
        e164Mask: l.e164Mask,
      }))
      .sort((a, b) => a.index - b.index),
  };
}

export const Phone = defineKind({
  type: "rcclab:cucm:Phone",
  file: __filename,
  exportName: "Phone",
  system: cucm,
  fields,
  key: (f) => f.name,
  replaceOn: ["name", "model", "protocol"],
  computed: ["uuid"],
  async create({ client }, f) {
    return { uuid: await client.add(client.adapter.phone, spec(f, await lineUuids(client, f)), f.name) };
  },
  async read({ client }, id) {
    const got = await client.get(client.adapter.phone, id);
    if (!got) return undefined;
    return { fields: fromLive(got), outputs: { uuid: got.uuid } };
  },
  async update({ client }, id, _olds, news) {
    const uuids = await lineUuids(client, news);
    return { uuid: await client.update(client.adapter.phone, id, (current) => spec(news, uuids, current)) };
  },
  async delete({ client }, id) {
    await client.remove(client.adapter.phone, id);
  },
});
