/**
 * The Pulumi engine's events (the Automation API's `onEvent`, the CLI's `--event-log`) turned into
 * the results the local engine returns, so the CLI prints the same plan, steps and drift for both
 * engines. Pure functions, no I/O.
 *
 * What the events carry (Pulumi's apitype JSON, typed in @pulumi/pulumi/automation/events.ts):
 * - `resourcePreEvent` / `resOutputsEvent`: one step each, `metadata.op`, `urn`, `type`, `keys`
 *   (what forces a replacement), `diffs` and `detailedDiff` (what changed: rcclab's dynamic
 *   providers return neither, so the fields are found by comparing `old` and `new`), and the
 *   states `old` / `new` (`inputs`, `outputs`, `id`, `custom`, `delete`). Secrets come as Pulumi's
 *   secret object (`{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", …}`
 *   with a `ciphertext` of "[secret]", or a `value`) or as the string "[secret]": shown as "[secret]".
 * - A refresh (and a refresh preview) announces each resource with op "refresh"; its
 *   `resOutputsEvent` carries what the read found: "same", "update" (drifted) or "delete" (the object
 *   is gone, `new` missing). The stack, components and providers are "refreshed" too, unchanged.
 * - A replacement is three steps: "create-replacement", "replace", "delete-replaced"; delete before
 *   create when the "delete-replaced" comes first. A "delete-replaced" of an object marked `delete`
 *   whose resource is not replaced in this run is a leftover from a failed run.
 */
import type { EngineEvent as PulumiEvent, StepEventMetadata, StepEventStateMetadata } from "@pulumi/pulumi/automation";
import { sameValue } from "../../providers/core/kind";
import { summarize, type DriftEntry, type DriftField, type DriftResult, type EngineEvent, type FieldChange, type Step, type StepOp, type Summary } from "./local";
import { kindOf, readableType } from "./wire";

export type { PulumiEvent };

// Pulumi's wire constants (@pulumi/pulumi runtime/rpc: specialSigKey, specialSecretSig, unknownValue).
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SECRET = "[secret]";

type Props = Record<string, unknown>;

const isObject = (v: unknown): v is Props => typeof v === "object" && v !== null && !Array.isArray(v);
const isSecretValue = (v: unknown): boolean => v === SECRET || (isObject(v) && v[SIG_KEY] === SECRET_SIG);

/** Whether a value is or holds a secret (at any depth). */
function hasSecret(v: unknown): boolean {
  if (isSecretValue(v)) return true;
  if (Array.isArray(v)) return v.some(hasSecret);
  return isObject(v) && Object.values(v).some(hasSecret);
}

function hasUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(hasUnknown);
  return isObject(v) && Object.values(v).some(hasUnknown);
}

/** A value for display: secrets as "[secret]", values known only after apply as "[unknown]". */
function shown(v: unknown): unknown {
  if (isSecretValue(v)) return SECRET;
  if (v === UNKNOWN) return "[unknown]";
  if (Array.isArray(v)) return v.map(shown);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shown(x)]));
  return v;
}

/** A field is hidden when it holds a secret on either side, or is one of its kind's secret paths. */
function hidden(field: string, type: string, ...values: unknown[]): boolean {
  if (values.some(hasSecret)) return true;
  return (kindOf(type)?.secretPaths ?? []).some((p) => p === field || p.startsWith(`${field}.`));
}

const nameOf = (urn: string): string => urn.slice(urn.lastIndexOf("::") + 2);

/** The top-level field of a property path: "lines[0].dirn" → "lines", `["a.b"].c` → "a.b". */
export function topField(path: string): string {
  const quoted = /^\["((?:[^"\\]|\\.)*)"\]/.exec(path);
  if (quoted) return JSON.parse(`"${quoted[1]}"`) as string;
  return path.split(/[.[]/)[0]!;
}

const internal = (k: string): boolean => k.startsWith("__");
const unique = (xs: string[]): string[] => [...new Set(xs)];

