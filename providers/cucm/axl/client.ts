/**
 * The AXL client: one typed SOAP client (node-soap over our own WSDL subsets) per CUCM connection.
 *
 * - HTTP Basic auth on the first request, then CUCM's session cookie (falls back to Basic on 401).
 * - A timeout per request; TLS verified by default (lab CA, SHA-256 pin, or explicit insecure mode).
 * - Faults become typed errors (not found, already exists, throttled, unauthorized, invalid), from
 *   7.0's detail/Error and 8.x+'s detail/axlError alike (faults.ts); HTTP 599 (a release the server
 *   does not serve) becomes VersionMismatch.
 * - Retries (p-retry, backoff with jitter) for throttling and lost connections, never for validation
 *   errors; an add whose response was lost is checked with a get before it is retried.
 * - The first request of a client checks that CUCM runs the release the stack declares (B1).
 */
import type * as https from "node:https";
import { z } from "zod";
import { RcclabError, isCode } from "../../core/errors";
import type { Logger } from "../../core/kind";
import { withRetry } from "../../core/retry";
import { httpsAgent, tlsSchema } from "../../core/tls";
import { TomcatSession } from "../../core/tomcatSession";
import { adapterFor } from "./adapters";
import { AXL_RELEASES, type AxlRelease, type AxlRequest, type Got, type ObjectCodec, type ReleaseAdapter } from "./model";
import { ServiceabilityClient } from "../serviceability/client";
import { mapAxlError } from "./faults";
import { loadWsdl } from "./wsdl";

export { mapAxlError };

export const axlConnectionSchema = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(8443),
    username: z.string().min(1),
    password: z.string().min(1),
    /** The AXL release the stack speaks; CUCM must run the same major.minor (checked once per run). */
    release: z.enum(AXL_RELEASES),
    tls: tlsSchema,
    timeoutMs: z.number().int().positive().default(30_000),
    retries: z.number().int().min(0).max(10).default(5),
    /** Backoff bounds (tests shorten them). */
    minRetryDelayMs: z.number().int().min(0).default(500),
    maxRetryDelayMs: z.number().int().min(0).default(10_000),
  })
  .strict();

export type AxlConnection = z.infer<typeof axlConnectionSchema>;

/** CUCM's version string "7.0.2.20000-5" → "7.0". */
export const majorMinor = (version: string): string => version.split(".").slice(0, 2).join(".");

export class AxlClient {
  readonly adapter: ReleaseAdapter;
  readonly target: string;
  private soap?: Promise<any>;
  private agent?: https.Agent;
  private readonly session: TomcatSession;
  private versionCheck?: Promise<string>;
  private serviceabilityClient?: ServiceabilityClient;
  /** Every request envelope sent, when recording is on (tests validate them against Cisco's schema). */
  readonly sent: { operation: string; xml: string }[] = [];
  record = false;

  constructor(
    readonly connection: AxlConnection,
    private readonly log: Logger,
  ) {
    this.adapter = adapterFor(connection.release);
    this.session = new TomcatSession(connection.username, connection.password);
    this.target = `https://${connection.host}:${connection.port}/axl/`;
  }

  private client(): Promise<any> {
    this.soap ??= (async () => {
      const soap = await import("soap");
      const wsdl = await loadWsdl(this.connection.release);
      const client = new soap.Client(wsdl, this.target, { attributesKey: "$attributes" } as any);
      this.session.attach(client);
      client.on("request", (xml: string) => {
        if (this.record) this.sent.push({ operation: /<(?:\w+:)?Body>\s*<(?:\w+:)?(\w+)/.exec(xml)?.[1] ?? "?", xml });
      });
      return client;
    })();
    return this.soap;
  }

  private httpsAgent(): https.Agent {
    this.agent ??= httpsAgent(this.connection.tls, this.log.warn, this.target);
    return this.agent;
  }

  /** One request, no retry; the `return` element of the response, parsed. */
  async once(req: AxlRequest): Promise<unknown> {
    const client = await this.client();
    const method = client[`${req.operation}Async`];
    if (typeof method !== "function") throw new RcclabError("InvalidRequest", `${req.operation} is not in the AXL ${this.connection.release} WSDL subset`);
    const call = async () => {
      const [result] = await method.call(client, req.body, { httpsAgent: this.httpsAgent(), timeout: this.connection.timeoutMs });
      return result?.return as unknown;
    };
    return this.session.call(call, (e) => mapAxlError(e, req.operation, this.target, { system: "CUCM", release: this.connection.release, setting: "cucm.release" }));
  }

  /** One request with retries for throttling and lost connections (for idempotent requests). */
  execute(req: AxlRequest): Promise<unknown> {
    return withRetry(() => this.once(req), this.retryPolicy(), (e, n, delay) =>
      this.log.info(`${(e as Error).message}; retry ${n} in ${delay} ms`),
    );
  }

  private retryPolicy() {
    const c = this.connection;
    return { retries: c.retries, minTimeoutMs: c.minRetryDelayMs, maxTimeoutMs: c.maxRetryDelayMs };
  }

