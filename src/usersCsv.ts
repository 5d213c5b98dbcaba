/**
 * The stack's users as a Cisco BAT-style CSV (issue 14 §4): BAT's column names for end users and
 * phones, read into and written from the `rcclab:users` list of stacks/Pulumi.<stack>.yaml.
 *
 * Import updates the entry with the same userid field by field (only the cells given; an empty cell
 * keeps the entry's value), appends new userids and keeps every other entry, comment and setting of
 * the file (the yaml package's Document API). Every row is checked with the config's user schema and
 * the stack's cross-checks (pool, model/protocol, unique userid/number/MAC) before anything is
 * written; every bad row is named by its CSV row (the header is row 1) and column, and nothing is
 * written when any row is bad. Secrets (password, pin) never go into or come out of a CSV.
 */
import { parse as parseCsv } from "csv-parse/sync";
import { stringify as stringifyCsv } from "csv-stringify/sync";
import { isMap, isSeq, parseDocument, type Document, type YAMLMap, type YAMLSeq } from "yaml";
import { NAMESPACE, userSchema } from "./config";
import { PHONE_MODELS, modelOf, productOf, supports, type PhoneModel } from "../providers/cucm/models";

type Kind = "string" | "model" | "number" | "bool";
interface Column {
  /** The BAT header written on export. */
  header: string;
  /** The field's path in a user entry. */
  path: string[];
  kind: Kind;
  /** Other spellings (after normalizing: upper case, one space). */
  aliases?: string[];
}

/** The CSV's columns, in BAT's names (POOL is rcclab's own: BAT has no OCS). */
export const COLUMNS: Column[] = [
  { header: "USER ID", path: ["userid"], kind: "string", aliases: ["USERID"] },
  { header: "FIRST NAME", path: ["firstName"], kind: "string", aliases: ["FIRSTNAME"] },
  { header: "LAST NAME", path: ["lastName"], kind: "string", aliases: ["LASTNAME"] },
  { header: "DIRECTORY NUMBER", path: ["e164"], kind: "number", aliases: ["DIRECTORY NUMBER 1", "DN", "DN 1", "LINE 1 DIRECTORY NUMBER", "TELEPHONE NUMBER"] },
  { header: "MAC ADDRESS", path: ["phone", "mac"], kind: "string", aliases: ["MAC"] },
  { header: "DEVICE TYPE", path: ["phone", "model"], kind: "model", aliases: ["PHONE TYPE", "PRODUCT", "MODEL"] },
  { header: "DEVICE PROTOCOL", path: ["phone", "protocol"], kind: "string", aliases: ["PROTOCOL"] },
  { header: "POOL", path: ["pool"], kind: "string", aliases: ["OCS POOL"] },
  { header: "ENABLE EXTENSION MOBILITY", path: ["extensionMobility"], kind: "bool", aliases: ["EXTENSION MOBILITY"] },
  { header: "ENABLE CTI APPLICATION USE", path: ["rcc"], kind: "bool", aliases: ["REMOTE CALL CONTROL", "RCC"] },
  { header: "ENHANCED PRESENCE", path: ["enhancedPresence"], kind: "bool" },
  { header: "ENABLE CUP", path: ["presence", "ups"], kind: "bool", aliases: ["ENABLE CUPS", "UPS"] },
  { header: "ENABLE CUPC", path: ["presence", "upc"], kind: "bool", aliases: ["UPC"] },
];

/** "User ID", "USER_ID", " user-id " → "USER ID"; "userid" stays "USERID". */
export const normalizeHeader = (h: string): string => h.replace(/^\uFEFF/, "").trim().replace(/[\s_-]+/g, " ").toUpperCase();

const byName = new Map<string, Column>();
for (const c of COLUMNS) for (const n of [c.header, ...(c.aliases ?? [])]) byName.set(n, c);

/** A CSV problem: "users.csv row 4, DIRECTORY NUMBER: must be E.164 …". */
export class CsvInvalid extends Error {
  readonly exitCode = 1;
  constructor(readonly errors: string[]) {
    super(`nothing was written; the CSV has problems:\n${errors.map((e) => `  ${e}`).join("\n")}`);
    this.name = "CsvInvalid";
  }
}

const USERS_KEY = `${NAMESPACE}:users`;
const SECRETS = new Set(["password", "pin"]);

function getIn(o: any, path: string[]): unknown {
  return path.reduce((v, k) => (v && typeof v === "object" ? v[k] : undefined), o);
}
function setIn(o: any, path: string[], v: unknown): void {
  let cur = o;
  for (const k of path.slice(0, -1)) cur = cur[k] && typeof cur[k] === "object" ? cur[k] : (cur[k] = {});
  cur[path[path.length - 1]!] = v;
}

