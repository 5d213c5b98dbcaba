/**
 * B11 step 1: a CUCM feature service activated on a node (Cisco Unified Serviceability > Service
 * Activation), here "Cisco Extension Mobility", through the Serviceability Control Center API.
 * Natural key: node + service. A service deactivated behind rcclab's back reads as gone, so the
 * next up activates it again. Delete deactivates it only if rcclab was the one that activated it.
 */
import { z } from "zod";
import { defineKind } from "../core/kind";
import { name } from "./fields";
import { cucm } from "./system";

const fields = z.object({
  service: name(64),
  /** The CUCM node (its name as Serviceability knows it, or its address). */
  node: z.string().min(1).max(255),
});

export const serviceId = (node: string, service: string): string => `${node}/${service}`;
const parseId = (id: string) => ({ node: id.slice(0, id.indexOf("/")), service: id.slice(id.indexOf("/") + 1) });

export const ServiceActivation = defineKind({
  type: "rcclab:cucm:ServiceActivation",
  file: __filename,
  exportName: "ServiceActivation",
  system: cucm,
  fields,
  key: (f) => serviceId(f.node, f.service),
  replaceOn: ["service", "node"],
  computed: ["activatedByRcclab", "status"],
  async create({ client }, f) {
    const svc = client.serviceability();
    const before = await svc.status(f.service);
    const after = before.activated ? before : await svc.deploy(f.node, f.service, true);
    return { activatedByRcclab: !before.activated, status: after.status };
  },
  async read({ client }, id, olds) {
    const { node, service } = parseId(id);
    const state = await client.serviceability().status(service);
    if (!state.activated) return undefined;
    return { fields: { service, node }, outputs: { activatedByRcclab: olds.activatedByRcclab ?? false, status: state.status } };
  },
  // Both fields replace: there is nothing to update in place.
  async update({ client }, _id, olds, news) {
    return { activatedByRcclab: olds.activatedByRcclab, status: (await client.serviceability().status(news.service)).status };
  },
  async delete({ client }, _id, olds) {
    if (!olds.activatedByRcclab) return; // it was active before rcclab: leave it so
    const svc = client.serviceability();
    if ((await svc.status(olds.service)).activated) await svc.deploy(olds.node, olds.service, false);
  },
});
