/**
 * The stack's users as a Cisco BAT-style CSV (issue 14 §4): BAT's column names for end users and
 * phones (src/usersCsv/columns.ts, with where each name comes from), read into and written from the
 * `rcclab:users` list of stacks/Pulumi.<stack>.yaml.
 *
 * Import updates the entry with the same userid field by field (only the cells given; an empty cell
 * keeps the entry's value), appends new userids and keeps every other entry. The file keeps its
 * layout: only changed values are rewritten, new entries follow the existing entries' style, every
 * other byte stays (src/usersCsv/yaml.ts). Before anything is written the merged list is checked
 * as the stack will be (src/usersCsv/validate.ts: the config schema with its rules across users and
 * settings); every problem is named by its CSV row (the header is row 1) and column, and nothing is
 * written when there is any. Passwords and PINs never go into the stack from a CSV (they would be
 * plain text there): a PASSWORD or PIN cell is refused with the `pulumi config set --secret` command
 * that sets it; an empty such column is ignored.
 */
import { parse as parseCsv } from "csv-parse/sync";
import { stringify as stringifyCsv } from "csv-stringify/sync";
import { isSeq, parseDocument, type Document } from "yaml";
import { NAMESPACE } from "./config";
import { sameValue } from "../providers/core/kind";
import { COLUMNS, GROUPS, USER_ID, cellText, cellValue, groupHeader, headerRef, type Column } from "./usersCsv/columns";
import { checkMerged } from "./usersCsv/validate";
import { writeUsers } from "./usersCsv/yaml";

export { COLUMNS, normalizeHeader } from "./usersCsv/columns";

/** A CSV problem: "users.csv row 4, DIRECTORY NUMBER: must be E.164 …". */
export class CsvInvalid extends Error {
  readonly exitCode = 1;
  constructor(readonly errors: string[]) {
    super(`nothing was written; the CSV has problems:\n${errors.map((e) => `  ${e}`).join("\n")}`);
    this.name = "CsvInvalid";
  }
}

const USERS_KEY = `${NAMESPACE}:users`;

function getIn(o: any, path: string[]): unknown {
  return path.reduce((v, k) => (v && typeof v === "object" ? v[k] : undefined), o);
}
function setIn(o: any, path: string[], v: unknown): void {
  let cur = o;
  for (const k of path.slice(0, -1)) cur = cur[k] && typeof cur[k] === "object" ? cur[k] : (cur[k] = {});
  cur[path[path.length - 1]!] = v;
}

/** The CSV of the given user entries (as written in the YAML; secrets left out). */
export function usersToCsv(users: Record<string, unknown>[]): string {
  const groups = Math.max(1, ...users.map((u) => (Array.isArray(u.userGroups) ? u.userGroups.length : 0)));
  const plain = COLUMNS.filter((c) => c !== GROUPS);
  const header = [...plain.map((c) => c.header), ...Array.from({ length: groups }, (_, k) => groupHeader(k + 1))];
  const rows = users.map((u) => {
    const g = Array.isArray(u.userGroups) ? (u.userGroups as unknown[]) : [];
    return [...plain.map((c) => cellText(c, getIn(u, c.path))), ...Array.from({ length: groups }, (_, k) => (g[k] === undefined ? "" : String(g[k])))];
  });
  return stringifyCsv([header, ...rows]);
}

interface Row {
  /** The CSV row number (the header is row 1). */
  row: number;
  values: Map<Column, unknown>;
  /** Non-empty PASSWORD / PIN cells: their column as written. */
  secrets: { field: "password" | "pin"; header: string }[];
}

/** The CSV → its rows by column; unknown columns are returned, not refused (BAT files have many). */
export function parseUsersCsv(text: string, file: string): { rows: Row[]; ignored: string[]; warnings: string[] } {
  let records: string[][];
  try {
    records = parseCsv(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: false }) as string[][];
  } catch (e) {
    throw new CsvInvalid([`${file}: ${(e as Error).message}`]);
  }
  if (!records.length) throw new CsvInvalid([`${file}: empty (a header row of BAT column names is expected, e.g. USER ID,FIRST NAME,…)`]);
  const header = records[0]!;
  const refs = header.map(headerRef);
  const ignored: string[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  refs.forEach((ref, i) => {
    const h = header[i]!.trim();
    if (!ref) {
      if (h) ignored.push(h);
      return;
    }
    const id = "column" in ref ? `${ref.column.header}#${ref.group ?? ""}` : `secret#${ref.secret}`;
    if (seen.has(id)) errors.push(`${file} row 1, ${h}: a second column for ${"column" in ref ? (ref.group ? groupHeader(ref.group) : ref.column.header) : ref.secret.toUpperCase()}`);
    seen.add(id);
  });
  if (!refs.some((r) => r && "column" in r && r.column === USER_ID)) errors.push(`${file} row 1: no USER ID column`);
  if (errors.length) throw new CsvInvalid(errors);
  const rows = records.slice(1).map((r, n) => {
    const values = new Map<Column, unknown>();
    const groups: [number, string][] = [];
    const secrets: Row["secrets"] = [];
    r.forEach((cell, j) => {
      const ref = refs[j];
      if (!ref || cell.trim() === "") return;
      if ("secret" in ref) secrets.push({ field: ref.secret, header: header[j]!.trim() });
      else if (ref.group !== undefined) groups.push([ref.group, cell.trim()]);
      else values.set(ref.column, cellValue(ref.column, cell));
    });
    if (groups.length) values.set(GROUPS, groups.sort((a, b) => a[0] - b[0]).map((g) => g[1]));
    return { row: n + 2, values, secrets };
  });
  const warnings = refs
    .map((ref, j) => (ref && "secret" in ref && !rows.some((r) => r.secrets.some((s) => s.header === header[j]!.trim())) ? header[j]!.trim() : undefined))
    .filter((h): h is string => h !== undefined)
    .map((h) => `column ${h} is empty and ignored: passwords and PINs are set as secrets, pulumi config set --secret --path '${USERS_KEY}[i].${/PIN/i.test(h) ? "pin" : "password"}' <value>`);
  return { rows, ignored, warnings };
}

