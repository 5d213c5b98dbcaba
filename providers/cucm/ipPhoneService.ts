/**
 * B11 step 2: an IP phone service, here the Extension Mobility service whose URL points at the
 * CUCM node (http://<cucm>:8080/emapp/EMAppServlet?device=#DEVICENAME#). Natural key: name.
 * AXL 12.5+ has operations for it; on 7.0 the adapter uses SQL on CUCM's own table.
 */
import { z } from "zod";
import { defineKind } from "../core/kind";
import { axlCrud } from "./crud";
import { name } from "./fields";
import { cucm } from "./system";

/** The Extension Mobility service URL for a CUCM node. */
export const emServiceUrl = (cucmHost: string): string => `http://${cucmHost}:8080/emapp/EMAppServlet?device=#DEVICENAME#`;

const fields = z.object({
  name: name(32),
  description: z.string().max(50).optional(),
  url: z.string().max(255).regex(/^https?:\/\/\S+$/, "must be an http(s) URL"),
  category: z.enum(["XML Service", "Java MIDlet"]).default("XML Service"),
  serviceType: z.enum(["Standard IP Phone Service", "Directories", "Messages"]).default("Standard IP Phone Service"),
  enabled: z.boolean().default(true),
});

export const IpPhoneService = defineKind({
  type: "rcclab:cucm:IpPhoneService",
  file: __filename,
  exportName: "IpPhoneService",
  system: cucm,
  fields,
  key: (f) => f.name,
  replaceOn: ["name"],
  computed: ["uuid"],
  ...axlCrud(fields, { codec: (a) => a.ipPhoneService, keyOf: (f) => f.name, parseId: (id) => id }),
});
