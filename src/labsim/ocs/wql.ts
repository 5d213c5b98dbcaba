/**
 * WQL data queries as [MS-WMI] 2.2.1.1 defines them, the subset the simulated front end serves:
 *
 *   SELECT * FROM <class> [WHERE <expr>]
 *   SELECT <prop>[, <prop>...] FROM <class> [WHERE <expr>]   (parsed; the caller decides)
 *
 * <expr> combines property evaluations with AND / OR and parentheses (AND binds tighter, as in
 * SQL); NOT before a parenthesised expression is accepted too. A property evaluation is
 * `<prop> <op> <constant>` with =, !=, <>, <, >, <=, >=, LIKE, or `<prop> IS [NOT] NULL`.
 * Constants: '…' or "…" strings (a backslash escapes the next character, except in a LIKE pattern,
 * [MS-WMI] 2.2.1), integers, reals, TRUE / FALSE.
 *
 * Semantics from [MS-WMI] 2.2.1: keywords, class and property names are case-insensitive; string
 * comparisons are case-insensitive ("the server MUST treat literal strings in WQL data as
 * case-insensitive"); LIKE takes %, _ and [...] / [^...]. A comparison with a NULL property is false.
 * An unknown class is WBEM_E_INVALID_CLASS, an unknown property or a malformed query
 * WBEM_E_INVALID_QUERY, an operator not applicable to the property's type WBEM_E_INVALID_QUERY.
 */
import { type CimClass, type CimValue, findClass, findProperty } from "./classes";
import { WBEM, WmiError } from "./wmierror";

export type WqlConstant = string | number | boolean;
export type WqlExpr =
  | { kind: "and" | "or"; left: WqlExpr; right: WqlExpr }
  | { kind: "not"; expr: WqlExpr }
  | { kind: "cmp"; property: string; op: "=" | "<>" | "<" | ">" | "<=" | ">=" | "like"; value: WqlConstant }
  | { kind: "null"; property: string; negate: boolean };

export interface WqlQuery {
  /** The class as the query names it. */
  className: string;
  /** "*" or the property list, in query order. */
  properties: "*" | string[];
  where?: WqlExpr;
}

interface Token {
  t: "word" | "str" | "num" | "op" | "(" | ")" | "," | "*" | "end";
  v: string;
  at: number;
}

const invalid = (why: string): WmiError => new WmiError(WBEM.INVALID_QUERY, why);

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    if (c === "'" || c === '"') {
      // Raw text between the quotes (escapes resolved later: LIKE keeps backslashes).
      let j = i + 1;
      let raw = "";
      while (j < text.length && text[j] !== c) {
        if (text[j] === "\\" && j + 1 < text.length) {
          raw += text[j]! + text[j + 1]!;
          j += 2;
        } else raw += text[j++]!;
      }
      if (j >= text.length) throw invalid(`unterminated string at ${at}`);
      out.push({ t: "str", v: raw, at });
      i = j + 1;
    } else if (/[0-9]/.test(c) || ((c === "-" || c === "+" || c === ".") && /[0-9.]/.test(text[i + 1] ?? ""))) {
      const m = /^[-+]?(\d*\.\d+|\d+)/.exec(text.slice(i))!;
      out.push({ t: "num", v: m[0], at });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      out.push({ t: "word", v: m[0], at });
      i += m[0].length;
    } else if (c === "(" || c === ")" || c === "," || c === "*") {
      out.push({ t: c, v: c, at });
      i++;
    } else {
      const m = /^(<>|!=|<=|>=|=|<|>)/.exec(text.slice(i));
      if (!m) throw invalid(`unexpected character '${c}' at ${at}`);
      out.push({ t: "op", v: m[0], at });
      i += m[0].length;
    }
  }
  out.push({ t: "end", v: "", at: text.length });
  return out;
}

const unescape = (raw: string): string => raw.replace(/\\(.)/g, "$1");

