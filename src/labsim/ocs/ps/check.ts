/**
 * Reading a parsed script before running it: whether it stays inside what the interpreter serves
 * (commands it defines or a known cmdlet, known types, known .NET members, known Get-WmiObject
 * parameters), and what it does with WMI, by its own constructs: the OCS classes it names, the WMI
 * methods it calls (CreateInstance, Put, Delete), the Where-Object filters comparing a property of
 * $_ with a variable, and the literal assignments at its top (the "header" variables).
 */
import { findClass } from "../classes";
import type { Arg, Element, Expr, Pipeline, Stmt } from "./ast";
import { CMDLETS, METHODS, STATIC_MEMBERS, TYPES } from "./interp";

export type OcsOp = "route.get" | "route.create" | "route.update" | "route.delete" | "host.get" | "host.create" | "host.update" | "host.delete";

export interface ScriptSummary {
  /** OCS WMI classes the script names. */
  classes: string[];
  /** WMI methods it calls. */
  wmiMethods: string[];
  /** Cmdlets it runs. */
  cmdlets: string[];
  /** Functions it defines. */
  functions: string[];
  /** Where-Object comparisons `$_.<property> -eq $<variable>` (a computed property shows as its expression). */
  filters: { property: string; variable: string }[];
  /** Top-level `$name='literal'` assignments, in order. */
  vars: Record<string, string>;
  /** The operation on the pool's routes or hosts the script performs, when it names one data class. */
  op?: OcsOp;
}

export interface Refusal {
  at: number;
  /** What PowerShell's parser would print. */
  message: string;
  /** Why, in this simulator's words. */
  reason: string;
}

type Node = Stmt | Pipeline | Element | Expr | Arg;

function children(n: Node): Node[] {
  switch (n.k) {
    case "function":
    case "trap":
      return n.body;
    case "if":
      return [...n.clauses.flatMap((c) => [c.cond, ...c.body]), ...(n.otherwise ?? [])];
    case "foreach":
      return [n.iter, ...n.body];
    case "for":
      return [...(n.init ? [n.init] : []), ...(n.cond ? [n.cond] : []), ...(n.step ? [n.step] : []), ...n.body];
    case "exit":
    case "return":
      return n.value ? [n.value] : [];
    case "break":
    case "continue":
      return [];
    case "pipeline":
      return [n.p];
    case "assign":
      return [n.target, n.value];
    case "pipe":
      return n.elements;
    case "cmd":
      return n.args;
    case "expr":
      return [n.e];
    case "param":
      return [];
    case "value":
      return [n.e];
    case "str":
    case "num":
    case "var":
    case "type":
      return [];
    case "xstr":
      return n.parts.filter((p): p is Expr => typeof p !== "string");
    case "array":
      return n.items;
    case "sub":
      return n.stmts;
    case "paren":
      return [n.p];
    case "sb":
      return n.body;
    case "cast":
      return [n.e];
    case "unary":
      return [n.e];
    case "bin":
      return [n.l, n.r];
    case "member":
      return [n.obj, ...(typeof n.name === "string" ? [] : [n.name])];
    case "invoke":
      return [n.obj, ...(typeof n.name === "string" ? [] : [n.name]), ...n.args];
    case "index":
      return [n.obj, n.idx];
    case "incr":
      return [n.target];
  }
}

function walk(nodes: Node[], fn: (n: Node) => void): void {
  for (const n of nodes) {
    fn(n);
    walk(children(n), fn);
  }
}

const WMI_PARAMS = ["namespace", "class", "filter", "query", "computername"];

