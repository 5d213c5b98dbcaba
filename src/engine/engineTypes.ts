/**
 * The local engine's public types: the steps a run does or plans (with each field's old → new), the
 * counts, progress, options, results and drift reports; and how an event reads as one line. The
 * engine itself is ./local.ts.
 */
import type { ProviderHost } from "./providerHost";

/**
 * adopt: an existing object recorded in the state (rcclab adopt); forget: an adopted object dropped
 * from the state and left on its system (destroy without --delete-adopted).
 */
export type StepOp = "create" | "update" | "replace" | "same" | "delete" | "read" | "adopt" | "forget";

export interface Step {
  op: StepOp;
  urn: string;
  /** The Pulumi resource name. */
  name: string;
  /** The readable type, e.g. rcclab:cucm:Phone (the Pulumi type token for non-rcclab types). */
  type: string;
  id?: string;
  /** Fields that changed (update, replace, refresh) or that force the replacement (replace). */
  fields?: string[];
  /** update / replace: each changed field, old → new (a secret's values as "[secret]"). */
  changes?: FieldChange[];
  /** An update whose only change is the connection to the system (a rotated password, a new port). */
  connectionOnly?: boolean;
  detail?: string;
}

/** One field of a planned or applied change. */
export interface FieldChange {
  field: string;
  /** The value before ("[secret]" for a secret; undefined: not set). */
  old: unknown;
  /** The value after ("[secret]" for a secret; undefined: removed). */
  new: unknown;
}

/** How many steps of each kind a run did (or plans). */
export interface Summary {
  create: number;
  update: number;
  replace: number;
  delete: number;
  same: number;
  /** Objects adopted (rcclab adopt), when any. */
  adopt?: number;
  /** Adopted objects forgotten and left on their systems (destroy), when any. */
  forget?: number;
}

/** Where a long phase is: `refreshing 23/69`, the resource being worked on. */
export interface Progress {
  phase: "refresh" | "drift" | "apply" | "delete" | "destroy";
  /** Resources done in this phase. */
  done: number;
  /** Resources in this phase, when known up front (refresh, drift, destroy). */
  total?: number;
  /** The resource being worked on ("rcclab:cucm:Phone phone-SEP…"). */
  current?: string;
}

export interface EngineEvent extends Step {
  /** True when the step is only planned (preview). */
  preview?: boolean;
  /** Set when the step failed; the run fails with this message. */
  error?: string;
}

export interface EngineOptions {
  project: string;
  stack: string;
  /** The JSON state file. */
  stateFile: string;
  /** Encrypts the secrets in the state file. */
  passphrase: string;
  /** Progress, one event per resource step, as it goes. */
  onEvent?: (e: EngineEvent) => void;
  /** Where a long phase is, before each resource's step starts. */
  onProgress?: (p: Progress) => void;
  /** A running provider host to use (and leave running); by default one is started for the run. */
  host?: ProviderHost;
  /** At most this many steps at once (default 10; each system has its own lane too, see ./lanes.ts). */
  parallel?: number;
  /** Delete adopted objects too (destroy, and up's deletions): by default they are only forgotten. */
  deleteAdopted?: boolean;
}

export interface ProgramOptions extends EngineOptions {
  /** A Pulumi program: what `export = async () => { ... }` would be. */
  program: () => Promise<Record<string, unknown> | void> | Record<string, unknown> | void;
  /** Namespaced keys ("rcclab:cucm") to values (objects allowed), already decrypted. */
  config?: Record<string, unknown>;
  /** Which config keys are secret (pulumi.Config.requireSecret etc. see them as secret). */
  secretConfigKeys?: string[];
}

export interface RunResult {
  steps: Step[];
  /** The stack outputs, resolved; secrets in clear (see secretOutputs). */
  outputs: Record<string, unknown>;
  /** Names of the stack outputs that are secrets. */
  secretOutputs: string[];
  /** Whether any step other than `same` happened (or is planned, for preview). */
  changed: boolean;
  /** Steps by kind. */
  summary: Summary;
}

/** Steps counted by kind. */
export function summarize(steps: readonly Step[]): Summary {
  const s: Summary = { create: 0, update: 0, replace: 0, delete: 0, same: 0 };
  for (const st of steps) {
    if (st.op === "adopt" || st.op === "forget") s[st.op] = (s[st.op] ?? 0) + 1;
    else if (st.op in s) s[st.op as "create"]++;
  }
  return s;
}

export interface DriftField {
  field: string;
  /** What the state says (the last applied input); "[secret]" for secrets. */
  expected: unknown;
  /** What the system has; "[secret]" for secrets. */
  actual: unknown;
}

export interface DriftEntry {
  urn: string;
  name: string;
  type: string;
  id: string;
  /** The object no longer exists. */
  gone: boolean;
  fields: DriftField[];
}

export interface DriftResult {
  /** True when any resource drifted: a status, like an exit code. */
  drifted: boolean;
  /** How many resources were read. */
  checked: number;
  /** Only the resources that drifted. */
  resources: DriftEntry[];
}

/** A failed run: the first error, with the steps that completed before it. */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly steps: Step[],
  ) {
    super(message);
    this.name = "EngineError";
  }
}

/** One line for an event, Pulumi style: "+ create rcclab:echo:Thing a (id)". */
export function formatEvent(e: EngineEvent): string {
  const sym: Record<StepOp, string> = { create: "+", update: "~", replace: "+-", same: "=", delete: "-", read: ">", adopt: "<", forget: "^" };
  const what = `${e.preview ? "plan " : ""}${e.op}`;
  const id = e.id ? ` [${e.id}]` : "";
  const fields = e.fields?.length ? ` (${e.fields.join(", ")})` : "";
  const detail = e.detail ? `: ${e.detail}` : "";
  const err = e.error ? ` FAILED: ${e.error}` : "";
  return `${sym[e.op]} ${what} ${e.type} ${e.name}${id}${fields}${detail}${err}`;
}

