/**
 * An interpreter for the PowerShell subset parser.ts reads, with PowerShell 2.0 semantics where
 * scripts can observe them: dynamic scoping (a function runs in a child of its caller's scope),
 * output collection (a function returns everything its statements emit; one item is a scalar, none
 * is $null), `foreach` over $null running once (PowerShell 1.0/2.0), `trap` handling terminating
 * errors of its scope and its callees, $ErrorActionPreference='Stop' turning every error into a
 * terminating one, case-insensitive string comparison for -eq/-ne/-lt/-gt/-like/-match, the right
 * operand converted to the left one's type, `+` concatenating strings and arrays, `-f` .NET
 * composite formatting, casts with PowerShell's conversion errors, and `exit`.
 *
 * What a script may touch is closed: the commands it defines with `function`, a few cmdlets
 * (Get-WmiObject, Where-Object, ForEach-Object, Write-Output, Write-Host, Out-Null), a few .NET
 * members (string methods, [Console]::Out/Error.WriteLine, [string]::Join, ...) and the WMI objects
 * the host hands out. `check()` refuses a script naming anything else before any of it runs.
 */
import type { Arg, Element, Expr, Pipeline, Stmt } from "./ast";
import {
  Char,
  ErrorRecordValue,
  ExceptionValue,
  type HostObject,
  Num,
  type PSValue,
  ScriptBlockValue,
  TextWriterValue,
  TypeRef,
  VOID,
  isHost,
} from "./values";

/** A terminating (statement- or script-) error of the running script. */
export class PSRuntimeError extends Error {
  readonly category: string;
  readonly errorId: string;
  readonly exceptionType: string;
  at: number | undefined;
  constructor(message: string, opts: { category?: string; errorId?: string; exceptionType?: string; at?: number } = {}) {
    super(message);
    this.name = "PSRuntimeError";
    this.category = opts.category ?? "NotSpecified";
    this.errorId = opts.errorId ?? "RuntimeException";
    this.exceptionType = opts.exceptionType ?? "RuntimeException";
    this.at = opts.at;
  }
}

class ExitSignal {
  constructor(readonly code: number) {}
}
class ReturnSignal {}
class BreakSignal {}
class ContinueSignal {}

/** What the interpreter needs from its host: output streams, WMI, the current account. */
export interface PSHost {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Get-WmiObject: instances of a class (optionally WQL-filtered) or of a WQL query. */
  getWmiObject(args: { namespace: string; className?: string; filter?: string; query?: string }): HostObject[];
  /** [wmiclass]'root\cimv2:Class'. */
  wmiClass(path: string): HostObject;
}

export const CMDLETS: Record<string, string> = {
  "get-wmiobject": "Get-WmiObject",
  gwmi: "Get-WmiObject",
  "where-object": "Where-Object",
  where: "Where-Object",
  "?": "Where-Object",
  "foreach-object": "ForEach-Object",
  foreach: "ForEach-Object",
  "%": "ForEach-Object",
  "write-output": "Write-Output",
  echo: "Write-Output",
  write: "Write-Output",
  "write-host": "Write-Host",
  "out-null": "Out-Null",
};

export const TYPES: Record<string, string> = {
  string: "System.String",
  "system.string": "System.String",
  char: "System.Char",
  int: "System.Int32",
  int32: "System.Int32",
  "system.int32": "System.Int32",
  uint32: "System.UInt32",
  "system.uint32": "System.UInt32",
  long: "System.Int64",
  int64: "System.Int64",
  byte: "System.Byte",
  double: "System.Double",
  bool: "System.Boolean",
  boolean: "System.Boolean",
  "system.boolean": "System.Boolean",
  void: "System.Void",
  object: "System.Object",
  array: "System.Array",
  "object[]": "System.Object[]",
  "string[]": "System.String[]",
  "char[]": "System.Char[]",
  "int[]": "System.Int32[]",
  "byte[]": "System.Byte[]",
  wmiclass: "System.Management.ManagementClass",
  wmi: "System.Management.ManagementObject",
  console: "System.Console",
  "system.console": "System.Console",
};

export const STATIC_MEMBERS: Record<string, string[]> = {
  "System.Console": ["out", "error", "writeline", "write"],
  "System.String": ["join", "isnullorempty", "format", "concat", "empty"],
};

export const METHODS = new Set([
  "tochararray", "tolower", "toupper", "tolowerinvariant", "toupperinvariant", "trim", "trimstart", "trimend", "substring",
  "contains", "startswith", "endswith", "indexof", "replace", "split", "equals", "tostring", "padleft", "padright",
  "writeline", "write", "flush", "join", "isnullorempty", "format", "concat", "createinstance", "put", "delete", "get",
]);

const CRLF = "\r\n";

// ---------------------------------------------------------------- conversions

export function toStr(v: PSValue | typeof VOID): string {
  if (v === null || v === VOID) return "";
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "True" : "False";
  if (v instanceof Num) return numStr(v);
  if (v instanceof Char) return v.c;
  if (Array.isArray(v)) return v.map((x) => toStr(x)).join(" ");
  if (v instanceof TypeRef) return TYPES[v.name.toLowerCase()] ?? v.name;
  if (v instanceof ErrorRecordValue) return v.exception.message;
  if (v instanceof ExceptionValue) return v.message;
  if (v instanceof ScriptBlockValue) return v.text;
  if (v instanceof TextWriterValue) return "System.IO.TextWriter+SyncTextWriter";
  return v.toString();
}

function numStr(n: Num): string {
  if (n.t === "Double") {
    if (Number.isInteger(n.v) && Math.abs(n.v) < 1e15) return String(n.v);
    return String(n.v).replace("e+", "E+").replace("e-", "E-");
  }
  return String(n.v);
}

export function toBool(v: PSValue | typeof VOID): boolean {
  if (v === null || v === VOID) return false;
  if (typeof v === "boolean") return v;
  if (typeof v === "string") return v.length > 0;
  if (v instanceof Num) return v.v !== 0;
  if (v instanceof Char) return v.c !== "\0";
  if (Array.isArray(v)) return v.length === 0 ? false : v.length === 1 ? toBool(v[0]!) : true;
  return true;
}

