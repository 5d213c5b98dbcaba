/**
 * A parser for the subset of the PowerShell 1.0/2.0 language the simulated front end interprets:
 * statements separated by `;` or new lines; `function name(params) {…}`; `trap {…}`; `if / elseif /
 * else`; `foreach ($x in …)`; `for (…;…;…)`; `exit`, `return`, `break`, `continue`; pipelines of
 * commands (command mode: positional and `-Name` arguments, bareword strings) and expressions
 * (expression mode: single- and double-quoted strings, numbers, variables, `(…)`, `@(…)`, `$(…)`,
 * script blocks, type literals and casts, `.member`, `.member(args)`, `.(expr)`, `::static`,
 * `[index]`, `++`/`--`, unary `!` `-not` `-`, the comma operator, `-f`, `* / %`, `+ -`, the
 * comparison operators, `-and -or -xor`) and assignments `= += -=`.
 *
 * Operator precedence follows about_Operator_Precedence (casts above the comma operator, the comma
 * above `!`/`-not`, `-f`, arithmetic, comparisons, then the logical operators, which share one level
 * and associate left). Anything else — here-strings, hashtables, `&` and `.` invocation, redirection,
 * `while`/`do`/`switch`/`try`/`throw`/`param`… — is a parse error, and so nothing of a script that
 * uses it ever runs.
 */
import type { Arg, Element, Expr, Param, Pipeline, Stmt } from "./ast";

export class PSParseError extends Error {
  readonly at: number;
  constructor(message: string, at: number) {
    super(message);
    this.name = "PSParseError";
    this.at = at;
  }
}

const KEYWORDS = new Set(["function", "trap", "if", "elseif", "else", "foreach", "for", "exit", "return", "break", "continue"]);
const UNSUPPORTED_KEYWORDS = new Set([
  "while", "do", "until", "switch", "try", "catch", "finally", "throw", "param", "begin", "process", "end", "filter",
  "data", "dynamicparam", "class", "enum", "using", "workflow", "parallel", "sequence", "inlinescript", "configuration",
]);
const COMPARISON = [
  "eq", "ne", "gt", "ge", "lt", "le", "like", "notlike", "match", "notmatch", "contains", "notcontains", "in", "notin", "replace",
];
const COMPARISON_OPS = new Set([...COMPARISON, ...COMPARISON.map((o) => `i${o}`), ...COMPARISON.map((o) => `c${o}`), "is", "isnot", "as"]);
const LOGICAL_OPS = new Set(["and", "or", "xor"]);
const SQ = "'\u2018\u2019\u201a\u201b";
const DQ = '"\u201c\u201d\u201e';

const isIdentStart = (c: string | undefined): boolean => !!c && /[A-Za-z_]/.test(c);
const isIdent = (c: string | undefined): boolean => !!c && /[A-Za-z0-9_]/.test(c);

export function parseScript(src: string): Stmt[] {
  return new Parser(src).script();
}

class Parser {
  private i = 0;
  private noComma = 0;
  constructor(private readonly s: string) {}

  private err(message: string, at = this.i): PSParseError {
    return new PSParseError(message, at);
  }
  private unexpected(at = this.i): PSParseError {
    const tok = /^\S{1,40}/.exec(this.s.slice(at))?.[0] ?? "";
    return this.err(tok ? `Unexpected token '${tok}' in expression or statement.` : "Missing statement.", at);
  }

  private ch(): string | undefined {
    return this.s[this.i];
  }
  private at(k: number): string | undefined {
    return this.s[this.i + k];
  }
  private startsWith(t: string): boolean {
    return this.s.startsWith(t, this.i);
  }