/** Field names the engine says changed (the provider's diff), without the internal `__provider`. */
function declaredFields(md: StepEventMetadata, withKeys: boolean): string[] {
  const paths = [...(withKeys ? (md.keys ?? []) : []), ...(md.diffs ?? []), ...Object.keys(md.detailedDiff ?? {})];
  return unique(paths.map(topField)).filter((f) => !internal(f));
}

/**
 * Whether two values look the same once secrets are hidden: a whole secret matches any value that
 * holds a secret (the same field as an output secret and as an input with a secret inside).
 */
function sameShown(a: unknown, b: unknown): boolean {
  if ((isSecretValue(a) && hasSecret(b)) || (isSecretValue(b) && hasSecret(a))) return true;
  return sameValue(shown(a), shown(b));
}

/** The fields of `a` and `b` that differ: the kind's managed fields when known, else every key. */
function differing(type: string, a: Props, b: Props, withConnection: boolean): string[] {
  const names = kindOf(type)?.fieldNames ?? unique([...Object.keys(a), ...Object.keys(b)]).filter((k) => !internal(k) && (withConnection || k !== "connection"));
  return names.filter((f) => !sameShown(a[f], b[f]));
}

/** Field f of a state: its input, else its output. */
const inputOf = (s: StepEventStateMetadata | undefined, f: string): unknown => (s && f in (s.inputs ?? {}) ? s.inputs[f] : s?.outputs?.[f]);
/** Field f as the system has it: its output, else its input. */
const outputOf = (s: StepEventStateMetadata | undefined, f: string): unknown => (s && f in (s.outputs ?? {}) ? s.outputs[f] : s?.inputs?.[f]);

/** Resources the CLI reports: custom resources, not the stack, components or providers. */
function reported(md: StepEventMetadata): boolean {
  const state = md.new ?? md.old;
  return state?.custom === true && !md.type.startsWith("pulumi:providers:") && md.type !== "pulumi:pulumi:Stack";
}

// ---------------------------------------------------------------------------------------------
// Drift: a refresh preview

/** Is this refresh event about an object rcclab manages (and drift checks)? Pending deletes are not. */
export function isCheckedResource(md: StepEventMetadata): boolean {
  return md.old?.custom === true && md.old.delete !== true && !md.type.startsWith("pulumi:providers:");
}

/**
 * The drift report of a refresh preview's events, as the local engine's `drift` returns it:
 * `checked` counts the custom resources read (not the stack, components or providers), a resource
 * whose object is gone is `gone`, a drifted one names its fields, expected (the state's inputs) and
 * actual (what was read).
 */
export function driftFromEvents(events: readonly PulumiEvent[]): DriftResult {
  const checked = new Set<string>();
  const drifted = new Map<string, DriftEntry>();
  for (const e of events) {
    const pre = e.resourcePreEvent?.metadata;
    if (pre?.op === "refresh" && isCheckedResource(pre)) checked.add(pre.urn);
    const md = e.resOutputsEvent?.metadata;
    if (!md || !isCheckedResource(md)) continue;
    checked.add(md.urn);
    const entry = driftEntry(md);
    if (entry) drifted.set(md.urn, entry);
    else drifted.delete(md.urn);
  }
  const resources = [...drifted.values()];
  return { drifted: resources.length > 0, checked: checked.size, resources };
}

