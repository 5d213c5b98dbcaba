/**
 * executeSQLQuery / executeSQLUpdate on the simulated CUP: the shared Informix SQL subset
 * (../sql/engine.ts: grammar, comments, one statement per request, Informix's error codes) over
 * CUP's tables as providers/cup/catalog.ts names them. A write runs all or nothing: when the
 * statement or the keys it leaves fail, the database is restored.
 */
import { TABLES, type ColumnType, type TableSpec } from "../../../providers/cup/catalog";
import { type ColType, type SqlDatabase, type SqlRow, type SqlTable, executeQuery, executeUpdate } from "../sql/engine";
import { type CupDb, type WriteKind } from "./db";

const COL_TYPES: Record<ColumnType, ColType> = { guid: "pkid", string: "text", int: "int", boolean: "bool" };

function view(db: CupDb, spec: TableSpec): SqlTable<SqlRow> {
  const columns = Object.keys(spec.columns);
  return {
    columns,
    rows: () => db.rows(spec.table).map((row) => ({ row, target: row })),
    types: Object.fromEntries(columns.map((c) => [c, COL_TYPES[spec.columns[c]!.type]])),
    // pkid is the primary key: the simulator does not change it.
    setters: Object.fromEntries(columns.filter((c) => c !== "pkid").map((c) => [c, (row: SqlRow, v: string | null) => db.update(spec, row, c, v)])),
    ...(spec.singleton
      ? {}
      : {
          insert: (values: Map<string, string | null>) => db.insert(spec, values),
          remove: (row: SqlRow) => db.remove(spec, row),
        }),
  };
}

/** CUP's tables bound to one database. */
export function cupSqlDatabase(db: CupDb): SqlDatabase {
  return {
    table(name) {
      const spec = TABLES.find((t) => t.table === name.toLowerCase());
      return spec ? view(db, spec) : undefined;
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
