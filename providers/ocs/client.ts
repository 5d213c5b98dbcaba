/**
 * The OCS client: PowerShell on an OCS 2007 R2 front end over SSH (ssh2 exec, password auth), one
 * SSH connection per front end reused by every command, commands run one at a time.
 *
 * - The script (./script.ts) reads and changes the pool's static routes (MSFT_SIPRoutingTableData)
 *   and authorized hosts (MSFT_SIPRemoteAddressData) through WMI and answers with one JSON line.
 * - The server's host key is checked against `hostKeySha256` when it is set (OpenSSH's
 *   "SHA256:<base64>" form, bare base64, or 64 hex digits); a different key is refused (code Tls).
 *   Without a pin the key is accepted and its fingerprint logged as a warning — what a first `ssh`
 *   to a new host does — because the lab's config makes the pin optional; set it to pin.
 * - Failures become typed errors: SSH login refused → Unauthorized; WMI access denied →
 *   Unauthorized; the OCS WMI classes missing or no powershell.exe → VersionMismatch; the script's
 *   own codes → NotFound / AlreadyExists / InvalidRequest / Conflict; lost connections → Transport
 *   and timeouts → Timeout (both retried with backoff). The password is used only in the SSH
 *   authentication; it never reaches a command, and messages are scrubbed of it all the same.
 * - Retries are safe: update and delete are idempotent, and a create whose answer was lost finds
 *   its own entry on the retry (AlreadyExists with the same values counts as done).
 */
import { createHash } from "node:crypto";
import * as net from "node:net";
import type { Client as SshClient, ClientChannel } from "ssh2";
import { z } from "zod";
import { RcclabError, isCode } from "../core/errors";
import type { Logger } from "../core/kind";
import { redact } from "../core/redact";
import { withRetry } from "../core/retry";
import { authorizedHost, hostOrAddress, isHostname, matchUri } from "./fields";
import { MAX_COMMAND_LENGTH, type Op, type ScriptVars, buildCommand, literalProblem, parseOutcome } from "./script";

/** "SHA256:<base64>" (OpenSSH), bare base64 or 64 hex digits (colons allowed) → "SHA256:<base64 without padding>". */
export function normalizeHostKeySha256(s: string): string | undefined {
  const t = s.trim();
  const hex = t.replace(/:/g, "");
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return `SHA256:${Buffer.from(hex, "hex").toString("base64").replace(/=+$/, "")}`;
  const b64 = t.replace(/^SHA256:/i, "").replace(/=+$/, "");
  if (/^[A-Za-z0-9+/]{43}$/.test(b64) && Buffer.from(b64, "base64").length === 32) return `SHA256:${b64}`;
  return undefined;
}

