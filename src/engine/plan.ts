/**
 * What the local engine derives without calling anything: URNs, the order of deletions, and the
 * field-by-field changes a step shows.
 */
import { sameValue } from "../../providers/core/kind";
import type { EngineOptions, FieldChange } from "./engineTypes";
import type { Props } from "./providerHost";
import type { Entry } from "./state";
import { isSecretField, kindOf, reveal } from "./wire";

export const STACK_TYPE = "pulumi:pulumi:Stack";
const PROVIDER_KEY = "__provider";

export const nameOf = (urn: string): string => urn.split("::").pop() ?? urn;

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Dependents first: repeatedly the last entry that no remaining entry depends on (or is a child of);
 * in a cycle, the last one. Each entry's dependents are counted once, so a lab of thousands of
 * objects is ordered at once.
 */
export function deletionOrder(entries: Entry[]): Entry[] {
  const byUrn = new Map<string, number[]>();
  entries.forEach((e, i) => byUrn.set(e.urn, [...(byUrn.get(e.urn) ?? []), i]));
  const needs = entries.map((e, j) => [...new Set([...e.dependencies, ...(e.parent ? [e.parent] : [])])].flatMap((u) => byUrn.get(u) ?? []).filter((i) => i !== j));
  const neededBy = entries.map(() => 0);
  for (const list of needs) for (const i of list) neededBy[i]!++;
  const remaining = new Set(entries.keys());
  // Free entries, by index; the last is taken first.
  const free = [...entries.keys()].filter((i) => neededBy[i] === 0);
  const out: Entry[] = [];
  while (remaining.size > 0) {
    const i = free.length > 0 ? free.pop()! : Math.max(...remaining);
    if (!remaining.delete(i)) continue;
    out.push(entries[i]!);
    for (const k of needs[i]!) {
      if (--neededBy[k]! === 0 && remaining.has(k)) insertSorted(free, k);
    }
  }
  return out;
}

function insertSorted(list: number[], v: number): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, v);
}

/**
 * The URN as the Pulumi engine builds it: urn:pulumi:<stack>::<project>::<qualified type>::<name>,
 * where the qualified type is prefixed by the parent's qualified type ("comp$type") unless the parent
 * is the root stack.
 */
export function newUrn(opts: EngineOptions, parent: string | undefined, type: string, name: string): string {
  const parentType = parent?.split("::")[2];
  const qualified = parentType && parentType !== STACK_TYPE ? `${parentType}$${type}` : type;
  return `urn:pulumi:${opts.stack}::${opts.project}::${qualified}::${name}`;
}

/**
 * A planned update's or replacement's changes, old → new, field by field (secrets as "[secret]").
 * When no managed field differs, the change is the connection's (its password, port or TLS
 * settings): one "connection" change, labelled as such.
 */
export function changesOf(type: string, old: Entry, checked: Props, changed: string[], replaces: string[], marked: Props): { fields: string[]; changes: FieldChange[]; connectionOnly: boolean } {
  const before = reveal(old.outputs) as Props;
  const fields = [...new Set([...replaces, ...changed])];
  const hide = (f: string) => isSecretField(f, type, old.inputs, old.outputs, marked);
  if (fields.length === 0) {
    const was = (reveal(old.inputs) as Props).connection ?? before.connection;
    if (!sameValue(was, checked.connection)) return { fields: ["connection"], changes: [{ field: "connection", old: "[secret]", new: "[secret]" }], connectionOnly: true };
  }
  const changes = fields.map((f) => (hide(f) ? { field: f, old: "[secret]", new: "[secret]" } : { field: f, old: before[f], new: checked[f] }));
  return { fields: changed.length ? changed : fields, changes, connectionOnly: false };
}

/** The managed fields that differ (the kind's fields when known, else every key but __provider). */
export function changedFieldsOf(token: string, a: Props, b: Props): string[] {
  // The kind's managed fields; for an unknown kind, the inputs (outputs also hold computed values).
  const names = kindOf(token)?.fieldNames ?? Object.keys(b).filter((k) => k !== PROVIDER_KEY);
  return names.filter((f) => !sameValue(a[f], b[f]));
}

export function dropUndefined(v: unknown): any {
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : dropUndefined(x)));
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = dropUndefined(x);
    return out;
  }
  return v;
}
