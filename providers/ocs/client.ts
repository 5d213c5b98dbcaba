/**
 * The OCS client: the pool's static routes (MSFT_SIPRoutingTableData) and authorized hosts
 * (MSFT_SIPRemoteAddressData) on an OCS 2007 R2 front end, over one of two transports behind the
 * same operations: WinRM (./winrm.ts, the default) or SSH + PowerShell (./ssh.ts), as the
 * connection's `transport` says (./connection.ts).
 *
 * What lives here, once for both transports:
 * - Retries with backoff (the core's policy) on what may succeed later: lost connections
 *   (Transport), timeouts, throttling. Update and delete are idempotent.
 * - Entries are parsed into rcclab's names; more than one entry for a key is a Conflict ("remove the
 *   extra ones"), never a guess.
 * - Create never takes over: an entry with the same match URI (route) or server (host) already in
 *   the pool is AlreadyExists, saying what is there and to remove it first (Pulumi cannot import
 *   dynamic resources; adoption will be rcclab's own). A create whose answer was lost is checked before it is sent again: the retry looks
 *   for the key first, and an entry with the InstanceID this create chose or with exactly its values
 *   is this create's own work and counts as done; anything else is AlreadyExists.
 * - Errors never carry the password (it is scrubbed from every message).
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { type ErrorCode, RcclabError, isCode } from "../core/errors";
import type { Logger } from "../core/kind";
import { redact } from "../core/redact";
import { withRetry } from "../core/retry";
import type { OcsConnection } from "./connection";
import { authorizedHost, hostOrAddress, matchUri } from "./fields";
import { SshTransport } from "./ssh";
import type { EntryKind, ErrorFactory, OcsTransport, WmiRow, WmiValues } from "./transport";
import { WinRmTransport } from "./winrm";

export { normalizeHostKeySha256, ocsConnectionSchema, sshFingerprint, type OcsConnection } from "./connection";
export type { ExecResult } from "./ssh";

/** OCS 2007 R2 routes over TCP or TLS ("Proxy and Routing Settings"). */
export const TRANSPORTS = ["TCP", "TLS"] as const;

/** Transports answer WMI's own property names; the client's entries use rcclab's. */
const routeEntrySchema = z
  .object({
    InstanceID: z.string(),
    Backend: z.string(),
    MatchURI: z.string(),
    NextHop: z.string(),
    NextHopPort: z.number().int(),
    NextHopTransport: z.string(),
    ReplaceHostInRequestURI: z.boolean(),
    Enabled: z.boolean(),
  })
  .transform((r) => ({
    instanceId: r.InstanceID,
    backend: r.Backend,
    matchUri: r.MatchURI,
    nextHop: r.NextHop,
    port: r.NextHopPort,
    transport: r.NextHopTransport,
    replaceHostInRequestUri: r.ReplaceHostInRequestURI,
    enabled: r.Enabled,
  }));
const hostEntrySchema = z
  .object({
    InstanceID: z.string(),
    Backend: z.string(),
    Server: z.string(),
    OutboundOnly: z.boolean(),
    ThrottleAsServer: z.boolean(),
    TreatAsAuthenticated: z.boolean(),
  })
  .transform((h) => ({
    instanceId: h.InstanceID,
    backend: h.Backend,
    server: h.Server,
    outboundOnly: h.OutboundOnly,
    throttleAsServer: h.ThrottleAsServer,
    treatAsAuthenticated: h.TreatAsAuthenticated,
  }));

/** A static route as WMI has it (MSFT_SIPRoutingTableData). */
export type RouteEntry = z.output<typeof routeEntrySchema>;
/** An authorized host as WMI has it (MSFT_SIPRemoteAddressData). */
export type HostEntry = z.output<typeof hostEntrySchema>;

export interface RouteSpec {
  matchUri: string;
  nextHop: string;
  port: number;
  transport: (typeof TRANSPORTS)[number];
  replaceHostInRequestUri: boolean;
  enabled: boolean;
}
export interface HostSpec {
  server: string;
  outboundOnly: boolean;
  throttleAsServer: boolean;
  treatAsAuthenticated: boolean;
}