  /** CUCM's version (getCCMVersion). */
  async version(): Promise<string> {
    return this.adapter.parseVersion(await this.execute(this.adapter.getVersion()));
  }

  /** B1: fail early, once per client, when CUCM does not run the declared release. */
  ensureRelease(): Promise<string> {
    this.versionCheck ??= this.version().then((v) => {
      if (majorMinor(v) !== this.connection.release) {
        throw new RcclabError(
          "VersionMismatch",
          `CUCM at ${this.connection.host} runs ${v}, but the stack declares AXL release ${this.connection.release} (cucm.release)`,
        );
      }
      return v;
    });
    this.versionCheck.catch(() => (this.versionCheck = undefined));
    return this.versionCheck;
  }

  async sql<T extends Record<string, string>>(sql: string): Promise<T[]> {
    await this.ensureRelease();
    return this.adapter.parseSqlRows(await this.execute(this.adapter.sqlQuery(sql))) as T[];
  }

  async get<S, K>(codec: ObjectCodec<S, K>, key: K): Promise<Got<S> | undefined> {
    await this.ensureRelease();
    try {
      return codec.parse(await this.execute(codec.get(key)));
    } catch (e) {
      if (isCode(e, "NotFound")) return undefined;
      throw e;
    }
  }

  /**
   * Add, safely retried: when a try fails after the request may have reached CUCM (connection reset,
   * timeout), a get checks whether the add took effect before the add is sent again.
   */
  async add<S, K>(codec: ObjectCodec<S, K>, spec: S, key: K): Promise<string> {
    await this.ensureRelease();
    const request = codec.add(spec);
    const uuid = await withRetry(
      async (attempt, lastError) => {
        if (attempt > 1 && (isCode(lastError, "Transport") || isCode(lastError, "Timeout"))) {
          const existing = await this.getOnce(codec, key);
          if (existing) {
            this.log.info(`${request.operation}: the lost response's add took effect (${existing.uuid}); not sending it again`);
            return existing.uuid;
          }
        }
        const ret = await this.once(request);
        if (!codec.addReturnsNoUuid) return uuidOf(ret);
        const created = await this.getOnce(codec, key);
        if (!created) throw new RcclabError("InvalidRequest", `${request.operation}: CUCM accepted it, but the object cannot be read back`);
        return created.uuid;
      },
      this.retryPolicy(),
      (e, n, delay) => this.log.info(`${(e as Error).message}; retry ${n} in ${delay} ms`),
    );
    // What the add request cannot carry (7.0: a user's groups, default profile), sent right after.
    if (codec.afterAdd) {
      const created = await this.get(codec, key);
      if (!created) throw new RcclabError("InvalidRequest", `${request.operation}: CUCM accepted it, but the object cannot be read back`);
      for (const req of codec.afterAdd(created, spec)) await this.execute(req);
    }
    return uuid;
  }

  private async getOnce<S, K>(codec: ObjectCodec<S, K>, key: K): Promise<Got<S> | undefined> {
    try {
      return codec.parse(await this.once(codec.get(key)));
    } catch (e) {
      if (isCode(e, "NotFound")) return undefined;
      throw e;
    }
  }

  /**
   * Bring the live object to `desired` (or to what `desired` makes of the live object); returns its
   * uuid. NotFound when it is gone.
   */
  async update<S, K>(codec: ObjectCodec<S, K>, key: K, desired: S | ((current: Got<S>) => S)): Promise<string> {
    const current = await this.get(codec, key);
    if (!current) throw new RcclabError("NotFound", `cannot update: not found on CUCM`);
    const target = typeof desired === "function" ? (desired as (c: Got<S>) => S)(current) : desired;
    for (const req of codec.update(current, target)) await this.execute(req);
    return current.uuid;
  }

  /** Remove; false when it was already gone. */
  async remove<S, K>(codec: ObjectCodec<S, K>, key: K): Promise<boolean> {
    await this.ensureRelease();
    try {
      await this.execute(codec.remove(key));
      return true;
    } catch (e) {
      if (isCode(e, "NotFound")) return false;
      throw e;
    }
  }

  /** CUCM's Serviceability Control Center API (B11: service activation), same credentials and TLS. */
  serviceability(): ServiceabilityClient {
    this.serviceabilityClient ??= new ServiceabilityClient(this.connection, this.log);
    return this.serviceabilityClient;
  }

  close(): void {
    this.agent?.destroy();
    this.serviceabilityClient?.close();
  }
}

/** The uuid in an add/update/remove response's `return` (plain text, or text with attributes). */
export function uuidOf(ret: unknown): string {
  if (typeof ret === "string") return ret;
  const v = (ret as { $value?: unknown } | undefined)?.$value;
  if (typeof v === "string") return v;
  throw new RcclabError("InvalidRequest", `unexpected AXL response: ${JSON.stringify(ret)?.slice(0, 200)}`);
}
