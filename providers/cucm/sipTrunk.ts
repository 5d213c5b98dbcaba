/**
 * B2: the SIP trunk from CUCM to CUP. Natural key: its name. The transport (TCP in the guide's lab)
 * is set by the trunk's SIP security profile; CUCM's "Non Secure SIP Trunk Profile" sends TCP.
 */
import { z } from "zod";
import { defineKind } from "../core/kind";
import { axlCrud } from "./crud";
import { name, optionalName } from "./fields";
import { cucm } from "./system";

const fields = z.object({
  name: name(),
  description: z.string().max(114).optional(),
  devicePoolName: name().default("Default"),
  locationName: name().default("Hub_None"),
  callingSearchSpaceName: optionalName(),
  securityProfileName: name().default("Non Secure SIP Trunk Profile"),
  sipProfileName: name().default("Standard SIP Profile"),
  /** CUP's address or FQDN. */
  destinationAddress: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[A-Za-z0-9.\-:]+$/, "must be a host name or an IP address"),
  destinationPort: z.number().int().min(1).max(65535).default(5060),
});

export const SipTrunk = defineKind({
  type: "rcclab:cucm:SipTrunk",
  file: __filename,
  exportName: "SipTrunk",
  system: cucm,
  fields,
  key: (f) => f.name,
  replaceOn: ["name"],
  computed: ["uuid"],
  ...axlCrud(fields, { codec: (a) => a.sipTrunk, keyOf: (f) => f.name, parseId: (id) => id }),
});
