/**
 * The WS-Management service of the simulated front end: SOAP 1.2 envelopes with WS-Addressing
 * headers as Windows' WinRM takes them ([MS-WSMV], DMTF DSP0226), for WMI resources
 * `http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/<Class>` served from the front end's
 * WMI store.
 *
 * - Identify (wsmid:Identify in the Body, no Action): protocol version, vendor "Microsoft
 *   Corporation", ProductVersion "OS: d.d.d SP: d.d Stack: d.d" ("OS: 0.0.0 SP: 0.0 Stack: 2.0"
 *   when unauthenticated with WSMANIDENTIFY: unauthenticated); no SecurityProfiles (Windows
 *   Server 2008 does not return them, [MS-WSMV] <73>).
 * - WS-Transfer Get / Put / Create / Delete of an instance addressed by its key selectors
 *   (case-insensitive names and values, [MS-WSMV] 3.1.4.1.2). Put changes the properties the body
 *   gives and answers with the instance; Create answers wst:ResourceCreated with the new EPR.
 * - WS-Enumeration Enumerate / Pull / Release, with wsman:OptimizeEnumeration, wsman:MaxElements,
 *   wsen:MaxElements, wsman:EnumerationMode (EnumerateEPR, EnumerateObjectAndEPR) and a filter in the
 *   WQL dialect (`SELECT * FROM <Class> [WHERE …]`, also against `…/root/cimv2/*`) or the
 *   SelectorFilter dialect.
 * - Instances: `<p:Class xmlns:p="<resource URI>">`, one element per property in alphabetical
 *   order, xsi:nil="true" for NULL, booleans true/false, uint32 in decimal, arrays as repeated
 *   elements, then cim:Location (the instance's EPR), as in [MS-WSMV] 4.1.1.
 * - Responses use the prefixes of [MS-WSMV]'s examples (s, wsa, wsman, wsen, wst) and carry
 *   xml:lang="en-US", Action, MessageID, To (anonymous) and RelatesTo.
 */
import { randomUUID } from "node:crypto";
import { type CimClass, type CimValue, findClass, findProperty, keyNames } from "../classes";
import type { OcsWmiStore, WmiInstance } from "../store";
import { WmiError } from "../wmierror";
import { ANONYMOUS, type Fault, Faults, NS, faultXml, wmiFault } from "./faults";
import { type XmlElement, XmlError, attr, escapeAttr, escapeText, kid, kids, parseXml, text } from "./xml";

export const WMI_PREFIX = "http://schemas.microsoft.com/wbem/wsman/1/wmi/";
export const WQL_DIALECT = "http://schemas.microsoft.com/wbem/wsman/1/WQL";
export const SELECTOR_DIALECT = "http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter";

const T = "http://schemas.xmlsoap.org/ws/2004/09/transfer/";
const E = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/";
export const ACTIONS: Record<string, string> = {
  [`${T}Get`]: "Get",
  [`${T}Put`]: "Put",
  [`${T}Create`]: "Create",
  [`${T}Delete`]: "Delete",
  [`${E}Enumerate`]: "Enumerate",
  [`${E}Pull`]: "Pull",
  [`${E}Release`]: "Release",
};

/** A request's headers, read before it is carried out. */
export interface ParsedRequest {
  identify: boolean;
  /** The full action URI ("" for Identify). */
  action: string;
  /** Identify, Get, Put, Create, Delete, Enumerate, Pull, Release (or the action URI). */
  short: string;
  messageId: string;
  to?: string;
  resourceUri?: string;
  selectors: { name: string; value: string }[];
  /** wsman:OperationTimeout (default: WinRM's MaxTimeoutms, 60 s). */
  timeoutMs: number;
  maxEnvelopeSize?: number;
  body: XmlElement;
  /** A fault found in the headers, answered instead of the operation. */
  fault?: Fault;
}

export interface WsmanResponse {
  status: number;
  body: string;
  fault?: Fault;
  /** True when the operation changed the store. */
  changed?: boolean;
}

