/**
 * The SSH transport: PowerShell on an OCS 2007 R2 front end over SSH (ssh2 exec, password auth), one
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
 *   and timeouts → Timeout (both retried with backoff by the client). The password is used only in
 *   the SSH authentication; it never reaches a command.
 */
import * as net from "node:net";
import type { Client as SshClient, ClientChannel } from "ssh2";
import type { RcclabError } from "../core/errors";
import type { Logger } from "../core/kind";
import { type OcsConnection, portOf, sshFingerprint } from "./connection";
import { MAX_COMMAND_LENGTH, type Op, type ScriptVars, buildCommand, parseOutcome } from "./script";
import { type EntryKind, type ErrorFactory, type OcsTransport, WMI_CLASSES, type WmiRow, type WmiValues } from "./transport";

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
    private readonly fail: ErrorFactory,
  ) {
    this.target = `${c.host}:${portOf(c)}`;
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
      const sock = net.connect({ host: c.host, port: portOf(c) });
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

/** The script's header variable for each managed WMI property. */
const SCRIPT_VAR: Record<string, keyof ScriptVars> = {
  MatchURI: "matchUri",
  NextHop: "nextHop",
  NextHopPort: "port",
  NextHopTransport: "transport",
  ReplaceHostInRequestURI: "replaceHost",
  Enabled: "enabled",
  Server: "server",
  OutboundOnly: "outboundOnly",
  ThrottleAsServer: "throttleAsServer",
  TreatAsAuthenticated: "treatAsAuthenticated",
};

export class SshTransport implements OcsTransport {
  readonly target: string;
  private readonly ssh: SshSession;

  constructor(
    readonly connection: OcsConnection,
    log: Logger,
    private readonly error: ErrorFactory,
  ) {
    this.target = `${connection.host}:${portOf(connection)}`;
    this.ssh = new SshSession(connection, log, error);
  }

  close(): void {
    this.ssh.close();
  }

  find(kind: EntryKind, key?: string): Promise<WmiRow[]> {
    return this.rows(`${kind}.get`, key === undefined ? {} : { [SCRIPT_VAR[WMI_CLASSES[kind].key]!]: key });
  }

  async create(kind: EntryKind, values: WmiValues): Promise<WmiRow[]> {
    // The script refuses (code 4, AlreadyExists) when an entry with the key is there, in the same run.
    return this.rows(`${kind}.create`, this.vars(values));
  }

  update(kind: EntryKind, values: WmiValues): Promise<WmiRow[]> {
    return this.rows(`${kind}.update`, this.vars(values));
  }

  async delete(kind: EntryKind, key: string, instanceId?: string): Promise<void> {
    await this.once(`${kind}.delete`, { [SCRIPT_VAR[WMI_CLASSES[kind].key]!]: key, instanceId: instanceId ?? "" });
  }

  private vars(values: WmiValues): ScriptVars {
    const out: ScriptVars = {};
    for (const [k, v] of Object.entries(values)) {
      const name = SCRIPT_VAR[k];
      if (name) out[name] = String(v);
    }
    return out;
  }

  private async rows(op: Op, vars: ScriptVars): Promise<WmiRow[]> {
    const rows = await this.once(op, vars);
    if (!rows.every((r) => r !== null && typeof r === "object" && !Array.isArray(r))) throw this.error("InvalidRequest", `${op} on ${this.target}: the answer is not a list of entries`);
    return rows as WmiRow[];
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

}
