/**
 * Typed errors every client maps its faults to. The provider core and the retry policy only look
 * at `code` and `retryable`; messages are built by the clients and redacted by the core.
 */
export type ErrorCode =
  | "NotFound"
  | "AlreadyExists"
  | "Throttled"
  | "Unauthorized"
  | "InvalidRequest"
  | "Transport"
  | "Timeout"
  | "Tls"
  | "VersionMismatch"
  | "Conflict";

export class RcclabError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  /** System-specific fault code (axlcode, LDAP result code, DNS rcode ...), when there is one. */
  readonly systemCode?: string | number;
  constructor(code: ErrorCode, message: string, opts: { retryable?: boolean; systemCode?: string | number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = `${code}Error`;
    this.code = code;
    this.retryable = opts.retryable ?? (code === "Throttled" || code === "Transport" || code === "Timeout");
    if (opts.systemCode !== undefined) this.systemCode = opts.systemCode;
  }
}

export const isCode = (e: unknown, code: ErrorCode): e is RcclabError => e instanceof RcclabError && e.code === code;

/**
 * True for errors that may succeed when tried again. Transport errors on a request that may have
 * reached the server are retryable only where the caller makes the retry safe (see AxlClient.create).
 */
export function isRetryable(e: unknown): boolean {
  if (e instanceof RcclabError) return e.retryable;
  const code = (e as { code?: string } | undefined)?.code;
  return code === "ECONNRESET" || code === "ECONNREFUSED" || code === "EPIPE" || code === "ETIMEDOUT";
}
