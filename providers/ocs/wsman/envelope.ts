/**
 * WS-Management request envelopes (SOAP 1.2), as DMTF DSP0226 and Microsoft's MS-WSMV describe them,
 * for WMI classes exposed as resources http://schemas.microsoft.com/wbem/wsman/1/wmi/<namespace>/<Class>.
 *
 * Header: wsa:To, wsman:ResourceURI, wsa:ReplyTo (anonymous), wsa:Action, wsman:MaxEnvelopeSize,
 * wsa:MessageID, wsman:Locale, wsmv:DataLocale, wsman:OperationTimeout and, for Get / Put / Delete,
 * wsman:SelectorSet with one wsman:Selector per key property (for OCS's pool-level classes: Backend
 * and InstanceID). Bodies: wsen:Enumerate (wsman:OptimizeEnumeration, wsman:MaxElements,
 * wsman:Filter with the WQL dialect), wsen:Pull, wsen:Release, and for Put / Create the instance
 * itself, one element per property in the class's namespace (DSP0227/DSP0230 rendering).
 *
 * Every text and attribute value goes through xmlText(); WQL literals through wqlString(), which
 * refuses (rather than escapes) anything outside a small character set, so no input can change a
 * query.
 */
import { randomUUID } from "node:crypto";

export const NS = {
  s: "http://www.w3.org/2003/05/soap-envelope",
  a: "http://schemas.xmlsoap.org/ws/2004/08/addressing",
  w: "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd",
  p: "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd",
  n: "http://schemas.xmlsoap.org/ws/2004/09/enumeration",
  x: "http://schemas.xmlsoap.org/ws/2004/09/transfer",
  xsi: "http://www.w3.org/2001/XMLSchema-instance",
  f: "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault",
} as const;

export const ACTION = {
  get: "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get",
  put: "http://schemas.xmlsoap.org/ws/2004/09/transfer/Put",
  create: "http://schemas.xmlsoap.org/ws/2004/09/transfer/Create",
  delete: "http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete",
  enumerate: "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate",
  pull: "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull",
  release: "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Release",
} as const;
export type Action = keyof typeof ACTION;

export const ANONYMOUS = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous";
export const WQL_DIALECT = "http://schemas.microsoft.com/wbem/wsman/1/WQL";
export const WMI_PREFIX = "http://schemas.microsoft.com/wbem/wsman/1/wmi/";

/** The resource URI of a WMI class in a namespace ("root/cimv2"). */
export const wmiResourceUri = (className: string, namespace = "root/cimv2"): string => `${WMI_PREFIX}${namespace}/${className}`;

/** Windows Server 2008's default MaxEnvelopeSizekb is 150. */
export const MAX_ENVELOPE_SIZE = 153_600;

/** Characters XML 1.0 cannot carry at all (escaping does not help): refused. */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Escape text or an attribute value; throws on characters XML cannot carry. */
export function xmlText(s: string): string {
  if (NOT_XML.test(s)) throw new Error("a value holds a control character XML cannot carry");
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;").replace(/\r/g, "&#13;");
}

