/**
 * The merged users checked as the stack will be: src/config.ts parseConfig on the file's config with
 * the merged users list, so every rule of the schema applies (each user's fields, unique userid /
 * number / MAC, pools that exist in rcclab:ocs.pools, model and protocol, the 7931's one call per
 * line, the CTI user's userid, Meet-Me numbers). Secrets are not needed for any of these: encrypted
 * values and secrets not set yet stand in as placeholders. Each problem is named by its CSV row and
 * column, or by its path in the stack for an entry the CSV does not touch.
 */
import { NAMESPACE, parseConfig } from "../config";
import { COLUMNS, GROUPS, groupHeader, type Column } from "./columns";

const USERS_KEY = `${NAMESPACE}:users`;
const PLACEHOLDER = "0000"; // passes every secret's rule (a PIN's too)

export interface RowRef {
  /** The CSV row number (the header is row 1). */
  row: number;
  /** The columns this row gave a value in. */
  given: Set<Column>;
}

const isSecure = (v: unknown): boolean =>
  typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { secure?: unknown }).secure === "string";
function unseal(v: unknown): unknown {
  if (isSecure(v)) return PLACEHOLDER;
  if (Array.isArray(v)) return v.map(unseal);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unseal(x)]));
  return v;
}

/** "rcclab:cucm.cli.password" → ["rcclab:cucm", "cli", "password"]; "rcclab:users[3].e164" → [.., 3, ..]. */
function splitPath(p: string): (string | number)[] {
  const m = /^([^.[]+)(.*)$/.exec(p);
  if (!m) return [p];
  const out: (string | number)[] = [m[1]!];
  for (const t of m[2]!.matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)) out.push(t[1] !== undefined ? t[1] : Number(t[2]));
  return out;
}
function setPath(o: any, path: (string | number)[], v: unknown): void {
  let cur = o;
  for (const k of path.slice(0, -1)) cur = cur[k] && typeof cur[k] === "object" ? cur[k] : (cur[k] = {});
  cur[path[path.length - 1]!] = v;
}
const valueAt = (o: unknown, path: (string | number)[]): unknown => path.reduce<any>((v, k) => (v && typeof v === "object" ? v[k] : undefined), o);

const byPath = new Map<string, Column>(COLUMNS.map((c) => [c.path.join("."), c]));

/**
 * Every problem of the stack with `final` as its users list (the first `existing` entries are the
 * file's), as messages naming CSV rows and columns (`rows`: the entries the CSV sets, by index).
 */