/** Parses a WQL data query; throws WmiError(WBEM_E_INVALID_QUERY) when it is not one. */
export function parseWql(text: string): WqlQuery {
  const toks = tokenize(text);
  let p = 0;
  const peek = () => toks[p]!;
  const next = () => toks[p++]!;
  const isWord = (w: string) => peek().t === "word" && peek().v.toUpperCase() === w;
  const expectWord = (w: string) => {
    if (!isWord(w)) throw invalid(`expected ${w} at ${peek().at}`);
    p++;
  };
  expectWord("SELECT");
  let properties: "*" | string[];
  if (peek().t === "*") {
    p++;
    properties = "*";
  } else {
    properties = [];
    for (;;) {
      const t = next();
      if (t.t !== "word") throw invalid(`expected a property name at ${t.at}`);
      properties.push(t.v);
      if (peek().t !== ",") break;
      p++;
    }
  }
  expectWord("FROM");
  const cls = next();
  if (cls.t !== "word") throw invalid(`expected a class name at ${cls.at}`);
  let where: WqlExpr | undefined;
  if (isWord("WHERE")) {
    p++;
    const orExpr = (): WqlExpr => {
      let left = andExpr();
      while (isWord("OR")) {
        p++;
        left = { kind: "or", left, right: andExpr() };
      }
      return left;
    };
    const andExpr = (): WqlExpr => {
      let left = unary();
      while (isWord("AND")) {
        p++;
        left = { kind: "and", left, right: unary() };
      }
      return left;
    };
    const unary = (): WqlExpr => {
      if (isWord("NOT")) {
        p++;
        return { kind: "not", expr: unary() };
      }
      if (peek().t === "(") {
        p++;
        const e = orExpr();
        if (next().t !== ")") throw invalid("missing )");
        return e;
      }
      const prop = next();
      if (prop.t !== "word") throw invalid(`expected a property name at ${prop.at}`);
      if (isWord("IS")) {
        p++;
        let negate = false;
        if (isWord("NOT")) {
          p++;
          negate = true;
        }
        expectWord("NULL");
        return { kind: "null", property: prop.v, negate };
      }
      let op: "=" | "<>" | "<" | ">" | "<=" | ">=" | "like";
      if (isWord("LIKE")) {
        p++;
        op = "like";
      } else {
        const o = next();
        if (o.t !== "op") throw invalid(`expected an operator at ${o.at}`);
        op = o.v === "!=" ? "<>" : (o.v as typeof op);
      }
      const c = next();
      let value: WqlConstant;
      if (c.t === "str") value = op === "like" ? c.v : unescape(c.v);
      else if (c.t === "num") value = Number(c.v);
      else if (c.t === "word" && /^(TRUE|FALSE)$/i.test(c.v)) value = c.v.toUpperCase() === "TRUE";
      else throw invalid(`expected a constant at ${c.at}`);
      return { kind: "cmp", property: prop.v, op, value };
    };
    where = orExpr();
  }
  if (peek().t !== "end") throw invalid(`unexpected '${peek().v}' at ${peek().at}`);
  return { className: cls.v, properties, ...(where ? { where } : {}) };
}

/** LIKE pattern → RegExp ([MS-WMI] 2.2.1.1: %, _, [a-f], [a=f], [^...]). */
function likeRegex(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "%") re += "[\\s\\S]*";
    else if (c === "_") re += "[\\s\\S]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) throw invalid("unterminated [ in LIKE pattern");
      let body = pattern.slice(i + 1, end);
      let neg = false;
      if (body.startsWith("^") && body.length > 1) {
        neg = true;
        body = body.slice(1);
      }
      let cls = "";
      for (let k = 0; k < body.length; k++) {
        const a = body[k]!;
        if ((body[k + 1] === "-" || body[k + 1] === "=") && k + 2 < body.length) {
          cls += `${escapeClass(a)}-${escapeClass(body[k + 2]!)}`;
          k += 2;
        } else cls += escapeClass(a);
      }
      re += `[${neg ? "^" : ""}${cls}]`;
      i = end;
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, "i");
}
const escapeClass = (c: string): string => c.replace(/[\]\\^-]/g, "\\$&");

