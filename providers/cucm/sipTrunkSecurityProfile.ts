/**
 * B2: the SIP trunk security profile of the trunk to CUP. Natural key: its name. A copy of CUCM's
 * stock "Non Secure SIP Trunk Profile" (non-secure; TCP+UDP in on 5060, TCP out) that accepts what
 * Cisco's IM&P guides tick for the CUP trunk: presence subscription, out-of-dialog REFER,
 * unsolicited notification and the Replaces header. The SipTrunk kind names it by
 * securityProfileName. AXL 7.0: add/get/update/removeSIPTrunkSecurityProfile; 12.5+: …SipTrunk….
 */
import { z } from "zod";
import { defineKind } from "../core/kind";
import type { SipTrunkSecurityProfileSpec } from "./axl/model";
import { axlCrud } from "./crud";
import { name } from "./fields";
import { cucm } from "./system";

/** Exported for the stack schema, which takes the name and description rules from here. */
export const sipTrunkSecurityProfileFields = z.object({
  /** 7.0's XSIPTrunkSecurityProfile allows 64 characters (12.5+: 75). */
  name: name(64),
  description: z.string().max(100).optional(),
  /** Non-secure only: a secure profile needs TLS and certificates, which this lab does not use. */
  securityMode: z.literal("Non Secure").default("Non Secure"),
  incomingTransport: z.enum(["TCP+UDP", "TCP", "UDP"]).default("TCP+UDP"),
  outgoingTransport: z.enum(["TCP", "UDP"]).default("TCP"),
  incomingPort: z.number().int().min(1024).max(65535).default(5060),
  acceptPresenceSubscription: z.boolean().default(true),
  acceptOutOfDialogRefer: z.boolean().default(true),
  acceptUnsolicitedNotification: z.boolean().default(true),
  allowReplaceHeader: z.boolean().default(true),
});
const fields = sipTrunkSecurityProfileFields;
type Fields = z.output<typeof fields>;

export const SipTrunkSecurityProfile = defineKind({
  type: "rcclab:cucm:SipTrunkSecurityProfile",
  file: __filename,
  exportName: "SipTrunkSecurityProfile",
  system: cucm,
  fields,
  key: (f) => f.name,
  replaceOn: ["name"],
  computed: ["uuid"],
  ...axlCrud(fields, {
    codec: (a) => a.sipTrunkSecurityProfile,
    keyOf: (f) => f.name,
    parseId: (id) => id,
    toSpec: (f): SipTrunkSecurityProfileSpec => f,
    // As CUCM has it, unchecked: a value the stack cannot declare (a secure mode, TLS) reads as drift.
    fromLive: (live) => live as unknown as Fields,
  }),
});
