/**
 * The simulated CUP's database: the tables of ./schema.ts (the simulator's own reading of CUP's
 * schema, independent of rcclab's client), each a list of rows of Informix values (text; integers as decimal text;
 * booleans 't'/'f'; NULL = null), plus the platform services' state. Constraints are the schema's,
 * enforced as Informix enforces them on SQL writes:
 *   NOT NULL (-391); integer ranges as check constraints (-530); references as foreign keys (-691 on
 *   insert/update, -692 on delete); the primary key pkid (-268); `unique` columns and
 *   `uniqueTogether` sets as unique indexes (-239 on insert, -346 on update). Strings longer than the
 *   column are truncated, as a non-ANSI Informix database does. Unique string comparisons ignore
 *   case (as CUP's admin pages treat names).
 * Singleton (settings) tables take UPDATE only: the simulator refuses INSERT and DELETE on them.
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { type SchemaVariant, type SimColumn as ColumnSpec, type SimTable as TableSpec, SIM_SEED_ROWS as SEED_ROWS, SIM_TABLES as TABLES } from "./schema";
import { AxlFault, faults } from "../cucm/faults";
import type { SqlRow, SqlValue } from "../sql/engine";

export const STATE_FORMAT = "rcclab-cup-sim/1";

/** One platform service's persisted state. */
export interface CupServiceRow {
  name: string;
  activated: boolean;
  running: boolean;
  startedAt?: string;
}

export interface CupDbJson {
  format: string;
  version?: string;
  tables: Record<string, SqlRow[]>;
  services: CupServiceRow[];
}

/** A literal as the schema writes it (seed rows, defaults) → the stored Informix value. */
export function toSqlValue(v: string | number | boolean | null | undefined): SqlValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "boolean") return v ? "t" : "f";
  return String(v);
}

/** What kind of statement is running (for the error a constraint raises). */
export type WriteKind = "insert" | "update" | "delete";

const fkName = (spec: TableSpec, column: string): string => `fk_${spec.table}_${column}`;
const indexName = (spec: TableSpec, columns: readonly string[]): string => `x_${spec.table}_${columns.join("_")}`;

export const cupFaults = {
  checkConstraint(spec: TableSpec, column: string): AxlFault {
    return new AxlFault(-530, `Check constraint (informix.cc_${spec.table}_${column}) failed.`);
  },
  /** A unique index violated by an UPDATE (Informix -346 with ISAM -100). */
  updateDuplicate(index: string): AxlFault {
    return new AxlFault(-346, `Could not update a row in the table. (ISAM error: duplicate value for a record with unique key; Unique Index:${index})`);
  },
};

export class CupDb {
  tables = new Map<string, SqlRow[]>();
  services: CupServiceRow[] = [];
  /**
   * Counts the writes to the tables (insert, update, remove, load, and changed()): a cheap "has
   * anything changed" for the Sync Agent, which skips its pass when neither CUCM's end users nor
   * this counter moved (./server.ts).
   */
  writes = 0;
  /** What SQL and the catalog show (a renamed column, a missing table); the stored rows keep the schema's names. */
  variant?: SchemaVariant;

  constructor() {
    for (const t of TABLES) this.tables.set(t.table, []);
  }

  rows(table: string): SqlRow[] {
    const rows = this.tables.get(table);
    if (!rows) throw new Error(`no table ${table}`);
    return rows;
  }

  spec(table: string): TableSpec {
    const s = TABLES.find((t) => t.table === table);
    if (!s) throw new Error(`no table ${table}`);
    return s;
  }

  /** A value checked and converted for its column (after the SQL engine's own type conversion). */
  value(spec: TableSpec, column: string, v: SqlValue): SqlValue {
    const c: ColumnSpec = spec.columns[column]!;
    if (v === null) {
      if (!c.nullable) throw faults.sqlNotNull(spec.table, column);
      return null;
    }
    switch (c.type) {
      case "string":
        return c.max !== undefined && v.length > c.max ? v.slice(0, c.max) : v;
      case "int": {
        const n = Number(v);
        if ((c.min !== undefined && n < c.min) || (c.maxValue !== undefined && n > c.maxValue)) throw cupFaults.checkConstraint(spec, column);
        return String(n);
      }
      default:
        return v;
    }
  }

  /** INSERT of one row: defaults for the columns left out, a new pkid unless given. */
  insert(spec: TableSpec, values: Map<string, SqlValue>): void {
    const row: SqlRow = {};
    for (const [column, c] of Object.entries(spec.columns)) {
      if (values.has(column)) row[column] = this.value(spec, column, values.get(column)!);
      else if (column === "pkid") row.pkid = randomUUID();
      else if (c.default !== undefined) row[column] = toSqlValue(c.default);
      else if (c.nullable) row[column] = null;
      else throw faults.sqlNotNull(spec.table, column);
    }
    if (row.pkid === null) throw faults.sqlNotNull(spec.table, "pkid");
    this.writes++;
    this.rows(spec.table).push(row);
  }

