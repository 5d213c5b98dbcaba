/**
 * The CLI's text: a plan or a run as lines, Pulumi style ("~ update rcclab:cucm:Phone phone-SEP…" and
 * under it each changed field, old → new), the summary lines with the counts, and drift. Values are
 * shown compactly as JSON and shortened; a field holding an object or a list shows only the parts
 * that differ ("lines[0].label: …"). Secrets arrive already as "[secret]" and stay so. Pure functions.
 */
import type { DriftResult, EngineEvent, FieldChange, Step, Summary } from "../engine/local";

const SYMBOL: Record<Step["op"], string> = { create: "+", update: "~", replace: "+-", same: "=", delete: "-", read: ">", adopt: "<", forget: "^" };
/** Longest value shown before it is shortened with "…". */
const MAX_VALUE = 60;
/** At most this many differing parts of one object/list field on its line. */
const MAX_PARTS = 3;
export const CONNECTION_ONLY = "connection only: credentials or endpoint changed";

/** A value compactly: JSON, shortened; not set / removed in words; secrets as [secret]. */
export function formatValue(v: unknown, missing = "(not set)"): string {
  if (v === undefined) return missing;
  if (v === "[secret]") return "[secret]";
  const s = JSON.stringify(v) ?? String(v);
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}…` : s;
}

const isContainer = (v: unknown): v is Record<string, unknown> | unknown[] => typeof v === "object" && v !== null;

/** The leaves that differ between two values, by path ("[0].label", ".name"). */
function differingParts(a: unknown, b: unknown, at = ""): { path: string; old: unknown; new: unknown }[] {
  if (isContainer(a) && isContainer(b) && Array.isArray(a) === Array.isArray(b)) {
    const keys = Array.isArray(a)
      ? Array.from({ length: Math.max(a.length, (b as unknown[]).length) }, (_, i) => i)
      : [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) =>
      differingParts((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], Array.isArray(a) ? `${at}[${k}]` : `${at}.${k}`),
    );
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path: at, old: a, new: b }];
}

/** One line for one changed field: `field: old → new`, or its differing parts when it is an object or list. */
export function changeLine(c: FieldChange): string {
  const parts = isContainer(c.old) && isContainer(c.new) ? differingParts(c.old, c.new) : [];
  if (parts.length > 0 && parts.length <= MAX_PARTS) {
    const text = parts.map((p) => `${c.field}${p.path}: ${formatValue(p.old)} → ${formatValue(p.new, "(removed)")}`);
    return text.join("; ");
  }
  const more = parts.length > MAX_PARTS ? ` (${parts.length} parts differ)` : "";
  return `${c.field}: ${formatValue(c.old)} → ${formatValue(c.new, "(removed)")}${more}`;
}

/** What follows the resource on a step's first line. */
function note(s: Step & { error?: string }): string {
  const notes: string[] = [];
  if (s.connectionOnly) notes.push(CONNECTION_ONLY);
  else if (s.op === "replace") notes.push([s.detail, s.fields?.length ? `forced by ${s.fields.join(", ")}` : ""].filter(Boolean).join("; "));
  else if (s.op === "delete" && s.detail === "replaced") notes.push("the replaced object");
  else if (s.detail) notes.push(s.detail);
  if (!s.changes?.length && !s.connectionOnly && s.op !== "replace" && s.fields?.length) notes.push(`fields: ${s.fields.join(", ")}`);
  const text = notes.filter(Boolean).map((n) => ` (${n})`).join("");
  return s.error ? `${text} FAILED: ${s.error}` : text;
}

/** A step (planned or done): its line, then one indented line per changed field. */
export function stepLines(s: Step | EngineEvent): string[] {
  const id = s.id ? ` [${s.id}]` : "";
  const head = `${SYMBOL[s.op]} ${s.op} ${s.type} ${s.name}${id}${note(s)}`;
  const fields = s.connectionOnly || !(s.op === "update" || s.op === "replace" || s.op === "adopt") ? [] : (s.changes ?? []).map((c) => `    ${changeLine(c)}`);
  return [head, ...fields];
}

/** The steps to show: unchanged ones only when asked. */
export const visibleSteps = <T extends Step>(steps: readonly T[], showSame: boolean): T[] => steps.filter((s) => showSame || s.op !== "same");

/** A plan: every shown step with its fields. */
export const planLines = (steps: readonly Step[], showSame: boolean): string[] => visibleSteps(steps, showSame).flatMap(stepLines);

const total = (s: Summary) => s.create + s.update + s.replace + s.delete + (s.forget ?? 0);

/** `Plan: 2 to create, 1 to update, 0 to replace, 3 to delete, 40 unchanged` (and adopted objects to forget, when any). */
export function planSummary(s: Summary): string {
  if (total(s) === 0) return `Plan: no changes (${s.same} unchanged)`;
  const forget = s.forget ? `, ${s.forget} adopted to forget (left on their systems)` : "";
  return `Plan: ${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.delete} to delete${forget}, ${s.same} unchanged`;
}

/** What `up` did, with the same counts as the plan. */
export function appliedSummary(s: Summary): string {
  if (total(s) === 0) return `Applied: no changes (${s.same} unchanged)`;
  return `Applied: ${s.create} created, ${s.update} updated, ${s.replace} replaced, ${s.delete} deleted, ${s.same} unchanged`;
}

/** What `destroy` did (adopted objects forgotten, left on their systems, counted apart). */
export function destroyedSummary(s: Summary): string {
  const forgot = s.forget ? `${s.forget} adopted object${s.forget === 1 ? "" : "s"} forgotten (left on ${s.forget === 1 ? "its system" : "their systems"})` : "";
  if (s.delete === 0) return forgot ? `Destroyed: nothing deleted; ${forgot}` : "Destroyed: nothing to destroy";
  return `Destroyed: ${s.delete} deleted${forgot ? `; ${forgot}` : ""}`;
}

/** How many objects a plan deletes, in words (replacements delete the old object too). */
export function deletesNote(s: Summary): string | undefined {
  if (s.delete === 0 && s.replace === 0) return undefined;
  const parts = [s.delete ? `deletes ${s.delete} object${s.delete === 1 ? "" : "s"}` : "", s.replace ? `replaces ${s.replace} (deleting the old one${s.replace === 1 ? "" : "s"})` : ""];
  return parts.filter(Boolean).join(" and ");
}

/** Drift: one line per drifted resource, then each field applied → live, then the count. */
export function driftLines(d: DriftResult): string[] {
  if (!d.drifted) return [`no drift: ${d.checked} resources match what rcclab applied`];
  return [
    ...d.resources.flatMap((r) =>
      r.gone
        ? [`- ${r.type} ${r.name} (${r.id}): gone`]
        : [
            `~ ${r.type} ${r.name} (${r.id}): ${r.fields.map((f) => f.field).join(", ")}`,
            ...r.fields.map((f) => `    ${changeLine({ field: f.field, old: f.expected, new: f.actual })}`),
          ],
    ),
    `${d.resources.length} of ${d.checked} resources drifted (fields: applied → live)`,
  ];
}
