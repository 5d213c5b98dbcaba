/**
 * The AXL client: one typed SOAP client (node-soap over our own WSDL subsets) per CUCM connection.
 *
 * - HTTP Basic auth on the first request, then CUCM's session cookie (falls back to Basic on 401).
 * - A timeout per request; TLS verified by default (lab CA, SHA-256 pin, or explicit insecure mode).
 * - Faults become typed errors (not found, already exists, throttled, unauthorized, invalid), from
 *   7.0's detail/Error and 8.x+'s detail/axlError alike (faults.ts); HTTP 599 (a release the server
 *   does not serve) becomes VersionMismatch.
 * - Retries (p-retry, backoff with jitter) for throttling and lost connections, never for validation
 *   errors; each retry is one warning line (providers/core/retry.ts).
 * - Adaptive concurrency: every request to one CUCM from this process (all kinds, all resources)
 *   passes one AIMD limit (AXL_CONCURRENCY): halved when CUCM throttles, with a warning line
 *   naming the new limit; grown by one after a run of answers.
 * - No write is sent twice: once a write's answer may have been lost (connection reset, socket hang
 *   up, timeout), every later attempt first reads whether it took effect and sends it again only when
 *   it did not: an add by a get of its key; an update by reading the object again and asking the
 *   codec what is still to send; a remove by a get; an SQL insert, update or delete
 *   (executeSQLUpdate) by its read-back (the row by its pkid, or the rows its WHERE matches, read
 *   before and after).
 * - The first request of a client checks that CUCM runs the release the stack declares (B1).
 */
import type * as https from "node:https";
import { z } from "zod";
import { AdaptiveLimit, type AdaptiveLimitOptions } from "../../core/adaptiveLimit";
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

/**
 * How many AXL requests may be in flight to one CUCM: an AIMD limit (../../core/adaptiveLimit.ts),
 * starting where the engine's CUCM lane does (4), halved when CUCM throttles (HTTP 503, or the -1
 * "Maximum AXL Memory Allocation Consumed" fault), one more after 10 answers in a row, at most 16.
 */
export const AXL_CONCURRENCY: AdaptiveLimitOptions = { initial: 4, max: 16, min: 1, increaseAfter: 10 };

/** One limit per CUCM (host and port), shared by every client of this process: every kind, every resource. */
const hostLimits = new Map<string, AdaptiveLimit>();

