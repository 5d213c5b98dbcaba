/**
 * Preflight: before rcclab reads or writes anything on CUP through its mapping, it reads the live CUP's
 * own catalog (Informix `systables` and `syscolumns`, over executeSQLQuery) and checks every table,
 * column and column type the mapping uses, and the CUP release (C1). Any difference is one problem,
 * naming the guide step, the table/column, and what to do by hand instead (the admin page), so the run
 * stops before anything on CUP changes. `rcclab up`, `preview` and `drift` run it first; the client
 * runs it again before its first statement (the Pulumi engine, other programs using the kinds).
 *
 * Informix catalog facts (IBM Informix Guide to SQL: Reference, SYSTABLES / SYSCOLUMNS): user tables
 * have tabid >= 100; coltype is the type code, +256 when the column is NOT NULL; for VARCHAR /
 * NVARCHAR collength is min * 256 + max; BOOLEAN is the built-in opaque type (coltype 41, told apart
 * by extended_id; 45 is the client-side SQLBOOL code some tools show).
 */
import { RcclabError } from "../core/errors";
import { type Catalog, type ColumnSpec, MAPPING, type Step, type TableSpec } from "./catalog";
import type { CupClient } from "./client";
import { textLiteral } from "./sql";
import { sqlRows } from "../cucm/axl/adapters/sql";

export interface LiveColumn {
  readonly name: string;
  readonly coltype: number;
  readonly collength: number;
  readonly extendedId: number;
}
/** What CUP's catalog says about some tables: by table name, its columns by name. */
export type LiveCatalog = Map<string, Map<string, LiveColumn>>;

export interface PreflightProblem {
  readonly step: Step;
  /** The table (and column) on CUP, as the mapping names them. */
  readonly table: string;
  readonly column?: string;
  /** One line: what differs, and what to do instead. */
  readonly message: string;
}

export interface PreflightReport {
  /** CUP's version, as getCUPVersion answers. */
  readonly version: string;
  readonly problems: readonly PreflightProblem[];
  /** How many tables and columns were checked. */
  readonly checked: { readonly tables: number; readonly columns: number };
  /** The steps the lab does by hand (not checked). */
  readonly manual: readonly Step[];
}

const TYPE = { CHAR: 0, SMALLINT: 1, INTEGER: 2, SERIAL: 6, VARCHAR: 13, NCHAR: 15, NVARCHAR: 16, INT8: 17, SERIAL8: 18, UDTFIXED: 41, LVARCHAR: 43, BOOL: 45, BIGINT: 52, BIGSERIAL: 53 };
const NOT_NULL = 256;
/** sysxtdtypes' extended_id of the built-in BOOLEAN (ASSUMED; the simulator says the same). */
const BOOLEAN_EXTENDED_ID = 5;
const VARIABLE = new Set([TYPE.VARCHAR, TYPE.NVARCHAR]);
const CHARACTER = new Set([TYPE.CHAR, TYPE.VARCHAR, TYPE.NCHAR, TYPE.NVARCHAR, TYPE.LVARCHAR]);
const INTEGERS: Record<number, number> = { [TYPE.SMALLINT]: 32_767, [TYPE.INTEGER]: 2_147_483_647, [TYPE.SERIAL]: 2_147_483_647, [TYPE.INT8]: Number.MAX_SAFE_INTEGER, [TYPE.SERIAL8]: Number.MAX_SAFE_INTEGER, [TYPE.BIGINT]: Number.MAX_SAFE_INTEGER, [TYPE.BIGSERIAL]: Number.MAX_SAFE_INTEGER };
const NAMES: Record<number, string> = Object.fromEntries(Object.entries(TYPE).map(([k, v]) => [v, k]));

/** The longest value a character column holds. */
const maxLength = (c: LiveColumn): number => (VARIABLE.has(c.coltype & 0xff) ? c.collength % 256 : c.collength);

/** A column's type as people write it: VARCHAR(255) NOT NULL, BOOLEAN, INTEGER ... */
export function typeName(c: LiveColumn): string {
  const base = c.coltype & 0xff;
  const nn = c.coltype & NOT_NULL ? " NOT NULL" : "";
  if (base === TYPE.UDTFIXED && c.extendedId === BOOLEAN_EXTENDED_ID) return `BOOLEAN${nn}`;
  if (CHARACTER.has(base)) return `${NAMES[base]}(${maxLength(c)})${nn}`;
  return `${NAMES[base] ?? `type ${base}`}${nn}`;
}

/** Why a live column cannot hold what the mapping reads and writes there, or undefined when it can. */
export function typeProblem(spec: ColumnSpec, live: LiveColumn): string | undefined {
  const base = live.coltype & 0xff;
  const notNull = (live.coltype & NOT_NULL) !== 0;
  const want = (): string => {
    switch (spec.type) {
      case "guid":
        return "a GUID (CHAR(36) or longer)";
      case "string":
        return `text of up to ${spec.max ?? 255} characters`;
      case "int":
        return `an integer${spec.maxValue !== undefined ? ` up to ${spec.maxValue}` : ""}`;
      case "boolean":
        return "a BOOLEAN";
    }
  };
  let ok: boolean;
  switch (spec.type) {
    case "guid":
      ok = CHARACTER.has(base) && maxLength(live) >= 36;
      break;
    case "string":
      ok = CHARACTER.has(base) && (base === TYPE.LVARCHAR || maxLength(live) >= (spec.max ?? 255));
      break;
    case "int":
      ok = base in INTEGERS && (spec.maxValue ?? 2_147_483_647) <= INTEGERS[base]!;
      break;
    case "boolean":
      ok = (base === TYPE.UDTFIXED && live.extendedId === BOOLEAN_EXTENDED_ID) || base === TYPE.BOOL;
      break;
  }
  if (!ok) return `is ${typeName(live)}, where rcclab's mapping reads and writes ${want()}`;
  if (notNull && spec.nullable) return `is ${typeName(live)}, where rcclab's mapping writes NULL into it`;
  return undefined;
}