export interface WsmanCaller {
  /** The account (undefined: an unauthenticated Identify). */
  user?: string;
  /** An OCS administrator: WMI lets it read and write the OCS classes. */
  admin: boolean;
}

export interface WsmanOptions {
  store: OcsWmiStore;
  /** Machine name in WSManFault. */
  machine: string;
  /** ProductVersion for authenticated Identify (default Windows Server 2008 SP2 with WinRM 2.0). */
  productVersion?: string;
  /**
   * Serve WS-Transfer Create and Delete of WMI instances (default true). Windows Server 2008 and
   * 2008 R2 do not ([MS-WSMV] <107>, <109>: Windows 8 / Server 2012 and later do); false answers
   * them with wsa:ActionNotSupported.
   */
  cimCreateDelete?: boolean;
  /** WinRM's MaxBatchItems (default 32000). */
  maxBatchItems?: number;
  /** WinRM's EnumerationTimeoutms (default 60000). */
  enumerationTimeoutMs?: number;
  /** WinRM's MaxTimeoutms (default 60000). */
  maxTimeoutMs?: number;
}

interface EnumContext {
  user: string;
  /** The resource URI of the items (their p: namespace). */
  uri: string;
  items: string[];
  pos: number;
  expires: number;
}

const UNDERSTOOD = new Set(
  [
    [NS.wsa, "To"],
    [NS.wsa, "Action"],
    [NS.wsa, "MessageID"],
    [NS.wsa, "ReplyTo"],
    [NS.wsa, "FaultTo"],
    [NS.wsman, "ResourceURI"],
    [NS.wsman, "SelectorSet"],
    [NS.wsman, "OperationTimeout"],
    [NS.wsman, "MaxEnvelopeSize"],
    [NS.wsman, "Locale"],
    [NS.wsman, "OptionSet"],
    [NS.wsman, "RequestEPR"],
    [NS.wsman, "RequestTotalItemsCountEstimate"],
    [NS.wsmv, "DataLocale"],
    [NS.wsmv, "SessionId"],
    [NS.wsmv, "OperationID"],
    [NS.wsmv, "SequenceId"],
    [NS.wsmv, "ActivityId"],
  ].map(([ns, l]) => `${ns} ${l}`),
);

const mustUnderstand = (el: XmlElement): boolean => /^(true|1)$/.test((attr(el, "mustUnderstand", NS.s) ?? "").trim());

/** xs:duration → milliseconds (PnDTnHnMn.nS). */
export function durationMs(d: string): number | undefined {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(d.trim());
  if (!m || d.trim() === "P" || d.trim().endsWith("T")) return undefined;
  return ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60_000 + Math.round(Number(m[4] ?? 0) * 1000);
}

/** A WMI resource URI → class (or "*"), or undefined when it is not one. */
export function parseResourceUri(uri: string): { namespace: string; className: string } | undefined {
  if (!uri.toLowerCase().startsWith(WMI_PREFIX)) return undefined;
  const rest = uri.slice(WMI_PREFIX.length);
  const cut = rest.lastIndexOf("/");
  if (cut <= 0) return undefined;
  const className = rest.slice(cut + 1);
  if (!/^([A-Za-z_][A-Za-z0-9_]*|\*)$/.test(className)) return undefined;
  return { namespace: rest.slice(0, cut), className };
}

const isCimv2 = (ns: string): boolean => ns.replace(/\\/g, "/").toLowerCase() === "root/cimv2";

function renderValue(name: string, type: string, v: CimValue): string {
  if (v === null) return `<p:${name} xsi:nil="true"/>`;
  if (Array.isArray(v)) {
    if (v.length === 0) return `<p:${name} xsi:nil="true"/>`;
    return v.map((x) => `<p:${name}>${escapeText(String(x))}</p:${name}>`).join("");
  }
  if (type === "boolean") return `<p:${name}>${v ? "true" : "false"}</p:${name}>`;
  return `<p:${name}>${escapeText(String(v))}</p:${name}>`;
}