const RANGES: Record<string, [number, number, Num["t"]]> = {
  "System.Int32": [-2147483648, 2147483647, "Int32"],
  "System.UInt32": [0, 4294967295, "UInt32"],
  "System.Int64": [-9007199254740991, 9007199254740991, "Int64"],
  "System.Byte": [0, 255, "Byte"],
};

function convertError(v: PSValue, type: string, why: string): PSRuntimeError {
  return new PSRuntimeError(`Cannot convert value "${toStr(v)}" to type "${type}". Error: "${why}"`, {
    category: "InvalidArgument",
    errorId: "InvalidCastParseTargetInvocation",
    exceptionType: "RuntimeException",
  });
}

/** A number from a value, as PowerShell converts one (strings parsed, invariant culture). */
function parseNumber(v: PSValue, type: string): number {
  if (v === null) return 0;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof Num) return v.v;
  if (v instanceof Char) return v.c.charCodeAt(0);
  if (typeof v === "string") {
    const s = v.trim();
    if (s === "") return 0;
    if (/^[-+]?0x[0-9a-f]+$/i.test(s)) return (s.startsWith("-") ? -1 : 1) * Number.parseInt(s.replace(/^[-+]?0x/i, ""), 16);
    if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)) return Number(s);
    throw convertError(v, type, "Input string was not in a correct format.");
  }
  if (Array.isArray(v) && v.length === 1) return parseNumber(v[0]!, type);
  throw convertError(v, type, `Cannot convert the "${toStr(v)}" value of type "${typeName(v)}" to type "${type}".`);
}

/** .NET's rounding of a double to an integer type (to even). */
function roundEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export function toInteger(v: PSValue, type: string): Num {
  const [lo, hi, t] = RANGES[type]!;
  const n = roundEven(parseNumber(v, type));
  if (!Number.isFinite(n) || n < lo || n > hi) throw convertError(v, type, `Value was either too large or too small for ${t === "Int32" ? "an Int32" : `a ${t}`}.`);
  return new Num(n, t);
}

export function typeName(v: PSValue): string {
  if (v === null) return "null";
  if (typeof v === "string") return "System.String";
  if (typeof v === "boolean") return "System.Boolean";
  if (v instanceof Num) return `System.${v.t}`;
  if (v instanceof Char) return "System.Char";
  if (Array.isArray(v)) return "System.Object[]";
  if (v instanceof ScriptBlockValue) return "System.Management.Automation.ScriptBlock";
  if (v instanceof TypeRef) return "System.RuntimeType";
  if (v instanceof ErrorRecordValue) return "System.Management.Automation.ErrorRecord";
  if (v instanceof ExceptionValue) return `System.${v.typeName}`;
  if (v instanceof TextWriterValue) return "System.IO.TextWriter";
  return v.typeName;
}

// ---------------------------------------------------------------- scopes

interface FunctionDef {
  name: string;
  params: { name: string; type?: string; dflt?: Expr }[];
  body: Stmt[];
}

class Scope {
  readonly vars = new Map<string, PSValue>();
  readonly fns = new Map<string, FunctionDef>();
  trap: Extract<Stmt, { k: "trap" }> | undefined;
  constructor(readonly parent?: Scope) {}
  lookup(name: string): { found: boolean; value: PSValue } {
    const n = name.toLowerCase();
    for (let s: Scope | undefined = this; s; s = s.parent) if (s.vars.has(n)) return { found: true, value: s.vars.get(n)! };
    return { found: false, value: null };
  }
  set(name: string, v: PSValue): void {
    this.vars.set(name.toLowerCase(), v);
  }
  fn(name: string): FunctionDef | undefined {
    const n = name.toLowerCase();
    for (let s: Scope | undefined = this; s; s = s.parent) if (s.fns.has(n)) return s.fns.get(n);
    return undefined;
  }
}

type Emit = (v: PSValue) => void;

export interface RunResult {
  exitCode: number;
}

// ---------------------------------------------------------------- the interpreter

export class Interpreter {
  private readonly global = new Scope();
  private lastFailed = false;
  private depth = 0;

  constructor(
    private readonly host: PSHost,
    private readonly src: string,
  ) {
    this.global.set("ErrorActionPreference", "Continue");
  }

  /** Line, column and text of an offset. */
  position(at: number): { line: number; col: number; text: string } {
    const before = this.src.slice(0, at);
    const line = before.split("\n").length;
    const start = before.lastIndexOf("\n") + 1;
    const end = this.src.indexOf("\n", at);
    return { line, col: at - start + 1, text: this.src.slice(start, end < 0 ? undefined : end).replace(/\r$/, "") };
  }

  /** PowerShell 2.0's rendering of an error record on the error stream. */
  errorText(e: PSRuntimeError): string {
    const where = e.at !== undefined ? this.position(e.at) : undefined;
    return (
      `${e.message}${CRLF}` +
      (where ? `At line:${where.line} char:${where.col}${CRLF}+ ${where.text.slice(0, 120)}${CRLF}` : "") +
      `    + CategoryInfo          : ${e.category}: (:) [], ${e.exceptionType}${CRLF}` +
      `    + FullyQualifiedErrorId : ${e.errorId}${CRLF}${CRLF}`
    );
  }

  run(body: Stmt[]): RunResult {
    try {
      this.execBlock(body, this.global, (v) => this.outDefault(v), true, true);
      return { exitCode: this.lastFailed ? 1 : 0 };
    } catch (e) {
      if (e instanceof ExitSignal) return { exitCode: e.code };
      if (e instanceof PSRuntimeError) {
        this.host.stderr(this.errorText(e));
        return { exitCode: 1 };
      }
      if (e instanceof ReturnSignal) return { exitCode: this.lastFailed ? 1 : 0 };
      if (e instanceof BreakSignal || e instanceof ContinueSignal) return { exitCode: 0 };
      throw e;
    }
  }

