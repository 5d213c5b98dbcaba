/**
 * A CUCM feature service activated on a node (Cisco Unified Serviceability > Tools > Service
 * Activation), through the Serviceability Control Center API: "Cisco Extension Mobility" (B11 step 1)
 * and "Cisco CTIManager" on each node CUP's desk phone control points at (RCC needs it running).
 * Natural key: node + service.
 *
 * Control Center acts on the node it runs on, so status and (de)activation go to the Control Center
 * endpoint of `node` itself (serviceabilityFor): the connection as it is when `node` is the server it
 * talks to, otherwise https://<node>:<connection.port> with the same credentials and TLS settings.
 * A service deactivated behind rcclab's back reads as gone, so the next up activates it again.
 * Delete deactivates it only if rcclab was the one that activated it.
 */
import { z } from "zod";
import { defineKind } from "../core/kind";
import { name } from "./fields";
import { serviceabilityFor } from "./serviceability/client";
import { cucm } from "./system";

/** Serviceability's names of the feature services rcclab activates. */
export const EXTENSION_MOBILITY = "Cisco Extension Mobility";
export const CTI_MANAGER = "Cisco CTIManager";

const fields = z.object({
  service: name(64),
  /**
   * The CUCM node: its name as Serviceability knows it (System > Server), or its address. Status and
   * activation are sent to this node's own Control Center endpoint, with this name as NodeName.
   */
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
  async create({ connection, log }, f) {
    const svc = await serviceabilityFor(connection, f.node, log);
    const before = await svc.status(f.service);
    const after = before.activated ? before : await svc.deploy(f.node, f.service, true);
    if (after.status !== "Started") log.warn(`${f.service} is activated on ${f.node} but ${after.status}: start it in Control Center`);
    return { activatedByRcclab: !before.activated, status: after.status };
  },
  async read({ connection, log }, id, olds) {
    const { node, service } = parseId(id);
    const state = await (await serviceabilityFor(connection, node, log)).status(service);
    if (!state.activated) return undefined;
    return { fields: { service, node }, outputs: { activatedByRcclab: olds.activatedByRcclab ?? false, status: state.status } };
  },
  // Both fields replace: there is nothing to update in place.
  async update({ connection, log }, _id, olds, news) {
    const state = await (await serviceabilityFor(connection, news.node, log)).status(news.service);
    return { activatedByRcclab: olds.activatedByRcclab, status: state.status };
  },
  async delete({ connection, log }, _id, olds) {
    if (!olds.activatedByRcclab) return; // it was active before rcclab: leave it so
    const svc = await serviceabilityFor(connection, olds.node, log);
    if ((await svc.status(olds.service)).activated) await svc.deploy(olds.node, olds.service, false);
  },
});
