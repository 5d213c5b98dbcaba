/**
 * The Active Directory client: LDAP v3 over ldapts, on LDAPS or StartTLS by default (plain LDAP only
 * when the connection says allowPlainLdap), with TLS verified against a CA or a pinned certificate
 * fingerprint, LDAP result codes mapped to typed errors, and retries for what may succeed later.
 *
 * One bound session per connection, opened lazily and re-opened when the server drops it.
 */
import * as net from "node:net";
import * as tls from "node:tls";
import { Attribute, Change, Client as LdapClient } from "ldapts";
import { z } from "zod";
import { RcclabError, type ErrorCode } from "../core/errors";
import type { Logger } from "../core/kind";
import { withRetry } from "../core/retry";
import { tlsConnectOptions, tlsSchema, verifyPin, type TlsSettings } from "../core/tls";
import { DnSyntaxError, domainDnOf, eq, parseDn } from "./dn";

export const adConnectionSchema = z
  .object({
    /** ldaps://dc1.lab.example.com:636, or ldap:// with startTls (plain LDAP only with allowPlainLdap). */
    url: z.string().regex(/^ldaps?:\/\/[^/\s]+$/, "must be an ldaps:// or ldap:// URL without a path"),
    bindDn: z.string().min(1),
    password: z.string().min(1, "must not be empty"),
    /** Where the lab's users are created, e.g. CN=Users,DC=lab,DC=example,DC=com. */
    usersDn: z
      .string()
      .min(1)
      .refine((s) => {
        try {
          domainDnOf(s);
          return true;
        } catch {
          return false;
        }
      }, "must be a DN inside the domain, ending in DC=… components, e.g. CN=Users,DC=lab,DC=example,DC=com"),
    /**
     * Where this forest keeps OCS's RTC Service object (its pools below it), e.g.
     * CN=RTC Service,CN=Microsoft,CN=System,DC=lab,DC=example,DC=com. Left out: the Configuration
     * partition first (OCS 2007 R2's default), then the System container of the forest root domain.
     */
    rtcServiceDn: z
      .string()
      .min(1)
      .refine(isRtcServiceDn, "must be the DN of OCS's RTC Service object, e.g. CN=RTC Service,CN=Services,CN=Configuration,DC=lab,DC=example,DC=com")
      .optional(),
    startTls: z.boolean().default(false),
    allowPlainLdap: z.boolean().default(false),
    tls: tlsSchema,
    timeoutMs: z.number().int().positive().default(30_000),
    retries: z.number().int().min(0).max(10).default(4),
    /** Backoff bounds (tests shorten them). */
    minRetryDelayMs: z.number().int().min(0).default(500),
    maxRetryDelayMs: z.number().int().min(0).default(8_000),
  })
  .strict()
  .refine((d) => !d.url.startsWith("ldap://") || d.startTls || d.allowPlainLdap, {
    path: ["url"],
    message: "plain ldap:// needs startTls: true (or allowPlainLdap: true, which sends the password in clear)",
  });

export type AdConnection = z.infer<typeof adConnectionSchema>;

/** A DN whose first RDN is CN=RTC Service and that ends in the forest's DC=… components. */
function isRtcServiceDn(s: string): boolean {
  try {
    const first = parseDn(s)[0];
    domainDnOf(s);
    return !!first && first.length === 1 && first[0]!.type.toLowerCase() === "cn" && first[0]!.value.toLowerCase() === "rtc service";
  } catch {
    return false;
  }
}

/** What the root DSE says of the forest (AD's operational attributes; RFC 4512 §5.1). */
export interface NamingContexts {
  /** This domain's naming context. */
  defaultNamingContext: string;
  /** The forest root domain's naming context. */
  rootDomainNamingContext: string;
  /** The forest's Configuration partition: CN=Configuration,<forest root>. */
  configurationNamingContext: string;
}

/** An entry as rcclab sees it: the DN as the server wrote it, attribute names lower-cased. */
export interface LdapEntry {
  dn: string;
  attributes: Map<string, string[]>;
  /** objectGUID in AD's string form, when it was asked for. */
  objectGuid?: string;
}

export function first(entry: LdapEntry, name: string): string | undefined {
  return entry.attributes.get(name.toLowerCase())?.[0];
}