  /** Out-Default for what reaches the top level. */
  private outDefault(v: PSValue): void {
    if (v === null) return;
    this.host.stdout(`${toStr(v)}${CRLF}`);
  }

  private stopping(scope: Scope): boolean {
    return toStr(scope.lookup("ErrorActionPreference").value).toLowerCase() === "stop";
  }

  /**
   * Runs a statement list. A scope's body (the script, a function, a script block) registers its
   * trap; an error in any statement of the scope, nested blocks included, goes to that trap.
   * Without a trap, $ErrorActionPreference='Stop' makes the error terminate the scope (it travels
   * to the caller's statement); otherwise it ends only its statement and is written out.
   */
  private execBlock(body: Stmt[], scope: Scope, emit: Emit, scopeBody: boolean, top = false): void {
    const trap = body.find((s) => s.k === "trap");
    if (trap && trap.k === "trap") scope.trap ??= trap;
    for (const st of body) {
      if (st.k === "trap") continue;
      try {
        this.execStmt(st, scope, emit);
        if (top) this.lastFailed = false;
      } catch (e) {
        if (!(e instanceof PSRuntimeError)) throw e;
        e.at ??= st.at;
        if (!scopeBody && (scope.trap || this.stopping(scope))) throw e;
        if (scopeBody && scope.trap) {
          this.runTrap(scope.trap, e, scope, emit);
          if (top) this.lastFailed = true;
          continue;
        }
        if (this.stopping(scope)) throw e;
        this.host.stderr(this.errorText(e));
        if (top) this.lastFailed = true;
      }
    }
  }

  private runTrap(trap: Extract<Stmt, { k: "trap" }>, e: PSRuntimeError, scope: Scope, emit: Emit): void {
    const inner = new Scope(scope);
    inner.set("_", new ErrorRecordValue(new ExceptionValue(e.message, e.exceptionType), e.category, e.errorId));
    try {
      this.execBlock(trap.body, inner, emit, true);
    } catch (x) {
      if (x instanceof BreakSignal) throw e;
      if (x instanceof ContinueSignal) return;
      throw x;
    }
    this.host.stderr(this.errorText(e));
  }

  private execStmt(st: Stmt, scope: Scope, emit: Emit): void {
    switch (st.k) {
      case "function":
        scope.fns.set(st.name.toLowerCase(), { name: st.name, params: st.params, body: st.body });
        return;
      case "trap":
        return;
      case "if":
        for (const c of st.clauses) {
          if (toBool(this.pipelineValue(c.cond, scope))) {
            this.execBlock(c.body, scope, emit, false);
            return;
          }
        }
        if (st.otherwise) this.execBlock(st.otherwise, scope, emit, false);
        return;
      case "foreach": {
        const v = this.pipelineValue(st.iter, scope);
        // PowerShell 1.0/2.0: foreach over $null runs once.
        const items = Array.isArray(v) ? v : [v];
        for (const item of items) {
          scope.set(st.variable, item);
          try {
            this.execBlock(st.body, scope, emit, false);
          } catch (x) {
            if (x instanceof BreakSignal) break;
            if (x instanceof ContinueSignal) continue;
            throw x;
          }
        }
        return;
      }
      case "for": {
        if (st.init) this.runPipeline(st.init, scope).forEach(emit);
        for (let guard = 0; ; guard++) {
          if (guard > 1_000_000) throw new PSRuntimeError("The loop ran too long for this host.");
          if (st.cond && !toBool(this.pipelineValue(st.cond, scope))) break;
          try {
            this.execBlock(st.body, scope, emit, false);
          } catch (x) {
            if (x instanceof BreakSignal) break;
            if (!(x instanceof ContinueSignal)) throw x;
          }
          if (st.step) this.runPipeline(st.step, scope).forEach(emit);
        }
        return;
      }
      case "exit": {
        const v = st.value ? this.pipelineValue(st.value, scope) : null;
        throw new ExitSignal(v === null ? 0 : toInteger(v, "System.Int32").v);
      }
      case "return":
        if (st.value) this.runPipeline(st.value, scope).forEach(emit);
        throw new ReturnSignal();
      case "break":
        throw new BreakSignal();
      case "continue":
        throw new ContinueSignal();
      case "pipeline":
        for (const v of this.runPipeline(st.p, scope)) emit(v);
        return;
    }
  }

  /** The value of a pipeline used as an expression: an expression's own value, a command's output collected. */
  private pipelineValue(p: Pipeline, scope: Scope): PSValue {
    if (p.k === "pipe" && p.elements.length === 1 && p.elements[0]!.k === "expr") {
      const v = this.eval(p.elements[0]!.e, scope);
      return v === VOID ? null : v;
    }
    return collect(this.runPipeline(p, scope));
  }

  /** Runs a pipeline; returns its output items. */
  private runPipeline(p: Pipeline, scope: Scope): PSValue[] {
    if (p.k === "assign") {
      const value = this.pipelineValue(p.value, scope);
      this.assign(p.target, p.op, value, scope);
      return [];
    }
    let items: PSValue[] | undefined;
    for (const el of p.elements) items = this.runElement(el, scope, items);
    return items ?? [];
  }

  private runElement(el: Element, scope: Scope, input: PSValue[] | undefined): PSValue[] {
    if (el.k === "expr") {
      const v = this.eval(el.e, scope);
      if (v === VOID) return [];
      return Array.isArray(v) ? [...v] : [v];
    }
    try {
      return this.invokeCommand(el.name, el.args, scope, input);
    } catch (e) {
      if (e instanceof PSRuntimeError) e.at ??= el.at;
      throw e;
    }
  }

  // ------------------------------------------------------------ commands

