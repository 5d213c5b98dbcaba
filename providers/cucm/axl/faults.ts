/**
 * AXL faults (and the HTTP and transport failures around them) as typed errors, in one place.
 * Shared by the AXL client and the other SOAP clients that speak to Cisco's Tomcat (Serviceability,
 * CUP's AXL).
 *
 * CUCM answers an AXL error with HTTP 500 and a SOAP 1.1 Fault whose detail comes in one of two
 * shapes, both read here (element names matched by local name: any namespace prefix, or none):
 * - AXL 7.0 (and earlier): detail/Error {code, message, request, url} — the `Error` type of Cisco's
 *   7.0 axlmessage.xsd; on the wire `<axl:Error xmlns:axl="…"><axl:code>…</axl:code>
 *   <axl:message>…</axl:message><request>…</request></axl:Error>`.
 * - AXL 8.x and later: detail/axlError {axlcode, axlmessage, request} (14.0's AXLAPI.wsdl: AXLError).
 * A request naming an AXL version the server does not serve is answered with HTTP 599 "The specified
 * version is not available. Available versions are …": VersionMismatch, listing what is served.
 */
import { RcclabError } from "../../core/errors";

/** What an AXL fault carries, whichever shape it came in. Safe to keep: no request, no headers. */
export interface AxlFaultInfo {
  /** "7.0": detail/Error/code; "8+": detail/axlError/axlcode; "none": a SOAP fault without AXL detail. */
  shape: "7.0" | "8+" | "none";
  httpStatus?: number;
  faultcode?: string;
  faultstring?: string;
  axlcode?: number;
  axlmessage?: string;
  /** The operation CUCM says failed (detail's `request`). */
  request?: string;
}

const ALREADY_EXISTS = new Set([-239, 4052, -268, -100]);
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|DEPTH_ZERO/;

type Raw = Record<string, unknown>;
const record = (v: unknown): Raw | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Raw) : undefined);

/** Text of a parsed element (node-soap: a string, a number, or { $value }). */
function text(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  const r = record(v);
  return r && "$value" in r ? text(r.$value) : undefined;
}

/** A child of a parsed element by local name, case-insensitively ("axl:Error", "Error", "error"). */
function childOf(o: unknown, local: string): unknown {
  const r = record(o);
  if (!r) return undefined;
  const wanted = local.toLowerCase();
  for (const [k, v] of Object.entries(r)) if (k.replace(/^[^:]*:/, "").toLowerCase() === wanted) return v;
  return undefined;
}

const codeOf = (v: unknown): number | undefined => {
  const t = text(v)?.trim();
  if (t === undefined || t === "") return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
};

/** The AXL error inside a parsed detail element: 8.x+'s axlError or 7.0's Error. */
function detailOf(detail: unknown): Pick<AxlFaultInfo, "shape" | "axlcode" | "axlmessage" | "request"> {
  const axlError = childOf(detail, "axlError");
  if (axlError !== undefined) {
    return { shape: "8+", axlcode: codeOf(childOf(axlError, "axlcode")), axlmessage: text(childOf(axlError, "axlmessage")), request: text(childOf(axlError, "request")) };
  }
  const error = childOf(detail, "Error");
  if (error !== undefined) {
    return { shape: "7.0", axlcode: codeOf(childOf(error, "code")), axlmessage: text(childOf(error, "message")), request: text(childOf(error, "request")) };
  }
  return { shape: "none" };
}

/** The response body as text, when the failed call kept it. */
function bodyText(err: any): string | undefined {
  const b = err?.body ?? err?.response?.data;
  return typeof b === "string" ? b : Buffer.isBuffer(b) ? b.toString("utf8") : undefined;
}

/** Local-name regex of one element's text in raw XML (fallback when node-soap kept no parse). */
const rawElement = (xml: string, local: string): string | undefined =>
  new RegExp(`<(?:[\\w.-]+:)?${local}\\b[^>]*>([\\s\\S]*?)</(?:[\\w.-]+:)?${local}>`).exec(xml)?.[1];