export class WsmanService {
  private readonly contexts = new Map<string, EnumContext>();
  private readonly opts: Required<Omit<WsmanOptions, "store" | "machine">> & WsmanOptions;

  constructor(opts: WsmanOptions) {
    this.opts = {
      productVersion: "OS: 6.0.6002 SP: 2.0 Stack: 2.0",
      cimCreateDelete: true,
      maxBatchItems: 32000,
      enumerationTimeoutMs: 60_000,
      maxTimeoutMs: 60_000,
      ...opts,
    };
  }

  // ------------------------------------------------------------ envelopes

  private envelope(action: string, relatesTo: string, body: string): string {
    return (
      `<s:Envelope xml:lang="en-US" xmlns:s="${NS.s}" xmlns:wsa="${NS.wsa}" xmlns:wsman="${NS.wsman}" xmlns:wsen="${NS.wsen}" xmlns:wst="${NS.wst}" xmlns:xsi="${NS.xsi}">` +
      `<s:Header><wsa:Action s:mustUnderstand="true">${escapeText(action)}</wsa:Action>` +
      `<wsa:MessageID s:mustUnderstand="true">uuid:${randomUUID().toUpperCase()}</wsa:MessageID>` +
      `<wsa:To>${ANONYMOUS}</wsa:To>` +
      (relatesTo ? `<wsa:RelatesTo s:mustUnderstand="true">${escapeText(relatesTo)}</wsa:RelatesTo>` : "") +
      `</s:Header><s:Body>${body}</s:Body></s:Envelope>`
    );
  }

  faultResponse(f: Fault, relatesTo = ""): WsmanResponse {
    return { status: f.status, body: this.envelope(f.action, relatesTo, faultXml(f, this.opts.machine)), fault: f };
  }

  private ok(action: string, req: ParsedRequest, body: string, changed = false): WsmanResponse {
    const xml = this.envelope(action, req.messageId, body);
    if (req.maxEnvelopeSize !== undefined && Buffer.byteLength(xml) > req.maxEnvelopeSize) return this.faultResponse(Faults.encodingLimit(), req.messageId);
    return { status: 200, body: xml, ...(changed ? { changed } : {}) };
  }

  private eprBody(resourceUri: string, cls: CimClass, props: Record<string, CimValue>): string {
    const sel = keyNames(cls)
      .map((k) => `<wsman:Selector Name="${k}">${escapeText(String(props[k] ?? ""))}</wsman:Selector>`)
      .join("");
    return `<wsa:Address>${ANONYMOUS}</wsa:Address><wsa:ReferenceParameters><wsman:ResourceURI>${escapeText(resourceUri)}</wsman:ResourceURI><wsman:SelectorSet>${sel}</wsman:SelectorSet></wsa:ReferenceParameters>`;
  }

  /** An instance element; `declare` puts xmlns:p on it (otherwise an ancestor declares it). */
  private instanceXml(resourceUri: string, cls: CimClass, inst: WmiInstance, declare: boolean): string {
    const props = cls.properties.map((p) => renderValue(p.name, p.type, inst.props[p.name] ?? null)).join("");
    const location = `<cim:Location xmlns:cim="${NS.cim}" xmlns:wsa="${NS.wsa}" xmlns:wsman="${NS.wsman}">${this.eprBody(resourceUri, cls, inst.props)}</cim:Location>`;
    return `<p:${cls.name}${declare ? ` xmlns:p="${escapeAttr(resourceUri)}"` : ""}>${props}${location}</p:${cls.name}>`;
  }

  // ------------------------------------------------------------ reading a request

