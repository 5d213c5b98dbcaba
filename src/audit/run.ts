/**
 * The audit as a pure function of the stack's config and the live inventory (auditLab), and the whole
 * command's work (runAudit): read the inventory, make the live probes, check.
 */
import type { LabConfig } from "../config";
import { type InventoryProgress, connectionsOf, readInventory } from "../inventory";
import type { LabInventory, SystemName } from "../inventory/types";
import { CHECKS, runChecks } from "./checks";
import { type AuditContext, resolveUsers } from "./context";
import { probeCtiManagers, probeCtiPassword } from "./probes";
import type { AuditResult, Finding, Status } from "./types";

/**
 * The parts of the inventory each check relies on (the readers' `unread` names: an attempt's name, or
 * with " *" every object of a per-object read, "phones SEP…"). A check that fails while one of them
 * could not be read is not verifiable, not a problem: the failure may only be the missing part.
 */
function readsOf(cfg: LabConfig): Record<string, [SystemName, string][]> {
  const phones: [SystemName, string][] = [["cucm", "devices"], ["cucm", "phones *"], ["cucm", "end users"], ["cucm", "end users *"]];
  return {
    "ad.lineUri": phones,
    "ad.homePool": [["ad", "OCS pools"]],
    "cucm.userGroups": [["cucm", "end users"], ["cucm", "end users *"]],
    "cucm.presenceLicense": [["cucm", "end users"], ["cucm", "licence capabilities *"]],
    "cucm.ctiControl": [...phones, ["cucm", "application users"], ["cucm", "application users *"]],
    "cucm.callsPerLine": [...phones, ["cucm", "call-per-line limits"]],
    "cucm.ctiAppUser": [["cucm", "application users"], ["cucm", "application users *"]],
    "cucm.trunk": [["cucm", "devices"], ["cucm", "SIP trunks *"], ["cucm", "SIP trunk security profiles *"]],
    "cup.userAssigned": [["cup", "desk phone control users"]],
    "cup.ctiUser": [["cup", "desk phone control"], ["cucm", "application users"], ["cucm", "application users *"]],
    "cup.incomingAcl": [["cup", "incoming ACL"]],
    "dns.srv": [["dns", `zone ${cfg.dns.zone}`]],
    "dns.a": [["dns", `zone ${cfg.dns.zone}`]],
    "dns.ptr": [["dns", `zone ${cfg.dns.reverseZone}`]],
  };
}

/** A failure that rests on something not read becomes not verifiable, saying what was not read. */
function unlessUnread(cfg: LabConfig, inv: LabInventory, findings: Finding[]): Finding[] {
  if (!inv.unread.length) return findings;
  const reads = readsOf(cfg);
  return findings.map((f) => {
    if (f.status !== "fail") return f;
    const missing = inv.unread.filter((u) =>
      (reads[f.check] ?? []).some(([system, what]) =>
        u.system === system && (what.endsWith(" *") ? u.what.startsWith(what.slice(0, -1)) : u.what.toLowerCase() === what.toLowerCase()),
      ),
    );
    if (!missing.length) return f;
    const why = missing.map((u) => `${u.system} ${u.what}: ${u.message}`).join("; ");
    return { ...f, status: "unverified", message: `${f.message} — not certain: ${why} could not be read` };
  });
}

export function auditLab(stack: string, cfg: LabConfig, inv: LabInventory, probes: AuditContext["probes"] = {}): AuditResult {
  const users = resolveUsers(cfg, inv);
  const findings = unlessUnread(cfg, inv, runChecks({ cfg, inv, users, probes }));
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
