/**
 * `rcclab audit`: what it checks and what it answers. A check has a fixed id (`ad.lineUri`), belongs
 * to one system, and is either per RCC user (a column of the report's table) or per system object
 * (a pool, a CTI node, a DNS record: the report's system sections). Each finding names the check,
 * the object, what was found and, when it fails, the fix: the rcclab config key (when the stack
 * holds the object) and the admin page where it is done by hand.
 */
import type { SystemName } from "../inventory/types";

export type { SystemName };

/**
 * pass / fail; `unverified`: the audit cannot test it (a value no system lets anyone read, or a
 * system that could not be read: see `unread`); `na`: does not apply to this user (a check of the
 * 7931 on another phone model).
 */
export type Status = "pass" | "fail" | "unverified" | "na";

export interface CheckDef {
  id: string;
  system: SystemName;
  /** "user": one result per RCC user (a column of the report); "system": per object of the system. */
  scope: "user" | "system";
  /** Short column title. */
  title: string;
  /** What must hold, in one sentence. */
  rule: string;
  /** The guide's step (A1–A4, B1–B11, C1–C7). */
  step: string;
}

export interface Finding {
  check: string;
  system: SystemName;
  status: Status;
  /** The object checked: "AD user asmith", "OCS pool pool1.lab.example.com", "CTIManager on cucm1". */
  object: string;
  /** The RCC user this is about (per-user checks). */
  user?: string;
  /** What was found (for pass, what holds; for fail, what is wrong). */
  message: string;
  /** How to fix it (fail, and unverified when there is something to do): config key and admin page. */
  fix?: string;
}

/** An RCC user as the audit found it: in the stack (rcc: true), in AD (RCC enabled), or both. */
export interface AuditUser {
  userid: string;
  /** "Alice Smith", from AD or the stack. */
  name: string;
  /** Where the user was found. */
  sources: ("stack" | "ad")[];
  /** Index in rcclab:users, when the stack lists the user. */
  stackIndex?: number;
}

export interface AuditResult {
  stack: string;
  /** When the live lab was read (ISO 8601). */
  readAt: string;
  /** ready: no check failed and everything was read; problems: a check failed; incomplete: something could not be read. */
  outcome: "ready" | "problems" | "incomplete";
  users: AuditUser[];
  checks: CheckDef[];
  findings: Finding[];
  /** What could not be read (the inventory's unread), never silent. */
  unread: { system: SystemName; what: string; message: string }[];
  /** Counts by status. */
  summary: Record<Status, number>;
}

export const SYSTEM_TITLES: Record<SystemName, string> = {
  ad: "Active Directory",
  cucm: "CUCM",
  cup: "CUP",
  ocs: "OCS",
  dns: "DNS",
};

/** Exit code of an audit: 0 ready, 2 problems, 1 incomplete (something could not be read). */
export const exitCodeOf = (r: Pick<AuditResult, "outcome">): number => (r.outcome === "ready" ? 0 : r.outcome === "problems" ? 2 : 1);
