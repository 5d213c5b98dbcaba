/**
 * B4: an IP phone (SCCP or SIP) with its line appearances. Natural key: the device name, SEP + MAC.
 * Name, model and protocol cannot change in place on CUCM: changing them replaces the phone.
 * The call-per-line limit of each appearance (B8) belongs to CallPerLineLimit: updates here keep
 * whatever the phone has.
 */
import { z } from "zod";
import { defineKind } from "../core/kind";
import {
  appearanceSchema,
  checkAppearances,
  fromAppearances,
  lineDeviceCrud,
  liveSubscriptions,
  sortSubscriptions,
  subscriptionSchema,
} from "./appearances";
import type { PhoneSpec } from "./axl/model";
import { name, optionalName } from "./fields";
import { PHONE_MODEL_NAMES, PHONE_MODELS, defaultSecurityProfile, defaultTemplate, modelOf, supports, type PhoneModel } from "./models";
import { cucm } from "./system";

/** XOutboundCallRollover (AXL 7.0 and 14.0 alike). */
const ROLLOVER = ["No Rollover", "Rollover Within Same DN", "Rollover to any line"] as const;
/**
 * Models CTI controls only in "No Rollover" outbound call rollover mode (models.ts: the 7931G). For
 * them the phone is sent and kept in that mode; another value on CUCM reads as drift.
 */
const noRollover = (model: PhoneModel): boolean => PHONE_MODELS[model].ctiNoRollover;

/** "00:1e:4a:aa:bb:01" or "001E4AAABB01" → "SEP001E4AAABB01". */
export const phoneNameFromMac = (mac: string): string => `SEP${mac.replace(/[:.\-]/g, "").toUpperCase()}`;

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
    /** Outbound call rollover; the 7931 is always "No Rollover" (CTI needs it); other models: managed when given. */
    outboundCallRollover: z.enum(ROLLOVER).optional(),
    lines: z.array(appearanceSchema).min(1),
    /** IP phone service subscriptions (B11: the Extension Mobility service); left out: not managed. */
    services: z.array(subscriptionSchema).optional(),
  })
  .superRefine((p, ctx) => {
    if (!supports(p.model, p.protocol)) {
      ctx.addIssue({ code: "custom", path: ["protocol"], message: `the ${p.model} does not support ${p.protocol} (it supports ${PHONE_MODELS[p.model].protocols.join(", ")})` });
    }
    if (p.protocol === "SCCP" && p.sipProfileName) {
      ctx.addIssue({ code: "custom", path: ["sipProfileName"], message: "only SIP phones have a SIP profile" });
    }
    checkAppearances(p.lines, PHONE_MODELS[p.model].maxLines, p.model, ctx);
    if (noRollover(p.model) && p.outboundCallRollover !== undefined && p.outboundCallRollover !== "No Rollover") {
      ctx.addIssue({ code: "custom", path: ["outboundCallRollover"], message: `CTI (and so RCC) controls a ${p.model} only in "No Rollover" mode` });
    }
  })
  .transform(({ outboundCallRollover, ...p }) => ({
    ...p,
    ...(noRollover(p.model)
      ? { outboundCallRollover: "No Rollover" as const }
      : outboundCallRollover !== undefined
        ? { outboundCallRollover }
        : {}),
    securityProfileName: p.securityProfileName ?? defaultSecurityProfile(p.model, p.protocol),
    phoneTemplateName: p.phoneTemplateName ?? defaultTemplate(p.model, p.protocol),
    sipProfileName: p.protocol === "SIP" ? (p.sipProfileName ?? "Standard SIP Profile") : undefined,
    lines: [...p.lines].sort((a, b) => a.index - b.index),
    ...(p.services ? { services: sortSubscriptions(p.services) } : {}),
  }));

type Fields = z.output<typeof fields>;

/**
 * The kind's fields from the live phone (call limits left to CallPerLineLimit; subscriptions only
 * when the resource manages them).
 */
function fromLive(p: PhoneSpec, olds: Partial<Fields>): Fields {
  const model = modelOf(p.product) as PhoneModel;
  const managed = olds.services;
  // The rollover mode as CUCM has it (any value, so that another one shows as drift), where managed.
  const rollover = noRollover(model as PhoneModel) || olds.outboundCallRollover !== undefined;
  return {
    name: p.name,
    model,
    protocol: p.protocol,
    description: p.description,
    devicePoolName: p.devicePoolName,
    locationName: p.locationName,
    securityProfileName: p.securityProfileName,
    phoneTemplateName: p.phoneTemplateName,
    sipProfileName: p.protocol === "SIP" ? p.sipProfileName : undefined,
    ownerUserName: p.ownerUserName,
    enableExtensionMobility: p.enableExtensionMobility ?? false,
    ...(rollover && p.outboundCallRollover !== undefined ? { outboundCallRollover: p.outboundCallRollover as NonNullable<Fields["outboundCallRollover"]> } : {}),
    lines: fromAppearances(p.lines),
    ...(managed ? { services: liveSubscriptions(p.services ?? [], managed) } : {}),
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
  ...lineDeviceCrud<Fields, PhoneSpec>((a) => a.phone, fromLive),
});
