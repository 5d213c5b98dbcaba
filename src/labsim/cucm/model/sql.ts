/**
 * An honest little subset of CUCM's Informix SQL for executeSQLQuery / executeSQLUpdate:
 *   SELECT [DISTINCT] * | t.* | col [AS alias], ... FROM t [alias] [, t2 [alias] | [INNER] JOIN t2 [alias] ON c]...
 *     [WHERE c AND c ...] [ORDER BY col [ASC|DESC], ...]
 *   UPDATE t SET col = literal, ... [WHERE c AND c ...]
 * where a condition is `x = y`, `x != y`, `x <> y`, `x [NOT] LIKE 'pat'`, `x IS [NOT] NULL` or
 * `x IN (literal, ...)`, x and y being columns or literals. Anything else is a syntax error
 * (-201); unknown tables -206, unknown columns -217, like Informix.
 */
import { AxlFault, AxlCode, faults } from "../faults";
import type { CucmDb } from "./db";
import { type SqlRow, type SqlValue, TABLES } from "./tables";

type Token = { t: "id" | "str" | "num" | "sym"; v: string };

function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:([A-Za-z_][A-Za-z0-9_]*)|'((?:[^']|'')*)'|(\d+(?:\.\d+)?)|(<>|!=|<=|>=|[,*=().;<>]))/y;
  let i = 0;
  while (i < sql.length) {
    if (/^\s*$/.test(sql.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(sql);
    if (!m) throw faults.sqlSyntax();
    if (m[1] !== undefined) out.push({ t: "id", v: m[1] });
    else if (m[2] !== undefined) out.push({ t: "str", v: m[2].replace(/''/g, "'") });
    else if (m[3] !== undefined) out.push({ t: "num", v: m[3] });
    else out.push({ t: "sym", v: m[4]! });
    i = re.lastIndex;
  }
  return out;
}

type Operand = { kind: "col"; table?: string; col: string } | { kind: "lit"; value: SqlValue };
type Cond =
  | { op: "cmp"; cmp: string; a: Operand; b: Operand }
  | { op: "like"; not: boolean; a: Operand; pattern: string }
  | { op: "null"; not: boolean; a: Operand }
  | { op: "in"; a: Operand; values: SqlValue[] };

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}
  peek(off = 0): Token | undefined {
    return this.toks[this.i + off];
  }
  kw(word: string): boolean {
    const t = this.peek();
    if (t?.t === "id" && t.v.toLowerCase() === word) {
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
  end(): void {
    this.sym(";");
    if (this.peek()) throw faults.sqlSyntax();
  }
  literal(): SqlValue {
    const t = this.peek();
    if (t?.t === "str" || t?.t === "num") {
      this.i++;
      return t.v;
    }
    if (this.kw("null")) return null;
    throw faults.sqlSyntax();
  }
  operand(): Operand {
    const t = this.peek();
    if (t?.t === "str" || t?.t === "num" || (t?.t === "id" && t.v.toLowerCase() === "null")) return { kind: "lit", value: this.literal() };
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

const RESERVED = new Set(["select", "from", "where", "and", "or", "order", "by", "join", "inner", "on", "as", "set", "update", "like", "not", "is", "null", "in", "distinct", "asc", "desc"]);

interface Source {
  table: string;
  alias: string;
}

type Joined = Map<string, SqlRow>; // alias → row

function resolveColumn(sources: Source[], op: { table?: string; col: string }): Source {
  const candidates = sources.filter(
    (s) => (op.table === undefined || s.alias === op.table) && TABLES[s.table]!.columns.includes(op.col),
  );
  if (!candidates.length) throw faults.noColumn(op.table ? `${op.table}.${op.col}` : op.col);
  if (candidates.length > 1) throw new AxlFault(-324, `Ambiguous column (${op.col}).`);
  return candidates[0]!;
}

function value(sources: Source[], j: Joined, op: Operand): SqlValue {
  if (op.kind === "lit") return op.value;
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

function test(sources: Source[], j: Joined, c: Cond): boolean {
  const a = value(sources, j, c.a);
  switch (c.op) {
    case "cmp": return compare(a, value(sources, j, c.b), c.cmp);
    case "null": return (a === null) !== c.not;
    case "like": return a !== null && likeToRegExp(c.pattern).test(a) !== c.not;
    case "in": return c.values.some((v) => compare(a, v, "="));
  }
}

function checkTable(name: string): void {
  if (!TABLES[name]) throw faults.noTable(name);
}

function sourceRef(p: Parser): Source {
  const table = p.ident();
  checkTable(table);
  p.kw("as");
  const next = p.peek();
  const alias = next?.t === "id" && !RESERVED.has(next.v.toLowerCase()) ? p.ident() : table;
  return { table, alias };
}

/** Runs a SELECT; rows are flat objects in select-list order (null = SQL NULL). */
export function executeQuery(db: CucmDb, sql: string): SqlRow[] {
  const p = new Parser(tokenize(sql));
  p.expectKw("select");
  const distinct = p.kw("distinct") || p.kw("unique");
  type Item = { star: true; table?: string } | { star: false; op: Operand & { kind: "col" }; as: string };
  const items: Item[] = [];
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
    else if (p.kw("inner") || p.peek()?.v.toLowerCase() === "join") {
      p.expectKw("join");
      sources.push(sourceRef(p));
      p.expectKw("on");
      conds.push(...p.conditions());
    } else break;
  }
  if (p.kw("where")) conds.push(...p.conditions());
  const order: Array<{ op: Operand; desc: boolean }> = [];
  if (p.kw("order")) {
    p.expectKw("by");
    do {
      const op = p.operand();
      order.push({ op, desc: p.kw("desc") ? true : (p.kw("asc"), false) });
    } while (p.sym(","));
  }
  p.end();
  // validate column references up front (Informix does, even on empty tables)
  for (const it of items) if (!it.star) resolveColumn(sources, it.op);
  for (const c of conds) for (const op of [c.a, ...(c.op === "cmp" ? [c.b] : [])]) if (op.kind === "col") resolveColumn(sources, op);
  for (const o of order) if (o.op.kind === "col") resolveColumn(sources, o.op);
  for (const it of items) if (it.star && it.table && !sources.some((s) => s.alias === it.table)) throw faults.noTable(it.table);

  let joined: Joined[] = [new Map()];
  for (const s of sources) {
    const rows = TABLES[s.table]!.rows(db).map((r) => r.row);
    joined = joined.flatMap((j) => rows.map((r) => new Map(j).set(s.alias, r)));
  }
  joined = joined.filter((j) => conds.every((c) => test(sources, j, c)));
  if (order.length) {
    joined.sort((a, b) => {
      for (const o of order) {
        const va = value(sources, a, o.op) ?? "";
        const vb = value(sources, b, o.op) ?? "";
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
      } else row[it.as] = value(sources, j, it.op);
    }
    return row;
  });
  if (distinct) {
    const seen = new Set<string>();
    out = out.filter((r) => {
      const k = JSON.stringify(r);
      return seen.has(k) ? false : (seen.add(k), true);
    });
  }
  return out;
}

/** Runs an UPDATE on settable columns; returns the number of rows updated. */
export function executeUpdate(db: CucmDb, sql: string): number {
  const p = new Parser(tokenize(sql));
  if (p.kw("insert") || p.kw("delete")) {
    throw new AxlFault(AxlCode.UNKNOWN, "The lab simulator does not support INSERT or DELETE through executeSQLUpdate");
  }
  p.expectKw("update");
  const table = p.ident();
  checkTable(table);
  const view = TABLES[table]!;
  const source: Source = { table, alias: table };
  p.expectKw("set");
  const sets: Array<{ col: string; value: SqlValue }> = [];
  do {
    const col = p.ident();
    p.expectSym("=");
    sets.push({ col, value: p.literal() });
  } while (p.sym(","));
  const conds = p.kw("where") ? p.conditions() : [];
  p.end();
  for (const s of sets) {
    if (!view.columns.includes(s.col)) throw faults.noColumn(s.col);
    if (!view.setters?.[s.col]) {
      throw new AxlFault(AxlCode.UNKNOWN, `The lab simulator does not support updating ${table}.${s.col}`);
    }
  }
  const hits = view.rows(db).filter(({ row }) => conds.every((c) => test([source], new Map([[table, row]]), c)));
  for (const { target } of hits) {
    for (const s of sets) {
      try {
        view.setters![s.col]!(target, s.value);
      } catch {
        throw new AxlFault(-1213, "A character to numeric conversion process failed");
      }
    }
  }
  return hits.length;
}
