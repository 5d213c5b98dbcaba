/**
 * executeSQLQuery / executeSQLUpdate on the simulated CUP: the shared Informix SQL subset
 * (../sql/engine.ts: grammar, comments, one statement per request, Informix's error codes) over
 * CUP's tables as ./schema.ts names them (under the start option's schema variant, if any), and the
 * Informix catalog tables systables / syscolumns describing them. A write runs all or nothing: when the
 * statement or the keys it leaves fail, the database is restored.
 */
import { type ColType, type SqlDatabase, type SqlRow, type SqlTable, executeQuery, executeUpdate } from "../sql/engine";
import { type CupDb, type WriteKind } from "./db";
import { CATALOG_TABLES, type SimColumnType, type VisibleTable, catalogRows, visibleTables } from "./schema";

const COL_TYPES: Record<SimColumnType, ColType> = { guid: "pkid", string: "text", int: "int", boolean: "bool" };

/** A table as SQL sees it: visible column names over the stored rows (a variant may rename one). */
function view(db: CupDb, t: VisibleTable): SqlTable<SqlRow> {
  const { spec } = t;
  const columns = [...t.columns.keys()];
  const stored = (c: string): string => t.columns.get(c)!;
  const renamed = columns.some((c) => stored(c) !== c);
  return {
    columns,
    rows: () =>
      db.rows(spec.table).map((row) => ({ row: renamed ? Object.fromEntries(columns.map((c) => [c, row[stored(c)] ?? null])) : row, target: row })),
    types: Object.fromEntries(columns.map((c) => [c, COL_TYPES[spec.columns[stored(c)]!.type]])),
    // pkid is the primary key: the simulator does not change it.
    setters: Object.fromEntries(columns.filter((c) => stored(c) !== "pkid").map((c) => [c, (row: SqlRow, v: string | null) => db.update(spec, row, stored(c), v)])),
    ...(spec.singleton
      ? {}
      : {
          insert: (values: Map<string, string | null>) => db.insert(spec, new Map([...values].map(([c, v]) => [stored(c), v]))),
          remove: (row: SqlRow) => db.remove(spec, row),
        }),
  };
}

/** systables / syscolumns: read-only, built from the tables SQL sees (so a variant shows in them). */
function catalogView(name: keyof typeof CATALOG_TABLES, tables: readonly VisibleTable[]): SqlTable<SqlRow> {
  const cols = CATALOG_TABLES[name].columns;
  return {
    columns: cols.map((c) => c.name),
    rows: () => catalogRows(tables)[name].map((row) => ({ row, target: row })),
    types: Object.fromEntries(cols.map((c) => [c.name, c.int ? "int" : "text"])),
  };
}

/** CUP's tables (and its Informix catalog) bound to one database. */
export function cupSqlDatabase(db: CupDb): SqlDatabase {
  const tables = visibleTables(db.variant);
  return {
    table(name) {
      const n = name.toLowerCase();
      if (n === "systables" || n === "syscolumns") return catalogView(n, tables);
      const t = tables.find((v) => v.spec.table === n);
      return t ? view(db, t) : undefined;
    },
  };
}

/** Runs a SELECT; rows are flat objects in select-list order (null = SQL NULL). */
export function cupQuery(db: CupDb, sql: string): SqlRow[] {
  return executeQuery(cupSqlDatabase(db), sql);
}

/** Runs an INSERT, UPDATE or DELETE (all or nothing); returns the number of rows it changed. */
export function cupUpdate(db: CupDb, sql: string): number {
  const snapshot = db.toJSON();
  try {
    const n = executeUpdate(cupSqlDatabase(db), sql);
    const kind = (/^\s*(insert|update|delete)\b/i.exec(stripComments(sql))?.[1]?.toLowerCase() ?? "update") as WriteKind;
    db.checkKeys(kind);
    return n;
  } catch (e) {
    db.load(snapshot);
    throw e;
  }
}

/** Leading comments (Informix's three kinds), to find the statement's verb. */
function stripComments(sql: string): string {
  let s = sql;
  for (;;) {
    const t = s.replace(/^\s+/, "");
    if (t.startsWith("--")) s = t.slice(t.indexOf("\n") < 0 ? t.length : t.indexOf("\n") + 1);
    else if (t.startsWith("/*")) s = t.slice(t.indexOf("*/") < 0 ? t.length : t.indexOf("*/") + 2);
    else if (t.startsWith("{")) s = t.slice(t.indexOf("}") < 0 ? t.length : t.indexOf("}") + 1);
    else return t;
  }
}