const unescapeXml = (s: string): string =>
  s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&#(\d+);/g, (_m, d) => String.fromCodePoint(Number(d))).replace(/&amp;/g, "&");

/** The fault of a failed SOAP call (node-soap's parsed `root`, else the raw body), in either shape. */
export function axlFaultOf(e: unknown): AxlFaultInfo | undefined {
  const err = e as any;
  const httpStatus: number | undefined = err?.response?.status;
  const status = httpStatus === undefined ? {} : { httpStatus };
  const fault = childOf(childOf(childOf(err?.root, "Envelope"), "Body"), "Fault");
  if (fault !== undefined) {
    return compact({ ...status, faultcode: text(childOf(fault, "faultcode")), faultstring: text(childOf(fault, "faultstring")), ...detailOf(childOf(fault, "detail")) });
  }
  const body = bodyText(err);
  const raw = body && /<(?:[\w.-]+:)?Fault\b/.test(body) ? body : undefined;
  if (!raw) return undefined;
  const get = (xml: string, local: string) => {
    const v = rawElement(xml, local);
    return v === undefined ? undefined : unescapeXml(v.trim());
  };
  const axlError = rawElement(raw, "axlError");
  const error = axlError === undefined ? rawElement(raw, "Error") : undefined;
  const detail: Pick<AxlFaultInfo, "shape" | "axlcode" | "axlmessage" | "request"> =
    axlError !== undefined
      ? { shape: "8+", axlcode: codeOf(get(axlError, "axlcode")), axlmessage: get(axlError, "axlmessage"), request: get(axlError, "request") }
      : error !== undefined
        ? { shape: "7.0", axlcode: codeOf(get(error, "code")), axlmessage: get(error, "message"), request: get(error, "request") }
        : { shape: "none" };
  return compact({ ...status, faultcode: get(raw, "faultcode"), faultstring: get(raw, "faultstring"), ...detail });
}

function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The versions an HTTP 599 answer lists: CUCM's "The specified version is not available. Available
 * versions are 12.5, 14.0" (other wordings with "versions:" are read too). Empty when none are listed.
 */
export function availableVersions(body: string | undefined): string[] {
  const m = body && /(?:available|supported)(?:\s+axl)?\s+versions?(?:\s+are)?\s*:?\s*([0-9][0-9.,;\s]*(?:and\s+[0-9.]+)?)/i.exec(body.replace(/<[^>]*>/g, " "));
  if (!m) return [];
  return [...new Set(m[1]!.split(/[\s,;]+|and/).map((v) => v.trim().replace(/\.$/, "")).filter((v) => /^\d+(\.\d+)*$/.test(v)))];
}

/** A cause to keep on the error: the fault's fields, or the transport error's code and message — never the request (it holds the Authorization header). */
function causeOf(fault: AxlFaultInfo | undefined, err: any, httpStatus: number | undefined): Record<string, unknown> {
  const info: Record<string, unknown> = fault
    ? { ...fault }
    : compact({ httpStatus, code: typeof err?.code === "string" ? err.code : undefined, message: typeof err?.message === "string" ? err.message : String(err) });
  Object.defineProperty(info, "toString", {
    enumerable: false,
    value: () => (fault ? `AXL fault ${fault.axlcode ?? fault.faultcode ?? ""}: ${fault.axlmessage ?? fault.faultstring ?? ""}`.trim() : `${info.code ?? `HTTP ${httpStatus ?? "?"}`}: ${info.message ?? ""}`),
  });
  return info;
}

/**
 * Map a soap/axios error to a typed error. `release`: the AXL release the client speaks (its
 * cucm.release), named when the server does not serve it.
 */
/** What the stack declared, for the message of a version the server does not serve (HTTP 599). */
export interface DeclaredRelease {
  /** "CUCM" or "CUP". */
  system: string;
  release: string;
  /** The stack setting that declares it, e.g. "cucm.release". */
  setting: string;
}

