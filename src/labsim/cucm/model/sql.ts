/**
 * executeSQLQuery / executeSQLUpdate on CUCM's database: the shared Informix SQL subset
 * (../../sql/engine.ts, where the grammar and the errors are described) over CUCM's data-dictionary
 * views (./tables.ts), with the columns of the release's family.
 */
import type { SimFamily } from "../releases";
import { type SqlDatabase, type SqlRow, executeQuery as runQuery, executeUpdate as runUpdate } from "../../sql/engine";
import type { CucmDb } from "./db";
import { TABLES, columnsOf } from "./tables";

export { likeToRegExp } from "../../sql/engine";

/** CUCM's tables bound to one database and release family. */
export function cucmSqlDatabase(db: CucmDb, family: SimFamily): SqlDatabase {
  return {
    table(name) {
      const v = TABLES[name];
      if (!v) return undefined;
      const { setters, edit } = v;
      // A setter changes a draft of the row; the view stores it (stored rows are frozen: ./db.ts).
      const set = (s: (t: unknown, value: string | null, db: CucmDb) => void) => (t: unknown, value: string | null) =>
        edit ? edit(db, t, (draft) => s(draft, value, db)) : s(t, value, db);
      return {
        columns: columnsOf(v, family),
        rows: () => v.rows(db, family),
        types: v.types,
        setters: setters && Object.fromEntries(Object.entries(setters).map(([c, s]) => [c, set(s!)])),
        insert: v.insert && ((values) => v.insert!(db, values)),
        remove: v.remove && ((t) => v.remove!(db, t)),
        lookup: v.lookup && ((column, value) => v.lookup![column]?.(db, value)),
      };
    },
  };
}

/** Runs a SELECT; rows are flat objects in select-list order (null = SQL NULL). */
export function executeQuery(db: CucmDb, sql: string, family: SimFamily = "12"): SqlRow[] {
  return runQuery(cucmSqlDatabase(db, family), sql);
}

/** Runs an INSERT, UPDATE or DELETE; returns the number of rows it changed. */
export function executeUpdate(db: CucmDb, sql: string, family: SimFamily = "12"): number {
  return runUpdate(cucmSqlDatabase(db, family), sql);
}