  private bindArgs(args: Arg[], scope: Scope): { named: Map<string, PSValue>; positional: PSValue[] } {
    const named = new Map<string, PSValue>();
    const positional: PSValue[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a.k === "param") {
        const next = args[i + 1];
        if (next && next.k === "value") {
          named.set(a.name.toLowerCase(), this.value(next.e, scope));
          i++;
        } else named.set(a.name.toLowerCase(), true);
      } else positional.push(this.value(a.e, scope));
    }
    return { named, positional };
  }

  private value(e: Expr, scope: Scope): PSValue {
    const v = this.eval(e, scope);
    return v === VOID ? null : v;
  }

  private invokeCommand(name: string, args: Arg[], scope: Scope, input: PSValue[] | undefined): PSValue[] {
    const fn = scope.fn(name);
    if (fn) return this.callFunction(fn, args, scope);
    const cmdlet = CMDLETS[name.toLowerCase()];
    if (!cmdlet) {
      throw new PSRuntimeError(`The term '${name}' is not recognized as the name of a cmdlet, function, script file, or operable program.`, {
        category: "ObjectNotFound",
        errorId: "CommandNotFoundException",
        exceptionType: "CommandNotFoundException",
      });
    }
    const { named, positional } = this.bindArgs(args, scope);
    const param = (names: string[], pos?: number): PSValue | undefined => {
      for (const [k, v] of named) if (names.some((n) => n.startsWith(k) || k === n)) return v;
      return pos !== undefined ? positional[pos] : undefined;
    };
    switch (cmdlet) {
      case "Get-WmiObject": {
        const namespace = toStr(param(["namespace"]) ?? "root\\cimv2");
        const className = param(["class"], 0);
        const filter = param(["filter"]);
        const query = param(["query"]);
        const computer = param(["computername"]);
        if (computer !== undefined && !/^(\.|localhost|127\.0\.0\.1)$/i.test(toStr(computer))) {
          return this.cmdletError(scope, "Remote WMI connections are not supported by this host.", "GetWMICOMException");
        }
        try {
          return this.host.getWmiObject({
            namespace,
            ...(className !== undefined && className !== null ? { className: toStr(className) } : {}),
            ...(filter !== undefined && filter !== null ? { filter: toStr(filter) } : {}),
            ...(query !== undefined && query !== null ? { query: toStr(query) } : {}),
          });
        } catch (e) {
          if (e instanceof PSRuntimeError) return this.cmdletError(scope, e.message, e.errorId, e.exceptionType);
          throw e;
        }
      }
      case "Where-Object": {
        const sb = param(["filterscript"], 0);
        if (!(sb instanceof ScriptBlockValue)) throw new PSRuntimeError("Where-Object needs a script block.", { category: "InvalidArgument", errorId: "ParameterArgumentValidationError" });
        return (input ?? []).filter((item) => toBool(collect(this.runScriptBlock(sb, scope, item))));
      }
      case "ForEach-Object": {
        const sb = param(["process"], 0);
        if (!(sb instanceof ScriptBlockValue)) throw new PSRuntimeError("ForEach-Object needs a script block.", { category: "InvalidArgument", errorId: "ParameterArgumentValidationError" });
        return (input ?? []).flatMap((item) => this.runScriptBlock(sb, scope, item));
      }
      case "Write-Output":
        return [...(input ?? []), ...positional.flatMap((v) => (Array.isArray(v) ? v : [v]))];
      case "Write-Host":
        this.host.stdout(`${positional.map((v) => toStr(v)).join(" ")}${CRLF}`);
        return [];
      case "Out-Null":
        return [];
    }
    return [];
  }

  /** A non-terminating cmdlet error: written (no output), or terminating under 'Stop'. */
  private cmdletError(scope: Scope, message: string, errorId: string, exceptionType = "ManagementException"): PSValue[] {
    const e = new PSRuntimeError(message, { category: "InvalidOperation", errorId: `${errorId},Microsoft.PowerShell.Commands.GetWmiObjectCommand`, exceptionType });
    if (this.stopping(scope)) throw e;
    this.host.stderr(this.errorText(e));
    return [];
  }

  private runScriptBlock(sb: ScriptBlockValue, scope: Scope, item: PSValue): PSValue[] {
    const inner = new Scope(scope);
    inner.set("_", item);
    const out: PSValue[] = [];
    try {
      this.execBlock(sb.body, inner, (v) => out.push(v), true);
    } catch (e) {
      if (!(e instanceof ReturnSignal)) throw e;
    }
    return out;
  }

  /** PowerShell's call depth limit (100). */
  private enter(): void {
    if (++this.depth > 100) {
      this.depth = 0;
      throw new PSRuntimeError("The script failed due to call depth overflow.  The call depth reached 101 and the maximum is 100.", {
        category: "InvalidOperation",
        errorId: "CallDepthOverflow",
        exceptionType: "ScriptCallDepthException",
      });
    }
  }

  private callFunction(fn: FunctionDef, args: Arg[], scope: Scope): PSValue[] {
    this.enter();
    try {
      return this.callFunctionInner(fn, args, scope);
    } finally {
      if (this.depth > 0) this.depth--;
    }
  }

  private callFunctionInner(fn: FunctionDef, args: Arg[], scope: Scope): PSValue[] {
    const { named, positional } = this.bindArgs(args, scope);
    const inner = new Scope(scope);
    const rest = [...positional];
    for (const p of fn.params) {
      let v: PSValue;
      const key = [...named.keys()].find((k) => p.name.toLowerCase().startsWith(k));
      if (key !== undefined) {
        v = named.get(key)!;
        named.delete(key);
      } else if (rest.length > 0) v = rest.shift()!;
      else v = p.dflt ? this.value(p.dflt, inner) : null;
      if (p.type) {
        const c = this.convert(p.type, v);
        v = c === VOID ? null : c;
      }
      inner.set(p.name, v);
    }
    if (named.size > 0) {
      throw new PSRuntimeError(`A parameter cannot be found that matches parameter name '${[...named.keys()][0]}'.`, {
        category: "InvalidArgument",
        errorId: "NamedParameterNotFound",
        exceptionType: "ParameterBindingException",
      });
    }
    inner.set("args", rest);
    const out: PSValue[] = [];
    try {
      this.execBlock(fn.body, inner, (v) => out.push(v), true);
    } catch (e) {
      if (!(e instanceof ReturnSignal)) throw e;
    }
    return out;
  }

  // ------------------------------------------------------------ expressions

  private eval(e: Expr, scope: Scope): PSValue | typeof VOID {
    try {
      return this.evalInner(e, scope);
    } catch (x) {
      if (x instanceof PSRuntimeError) x.at ??= e.at;
      throw x;
    }
  }

  private evalInner(e: Expr, scope: Scope): PSValue | typeof VOID {
    switch (e.k) {
      case "str":
        return e.v;
      case "xstr":
        return e.parts.map((p) => (typeof p === "string" ? p : toStr(this.eval(p, scope)))).join("");
      case "num":
        return new Num(e.v, e.t);
      case "var":
        return this.readVar(e.name, scope);
      case "array":
        return e.items.map((i) => this.value(i, scope));
      case "sub": {
        const out: PSValue[] = [];
        this.execBlock(e.stmts, scope, (v) => out.push(v), false);
        return e.array ? out : collect(out);
      }
      case "paren":
        return this.pipelineValue(e.p, scope);
      case "sb":
        return new ScriptBlockValue(e.body, this.src.slice(e.at + 1, this.findClose(e.at)));
      case "type":
        return new TypeRef(e.name);
      case "cast": {
        const v = this.eval(e.e, scope);
        return this.convert(e.type, v === VOID ? null : v);
      }
      case "unary": {
        const v = this.value(e.e, scope);
        if (e.op === "!" || e.op === "-not") return !toBool(v);
        const n = v instanceof Num ? v : new Num(parseNumber(v, "System.Int32"), "Int32");
        return e.op === "-" ? new Num(-n.v, n.t === "UInt32" || n.t === "Byte" ? "Int64" : n.t) : n;
      }
      case "bin":
        return this.binary(e.op, e.l, e.r, scope);
      case "member": {
        const obj = this.value(e.obj, scope);
        const name = typeof e.name === "string" ? e.name : toStr(this.value(e.name, scope));
        return this.getMember(obj, name, e.isStatic);
      }
      case "invoke": {
        const obj = this.value(e.obj, scope);
        const name = typeof e.name === "string" ? e.name : toStr(this.value(e.name, scope));
        const args = e.args.map((a) => this.value(a, scope));
        return this.invokeMethod(obj, name, args, e.isStatic);
      }
      case "index": {
        const obj = this.value(e.obj, scope);
        const idx = this.value(e.idx, scope);
        return this.index(obj, idx);
      }
      case "incr": {
        const cur = this.value(e.target, scope);
        const n = cur instanceof Num ? cur : new Num(parseNumber(cur, "System.Int32"), "Int32");
        this.assign(e.target, "=", new Num(n.v + (e.op === "++" ? 1 : -1), n.t), scope);
        return VOID;
      }
    }
  }

  private findClose(open: number): number {
    let depth = 0;
    for (let i = open; i < this.src.length; i++) {
      if (this.src[i] === "{") depth++;
      else if (this.src[i] === "}" && --depth === 0) return i;
    }
    return this.src.length;
  }

  private readVar(name: string, scope: Scope): PSValue {
    const n = name.toLowerCase();
    if (n === "null") return null;
    if (n === "true") return true;
    if (n === "false") return false;
    return scope.lookup(name).value;
  }

  private assign(target: Expr, op: "=" | "+=" | "-=", value: PSValue, scope: Scope): void {
    let v = value;
    if (op !== "=") {
      const cur = this.value(target, scope);
      v = op === "+=" ? this.add(cur, value) : this.arith("-", cur, value);
    }
    if (target.k === "var") {
      const n = target.name.toLowerCase();
      if (n === "null") return;
      if (n === "true" || n === "false" || n === "_") {
        if (n !== "_") throw new PSRuntimeError(`Cannot overwrite variable ${target.name} because it is read-only or constant.`, { category: "WriteError", errorId: "VariableNotWritable", exceptionType: "SessionStateUnauthorizedAccessException" });
      }
      scope.set(target.name, v);
      return;
    }
    if (target.k === "member") {
      const obj = this.value(target.obj, scope);
      const name = typeof target.name === "string" ? target.name : toStr(this.value(target.name, scope));
      if (isHost(obj)) {
        obj.setMember(name, v);
        return;
      }
      throw new PSRuntimeError(`Property '${name}' cannot be found on this object; make sure it exists and is settable.`, {
        category: "InvalidOperation",
        errorId: "PropertyAssignmentException",
        exceptionType: "RuntimeException",
      });
    }
    if (target.k === "index") {
      const obj = this.value(target.obj, scope);
      const idx = this.value(target.idx, scope);
      if (Array.isArray(obj)) {
        const i = toInteger(idx, "System.Int32").v;
        const j = i < 0 ? obj.length + i : i;
        if (j < 0 || j >= obj.length) throw new PSRuntimeError("Array assignment failed because index was out of range.", { category: "InvalidOperation", errorId: "IndexOutOfRange" });
        obj[j] = v;
        return;
      }
      if (isHost(obj)) {
        obj.setMember(toStr(idx), v);
        return;
      }
      throw new PSRuntimeError("Unable to index into an object of this type.", { category: "InvalidOperation", errorId: "CannotIndex" });
    }
    throw new PSRuntimeError("The assignment expression is not valid.");
  }

  convert(type: string, v: PSValue): PSValue | typeof VOID {
    const full = TYPES[type.toLowerCase()];
    if (!full) throw new PSRuntimeError(`Unable to find type [${type}]: make sure that the assembly containing this type is loaded.`, { category: "InvalidOperation", errorId: "TypeNotFound" });
    switch (full) {
      case "System.String":
        return toStr(v);
      case "System.Char":
        if (v instanceof Char) return v;
        if (typeof v === "string" && v.length === 1) return new Char(v);
        if (v instanceof Num) return new Char(String.fromCharCode(v.v));
        throw convertError(v, full, "String must be exactly one character long.");
      case "System.Int32":
      case "System.UInt32":
      case "System.Int64":
      case "System.Byte":
        return toInteger(v, full);
      case "System.Double":
        return new Num(parseNumber(v, full), "Double");
      case "System.Boolean":
        return toBool(v);
      case "System.Void":
        return VOID;
      case "System.Object":
        return v;
      case "System.Array":
      case "System.Object[]":
        return v === null ? null : Array.isArray(v) ? [...v] : [v];
      case "System.String[]":
        return v === null ? null : (Array.isArray(v) ? v : [v]).map((x) => toStr(x));
      case "System.Char[]":
        return typeof v === "string" ? [...v].map((c) => new Char(c)) : (Array.isArray(v) ? v : [v]).map((x) => this.convert("char", x) as Char);
      case "System.Int32[]":
        return (Array.isArray(v) ? v : [v]).map((x) => toInteger(x, "System.Int32"));
      case "System.Byte[]":
        return (Array.isArray(v) ? v : [v]).map((x) => toInteger(x, "System.Byte"));
      case "System.Management.ManagementClass":
        if (isHost(v)) return v;
        return this.host.wmiClass(toStr(v));
      default:
        throw convertError(v, full, "The conversion is not supported by this host.");
    }
  }

  private isType(v: PSValue, type: PSValue): boolean {
    const name = type instanceof TypeRef ? type.name : toStr(type);
    const full = TYPES[name.toLowerCase()];
    if (!full) throw new PSRuntimeError(`Unable to find type [${name}]: make sure that the assembly containing this type is loaded.`, { category: "InvalidOperation", errorId: "TypeNotFound" });
    if (v === null) return false;
    switch (full) {
      case "System.Object":
        return true;
      case "System.Array":
      case "System.Object[]":
        return Array.isArray(v);
      case "System.String[]":
        return Array.isArray(v) && v.every((x) => typeof x === "string");
      default:
        return typeName(v) === full || (isHost(v) && v.typeName === full);
    }
  }

  private binary(op: string, le: Expr, re: Expr, scope: Scope): PSValue {
    if (op === "and") return toBool(this.value(le, scope)) ? toBool(this.value(re, scope)) : false;
    if (op === "or") return toBool(this.value(le, scope)) ? true : toBool(this.value(re, scope));
    const l = this.value(le, scope);
    const r = this.value(re, scope);
    switch (op) {
      case "xor":
        return toBool(l) !== toBool(r);
      case "+":
        return this.add(l, r);
      case "-":
      case "*":
      case "/":
      case "%":
        return this.arith(op, l, r);
      case "f":
        return formatString(toStr(l), Array.isArray(r) ? r : [r]);
      case "is":
        return this.isType(l, r);
      case "isnot":
        return !this.isType(l, r);
      case "as":
        try {
          const v = this.convert(r instanceof TypeRef ? r.name : toStr(r), l);
          return v === VOID ? null : v;
        } catch {
          return null;
        }
    }
    const cs = op.startsWith("c") && op !== "contains";
    const base = op.replace(/^[ic](?=eq|ne|gt|ge|lt|le|like|notlike|match|notmatch|contains|notcontains|in|notin|replace)/, "");
    const test = (x: PSValue): boolean => {
      switch (base) {
        case "eq":
          return equal(x, r, cs);
        case "ne":
          return !equal(x, r, cs);
        case "gt":
          return order(x, r, cs) > 0;
        case "ge":
          return order(x, r, cs) >= 0;
        case "lt":
          return order(x, r, cs) < 0;
        case "le":
          return order(x, r, cs) <= 0;
        case "like":
          return wildcard(toStr(r), cs).test(toStr(x));
        case "notlike":
          return !wildcard(toStr(r), cs).test(toStr(x));
        case "match":
          return regex(toStr(r), cs).test(toStr(x));
        case "notmatch":
          return !regex(toStr(r), cs).test(toStr(x));
      }
      return false;
    };
    switch (base) {
      case "contains":
        return (Array.isArray(l) ? l : [l]).some((x) => equal(x, r, cs));
      case "notcontains":
        return !(Array.isArray(l) ? l : [l]).some((x) => equal(x, r, cs));
      case "in":
        return (Array.isArray(r) ? r : [r]).some((x) => equal(x, l, cs));
      case "notin":
        return !(Array.isArray(r) ? r : [r]).some((x) => equal(x, l, cs));
      case "replace": {
        const [pat, rep] = Array.isArray(r) ? [toStr(r[0] ?? null), toStr(r[1] ?? null)] : [toStr(r), ""];
        const re = new RegExp(translateRegex(pat), cs ? "g" : "gi");
        const one = (x: PSValue) => toStr(x).replace(re, rep);
        return Array.isArray(l) ? l.map(one) : one(l);
      }
    }
    if (Array.isArray(l)) return l.filter((x) => test(x));
    return test(l);
  }

  add(l: PSValue, r: PSValue): PSValue {
    if (l === null) return Array.isArray(r) ? [...r] : r;
    if (Array.isArray(l)) return [...l, ...(Array.isArray(r) ? r : [r])];
    if (typeof l === "string" || l instanceof Char) return toStr(l) + toStr(r);
    if (l instanceof Num) return this.arith("+", l, r);
    throw new PSRuntimeError(`Method invocation failed because [${typeName(l)}] doesn't contain a method named 'op_Addition'.`, {
      category: "InvalidOperation",
      errorId: "MethodNotFound",
    });
  }

  private arith(op: string, l: PSValue, r: PSValue): PSValue {
    if (op === "*" && typeof l === "string") {
      const n = toInteger(r, "System.Int32").v;
      if (n < 0 || l.length * n > 1_000_000) throw new PSRuntimeError("The string is too long for this host.", { category: "InvalidOperation", errorId: "OutOfMemory" });
      return l.repeat(n);
    }
    const ln = l instanceof Num ? l : new Num(parseNumber(l, "System.Int32"), "Int32");
    const rn = r instanceof Num ? r : new Num(parseNumber(r, ln.t === "Double" ? "System.Double" : "System.Int32"), Number.isInteger(parseNumber(r, "System.Double")) ? "Int32" : "Double");
    let v: number;
    switch (op) {
      case "+":
        v = ln.v + rn.v;
        break;
      case "-":
        v = ln.v - rn.v;
        break;
      case "*":
        v = ln.v * rn.v;
        break;
      case "/":
        if (rn.v === 0) throw new PSRuntimeError("Attempted to divide by zero.", { category: "NotSpecified", errorId: "RuntimeException" });
        v = ln.v / rn.v;
        break;
      default:
        v = ln.v % rn.v;
    }
    if (ln.t === "Double" || rn.t === "Double" || !Number.isInteger(v)) return new Num(v, "Double");
    if (ln.t === "Int32" && rn.t === "Int32" && v >= -2147483648 && v <= 2147483647) return new Num(v, "Int32");
    return new Num(v, Math.abs(v) <= 9007199254740991 ? "Int64" : "Double");
  }

  private index(obj: PSValue, idx: PSValue): PSValue {
    if (obj === null) throw new PSRuntimeError("Cannot index into a null array.", { category: "InvalidOperation", errorId: "NullArray" });
    if (Array.isArray(idx)) return idx.map((i) => this.index(obj, i));
    if (Array.isArray(obj)) {
      const i = toInteger(idx, "System.Int32").v;
      const j = i < 0 ? obj.length + i : i;
      return j >= 0 && j < obj.length ? obj[j]! : null;
    }
    if (typeof obj === "string") {
      const i = toInteger(idx, "System.Int32").v;
      const j = i < 0 ? obj.length + i : i;
      return j >= 0 && j < obj.length ? new Char(obj[j]!) : null;
    }
    if (isHost(obj)) return obj.getMember(toStr(idx)).value ?? null;
    throw new PSRuntimeError(`Unable to index into an object of type ${typeName(obj)}.`, { category: "InvalidOperation", errorId: "CannotIndex" });
  }

  private getMember(obj: PSValue, name: string, isStatic: boolean): PSValue {
    const n = name.toLowerCase();
    if (isStatic) {
      const t = obj instanceof TypeRef ? TYPES[obj.name.toLowerCase()] : undefined;
      if (t === "System.Console" && n === "out") return new TextWriterValue("out");
      if (t === "System.Console" && n === "error") return new TextWriterValue("err");
      if (t === "System.String" && n === "empty") return "";
      return null;
    }
    if (obj === null) return null;
    if (isHost(obj)) return obj.getMember(name).value ?? null;
    if (typeof obj === "string") return n === "length" ? new Num(obj.length, "Int32") : null;
    if (Array.isArray(obj)) return n === "count" || n === "length" ? new Num(obj.length, "Int32") : null;
    if (obj instanceof ErrorRecordValue) {
      if (n === "exception") return obj.exception;
      if (n === "fullyqualifiederrorid") return obj.errorId;
      if (n === "categoryinfo") return `${obj.category}: (:) [], ${obj.exception.typeName}`;
      return null;
    }
    if (obj instanceof ExceptionValue) return n === "message" ? obj.message : null;
    return null;
  }

  private invokeMethod(obj: PSValue, name: string, args: PSValue[], isStatic: boolean): PSValue | typeof VOID {
    const n = name.toLowerCase();
    const fail = (why: string) =>
      new PSRuntimeError(`Exception calling "${name}" with "${args.length}" argument(s): "${why}"`, {
        category: "NotSpecified",
        errorId: "DotNetMethodException",
        exceptionType: "MethodInvocationException",
      });
    if (isStatic) {
      const t = obj instanceof TypeRef ? TYPES[obj.name.toLowerCase()] : undefined;
      if (t === "System.String") {
        if (n === "join") return (Array.isArray(args[1]) ? args[1] : args.slice(1)).map((x) => toStr(x)).join(toStr(args[0] ?? null));
        if (n === "isnullorempty") return toStr(args[0] ?? null) === "";
        if (n === "concat") return args.map((x) => toStr(x)).join("");
        if (n === "format") return formatString(toStr(args[0] ?? null), args.slice(1));
      }
      if (t === "System.Console" && (n === "writeline" || n === "write")) {
        this.host.stdout(toStr(args[0] ?? null) + (n === "writeline" ? CRLF : ""));
        return VOID;
      }
      throw new PSRuntimeError(`Method invocation failed because [${t ?? toStr(obj)}] doesn't contain a method named '${name}'.`, { category: "InvalidOperation", errorId: "MethodNotFound" });
    }
    if (obj === null) {
      throw new PSRuntimeError("You cannot call a method on a null-valued expression.", { category: "InvalidOperation", errorId: "InvokeMethodOnNull" });
    }
    if (isHost(obj)) {
      if (!obj.hasMethod(name)) throw new PSRuntimeError(`Method invocation failed because [${obj.typeName}] doesn't contain a method named '${name}'.`, { category: "InvalidOperation", errorId: "MethodNotFound" });
      try {
        return obj.invoke(name, args);
      } catch (e) {
        if (e instanceof PSRuntimeError) throw e;
        throw fail((e as Error).message);
      }
    }
    if (obj instanceof TextWriterValue) {
      if (n === "writeline" || n === "write") {
        const text = toStr(args[0] ?? null) + (n === "writeline" ? CRLF : "");
        if (obj.stream === "out") this.host.stdout(text);
        else this.host.stderr(text);
        return VOID;
      }
      if (n === "flush") return VOID;
    }
    if (n === "tostring" && args.length === 0) return toStr(obj);
    if (n === "equals") return equal(obj, args[0] ?? null, true);
    if (typeof obj === "string" || obj instanceof Char) {
      const s = toStr(obj);
      const a = (i: number) => toStr(args[i] ?? null);
      switch (n) {
        case "tochararray":
          return [...s].map((c) => new Char(c));
        case "tolower":
        case "tolowerinvariant":
          return s.toLowerCase();
        case "toupper":
        case "toupperinvariant":
          return s.toUpperCase();
        case "trim":
          return s.trim();
        case "trimstart":
          return s.trimStart();
        case "trimend":
          return s.trimEnd();
        case "contains":
          return s.includes(a(0));
        case "startswith":
          return s.startsWith(a(0));
        case "endswith":
          return s.endsWith(a(0));
        case "indexof":
          return new Num(s.indexOf(a(0)), "Int32");
        case "replace":
          return s.split(a(0)).join(a(1));
        case "split":
          return s.split(new RegExp(`[${a(0).replace(/[\]\\^-]/g, "\\$&")}]`));
        case "substring": {
          const start = toInteger(args[0] ?? null, "System.Int32").v;
          const len = args.length > 1 ? toInteger(args[1]!, "System.Int32").v : s.length - start;
          if (start < 0 || len < 0 || start + len > s.length) throw fail("Index and length must refer to a location within the string.\r\nParameter name: length");
          return s.substr(start, len);
        }
        case "padleft":
          return s.padStart(toInteger(args[0] ?? null, "System.Int32").v, args.length > 1 ? a(1) : " ");
        case "padright":
          return s.padEnd(toInteger(args[0] ?? null, "System.Int32").v, args.length > 1 ? a(1) : " ");
      }
    }
    throw new PSRuntimeError(`Method invocation failed because [${typeName(obj)}] doesn't contain a method named '${name}'.`, { category: "InvalidOperation", errorId: "MethodNotFound" });
  }
}

