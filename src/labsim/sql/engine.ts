/**
 * An honest little subset of Informix SQL, as CUCM's and CUP's AXL executeSQLQuery /
 * executeSQLUpdate run it, over any set of tables (SqlDatabase):
 *   SELECT [SKIP n] [FIRST n] [DISTINCT|UNIQUE] * | t.* | col [AS alias], ...
 *     FROM t [alias] [, t2 [alias] | [INNER] JOIN t2 [alias] ON c]... [WHERE c AND c ...] [ORDER BY col [ASC|DESC], ...]
 *   INSERT INTO t [(col, ...)] VALUES (literal, ...)
 *   UPDATE t SET col = literal, ... [WHERE c AND c ...]
 *   DELETE FROM t [WHERE c AND c ...]
 * where a condition is `x = y`, `x != y`, `x <> y`, `x <,>,<=,>= y`, `x [NOT] LIKE 'pat'`,
 * `x IS [NOT] NULL` or `x IN (literal, ...)`, x and y being columns or literals. Literals are
 * 'text' (a quote inside doubled: 'it''s'), "text" (Informix without DELIMIDENT), numbers and NULL.
 * Comments (`-- ...`, `/* ... *\/`, `{ ... }`) are skipped as Informix does. One statement per
 * request: anything after a `;` is a syntax error. Identifiers are case-insensitive (lowercased, as
 * Informix without DELIMIDENT). Informix's errors: -201 syntax, -206 unknown table, -217 unknown
 * column, -236 column/value count, -284 subquery rows, -324 ambiguous column, -1213 / -1260
 * conversions; tables raise their own constraint errors (-239/-268 duplicates, -391 NOT NULL,
 * -691/-692 foreign keys).
 */
import { AxlCode, AxlFault, faults } from "../cucm/faults";

export type SqlValue = string | null;
export type SqlRow = Record<string, SqlValue>;

/** How a written value is checked and converted: Informix text, integer, boolean ('t'/'f'), or a pkid. */
export type ColType = "text" | "int" | "bool" | "pkid";

/** One table as the engine sees it (bound to its database). */
export interface SqlTable<T = any> {
  /** Column names, lowercase, in the table's order (SELECT * order). */
  columns: string[];
  /** Rows paired with the object they come from (for updates and deletes). */
  rows(): Array<{ row: SqlRow; target: T }>;
  /** Types of the writable columns (default text). */
  types?: Partial<Record<string, ColType>> | undefined;
  /** A column with a setter can be changed by UPDATE. */
  setters?: Partial<Record<string, (target: T, value: SqlValue) => void>> | undefined;
  /** INSERT: the values given, by column, already converted (null = SQL NULL). */
  insert?: ((values: Map<string, SqlValue>) => void) | undefined;
  /** DELETE of one row. */
  remove?: ((target: T) => void) | undefined;
  /**
   * Index lookups: the rows whose `column` holds exactly `value` (a string that is not a number), in
   * the order rows() gives them; undefined when the table has no index on that column (then the
   * statement scans). A condition `column = value` uses it, so a statement on one row costs what
   * that row costs, not what the table holds (issue 13 §4).
   */
  lookup?: ((column: string, value: string) => Array<{ row: SqlRow; target: T }> | undefined) | undefined;
}

/**
 * What the engine did, for tests that check what a statement costs (never timed): rows built from a
 * table (scanned or found by an index) and subqueries run.
 */
export const sqlWork = { rows: 0, subqueries: 0 };

/** The tables a statement can name. */
export interface SqlDatabase {
  /** The table of that (lowercase) name, or undefined when the database has none. */
  table(name: string): SqlTable | undefined;
}

type Token = { t: "id" | "str" | "num" | "sym"; v: string };