  /** Reads the envelope and its headers. */
  parse(xml: string): ParsedRequest | WsmanResponse {
    let env: XmlElement;
    try {
      env = parseXml(xml);
    } catch (e) {
      if (e instanceof XmlError) return this.faultResponse(Faults.schemaValidation());
      throw e;
    }
    if (env.local !== "Envelope") return this.faultResponse(Faults.invalidBody());
    if (env.ns === NS.soap11) return this.faultResponse(Faults.versionMismatch());
    if (env.ns !== NS.s) return this.faultResponse(Faults.versionMismatch());
    const header = kid(env, NS.s, "Header") ?? { name: "Header", local: "Header", ns: NS.s, attrs: [], children: [] };
    const body = kid(env, NS.s, "Body");
    if (!body) return this.faultResponse(Faults.invalidBody());
    const h = (ns: string, l: string) => kid(header, ns, l);
    const messageId = text(h(NS.wsa, "MessageID") ?? { name: "", local: "", ns: "", attrs: [], children: [] }).trim();
    const actionEl = h(NS.wsa, "Action");
    const first = kids(body)[0];
    const identify = !actionEl && !!first && first.local === "Identify" && (first.ns === NS.wsmid || first.ns === NS.wsmidAlt);
    const req: ParsedRequest = { identify, action: "", short: identify ? "Identify" : "", messageId, selectors: [], timeoutMs: this.opts.maxTimeoutMs, body };
    if (identify) return req;
    const defer = (f: Fault): ParsedRequest => ({ ...req, fault: f });
    if (!actionEl) return defer(Faults.headerRequired());
    req.action = text(actionEl).trim();
    req.short = ACTIONS[req.action] ?? req.action;
    const toEl = h(NS.wsa, "To");
    if (toEl) req.to = text(toEl).trim();
    for (const el of kids(header)) {
      if (mustUnderstand(el) && !UNDERSTOOD.has(`${el.ns} ${el.local}`)) {
        if (el.ns === NS.wsman && el.local === "FragmentTransfer") return defer(Faults.unsupportedFeature("FragmentLevelAccess"));
        return defer(Faults.mustUnderstand());
      }
    }
    if (!messageId) return defer(Faults.invalidHeader());
    const replyTo = h(NS.wsa, "ReplyTo");
    if (!replyTo) return defer(Faults.headerRequired());
    const replyAddr = kid(replyTo, NS.wsa, "Address");
    if (!replyAddr || text(replyAddr).trim().replace(/\/$/, "") !== ANONYMOUS) return defer(Faults.unsupportedFeature("AddressingMode"));
    const faultTo = h(NS.wsa, "FaultTo");
    if (faultTo && text(kid(faultTo, NS.wsa, "Address") ?? faultTo).trim().replace(/\/$/, "") !== ANONYMOUS) return defer(Faults.unsupportedFeature("AddressingMode"));
    const ruri = h(NS.wsman, "ResourceURI");
    if (ruri) req.resourceUri = text(ruri).trim();
    const set = h(NS.wsman, "SelectorSet");
    if (set) {
      for (const s of kids(set, NS.wsman, "Selector")) {
        const name = attr(s, "Name") ?? "";
        if (kids(s).length > 0) return defer(Faults.selectorTypeMismatch());
        if (req.selectors.some((x) => x.name.toLowerCase() === name.toLowerCase())) return defer(Faults.duplicateSelectors());
        req.selectors.push({ name, value: text(s) });
      }
    }
    const timeout = h(NS.wsman, "OperationTimeout");
    if (timeout) {
      const ms = durationMs(text(timeout));
      if (ms === undefined) return defer(Faults.invalidHeader());
      req.timeoutMs = Math.min(ms, this.opts.maxTimeoutMs);
    }
    const maxEnv = h(NS.wsman, "MaxEnvelopeSize");
    if (maxEnv) {
      const n = Number(text(maxEnv).trim());
      if (!Number.isInteger(n) || n < 8192) return defer(Faults.invalidHeader());
      req.maxEnvelopeSize = n;
    }
    const options = h(NS.wsman, "OptionSet");
    if (options && kids(options, NS.wsman, "Option").some((o) => /^(true|1)$/.test((attr(o, "mustComply") ?? "").trim()))) return defer(Faults.invalidOptions());
    return req;
  }

  // ------------------------------------------------------------ carrying it out

