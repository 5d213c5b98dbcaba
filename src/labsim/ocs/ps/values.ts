/**
 * Runtime values of the PowerShell subset: .NET types are modelled by what scripts can observe
 * (type tests with -is, conversions, ToString()).
 */
import type { Stmt } from "./ast";

/** A number with its .NET type. */
export class Num {
  constructor(
    readonly v: number,
    readonly t: "Int32" | "UInt32" | "Int64" | "Double" | "Byte",
  ) {}
}
/** System.Char. */
export class Char {
  constructor(readonly c: string) {}
}
/** A script block value. */
export class ScriptBlockValue {
  constructor(
    readonly body: Stmt[],
    readonly text: string,
  ) {}
}
/** A type literal such as [string]. */
export class TypeRef {
  constructor(readonly name: string) {}
}
/** System.Console's Out / Error writers. */
export class TextWriterValue {
  constructor(readonly stream: "out" | "err") {}
}
/** An exception object (ErrorRecord.Exception). */
export class ExceptionValue {
  constructor(
    readonly message: string,
    readonly typeName: string,
  ) {}
}
/** System.Management.Automation.ErrorRecord as $_ in a trap. */
export class ErrorRecordValue {
  constructor(
    readonly exception: ExceptionValue,
    readonly category: string,
    readonly errorId: string,
  ) {}
}
/** No output at all (a void method, an assignment): nothing enters the pipeline. */
export const VOID: unique symbol = Symbol("void");

/** Host objects (WMI objects and classes) implement this. */
export interface HostObject {
  readonly typeName: string;
  getMember(name: string): { found: boolean; value?: PSValue };
  setMember(name: string, value: PSValue): void;
  invoke(name: string, args: PSValue[]): PSValue | typeof VOID;
  hasMethod(name: string): boolean;
  toString(): string;
}

export type PSValue =
  | null
  | string
  | boolean
  | Num
  | Char
  | PSValue[]
  | ScriptBlockValue
  | TypeRef
  | TextWriterValue
  | ExceptionValue
  | ErrorRecordValue
  | HostObject;

export const isHost = (v: unknown): v is HostObject =>
  typeof v === "object" && v !== null && typeof (v as HostObject).getMember === "function" && typeof (v as HostObject).invoke === "function";