  /** Spaces, tabs, comments and backtick line continuations (not new lines). */
  private ws(): void {
    for (;;) {
      const c = this.ch();
      if (c === " " || c === "\t" || c === "\f" || c === "\u00a0") this.i++;
      else if (c === "`" && (this.at(1) === "\n" || (this.at(1) === "\r" && this.at(2) === "\n"))) this.i += this.at(1) === "\r" ? 3 : 2;
      else if (c === "#") {
        while (this.ch() !== undefined && this.ch() !== "\n") this.i++;
      } else if (this.startsWith("<#")) {
        const end = this.s.indexOf("#>", this.i + 2);
        if (end < 0) throw this.err("The comment is missing its end: '#>'.");
        this.i = end + 2;
      } else return;
    }
  }
  /** Whitespace including new lines. */
  private wsnl(): void {
    for (;;) {
      this.ws();
      if (this.ch() === "\n" || this.ch() === "\r") this.i++;
      else return;
    }
  }
  private expect(ch: string, what = `'${ch}'`): void {
    if (this.ch() !== ch) throw this.err(`Missing ${what}.`);
    this.i++;
  }
  /** The keyword at the cursor (a word not followed by a command-name character), lower case. */
  private keyword(): string | undefined {
    const m = /^[A-Za-z]+/.exec(this.s.slice(this.i, this.i + 20));
    if (!m) return undefined;
    const next = this.s[this.i + m[0].length];
    if (next !== undefined && /[A-Za-z0-9_\-.\\:]/.test(next)) return undefined;
    return m[0].toLowerCase();
  }
  private atStatementEnd(end: string | undefined): boolean {
    const c = this.ch();
    return c === undefined || c === ";" || c === "\n" || c === "\r" || c === end;
  }

  script(): Stmt[] {
    const body = this.statements(undefined);
    if (this.ch() !== undefined) throw this.unexpected();
    return body;
  }

  private statements(end: "}" | ")" | undefined): Stmt[] {
    const out: Stmt[] = [];
    for (;;) {
      this.wsnl();
      while (this.ch() === ";") {
        this.i++;
        this.wsnl();
      }
      if (this.ch() === undefined || this.ch() === end) return out;
      if (this.ch() === "}" || this.ch() === ")") throw this.unexpected();
      out.push(this.statement(end));
      this.ws();
      if (!this.atStatementEnd(end)) throw this.unexpected();
    }
  }

  private block(): Stmt[] {
    this.wsnl();
    this.expect("{", "statement block '{'");
    const body = this.statements("}");
    this.expect("}", "closing '}' in statement block");
    return body;
  }

