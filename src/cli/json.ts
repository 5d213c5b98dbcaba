/**
 * The documents `--json` prints: one per command, on stdout (see docs/json.md for each shape). Steps
 * carry no secret (the engine gives "[secret]" for a secret's values); outputs are only the non-secret
 * ones. An error is `{ ok: false, error: { message, exitCode } }` with the same exit code.
 */
import type { Step, Summary } from "../engine/local";

/** A step as JSON: what the user needs, in a stable order (no undefined keys). */
export function stepJson(s: Step) {
  return {
    op: s.op,
    type: s.type,
    name: s.name,
    urn: s.urn,
    ...(s.id ? { id: s.id } : {}),
    ...(s.fields?.length ? { fields: s.fields } : {}),
    ...(s.changes?.length ? { changes: s.changes.map((c) => ({ field: c.field, ...(c.old !== undefined ? { old: c.old } : {}), ...(c.new !== undefined ? { new: c.new } : {}) })) } : {}),
    ...(s.connectionOnly ? { connectionOnly: true } : {}),
    ...(s.detail ? { detail: s.detail } : {}),
  };
}

/** preview / up: the plan or what was done. */
export function runJson(engine: string, r: { changed: boolean; summary: Summary; steps: Step[] }, extra: Record<string, unknown> = {}) {
  return { ok: true, engine, changed: r.changed, summary: r.summary, steps: r.steps.map(stepJson), ...extra };
}

export const errorJson = (message: string, exitCode: number) => ({ ok: false, error: { message, exitCode } });

/** The one document on stdout. */
export function printJson(doc: unknown): void {
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}