/** The characters a WQL literal may hold here: host names, SQL instance names, (local), backslashes. */
const WQL_SAFE = /^[A-Za-z0-9()._$#&\\-]*$/;

/**
 * A WQL string literal. WQL treats the backslash as an escape character inside strings, so each is
 * doubled; quotes and everything outside WQL_SAFE are refused, never escaped.
 */
export function wqlString(value: string): string {
  if (!WQL_SAFE.test(value) || value.length > 255) throw new Error(`a WQL literal may hold only letters, digits and . _ - ( ) $ # & \\ (up to 255 characters)`);
  return `'${value.replace(/\\/g, "\\\\")}'`;
}

/** A WMI class or property name (never from input, checked all the same). */
export function wmiName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a WMI name: ${name}`);
  return name;
}

/** SELECT * FROM <class> [WHERE <property> = '<literal>'] */
export function wqlSelect(className: string, where?: { property: string; value: string }): string {
  const base = `SELECT * FROM ${wmiName(className)}`;
  return where ? `${base} WHERE ${wmiName(where.property)} = ${wqlString(where.value)}` : base;
}

/** xs:duration for wsman:OperationTimeout. */
export const duration = (ms: number): string => `PT${(Math.max(1, Math.round(ms / 100)) / 10).toFixed(3)}S`;

export interface RequestHeader {
  /** The listener URL, e.g. https://fe01.example.com:5986/wsman */
  to: string;
  resourceUri: string;
  action: Action;
  operationTimeoutMs: number;
  /** Key property → value (Get, Put, Delete). */
  selectors?: Record<string, string>;
  messageId?: string;
}

/** The whole envelope: header as above, body as given (already XML). */
export function envelope(h: RequestHeader, body: string): string {
  const selectors = h.selectors
    ? `<w:SelectorSet>${Object.entries(h.selectors)
        .map(([k, v]) => `<w:Selector Name="${xmlText(wmiName(k))}">${xmlText(v)}</w:Selector>`)
        .join("")}</w:SelectorSet>`
    : "";
  const ns = (Object.keys(NS) as (keyof typeof NS)[])
    .filter((k) => k !== "f" && k !== "xsi")
    .map((k) => `xmlns:${k}="${NS[k]}"`)
    .join(" ");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<s:Envelope ${ns}>` +
    `<s:Header>` +
    `<a:To>${xmlText(h.to)}</a:To>` +
    `<w:ResourceURI s:mustUnderstand="true">${xmlText(h.resourceUri)}</w:ResourceURI>` +
    `<a:ReplyTo><a:Address s:mustUnderstand="true">${ANONYMOUS}</a:Address></a:ReplyTo>` +
    `<a:Action s:mustUnderstand="true">${ACTION[h.action]}</a:Action>` +
    `<w:MaxEnvelopeSize s:mustUnderstand="true">${MAX_ENVELOPE_SIZE}</w:MaxEnvelopeSize>` +
    `<a:MessageID>${xmlText(h.messageId ?? `uuid:${randomUUID().toUpperCase()}`)}</a:MessageID>` +
    `<w:Locale xml:lang="en-US" s:mustUnderstand="false"/>` +
    `<p:DataLocale xml:lang="en-US" s:mustUnderstand="false"/>` +
    `<w:OperationTimeout>${duration(h.operationTimeoutMs)}</w:OperationTimeout>` +
    selectors +
    `</s:Header>` +
    `<s:Body>${body}</s:Body>` +
    `</s:Envelope>`
  );
}

/** wsen:Enumerate with an optimized first batch and a WQL filter. */
export function enumerateBody(wql: string, maxElements = 100): string {
  return (
    `<n:Enumerate>` +
    `<w:OptimizeEnumeration/>` +
    `<w:MaxElements>${maxElements}</w:MaxElements>` +
    `<w:Filter Dialect="${WQL_DIALECT}">${xmlText(wql)}</w:Filter>` +
    `</n:Enumerate>`
  );
}

export function pullBody(context: string, maxElements = 100): string {
  return `<n:Pull><n:EnumerationContext>${xmlText(context)}</n:EnumerationContext><n:MaxElements>${maxElements}</n:MaxElements></n:Pull>`;
}

export function releaseBody(context: string): string {
  return `<n:Release><n:EnumerationContext>${xmlText(context)}</n:EnumerationContext></n:Release>`;
}

/** A property value of an instance: a scalar, an array (repeated elements), or null (xsi:nil). */
export type PropertyValue = string | number | boolean | null | readonly (string | number | boolean)[];

/**
 * An instance of a WMI class as Put and Create carry it: <c:Class xmlns:c="<resource URI>"> with one
 * child per property, in the order given (rcclab sends them in alphabetical order, as WinRM renders
 * WMI instances).
 */
export function instanceBody(className: string, resourceUri: string, properties: Record<string, PropertyValue>): string {
  const cls = wmiName(className);
  const parts: string[] = [];
  for (const [name, value] of Object.entries(properties)) {
    const p = wmiName(name);
    if (value === null) parts.push(`<c:${p} xsi:nil="true"/>`);
    else if (Array.isArray(value)) for (const v of value) parts.push(`<c:${p}>${xmlText(scalar(v))}</c:${p}>`);
    else parts.push(`<c:${p}>${xmlText(scalar(value as string | number | boolean))}</c:${p}>`);
  }
  return `<c:${cls} xmlns:c="${xmlText(resourceUri)}" xmlns:xsi="${NS.xsi}">${parts.join("")}</c:${cls}>`;
}

function scalar(v: string | number | boolean): string {
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`not a uint32: ${v}`);
    return String(v);
  }
  return v;
}