export type ModifyOp = "add" | "delete" | "replace";
export interface Modification {
  operation: ModifyOp;
  type: string;
  /** No values with "replace" removes the attribute (and is no error when it is absent). */
  values: (string | Buffer)[];
}

/** LDAP result codes (RFC 4511 §4.1.9) rcclab names in messages. */
const RESULT_NAMES: Record<number, string> = {
  1: "operationsError",
  2: "protocolError",
  3: "timeLimitExceeded",
  8: "strongerAuthRequired",
  13: "confidentialityRequired",
  16: "noSuchAttribute",
  17: "undefinedAttributeType",
  19: "constraintViolation",
  20: "attributeOrValueExists",
  21: "invalidAttributeSyntax",
  32: "noSuchObject",
  34: "invalidDNSyntax",
  48: "inappropriateAuthentication",
  49: "invalidCredentials",
  50: "insufficientAccessRights",
  51: "busy",
  52: "unavailable",
  53: "unwillingToPerform",
  64: "namingViolation",
  65: "objectClassViolation",
  66: "notAllowedOnNonLeaf",
  67: "notAllowedOnRDN",
  68: "entryAlreadyExists",
  80: "other",
};

const TLS_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|DEPTH_ZERO|ERR_SSL|wrong version number|Hostname\/IP does not match/i;

function codeFor(result: number): ErrorCode {
  switch (result) {
    case 32:
      return "NotFound";
    case 68:
      return "AlreadyExists";
    case 49:
    case 48:
    case 50:
    case 8:
      return "Unauthorized";
    case 13:
      return "Tls";
    case 51:
      return "Throttled";
    case 52:
      return "Transport";
    case 3:
      return "Timeout";
    default:
      return "InvalidRequest";
  }
}