function driftEntry(md: StepEventMetadata): DriftEntry | undefined {
  const old = md.old!;
  const base = { urn: md.urn, name: nameOf(md.urn), type: readableType(md.type), id: old.id ?? "" };
  if (md.op === "delete" || !md.new) return { ...base, gone: true, fields: [] };
  if (md.op === "same") return undefined;
  const live = md.new;
  const expected: Props = { ...(old.outputs ?? {}), ...(old.inputs ?? {}) };
  const actual: Props = { ...(live.inputs ?? {}), ...(live.outputs ?? {}) };
  let names = declaredFields(md, false);
  if (names.length === 0) names = differing(md.type, expected, actual, true);
  // Pulumi's legacy refresh diff compares every output (computed ones too).
  if (names.length === 0) names = differing("", old.outputs ?? {}, live.outputs ?? {}, true);
  if (names.length === 0) {
    // "refresh"/"read" without a visible difference: nothing drifted. "update": the difference is
    // in a secret, or not shown.
    if (md.op !== "update") return undefined;
    names = ["(unknown)"];
  }
  const fields: DriftField[] = names.map((field) => {
    const want = inputOf(old, field);
    const got = outputOf(live, field);
    return hidden(field, md.type, want, got) ? { field, expected: SECRET, actual: SECRET } : { field, expected: shown(want), actual: shown(got) };
  });
  return { ...base, gone: false, fields };
}

// ---------------------------------------------------------------------------------------------
// up / preview / destroy: steps

/** The changed fields of an update or replacement, old → new; secrets as "[secret]". */
function changesOf(md: StepEventMetadata): { fields: string[]; changes: FieldChange[]; connectionOnly: boolean } {
  const before = md.old?.inputs ?? {};
  const after = md.new?.inputs ?? {};
  let changed = declaredFields(md, false);
  if (changed.length === 0) changed = differing(md.type, before, after, false);
  let connectionOnly = false;
  if (changed.length === 0 && !sameShown(before.connection, after.connection)) {
    changed = ["connection"];
    connectionOnly = true;
  }
  if (changed.length === 0) {
    // Only secrets differ, and the events hide their values: the fields that hold secrets.
    changed = unique([...Object.keys(before), ...Object.keys(after)]).filter((k) => !internal(k) && (hasSecret(before[k]) || hasSecret(after[k])));
    connectionOnly = changed.length === 1 && changed[0] === "connection";
  }
  const replaceKeys = (md.keys ?? []).map(topField).filter((f) => !internal(f));
  const all = unique([...replaceKeys, ...changed]);
  const fromOutputs = (f: string) => Object.entries(md.detailedDiff ?? {}).some(([p, d]) => topField(p) === f && d.inputDiff === false);
  const changes = all.map((field) => {
    const was = fromOutputs(field) ? md.old?.outputs?.[field] : inputOf(md.old, field);
    const now = after[field];
    return hidden(field, md.type, was, now) ? { field, old: SECRET, new: SECRET } : { field, old: shown(was), new: shown(now) };
  });
  const fields = md.op === "replace" && replaceKeys.length ? replaceKeys : changed;
  return { fields, changes, connectionOnly };
}

interface Pending {
  key: string;
  step: Step;
  failed?: boolean;
}

/**
 * Collects an up's, preview's or destroy's events into the local engine's steps: `add` takes each
 * event as it comes and returns the step when it is done (or planned, or failed), for progress.
 */
export class StepCollector {
  private readonly pending: Pending[] = [];
  /** Resources replaced in this run, and those whose replacement deletes first. */
  private readonly replaced = new Set<string>();
  private readonly deleteFirst = new Set<string>();
  /** The last error diagnostic per resource (the failure's reason). */
  private readonly errors = new Map<string, string>();
  private changedByEngine = false;

