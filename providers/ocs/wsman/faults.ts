/**
 * WS-Management faults → rcclab's typed errors. The SOAP subcode (DSP0226's fault table) decides;
 * Windows' WSManFault Code (and the WMI HRESULT a provider fault carries) refines it. The error keeps
 * the outermost WSManFault Code (or the subcode) as systemCode and a plain-data cause (subcode,
 * codes, reason, details: what the server said, never what rcclab sent), so no credential can be in it.
 *
 * DestinationUnreachable means "no such resource": on an Enumerate (a class URI and no selectors)
 * the class is not there → VersionMismatch; on Get / Put / Delete (with selectors) Windows answers it
 * for an instance that is gone (with faultDetail/InvalidResourceURI as well) → NotFound.
 */
import type { ErrorCode } from "../../core/errors";
import type { ErrorFactory } from "../transport";
import type { Action } from "./envelope";
import type { SoapFault } from "./parse";

/** Windows' ERROR_WSMAN_* and WMI's WBEM_E_* codes this mapping looks at (decimal, as WSManFault writes them). */
export const CODES = {
  accessDenied: 5,
  eAccessDenied: 0x80070005,
  wbemAccessDenied: 0x80041003,
  wbemNotFound: 0x80041002,
  wbemInvalidClass: 0x80041010,
  wbemInvalidNamespace: 0x8004100e,
  wbemAlreadyExists: 0x80041019,
  wsmanResourceNotFound: 0x80338000,
  wsmanActionNotSupported: 0x80338013,
} as const;

export interface FaultContext {
  action: Action;
  /** "MSFT_SIPRoutingTableData on fe01:5986", for the message. */
  what: string;
  /** The front end, for hints. */
  host: string;
}

const CREATE_DELETE_HINT =
  "WinRM 1.1/2.0 (Windows Server 2003 R2, 2008, 2008 R2) serve WMI instances for Get, Put and Enumerate only, not Create or Delete (MS-WSMV, product behavior); " +
  'use transport "ssh" for this front end, or a WinRM that can (Windows Management Framework 3.0 or later)';

export function faultError(f: SoapFault, ctx: FaultContext, error: ErrorFactory) {
  const has = (...codes: number[]) => f.wsmanCodes.some((c) => codes.includes(c));
  const detail = [f.reason, ...f.messages.filter((m) => m !== f.reason)].filter(Boolean).join(" — ").slice(0, 600);
  const systemCode = f.wsmanCodes[0] ?? f.subcode ?? f.code ?? "Fault";
  const cause = { subcode: f.subcode ?? null, code: f.code ?? null, wsmanCodes: f.wsmanCodes, details: f.details, reason: f.reason ?? null, machine: f.machine ?? null };
  const say = (code: ErrorCode, message: string, retryable?: boolean) =>
    error(code, `${ctx.action} ${ctx.what}: ${message}${detail ? ` (${detail})` : ""}`, { systemCode, cause, ...(retryable === undefined ? {} : { retryable }) });
  const withSelectors = ctx.action === "get" || ctx.action === "put" || ctx.action === "delete";
  const sub = f.subcode ?? "";

  if (sub === "AccessDenied" || has(CODES.accessDenied, CODES.eAccessDenied, CODES.wbemAccessDenied)) {
    return say("Unauthorized", "access denied (the account needs OCS administration rights, RTCUniversalServerAdmins, and the right to use WinRM)");
  }
  const createOrDelete = ctx.action === "create" || ctx.action === "delete";
  if (sub === "ActionNotSupported" || has(CODES.wsmanActionNotSupported) || (createOrDelete && sub === "UnsupportedFeature")) {
    return say("VersionMismatch", `the server does not support ${ctx.action} here: ${createOrDelete ? CREATE_DELETE_HINT : "see the detail"}`);
  }
  if (has(CODES.wbemInvalidClass, CODES.wbemInvalidNamespace)) {
    return say("VersionMismatch", `the OCS 2007 R2 WMI classes are not on this server: is ${ctx.host} an OCS 2007 R2 front end?`);
  }
  if (sub === "DestinationUnreachable" || f.details.includes("InvalidResourceURI") || has(CODES.wsmanResourceNotFound, CODES.wbemNotFound)) {
    if (withSelectors) return say("NotFound", "no such instance (it is gone)");
    return say("VersionMismatch", `the OCS 2007 R2 WMI classes are not on this server: is ${ctx.host} an OCS 2007 R2 front end?`);
  }
  if (sub === "AlreadyExists" || has(CODES.wbemAlreadyExists)) return say("AlreadyExists", "the instance already exists");
  if (sub === "InvalidSelectors") return say("InvalidRequest", "the server refused the selectors");
  if (sub === "QuotaLimit") return say("Throttled", "the server's WinRM quota is used up; retrying later");
  if (sub === "TimedOut") return say("Timeout", "the operation timed out on the server");
  if (sub === "EndpointUnavailable") return say("Throttled", "the WinRM service is not available right now");
  if (sub === "InvalidEnumerationContext") return say("Transport", "the enumeration expired on the server; starting again", true);
  if (sub === "UnsupportedFeature" || sub === "FilteringNotSupported" || sub === "FilterDialectRequestedUnavailable") {
    return say("VersionMismatch", "the server's WinRM does not support this request");
  }
  return say("InvalidRequest", `the server answered a fault (${sub || f.code || "no code"})`);
}
