/**
 * System.Management objects as PowerShell scripts see them, backed by the front end's WMI store:
 * Get-WmiObject's ManagementObject instances (properties by name, case-insensitive; the system
 * properties __CLASS, __NAMESPACE, __SERVER, __RELPATH, __PATH; Put(), Delete(), Get()) and
 * [wmiclass]'root\cimv2:Class' (CreateInstance()).
 *
 * Put() on an instance from CreateInstance() creates it, on an instance read from WMI updates it
 * (WMI's PutInstance with create-or-update semantics); failures surface as PowerShell's
 * MethodInvocationException ("Exception calling "Put" with "0" argument(s): "Invalid parameter "").
 * Assigning a property converts the value to the property's CIM type first.
 */
import { type CimClass, type CimValue, WMI_NAMESPACE, findClass, findProperty, keyNames } from "../classes";
import type { OcsWmiStore, WmiCaller } from "../store";
import { WBEM, WmiError } from "../wmierror";
import { PSRuntimeError, toBool, toInteger, toStr } from "./interp";
import { type HostObject, Num, type PSValue, VOID } from "./values";

export interface WmiHostContext {
  store: OcsWmiStore;
  caller: WmiCaller;
  /** The computer name in __SERVER and __PATH. */
  server: string;
}

function wmiError(e: unknown): PSRuntimeError {
  if (e instanceof WmiError) return new PSRuntimeError(e.message, { category: "InvalidOperation", errorId: "GetWMIManagementException", exceptionType: "ManagementException" });
  throw e;
}

function methodFailed(name: string, argc: number, e: unknown): PSRuntimeError {
  const why = e instanceof WmiError ? e.message : (e as Error).message;
  return new PSRuntimeError(`Exception calling "${name}" with "${argc}" argument(s): "${why}"`, {
    category: "NotSpecified",
    errorId: "DotNetMethodException",
    exceptionType: "MethodInvocationException",
  });
}

function toPS(v: CimValue, type: string): PSValue {
  if (v === null) return null;
  if (Array.isArray(v)) return v.map((x) => toPS(x, type.replace("[]", "")));
  if (typeof v === "number") return new Num(v, type.startsWith("uint8") ? "Byte" : "UInt32");
  return v;
}

/** A PowerShell value assigned to a property, converted to its CIM type. */
function fromPS(cls: CimClass, name: string, v: PSValue): CimValue {
  const prop = findProperty(cls, name)!;
  if (v === null) return null;
  try {
    switch (prop.type) {
      case "string":
        return toStr(v);
      case "boolean":
        return toBool(v);
      case "uint32":
        return toInteger(v, "System.UInt32").v;
      case "uint8[]":
        return (Array.isArray(v) ? v : [v]).map((x) => toInteger(x, "System.Byte").v);
      case "string[]":
        return (Array.isArray(v) ? v : [v]).map((x) => toStr(x));
    }
  } catch (e) {
    if (e instanceof PSRuntimeError) {
      throw new PSRuntimeError(`Exception setting "${prop.name}": "${e.message}"`, { category: "NotSpecified", errorId: "ExceptionWhenSetting", exceptionType: "SetValueInvocationException" });
    }
    throw e;
  }
}

const pathValue = (v: CimValue): string => `"${String(v ?? "").replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

export class WmiObjectValue implements HostObject {
  readonly typeName = "System.Management.ManagementObject";
  private props: Record<string, CimValue>;
  private original: Record<string, string> | undefined;

  constructor(
    private readonly ctx: WmiHostContext,
    private readonly cls: CimClass,
    props: Record<string, CimValue>,
    isNew: boolean,
  ) {
    this.props = { ...props };
    this.original = isNew ? undefined : this.keys();
  }

  private keys(): Record<string, string> {
    return Object.fromEntries(keyNames(this.cls).map((k) => [k, String(this.props[k] ?? "")]));
  }

  private relPath(): string {
    return `${this.cls.name}.${keyNames(this.cls)
      .map((k) => `${k}=${pathValue(this.props[k] ?? null)}`)
      .join(",")}`;
  }

  getMember(name: string): { found: boolean; value?: PSValue } {
    const n = name.toLowerCase();
    const prop = findProperty(this.cls, name);
    if (prop) return { found: true, value: toPS(this.props[prop.name] ?? null, prop.type) };
    switch (n) {
      case "__class":
        return { found: true, value: this.cls.name };
      case "__namespace":
        return { found: true, value: "ROOT\\cimv2" };
      case "__server":
        return { found: true, value: this.ctx.server };
      case "__relpath":
        return { found: true, value: this.original ? this.relPath() : null };
      case "__path":
        return { found: true, value: this.original ? this.toString() : null };
      case "__genus":
        return { found: true, value: new Num(2, "Int32") };
    }
    return { found: false };
  }

  setMember(name: string, value: PSValue): void {
    const prop = findProperty(this.cls, name);
    if (!prop) {
      throw new PSRuntimeError(`Exception setting "${name}": "Not found "`, { category: "NotSpecified", errorId: "ExceptionWhenSetting", exceptionType: "SetValueInvocationException" });
    }
    this.props[prop.name] = fromPS(this.cls, prop.name, value);
  }

  hasMethod(name: string): boolean {
    return ["put", "delete", "get", "tostring"].includes(name.toLowerCase());
  }

  invoke(name: string, args: PSValue[]): PSValue | typeof VOID {
    const n = name.toLowerCase();
    try {
      if (n === "tostring") return this.toString();
      if (n === "put") {
        const changes: Record<string, CimValue> = {};
        for (const p of this.cls.properties) if (!p.key || !this.original) changes[p.name] = this.props[p.name] ?? null;
        if (!this.original) {
          for (const k of keyNames(this.cls)) if (changes[k] === null) delete changes[k];
          const made = this.ctx.store.create(this.cls.name, changes, this.ctx.caller);
          this.props = { ...made.props };
        } else {
          for (const k of keyNames(this.cls)) {
            if (String(this.props[k] ?? "").toLowerCase() !== (this.original[k] ?? "").toLowerCase()) throw new WmiError(WBEM.INVALID_PARAMETER, `${k} is read-only`);
          }
          const updated = this.ctx.store.update(this.cls.name, this.original, changes, this.ctx.caller);
          this.props = { ...updated.props };
        }
        this.original = this.keys();
        return this.toString();
      }
      if (n === "delete") {
        if (!this.original) throw new WmiError(WBEM.NOT_FOUND);
        this.ctx.store.delete(this.cls.name, this.original, this.ctx.caller);
        return VOID;
      }
      if (n === "get") {
        if (!this.original) throw new WmiError(WBEM.NOT_FOUND);
        this.props = { ...this.ctx.store.get(this.cls.name, this.original, this.ctx.caller).props };
        return VOID;
      }
    } catch (e) {
      throw methodFailed(name, args.length, e);
    }
    throw new PSRuntimeError(`Method invocation failed because [${this.typeName}] doesn't contain a method named '${name}'.`, { category: "InvalidOperation", errorId: "MethodNotFound" });
  }

  toString(): string {
    return `\\\\${this.ctx.server}\\ROOT\\cimv2:${this.relPath()}`;
  }
}