/** A cell → the field's value; a string for the schema to refuse when it is not one. */
function cellValue(c: Column, raw: string): unknown {
  const s = raw.trim();
  if (c.kind === "bool") {
    if (/^(t|true|y|yes|1)$/i.test(s)) return true;
    if (/^(f|false|n|no|0)$/i.test(s)) return false;
    return s; // the schema says "expected boolean"
  }
  if (c.kind === "number") return s.replace(/^\\\+/, "+"); // BAT writes a leading + as \+
  if (c.kind === "model") return modelOf(s.replace(/^cisco\s+/i, "Cisco "));
  if (c.path[1] === "protocol") return s.toUpperCase();
  return s;
}

/** A field's value → its cell (export). */
function cellText(c: Column, v: unknown): string {
  if (v === undefined || v === null) return "";
  if (c.kind === "bool") return v === true ? "t" : v === false ? "f" : String(v);
  if (c.kind === "model") return productOf(String(v) as PhoneModel);
  return String(v);
}

/** The CSV of the given user entries (as written in the YAML; secrets left out). */
export function usersToCsv(users: Record<string, unknown>[]): string {
  const rows = users.map((u) => COLUMNS.map((c) => cellText(c, getIn(u, c.path))));
  return stringifyCsv([COLUMNS.map((c) => c.header), ...rows]);
}

interface Row {
  /** The CSV row number (the header is row 1). */
  row: number;
  values: Map<Column, unknown>;
}

/** The CSV → its rows by column; unknown columns are returned, not refused (BAT files have many). */
export function parseUsersCsv(text: string, file: string): { rows: Row[]; ignored: string[] } {
  let records: string[][];
  try {
    records = parseCsv(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: false }) as string[][];
  } catch (e) {
    throw new CsvInvalid([`${file}: ${(e as Error).message}`]);
  }
  if (!records.length) throw new CsvInvalid([`${file}: empty (a header row of BAT column names is expected, e.g. USER ID,FIRST NAME,…)`]);
  const header = records[0]!;
  const cols: (Column | undefined)[] = [];
  const ignored: string[] = [];
  const errors: string[] = [];
  header.forEach((h, i) => {
    const c = byName.get(normalizeHeader(h));
    if (c && cols.includes(c)) errors.push(`${file} row 1, ${h.trim()}: a second column for ${c.header}`);
    cols.push(c && !cols.includes(c) ? c : undefined);
    if (!c && h.trim()) ignored.push(h.trim());
  });
  if (!cols.some((c) => c?.header === "USER ID")) errors.push(`${file} row 1: no USER ID column`);
  if (errors.length) throw new CsvInvalid(errors);
  const rows = records.slice(1).map((r, i) => {
    const values = new Map<Column, unknown>();
    r.forEach((cell, j) => {
      const c = cols[j];
      if (c && cell.trim() !== "") values.set(c, cellValue(c, cell));
    });
    return { row: i + 2, values };
  });
  return { rows, ignored };
}

const USER_FIELDS: Record<string, Column> = Object.fromEntries(COLUMNS.map((c) => [c.path.join("."), c]));

/** The column a schema issue is about, or the YAML path when no column gives that field. */
function columnOf(path: readonly PropertyKey[], index: number): string {
  const p = path.map(String);
  const c = USER_FIELDS[p.join(".")] ?? USER_FIELDS[p.slice(0, 1).join(".")];
  return c ? c.header : `${USERS_KEY}[${index}]${p.length ? `.${p.join(".")}` : ""}`;
}

export interface ImportResult {
  added: number;
  updated: number;
  unchanged: number;
  ignoredColumns: string[];
  /** The new file's text (the caller writes it). */
  text: string;
}

function usersSeq(doc: Document): YAMLSeq | undefined {
  const node = doc.getIn(["config", USERS_KEY], true);
  return isSeq(node) ? node : undefined;
}

/** The stack file's user entries, as written (secure values as {secure}). */
export function stackUsers(yamlText: string): Record<string, unknown>[] {
  const doc = parseDocument(yamlText);
  const seq = usersSeq(doc);
  return seq ? (seq.toJS(doc) as Record<string, unknown>[]) : [];
}

/** Compare two values of a field as the schema sees them (a MAC in any notation is the same MAC). */
const same = (c: Column, a: unknown, b: unknown): boolean =>
  c.path[1] === "mac" && typeof a === "string" && typeof b === "string"
    ? a.replace(/[:.\-]/g, "").toUpperCase() === b.replace(/[:.\-]/g, "").toUpperCase()
    : a === b;

/**
 * Merge the CSV into the stack file's text: every row checked first (all problems at once, as a
 * CsvInvalid), then the users list updated in place. `file` names the CSV in messages.
 */