  execute(req: ParsedRequest, caller: WsmanCaller): WsmanResponse {
    if (req.fault) return this.faultResponse(req.fault, req.messageId);
    if (req.identify) return this.identify(req, caller);
    try {
      switch (req.short) {
        case "Get":
        case "Put":
        case "Delete":
        case "Create":
          return this.transfer(req, caller);
        case "Enumerate":
          return this.enumerate(req, caller);
        case "Pull":
          return this.pull(req, caller);
        case "Release":
          return this.release(req, caller);
        default:
          return this.faultResponse(Faults.actionNotSupported(), req.messageId);
      }
    } catch (e) {
      if (e instanceof WmiError) return this.faultResponse(wmiFault(e), req.messageId);
      throw e;
    }
  }

  private identify(req: ParsedRequest, caller: WsmanCaller): WsmanResponse {
    const ns = kids(req.body)[0]!.ns;
    const version = caller.user === undefined ? "OS: 0.0.0 SP: 0.0 Stack: 2.0" : this.opts.productVersion;
    return {
      status: 200,
      body:
        `<s:Envelope xmlns:s="${NS.s}" xmlns:wsmid="${ns}"><s:Header/><s:Body><wsmid:IdentifyResponse>` +
        `<wsmid:ProtocolVersion>${NS.wsman}</wsmid:ProtocolVersion><wsmid:ProductVendor>Microsoft Corporation</wsmid:ProductVendor>` +
        `<wsmid:ProductVersion>${version}</wsmid:ProductVersion></wsmid:IdentifyResponse></s:Body></s:Envelope>`,
    };
  }

  /** The class a request addresses, or the fault. */
  private resolveClass(req: ParsedRequest, allowStar = false): { cls?: CimClass; star?: boolean; fault?: Fault } {
    if (!req.resourceUri) return { fault: Faults.invalidResourceUri() };
    const r = parseResourceUri(req.resourceUri);
    if (!r) return { fault: Faults.invalidResourceUri() };
    if (!isCimv2(r.namespace)) return { fault: Faults.resourceNotFound() };
    const ns = req.selectors.find((s) => s.name.toLowerCase() === "__cimnamespace");
    if (ns && !isCimv2(ns.value)) return { fault: Faults.internalError(0x80338003, "The WS-Management service cannot process the request: the __cimnamespace selector does not match the namespace of the resource URI.") };
    if (r.className === "*") return allowStar ? { star: true } : { fault: Faults.invalidResourceUri() };
    const cls = findClass(r.className);
    if (!cls) return { fault: Faults.resourceNotFound() };
    return { cls };
  }

  private keySelectors(req: ParsedRequest, cls: CimClass): { keys: Record<string, string> } | { fault: Fault } {
    const given = req.selectors.filter((s) => s.name.toLowerCase() !== "__cimnamespace");
    const keys = keyNames(cls);
    if (given.some((s) => !keys.some((k) => k.toLowerCase() === s.name.toLowerCase()))) return { fault: Faults.unexpectedSelectors() };
    if (keys.some((k) => !given.some((s) => s.name.toLowerCase() === k.toLowerCase()))) return { fault: Faults.insufficientSelectors() };
    return { keys: Object.fromEntries(keys.map((k) => [k, given.find((s) => s.name.toLowerCase() === k.toLowerCase())!.value])) };
  }

  /** The properties of a Put / Create body. */
  private readInstance(req: ParsedRequest, cls: CimClass): { props: Record<string, CimValue> } | { fault: Fault } {
    const r = this.readInstanceOrFault(req, cls);
    return "status" in r && typeof r.status === "number" && "action" in r ? { fault: r as Fault } : { props: r as Record<string, CimValue> };
  }