/** Map an ldapts / socket / TLS error to a typed error. The message never carries the bind password. */
export function mapLdapError(e: unknown, operation: string, target: string): RcclabError {
  if (e instanceof RcclabError) return e;
  const err = e as { code?: unknown; message?: string; name?: string };
  const message = err?.message ?? String(e);
  if (typeof err?.code === "number") {
    const result = err.code;
    const name = RESULT_NAMES[result] ?? `result ${result}`;
    return new RcclabError(codeFor(result), `${operation}: ${name} (${result}): ${message.replace(/\s*Code: 0x[0-9a-f]+$/i, "")}`, {
      systemCode: result,
    });
  }
  const sys = typeof err?.code === "string" ? err.code : "";
  if (TLS_ERROR.test(sys) || TLS_ERROR.test(message)) {
    return new RcclabError("Tls", `${operation}: TLS with ${target} failed: ${message}`, { systemCode: sys || undefined });
  }
  if (/timed? ?out|timeout/i.test(message) || sys === "ETIMEDOUT") {
    return new RcclabError("Timeout", `${operation}: ${target} did not answer in time: ${message}`, { systemCode: sys || undefined });
  }
  if (
    ["ECONNREFUSED", "ECONNRESET", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"].includes(sys) ||
    /socket|connection closed|closed before|ECONNRESET|ECONNREFUSED/i.test(message)
  ) {
    return new RcclabError("Transport", `${operation}: cannot talk to ${target}: ${message}`, { systemCode: sys || undefined });
  }
  return new RcclabError("InvalidRequest", `${operation}: ${message}`);
}

/** objectGUID bytes → AD's string form (the first three groups little-endian). */
export function guidToString(b: Buffer): string {
  if (b.length !== 16) return b.toString("hex");
  const h = (i: number) => b[i]!.toString(16).padStart(2, "0");
  const le = (idx: number[]) => idx.map(h).join("");
  return `${le([3, 2, 1, 0])}-${le([5, 4])}-${le([7, 6])}-${le([8, 9])}-${le([10, 11, 12, 13, 14, 15])}`;
}

/** The UTF-16LE, double-quoted form AD wants in unicodePwd. */
export function unicodePwd(password: string): Buffer {
  return Buffer.from(`"${password}"`, "utf16le");
}

interface Parsed {
  secure: boolean;
  host: string;
  port: number;
}

function parseUrl(url: string): Parsed {
  const u = new URL(url);
  const secure = u.protocol === "ldaps:";
  let host = u.hostname;
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  return { secure, host, port: u.port ? Number(u.port) : secure ? 636 : 389 };
}

/**
 * tls.connect that checks the pinned fingerprint when the handshake completes and, on a mismatch,
 * destroys the socket before the LDAP layer sees it: no byte (no bind) is sent to an impostor.
 */
function pinnedConnect(settings: TlsSettings, target: string): typeof tls.connect {
  return ((...args: unknown[]) => {
    const socket = (tls.connect as (...a: unknown[]) => tls.TLSSocket)(...args);
    const emit = socket.emit.bind(socket) as (event: string | symbol, ...rest: unknown[]) => boolean;
    socket.emit = ((event: string | symbol, ...rest: unknown[]) => {
      if (event === "secureConnect") {
        try {
          verifyPin(socket, settings, target);
        } catch (e) {
          socket.destroy(e as Error);
          return false;
        }
      }
      return emit(event, ...rest);
    }) as typeof socket.emit;
    return socket;
  }) as typeof tls.connect;
}

export class AdClient {
  readonly target: string;
  readonly domainDn: string;
  /** True when the session is encrypted (LDAPS or StartTLS). */
  readonly secure: boolean;
  private readonly url: Parsed;
  private session?: Promise<LdapClient>;
  private contexts?: Promise<NamingContexts>;

  constructor(
    readonly connection: AdConnection,
    private readonly log: Logger,
  ) {
    this.url = parseUrl(connection.url);
    this.target = connection.url;
    this.secure = this.url.secure || connection.startTls;
    if (!this.secure && !connection.allowPlainLdap) {
      throw new RcclabError("Tls", `${connection.url}: plain LDAP refused (the bind password would travel in clear); use ldaps://, startTls: true, or allowPlainLdap: true`);
    }
    if (!this.secure) log.warn(`plain LDAP to ${connection.url} (allowPlainLdap): the bind password travels in clear`);
    this.domainDn = domainDnOf(connection.usersDn);
  }

  private tlsOptions(): tls.ConnectionOptions {
    return tlsConnectOptions(this.connection.tls, (m) => this.log.warn(m), this.target);
  }

  private async open(): Promise<LdapClient> {
    const c = this.connection;
    const pin = c.tls.fingerprint256 ? pinnedConnect(c.tls, this.target) : undefined;
    const client = new LdapClient({
      url: c.url,
      timeout: c.timeoutMs,
      connectTimeout: c.timeoutMs,
      // ldapts opens TLS whenever tlsOptions are given, even for ldap://: only for ldaps://.
      ...(this.url.secure ? { tlsOptions: this.tlsOptions() } : {}),
      ...(pin ? { createSecureConnection: pin } : {}),
    });
    try {
      if (!this.url.secure && c.startTls) {
        // The name to verify: the configured servername, else the URL's host (an IP is checked against IP SANs).
        const host = c.tls.servername ?? this.url.host;
        await client.startTLS({ ...this.tlsOptions(), host, ...(net.isIP(host) ? {} : { servername: host }) });
      }
      await client.bind(c.bindDn, c.password);
    } catch (e) {
      await client.unbind().catch(() => {});
      const mapped = mapLdapError(e, `bind as ${c.bindDn}`, this.target);
      if (mapped.code === "Unauthorized") {
        // A wrong password is not retried: AD counts failed binds towards the lockout threshold.
        throw new RcclabError("Unauthorized", mapped.message, { retryable: false, systemCode: mapped.systemCode });
      }
      throw mapped;
    }
    return client;
  }

  private async bound(): Promise<LdapClient> {
    if (this.session) {
      const s = await this.session.catch(() => undefined);
      if (s?.isConnected) return s;
      this.session = undefined;
    }
    const p = this.open();
    this.session = p;
    p.catch(() => {
      if (this.session === p) this.session = undefined;
    });
    return p;
  }

  /** Run one LDAP operation with a bound session, mapping errors and retrying what may succeed later. */
  private run<T>(operation: string, fn: (c: LdapClient, attempt: number) => Promise<T>): Promise<T> {
    const c = this.connection;
    return withRetry(
      async (attempt) => {
        const session = await this.bound();
        try {
          return await fn(session, attempt);
        } catch (e) {
          const mapped = mapLdapError(e, operation, this.target);
          if (mapped.code === "Transport" || mapped.code === "Timeout") {
            this.session = undefined;
            await session.unbind().catch(() => {});
          }
          throw mapped;
        }
      },
      { retries: c.retries, minTimeoutMs: c.minRetryDelayMs, maxTimeoutMs: c.maxRetryDelayMs },
      (e, n, delay) => this.log.info(`${operation}: attempt ${n} failed (${(e as Error).message}); retrying in ${Math.round(delay)} ms`),
    );
  }

  private static toEntry(raw: Record<string, unknown>): LdapEntry {
    const attributes = new Map<string, string[]>();
    let objectGuid: string | undefined;
    for (const [k, v] of Object.entries(raw)) {
      if (k === "dn") continue;
      if (k.toLowerCase() === "objectguid") {
        const b = Array.isArray(v) ? v[0] : v;
        if (Buffer.isBuffer(b)) objectGuid = guidToString(b);
        continue;
      }
      const values = (Array.isArray(v) ? v : [v]).map((x) => (Buffer.isBuffer(x) ? x.toString("utf8") : String(x)));
      attributes.set(k.toLowerCase(), values);
    }
    return { dn: String(raw.dn), attributes, objectGuid };
  }

  /** Entries matching a filter (built with eq()/escapeFilterValue: values escaped). */
  search(base: string, filter: string, attributes: readonly string[], scope: "base" | "one" | "sub" = "sub"): Promise<LdapEntry[]> {
    return this.run(`search ${base} ${filter}`, async (c) => {
      const r = await c.search(base, { scope, filter, attributes: [...attributes], explicitBufferAttributes: ["objectGUID"] });
      return r.searchEntries.map((e) => AdClient.toEntry(e as unknown as Record<string, unknown>));
    });
  }

  /**
   * Every entry matching a filter, in pages (the simple paged results control, RFC 2696; AD returns
   * at most MaxPageSize, 1000 by default, per page): ceil(n / pageSize) requests. A server without
   * the control answers the whole search at once, which ldapts takes as the one page. A failed page
   * (or a cookie the server dropped) repeats the whole search under the retries.
   */
  searchPaged(base: string, filter: string, attributes: readonly string[], pageSize = PAGE_SIZE): Promise<LdapEntry[]> {
    return this.run(`paged search ${base} ${filter}`, async (c) => {
      const r = await c.search(base, { scope: "sub", filter, attributes: [...attributes], explicitBufferAttributes: ["objectGUID"], paged: { pageSize } });
      return r.searchEntries.map((e) => AdClient.toEntry(e as unknown as Record<string, unknown>));
    });
  }

  /**
   * Every user (not a computer) of the domain that has a sAMAccountName, by one paged search where
   * findUser searches (the domain, subtree): what findUser would find for each, in bulk. Names held
   * by more than one user are left out (findUser fails on them).
   */
  async listUsers(attributes: readonly string[]): Promise<Map<string, LdapEntry>> {
    const wanted = attributes.some((a) => a.toLowerCase() === "samaccountname") ? attributes : [...attributes, "sAMAccountName"];
    const found = await this.searchPaged(this.domainDn, `(&${USER_FILTER}(sAMAccountName=*))`, wanted);
    const byName = new Map<string, LdapEntry>();
    const seen = new Map<string, number>();
    for (const e of found) {
      const sam = first(e, "sAMAccountName");
      if (sam === undefined) continue;
      // AD matches sAMAccountName without regard to case.
      seen.set(sam.toLowerCase(), (seen.get(sam.toLowerCase()) ?? 0) + 1);
      byName.set(sam, e);
    }
    for (const sam of [...byName.keys()]) if (seen.get(sam.toLowerCase())! > 1) byName.delete(sam);
    return byName;
  }

  /** One entry by DN, or undefined when it does not exist. */
  async get(dn: string, attributes: readonly string[]): Promise<LdapEntry | undefined> {
    try {
      const [entry] = await this.search(dn, "(objectClass=*)", attributes, "base");
      return entry;
    } catch (e) {
      if (e instanceof RcclabError && e.code === "NotFound") return undefined;
      throw e;
    }
  }

  /**
   * The forest's naming contexts, from the root DSE (read once per client). A server that does not
   * name them (not AD) is taken as a one-domain forest: the domain of usersDn is its root.
   */
  namingContexts(): Promise<NamingContexts> {
    if (!this.contexts) {
      const p = this.search("", "(objectClass=*)", ["defaultNamingContext", "rootDomainNamingContext", "configurationNamingContext"], "base").then(([dse]) => {
        const one = (name: string) => (dse ? first(dse, name) : undefined) || undefined;
        const contexts = {
          defaultNamingContext: one("defaultNamingContext") ?? this.domainDn,
          rootDomainNamingContext: one("rootDomainNamingContext") ?? this.domainDn,
          configurationNamingContext: one("configurationNamingContext") ?? `CN=Configuration,${one("rootDomainNamingContext") ?? this.domainDn}`,
        };
        if (!dse || !one("configurationNamingContext")) {
          this.log.info(`${this.target}: the root DSE names no configurationNamingContext; taking ${contexts.configurationNamingContext}`);
        }
        return contexts;
      });
      this.contexts = p;
      p.catch(() => {
        if (this.contexts === p) this.contexts = undefined;
      });
    }
    return this.contexts;
  }

  /** The user (not a computer) with this sAMAccountName anywhere in the domain, or undefined. */
  async findUser(sAMAccountName: string, attributes: readonly string[]): Promise<LdapEntry | undefined> {
    const filter = `(&${USER_FILTER}${eq("sAMAccountName", sAMAccountName)})`;
    const found = await this.search(this.domainDn, filter, attributes, "sub");
    if (found.length > 1) throw new RcclabError("Conflict", `more than one user has sAMAccountName ${JSON.stringify(sAMAccountName)}`);
    return found[0];
  }

  /**
   * Add an entry. "existed": a retry (after an attempt whose answer was lost) found the name taken,
   * by the lost attempt or by someone else in between: the caller checks which.
   */
  async add(dn: string, attributes: Record<string, string | Buffer | (string | Buffer)[]>): Promise<"added" | "existed"> {
    checkDn(dn);
    const attrs = Object.entries(attributes).map(
      ([type, v]) => new Attribute({ type, values: (Array.isArray(v) ? v : [v]) as string[] | Buffer[] }),
    );
    return this.run(`add ${dn}`, async (c, attempt) => {
      try {
        await c.add(dn, attrs);
        return "added" as const;
      } catch (e) {
        if (attempt > 1 && (e as { code?: unknown }).code === 68) {
          this.log.info(`add ${dn}: the name is taken after a retried request (the earlier attempt's answer was lost)`);
          return "existed" as const;
        }
        throw e;
      }
    });
  }

  /** Modify an entry: the changes apply together or not at all. */
  async modify(dn: string, changes: readonly Modification[]): Promise<void> {
    if (changes.length === 0) return;
    checkDn(dn);
    const list = changes.map(
      (ch) => new Change({ operation: ch.operation, modification: new Attribute({ type: ch.type, values: ch.values as string[] | Buffer[] }) }),
    );
    await this.run(`modify ${dn}`, (c) => c.modify(dn, list));
  }

  /** Rename in place: newRdn is one escaped RDN, e.g. CN=Alice Ng. */
  async rename(dn: string, newRdn: string): Promise<void> {
    checkDn(dn);
    if (parseDn(newRdn).length !== 1) throw new RcclabError("InvalidRequest", `rename ${dn}: "${newRdn}" must be a single RDN`);
    await this.run(`rename ${dn}`, (c) => c.modifyDN(dn, newRdn));
  }

  /** Delete an entry; NotFound when it is already gone. */
  async remove(dn: string): Promise<void> {
    checkDn(dn);
    await this.run(`delete ${dn}`, async (c, attempt) => {
      try {
        await c.del(dn);
      } catch (e) {
        if (attempt > 1 && (e as { code?: unknown }).code === 32) return; // the lost attempt deleted it
        throw e;
      }
    });
  }

  /** Close the session (tests; the provider host simply exits). */
  async close(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (s) await (await s.catch(() => undefined))?.unbind().catch(() => {});
  }
}

/** Users, not computers (a computer account is of class user too). */
const USER_FILTER = "(objectClass=user)(!(objectClass=computer))";
/** Entries per page of a paged search: AD's default MaxPageSize. */
const PAGE_SIZE = 1000;

function checkDn(dn: string): void {
  try {
    parseDn(dn);
  } catch (e) {
    if (e instanceof DnSyntaxError) throw new RcclabError("InvalidRequest", e.message);
    throw e;
  }
}
