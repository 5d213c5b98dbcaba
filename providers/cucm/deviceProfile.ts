/**
 * B11 step 3–4: an Extension Mobility device profile for one user and phone model, carrying the
 * user's DN and subscribed to the Extension Mobility service. Natural key: name. When the user
 * logs in at an EM phone, the phone takes the profile's lines. Model and protocol replace it.
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
import type { DeviceProfileSpec } from "./axl/model";
import { name, optionalName } from "./fields";
import { PHONE_MODEL_NAMES, PHONE_MODELS, defaultTemplate, modelOf, supports, type PhoneModel } from "./models";
import { cucm } from "./system";

const fields = z
  .object({
    name: name(),
    description: z.string().max(128).optional(),
    model: z.enum(PHONE_MODEL_NAMES as [PhoneModel, ...PhoneModel[]]),
    protocol: z.enum(["SCCP", "SIP"]),
    phoneTemplateName: optionalName(),
    lines: z.array(appearanceSchema).min(1),
    services: z.array(subscriptionSchema).default([]),
  })
  .superRefine((p, ctx) => {
    if (!supports(p.model, p.protocol)) ctx.addIssue({ code: "custom", path: ["protocol"], message: `the ${p.model} does not support ${p.protocol}` });
    checkAppearances(p.lines, PHONE_MODELS[p.model].maxLines, p.model, ctx);
  })
  .transform((p) => ({
    ...p,
    phoneTemplateName: p.phoneTemplateName ?? defaultTemplate(p.model, p.protocol),
    lines: [...p.lines].sort((a, b) => a.index - b.index),
    services: sortSubscriptions(p.services),
  }));

type Fields = z.output<typeof fields>;

/** The kind's fields from the live profile (subscription URLs only where the stack gives them). */
function fromLive(got: DeviceProfileSpec, olds: Partial<Fields>): Fields {
  return {
    name: got.name,
    description: got.description,
    model: modelOf(got.product) as PhoneModel,
    protocol: got.protocol,
    phoneTemplateName: got.phoneTemplateName,
    lines: fromAppearances(got.lines),
    services: liveSubscriptions(got.services, olds.services),
  };
}

export const DeviceProfile = defineKind({
  type: "rcclab:cucm:DeviceProfile",
  file: __filename,
  exportName: "DeviceProfile",
  system: cucm,
  fields,
  key: (f) => f.name,
  replaceOn: ["name", "model", "protocol"],
  computed: ["uuid"],
  ...lineDeviceCrud<Fields, DeviceProfileSpec>((a) => a.deviceProfile, fromLive),
});
