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
  /** A live system's schema is not what rcclab's mapping expects (preflight): nothing was written. */
  | "SchemaMismatch"
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

/**
 * A copy of an error chain that is safe to keep as a `cause`: each link's name, message (through
 * `scrub`), code, systemCode and stack (scrubbed too), and nothing else — no request config, no
 * headers, no response body that might carry a credential. A plain-data cause (an AXL fault's
 * fields) is kept as data, its strings scrubbed. At most `depth` links.
 */
export function safeCause(e: unknown, scrub: (text: string) => string, depth = 5): unknown {
  if (e === undefined || e === null || depth <= 0) return undefined;
  if (!(e instanceof Error)) return scrubData(e, scrub, depth);
  const cause = safeCause((e as { cause?: unknown }).cause, scrub, depth - 1);
  const copy: Error & { code?: unknown } =
    e instanceof RcclabError
      ? new RcclabError(e.code, scrub(e.message), { retryable: e.retryable, systemCode: e.systemCode, cause })
      : new Error(scrub(e.message), cause === undefined ? undefined : { cause });
  copy.name = e.name;
  const code = (e as { code?: unknown }).code;
  if (!(e instanceof RcclabError) && (typeof code === "string" || typeof code === "number")) copy.code = code;
  copy.stack = e.stack === undefined ? undefined : scrub(e.stack);
  return copy;
}

/** Strings, numbers, booleans, arrays and plain objects, strings scrubbed; anything else dropped. */
function scrubData(v: unknown, scrub: (text: string) => string, depth: number): unknown {
  if (typeof v === "string") return scrub(v);
  if (typeof v === "number" || typeof v === "boolean") return v;
  if (depth <= 0) return undefined;
  if (Array.isArray(v)) return v.map((x) => scrubData(x, scrub, depth - 1));
  if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrubData(x, scrub, depth - 1)]));
  }
  return undefined;
}