/** Splits SQL into tokens; comments are dropped, quoted literals unescaped. */
function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? n : end + 1;
      continue;
    }
    if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      if (end < 0) throw faults.sqlSyntax();
      i = end + 2;
      continue;
    }
    if (c === "{") {
      const end = sql.indexOf("}", i + 1);
      if (end < 0) throw faults.sqlSyntax();
      i = end + 1;
      continue;
    }
    if (c === "'" || c === '"') {
      let v = "";
      let j = i + 1;
      for (;;) {
        if (j >= n) throw faults.sqlSyntax(); // unterminated literal
        const d = sql[j]!;
        if (d === c) {
          if (sql[j + 1] === c) {
            v += c;
            j += 2;
            continue;
          }
          break;
        }
        v += d;
        j++;
      }
      out.push({ t: "str", v });
      i = j + 1;
      continue;
    }
    const m = /^(?:([A-Za-z_][A-Za-z0-9_]*)|(\d+(?:\.\d+)?)|(<>|!=|<=|>=|[,*=().;<>-]))/.exec(sql.slice(i, i + 256));
    if (!m) throw faults.sqlSyntax();
    if (m[1] !== undefined) out.push({ t: "id", v: m[1] });
    else if (m[2] !== undefined) out.push({ t: "num", v: m[2] });
    else out.push({ t: "sym", v: m[3]! });
    i += m[0].length;
  }
  return out;
}

type Operand = { kind: "col"; table?: string; col: string } | { kind: "lit"; value: SqlValue } | { kind: "sub"; plan: SelectPlan };
type Cond =
  | { op: "cmp"; cmp: string; a: Operand; b: Operand }
  | { op: "like"; not: boolean; a: Operand; pattern: string }
  | { op: "null"; not: boolean; a: Operand }
  | { op: "in"; a: Operand; values: SqlValue[] | SelectPlan };

interface SelectItemStar {
  star: true;
  table?: string;
}
interface SelectItemCol {
  star: false;
  op: Operand & { kind: "col" };
  as: string;
}
/** A parsed SELECT (also a subquery: `x = (SELECT ...)`, `x IN (SELECT ...)`). */
interface SelectPlan {
  skip: number;
  first: number;
  distinct: boolean;
  items: Array<SelectItemStar | SelectItemCol>;
  sources: Source[];
  conds: Cond[];
  order: Array<{ op: Operand; desc: boolean }>;
}

/**
 * What evaluation needs: the database, and the rows of the subqueries run so far. A subquery only
 * sees its own tables (a column of the outer statement is unknown to it), so its rows are the same
 * for every row of the outer statement: it runs once per statement, not once per row.
 */
interface Ctx {
  db: SqlDatabase;
  subqueries: Map<SelectPlan, SqlRow[]>;
}

const newCtx = (db: SqlDatabase): Ctx => ({ db, subqueries: new Map() });

/** A subquery's rows (run at its first use in the statement). */
function subquery(ctx: Ctx, plan: SelectPlan): SqlRow[] {
  let rows = ctx.subqueries.get(plan);
  if (!rows) {
    rows = runSelect(ctx, plan);
    ctx.subqueries.set(plan, rows);
  }
  return rows;
}