  private readInstanceOrFault(req: ParsedRequest, cls: CimClass): Record<string, CimValue> | Fault {
    const items = kids(req.body);
    if (items.length !== 1) return Faults.invalidRepresentation(items.length === 0 ? "MissingValues" : "InvalidValues");
    const el = items[0]!;
    if (el.ns.toLowerCase() !== req.resourceUri!.toLowerCase() || el.local.toLowerCase() !== cls.name.toLowerCase()) return Faults.invalidRepresentation("InvalidNamespace");
    const out: Record<string, CimValue> = {};
    for (const child of kids(el)) {
      if (child.ns !== el.ns) continue;
      const prop = findProperty(cls, child.local);
      if (!prop) return Faults.invalidRepresentation("InvalidValues");
      const nil = /^(true|1)$/.test((attr(child, "nil", NS.xsi) ?? "").trim());
      const raw = text(child);
      const isArray = prop.type.endsWith("[]");
      if (!isArray && prop.name in out) return Faults.invalidRepresentation("InvalidValues");
      let v: CimValue;
      if (nil) v = null;
      else if (prop.type === "string" || prop.type === "string[]") v = raw;
      else if (prop.type === "boolean") {
        const t = raw.trim();
        if (t === "true" || t === "1") v = true;
        else if (t === "false" || t === "0") v = false;
        else return Faults.invalidRepresentation("InvalidValues");
      } else {
        const t = raw.trim();
        const max = prop.type === "uint8[]" ? 255 : 0xffffffff;
        if (!/^\d+$/.test(t) || Number(t) > max) return Faults.invalidRepresentation("InvalidValues");
        v = Number(t);
      }
      if (isArray) {
        if (v === null) out[prop.name] = null;
        else out[prop.name] = [...((out[prop.name] as (string | number)[] | null | undefined) ?? []), v as string | number];
      } else out[prop.name] = v;
    }
    return out;
  }

  private transfer(req: ParsedRequest, caller: WsmanCaller): WsmanResponse {
    const r = this.resolveClass(req);
    if (r.fault) return this.faultResponse(r.fault, req.messageId);
    const cls = r.cls!;
    const uri = req.resourceUri!;
    const who = { admin: caller.admin };
    if ((req.short === "Create" || req.short === "Delete") && !this.opts.cimCreateDelete) return this.faultResponse(Faults.actionNotSupported(), req.messageId);
    if (req.short === "Create") {
      if (req.selectors.some((s) => s.name.toLowerCase() !== "__cimnamespace")) return this.faultResponse(Faults.unexpectedSelectors(), req.messageId);
      const read = this.readInstance(req, cls);
      if ("fault" in read) return this.faultResponse(read.fault, req.messageId);
      const made = this.opts.store.create(cls.name, read.props, who);
      const epr = this.eprBody(uri, cls, made.props).replace(`<wsa:Address>${ANONYMOUS}</wsa:Address>`, `<wsa:Address>${escapeText(req.to ?? ANONYMOUS)}</wsa:Address>`);
      return this.ok(`${T}CreateResponse`, req, `<wst:ResourceCreated>${epr}</wst:ResourceCreated>`, true);
    }
    const sel = this.keySelectors(req, cls);
    if ("fault" in sel) return this.faultResponse(sel.fault, req.messageId);
    const k = sel.keys;
    if (req.short === "Get") {
      const inst = this.opts.store.get(cls.name, k, who);
      return this.ok(`${T}GetResponse`, req, this.instanceXml(uri, cls, inst, true));
    }
    if (req.short === "Delete") {
      this.opts.store.delete(cls.name, k, who);
      return this.ok(`${T}DeleteResponse`, req, "", true);
    }
    const read = this.readInstance(req, cls);
    if ("fault" in read) return this.faultResponse(read.fault, req.messageId);
    const p = read.props;
    for (const key of keyNames(cls)) {
      if (key in p && (p[key] === null || String(p[key]).toLowerCase() !== k[key]!.toLowerCase())) return this.faultResponse(Faults.invalidRepresentation("InvalidValues"), req.messageId);
      delete p[key];
    }
    const updated = this.opts.store.update(cls.name, k, p, who);
    return this.ok(`${T}PutResponse`, req, this.instanceXml(uri, cls, updated, true), true);
  }