export interface ImportResult {
  added: number;
  updated: number;
  unchanged: number;
  ignoredColumns: string[];
  warnings: string[];
  /** The new file's text (the caller writes it). */
  text: string;
  /** False when the file's layout could not be kept (comments are kept either way). */
  layoutKept: boolean;
}

function usersSeq(doc: Document) {
  const node = doc.getIn(["config", USERS_KEY], true);
  return isSeq(node) ? node : undefined;
}

/** The stack file's user entries, as written (secure values as {secure}). */
export function stackUsers(yamlText: string): Record<string, unknown>[] {
  const doc = parseDocument(yamlText);
  const seq = usersSeq(doc);
  return seq ? (seq.toJS(doc) as Record<string, unknown>[]) : [];
}

/** Two values of a field, as the schema sees them (a MAC in any notation is the same MAC). */
const same = (c: Column, a: unknown, b: unknown): boolean =>
  c.path[1] === "mac" && typeof a === "string" && typeof b === "string"
    ? a.replace(/[:.\-]/g, "").toUpperCase() === b.replace(/[:.\-]/g, "").toUpperCase()
    : sameValue(a, b);

/**
 * Merge the CSV into the stack file's text: the merged config checked first (all problems at once,
 * as a CsvInvalid), then the users list updated in place. `file` names the CSV in messages.
 */
export function importUsers(yamlText: string, csvText: string, file: string): ImportResult {
  const doc = parseDocument(yamlText);
  if (doc.errors.length) throw new Error(`the stack file is not valid YAML: ${doc.errors[0]!.message}`);
  const { rows, ignored, warnings } = parseUsersCsv(csvText, file);
  const config = ((doc.toJS() as any)?.config ?? {}) as Record<string, unknown>;
  const existing = Array.isArray(config[USERS_KEY]) ? (config[USERS_KEY] as Record<string, unknown>[]) : [];

  // The list as it will be: existing entries (index kept), updated by rows, new ones appended.
  const final: Record<string, unknown>[] = existing.map((u) => structuredClone(u));
  const rowOf = new Map<number, Row>();
  const changes = new Map<number, string[][]>();
  const byId = new Map<string, number>();
  final.forEach((u, i) => typeof u.userid === "string" && !byId.has(u.userid.toLowerCase()) && byId.set(u.userid.toLowerCase(), i));
  const errors: string[] = [];
  const where = (r: Row, col: string, msg: string) => errors.push(`${file} row ${r.row}, ${col}: ${msg}`);
  for (const r of rows) {
    const id = r.values.get(USER_ID);
    if (typeof id !== "string") {
      where(r, "USER ID", "missing");
      continue;
    }
    let i = byId.get(id.toLowerCase()) ?? -1;
    if (i >= 0 && rowOf.has(i)) {
      where(r, "USER ID", `${id} is already in row ${rowOf.get(i)!.row}`);
      continue;
    }
    if (i < 0) byId.set(id.toLowerCase(), (i = final.push({}) - 1));
    rowOf.set(i, r);
    for (const s of r.secrets) {
      where(r, s.header, `not imported: a ${s.field === "pin" ? "PIN" : "password"} in the stack file would be plain text; set it as a secret: pulumi config set --secret --path '${USERS_KEY}[${i}].${s.field}' <value>`);
    }
    const changed: string[][] = [];
    for (const [c, v] of r.values) {
      if (same(c, getIn(final[i], c.path), v)) continue;
      setIn(final[i], c.path, v);
      changed.push(c.path);
    }
    if (i < existing.length && changed.length) changes.set(i, changed);
  }
  const refs = new Map([...rowOf].map(([i, r]) => [i, { row: r.row, given: new Set(r.values.keys()) }]));
  errors.push(...checkMerged(config, final, existing.length, refs, file));
  if (errors.length) throw new CsvInvalid(errors);

  const added = final.length - existing.length;
  const updated = changes.size;
  const base = { added, updated, unchanged: rows.length - added - updated, ignoredColumns: ignored, warnings };
  if (!added && !updated) return { ...base, text: yamlText, layoutKept: true };
  const w = writeUsers(yamlText, USERS_KEY, { final, existing: existing.length, changes }, doc);
  if (!w.layoutKept) base.warnings.push("the stack file's layout could not be kept in place; it was rewritten with its comments kept");
  return { ...base, ...w };
}