  private statement(end: string | undefined): Stmt {
    const at = this.i;
    const kw = this.keyword();
    if (kw && UNSUPPORTED_KEYWORDS.has(kw)) throw this.err(`The '${kw}' keyword is not supported by this host.`, at);
    if (kw && KEYWORDS.has(kw)) {
      this.i += kw.length;
      this.ws();
      switch (kw) {
        case "function": {
          const m = /^[A-Za-z_][A-Za-z0-9_\-]*/.exec(this.s.slice(this.i));
          if (!m) throw this.err("Missing name after function keyword.");
          this.i += m[0].length;
          this.ws();
          const params: Param[] = [];
          if (this.ch() === "(") {
            this.i++;
            this.wsnl();
            while (this.ch() !== ")") {
              let type: string | undefined;
              if (this.ch() === "[") {
                type = this.typeName();
                this.wsnl();
              }
              if (this.ch() !== "$") throw this.err("Missing function parameter name.");
              this.i++;
              const name = this.varName();
              this.wsnl();
              let dflt: Expr | undefined;
              if (this.ch() === "=") {
                this.i++;
                this.wsnl();
                this.noComma++;
                dflt = this.expression();
                this.noComma--;
                this.wsnl();
              }
              params.push({ name, ...(type ? { type } : {}), ...(dflt ? { dflt } : {}) });
              if (this.ch() === ",") {
                this.i++;
                this.wsnl();
              } else if (this.ch() !== ")") throw this.err("Missing ')' in function parameter list.");
            }
            this.i++;
          }
          return { k: "function", name: m[0], params, body: this.block(), at };
        }
        case "trap": {
          if (this.ch() === "[") {
            this.typeName();
            this.ws();
          }
          return { k: "trap", body: this.block(), at };
        }
        case "if": {
          const clauses: { cond: Pipeline; body: Stmt[] }[] = [];
          let otherwise: Stmt[] | undefined;
          clauses.push({ cond: this.condition("if"), body: this.block() });
          for (;;) {
            const save = this.i;
            this.wsnl();
            const k2 = this.keyword();
            if (k2 === "elseif") {
              this.i += 6;
              this.ws();
              clauses.push({ cond: this.condition("elseif"), body: this.block() });
            } else if (k2 === "else") {
              this.i += 4;
              otherwise = this.block();
              break;
            } else {
              this.i = save;
              break;
            }
          }
          return { k: "if", clauses, ...(otherwise ? { otherwise } : {}), at };
        }
        case "foreach": {
          this.expect("(", "'(' after 'foreach'");
          this.wsnl();
          if (this.ch() !== "$") throw this.err("Missing variable name after foreach.");
          this.i++;
          const variable = this.varName();
          this.wsnl();
          if (this.keyword() !== "in") throw this.err("Missing 'in' after variable in foreach loop.");
          this.i += 2;
          this.wsnl();
          const iter = this.pipeline();
          this.wsnl();
          this.expect(")", "closing ')' after expression in 'foreach' statement");
          return { k: "foreach", variable, iter, body: this.block(), at };
        }
        case "for": {
          this.expect("(", "opening '(' after keyword 'for'");
          const part = (close: string): Pipeline | undefined => {
            this.wsnl();
            if (this.ch() === close) return undefined;
            const p = this.pipeline();
            this.wsnl();
            return p;
          };
          const init = part(";");
          this.expect(";", "';' in for statement");
          const cond = part(";");
          this.expect(";", "';' in for statement");
          const step = part(")");
          this.expect(")", "closing ')' in for statement");
          return { k: "for", ...(init ? { init } : {}), ...(cond ? { cond } : {}), ...(step ? { step } : {}), body: this.block(), at };
        }
        case "exit":
        case "return": {
          if (this.atStatementEnd(end) || this.ch() === "}") return { k: kw, at };
          return { k: kw, value: this.pipeline(), at };
        }
        case "break":
        case "continue":
          return { k: kw, at };
        default:
          throw this.unexpected(at);
      }
    }
    return { k: "pipeline", p: this.pipeline(), at };
  }

  private condition(kw: string): Pipeline {
    this.expect("(", `'(' after '${kw}'`);
    this.wsnl();
    const p = this.pipeline();
    this.wsnl();
    this.expect(")", `closing ')' after expression in '${kw}' statement`);
    return p;
  }

  private pipeline(): Pipeline {
    const at = this.i;
    const first = this.element();
    this.ws();
    if (first.k === "expr") {
      const op = this.startsWith("+=") ? "+=" : this.startsWith("-=") ? "-=" : this.ch() === "=" && this.at(1) !== "=" ? "=" : undefined;
      if (op) {
        const t = first.e;
        if (!["var", "member", "index"].includes(t.k)) throw this.err("The assignment expression is not valid. The input to an assignment operator must be an object that is able to accept assignments, such as a variable or a property.", at);
        this.i += op.length;
        this.wsnl();
        return { k: "assign", target: t, op, value: this.pipeline(), at };
      }
    }
    const elements: Element[] = [first];
    while (this.ch() === "|" && this.at(1) !== "|") {
      this.i++;
      this.wsnl();
      const e = this.element();
      if (e.k !== "cmd") throw this.err("Expressions are only allowed as the first element of a pipeline.", e.at);
      elements.push(e);
      this.ws();
    }
    if (this.ch() === ">" || (this.ch() === "2" && this.at(1) === ">")) throw this.err("Redirection is not supported by this host.");
    return { k: "pipe", elements, at };
  }