  private enumerate(req: ParsedRequest, caller: WsmanCaller): WsmanResponse {
    const en = kid(req.body, NS.wsen, "Enumerate");
    if (!en) return this.faultResponse(Faults.invalidBody(), req.messageId);
    const r = this.resolveClass(req, true);
    if (r.fault) return this.faultResponse(r.fault, req.messageId);
    if (kid(en, NS.wsen, "EndTo")) return this.faultResponse(Faults.unsupportedFeature("AddressingMode"), req.messageId);
    if (kid(en, NS.wsen, "Expires")) return this.faultResponse(Faults.unsupportedFeature("ExpirationTime"), req.messageId);
    const modeEl = kid(en, NS.wsman, "EnumerationMode");
    const mode = modeEl ? text(modeEl).trim() : "EnumerateObject";
    if (!["EnumerateObject", "EnumerateEPR", "EnumerateObjectAndEPR"].includes(mode)) return this.faultResponse(Faults.unsupportedFeature("EnumerationMode"), req.messageId);
    const optimize = !!kid(en, NS.wsman, "OptimizeEnumeration");
    const maxEl = kid(en, NS.wsman, "MaxElements");
    let max = 1;
    if (maxEl) {
      const n = Number(text(maxEl).trim());
      if (!Number.isInteger(n) || n < 1) return this.faultResponse(Faults.invalidHeader(), req.messageId);
      max = n;
    }
    max = Math.min(max, this.opts.maxBatchItems);
    const filter = kid(en, NS.wsman, "Filter") ?? kid(en, NS.wsen, "Filter");
    const who = { admin: caller.admin };
    let cls = r.cls;
    let instances: WmiInstance[];
    if (filter) {
      const dialect = (attr(filter, "Dialect") ?? "").trim();
      if (dialect === WQL_DIALECT) {
        const q = this.opts.store.query(text(filter).trim(), who);
        if (q.properties !== "*") return this.faultResponse(Faults.cannotProcessFilter({ code: 0x80041017, message: "Only SELECT * queries are served by this front end." }), req.messageId);
        if (cls && q.cls.name !== cls.name) return this.faultResponse(Faults.cannotProcessFilter(), req.messageId);
        cls = q.cls;
        instances = q.instances;
      } else if (dialect === SELECTOR_DIALECT) {
        if (!cls) return this.faultResponse(Faults.cannotProcessFilter(), req.messageId);
        const set = kid(filter, NS.wsman, "SelectorSet");
        const sel = set ? kids(set, NS.wsman, "Selector").map((s) => ({ name: attr(s, "Name") ?? "", value: text(s) })) : [];
        const c = cls;
        for (const s of sel) {
          const p = findProperty(c, s.name);
          if (!p || p.type.endsWith("[]") || /["']/.test(s.value)) return this.faultResponse(Faults.cannotProcessFilter(), req.messageId);
        }
        instances = this.opts.store.enumerate(c.name, who).filter((i) => sel.every((s) => String(i.props[findProperty(c, s.name)!.name] ?? "").toLowerCase() === s.value.toLowerCase()));
      } else return this.faultResponse(Faults.filterDialectUnavailable(), req.messageId);
    } else {
      if (!cls) return this.faultResponse(Faults.invalidResourceUri(), req.messageId);
      instances = this.opts.store.enumerate(cls.name, who);
    }
    const c = cls!;
    const uri = r.star ? `${WMI_PREFIX}root/cimv2/${c.name}` : req.resourceUri!;
    const items = instances.map((i) => {
      const epr = `<wsa:EndpointReference>${this.eprBody(uri, c, i.props)}</wsa:EndpointReference>`;
      if (mode === "EnumerateEPR") return epr;
      const obj = this.instanceXml(uri, c, i, false);
      return mode === "EnumerateObjectAndEPR" ? `<wsman:Item>${obj}${epr}</wsman:Item>` : obj;
    });
    this.sweep();
    const ctx: EnumContext = { user: caller.user ?? "", uri, items, pos: 0, expires: Date.now() + this.opts.enumerationTimeoutMs };
    if (!optimize) {
      const id = this.keep(ctx);
      return this.ok(`${E}EnumerateResponse`, req, `<wsen:EnumerateResponse><wsen:EnumerationContext>${id}</wsen:EnumerationContext></wsen:EnumerateResponse>`);
    }
    return this.batch(req, ctx, max, `${E}EnumerateResponse`, "wsen:EnumerateResponse", "wsman");
  }

  /** A response with the next items: Items and EndOfSequence in `itemsNs` (wsman for Enumerate, wsen for Pull). */
  private batch(req: ParsedRequest, ctx: EnumContext, max: number, action: string, element: string, itemsNs: "wsman" | "wsen"): WsmanResponse {
    const pns = `xmlns:p="${escapeAttr(ctx.uri)}"`;
    for (let n = Math.max(1, Math.min(max, ctx.items.length - ctx.pos)); ; n--) {
      const slice = ctx.items.slice(ctx.pos, ctx.pos + n);
      const end = ctx.pos + slice.length >= ctx.items.length;
      const id = end ? undefined : `uuid:${randomUUID().toUpperCase()}`;
      const body =
        `<${element} ${pns}>` +
        (id ? `<wsen:EnumerationContext>${id}</wsen:EnumerationContext>` : "") +
        `<${itemsNs}:Items>${slice.join("")}</${itemsNs}:Items>` +
        (end ? `<${itemsNs}:EndOfSequence/>` : "") +
        `</${element}>`;
      const xml = this.envelope(action, req.messageId, body);
      if (req.maxEnvelopeSize !== undefined && Buffer.byteLength(xml) > req.maxEnvelopeSize && n > 1) continue;
      if (req.maxEnvelopeSize !== undefined && Buffer.byteLength(xml) > req.maxEnvelopeSize) return this.faultResponse(Faults.encodingLimit(), req.messageId);
      ctx.pos += slice.length;
      if (id) this.contexts.set(id, { ...ctx, expires: Date.now() + this.opts.enumerationTimeoutMs });
      return { status: 200, body: xml };
    }
  }

  private keep(ctx: EnumContext): string {
    const id = `uuid:${randomUUID().toUpperCase()}`;
    this.contexts.set(id, ctx);
    return id;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, c] of this.contexts) if (c.expires < now) this.contexts.delete(id);
  }