  update(spec: TableSpec, row: SqlRow, column: string, v: SqlValue): void {
    this.writes++;
    row[column] = this.value(spec, column, v);
  }

  /** Records a change made to the rows directly (not through insert / update / remove). */
  changed(): void {
    this.writes++;
  }

  remove(spec: TableSpec, row: SqlRow): void {
    this.writes++;
    const rows = this.rows(spec.table);
    const i = rows.indexOf(row);
    if (i >= 0) rows.splice(i, 1);
  }

  /**
   * Checks the keys after a statement (the statement is then rolled back by the caller when this
   * throws): primary key, unique indexes, foreign keys.
   */
  checkKeys(kind: WriteKind): void {
    for (const spec of TABLES) {
      const rows = this.rows(spec.table);
      const pkids = new Set<string>();
      for (const r of rows) {
        if (pkids.has(r.pkid!)) throw faults.uniqueConstraint(`pk_${spec.table}`);
        pkids.add(r.pkid!);
      }
      const indexes = [
        ...Object.entries(spec.columns)
          .filter(([, c]) => c.unique)
          .map(([name]) => [name]),
        ...spec.uniqueTogether.map((u) => [...u]),
      ];
      const seen = new Set<string>();
      for (const cols of indexes) {
        const key = cols.join(",");
        if (seen.has(key)) continue;
        seen.add(key);
        const values = new Set<string>();
        for (const r of rows) {
          const parts = cols.map((c) => r[c] ?? null);
          if (parts.some((p) => p === null)) continue; // NULLs never collide in a unique index
          const k = JSON.stringify(parts.map((p, i) => (spec.columns[cols[i]!]!.type === "string" ? p!.toLowerCase() : p)));
          if (values.has(k)) {
            const name = indexName(spec, cols);
            throw kind === "update" ? cupFaults.updateDuplicate(name) : faults.duplicate(name);
          }
          values.add(k);
        }
      }
      for (const [column, c] of Object.entries(spec.columns)) {
        if (!c.references) continue;
        const target = new Set(this.rows(c.references).map((r) => r.pkid));
        for (const r of rows) {
          const v = r[column];
          if (v === null || v === undefined || target.has(v)) continue;
          throw kind === "delete" ? faults.stillReferenced(fkName(spec, column)) : faults.sqlMissingKey(fkName(spec, column));
        }
      }
    }
  }

  toJSON(): CupDbJson {
    return {
      format: STATE_FORMAT,
      tables: Object.fromEntries([...this.tables].map(([t, rows]) => [t, rows.map((r) => ({ ...r }))])),
      services: this.services.map((s) => ({ ...s })),
    };
  }

  load(json: CupDbJson): void {
    if (json.format !== STATE_FORMAT) throw new Error(`not a CUP simulator state (format ${String(json.format)})`);
    this.writes++;
    this.tables = new Map();
    for (const spec of TABLES) {
      // Columns the schema added since the state was written get their defaults; dropped ones go.
      const rows = (json.tables[spec.table] ?? []).map((r) =>
        Object.fromEntries(Object.entries(spec.columns).map(([c, col]) => [c, c in r ? (r[c] ?? null) : toSqlValue(col.default)])),
      );
      this.tables.set(spec.table, rows);
    }
    this.services = (json.services ?? []).map((s) => ({ ...s }));
  }

  save(file: string, version: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ ...this.toJSON(), version }, null, 1));
    fs.renameSync(tmp, file);
  }

  static loadFile(file: string): CupDb | undefined {
    if (!fs.existsSync(file)) return undefined;
    const db = new CupDb();
    db.load(JSON.parse(fs.readFileSync(file, "utf8")) as CupDbJson);
    return db;
  }

  /** Inserts a row given as schema-style literals (seeds), with the database's checks. */
  insertLiteral(table: string, row: Readonly<Record<string, string | number | boolean | null>>): void {
    const spec = this.spec(table.toLowerCase());
    const values = new Map<string, SqlValue>();
    for (const [c, v] of Object.entries(row)) {
      const column = c.toLowerCase();
      if (!(column in spec.columns)) throw faults.noColumn(column);
      values.set(column, toSqlValue(v));
    }
    this.insert(spec, values);
  }

  /** A fresh CUP: the schema's seed rows (one row in each settings table, the desk phone control profile). */
  static fresh(): CupDb {
    const db = new CupDb();
    for (const spec of TABLES) for (const seed of SEED_ROWS[spec.table] ?? []) db.insertLiteral(spec.table, seed);
    db.checkKeys("insert");
    return db;
  }
}
