/**
 * The audit as a pure function of the stack's config and the live inventory (auditLab), and the whole
 * command's work (runAudit): read the inventory, make the live probes, check.
 */
import type { LabConfig } from "../config";
import { type InventoryProgress, connectionsOf, readInventory } from "../inventory";
import type { LabInventory } from "../inventory/types";
import { CHECKS, runChecks } from "./checks";
import { type AuditContext, resolveUsers } from "./context";
import { probeCtiManagers, probeCtiPassword } from "./probes";
import type { AuditResult, Status } from "./types";

export function auditLab(stack: string, cfg: LabConfig, inv: LabInventory, probes: AuditContext["probes"] = {}): AuditResult {
  const users = resolveUsers(cfg, inv);
  const findings = runChecks({ cfg, inv, users, probes });
  const summary: Record<Status, number> = { pass: 0, fail: 0, unverified: 0, na: 0 };
  for (const f of findings) summary[f.status]++;
  return {
    stack,
    readAt: inv.readAt,
    outcome: summary.fail ? "problems" : inv.unread.length ? "incomplete" : "ready",
    users: users.map(({ userid, name, sources, stackIndex }) => ({ userid, name, sources, ...(stackIndex !== undefined ? { stackIndex } : {}) })),
    checks: CHECKS,
    findings,
    unread: inv.unread,
    summary,
  };
}

export interface RunAuditOptions {
  /** Where the reading is (a status line). */
  onProgress?: (p: InventoryProgress) => void;
  /** The login test of C4 (tests replace it). */
  probePassword?: typeof probeCtiPassword;
}

/** Read the live lab (never rcclab's state), make the live probes, check. */
export async function runAudit(stack: string, cfg: LabConfig, opts: RunAuditOptions = {}): Promise<AuditResult> {
  const conns = connectionsOf(cfg);
  const inv = await readInventory(conns, opts.onProgress ? { onProgress: opts.onProgress } : {});
  const probes: AuditContext["probes"] = {};
  if (inv.cucm && conns.cucm) {
    const unread: { system: "cucm"; what: string; message: string }[] = [];
    const extra = await probeCtiManagers(cfg, conns.cucm, inv.cucm, unread);
    inv.cucm = { ...inv.cucm, services: [...inv.cucm.services, ...extra] };
    inv.unread.push(...unread);
    const ctiExists = inv.cucm.appUsers.some((a) => a.userid.toLowerCase() === cfg.cti.userid.toLowerCase());
    probes.ctiPassword = ctiExists
      ? await (opts.probePassword ?? probeCtiPassword)(cfg, conns.cucm, inv.cucm.appUsers)
      : { status: "unverified", message: `password not verifiable: CUCM has no application user ${cfg.cti.userid} to log in as` };
  }
  return auditLab(stack, cfg, inv, probes);
}