  private takeContext(req: ParsedRequest, caller: WsmanCaller, local: "Pull" | "Release"): { ctx?: EnumContext; fault?: Fault } {
    const el = kid(req.body, NS.wsen, local);
    if (!el) return { fault: Faults.invalidBody() };
    const idEl = kid(el, NS.wsen, "EnumerationContext");
    const id = idEl ? text(idEl).trim() : "";
    this.sweep();
    const ctx = this.contexts.get(id);
    if (!ctx || ctx.user !== (caller.user ?? "")) return { fault: Faults.invalidEnumerationContext() };
    this.contexts.delete(id);
    return { ctx };
  }

  private pull(req: ParsedRequest, caller: WsmanCaller): WsmanResponse {
    const t = this.takeContext(req, caller, "Pull");
    if (t.fault) return this.faultResponse(t.fault, req.messageId);
    const maxEl = kid(kid(req.body, NS.wsen, "Pull")!, NS.wsen, "MaxElements");
    let max = 1;
    if (maxEl) {
      const n = Number(text(maxEl).trim());
      if (!Number.isInteger(n) || n < 1) return this.faultResponse(Faults.invalidHeader(), req.messageId);
      max = n;
    }
    return this.batch(req, t.ctx!, Math.min(max, this.opts.maxBatchItems), `${E}PullResponse`, "wsen:PullResponse", "wsen");
  }

  private release(req: ParsedRequest, caller: WsmanCaller): WsmanResponse {
    const t = this.takeContext(req, caller, "Release");
    if (t.fault) return this.faultResponse(t.fault, req.messageId);
    return this.ok(`${E}ReleaseResponse`, req, "");
  }
}