export function importUsers(yamlText: string, csvText: string, file: string): ImportResult {
  const doc = parseDocument(yamlText);
  if (doc.errors.length) throw new Error(`the stack file is not valid YAML: ${doc.errors[0]!.message}`);
  const { rows, ignored } = parseUsersCsv(csvText, file);
  const existing = stackUsers(yamlText);
  const pools = ((doc.getIn(["config", `${NAMESPACE}:ocs`, "pools"]) as any)?.toJS?.(doc) ?? []).map((p: any) => p?.name).filter(Boolean) as string[];

  // The list as it will be: existing entries (index kept), updated by rows, new ones appended.
  const final: Record<string, unknown>[] = existing.map((u) => structuredClone(u));
  const rowOf = new Map<number, Row>();
  const changes = new Map<number, Column[]>();
  const errors: string[] = [];
  const where = (r: Row, col: string, msg: string) => errors.push(`${file} row ${r.row}, ${col}: ${msg}`);
  for (const r of rows) {
    const id = r.values.get(COLUMNS[0]!);
    if (typeof id !== "string") {
      where(r, "USER ID", "missing");
      continue;
    }
    let i = final.findIndex((u) => typeof u.userid === "string" && u.userid.toLowerCase() === id.toLowerCase());
    if (i >= 0 && rowOf.has(i)) {
      where(r, "USER ID", `${id} is already in row ${rowOf.get(i)!.row}`);
      continue;
    }
    if (i < 0) i = final.push({}) - 1;
    rowOf.set(i, r);
    const changed: Column[] = [];
    for (const [c, v] of r.values) {
      if (same(c, getIn(final[i], c.path), v)) continue;
      setIn(final[i], c.path, v);
      changed.push(c);
    }
    changes.set(i, changed);
  }

  // Each entry a row touched: the user schema (secrets stand in as placeholders), then the cross-checks.
  const seen = { userid: new Map<string, number>(), e164: new Map<string, number>(), mac: new Map<string, number>() };
  const label = (i: number) => (rowOf.has(i) ? `row ${rowOf.get(i)!.row}` : `${USERS_KEY}[${i}]`);
  final.forEach((u, i) => {
    const r = rowOf.get(i);
    const probe: Record<string, unknown> = { ...u };
    for (const k of SECRETS) if (probe[k] !== undefined && typeof probe[k] !== "string") probe[k] = k === "pin" ? "0000" : "secret";
    const parsed = userSchema.safeParse(probe);
    if (!parsed.success) {
      if (r) for (const issue of parsed.error.issues) where(r, columnOf(issue.path, i), issue.code === "unrecognized_keys" ? `unknown setting(s): ${issue.keys.join(", ")}` : issue.message);
      return;
    }
    const p = parsed.data;
    for (const [key, col, value] of [["userid", "USER ID", p.userid.toLowerCase()], ["e164", "DIRECTORY NUMBER", p.e164], ["mac", "MAC ADDRESS", p.phone.mac]] as const) {
      const first = seen[key].get(value);
      if (first === undefined) seen[key].set(value, i);
      else if (r) where(r, col, `${value} is already used by ${label(first)}`);
      else if (rowOf.has(first)) where(rowOf.get(first)!, col, `${value} is already used by ${label(i)}`);
    }
    if (!r) return;
    if (!supports(p.phone.model, p.phone.protocol)) {
      where(r, "DEVICE PROTOCOL", `the ${p.phone.model} does not support ${p.phone.protocol} (it supports ${PHONE_MODELS[p.phone.model].protocols.join(", ")})`);
    }
    if (pools.length && !pools.includes(p.pool)) where(r, "POOL", `must name an OCS pool (${pools.join(", ")})`);
    if (p.lineUri !== undefined && p.lineUri !== `tel:${p.e164}`) where(r, "DIRECTORY NUMBER", `${USERS_KEY}[${i}].lineUri is ${p.lineUri}: it must equal tel:${p.e164}`);
  });
  if (errors.length) throw new CsvInvalid(errors);

  // Write: field by field into the existing entries (comments and other fields kept), new ones appended.
  let seq = usersSeq(doc);
  if (!seq) {
    seq = doc.createNode([]) as YAMLSeq;
    doc.setIn(["config", USERS_KEY], seq);
  }
  let added = 0;
  let updated = 0;
  for (const [i, cols] of changes) {
    if (i >= existing.length) {
      seq.add(doc.createNode(final[i]));
      added++;
      continue;
    }
    if (!cols.length) continue;
    const item = seq.items[i];
    if (!isMap(item)) continue;
    for (const c of cols) (item as YAMLMap).setIn(c.path, getIn(final[i], c.path));
    updated++;
  }
  return { added, updated, unchanged: rows.length - added - updated, ignoredColumns: ignored, text: added || updated ? doc.toString({ lineWidth: 0 }) : yamlText };
}