/** Collected output as a value: none → $null, one → that item, several → an array. */
export function collect(items: PSValue[]): PSValue {
  if (items.length === 0) return null;
  if (items.length === 1) return items[0]!;
  return items;
}

function cmpStr(a: string, b: string, cs: boolean): number {
  const x = cs ? a : a.toLowerCase();
  const y = cs ? b : b.toLowerCase();
  return x === y ? 0 : x < y ? -1 : 1;
}

/** -eq: the right operand converted to the left one's type. */
export function equal(l: PSValue, r: PSValue, cs: boolean): boolean {
  if (l === null) return r === null;
  if (typeof l === "string" || l instanceof Char) return r !== null && cmpStr(toStr(l), toStr(r), cs) === 0;
  if (typeof l === "boolean") return l === toBool(r);
  if (l instanceof Num) {
    if (r === null) return false;
    try {
      return l.v === parseNumber(r, "System.Double");
    } catch {
      return false;
    }
  }
  return l === r;
}

function order(l: PSValue, r: PSValue, cs: boolean): number {
  if (l === null) return r === null ? 0 : -1;
  if (r === null) return 1;
  if (l instanceof Num) {
    const x = parseNumber(r, "System.Double");
    return l.v === x ? 0 : l.v < x ? -1 : 1;
  }
  if (typeof l === "boolean") {
    const x = toBool(r);
    return l === x ? 0 : l ? 1 : -1;
  }
  return cmpStr(toStr(l), toStr(r), cs);
}

