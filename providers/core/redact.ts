/**
 * Secret handling shared by every provider: collect the secret values a resource carries and
 * scrub them out of anything that could reach a log, an error or a diff.
 */

export const REDACTED = "[secret]";

/** Values at the given dotted paths (e.g. "password", "connection.password") that are non-empty strings. */
export function secretValues(obj: unknown, paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let v: unknown = obj;
    for (const part of p.split(".")) v = v && typeof v === "object" ? (v as Record<string, unknown>)[part] : undefined;
    if (typeof v === "string" && v.length > 0) out.push(v);
  }
  return out;
}

/** Replace every occurrence of each secret (and its URI/XML/base64-encoded forms) with [secret]. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  const forms = new Set<string>();
  for (const s of secrets) {
    if (!s) continue;
    forms.add(s);
    forms.add(encodeURIComponent(s));
    forms.add(s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;"));
    forms.add(JSON.stringify(s).slice(1, -1));
    if (s.length >= 4) forms.add(Buffer.from(s).toString("base64"));
  }
  // Longest first so a secret that contains another is scrubbed whole.
  for (const f of [...forms].sort((a, b) => b.length - a.length)) {
    if (f) out = out.split(f).join(REDACTED);
  }
  return out;
}

/** A copy of obj with the given dotted paths replaced by [secret] (for logs and diffs). */
export function maskPaths<T>(obj: T, paths: readonly string[]): T {
  const copy = structuredClone(obj) as unknown;
  for (const p of paths) {
    const parts = p.split(".");
    let cur = copy as Record<string, unknown> | undefined;
    for (let i = 0; i < parts.length - 1 && cur; i++) {
      const next = cur[parts[i]!];
      cur = next && typeof next === "object" ? (next as Record<string, unknown>) : undefined;
    }
    const last = parts[parts.length - 1]!;
    if (cur && cur[last] !== undefined) cur[last] = REDACTED;
  }
  return copy as T;
}
