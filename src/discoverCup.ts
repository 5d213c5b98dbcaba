/**
 * `rcclab discover cup`: read a live CUP's database and show where rcclab's CUP mapping
 * (providers/cup/mapping.yaml) is right or wrong about it.
 *
 * Cisco never published CUP 7.0's database layout, so the mapping is assumed. This command lets the
 * first person with a real CUP correct it in minutes: it reads CUP's own catalog (systables /
 * syscolumns), keeps the tables that look like the guide's features (or that the mapping names),
 * shows their columns and a few rows (password-like columns masked), compares every table and column
 * of the mapping with them, and drafts an override file (providers/cup/catalog.ts,
 * mappingOverrideSchema) for a person to check. It READS ONLY: no statement here writes.
 *
 * The pieces are pure where they can be: readLive (the catalog), keep (the feature filter),
 * compareMapping (mapping vs CUP, with candidates), draftOverride (the override object), draftYaml
 * and format (text). discoverCup runs them on a client; runDiscoverCup on a stack.
 */
import * as path from "node:path";
import { Document, isMap, isScalar, isSeq } from "yaml";
import { type Catalog, type MappingOverride, STEPS, type Step } from "../providers/cup/catalog";
import { CupClient } from "../providers/cup/client";
import { type LiveColumn, readLiveCatalog, typeName, typeProblem } from "../providers/cup/preflight";
import { sqlRows } from "../providers/cucm/axl/adapters/sql";
import { type CommandOptions, CommandError, loadStack } from "./commands";
import { cupConnection } from "./components/cup";
import { type LabConfig, parseConfig } from "./config";

/** The guide's features, as words a CUP table or column name may contain. */
export const FEATURE_WORDS = ["acl", "route", "cti", "rcc", "deskphone", "desk", "presence", "proxy", "publisher", "enduser"] as const;
/** Columns whose values are never shown (text or JSON). */
export const SECRET_COLUMN = /pass|pwd|secret|credential|key|token/i;
export const MASK = "********";
/** How many rows of each kept table are shown. */
const SAMPLE_ROWS = 3;
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/i;

export interface LiveTable {
  readonly name: string;
  readonly columns: readonly (LiveColumn & { readonly type: string })[];
}

export interface KeptTable extends LiveTable {
  /** The feature words its name or a column name contains. */
  readonly matches: string[];
  /** The mapping's table keys that name it. */
  readonly mappedAs: string[];
  /** Up to three rows, secrets masked. */
  rows: Record<string, string>[];
  /** Why the rows could not be read. */
  rowsError?: string;
}

/** One table or column of the mapping, checked against CUP. */
export interface MappingItem {
  readonly step: Step;
  /** The mapping's keys (incomingAcl, address). */
  readonly key: string;
  readonly columnKey?: string;
  /** The names the mapping gives them on CUP. */
  readonly table: string;
  readonly column?: string;
  readonly status: "ok" | "missing";
  /** Similar live names not used by the mapping, best first. */
  readonly candidates: string[];
  /** The candidate the draft uses (a plausible one), if any. */
  readonly proposed?: string;
  /** No plausible candidate: the draft leaves this step to the admin pages. */
  readonly manual?: boolean;
  /** Then: the closest live names looked at (none of them plausible). */
  readonly considered?: string[];
  /** A found column whose type does not fit what rcclab writes (preflight would stop on it). */
  readonly note?: string;
}

export interface DiscoverReport {
  readonly cup: { readonly host: string; readonly version: string };
  /** How many user tables CUP's database has. */
  readonly tableCount: number;
  readonly tables: KeptTable[];
  readonly mapping: MappingItem[];
  /** The override to use: the lab's current one plus the proposals (empty when nothing differs). */
  readonly draft: MappingOverride;
  /** The file name the draft goes into, in the stacks folder, and its path. */
  readonly mappingFile: string;
  readonly mappingPath: string;
  /** Whether the lab already has an override (the draft includes it). */
  readonly hasOverride: boolean;
}

// ---------------------------------------------------------------------------------------------------
// Reading CUP

/** Every user table (tabid >= 100) and its columns, from CUP's catalog. */
export async function readLive(client: CupClient): Promise<LiveTable[]> {
  // Preflight's own read of the catalog, for every user table.
  const live = await readLiveCatalog(client);
  return [...live].map(([name, cols]) => ({ name, columns: [...cols.values()].map((c) => ({ ...c, type: typeName(c) })) }));
}