/** The AXL concurrency limit of one CUCM in this process. */
export function axlLimitFor(host: string, port: number): AdaptiveLimit {
  const key = `${host.toLowerCase()}:${port}`;
  let limit = hostLimits.get(key);
  if (!limit) hostLimits.set(key, (limit = new AdaptiveLimit(AXL_CONCURRENCY)));
  return limit;
}

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
  /** Uuids of objects this client added, updated or read, by codec and key (see knownUuid). */
  private readonly uuids = new WeakMap<object, Map<string, string>>();
  /** Shared with every client of the same CUCM in this process (axlLimitFor). */
  readonly limit: AdaptiveLimit;
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
    this.limit = axlLimitFor(connection.host, connection.port);
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
    return this.limit.run(
      () => this.session.call(call, (e) => mapAxlError(e, req.operation, this.target, { system: "CUCM", release: this.connection.release, setting: "cucm.release" })),
      (e) => (isCode(e, "Throttled") ? "throttled" : "failed"),
      (change) => {
        if (change.to < change.from) {
          this.log.warn(`CUCM at ${this.connection.host} throttles AXL (${req.operation}): slowing down to ${change.to} request${change.to === 1 ? "" : "s"} in flight (was ${change.from})`);
        }
      },
    );
  }

  /**
   * One read with retries for throttling and lost connections. Reads only: a write goes through
   * add / update / remove, which never send it twice.
   */
  execute(req: AxlRequest): Promise<unknown> {
    return withRetry(() => this.once(req), this.retryPolicy(req.operation));
  }

  private retryPolicy(operation?: string) {
    const c = this.connection;
    return { retries: c.retries, minTimeoutMs: c.minRetryDelayMs, maxTimeoutMs: c.maxRetryDelayMs, log: this.log, ...(operation ? { operation } : {}) };
  }

  /**
   * One write, retried without ever being applied twice. `send` sends it (once); when an attempt's
   * answer is lost (a Transport or Timeout error: the request may have reached CUCM), every later
   * attempt first calls `tookEffect` (reads, each sent once: one that fails fails the attempt, and
   * the next attempt reads again), which returns the write's result when it took effect, and sends
   * the write again only when it did not.
   */
  private async write<T>(operation: string, send: () => Promise<T>, tookEffect: () => Promise<T | undefined>): Promise<T> {
    let maybeSent = false;
    return withRetry(async () => {
      if (maybeSent) {
        const done = await tookEffect();
        if (done !== undefined) {
          this.log.info(`${operation}: the write whose answer was lost took effect; not sending it again`);
          return done;
        }
      }
      try {
        return await send();
      } catch (e) {
        if (lostAnswer(e)) maybeSent = true;
        throw e;
      }
    }, this.retryPolicy(operation));
  }

  /**
   * An SQL write (executeSQLUpdate): the rows it changed. Its read-back (sql.ts) says after a lost
   * answer whether it took effect: an insert's row by its pkid; an update's or delete's rows (read
   * before it is sent) gone or different, or none before and none now (nothing to change); an
   * update that only sets fixed values by the rows it would still change (none: done; nothing is
   * read before it is sent). Rows still as they were: it is sent again. A write without a read-back is not sent twice either:
   * after a lost answer it fails, saying so.
   */
  private async sqlWrite(req: AxlRequest): Promise<number> {
    const rb = req.readBack;
    const rows = async (sql: string) => this.adapter.parseSqlRows(await this.once(this.adapter.sqlQuery(sql)));
    const before = rb?.kind === "change" ? this.adapter.parseSqlRows(await this.execute(this.adapter.sqlQuery(rb.sql))) : undefined;
    return this.write(
      req.operation,
      async () => this.adapter.parseSqlUpdate(await this.once(req)),
      async () => {
        if (!rb) throw new RcclabError("InvalidRequest", `${req.operation}: its answer was lost and rcclab cannot read back whether it took effect; not sending it again (check CUCM, then run again)`);
        const now = await rows(rb.sql);
        if (rb.kind === "insert") return now.length ? now.length : undefined;
        // Rows it would still change: none = it took effect (or there was nothing to change).
        if (rb.kind === "set") return now.length ? undefined : 0;
        // Nothing matched before, nothing now: the statement has nothing to change.
        if (!before?.length && !now.length) return 0;
        const changed = rowsChanged(before ?? [], now);
        return changed > 0 ? changed : undefined;
      },
    );
  }

  /**
   * A write among those an update (or what follows an add) sends. After a lost answer it is checked
   * by its read-back (SQL), or by reading the object again: `pending` says what is still to send
   * for the object as it is now; the write took effect when it is no longer among them.
   */
  private async sendChecked<S, K>(req: AxlRequest, codec: ObjectCodec<S, K>, key: K, pending: (current: Got<S>) => AxlRequest[]): Promise<void> {
    if (req.operation === "executeSQLUpdate") {
      await this.sqlWrite(req);
      return;
    }
    await this.write(
      req.operation,
      async () => {
        await this.once(req);
        return true;
      },
      async () => {
        const now = await this.getOnce(codec, key);
        if (!now) return undefined; // gone: sending it again says so
        let still: AxlRequest[];
        try {
          still = pending(now);
        } catch {
          return undefined; // the codec cannot tell from here: send it again
        }
        return still.some((r) => sameRequest(r, req)) ? undefined : true;
      },
    );
  }

  /**
   * Whether CUCM accepts this password for this user (doAuthenticateUser: a login test; it changes
   * nothing, so it is retried as a read).
   */
  async authenticateUser(userid: string, password: string): Promise<boolean> {
    return this.adapter.parseAuthenticated(await this.execute(this.adapter.authenticateUser(userid, password)));
  }

  /**
   * CUCM's version (getCCMVersion). The first answer also serves the release check (ensureRelease),
   * so a run that reads the version first (B1) does not ask for it twice.
   */
  async version(): Promise<string> {
    const v = this.adapter.parseVersion(await this.execute(this.adapter.getVersion()));
    if (!this.versionCheck) {
      const check = Promise.resolve(v).then((got) => this.checkRelease(got));
      this.versionCheck = check;
      check.catch(() => {
        if (this.versionCheck === check) this.versionCheck = undefined;
      });
    }
    return v;
  }

  private checkRelease(v: string): string {
    if (majorMinor(v) !== this.connection.release) {
      throw new RcclabError(
        "VersionMismatch",
        `CUCM at ${this.connection.host} runs ${v}, but the stack declares AXL release ${this.connection.release} (cucm.release)`,
      );
    }
    return v;
  }

  /** B1: fail early, once per client, when CUCM does not run the declared release. */
  ensureRelease(): Promise<string> {
    if (!this.versionCheck) {
      const check = this.execute(this.adapter.getVersion()).then((ret) => this.checkRelease(this.adapter.parseVersion(ret)));
      this.versionCheck = check;
      check.catch(() => {
        if (this.versionCheck === check) this.versionCheck = undefined;
      });
    }
    return this.versionCheck;
  }

  async sql<T extends Record<string, string>>(sql: string): Promise<T[]> {
    await this.ensureRelease();
    return this.adapter.parseSqlRows(await this.execute(this.adapter.sqlQuery(sql))) as T[];
  }

  async get<S, K>(codec: ObjectCodec<S, K>, key: K): Promise<Got<S> | undefined> {
    await this.ensureRelease();
    try {
      return this.learn(codec, key, codec.parse(await this.execute(codec.get(key))));
    } catch (e) {
      if (isCode(e, "NotFound")) return this.learn(codec, key, undefined);
      throw e;
    }
  }

  /**
   * The uuid of an object this client added, updated or read in this process (by the codec's key),
   * without asking CUCM; undefined when none is known. A hint only: whoever uses it must look the
   * object up again when CUCM refuses it (see `forgetUuid`). Used for the directory numbers a phone
   * or device profile names right after the lines were added.
   */
  knownUuid<S, K>(codec: ObjectCodec<S, K>, key: K): string | undefined {
    const id = cacheId(key);
    return id === undefined ? undefined : this.uuids.get(codec)?.get(id);
  }

  /** Forget a known uuid (CUCM refused it: the object was removed or made again elsewhere). */
  forgetUuid<S, K>(codec: ObjectCodec<S, K>, key: K): void {
    const id = cacheId(key);
    if (id !== undefined) this.uuids.get(codec)?.delete(id);
  }

  /** Remember (or forget, when gone) the uuid of an object by its key; returns `got`. */
  private learn<S, K, T extends { uuid: string } | undefined>(codec: ObjectCodec<S, K>, key: K, got: T): T {
    const id = cacheId(key);
    if (id === undefined) return got;
    let m = this.uuids.get(codec);
    if (!m) this.uuids.set(codec, (m = new Map()));
    if (got?.uuid) m.set(id, got.uuid);
    else m.delete(id);
    return got;
  }

  /**
   * Add, safely retried: once an attempt may have reached CUCM (its answer lost: connection reset,
   * timeout; or CUCM took it and what came after failed), every later attempt first gets the object
   * by its key, and the add is sent again only when it is not there. This holds across attempts
   * that fail otherwise in between (a 503 on the get): an add is never sent twice.
   *
   * The uuid comes from the add's answer, or from the request itself (an SQL insert names its
   * pkid); only an add that gives neither is read back.
   */
  async add<S, K>(codec: ObjectCodec<S, K>, spec: S, key: K): Promise<string> {
    await this.ensureRelease();
    const request = codec.add(spec);
    /** unsent; lost: an answer was lost (it may have taken effect); accepted: CUCM answered it. */
    let state: "unsent" | "lost" | "accepted" = "unsent";
    /** The object as read after a lost answer (what the add made, seen by CUCM). */
    let seen: Got<S> | undefined;
    const uuid = await withRetry(async () => {
      if (state !== "unsent") {
        const existing = await this.getOnce(codec, key);
        if (existing) {
          if (state === "lost") this.log.info(`${request.operation}: the add whose answer was lost took effect (${existing.uuid}); not sending it again`);
          seen = existing;
          return existing.uuid;
        }
        if (state === "accepted") throw new RcclabError("InvalidRequest", `${request.operation}: CUCM accepted it, but the object cannot be read back`);
      }
      let ret: unknown;
      try {
        ret = await this.once(request);
      } catch (e) {
        if (lostAnswer(e)) state = "lost";
        throw e;
      }
      state = "accepted";
      if (request.uuid !== undefined) return request.uuid;
      if (!codec.addReturnsNoUuid) return uuidOf(ret);
      const created = await this.getOnce(codec, key);
      if (!created) throw new RcclabError("InvalidRequest", `${request.operation}: CUCM accepted it, but the object cannot be read back`);
      return created.uuid;
    }, this.retryPolicy(request.operation));
    this.learn(codec, key, { uuid });
    // What the add request cannot carry (7.0: a user's groups, default profile), sent right after:
    // what is still to send follows from the spec (the object is as the add made it), or from the
    // object read after a lost answer. Each is checked before it is sent again (sendChecked).
    if (codec.afterAdd) {
      for (const req of codec.afterAdd(spec, seen)) await this.sendAfterAdd(req, codec, spec, key);
    }
    return uuid;
  }

  /**
   * One of the requests that follow an add. CUCM may already have what it sends (an object made
   * with more than the add carried): AlreadyExists is then no failure, once a read of the object
   * shows that request is no longer needed.
   */
  private async sendAfterAdd<S, K>(req: AxlRequest, codec: ObjectCodec<S, K>, spec: S, key: K): Promise<void> {
    const pending = (now: Got<S>) => codec.afterAdd!(spec, now);
    try {
      await this.sendChecked(req, codec, key, pending);
    } catch (e) {
      if (!isCode(e, "AlreadyExists")) throw e;
      const now = await this.get(codec, key);
      if (!now || pending(now).some((r) => sameRequest(r, req))) throw e;
    }
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
    return this.updateFrom(codec, key, current, target);
  }

  /**
   * Bring the live object from `current` (just read by the caller) to `desired`, without reading it
   * again; returns its uuid. Every write is checked before it is sent again (sendChecked).
   */
  async updateFrom<S, K>(codec: ObjectCodec<S, K>, key: K, current: Got<S>, desired: S): Promise<string> {
    for (const req of codec.update(current, desired)) await this.sendChecked(req, codec, key, (now) => codec.update(now, desired));
    return current.uuid;
  }

  /** Remove; false when it was already gone. After a lost answer, a get says whether it took effect. */
  async remove<S, K>(codec: ObjectCodec<S, K>, key: K): Promise<boolean> {
    await this.ensureRelease();
    const req = codec.remove(key);
    this.forgetUuid(codec, key);
    try {
      // An SQL delete (7.0) that matched no row: it was gone already.
      if (req.operation === "executeSQLUpdate") return (await this.sqlWrite(req)) > 0;
      return await this.write(
        req.operation,
        async () => {
          await this.once(req);
          return true;
        },
        async () => ((await this.getOnce(codec, key)) ? undefined : true),
      );
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

/** A codec key as a cache key: a name, or a directory number's pattern and partition. */
function cacheId(key: unknown): string | undefined {
  if (typeof key === "string") return key;
  const dn = key as { pattern?: unknown; routePartitionName?: unknown } | undefined;
  if (dn && typeof dn.pattern === "string") return `${dn.pattern}\u0000${typeof dn.routePartitionName === "string" ? dn.routePartitionName : ""}`;
  return undefined;
}

/** A lost answer: the request may have reached CUCM and taken effect. */
const lostAnswer = (e: unknown): boolean => isCode(e, "Transport") || isCode(e, "Timeout");

/** The same request: operation and body (built by the same codec, so in the same key order). */
const sameRequest = (a: AxlRequest, b: AxlRequest): boolean => a.operation === b.operation && JSON.stringify(a.body) === JSON.stringify(b.body);

/** How many of the `before` rows are gone or different now (rows compared whole, in any order). */
export function rowsChanged(before: readonly Record<string, string>[], now: readonly Record<string, string>[]): number {
  const key = (r: Record<string, string>) => JSON.stringify(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const left = new Map<string, number>();
  for (const r of now) left.set(key(r), (left.get(key(r)) ?? 0) + 1);
  let changed = 0;
  for (const r of before) {
    const n = left.get(key(r)) ?? 0;
    if (n > 0) left.set(key(r), n - 1);
    else changed++;
  }
  return changed;
}

/** The uuid in an add/update/remove response's `return` (plain text, or text with attributes). */
export function uuidOf(ret: unknown): string {
  if (typeof ret === "string") return ret;
  const v = (ret as { $value?: unknown } | undefined)?.$value;
  if (typeof v === "string") return v;
  throw new RcclabError("InvalidRequest", `unexpected AXL response: ${JSON.stringify(ret)?.slice(0, 200)}`);
}