const routeSpecSchema = z.object({
  matchUri: matchUri(),
  nextHop: hostOrAddress(),
  port: z.number().int().min(1).max(65535),
  transport: z.enum(TRANSPORTS),
  replaceHostInRequestUri: z.boolean(),
  enabled: z.boolean(),
});
const hostSpecSchema = z.object({
  server: authorizedHost(),
  outboundOnly: z.boolean(),
  throttleAsServer: z.boolean(),
  treatAsAuthenticated: z.boolean(),
});

/** What differs between the two kinds of entry; everything else is shared. */
interface KindDef<Spec, Entry extends { instanceId: string; backend: string }> {
  what: string;
  keyName: string;
  /** The rcclab kind whose natural key this is (for the adoption hint). */
  kindType: string;
  entries: z.ZodType<Entry[]>;
  spec: z.ZodType<Spec>;
  key(s: Spec): string;
  values(s: Spec): WmiValues;
  same(e: Entry, s: Spec): boolean;
  describe(e: Entry): string;
}

const ROUTE: KindDef<RouteSpec, RouteEntry> = {
  what: "static route",
  keyName: "match URI",
  kindType: "rcclab:ocs:StaticRoute",
  entries: z.array(routeEntrySchema),
  spec: routeSpecSchema,
  key: (s) => s.matchUri,
  values: (s) => ({
    MatchURI: s.matchUri,
    NextHop: s.nextHop,
    NextHopPort: s.port,
    NextHopTransport: s.transport,
    ReplaceHostInRequestURI: s.replaceHostInRequestUri,
    Enabled: s.enabled,
  }),
  same: (a, b) =>
    a.matchUri.toLowerCase() === b.matchUri.toLowerCase() &&
    a.nextHop.toLowerCase() === b.nextHop.toLowerCase() &&
    a.port === b.port &&
    a.transport.toUpperCase() === b.transport &&
    a.replaceHostInRequestUri === b.replaceHostInRequestUri &&
    a.enabled === b.enabled,
  describe: (e) => `next hop ${e.nextHop}:${e.port} over ${e.transport}`,
};

const HOST: KindDef<HostSpec, HostEntry> = {
  what: "authorized host",
  keyName: "server",
  kindType: "rcclab:ocs:HostAuthorization",
  entries: z.array(hostEntrySchema),
  spec: hostSpecSchema,
  key: (s) => s.server,
  values: (s) => ({
    Server: s.server,
    OutboundOnly: s.outboundOnly,
    ThrottleAsServer: s.throttleAsServer,
    TreatAsAuthenticated: s.treatAsAuthenticated,
  }),
  same: (a, b) =>
    a.server.toLowerCase() === b.server.toLowerCase() &&
    a.outboundOnly === b.outboundOnly &&
    a.throttleAsServer === b.throttleAsServer &&
    a.treatAsAuthenticated === b.treatAsAuthenticated,
  describe: (e) => `outbound only ${e.outboundOnly}, throttle as server ${e.throttleAsServer}, treat as authenticated ${e.treatAsAuthenticated}`,
};

export class OcsClient {
  readonly target: string;
  readonly transport: OcsTransport;

  /** `connection` is parsed by ocsConnectionSchema (defaults filled in); `transport` replaces the one it names (tests). */
  constructor(
    readonly connection: OcsConnection,
    private readonly log: Logger,
    transport?: OcsTransport,
  ) {
    const error: ErrorFactory = (code, message, opts) => this.error(code, message, opts);
    this.transport =
      transport ?? (connection.transport === "ssh" ? new SshTransport(connection, log, error) : new WinRmTransport(connection, log, error));
    this.target = this.transport.target;
  }