/** The tables worth showing: a feature word in the table's or a column's name, or named by the mapping. */
export function keep(tables: readonly LiveTable[], catalog: Catalog): KeptTable[] {
  const out: KeptTable[] = [];
  for (const t of tables) {
    const names = [t.name, ...t.columns.map((c) => c.name)].map((n) => n.toLowerCase());
    const matches = FEATURE_WORDS.filter((w) => names.some((n) => n.includes(w)));
    const mappedAs = Object.values(catalog.tables).filter((s) => s.table === t.name).map((s) => s.key);
    if (matches.length || mappedAs.length) out.push({ ...t, matches, mappedAs, rows: [] });
  }
  return out;
}

/** A row with every password-like column's value replaced by the mask. */
export const maskRow = (row: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, SECRET_COLUMN.test(k) ? MASK : v]));

/** The first rows of a table, masked. */
async function sampleRows(client: CupClient, table: KeptTable): Promise<void> {
  if (!IDENTIFIER.test(table.name)) {
    table.rowsError = "not a plain SQL name; not read";
    return;
  }
  try {
    table.rows = sqlRows(await client.catalogQuery(`SELECT FIRST ${SAMPLE_ROWS} * FROM ${table.name}`)).map(maskRow);
  } catch (e) {
    table.rowsError = (e as Error).message;
  }
}

// ---------------------------------------------------------------------------------------------------
// Mapping vs CUP

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** How alike two names are, 0..1: edit distance, and at least 0.75 when one (4+ letters) is inside the other. */
export function similarity(a: string, b: string): number {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  const ratio = 1 - levenshtein(x, y) / Math.max(x.length, y.length, 1);
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  return short.length >= 4 && long.includes(short) ? Math.max(ratio, 0.75) : ratio;
}
/** Candidates at least this similar are listed; the draft proposes only a plausible one. */
const LISTED = 0.3;
const PLAUSIBLE = 0.5;

/**
 * The names of `pool` most like `name`: the candidates worth listing (best first, at most three), the
 * one the draft proposes (plausible only), and, when there is none, the closest names looked at.
 */
function pick(name: string, pool: readonly string[]): { candidates: string[]; proposed?: string; manual?: true; considered?: string[] } {
  const scored = pool.map((n) => ({ name: n, score: similarity(name, n) })).sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  const candidates = scored.filter((c) => c.score >= LISTED).slice(0, 3).map((c) => c.name);
  const best = scored[0];
  if (best && best.score >= PLAUSIBLE) return { candidates, proposed: best.name };
  return { candidates, manual: true, considered: scored.slice(0, 5).map((c) => c.name) };
}

/**
 * Every table and column of the mapping: found on CUP, or missing with the most similar live names
 * the mapping does not use yet (tables among the kept ones, columns within the table). A missing table
 * is looked for under another name; its columns are then matched in that table.
 */
export function compareMapping(catalog: Catalog, kept: readonly LiveTable[]): MappingItem[] {
  const live = new Map(kept.map((t) => [t.name, t]));
  const usedTables = new Set(Object.values(catalog.tables).map((t) => t.table).filter((n) => live.has(n)));
  const items: MappingItem[] = [];
  for (const spec of Object.values(catalog.tables)) {
    const base = { step: spec.step, key: spec.key, table: spec.table };
    let found = live.get(spec.table);
    if (found) items.push({ ...base, status: "ok", candidates: [] });
    else {
      const picked = pick(spec.table, [...live.keys()].filter((n) => !usedTables.has(n)));
      items.push({ ...base, status: "missing", ...picked });
      if (!picked.proposed) continue;
      usedTables.add(picked.proposed);
      found = live.get(picked.proposed)!;
    }
    const tableFound = found.name === spec.table;
    const cols = new Map(found.columns.map((c) => [c.name, c]));
    const usedCols = new Set(Object.values(spec.columns).map((c) => c.name).filter((n) => cols.has(n)));
    for (const [columnKey, col] of Object.entries(spec.columns)) {
      const at = { ...base, columnKey, column: col.name };
      const c = cols.get(col.name);
      if (c && tableFound) {
        const note = typeProblem(col, c);
        items.push({ ...at, status: "ok", candidates: [], ...(note ? { note } : {}) });
        continue;
      }
      // In a table proposed for a missing one, a column of the same name is the one.
      const picked = c ? { candidates: [c.name], proposed: c.name } : pick(col.name, [...cols.keys()].filter((n) => !usedCols.has(n)));
      if (picked.proposed) usedCols.add(picked.proposed);
      const note = picked.proposed ? typeProblem(col, cols.get(picked.proposed)!) : undefined;
      items.push({ ...at, status: "missing", ...picked, ...(note ? { note } : {}) });
    }
  }
  return items;
}