/** Refuses a script that uses anything the interpreter does not serve; otherwise undefined. */
export function checkScript(body: Stmt[]): Refusal | undefined {
  const defined = new Set<string>();
  walk(body, (n) => {
    if (n.k === "function") defined.add(n.name.toLowerCase());
  });
  let refusal: Refusal | undefined;
  const refuse = (at: number, token: string, reason: string) => {
    refusal ??= { at, message: `Unexpected token '${token}' in expression or statement.`, reason };
  };
  walk(body, (n) => {
    if (n.k === "cmd") {
      const name = n.name.toLowerCase();
      if (!defined.has(name) && !CMDLETS[name]) refuse(n.at, n.name, `the command '${n.name}' is not one this front end interprets`);
      if (CMDLETS[name] === "Get-WmiObject") {
        for (const a of n.args) {
          if (a.k === "param" && !WMI_PARAMS.some((p) => p.startsWith(a.name.toLowerCase()))) refuse(a.at, `-${a.name}`, `Get-WmiObject -${a.name} is not served`);
        }
      }
    } else if (n.k === "cast" || n.k === "type") {
      const t = n.k === "cast" ? n.type : n.name;
      if (!TYPES[t.toLowerCase()]) refuse(n.at, `[${t}]`, `the type [${t}] is not served`);
    } else if ((n.k === "member" || n.k === "invoke") && n.isStatic) {
      const t = n.obj.k === "type" ? TYPES[n.obj.name.toLowerCase()] : undefined;
      const name = typeof n.name === "string" ? n.name.toLowerCase() : "";
      if (!t || !(STATIC_MEMBERS[t] ?? []).includes(name)) refuse(n.at, `::${typeof n.name === "string" ? n.name : "(…)"}`, "this static member is not served");
    } else if (n.k === "invoke" && !n.isStatic) {
      if (typeof n.name !== "string" || !METHODS.has(n.name.toLowerCase())) refuse(n.at, `.${typeof n.name === "string" ? n.name : "(…)"}(`, "this method is not served");
    }
  });
  return refusal;
}

/** What the script does with the OCS classes, read from its constructs. */
export function summarize(body: Stmt[], src: string): ScriptSummary {
  const classes = new Set<string>();
  const wmiMethods = new Set<string>();
  const cmdlets = new Set<string>();
  const functions: string[] = [];
  const filters: { property: string; variable: string }[] = [];
  const noteClass = (text: string) => {
    const name = text.includes(":") ? text.slice(text.lastIndexOf(":") + 1) : text;
    const cls = findClass(name.trim());
    if (cls) classes.add(cls.name);
  };
  const isDollarUnder = (e: Expr) => e.k === "var" && e.name === "_";
  walk(body, (n) => {
    if (n.k === "str") noteClass(n.v);
    else if (n.k === "function") functions.push(n.name);
    else if (n.k === "cmd") {
      const c = CMDLETS[n.name.toLowerCase()];
      if (c) cmdlets.add(c);
      if (c === "Where-Object") {
        walk(n.args, (m) => {
          if (m.k === "bin" && /^[ic]?eq$/.test(m.op) && m.l.k === "member" && isDollarUnder(m.l.obj) && m.r.k === "var") {
            const prop = typeof m.l.name === "string" ? m.l.name : `(${src.slice(m.l.name.at, endOf(m.l.name, src))})`;
            filters.push({ property: prop, variable: m.r.name });
          }
        });
      }
    } else if (n.k === "invoke" && !n.isStatic && typeof n.name === "string") {
      const m = n.name.toLowerCase();
      if (m === "createinstance") wmiMethods.add("CreateInstance");
      else if (m === "put") wmiMethods.add("Put");
      else if (m === "delete") wmiMethods.add("Delete");
    }
  });
  const vars: Record<string, string> = {};
  for (const st of body) {
    if (st.k !== "pipeline" || st.p.k !== "assign" || st.p.op !== "=" || st.p.target.k !== "var") continue;
    const v = st.p.value;
    if (v.k === "pipe" && v.elements.length === 1 && v.elements[0]!.k === "expr" && v.elements[0]!.e.k === "str") vars[st.p.target.name] = v.elements[0]!.e.v;
  }
  const data = [...classes].filter((c) => c === "MSFT_SIPRoutingTableData" || c === "MSFT_SIPRemoteAddressData");
  let op: OcsOp | undefined;
  if (data.length === 1) {
    const kind = data[0] === "MSFT_SIPRoutingTableData" ? "route" : "host";
    const verb = wmiMethods.has("Delete") ? "delete" : wmiMethods.has("CreateInstance") ? "create" : wmiMethods.has("Put") ? "update" : "get";
    op = `${kind}.${verb}`;
  }
  return { classes: [...classes], wmiMethods: [...wmiMethods], cmdlets: [...cmdlets], functions, filters, vars, ...(op ? { op } : {}) };
}

/** The end offset of a parenthesised member-name expression (for display only). */
function endOf(e: Expr, src: string): number {
  let depth = 0;
  for (let i = e.at; i < src.length; i++) {
    const c = src[i];
    if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") {
      if (depth === 0) return i;
      depth--;
    }
  }
  return src.length;
}