  /** A typed error whose message can never carry the password. */
  private error(code: ErrorCode, message: string, opts: { systemCode?: string | number; cause?: unknown; retryable?: boolean } = {}): RcclabError {
    return new RcclabError(code, redact(message, [this.connection.password]), opts);
  }

  close(): void {
    this.transport.close();
  }

  // --- static routes (MSFT_SIPRoutingTableData) ------------------------------------------------------

  /** Every static route of the front end's pool. */
  listRoutes(): Promise<RouteEntry[]> {
    return this.list("route", ROUTE);
  }
  /** The route whose MatchURI is `uri` (case-insensitive), or undefined. */
  getRoute(uri: string): Promise<RouteEntry | undefined> {
    return this.get("route", ROUTE, uri);
  }
  createRoute(spec: RouteSpec): Promise<RouteEntry> {
    return this.create("route", ROUTE, spec);
  }
  /** Set every field of the route whose MatchURI is spec.matchUri. */
  updateRoute(spec: RouteSpec): Promise<RouteEntry> {
    return this.update("route", ROUTE, spec);
  }
  /** Remove the route with this MatchURI — only the instance `instanceId` when given. NotFound when absent. */
  deleteRoute(uri: string, instanceId?: string): Promise<void> {
    return this.remove("route", ROUTE, uri, instanceId);
  }

  // --- authorized hosts (MSFT_SIPRemoteAddressData) --------------------------------------------------

  listHosts(): Promise<HostEntry[]> {
    return this.list("host", HOST);
  }
  getHost(server: string): Promise<HostEntry | undefined> {
    return this.get("host", HOST, server);
  }
  createHost(spec: HostSpec): Promise<HostEntry> {
    return this.create("host", HOST, spec);
  }
  updateHost(spec: HostSpec): Promise<HostEntry> {
    return this.update("host", HOST, spec);
  }
  deleteHost(server: string, instanceId?: string): Promise<void> {
    return this.remove("host", HOST, server, instanceId);
  }

  /**
   * Every route (or authorized host) of the pool by one WMI enumeration, by its key as the server
   * spells it; keys held by more than one entry (which a read refuses as a Conflict) left out.
   */
  async routesByKey(): Promise<Map<string, RouteEntry>> {
    return byKey(await this.listRoutes(), (r) => r.matchUri);
  }
  async hostsByKey(): Promise<Map<string, HostEntry>> {
    return byKey(await this.listHosts(), (h) => h.server);
  }

  // --- shared ------------------------------------------------------------------------------------------

  private list<S, E extends { instanceId: string; backend: string }>(kind: EntryKind, d: KindDef<S, E>): Promise<E[]> {
    return this.retrying(`list ${d.what}s`, async () => this.parse(d, await this.transport.find(kind)));
  }

  private get<S, E extends { instanceId: string; backend: string }>(kind: EntryKind, d: KindDef<S, E>, key: string): Promise<E | undefined> {
    return this.retrying(`read ${d.what} ${key}`, async () => this.one(d, this.parse(d, await this.transport.find(kind, key)), key));
  }

  private create<S, E extends { instanceId: string; backend: string }>(kind: EntryKind, d: KindDef<S, E>, raw: S): Promise<E> {
    const spec = this.valid(d, raw);
    const key = d.key(spec);
    // Chosen once for every attempt: a retry recognises the entry an attempt whose answer was lost made.
    const instanceId = `{${randomUUID().toUpperCase()}}`;
    const mine = (e: E) => e.instanceId.toUpperCase() === instanceId || d.same(e, spec);
    return this.retrying(`create ${d.what} ${key}`, async (attempt) => {
      if (attempt > 1) {
        // The previous attempt may have reached the server: look before sending the create again.
        const live = this.one(d, this.parse(d, await this.transport.find(kind, key)), key);
        if (live && mine(live)) return live;
        if (live) throw this.alreadyExists(d, key, live);
      }
      try {
        const got = this.one(d, this.parse(d, await this.transport.create(kind, d.values(spec), instanceId)), key);
        if (!got) throw this.error("InvalidRequest", `${d.what} ${key} missing on ${this.target} right after its creation`);
        return got;
      } catch (e) {
        if (!isCode(e, "AlreadyExists")) throw e;
        const live = this.one(d, this.parse(d, await this.transport.find(kind, key)), key);
        if (live && attempt > 1 && mine(live)) return live;
        throw this.alreadyExists(d, key, live, e);
      }
    });
  }