/** Checks the query against its class: every property named exists and can be compared. */
export function bindWql(q: WqlQuery): CimClass {
  const cls = findClass(q.className);
  if (!cls) throw new WmiError(WBEM.INVALID_CLASS);
  const check = (e: WqlExpr): void => {
    if (e.kind === "and" || e.kind === "or") {
      check(e.left);
      check(e.right);
    } else if (e.kind === "not") check(e.expr);
    else {
      const leaf = e as Extract<WqlExpr, { kind: "cmp" | "null" }>;
      const prop = findProperty(cls, leaf.property);
      if (!prop) throw invalid(`${cls.name} has no property ${leaf.property}`);
      if (prop.type.endsWith("[]")) throw invalid(`${prop.name} is an array`);
      if (leaf.kind === "cmp" && prop.type === "boolean" && !["=", "<>"].includes(leaf.op)) throw invalid(`${leaf.op} does not apply to boolean ${prop.name}`);
    }
  };
  if (q.where) check(q.where);
  if (q.properties !== "*") for (const name of q.properties) if (!findProperty(cls, name)) throw invalid(`${cls.name} has no property ${name}`);
  return cls;
}

function compare(a: string | number, b: string | number): number {
  if (typeof a === "number" && typeof b === "number") return a === b ? 0 : a < b ? -1 : 1;
  const x = String(a).toLowerCase();
  const y = String(b).toLowerCase();
  return x === y ? 0 : x < y ? -1 : 1;
}

/** Whether an instance (property name → value) satisfies a bound query's WHERE clause. */
export function matchesWql(cls: CimClass, where: WqlExpr | undefined, row: Record<string, CimValue | undefined>): boolean {
  if (!where) return true;
  const value = (name: string): CimValue => {
    const prop = findProperty(cls, name)!;
    return row[prop.name] ?? null;
  };
  const ev = (e: WqlExpr): boolean => {
    switch (e.kind) {
      case "and":
        return ev(e.left) && ev(e.right);
      case "or":
        return ev(e.left) || ev(e.right);
      case "not":
        return !ev(e.expr);
      case "null": {
        const isNull = value(e.property) === null;
        return e.negate ? !isNull : isNull;
      }
      case "cmp": {
        const prop = findProperty(cls, e.property)!;
        const v = value(e.property);
        if (v === null || Array.isArray(v)) return false;
        if (e.op === "like") return likeRegex(String(e.value)).test(typeof v === "boolean" ? (v ? "TRUE" : "FALSE") : String(v));
        let left: string | number;
        let right: string | number;
        if (prop.type === "boolean") {
          const c = typeof e.value === "boolean" ? e.value : typeof e.value === "number" ? e.value !== 0 : /^true$/i.test(e.value) ? true : /^false$/i.test(e.value) ? false : undefined;
          if (c === undefined) throw invalid(`${prop.name} is boolean`);
          left = v ? 1 : 0;
          right = c ? 1 : 0;
        } else if (prop.type === "uint32") {
          const c = typeof e.value === "number" ? e.value : typeof e.value === "string" && /^\s*[-+]?\d+\s*$/.test(e.value) ? Number(e.value) : undefined;
          if (c === undefined) throw invalid(`${prop.name} is numeric`);
          left = Number(v);
          right = c;
        } else {
          left = String(v);
          right = typeof e.value === "boolean" ? (e.value ? "TRUE" : "FALSE") : String(e.value);
        }
        const r = compare(left, right);
        switch (e.op) {
          case "=":
            return r === 0;
          case "<>":
            return r !== 0;
          case "<":
            return r < 0;
          case ">":
            return r > 0;
          case "<=":
            return r <= 0;
          case ">=":
            return r >= 0;
        }
      }
    }
    return false;
  };
  return ev(where);
}