export function mapAxlError(e: unknown, operation: string, target: string, declared?: DeclaredRelease): RcclabError {
  if (e instanceof RcclabError) return e;
  const err = e as any;
  if (err?.cause instanceof RcclabError) return err.cause;
  const status: number | undefined = err?.response?.status;
  const fault = axlFaultOf(err);
  const cause = causeOf(fault, err, status);
  if (status === 599) {
    const body = bodyText(err);
    if (body !== undefined) cause.body = body.slice(0, 500);
    const served = availableVersions(body ?? fault?.faultstring);
    let host = target;
    try {
      host = new URL(target).host;
    } catch {
      /* keep the target as given */
    }
    const what = declared ? `the configured AXL release ${declared.release} (${declared.setting})` : "the requested AXL version";
    const list = served.length ? `it serves ${served.join(", ")}` : "it did not say which versions it serves";
    return new RcclabError("VersionMismatch", `${operation}: ${declared?.system ?? "the server"} at ${host} does not serve ${what} (HTTP 599); ${list}`, {
      systemCode: 599,
      cause,
    });
  }
  if (fault) {
    const f = fault;
    const text = f.axlmessage || f.faultstring || "SOAP fault";
    const msg = `${operation}: ${text}${f.axlcode !== undefined ? ` (axlcode ${f.axlcode})` : ""}`;
    const opts = { ...(f.axlcode !== undefined ? { systemCode: f.axlcode } : {}), cause };
    if (f.axlcode === 5003) return new RcclabError("NotFound", msg, opts);
    if (f.axlcode === 5007) {
      // CUCM's 5007 "Item not valid: The specified X was not found" names the object itself only in
      // a get or remove; in an add or update it names a reference (device pool, partition, device).
      return new RcclabError(/^(get|remove)/.test(operation) ? "NotFound" : "InvalidRequest", msg, opts);
    }
    if ((f.axlcode !== undefined && ALREADY_EXISTS.has(f.axlcode)) || /duplicate|already exists/i.test(text)) {
      return new RcclabError("AlreadyExists", msg, opts);
    }
    if (f.axlcode === -1 && /Maximum AXL Memory Allocation/i.test(text)) return new RcclabError("Throttled", msg, opts);
    return new RcclabError("InvalidRequest", msg, opts);
  }
  if (status === 401) return new RcclabError("Unauthorized", `${operation}: AXL refused the credentials (HTTP 401) at ${target}`, { systemCode: 401, cause });
  if (status === 403) return new RcclabError("Unauthorized", `${operation}: the AXL user lacks the AXL API access role (HTTP 403) at ${target}`, { systemCode: 403, cause });
  if (status === 503) return new RcclabError("Throttled", `${operation}: CUCM is throttling AXL (HTTP 503)`, { systemCode: 503, cause });
  if (status !== undefined) return new RcclabError("InvalidRequest", `${operation}: HTTP ${status} from ${target} (is this CUCM's AXL endpoint?)`, { systemCode: status, cause });
  const code: string = err?.code ?? err?.cause?.code ?? "";
  if (TLS_CODES.test(code)) return new RcclabError("Tls", `${operation}: TLS verification of ${target} failed (${code}); trust the lab CA (tls.caFile) or pin its fingerprint (tls.fingerprint256)`, { cause });
  if (code === "ECONNABORTED" || code === "ETIMEDOUT" || /timeout/i.test(err?.message ?? "")) {
    return new RcclabError("Timeout", `${operation}: no answer from ${target} in time`, { cause });
  }
  if (["ECONNRESET", "EPIPE", "ECONNREFUSED", "ERR_BAD_RESPONSE", "EHOSTUNREACH"].includes(code) || /socket hang up/i.test(err?.message ?? "")) {
    return new RcclabError("Transport", `${operation}: connection to ${target} failed (${code || err?.message})`, { cause });
  }
  return new RcclabError("InvalidRequest", `${operation}: ${err?.message ?? String(e)}`, { cause });
}