/**
 * The override to use: the lab's current one, plus a new name for every missing table or column with
 * a plausible candidate, and `manual` for every step with something missing and no candidate.
 */
export function draftOverride(items: readonly MappingItem[], current: MappingOverride = {}): MappingOverride {
  const draft = structuredClone(current) as { tables?: Record<string, any>; manual?: Step[] };
  for (const i of items) {
    if (!i.proposed) continue;
    const table = ((draft.tables ??= {})[i.key] ??= {});
    if (!i.columnKey) table.name = i.proposed;
    else if (i.proposed !== i.column) (table.columns ??= {})[i.columnKey] = { ...table.columns?.[i.columnKey], name: i.proposed };
  }
  const manual = new Set([...(draft.manual ?? []), ...items.filter((i) => i.manual).map((i) => i.step)]);
  if (manual.size) draft.manual = STEPS.filter((s) => manual.has(s));
  return draft as MappingOverride;
}

const itemName = (i: MappingItem): string => (i.columnKey ? `${i.key}.${i.columnKey}` : i.key);
const listed = (names: readonly string[]): string => (names.length ? names.join(", ") : "none");

/** The draft as an override file: YAML with comments saying it is a draft, why each entry is there, and how to use it. */
export function draftYaml(r: DiscoverReport): string {
  const doc = new Document(r.draft);
  doc.commentBefore = [
    ` DRAFT override of rcclab's CUP mapping, from \`rcclab discover cup\` against CUP at ${r.cup.host} (${r.cup.version}).`,
    " A person must check every entry against CUP before using it: the names were picked by similarity",
    " of spelling only (the comments name the candidates considered).",
    ...(r.hasOverride ? [" It keeps everything the lab's current override says."] : []),
    ` To use it: save it as ${r.mappingPath},`,
    ` set \`mapping: ${r.mappingFile}\` under rcclab:cup in the stack (rcclab:cup.mapping),`,
    " then run `rcclab validate` and `rcclab preview` (preflight re-checks it on CUP).",
  ].join("\n");
  for (const i of r.mapping) {
    if (!i.proposed || (i.columnKey && i.proposed === i.column)) continue;
    const node = doc.getIn(i.columnKey ? ["tables", i.key, "columns", i.columnKey, "name"] : ["tables", i.key, "name"], true);
    const was = i.columnKey ? `${i.table}.${i.column}` : i.table;
    if (isScalar(node)) node.comment = ` mapping says ${was} (not on CUP); candidates considered: ${listed(i.candidates)}${i.note ? `; CHECK: ${i.note}` : ""}`;
  }
  const manual = doc.get("manual", true);
  if (isSeq(manual)) {
    for (const node of manual.items) {
      if (!isScalar(node)) continue;
      const why = r.mapping
        .filter((i) => i.manual && i.step === node.value)
        .map((i) => `${itemName(i)} (${i.column ? `${i.table}.${i.column}` : i.table}) not on CUP; no live name alike among ${listed(i.considered ?? [])}`);
      if (why.length) node.comment = ` ${why.join("; ")}`;
    }
  }
  if (isMap(doc.contents) && !doc.contents.items.length) doc.comment = " nothing to correct";
  return doc.toString();
}

// ---------------------------------------------------------------------------------------------------
// Running it

/** Reads CUP through the client (reads only) and builds the report. */
export async function discoverCup(client: CupClient, opts: { mappingFile?: string; stacksDir?: string; print?: (line: string) => void } = {}): Promise<DiscoverReport> {
  const print = opts.print ?? (() => {});
  const version = await client.version();
  print(`reading CUP's catalog at ${client.connection.host} (${version})`);
  const all = await readLive(client);
  const tables = keep(all, client.catalog);
  for (const t of tables) await sampleRows(client, t);
  const mapping = compareMapping(client.catalog, tables);
  const current = client.connection.mapping;
  const mappingFile = opts.mappingFile ?? "cup-mapping.<lab>.yaml";
  return {
    cup: { host: client.connection.host, version },
    tableCount: all.length,
    tables,
    mapping,
    draft: draftOverride(mapping, current),
    mappingFile,
    mappingPath: path.join(opts.stacksDir ?? "stacks", mappingFile),
    hasOverride: current !== undefined,
  };
}