export class WmiClassValue implements HostObject {
  readonly typeName = "System.Management.ManagementClass";
  constructor(
    private readonly ctx: WmiHostContext,
    private readonly cls: CimClass,
  ) {}
  getMember(name: string): { found: boolean; value?: PSValue } {
    const n = name.toLowerCase();
    if (n === "__class" || n === "name") return { found: true, value: this.cls.name };
    if (n === "__namespace") return { found: true, value: "ROOT\\cimv2" };
    return { found: false };
  }
  setMember(name: string): void {
    throw new PSRuntimeError(`Exception setting "${name}": "Not found "`, { category: "NotSpecified", errorId: "ExceptionWhenSetting", exceptionType: "SetValueInvocationException" });
  }
  hasMethod(name: string): boolean {
    return ["createinstance", "tostring"].includes(name.toLowerCase());
  }
  invoke(name: string): PSValue | typeof VOID {
    if (name.toLowerCase() === "tostring") return this.toString();
    const empty = Object.fromEntries(this.cls.properties.map((p) => [p.name, null]));
    return new WmiObjectValue(this.ctx, this.cls, empty, true);
  }
  toString(): string {
    return `\\\\${this.ctx.server}\\ROOT\\cimv2:${this.cls.name}`;
  }
}

const sameNamespace = (ns: string): boolean => ns.replace(/\//g, "\\").replace(/^\\\\[^\\]+\\/, "").toLowerCase() === WMI_NAMESPACE.toLowerCase();

/** Get-WmiObject on the store. */
export function getWmiObject(ctx: WmiHostContext, args: { namespace: string; className?: string; filter?: string; query?: string }): HostObject[] {
  try {
    if (!sameNamespace(args.namespace)) throw new WmiError(WBEM.INVALID_NAMESPACE);
    let wql: string;
    if (args.query !== undefined) wql = args.query;
    else {
      if (!args.className) throw new WmiError(WBEM.INVALID_CLASS);
      wql = `SELECT * FROM ${args.className}${args.filter ? ` WHERE ${args.filter}` : ""}`;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(args.className)) throw new WmiError(WBEM.INVALID_CLASS);
    }
    const r = ctx.store.query(wql, ctx.caller);
    return r.instances.map((i) => new WmiObjectValue(ctx, r.cls, i.props, false));
  } catch (e) {
    throw wmiError(e);
  }
}

/** [wmiclass]'root\cimv2:Class' (or just 'Class'). */
export function wmiClass(ctx: WmiHostContext, path: string): HostObject {
  const m = /^(?:(.*):)?([A-Za-z_][A-Za-z0-9_]*)$/.exec(path.trim());
  const cls = m ? findClass(m[2]!) : undefined;
  if (!m || (m[1] !== undefined && !sameNamespace(m[1])) || !cls) {
    throw new PSRuntimeError(`Cannot convert value "${path}" to type "System.Management.ManagementClass". Error: "Not found "`, {
      category: "InvalidArgument",
      errorId: "RuntimeException",
      exceptionType: "RuntimeException",
    });
  }
  if (!ctx.caller.admin) {
    throw new PSRuntimeError(`Cannot convert value "${path}" to type "System.Management.ManagementClass". Error: "Access denied "`, {
      category: "InvalidArgument",
      errorId: "RuntimeException",
      exceptionType: "RuntimeException",
    });
  }
  return new WmiClassValue(ctx, cls);
}
