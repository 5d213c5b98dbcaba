/**
 * Reading WS-Management responses: the SOAP body's EnumerateResponse / PullResponse (context, items,
 * end of sequence), a Get or Put answer (the instance), a Create answer (wxf:ResourceCreated, the new
 * instance's selectors) and SOAP faults (code, subcode, reason, wsman:FaultDetail and Microsoft's
 * WSManFault with its Code, nested provider faults included).
 *
 * Element names are compared by local name (the prefixes a server picks are its own). Instances are
 * rendered as DSP0227 says: one child element per property, repeated for arrays, xsi:nil="true" for
 * null. A DTD is refused outright (SOAP 1.2 forbids one), so no entity can expand.
 */
import { XMLParser } from "fast-xml-parser";

export type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

export class WsmanParseError extends Error {}

/** The SOAP Body of a response. */
export function soapBody(xml: string): Node {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new WsmanParseError("the response carries a DTD, which SOAP forbids");
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (e) {
    throw new WsmanParseError(`the response is not XML (${(e as Error).message})`);
  }
  const env = doc.Envelope as Node | undefined;
  const body = env && typeof env === "object" ? (env.Body as Node | string | undefined) : undefined;
  if (body === undefined || env === undefined) throw new WsmanParseError("the response is not a SOAP envelope");
  return typeof body === "object" && body !== null ? body : {};
}

export const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The text of an element parsed with attributes ("#text" beside "@_…" keys), or the string itself. */
export function textOf(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v && typeof v === "object" && !Array.isArray(v)) {
    const t = (v as Node)["#text"];
    if (t !== undefined) return String(t);
    if (Object.keys(v).every((k) => k.startsWith("@_"))) return "";
  }
  return undefined;
}

const isNil = (v: unknown): boolean => !!v && typeof v === "object" && !Array.isArray(v) && String((v as Node)["@_nil"]).toLowerCase() === "true";

/** A property's raw value: string, array of strings (repeated elements), or null. */
export type RawValue = string | string[] | null;

/** An instance element's properties (attributes and stray text ignored). */
export function instanceProperties(el: unknown): Record<string, RawValue> {
  const out: Record<string, RawValue> = {};
  if (!el || typeof el !== "object" || Array.isArray(el)) return out;
  for (const [k, v] of Object.entries(el as Node)) {
    if (k.startsWith("@_") || k === "#text") continue;
    // A structured child is not a property value: DSP0227's cim:Location (the instance's EPR), an embedded object.
    if ((Array.isArray(v) ? v : [v]).some((x) => !isNil(x) && textOf(x) === undefined)) continue;
    if (Array.isArray(v)) out[k] = v.filter((x) => !isNil(x)).map((x) => textOf(x) ?? "");
    else if (isNil(v)) out[k] = null;
    else out[k] = textOf(v) ?? "";
  }
  return out;
}

export interface EnumerationBatch {
  context?: string;
  items: Record<string, RawValue>[];
  end: boolean;
}

/** An EnumerateResponse (optimized: it may carry the first items) or a PullResponse. */
export function enumerationBatch(body: Node, which: "EnumerateResponse" | "PullResponse"): EnumerationBatch {
  const r = body[which];
  if (r === undefined) throw new WsmanParseError(`the answer has no ${which}`);
  const resp = (typeof r === "object" && r !== null ? r : {}) as Node;
  const items: Record<string, RawValue>[] = [];
  for (const holder of asArray(resp.Items as Node | Node[] | undefined)) {
    if (!holder || typeof holder !== "object") continue;
    for (const [k, v] of Object.entries(holder)) {
      if (k.startsWith("@_") || k === "#text") continue;
      for (const el of asArray(v)) items.push(instanceProperties(el));
    }
  }
  const context = textOf(resp.EnumerationContext);
  return { ...(context ? { context } : {}), items, end: resp.EndOfSequence !== undefined };
}

/** The instance a Get or Put answers: the body's one element. */
export function bodyInstance(body: Node): Record<string, RawValue> | undefined {
  const keys = Object.keys(body).filter((k) => !k.startsWith("@_") && k !== "#text");
  if (keys.length === 0) return undefined;
  return instanceProperties(asArray(body[keys[0]!])[0]);
}

/** The selectors of wxf:ResourceCreated's endpoint reference. */
export function createdSelectors(body: Node): Record<string, string> | undefined {
  const rc = body.ResourceCreated as Node | undefined;
  if (!rc || typeof rc !== "object") return undefined;
  const params = (rc.ReferenceParameters ?? {}) as Node;
  const out: Record<string, string> = {};
  for (const set of asArray(params.SelectorSet as Node | Node[] | undefined)) {
    for (const sel of asArray((set as Node)?.Selector as unknown)) {
      const name = sel && typeof sel === "object" ? (sel as Node)["@_Name"] : undefined;
      if (typeof name === "string") out[name] = textOf(sel) ?? "";
    }
  }
  return out;
}

export interface SoapFault {
  /** The SOAP code's local name: Sender, Receiver, … */
  code?: string;
  /** The first subcode's local name: AccessDenied, InvalidSelectors, DestinationUnreachable, … */
  subcode?: string;
  reason?: string;
  /** wsman:FaultDetail URIs' last segments (InvalidResourceURI, UnexpectedSelectors, …). */
  details: string[];
  /** Every WSManFault Code, outermost first (decimal, as Windows writes them). */
  wsmanCodes: number[];
  /** WSManFault messages (the innermost provider's message last). */
  messages: string[];
  machine?: string;
}

const localName = (q: string | undefined): string | undefined => (q === undefined ? undefined : q.trim().replace(/^.*[:/]/, ""));

/** The body's SOAP fault, or undefined when it has none. */
export function soapFault(body: Node): SoapFault | undefined {
  const f = body.Fault as Node | undefined;
  if (!f || typeof f !== "object") return undefined;
  const code = (f.Code ?? {}) as Node;
  const sub = (code.Subcode ?? {}) as Node;
  const reasonTexts = asArray((f.Reason as Node | undefined)?.Text as unknown).map((t) => textOf(t) ?? "");
  const out: SoapFault = { details: [], wsmanCodes: [], messages: [] };
  const c = localName(textOf(code.Value));
  const s = localName(textOf(sub.Value));
  if (c) out.code = c;
  if (s) out.subcode = s;
  const reason = reasonTexts.join(" ").trim();
  if (reason) out.reason = reason;
  const walk = (n: unknown, depth: number): void => {
    if (depth > 12 || !n || typeof n !== "object") return;
    if (Array.isArray(n)) return n.forEach((x) => walk(x, depth + 1));
    for (const [k, v] of Object.entries(n as Node)) {
      if (k === "FaultDetail") for (const d of asArray(v)) out.details.push(localName(textOf(d)) ?? "");
      if (k === "WSManFault") {
        for (const w of asArray(v as Node | Node[])) {
          const code = Number((w as Node)?.["@_Code"]);
          if (Number.isFinite(code)) out.wsmanCodes.push(code);
          const machine = (w as Node)?.["@_Machine"];
          if (typeof machine === "string" && !out.machine) out.machine = machine;
          const msg = (w as Node)?.Message;
          const text = typeof msg === "string" ? msg : textOf(msg);
          if (text && text.trim()) out.messages.push(text.trim());
        }
      }
      if (typeof v === "object") walk(v, depth + 1);
    }
  };
  walk(f.Detail, 0);
  return out;
}