/** `rcclab discover cup --stack S`: the stack's CUP (with the lab's current override), read only. */
export async function runDiscoverCup(opts: CommandOptions): Promise<DiscoverReport> {
  const print = opts.print ?? (() => {});
  const stack = loadStack(opts);
  if (stack.errors.length) throw new CommandError(`the stack config is invalid:\n${stack.errors.map((e) => `  ${e.path}: ${e.message}`).join("\n")}`);
  const cfg = parseConfig(stack.config).config as LabConfig;
  const client = new CupClient(cupConnection(cfg), { info: print, warn: (m) => print(`warning: ${m}`) });
  try {
    return await discoverCup(client, { mappingFile: cfg.cup.mapping ?? `cup-mapping.${opts.stack}.yaml`, ...(opts.stacksDir ? { stacksDir: opts.stacksDir } : {}), print });
  } catch (e) {
    throw new CommandError(`discover could not read CUP at ${client.connection.host}: ${(e as Error).message}`);
  } finally {
    client.close();
  }
}

/** The report as `--json` prints it (rows already masked). */
export const toJson = (r: DiscoverReport) => ({
  cup: r.cup,
  tables: r.tables.map((t) => ({
    name: t.name,
    columns: t.columns.map((c) => ({ name: c.name, type: c.type })),
    rows: t.rows,
    matches: t.matches,
    mapping: t.mappedAs,
    ...(t.rowsError ? { rowsError: t.rowsError } : {}),
  })),
  mapping: r.mapping.map((i) => ({
    table: i.table,
    ...(i.column ? { column: i.column } : {}),
    status: i.status,
    candidates: i.candidates,
    key: itemName(i),
    step: i.step,
    ...(i.proposed ? { proposed: i.proposed } : {}),
    ...(i.manual ? { manual: true, considered: i.considered ?? [] } : {}),
    ...(i.note ? { note: i.note } : {}),
  })),
  draft: r.draft,
});

const short = (v: string): string => (v.length > 60 ? `${v.slice(0, 57)}...` : v);

/** The report as the CLI prints it. */
export function format(r: DiscoverReport): string[] {
  const lines = [
    `CUP at ${r.cup.host}, version ${r.cup.version}: ${r.tableCount} tables; ${r.tables.length} shown (a name with ${FEATURE_WORDS.join(", ")}, or named by rcclab's mapping).`,
    `Values of password-like columns are shown as ${MASK}.`,
  ];
  for (const t of r.tables) {
    const why = [...(t.matches.length ? [`words: ${t.matches.join(", ")}`] : []), ...(t.mappedAs.length ? [`mapping: ${t.mappedAs.join(", ")}`] : [])];
    lines.push("", `${t.name}  (${why.join("; ")})`);
    const width = Math.max(...t.columns.map((c) => c.name.length));
    for (const c of t.columns) lines.push(`  ${c.name.padEnd(width)}  ${c.type}`);
    if (t.rowsError) lines.push(`  rows: ${t.rowsError}`);
    else if (!t.rows.length) lines.push("  no rows");
    else for (const row of t.rows) lines.push(`  row: ${Object.entries(row).map(([k, v]) => `${k}=${short(v)}`).join(", ")}`);
  }
  lines.push("", "rcclab's mapping vs this CUP");
  for (const i of r.mapping) {
    const where = i.column ? `${i.table}.${i.column}` : i.table;
    const more = i.status === "missing" ? ` (candidates: ${listed(i.candidates)}${i.proposed ? `; draft: ${i.proposed}` : `; draft: ${i.step} by hand`})` : "";
    lines.push(`  ${i.status.padEnd(7)}  ${i.step} ${itemName(i)} → ${where}${more}${i.note ? `; type: ${i.note}` : ""}`);
  }
  const missing = r.mapping.filter((i) => i.status === "missing").length;
  const typed = r.mapping.filter((i) => i.status === "ok" && i.note).length;
  if (typed) lines.push("", `${typed} column(s) exist but their type does not fit what rcclab writes: preflight will stop on them (do that step by hand).`);
  if (!missing) {
    lines.push("", `Every table and column rcclab's mapping names is on this CUP${r.hasOverride ? ", with the lab's current override; keep it as it is" : ": no override needed"}.`);
    return lines;
  }
  lines.push("", `${missing} of ${r.mapping.length} items are not on this CUP. Draft override (check it, then save it as ${r.mappingPath}):`, "");
  lines.push(...draftYaml(r).replace(/\n$/, "").split("\n"));
  return lines;
}