const RESERVED = new Set([
  "select", "from", "where", "and", "or", "order", "by", "join", "inner", "on", "as", "set", "update", "like", "not", "is",
  "null", "in", "distinct", "unique", "asc", "desc", "insert", "into", "values", "delete", "first", "skip",
]);

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Token[],
    readonly db: SqlDatabase,
  ) {}
  peek(off = 0): Token | undefined {
    return this.toks[this.i + off];
  }
  isKw(word: string, off = 0): boolean {
    const t = this.peek(off);
    return t?.t === "id" && t.v.toLowerCase() === word;
  }
  kw(word: string): boolean {
    if (this.isKw(word)) {
      this.i++;
      return true;
    }
    return false;
  }
  sym(s: string): boolean {
    const t = this.peek();
    if (t?.t === "sym" && t.v === s) {
      this.i++;
      return true;
    }
    return false;
  }
  expectKw(word: string): void {
    if (!this.kw(word)) throw faults.sqlSyntax();
  }
  expectSym(s: string): void {
    if (!this.sym(s)) throw faults.sqlSyntax();
  }
  ident(): string {
    const t = this.peek();
    if (t?.t !== "id" || RESERVED.has(t.v.toLowerCase())) throw faults.sqlSyntax();
    this.i++;
    return t.v.toLowerCase();
  }
  /** The end of the statement: an optional `;` and nothing after it (a second statement is a syntax error). */
  end(): void {
    this.sym(";");
    if (this.peek()) throw faults.sqlSyntax();
  }
  literal(): SqlValue {
    if (this.sym("-")) {
      const t = this.peek();
      if (t?.t !== "num") throw faults.sqlSyntax();
      this.i++;
      return `-${t.v}`;
    }
    const t = this.peek();
    if (t?.t === "str" || t?.t === "num") {
      this.i++;
      return t.v;
    }
    if (this.kw("null")) return null;
    throw faults.sqlSyntax();
  }
  integer(): number {
    const t = this.peek();
    if (t?.t !== "num" || !/^\d+$/.test(t.v)) throw faults.sqlSyntax();
    this.i++;
    return Number(t.v);
  }
  operand(): Operand {
    if (this.peek()?.t === "sym" && this.peek()!.v === "(" && this.isKw("select", 1)) {
      this.i++;
      const plan = parseSelect(this);
      this.expectSym(")");
      return { kind: "sub", plan };
    }
    const t = this.peek();
    const isLit =
      t?.t === "str" || t?.t === "num" || (t?.t === "id" && t.v.toLowerCase() === "null") || (t?.t === "sym" && t.v === "-");
    if (isLit) return { kind: "lit", value: this.literal() };
    const first = this.ident();
    if (this.sym(".")) return { kind: "col", table: first, col: this.ident() };
    return { kind: "col", col: first };
  }
  condition(): Cond {
    const a = this.operand();
    if (this.kw("is")) {
      const not = this.kw("not");
      this.expectKw("null");
      return { op: "null", not, a };
    }
    const not = this.kw("not");
    if (this.kw("like")) {
      const p = this.literal();
      if (p === null) throw faults.sqlSyntax();
      return { op: "like", not, a, pattern: p };
    }
    if (not) throw faults.sqlSyntax();
    if (this.kw("in")) {
      this.expectSym("(");
      if (this.isKw("select")) {
        const plan = parseSelect(this);
        this.expectSym(")");
        return { op: "in", a, values: plan };
      }
      const values = [this.literal()];
      while (this.sym(",")) values.push(this.literal());
      this.expectSym(")");
      return { op: "in", a, values };
    }
    const t = this.peek();
    if (t?.t !== "sym" || !["=", "!=", "<>", "<", ">", "<=", ">="].includes(t.v)) throw faults.sqlSyntax();
    this.i++;
    return { op: "cmp", cmp: t.v, a, b: this.operand() };
  }
  conditions(): Cond[] {
    const out = [this.condition()];
    while (this.kw("and")) out.push(this.condition());
    return out;
  }
}

interface Source {
  table: string;
  alias: string;
  view: SqlTable;
}

type Joined = Map<string, SqlRow>; // alias → row

function resolveColumn(sources: Source[], op: { table?: string; col: string }): Source {
  const candidates = sources.filter((s) => (op.table === undefined || s.alias === op.table) && s.view.columns.includes(op.col));
  if (!candidates.length) throw faults.noColumn(op.table ? `${op.table}.${op.col}` : op.col);
  if (candidates.length > 1) throw new AxlFault(-324, `Ambiguous column (${op.col}).`);
  return candidates[0]!;
}

/** A scalar subquery's value: its one column of its one row (no row: NULL). */
function scalar(ctx: Ctx, plan: SelectPlan): SqlValue {
  const rows = subquery(ctx, plan);
  if (rows.length > 1) throw new AxlFault(-284, "A subquery has returned not exactly one row.");
  const row = rows[0];
  return row ? (Object.values(row)[0] ?? null) : null;
}

function value(ctx: Ctx, sources: Source[], j: Joined, op: Operand): SqlValue {
  if (op.kind === "lit") return op.value;
  if (op.kind === "sub") return scalar(ctx, op.plan);
  return j.get(resolveColumn(sources, op).alias)![op.col] ?? null;
}

function compare(a: SqlValue, b: SqlValue, cmp: string): boolean {
  if (a === null || b === null) return false;
  const numeric = /^-?\d+(\.\d+)?$/.test(a) && /^-?\d+(\.\d+)?$/.test(b);
  const c = numeric ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0;
  switch (cmp) {
    case "=": return c === 0;
    case "!=": case "<>": return c !== 0;
    case "<": return c < 0;
    case ">": return c > 0;
    case "<=": return c <= 0;
    default: return c >= 0;
  }
}