/** What CUP's catalog says about these tables (names as on CUP), or about every user table. */
export async function readLiveCatalog(client: CupClient, tables?: readonly string[]): Promise<LiveCatalog> {
  const out: LiveCatalog = new Map();
  if (tables && !tables.length) return out;
  const only = tables ? ` AND t.tabname IN (${tables.map((t) => textLiteral(t, "table name")).join(", ")})` : "";
  const ret = await client.catalogQuery(
    "SELECT t.tabname, c.colname, c.coltype, c.collength, c.extended_id FROM systables t, syscolumns c " +
      `WHERE t.tabid = c.tabid AND t.tabid >= 100${only} ORDER BY t.tabname, c.colno`,
  );
  for (const r of sqlRows(ret)) {
    const table = (r.tabname ?? "").trim().toLowerCase();
    const cols = out.get(table) ?? new Map<string, LiveColumn>();
    const name = (r.colname ?? "").trim().toLowerCase();
    cols.set(name, { name, coltype: Number(r.coltype), collength: Number(r.collength), extendedId: Number(r.extended_id ?? 0) });
    out.set(table, cols);
  }
  return out;
}

/** The tables preflight checks: every table of every step the lab does not do by hand. */
export const checkedTables = (catalog: Catalog): TableSpec[] => Object.values(catalog.tables).filter((t) => !catalog.isManual(t.step));

/** What to do instead of rcclab, for a step. */
function instead(step: Step): string {
  return `Do ${step} by hand (${MAPPING.steps[step]!.page}), or correct the mapping in the lab's override file (rcclab discover cup drafts one; "manual: [${step}]" skips the step)`;
}

/** Every difference between the mapping and CUP's catalog, one problem each. */
export function checkCatalog(catalog: Catalog, live: LiveCatalog): PreflightProblem[] {
  const problems: PreflightProblem[] = [];
  for (const t of checkedTables(catalog)) {
    const step = `${t.step} ${MAPPING.steps[t.step]!.title}`;
    const cols = live.get(t.table);
    if (!cols) {
      problems.push({ step: t.step, table: t.table, message: `${step}: table ${t.table} is not in CUP's database. ${instead(t.step)}.` });
      continue;
    }
    for (const spec of Object.values(t.columns)) {
      const c = cols.get(spec.name);
      if (!c) {
        const has = [...cols.keys()].join(", ");
        problems.push({ step: t.step, table: t.table, column: spec.name, message: `${step}: column ${t.table}.${spec.name} is not in CUP's database (${t.table} has ${has}). ${instead(t.step)}.` });
        continue;
      }
      const wrong = typeProblem(spec, c);
      if (wrong) problems.push({ step: t.step, table: t.table, column: spec.name, message: `${step}: column ${t.table}.${spec.name} ${wrong}. ${instead(t.step)}.` });
    }
  }
  return problems;
}

/** The whole preflight: CUP's release (C1), then the catalog. Reads only. */
export async function preflight(client: CupClient): Promise<PreflightReport> {
  const catalog = client.catalog;
  const version = await client.version();
  const problems: PreflightProblem[] = [];
  const release = version.split(".").slice(0, 2).join(".");
  if (release !== client.connection.release) {
    problems.push({
      step: "C1",
      table: "",
      message: `C1 ${MAPPING.steps.C1!.title}: CUP at ${client.connection.host} runs ${version}, but the stack declares release ${client.connection.release} (cup.release); rcclab's CUP mapping is for ${client.connection.release}.`,
    });
    return { version, problems, checked: { tables: 0, columns: 0 }, manual: [...catalog.manual] };
  }
  const tables = checkedTables(catalog);
  const live = await readLiveCatalog(client, [...new Set(tables.map((t) => t.table))]);
  problems.push(...checkCatalog(catalog, live));
  return {
    version,
    problems,
    checked: { tables: tables.length, columns: tables.reduce((n, t) => n + Object.keys(t.columns).length, 0) },
    manual: [...catalog.manual],
  };
}

/** Preflight's problems as lines (CLI, errors). */
export const formatPreflight = (host: string, report: PreflightReport): string[] =>
  report.problems.length
    ? [`CUP at ${host} (${report.version}) does not match rcclab's CUP mapping; nothing was changed on any system:`, ...report.problems.map((p) => `  - ${p.message}`)]
    : [`CUP at ${host} (${report.version}): preflight passed (${report.checked.tables} tables, ${report.checked.columns} columns checked${report.manual.length ? `; by hand: ${report.manual.join(", ")}` : ""})`];

export function preflightError(host: string, report: PreflightReport): RcclabError {
  return new RcclabError("SchemaMismatch", formatPreflight(host, report).join("\n").replace("nothing was changed on any system", "nothing on CUP was changed"));
}