/** The OpenSSH fingerprint of a host key blob. */
export const sshFingerprint = (key: Buffer): string => `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;

export const ocsConnectionSchema = z
  .object({
    /** The front end's address or FQDN. */
    host: hostOrAddress(),
    port: z.number().int().min(1).max(65535).default(22),
    username: z.string().min(1).max(256),
    password: z.string().min(1),
    /** The SSH host key's SHA-256 fingerprint; when set, any other key is refused. */
    hostKeySha256: z
      .string()
      .transform((s, ctx) => {
        const n = normalizeHostKeySha256(s);
        if (!n) ctx.addIssue({ code: "custom", message: 'must be a SHA-256 host key fingerprint: "SHA256:<base64>" (as ssh-keygen -lf prints it) or 64 hex digits' });
        return n ?? s;
      })
      .optional(),
    /** Per command (PowerShell starts slowly on Windows Server 2003). */
    timeoutMs: z.number().int().positive().default(120_000),
    retries: z.number().int().min(0).max(10).default(3),
    minRetryDelayMs: z.number().int().min(0).default(1_000),
    maxRetryDelayMs: z.number().int().min(0).default(15_000),
    /**
     * The front end's pool FQDN: the script finds the pool's back end (MSFT_SIPPoolSetting.PoolFQDN →
     * BackEndDBPath). Needed when the forest has several pools, unless `backend` is given.
     */
    pool: z
      .string()
      .refine((s) => isHostname(s), "must be the pool's FQDN")
      .optional(),
    /** The Backend value itself ("sqlhost\\instance" for Enterprise Edition, "(local)\\rtc" for Standard Edition). */
    backend: z
      .string()
      .min(1)
      .max(255)
      .refine((s) => literalProblem(s) === undefined, "must be printable ASCII")
      .optional(),
  })
  .strict();

export type OcsConnection = z.output<typeof ocsConnectionSchema>;

export const TRANSPORTS = ["TCP", "TLS"] as const;

/** The script answers WMI's own property names; the client's entries use rcclab's. */
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

const sameRoute = (a: RouteEntry, b: RouteSpec): boolean =>
  a.matchUri.toLowerCase() === b.matchUri.toLowerCase() &&
  a.nextHop.toLowerCase() === b.nextHop.toLowerCase() &&
  a.port === b.port &&
  a.transport.toUpperCase() === b.transport &&
  a.replaceHostInRequestUri === b.replaceHostInRequestUri &&
  a.enabled === b.enabled;
const sameHost = (a: HostEntry, b: HostSpec): boolean =>
  a.server.toLowerCase() === b.server.toLowerCase() &&
  a.outboundOnly === b.outboundOnly &&
  a.throttleAsServer === b.throttleAsServer &&
  a.treatAsAuthenticated === b.treatAsAuthenticated;

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** The exit status, or null when the server sent none. */
  code: number | null;
}

const MAX_OUTPUT = 4 * 1024 * 1024;

/** One SSH connection, opened on first use and again after it drops; commands run one at a time. */
class SshSession {
  private client?: Promise<SshClient>;
  private sock?: net.Socket;
  private queue: Promise<unknown> = Promise.resolve();
  private keyLogged = false;
  readonly target: string;

  constructor(
    private readonly c: OcsConnection,
    private readonly log: Logger,
    private readonly fail: (code: ConstructorParameters<typeof RcclabError>[0], message: string, opts?: { systemCode?: string | number }) => RcclabError,
  ) {
    this.target = `${c.host}:${c.port}`;
  }

  exec(command: string): Promise<ExecResult> {
    const run = this.queue.then(() => this.execNow(command));
    this.queue = run.catch(() => undefined);
    return run;
  }

  close(): void {
    const client = this.client;
    this.client = undefined;
    void client?.then((c) => c.end()).catch(() => undefined);
  }

  private connect(): Promise<SshClient> {
    if (this.client) return this.client;
    const c = this.c;
    const attempt = new Promise<SshClient>((resolve, reject) => {
      // Loaded here, not at the top: a serialized dynamic provider must not capture it.
      const { Client } = require("ssh2") as typeof import("ssh2");
      const client = new Client();
      let keyProblem: string | undefined;
      let ready = false;
      const sock = net.connect({ host: c.host, port: c.port });
      this.sock = sock;
      client.on("ready", () => {
        ready = true;
        resolve(client);
      });
      client.on("error", (e: Error & { level?: string; code?: string }) => {
        if (this.client === attempt) this.client = undefined;
        if (ready) return; // a dropped connection: the channel in flight reports it
        if (keyProblem) return reject(this.fail("Tls", keyProblem));
        if (e.level === "client-authentication") {
          return reject(this.fail("Unauthorized", `SSH login as ${c.username} refused by ${this.target} (check ocs.ssh.username and ocs.ssh.password)`));
        }
        if (e.level === "client-timeout") return reject(this.fail("Timeout", `no SSH handshake with ${this.target} within ${c.timeoutMs} ms`));
        reject(this.fail("Transport", `SSH connection to ${this.target} failed (${e.code ?? e.message})`));
      });
      client.on("end", () => {
        if (this.client === attempt) this.client = undefined;
      });
      client.on("close", () => {
        if (this.client === attempt) this.client = undefined;
        if (!ready) reject(this.fail(keyProblem ? "Tls" : "Transport", keyProblem ?? `SSH connection to ${this.target} closed during the handshake`));
      });
      client.connect({
        sock,
        username: c.username,
        password: c.password,
        tryKeyboard: false,
        readyTimeout: c.timeoutMs,
        keepaliveInterval: 0, // no timer: an idle cached connection must not keep the process alive
        hostVerifier: (key: Buffer): boolean => {
          const seen = sshFingerprint(key);
          if (c.hostKeySha256) {
            if (seen === c.hostKeySha256) return true;
            keyProblem = `the SSH host key of ${this.target} is ${seen}, not the pinned ${c.hostKeySha256} (ocs.ssh.hostKeySha256): refusing to connect`;
            return false;
          }
          if (!this.keyLogged) {
            this.keyLogged = true;
            this.log.warn(`SSH host key of ${this.target} not pinned; accepting ${seen} (set ocs.ssh.hostKeySha256 to pin it)`);
          }
          return true;
        },
      });
    });
    this.client = attempt;
    attempt.catch(() => {
      if (this.client === attempt) this.client = undefined;
    });
    return attempt;
  }

  private async execNow(command: string): Promise<ExecResult> {
    const client = await this.connect();
    this.sock?.ref();
    try {
      return await new Promise<ExecResult>((resolve, reject) => {
        let stdout = "";
        let stderr = "";
        let code: number | null = null;
        let settled = false;
        let channel: ClientChannel | undefined;
        const done = (e?: RcclabError): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (e) reject(e);
          else resolve({ stdout, stderr, code });
        };
        const timer = setTimeout(() => {
          channel?.close();
          this.close(); // the command may still run: start afresh rather than share a stuck connection
          done(this.fail("Timeout", `no answer from ${this.target} within ${this.c.timeoutMs} ms`));
        }, this.c.timeoutMs);
        const opened = (err: Error | undefined, stream: ClientChannel): void => {
          if (err) {
            this.close();
            return done(this.fail("Transport", `cannot open an SSH channel on ${this.target} (${err.message})`));
          }
          channel = stream;
          stream.setEncoding("utf8");
          stream.stderr.setEncoding("utf8");
          stream.on("data", (d: string) => {
            if (stdout.length < MAX_OUTPUT) stdout += d;
          });
          stream.stderr.on("data", (d: string) => {
            if (stderr.length < MAX_OUTPUT) stderr += d;
          });
          stream.on("exit", (status: number | null) => {
            code = typeof status === "number" ? status : null;
          });
          stream.on("close", () => {
            // No exit status and no answer line: the connection dropped under the command.
            if (code === null && !/RCCLAB-(JSON|ERROR):/.test(stdout + stderr)) {
              done(this.fail("Transport", `the SSH channel on ${this.target} closed before the command finished`));
            } else done();
          });
          stream.end(); // stdin EOF: powershell.exe must not wait for input
        };
        try {
          client.exec(command, opened);
        } catch (e) {
          // ssh2 throws "Not connected" when the server hung up since the last command.
          this.close();
          done(this.fail("Transport", `the SSH connection to ${this.target} was closed (${(e as Error).message})`));
        }
      });
    } finally {
      if (!this.client) this.sock?.destroy();
      else this.sock?.unref(); // an idle connection must not keep the process alive
    }
  }
}

export class OcsClient {
  readonly target: string;
  private readonly ssh: SshSession;

  constructor(
    readonly connection: OcsConnection,
    private readonly log: Logger,
  ) {
    this.target = `${connection.host}:${connection.port}`;
    this.ssh = new SshSession(connection, log, (code, message, opts) => this.error(code, message, opts));
  }

  /** A typed error whose message can never carry the password. */
  private error(code: ConstructorParameters<typeof RcclabError>[0], message: string, opts: { systemCode?: string | number } = {}): RcclabError {
    return new RcclabError(code, redact(message, [this.connection.password]), opts);
  }

  close(): void {
    this.ssh.close();
  }

  /** Run one operation once; the JSON rows it answers. */
  async once(op: Op, vars: ScriptVars): Promise<unknown[]> {
    let command: string;
    try {
      // A named back end makes the pool lookup moot: send one or the other, never both.
      const where = this.connection.backend ? { backend: this.connection.backend } : { pool: this.connection.pool ?? "" };
      command = buildCommand(op, { ...where, ...vars });
    } catch (e) {
      throw this.error("InvalidRequest", `${op}: ${(e as Error).message}`);
    }
    if (command.length > MAX_COMMAND_LENGTH) throw this.error("InvalidRequest", `${op}: the command would be ${command.length} characters, more than cmd.exe accepts`);
    const r = await this.ssh.exec(command);
    let outcome: ReturnType<typeof parseOutcome>;
    try {
      outcome = parseOutcome(r.stdout, r.stderr);
    } catch {
      throw this.error("InvalidRequest", `${op} on ${this.target}: the answer is not valid JSON`);
    }
    if (outcome.error) throw this.scriptError(op, outcome.error.code, outcome.error.message);
    if ((r.code !== 0 && r.code !== null) || outcome.json === undefined) throw this.exitError(op, r);
    if (!Array.isArray(outcome.json)) throw this.error("InvalidRequest", `${op} on ${this.target}: the answer is not a list`);
    return outcome.json;
  }

  private scriptError(op: Op, code: number, message: string): RcclabError {
    const msg = `${op} on ${this.target}: ${message}`;
    const opts = { systemCode: code };
    switch (code) {
      case 3:
        return this.error("NotFound", msg, opts);
      case 4:
        return this.error("AlreadyExists", msg, opts);
      case 5:
        return this.error("InvalidRequest", msg, opts);
      case 6:
        return this.error("Conflict", msg, opts);
    }
    if (/access (is )?denied|0x80041003|0x80070005/i.test(message)) {
      return this.error("Unauthorized", `${msg} (the SSH account needs OCS administration rights: RTCUniversalServerAdmins)`, opts);
    }
    if (/invalid (class|namespace)|0x80041010|0x8004100e/i.test(message)) {
      return this.error("VersionMismatch", `${msg} (the OCS 2007 R2 WMI classes are missing: is ${this.connection.host} an OCS 2007 R2 front end?)`, opts);
    }
    if (/time(d)? ?out|0x80041032/i.test(message)) return this.error("Timeout", msg, opts);
    return this.error("InvalidRequest", msg, opts);
  }

  private exitError(op: Op, r: ExecResult): RcclabError {
    const text = (r.stderr.trim() || r.stdout.trim()).slice(0, 500);
    if (r.code === 9009 || r.code === 127 || /is not recognized as (an internal or external command|the name of a cmdlet)|command not found/i.test(text)) {
      return this.error("VersionMismatch", `${op} on ${this.target}: powershell.exe is not available (${text || `exit ${r.code}`})`, { systemCode: r.code ?? undefined });
    }
    if (r.code === 0 || r.code === null) return this.error("InvalidRequest", `${op} on ${this.target}: no answer line in the output${text ? `: ${text}` : ""}`);
    return this.error("InvalidRequest", `${op} on ${this.target}: exit ${r.code}${text ? `: ${text}` : ""}`, { systemCode: r.code });
  }

  private retrying<T>(what: string, fn: (attempt: number) => Promise<T>): Promise<T> {
    const c = this.connection;
    return withRetry((n) => fn(n), { retries: c.retries, minTimeoutMs: c.minRetryDelayMs, maxTimeoutMs: c.maxRetryDelayMs }, (e, n, delay) =>
      this.log.info(`${what}: ${(e as Error).message}; retry ${n} in ${delay} ms`),
    );
  }

  private parseRoutes(rows: unknown[]): RouteEntry[] {
    const r = z.array(routeEntrySchema).safeParse(rows);
    if (!r.success) throw this.error("InvalidRequest", `unexpected static route data from ${this.target}`);
    return r.data;
  }
  private parseHosts(rows: unknown[]): HostEntry[] {
    const r = z.array(hostEntrySchema).safeParse(rows);
    if (!r.success) throw this.error("InvalidRequest", `unexpected authorized host data from ${this.target}`);
    return r.data;
  }
  private one<T>(rows: T[], what: string): T | undefined {
    if (rows.length > 1) throw this.error("Conflict", `${rows.length} entries for ${what} on ${this.target}'s pool; remove the extra ones`);
    return rows[0];
  }

  private routeVars(s: RouteSpec) {
    const v = routeSpecSchema.safeParse(s);
    if (!v.success) throw this.error("InvalidRequest", `invalid static route: ${v.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    const r = v.data;
    return {
      matchUri: r.matchUri,
      nextHop: r.nextHop,
      port: String(r.port),
      transport: r.transport,
      replaceHost: String(r.replaceHostInRequestUri),
      enabled: String(r.enabled),
    };
  }
  private hostVars(s: HostSpec) {
    const v = hostSpecSchema.safeParse(s);
    if (!v.success) throw this.error("InvalidRequest", `invalid authorized host: ${v.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    const h = v.data;
    return {
      server: h.server,
      outboundOnly: String(h.outboundOnly),
      throttleAsServer: String(h.throttleAsServer),
      treatAsAuthenticated: String(h.treatAsAuthenticated),
    };
  }

  // --- static routes (MSFT_SIPRoutingTableData) ------------------------------------------------------

  /** Every static route of the front end's pool. */
  listRoutes(): Promise<RouteEntry[]> {
    return this.retrying("list static routes", async () => this.parseRoutes(await this.once("route.get", {})));
  }

  /** The route whose MatchURI is `uri` (case-insensitive), or undefined. */
  getRoute(uri: string): Promise<RouteEntry | undefined> {
    return this.retrying(`read static route ${uri}`, async () => this.one(this.parseRoutes(await this.once("route.get", { matchUri: uri })), `match URI ${uri}`));
  }

  createRoute(spec: RouteSpec): Promise<RouteEntry> {
    const vars = this.routeVars(spec);
    return this.retrying(`create static route ${spec.matchUri}`, async (attempt) => {
      try {
        const got = this.one(this.parseRoutes(await this.once("route.create", vars)), `match URI ${spec.matchUri}`);
        if (!got) throw this.error("InvalidRequest", `static route ${spec.matchUri} missing right after its creation`);
        return got;
      } catch (e) {
        // A retry after a lost answer finds the entry the first attempt made.
        if (attempt > 1 && isCode(e, "AlreadyExists")) {
          const live = this.one(this.parseRoutes(await this.once("route.get", { matchUri: spec.matchUri })), `match URI ${spec.matchUri}`);
          if (live && sameRoute(live, spec)) return live;
        }
        throw e;
      }
    });
  }

  /** Set every field of the route whose MatchURI is spec.matchUri. */
  updateRoute(spec: RouteSpec): Promise<RouteEntry> {
    const vars = this.routeVars(spec);
    return this.retrying(`update static route ${spec.matchUri}`, async () => {
      const got = this.one(this.parseRoutes(await this.once("route.update", vars)), `match URI ${spec.matchUri}`);
      if (!got) throw this.error("NotFound", `static route ${spec.matchUri} vanished during its update`);
      return got;
    });
  }

  /** Remove the route with this MatchURI — only the instance `instanceId` when given. NotFound when absent. */
  deleteRoute(uri: string, instanceId?: string): Promise<void> {
    return this.retrying(`delete static route ${uri}`, async () => {
      await this.once("route.delete", { matchUri: uri, instanceId: instanceId ?? "" });
    });
  }

  // --- authorized hosts (MSFT_SIPRemoteAddressData) --------------------------------------------------

  listHosts(): Promise<HostEntry[]> {
    return this.retrying("list authorized hosts", async () => this.parseHosts(await this.once("host.get", {})));
  }

  getHost(server: string): Promise<HostEntry | undefined> {
    return this.retrying(`read authorized host ${server}`, async () => this.one(this.parseHosts(await this.once("host.get", { server })), `server ${server}`));
  }

  createHost(spec: HostSpec): Promise<HostEntry> {
    const vars = this.hostVars(spec);
    return this.retrying(`create authorized host ${spec.server}`, async (attempt) => {
      try {
        const got = this.one(this.parseHosts(await this.once("host.create", vars)), `server ${spec.server}`);
        if (!got) throw this.error("InvalidRequest", `authorized host ${spec.server} missing right after its creation`);
        return got;
      } catch (e) {
        if (attempt > 1 && isCode(e, "AlreadyExists")) {
          const live = this.one(this.parseHosts(await this.once("host.get", { server: spec.server })), `server ${spec.server}`);
          if (live && sameHost(live, spec)) return live;
        }
        throw e;
      }
    });
  }

  updateHost(spec: HostSpec): Promise<HostEntry> {
    const vars = this.hostVars(spec);
    return this.retrying(`update authorized host ${spec.server}`, async () => {
      const got = this.one(this.parseHosts(await this.once("host.update", vars)), `server ${spec.server}`);
      if (!got) throw this.error("NotFound", `authorized host ${spec.server} vanished during its update`);
      return got;
    });
  }

  deleteHost(server: string, instanceId?: string): Promise<void> {
    return this.retrying(`delete authorized host ${server}`, async () => {
      await this.once("host.delete", { server, instanceId: instanceId ?? "" });
    });
  }
}