/** SQL LIKE pattern (% and _) as a regular expression. */
export function likeToRegExp(p: string, flags = ""): RegExp {
  const body = p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/%/g, ".*").replace(/_/g, ".");
  return new RegExp(`^${body}$`, `s${flags}`);
}

function test(ctx: Ctx, sources: Source[], j: Joined, c: Cond): boolean {
  const a = value(ctx, sources, j, c.a);
  switch (c.op) {
    case "cmp": return compare(a, value(ctx, sources, j, c.b), c.cmp);
    case "null": return (a === null) !== c.not;
    case "like": return a !== null && likeToRegExp(c.pattern).test(a) !== c.not;
    case "in": {
      const values = Array.isArray(c.values) ? c.values : subquery(ctx, c.values).map((r) => Object.values(r)[0] ?? null);
      return values.some((v) => compare(a, v, "="));
    }
  }
}

function view(db: SqlDatabase, name: string): SqlTable {
  const v = db.table(name);
  if (!v) throw faults.noTable(name);
  return v;
}

function sourceRef(p: Parser): Source {
  const table = p.ident();
  const v = view(p.db, table);
  p.kw("as");
  const next = p.peek();
  const alias = next?.t === "id" && !RESERVED.has(next.v.toLowerCase()) ? p.ident() : table;
  return { table, alias, view: v };
}

const project = (v: SqlTable, rows: Array<{ row: SqlRow; target: any }>): Array<{ row: SqlRow; target: any }> => {
  sqlWork.rows += rows.length;
  return rows.map(({ row, target }) => ({ row: Object.fromEntries(v.columns.map((c) => [c, row[c] ?? null])), target }));
};

const NUMERIC = /^-?\d+(\.\d+)?$/;

/** Runs every subquery the conditions hold, as the conditions use them (a scalar one must have at most one row). */
function runSubqueries(ctx: Ctx, conds: Cond[]): void {
  for (const c of conds) {
    for (const op of [c.a, ...(c.op === "cmp" ? [c.b] : [])]) if (op.kind === "sub") scalar(ctx, op.plan);
    if (c.op === "in" && !Array.isArray(c.values)) subquery(ctx, c.values);
  }
}

/**
 * A table's rows, projected on its columns: the rows the conditions can match. When a condition is
 * `column = value` (a literal or a subquery) on this source and the table has an index on that
 * column, only the rows holding that value, in table order; otherwise every row. The index is used
 * only when every subquery of the conditions runs without an error and the value is text (not a
 * number, which compares numerically): then testing the conditions on every row cannot throw, so the
 * rows it keeps, and the statement's answer or error, are exactly those of the full scan.
 */
function candidates(ctx: Ctx, sources: Source[], s: Source, conds: Cond[]): Array<{ row: SqlRow; target: any }> {
  const v = s.view;
  if (v.lookup) {
    const key = (col: Operand, other: Operand): string | undefined => {
      if (col.kind !== "col" || other.kind === "col" || resolveColumn(sources, col) !== s) return undefined;
      const value = other.kind === "lit" ? other.value : scalar(ctx, other.plan);
      return value !== null && !NUMERIC.test(value) ? value : undefined;
    };
    const eq = conds.filter((c): c is Cond & { op: "cmp" } => c.op === "cmp" && c.cmp === "=");
    if (eq.length) {
      let ok = true;
      try {
        runSubqueries(ctx, conds);
      } catch {
        ok = false; // the full scan raises the error when (and only when) a row reaches it
      }
      for (const c of ok ? eq : []) {
        for (const [col, other] of [[c.a, c.b], [c.b, c.a]] as const) {
          const k = key(col, other);
          const found = k === undefined ? undefined : v.lookup(col.kind === "col" ? col.col : "", k);
          if (found) return project(v, found);
        }
      }
    }
  }
  return project(v, v.rows());
}

/** Column references are checked up front (Informix does, even on empty tables); subqueries are checked when they run. */
function checkColumns(sources: Source[], conds: Cond[]): void {
  for (const c of conds) for (const op of [c.a, ...(c.op === "cmp" ? [c.b] : [])]) if (op.kind === "col") resolveColumn(sources, op);
}