export function checkMerged(
  config: Record<string, unknown>,
  final: Record<string, unknown>[],
  existing: number,
  rows: Map<number, RowRef>,
  file: string,
): string[] {
  const raw = unseal({ ...config, [USERS_KEY]: final }) as Record<string, unknown>;
  let r = parseConfig(raw);
  // Secrets not set yet: a placeholder each, so the checks across settings run.
  for (let pass = 0; pass < 4 && !r.config; pass++) {
    let filled = 0;
    for (const e of r.errors) {
      const m = /--secret --path '([^']+)'/.exec(e.message);
      if (!e.message.startsWith("missing:") || !m || e.path.startsWith(`${USERS_KEY}[`)) continue;
      setPath(raw, splitPath(m[1]!), PLACEHOLDER);
      filled++;
    }
    if (!filled) break;
    r = parseConfig(raw);
  }
  // The checks across users run only on a list whose entries are each valid: again without the
  // entries that have problems of their own (their indices mapped back).
  const userIndex = (e: { path: string }) => {
    const p = splitPath(e.path);
    return p[0] === USERS_KEY && typeof p[1] === "number" ? p[1] : undefined;
  };
  const bad = new Set(r.errors.map(userIndex).filter((i): i is number => i !== undefined));
  let errors: { path: string; message: string }[] = r.errors;
  if (bad.size) {
    const keep = final.map((_, i) => i).filter((i) => !bad.has(i));
    const users = raw[USERS_KEY] as unknown[];
    const r2 = parseConfig({ ...raw, [USERS_KEY]: keep.map((i) => users[i]) });
    const at = (n: string) => `[${keep[Number(n)]}]`;
    const cross = r2.errors
      .filter((e) => e.path !== USERS_KEY) // "at least one user", when every entry had problems
      .map((e) => ({
        path: e.path.replace(/^(rcclab:users)\[(\d+)\]/, (_, k: string, n: string) => k + at(n)),
        message: userIndex(e) === undefined ? e.message : e.message.replace(/users\[(\d+)\]$/, (_, n: string) => `users${at(n)}`),
      }));
    errors = [...r.errors.filter((e) => userIndex(e) !== undefined), ...cross];
  }

  const out: string[] = [];
  const stackOnly: string[] = [];
  const label = (i: number) => (rows.has(i) ? `row ${rows.get(i)!.row}` : `${USERS_KEY}[${i}] in the stack`);
  const at = (i: number, col: string, msg: string) => {
    const ref = rows.get(i);
    if (ref) out.push(`${file} row ${ref.row}, ${col}: ${msg}`);
    else out.push(`${USERS_KEY}[${i}] (${String(final[i]?.userid ?? "?")}, in the stack, not in the CSV) ${col}: ${msg}`);
  };
  /** The column of a field: its CSV column unless the value came from the stack, else its path there. */
  const column = (i: number, sub: (string | number)[]): string => {
    const ref = rows.get(i);
    const fromCsv = (c: Column) => ref !== undefined && (ref.given.has(c) || i >= existing);
    const stackPath = `${USERS_KEY}[${i}]${sub.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join("")}`;
    if (sub[0] === "userGroups") {
      if (fromCsv(GROUPS)) return groupHeader(typeof sub[1] === "number" ? sub[1] + 1 : 1);
      return ref ? `${stackPath} (in the stack)` : "userGroups";
    }
    const key = sub.filter((s): s is string => typeof s === "string").join(".");
    const c = byPath.get(key) ?? COLUMNS.find((x) => x.path.join(".").startsWith(`${key}.`) && ref?.given.has(x));
    if (c && fromCsv(c)) return c.header;
    return ref ? `${stackPath} (in the stack)` : key || "entry";
  };

  for (const e of errors) {
    const p = splitPath(e.path);
    if (p[0] === USERS_KEY && typeof p[1] === "number") {
      const i = p[1];
      const sub = p.slice(2);
      const dup = /^(userid|number|MAC) is already used by users\[(\d+)\]$/.exec(e.message);
      if (dup) {
        const j = Number(dup[2]);
        const value = String(valueAt(final[i], sub));
        if (rows.has(i)) at(i, column(i, sub), `${value} is already used by ${label(j)}`);
        else if (rows.has(j)) at(j, column(j, sub), `${value} is already used by ${label(i)}`);
        else at(i, column(i, sub), e.message);
        continue;
      }
      const ref = rows.get(i);
      if (sub[0] === "lineUri" && ref && !ref.given.has(byPath.get("lineUri")!) && ref.given.has(byPath.get("e164")!)) {
        at(i, "DIRECTORY NUMBER", `the stack's lineUri is ${String(final[i]!.lineUri)}: it ${e.message}`);
        continue;
      }
      const missing = sub.length > 0 && valueAt(final[i], sub) === undefined;
      at(i, column(i, sub), missing ? "missing" : e.message);
      continue;
    }
    if (e.path === `${NAMESPACE}:cti.userid` && /end user/.test(e.message)) {
      const cti = String((raw[`${NAMESPACE}:cti`] as any)?.userid ?? "rcc-cti").toLowerCase();
      final.forEach((u, i) => {
        if (String(u.userid).toLowerCase() === cti) at(i, column(i, ["userid"]), `${String(u.userid)} is the CTI application user (${NAMESPACE}:cti.userid); end users need another userid`);
      });
      continue;
    }
    if (p[0] === `${NAMESPACE}:meetMe` && typeof p[1] === "number" && /user's number/.test(e.message)) {
      const pattern = String(valueAt(raw[`${NAMESPACE}:meetMe`], [p[1], "pattern"]));
      final.forEach((u, i) => {
        if (u.e164 === pattern) at(i, column(i, ["e164"]), `${pattern} is a Meet-Me number (${NAMESPACE}:meetMe[${p[1]}])`);
      });
      continue;
    }
    if (e.path !== USERS_KEY) stackOnly.push(`${e.path}: ${e.message}`); // "at least one user": not the CSV's to say
  }
  if (stackOnly.length) {
    // Problems of the stack itself (outside users) stop the checks across users: refuse, and say why.
    out.push(`the stack's other settings have problems, so the users could not be checked against them (fix these first): ${stackOnly.join("; ")}`);
  }
  return out;
}