  private update<S, E extends { instanceId: string; backend: string }>(kind: EntryKind, d: KindDef<S, E>, raw: S): Promise<E> {
    const spec = this.valid(d, raw);
    const key = d.key(spec);
    return this.retrying(`update ${d.what} ${key}`, async () => {
      const got = this.one(d, this.parse(d, await this.transport.update(kind, d.values(spec))), key);
      if (!got) throw this.error("NotFound", `${d.what} ${key} vanished from ${this.target}'s pool during its update`);
      return got;
    });
  }

  private remove<S, E extends { instanceId: string; backend: string }>(kind: EntryKind, d: KindDef<S, E>, key: string, instanceId?: string): Promise<void> {
    return this.retrying(`delete ${d.what} ${key}`, () => this.transport.delete(kind, key, instanceId));
  }

  /** An entry rcclab did not make is never taken over: say what is there and how to adopt it. */
  private alreadyExists<E extends { instanceId: string; backend: string }>(d: KindDef<unknown, E>, key: string, live: E | undefined, e?: RcclabError): RcclabError {
    const what = live ? ` (back end ${live.backend}, InstanceID ${live.instanceId}, ${d.describe(live)})` : "";
    return this.error(
      "AlreadyExists",
      `a ${d.what} for ${d.keyName} ${key} already exists in ${this.target}'s pool${what}; rcclab does not take over an entry it did not create: ` +
        `remove it on the server first (OCS 2007 R2 Administrative Tools: the front end's properties, Routing or Host Authorization tab) and run up again`,
      { ...(e?.systemCode !== undefined ? { systemCode: e.systemCode } : {}), ...(e ? { cause: e } : {}) },
    );
  }

  private valid<S>(d: KindDef<S, { instanceId: string; backend: string }>, raw: S): S {
    const v = d.spec.safeParse(raw);
    if (!v.success) throw this.error("InvalidRequest", `invalid ${d.what}: ${v.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    return v.data;
  }

  private parse<E>(d: KindDef<unknown, E & { instanceId: string; backend: string }>, rows: WmiRow[]): E[] {
    const r = d.entries.safeParse(rows);
    if (!r.success) throw this.error("InvalidRequest", `unexpected ${d.what} data from ${this.target}`);
    return r.data;
  }

  private one<T>(d: { what: string; keyName: string }, rows: T[], key: string): T | undefined {
    if (rows.length > 1) throw this.error("Conflict", `${rows.length} entries for ${d.keyName} ${key} in ${this.target}'s pool; remove the extra ones`);
    return rows[0];
  }

  private retrying<T>(what: string, fn: (attempt: number) => Promise<T>): Promise<T> {
    const c = this.connection;
    return withRetry((n) => fn(n), { retries: c.retries, minTimeoutMs: c.minRetryDelayMs, maxTimeoutMs: c.maxRetryDelayMs }, (e, n, delay) =>
      this.log.info(`${what}: ${(e as Error).message}; retry ${n} in ${delay} ms`),
    );
  }
}

/** Entries by key (matched without regard to case, as the server does); keys held twice are left out. */
function byKey<E>(entries: readonly E[], keyOf: (e: E) => string): Map<string, E> {
  const count = new Map<string, number>();
  for (const e of entries) count.set(keyOf(e).toLowerCase(), (count.get(keyOf(e).toLowerCase()) ?? 0) + 1);
  const out = new Map<string, E>();
  for (const e of entries) if (count.get(keyOf(e).toLowerCase()) === 1) out.set(keyOf(e), e);
  return out;
}