/** Parses a SELECT from the keyword on (the caller checks what follows it). */
function parseSelect(p: Parser): SelectPlan {
  p.expectKw("select");
  const skip = p.kw("skip") ? p.integer() : 0;
  const first = p.kw("first") ? p.integer() : Number.POSITIVE_INFINITY;
  const distinct = p.kw("distinct") || p.kw("unique");
  const items: SelectPlan["items"] = [];
  do {
    if (p.sym("*")) items.push({ star: true });
    else if (p.peek(1)?.v === "." && p.peek(2)?.v === "*") {
      const table = p.ident();
      p.expectSym(".");
      p.expectSym("*");
      items.push({ star: true, table });
    } else {
      const op = p.operand();
      if (op.kind !== "col") throw faults.sqlSyntax();
      const as = p.kw("as") ? p.ident() : p.peek()?.t === "id" && !RESERVED.has(p.peek()!.v.toLowerCase()) ? p.ident() : op.col;
      items.push({ star: false, op, as });
    }
  } while (p.sym(","));
  p.expectKw("from");
  const sources = [sourceRef(p)];
  const conds: Cond[] = [];
  for (;;) {
    if (p.sym(",")) sources.push(sourceRef(p));
    else if (p.kw("inner") || p.isKw("join")) {
      p.expectKw("join");
      sources.push(sourceRef(p));
      p.expectKw("on");
      conds.push(...p.conditions());
    } else break;
  }
  if (p.kw("where")) conds.push(...p.conditions());
  const order: SelectPlan["order"] = [];
  if (p.kw("order")) {
    p.expectKw("by");
    do {
      const op = p.operand();
      order.push({ op, desc: p.kw("desc") ? true : (p.kw("asc"), false) });
    } while (p.sym(","));
  }
  return { skip, first, distinct, items, sources, conds, order };
}

function runSelect(ctx: Ctx, plan: SelectPlan): SqlRow[] {
  const { sources, conds, order, items } = plan;
  for (const it of items) if (!it.star) resolveColumn(sources, it.op);
  checkColumns(sources, conds);
  for (const o of order) if (o.op.kind === "col") resolveColumn(sources, o.op);
  for (const it of items) if (it.star && it.table && !sources.some((s) => s.alias === it.table)) throw faults.noTable(it.table);

  let joined: Joined[] = [new Map()];
  for (const s of sources) {
    const rows = candidates(ctx, sources, s, conds).map((r) => r.row);
    joined = joined.flatMap((j) => rows.map((r) => new Map(j).set(s.alias, r)));
  }
  joined = joined.filter((j) => conds.every((c) => test(ctx, sources, j, c)));
  if (order.length) {
    joined.sort((a, b) => {
      for (const o of order) {
        const va = value(ctx, sources, a, o.op) ?? "";
        const vb = value(ctx, sources, b, o.op) ?? "";
        if (va !== vb) return (compare(va, vb, "<") ? -1 : 1) * (o.desc ? -1 : 1);
      }
      return 0;
    });
  }
  let out = joined.map((j) => {
    const row: SqlRow = {};
    for (const it of items) {
      if (it.star) {
        for (const s of sources) if (!it.table || it.table === s.alias) Object.assign(row, j.get(s.alias));
      } else row[it.as] = value(ctx, sources, j, it.op);
    }
    return row;
  });
  if (plan.distinct) {
    const seen = new Set<string>();
    out = out.filter((r) => {
      const k = JSON.stringify(r);
      return seen.has(k) ? false : (seen.add(k), true);
    });
  }
  return out.slice(plan.skip, plan.skip + plan.first);
}

/** Runs a SELECT; rows are flat objects in select-list order (null = SQL NULL). */
export function executeQuery(db: SqlDatabase, sql: string): SqlRow[] {
  const p = new Parser(tokenize(sql), db);
  if (p.isKw("insert") || p.isKw("update") || p.isKw("delete")) {
    throw new AxlFault(AxlCode.UNKNOWN, "executeSQLQuery runs SELECT statements only; use executeSQLUpdate to change data");
  }
  const plan = parseSelect(p);
  p.end();
  return runSelect(newCtx(db), plan);
}