  add(e: PulumiEvent): EngineEvent | undefined {
    const diag = e.diagnosticEvent;
    if (diag?.urn && diag.severity === "error") this.errors.set(diag.urn, uncolor(diag.message).trim());
    const counts = e.summaryEvent?.resourceChanges;
    if (counts) this.changedByEngine = Object.entries(counts).some(([op, n]) => op !== "same" && (n ?? 0) > 0);

    const pre = e.resourcePreEvent;
    if (pre) {
      const step = this.stepOf(pre.metadata);
      if (step) this.pending.push({ key: keyOf(step.op, step.urn), step });
      return undefined;
    }
    const done = e.resOutputsEvent ?? e.resOpFailedEvent;
    if (!done) return undefined;
    const md = done.metadata;
    if (md.op === "create-replacement" && md.new?.id && e.resOutputsEvent) {
      // The replacement's new object: its id is the replace step's.
      const replace = this.pending.find((x) => x.step.op === "replace" && x.step.urn === md.urn);
      if (replace) replace.step.id = md.new.id;
    }
    const op = this.opOf(md, false);
    if (!op) return undefined;
    let p = this.pending.find((x) => x.key === keyOf(op, md.urn));
    if (!p) {
      // No pre event seen for it: take the step from this one.
      const step = this.stepOf(md);
      if (!step) return undefined;
      p = { key: keyOf(step.op, step.urn), step };
      this.pending.push(p);
    }
    p.key = `done:${p.key}`;
    const id = md.new?.id || md.old?.id;
    if (id && op !== "delete") p.step.id = id;
    const planning = "planning" in done && done.planning === true;
    if (e.resOpFailedEvent) {
      p.failed = true;
      return { ...p.step, error: this.errors.get(md.urn) ?? `failed (status ${e.resOpFailedEvent.status})` };
    }
    return { ...p.step, ...(planning ? { preview: true } : {}) };
  }

  /** The steps (failed ones left out, as the local engine does), counted by kind. */
  result(): { steps: Step[]; summary: Summary; changed: boolean } {
    const steps = this.pending.filter((p) => !p.failed).map((p) => p.step);
    return { steps, summary: summarize(steps), changed: this.changedByEngine || steps.some((s) => s.op !== "same" && s.op !== "read") };
  }

  /** The local engine's op for a Pulumi step, or undefined for the steps it does not report. */
  private opOf(md: StepEventMetadata, record: boolean): StepOp | undefined {
    if (!reported(md)) return undefined;
    switch (md.op) {
      case "same":
      case "create":
      case "update":
      case "delete":
      case "read":
        return md.op;
      case "import":
        return "create";
      case "replace":
        if (record) this.replaced.add(md.urn);
        return "replace";
      case "delete-replaced":
        // A leftover of a failed run (marked delete, not replaced now) is a delete of its own.
        if (md.old?.delete === true && !this.replaced.has(md.urn)) return "delete";
        if (record && !this.replaced.has(md.urn)) this.deleteFirst.add(md.urn);
        return undefined;
      default:
        // refresh (up --refresh reads first), create-replacement, discard, remove-pending-replace, …
        return undefined;
    }
  }

  private stepOf(md: StepEventMetadata): Step | undefined {
    const op = this.opOf(md, true);
    if (!op) return undefined;
    const id = op === "create" ? md.new?.id : md.old?.id;
    const step: Step = { op, urn: md.urn, name: nameOf(md.urn), type: readableType(md.type), ...(id ? { id } : {}) };
    if (op === "update" || op === "replace") {
      const c = changesOf(md);
      if (c.fields.length) step.fields = c.fields;
      if (c.changes.length) step.changes = c.changes;
      if (c.connectionOnly) step.connectionOnly = true;
    }
    if (op === "replace") step.detail = this.deleteFirst.has(md.urn) ? "delete before create" : "create before delete";
    if (md.op === "import") step.detail = "import";
    if (md.op === "delete-replaced") step.detail = "replaced";
    if ((op === "create" || op === "update") && hasUnknown(md.new?.inputs)) step.detail = "inputs known only after apply";
    return step;
  }
}

const keyOf = (op: StepOp, urn: string): string => `${op} ${urn}`;

/** Pulumi's color directives ("<{%reset%}>") out of a diagnostic message. */
const uncolor = (s: string): string => s.replace(/<\{%[^%]*%\}>/g, "");

/** The steps of a whole run's events. */
export function stepsFromEvents(events: readonly PulumiEvent[]): { steps: Step[]; summary: Summary; changed: boolean } {
  const c = new StepCollector();
  for (const e of events) c.add(e);
  return c.result();
}
