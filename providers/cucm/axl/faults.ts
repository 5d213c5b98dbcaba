/**
 * AXL faults (and the HTTP and transport failures around them) as typed errors. Shared by the AXL
 * client and the other SOAP clients that speak to Cisco's Tomcat (Serviceability, CUP's AXL).
 */
import { RcclabError } from "../../core/errors";

/** What an AXL fault carries. */
interface AxlFault {
  faultstring?: string;
  axlcode?: number;
  axlmessage?: string;
}

const ALREADY_EXISTS = new Set([-239, 4052, -268, -100]);
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|DEPTH_ZERO/;

function faultOf(e: any): AxlFault | undefined {
  const fault = e?.root?.Envelope?.Body?.Fault;
  if (!fault) return undefined;
  const axlError = fault.detail?.axlError ?? fault.detail?.axlerror;
  const code = axlError?.axlcode;
  return {
    faultstring: typeof fault.faultstring === "string" ? fault.faultstring : fault.faultstring?.$value,
    axlcode: code === undefined || code === "" ? undefined : Number(code),
    axlmessage: axlError?.axlmessage,
  };
}

/** Map a soap/axios error to a typed error. */
export function mapAxlError(e: unknown, operation: string, target: string): RcclabError {
  if (e instanceof RcclabError) return e;
  const err = e as any;
  if (err?.cause instanceof RcclabError) return err.cause;
  const status: number | undefined = err?.response?.status;
  const fault = faultOf(err);
  if (fault) {
    const text = fault.axlmessage || fault.faultstring || "SOAP fault";
    const msg = `${operation}: ${text}${fault.axlcode !== undefined ? ` (axlcode ${fault.axlcode})` : ""}`;
    const opts = { systemCode: fault.axlcode };
    if (fault.axlcode === 5003) return new RcclabError("NotFound", msg, opts);
    if (fault.axlcode === 5007) {
      // CUCM's 5007 "Item not valid: The specified X was not found" names the object itself only in
      // a get or remove; in an add or update it names a reference (device pool, partition, device).
      return new RcclabError(/^(get|remove)/.test(operation) ? "NotFound" : "InvalidRequest", msg, opts);
    }
    if ((fault.axlcode !== undefined && ALREADY_EXISTS.has(fault.axlcode)) || /duplicate|already exists/i.test(text)) {
      return new RcclabError("AlreadyExists", msg, opts);
    }
    if (fault.axlcode === -1 && /Maximum AXL Memory Allocation/i.test(text)) return new RcclabError("Throttled", msg, opts);
    return new RcclabError("InvalidRequest", msg, opts);
  }
  if (status === 401) return new RcclabError("Unauthorized", `${operation}: AXL refused the credentials (HTTP 401) at ${target}`, { systemCode: 401 });
  if (status === 403) return new RcclabError("Unauthorized", `${operation}: the AXL user lacks the AXL API access role (HTTP 403) at ${target}`, { systemCode: 403 });
  if (status === 503) return new RcclabError("Throttled", `${operation}: CUCM is throttling AXL (HTTP 503)`, { systemCode: 503 });
  if (status !== undefined) return new RcclabError("InvalidRequest", `${operation}: HTTP ${status} from ${target} (is this CUCM's AXL endpoint?)`, { systemCode: status });
  const code: string = err?.code ?? err?.cause?.code ?? "";
  if (TLS_CODES.test(code)) return new RcclabError("Tls", `${operation}: TLS verification of ${target} failed (${code}); trust the lab CA (tls.caFile) or pin its fingerprint (tls.fingerprint256)`);
  if (code === "ECONNABORTED" || code === "ETIMEDOUT" || /timeout/i.test(err?.message ?? "")) {
    return new RcclabError("Timeout", `${operation}: no answer from ${target} in time`);
  }
  if (["ECONNRESET", "EPIPE", "ECONNREFUSED", "ERR_BAD_RESPONSE", "EHOSTUNREACH"].includes(code) || /socket hang up/i.test(err?.message ?? "")) {
    return new RcclabError("Transport", `${operation}: connection to ${target} failed (${code || err?.message})`);
  }
  return new RcclabError("InvalidRequest", `${operation}: ${err?.message ?? String(e)}`);
}