/** Checks and converts a written value for its column type (Informix conversion errors). */
function convert(v: SqlTable, column: string, value: SqlValue): SqlValue {
  if (value === null) return null;
  switch (v.types?.[column] ?? "text") {
    case "int":
      if (!/^\s*[-+]?\d+\s*$/.test(value)) throw faults.sqlNumeric();
      return String(Number(value));
    case "bool": {
      const b = value.trim().toLowerCase();
      if (b === "t" || b === "1") return "t";
      if (b === "f" || b === "0") return "f";
      throw new AxlFault(-1260, "It is not possible to convert between the specified types.");
    }
    case "pkid":
      return value.trim().toLowerCase();
    default:
      return value;
  }
}

/** Runs a setter; model faults pass through, anything else is Informix's conversion error. */
function apply(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof AxlFault) throw e;
    throw faults.sqlNumeric();
  }
}

function insert(p: Parser): number {
  p.expectKw("into");
  const table = p.ident();
  const v = view(p.db, table);
  const all = v.columns;
  let cols = all;
  if (p.sym("(")) {
    cols = [p.ident()];
    while (p.sym(",")) cols.push(p.ident());
    p.expectSym(")");
  }
  p.expectKw("values");
  p.expectSym("(");
  const values = [p.literal()];
  while (p.sym(",")) values.push(p.literal());
  p.expectSym(")");
  p.end();
  for (const c of cols) if (!all.includes(c)) throw faults.noColumn(c);
  if (new Set(cols).size !== cols.length) throw faults.sqlSyntax();
  if (cols.length !== values.length) throw faults.sqlColumnCount();
  if (!v.insert) throw faults.notSimulated(`INSERT INTO ${table}`);
  const row = new Map(cols.map((c, i) => [c, convert(v, c, values[i]!)]));
  apply(() => v.insert!(row));
  return 1;
}

function update(p: Parser): number {
  const table = p.ident();
  const v = view(p.db, table);
  const source: Source = { table, alias: table, view: v };
  p.expectKw("set");
  const sets: Array<{ col: string; value: SqlValue }> = [];
  do {
    const col = p.ident();
    p.expectSym("=");
    sets.push({ col, value: p.literal() });
  } while (p.sym(","));
  const conds = p.kw("where") ? p.conditions() : [];
  p.end();
  const cols = v.columns;
  for (const s of sets) {
    if (!cols.includes(s.col)) throw faults.noColumn(s.col);
    if (!v.setters?.[s.col]) throw faults.notSimulated(`updating ${table}.${s.col}`);
    s.value = convert(v, s.col, s.value);
  }
  checkColumns([source], conds);
  const ctx = newCtx(p.db);
  const hits = candidates(ctx, [source], source, conds).filter(({ row }) => conds.every((c) => test(ctx, [source], new Map([[table, row]]), c)));
  for (const { target } of hits) for (const s of sets) apply(() => v.setters![s.col]!(target, s.value));
  return hits.length;
}

function remove(p: Parser): number {
  p.expectKw("from");
  const table = p.ident();
  const v = view(p.db, table);
  const source: Source = { table, alias: table, view: v };
  const conds = p.kw("where") ? p.conditions() : [];
  p.end();
  checkColumns([source], conds);
  if (!v.remove) throw faults.notSimulated(`DELETE FROM ${table}`);
  const ctx = newCtx(p.db);
  const hits = candidates(ctx, [source], source, conds).filter(({ row }) => conds.every((c) => test(ctx, [source], new Map([[table, row]]), c)));
  for (const { target } of hits) apply(() => v.remove!(target));
  return hits.length;
}

/** Runs an INSERT, UPDATE or DELETE; returns the number of rows it changed. */
export function executeUpdate(db: SqlDatabase, sql: string): number {
  const p = new Parser(tokenize(sql), db);
  if (p.kw("insert")) return insert(p);
  if (p.kw("update")) return update(p);
  if (p.kw("delete")) return remove(p);
  if (p.isKw("select")) throw new AxlFault(AxlCode.UNKNOWN, "executeSQLUpdate runs INSERT, UPDATE and DELETE statements only; use executeSQLQuery to read");
  throw faults.sqlSyntax();
}