function wildcard(pattern: string, cs: boolean): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") re += "[\\s\\S]*";
    else if (c === "?") re += "[\\s\\S]";
    else if (c === "`" && i + 1 < pattern.length) re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    else if (c === "[") {
      const end = pattern.indexOf("]", i);
      if (end < 0) re += "\\[";
      else {
        re += `[${pattern.slice(i + 1, end).replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, cs ? "" : "i");
}

/** .NET regular expression → JavaScript (the common syntax is shared). */
function translateRegex(p: string): string {
  return p.replace(/\\A/g, "^").replace(/\\Z/gi, "$").replace(/\(\?<([A-Za-z_]\w*)>/g, "(?<$1>");
}

function regex(pattern: string, cs: boolean): RegExp {
  try {
    return new RegExp(translateRegex(pattern), cs ? "" : "i");
  } catch (e) {
    throw new PSRuntimeError(`Invalid regular expression pattern: ${pattern}.`, { category: "InvalidOperation", errorId: "InvalidRegularExpression" });
  }
}

/** .NET composite formatting: {index[,alignment][:format]}, {{ and }}. */
export function formatString(fmt: string, args: PSValue[]): string {
  let out = "";
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i]!;
    if (c === "{" && fmt[i + 1] === "{") {
      out += "{";
      i++;
    } else if (c === "}" && fmt[i + 1] === "}") {
      out += "}";
      i++;
    } else if (c === "{") {
      const end = fmt.indexOf("}", i);
      const m = end < 0 ? null : /^(\d+)(?:,(-?\d+))?(?::(.*))?$/.exec(fmt.slice(i + 1, end));
      if (!m) throw new PSRuntimeError(`Error formatting a string: Input string was not in a correct format..`, { category: "InvalidOperation", errorId: "FormatError" });
      const idx = Number(m[1]);
      if (idx >= args.length) throw new PSRuntimeError("Error formatting a string: Index (zero based) must be greater than or equal to zero and less than the size of the argument list..", { category: "InvalidOperation", errorId: "FormatError" });
      const v = args[idx]!;
      let s: string;
      const f = m[3];
      const fm = f ? /^([xXdD])(\d*)$/.exec(f) : null;
      if (fm) {
        const n = v instanceof Char ? v.c.charCodeAt(0) : parseNumber(v, "System.Int32");
        const digits = fm[1]!.toLowerCase() === "x" ? n.toString(16) : String(Math.abs(n));
        const padded = digits.padStart(Number(fm[2] || 0), "0");
        s = fm[1] === "X" ? padded.toUpperCase() : fm[1]!.toLowerCase() === "d" && n < 0 ? `-${padded}` : padded;
      } else s = toStr(v);
      const width = m[2] ? Number(m[2]) : 0;
      out += width >= 0 ? s.padStart(width) : s.padEnd(-width);
      i = end;
    } else out += c;
  }
  return out;
}
