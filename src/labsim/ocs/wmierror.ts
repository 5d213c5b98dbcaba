/**
 * WMI errors (WBEM_E_*) as the simulated front end raises them. Codes are the WMI Error Constants
 * Microsoft documents (0x8004100x); each message is the text WMI's status-code formatter returns
 * for it (with its trailing space), which is what System.Management and PowerShell show.
 */

export interface WbemCode {
  hresult: number;
  name: string;
  text: string;
}

const code = (hresult: number, name: string, text: string): WbemCode => ({ hresult, name, text });

export const WBEM = {
  FAILED: code(0x80041001, "WBEM_E_FAILED", "Generic failure "),
  NOT_FOUND: code(0x80041002, "WBEM_E_NOT_FOUND", "Not found "),
  ACCESS_DENIED: code(0x80041003, "WBEM_E_ACCESS_DENIED", "Access denied "),
  TYPE_MISMATCH: code(0x80041005, "WBEM_E_TYPE_MISMATCH", "Type mismatch "),
  INVALID_PARAMETER: code(0x80041008, "WBEM_E_INVALID_PARAMETER", "Invalid parameter "),
  NOT_SUPPORTED: code(0x8004100c, "WBEM_E_NOT_SUPPORTED", "Not supported "),
  INVALID_NAMESPACE: code(0x8004100e, "WBEM_E_INVALID_NAMESPACE", "Invalid namespace "),
  INVALID_CLASS: code(0x80041010, "WBEM_E_INVALID_CLASS", "Invalid class "),
  INVALID_QUERY: code(0x80041017, "WBEM_E_INVALID_QUERY", "Invalid query "),
  ALREADY_EXISTS: code(0x80041019, "WBEM_E_ALREADY_EXISTS", "Already exists "),
  READ_ONLY: code(0x80041023, "WBEM_E_READ_ONLY", "Read-only property "),
} as const;

/** A failed WMI call: `message` is WMI's text; `detail` says why (logs and tests only). */
export class WmiError extends Error {
  readonly hresult: number;
  readonly wbem: string;
  readonly detail?: string;
  constructor(c: WbemCode, detail?: string) {
    super(c.text);
    this.name = "WmiError";
    this.hresult = c.hresult;
    this.wbem = c.name;
    if (detail !== undefined) this.detail = detail;
  }
}