  private element(): Element {
    const at = this.i;
    const c = this.ch();
    if (c === "&" || (c === "." && (this.at(1) === " " || this.at(1) === "\t"))) throw this.err(`The '${c}' operator is not supported by this host.`);
    if (c !== undefined && /[A-Za-z_?%]/.test(c)) return this.command();
    return { k: "expr", e: this.expression(), at };
  }

  private command(): Element {
    const at = this.i;
    let name: string;
    if ((this.ch() === "?" || this.ch() === "%") && !isIdent(this.at(1))) {
      name = this.ch()!;
      this.i++;
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_\-.\\]*/.exec(this.s.slice(this.i))!;
      name = m[0];
      this.i += name.length;
    }
    const args: Arg[] = [];
    for (;;) {
      this.ws();
      const c = this.ch();
      if (c === undefined || c === ";" || c === "\n" || c === "\r" || c === "|" || c === ")" || c === "}") break;
      const aat = this.i;
      if (c === "-" && isIdentStart(this.at(1))) {
        const m = /^-([A-Za-z_][A-Za-z0-9_]*)/.exec(this.s.slice(this.i))!;
        this.i += m[0].length;
        args.push({ k: "param", name: m[1]!, at: aat });
        if (this.ch() === ":") {
          this.i++;
          args.push({ k: "value", e: this.argValue(), at: this.i });
        }
        continue;
      }
      let e = this.argValue();
      this.ws();
      if (this.ch() === ",") {
        const items = [e];
        while (this.ch() === ",") {
          this.i++;
          this.wsnl();
          items.push(this.argValue());
          this.ws();
        }
        e = { k: "array", items, at: aat };
      }
      args.push({ k: "value", e, at: aat });
    }
    return { k: "cmd", name, args, at };
  }

  /** One argument in command mode. */
  private argValue(): Expr {
    const at = this.i;
    const c = this.ch();
    if (c === "$" || c === "(" || (c === "@" && this.at(1) === "(")) return this.postfix(this.primary());
    if (c === "{") return this.primary();
    if (c !== undefined && (SQ.includes(c) || DQ.includes(c))) return this.postfix(this.primary());
    if (c === "[" || c === "@" || c === "&" || c === "<" || c === ">") throw this.unexpected();
    const m = /^[^\s;|(){},'"`]+/.exec(this.s.slice(this.i));
    if (!m) throw this.unexpected();
    this.i += m[0].length;
    const word = m[0];
    if (/^[-+]?(0x[0-9a-f]+|\d+)$/i.test(word)) return this.numberValue(word, at);
    if (/^[-+]?\d*\.\d+$/.test(word)) return { k: "num", v: Number(word), t: "Double", at };
    if (word.includes("$")) throw this.err("Variable expansion inside a bareword argument is not supported by this host.", at);
    return { k: "str", v: word, at };
  }

  private numberValue(word: string, at: number): Expr {
    const neg = word.startsWith("-");
    const body = word.replace(/^[-+]/, "");
    const v = (neg ? -1 : 1) * (/^0x/i.test(body) ? Number.parseInt(body.slice(2), 16) : Number(body));
    const t = Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 ? "Int32" : Number.isInteger(v) ? "Int64" : "Double";
    return { k: "num", v, t, at };
  }

  expression(): Expr {
    return this.logical();
  }

  /** `-name` operator at the cursor when it is one of `set`. */
  private namedOp(set: Set<string>): string | undefined {
    if (this.ch() !== "-") return undefined;
    const m = /^-([A-Za-z]+)/.exec(this.s.slice(this.i));
    if (!m) return undefined;
    const name = m[1]!.toLowerCase();
    if (!set.has(name)) return undefined;
    if (isIdent(this.s[this.i + m[0].length])) return undefined;
    return name;
  }
  private anyNamedOp(): string | undefined {
    const m = /^-([A-Za-z]+)/.exec(this.s.slice(this.i));
    return m ? m[1]!.toLowerCase() : undefined;
  }

  private logical(): Expr {
    let l = this.comparison();
    for (;;) {
      this.ws();
      const op = this.namedOp(LOGICAL_OPS);
      if (!op) break;
      const at = this.i;
      this.i += op.length + 1;
      this.wsnl();
      l = { k: "bin", op, l, r: this.comparison(), at };
    }
    return l;
  }

  private comparison(): Expr {
    let l = this.additive();
    for (;;) {
      this.ws();
      const op = this.namedOp(COMPARISON_OPS);
      if (!op) {
        const other = this.ch() === "-" ? this.anyNamedOp() : undefined;
        if (other && !LOGICAL_OPS.has(other) && other !== "f" && other !== "not") {
          throw this.err(`The '-${other}' operator is not supported by this host.`);
        }
        break;
      }
      const at = this.i;
      this.i += op.length + 1;
      this.wsnl();
      l = { k: "bin", op, l, r: this.additive(), at };
    }
    return l;
  }

  private additive(): Expr {
    let l = this.multiplicative();
    for (;;) {
      this.ws();
      const c = this.ch();
      if ((c === "+" && this.at(1) !== "+" && this.at(1) !== "=") || (c === "-" && this.at(1) !== "-" && this.at(1) !== "=" && !/[A-Za-z]/.test(this.at(1) ?? ""))) {
        const at = this.i;
        this.i++;
        this.wsnl();
        l = { k: "bin", op: c, l, r: this.multiplicative(), at };
      } else break;
    }
    return l;
  }

  private multiplicative(): Expr {
    let l = this.format();
    for (;;) {
      this.ws();
      const c = this.ch();
      if ((c === "*" || c === "/" || c === "%") && this.at(1) !== "=") {
        const at = this.i;
        this.i++;
        this.wsnl();
        l = { k: "bin", op: c, l, r: this.format(), at };
      } else break;
    }
    return l;
  }

  private format(): Expr {
    let l = this.unary();
    for (;;) {
      this.ws();
      if (this.namedOp(new Set(["f"]))) {
        const at = this.i;
        this.i += 2;
        this.wsnl();
        l = { k: "bin", op: "f", l, r: this.unary(), at };
      } else break;
    }
    return l;
  }

  private unary(): Expr {
    this.ws();
    const at = this.i;
    if (this.ch() === "!") {
      this.i++;
      this.ws();
      return { k: "unary", op: "!", e: this.unary(), at };
    }
    if (this.namedOp(new Set(["not"]))) {
      this.i += 4;
      this.wsnl();
      return { k: "unary", op: "-not", e: this.unary(), at };
    }
    if ((this.ch() === "-" || this.ch() === "+") && this.at(1) !== this.ch() && /[0-9$(.[]/.test(this.at(1) ?? "")) {
      const op = this.ch() as "-" | "+";
      if (/[0-9]/.test(this.at(1) ?? "")) {
        const m = /^[-+](0x[0-9a-f]+|\d*\.\d+|\d+)/i.exec(this.s.slice(this.i))!;
        if (!isIdent(this.s[this.i + m[0].length])) {
          this.i += m[0].length;
          return this.postfix(this.numberValue(m[0], at));
        }
      }
      this.i++;
      return { k: "unary", op, e: this.unary(), at };
    }
    return this.comma();
  }

  private comma(): Expr {
    const at = this.i;
    const first = this.cast();
    if (this.noComma > 0) return first;
    this.ws();
    if (this.ch() !== ",") return first;
    const items = [first];
    while (this.ch() === ",") {
      this.i++;
      this.wsnl();
      items.push(this.cast());
      this.ws();
    }
    return { k: "array", items, at };
  }

  /** `[type]` at the cursor: the type name (e.g. "string[]"). */
  private typeName(): string {
    const m = /^\[\s*([A-Za-z_][A-Za-z0-9_.]*(?:\[\])?)\s*\]/.exec(this.s.slice(this.i));
    if (!m) throw this.err("Missing type name after '['.");
    this.i += m[0].length;
    return m[1]!;
  }

  private cast(): Expr {
    this.ws();
    const at = this.i;
    if (this.ch() === "[") {
      const type = this.typeName();
      if (this.startsWith("::")) return this.postfix({ k: "type", name: type, at });
      const save = this.i;
      this.ws();
      const c = this.ch();
      if (c !== undefined && (c === "$" || c === "(" || c === "[" || c === "@" || SQ.includes(c) || DQ.includes(c) || /[0-9]/.test(c) || ((c === "-" || c === "+") && /[0-9$(]/.test(this.at(1) ?? "")))) {
        return { k: "cast", type, e: this.cast(), at };
      }
      this.i = save;
      return this.postfix({ k: "type", name: type, at });
    }
    return this.postfix(this.primary());
  }

  private postfix(e: Expr): Expr {
    for (;;) {
      const at = this.i;
      if (this.ch() === "." && (isIdentStart(this.at(1)) || this.at(1) === "(" || this.at(1) === "$" || (SQ + DQ).includes(this.at(1) ?? "\0"))) {
        this.i++;
        const name = this.memberName();
        if (this.ch() === "(") e = { k: "invoke", obj: e, name, args: this.methodArgs(), isStatic: false, at };
        else e = { k: "member", obj: e, name, isStatic: false, at };
      } else if (this.startsWith("::") && isIdentStart(this.at(2))) {
        this.i += 2;
        const name = this.memberName();
        if (this.ch() === "(") e = { k: "invoke", obj: e, name, args: this.methodArgs(), isStatic: true, at };
        else e = { k: "member", obj: e, name, isStatic: true, at };
      } else if (this.ch() === "[" && e.k !== "type") {
        this.i++;
        this.wsnl();
        const idx = this.expression();
        this.wsnl();
        this.expect("]", "']'");
        e = { k: "index", obj: e, idx, at };
      } else if ((this.startsWith("++") || this.startsWith("--")) && (e.k === "var" || e.k === "member" || e.k === "index")) {
        const op = this.startsWith("++") ? "++" : "--";
        this.i += 2;
        e = { k: "incr", target: e, op, at };
      } else return e;
    }
  }

  private memberName(): string | Expr {
    if (this.ch() === "(") {
      this.i++;
      this.wsnl();
      const e = this.expression();
      this.wsnl();
      this.expect(")", "')'");
      return e;
    }
    if (this.ch() === "$") return this.primary();
    if ((SQ + DQ).includes(this.ch() ?? "\0")) return this.primary();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i))!;
    this.i += m[0].length;
    return m[0];
  }

  private methodArgs(): Expr[] {
    this.expect("(");
    const args: Expr[] = [];
    this.wsnl();
    this.noComma++;
    try {
      while (this.ch() !== ")") {
        args.push(this.expression());
        this.wsnl();
        if (this.ch() === ",") {
          this.i++;
          this.wsnl();
        } else if (this.ch() !== ")") throw this.err("Missing ')' in method call.");
      }
    } finally {
      this.noComma--;
    }
    this.i++;
    return args;
  }

  private varName(): string {
    if (this.ch() === "{") {
      const end = this.s.indexOf("}", this.i);
      if (end < 0) throw this.err("Missing '}' in variable name.");
      const name = this.s.slice(this.i + 1, end);
      this.i = end + 1;
      return name;
    }
    const m = /^(?:(?:script|global|local):)?(?:[A-Za-z0-9_]+|\?|\^|\$)/i.exec(this.s.slice(this.i));
    if (!m) throw this.err("Missing variable name after '$'.");
    this.i += m[0].length;
    return m[0].replace(/^(script|global|local):/i, "");
  }

  private primary(): Expr {
    const at = this.i;
    const c = this.ch();
    if (c === undefined) throw this.err("Missing expression.");
    if (c === "$") {
      this.i++;
      if (this.ch() === "(") {
        this.i++;
        const stmts = this.statements(")");
        this.expect(")", "')'");
        return { k: "sub", stmts, array: false, at };
      }
      return { k: "var", name: this.varName(), at };
    }
    if (c === "@") {
      if (this.at(1) === "(") {
        this.i += 2;
        const stmts = this.statements(")");
        this.expect(")", "')'");
        return { k: "sub", stmts, array: true, at };
      }
      throw this.err(`The '@${this.at(1) ?? ""}' construct is not supported by this host.`);
    }
    if (c === "(") {
      this.i++;
      this.wsnl();
      const saved = this.noComma;
      this.noComma = 0;
      const p = this.pipeline();
      this.noComma = saved;
      this.wsnl();
      this.expect(")", "closing ')' in expression");
      return { k: "paren", p, at };
    }
    if (c === "{") {
      this.i++;
      const body = this.statements("}");
      this.expect("}", "closing '}' in script block");
      return { k: "sb", body, at };
    }
    if (SQ.includes(c)) return this.singleQuoted();
    if (DQ.includes(c)) return this.doubleQuoted();
    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(this.at(1) ?? ""))) {
      const m = /^(0x[0-9a-f]+|\d*\.\d+(?:e[-+]?\d+)?|\d+(?:e[-+]?\d+)?)/i.exec(this.s.slice(this.i))!;
      if (isIdent(this.s[this.i + m[0].length])) throw this.unexpected();
      this.i += m[0].length;
      return this.numberValue(m[0], at);
    }
    throw this.unexpected();
  }

  private singleQuoted(): Expr {
    const at = this.i;
    this.i++;
    let v = "";
    for (;;) {
      const c = this.ch();
      if (c === undefined) throw this.err("The string is missing the terminator: '.", at);
      if (SQ.includes(c)) {
        if (this.at(1) !== undefined && SQ.includes(this.at(1)!)) {
          v += c;
          this.i += 2;
          continue;
        }
        this.i++;
        return { k: "str", v, at };
      }
      v += c;
      this.i++;
    }
  }

  private doubleQuoted(): Expr {
    const at = this.i;
    this.i++;
    const parts: (string | Expr)[] = [];
    let lit = "";
    const ESC: Record<string, string> = { n: "\n", r: "\r", t: "\t", "0": "\0", a: "\x07", b: "\b", f: "\f", v: "\v" };
    for (;;) {
      const c = this.ch();
      if (c === undefined) throw this.err('The string is missing the terminator: ".', at);
      if (DQ.includes(c)) {
        if (this.at(1) !== undefined && DQ.includes(this.at(1)!)) {
          lit += c;
          this.i += 2;
          continue;
        }
        this.i++;
        break;
      }
      if (c === "`") {
        const n = this.at(1);
        if (n === undefined) throw this.err('The string is missing the terminator: ".', at);
        lit += ESC[n] ?? n;
        this.i += 2;
        continue;
      }
      if (c === "$" && (isIdentStart(this.at(1)) || this.at(1) === "{" || this.at(1) === "(")) {
        if (this.at(1) === "(") throw this.err("Subexpressions in strings are not supported by this host.", this.i);
        if (lit) parts.push(lit);
        lit = "";
        const vat = this.i;
        this.i++;
        parts.push({ k: "var", name: this.varName(), at: vat });
        continue;
      }
      lit += c;
      this.i++;
    }
    if (lit || parts.length === 0) parts.push(lit);
    if (parts.length === 1 && typeof parts[0] === "string") return { k: "str", v: parts[0], at };
    return { k: "xstr", parts, at };
  }
}
