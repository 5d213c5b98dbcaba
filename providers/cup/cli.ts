/**
 * CUP's platform CLI (the Cisco Voice OS `admin:` prompt over SSH, the same CLI as CUCM's): one
 * interactive session per call, `show version active`, and `utils service restart "<name>"` with the
 * restart transcript matched line by line (classifyRestart).
 *
 * What a restart prints, as far as rcclab relies on it (the platform CLI's Control Center output; see
 * the report of issue 11 part 4 for what was and was not confirmed against a real CUP 7.0):
 *   - "Service Manager is running" before each phase (informational);
 *   - status lines "<service name>[STATE]", STATE one of STOPPING, NOTRUNNING, STOPPED, STARTING,
 *     STARTED, possibly repeated while the service changes state, possibly followed by a note such as
 *     "Service Not Activated" or "Commanded Out of Service";
 *   - "Commanded Out of Service" on a line of its own while the stop phase runs (informational: it is
 *     part of every successful restart, not a failure);
 *   - failures: "Executed command unsuccessfully", "Invalid service name ..." (the name is unknown),
 *     "Invalid command" / "Usage:" (syntax), "Service Manager is not running", a service whose last
 *     status is not STARTED (NOTRUNNING / STOPPED, "Service Not Activated").
 * Success is the service's own last status line being [STARTED] with no failure line. Anything else,
 * including lines that merely mention "error", decides nothing on its own: output with neither a
 * known failure nor a final [STARTED] is reported as unrecognized, with the transcript.
 */
import type { Client as SshClient, ClientChannel } from "ssh2";
import * as net from "node:net";
import { z } from "zod";
import { RcclabError, isCode } from "../core/errors";
import type { Logger } from "../core/kind";
import { normalizeHostKeySha256, sshFingerprint } from "../ocs/client";

const hostKeySha256 = z.string().transform((s, ctx) => {
  const n = normalizeHostKeySha256(s);
  if (!n) ctx.addIssue({ code: "custom", message: 'must be a SHA-256 host key fingerprint: "SHA256:<base64>" (as ssh-keygen -lf prints it) or 64 hex digits' });
  return n ?? s;
});

export const cupCliSchema = z
  .object({
    port: z.number().int().min(1).max(65535).default(22),
    /** A platform CLI administrator (the install's "admin" account or another CLI admin). */
    username: z.string().min(1).max(128),
    password: z.string().min(1),
    /** The SSH host key's SHA-256 fingerprint; when set, any other key is refused. */
    hostKeySha256: hostKeySha256.optional(),
    /** Per command, and the one bound on a service restart's wait (a restart can take minutes on a real CUP). */
    timeoutMs: z.number().int().positive().default(300_000),
    /** While a restart runs: a progress line this often (status lines are logged as they arrive). */
    progressEveryMs: z.number().int().positive().default(30_000),
  })
  .strict();

export type CupCliConnection = z.infer<typeof cupCliSchema>;

export interface CliOutput {
  command: string;
  lines: string[];
}

/** The prompt the platform CLI prints when it waits for a command: "admin:" (or "<account>:"). */
const promptFor = (user: string): RegExp => new RegExp(`(?:^|\\n)(?:admin|${user.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}): ?$`);
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

export type ServiceState = "STOPPING" | "NOTRUNNING" | "STOPPED" | "STARTING" | "STARTED";
const STATUS = /^(.*?)\s*\[(STOPPING|NOTRUNNING|STOPPED|STARTING|STARTED)\]\s*(.*)$/;

/** A status line "<service>[STATE]  <note>" of the given service, else undefined. */
export function statusOf(service: string, line: string): { status: ServiceState; note: string } | undefined {
  const m = STATUS.exec(line.trim());
  if (!m || m[1]!.toLowerCase() !== service.toLowerCase()) return undefined;
  return { status: m[2] as ServiceState, note: m[3]!.trim() };
}

/** Lines that say the command failed, whatever follows (matched at the start of a line only). */
const FAILURES: readonly { re: RegExp; reason: string }[] = [
  { re: /^Invalid service name\b/i, reason: "CUP has no service by that name" },
  { re: /^Service Manager is not running\b/i, reason: "CUP's Service Manager is not running" },
  { re: /^Invalid command\b/i, reason: "the CLI does not know the command" },
  { re: /^Usage:/i, reason: "the CLI did not accept the command's syntax" },
  { re: /^Executed command unsuccessfully\b/i, reason: "the CLI reports the command failed" },
];
/** Lines a restart prints that decide nothing. */
const INFORMATIONAL = [/^Service Manager is running\b/i, /^Commanded Out of Service\b/i, /^Do not press Ctrl\+C\b/i];

export type RestartVerdict =
  | { outcome: "started"; unrecognized: string[] }
  | { outcome: "failed"; reason: string; unrecognized: string[] }
  | { outcome: "unknown"; reason: string; unrecognized: string[] };

/** Reads a `utils service restart "<service>"` transcript (echo and prompt already stripped). */
export function classifyRestart(service: string, lines: readonly string[]): RestartVerdict {
  const unrecognized: string[] = [];
  const failures: string[] = [];
  let last: { status: ServiceState; note: string } | undefined;
  for (const raw of lines) {
    const l = raw.trim();
    if (!l) continue;
    const s = statusOf(service, l);
    if (s) {
      last = s;
      continue;
    }
    const f = FAILURES.find((x) => x.re.test(l));
    if (f) failures.push(f.reason);
    else if (!INFORMATIONAL.some((re) => re.test(l)) && !STATUS.test(l)) unrecognized.push(l);
  }
  // The most specific failure first ("Executed command unsuccessfully" comes with the reason).
  if (failures.length) return { outcome: "failed", reason: failures.find((r) => r !== FAILURES[4]!.reason) ?? failures[0]!, unrecognized };
  if (last?.status === "STARTED") return { outcome: "started", unrecognized };
  if (last && /not activated/i.test(last.note)) return { outcome: "failed", reason: `"${service}" is not activated (Serviceability > Tools > Service Activation)`, unrecognized };
  if (last?.status === "STOPPED" || last?.status === "NOTRUNNING") return { outcome: "failed", reason: `"${service}" did not come back (last status ${last.status}${last.note ? `, ${last.note}` : ""})`, unrecognized };
  if (last) return { outcome: "unknown", reason: `the output ended with "${service}" still ${last.status}`, unrecognized };
  return { outcome: "unknown", reason: `no status line for "${service}"`, unrecognized };
}

/** `utils service restart "<name>"` succeeded: the service's last status is [STARTED] and no line says it failed. */
export function restartSucceeded(service: string, lines: readonly string[]): boolean {
  return classifyRestart(service, lines).outcome === "started";
}

/** `show version active` → "7.0.3.10000-11". */
export function parseActiveVersion(lines: readonly string[]): string | undefined {
  for (const l of lines) {
    const m = /^Active Master Version:\s*(\S+)/.exec(l.trim());
    if (m) return m[1];
  }
  return undefined;
}

/** A service name that can go inside the CLI's double quotes. */
function checkServiceName(name: string): void {
  if (!/^[A-Za-z0-9 ._()-]{1,100}$/.test(name)) throw new RcclabError("InvalidRequest", `not a service name: ${JSON.stringify(name)}`);
}

export class CupCli {
  readonly target: string;
  private keyLogged = false;

  constructor(
    private readonly host: string,
    private readonly c: CupCliConnection,
    private readonly log: Logger,
  ) {
    this.target = `${host}:${c.port} (CUP platform CLI)`;
  }

  /** The one bound on a restart's wait, ms. */
  get bound(): number {
    return this.c.timeoutMs;
  }

  private fail(code: "Tls" | "Unauthorized" | "Timeout" | "Transport" | "InvalidRequest", message: string): RcclabError {
    return new RcclabError(code, message);
  }

  /**
   * One interactive session: waits for the prompt, then sends each command after the prompt has come
   * back, and collects each command's output (echo and prompt stripped). The session ends with `quit`.
   */
  run(commands: readonly string[], watch?: (text: string) => void): Promise<CliOutput[]> {
    return new Promise<CliOutput[]>((resolve, reject) => {
      const { Client } = require("ssh2") as typeof import("ssh2"); // loaded here: serialized providers must not capture it
      const client: SshClient = new Client();
      const outputs: CliOutput[] = [];
      let keyProblem: string | undefined;
      let ready = false;
      let settled = false;
      let buffer = "";
      let index = -1; // -1: waiting for the first prompt
      let quitting = false;
      let timer: NodeJS.Timeout | undefined;
      const PROMPT = promptFor(this.c.username);
      const arm = (what: string) => {
        clearTimeout(timer);
        timer = setTimeout(() => done(this.fail("Timeout", `no ${what} from ${this.target} within ${this.c.timeoutMs} ms`)), this.c.timeoutMs);
      };
      const done = (e?: RcclabError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        client.end();
        if (e) reject(e);
        else resolve(outputs);
      };
      const sock = net.connect({ host: this.host, port: this.c.port });
      sock.on("error", () => undefined); // reported through the ssh2 client
      client.on("ready", () => {
        ready = true;
        client.shell({ term: "vt100", cols: 512, rows: 24 }, (err: Error | undefined, stream: ClientChannel) => {
          if (err) return done(this.fail("Transport", `cannot open a shell on ${this.target} (${err.message})`));
          stream.setEncoding("utf8");
          arm("prompt");
          const next = (): void => {
            index++;
            if (index >= commands.length) {
              // Leave as a user would; the session is over when the CLI closes the channel.
              clearTimeout(timer);
              timer = setTimeout(() => done(), Math.min(5_000, this.c.timeoutMs)); // the answers are in: a slow goodbye is no failure
              quitting = true;
              stream.write("quit\r");
              return;
            }
            buffer = "";
            arm(`answer to "${commands[index]}"`);
            stream.write(`${commands[index]}\r`);
          };
          stream.on("data", (d: string) => {
            if (quitting) return;
            const text = d.replace(ANSI, "").replace(/\r/g, "");
            buffer += text;
            if (index >= 0 && watch) watch(text);
            if (!PROMPT.test(buffer)) return;
            if (index >= 0) {
              const command = commands[index]!;
              const lines = buffer.replace(PROMPT, "").split("\n");
              // The terminal echoes the command line first.
              const echo = lines.findIndex((l) => l.trim().endsWith(command.trim()));
              outputs.push({ command, lines: lines.slice(echo + 1).map((l) => l.trimEnd()).filter((l) => l.length > 0) });
            }
            next();
          });
          stream.on("close", () => {
            if (quitting) done();
            else done(this.fail("Transport", `the CLI session on ${this.target} closed before the commands finished`));
          });
        });
      });
      client.on("error", (e: Error & { level?: string; code?: string }) => {
        if (keyProblem) return done(this.fail("Tls", keyProblem));
        if (e.level === "client-authentication") {
          return done(this.fail("Unauthorized", `SSH login as ${this.c.username} refused by ${this.target} (check cup.cli.username and cup.cli.password)`));
        }
        if (e.level === "client-timeout") return done(this.fail("Timeout", `no SSH handshake with ${this.target} within ${this.c.timeoutMs} ms`));
        done(this.fail("Transport", `SSH connection to ${this.target} failed (${e.code ?? e.message})`));
      });
      client.on("close", () => {
        if (!ready) done(this.fail(keyProblem ? "Tls" : "Transport", keyProblem ?? `SSH connection to ${this.target} closed during the handshake`));
        else if (!settled) done(this.fail("Transport", `the SSH connection to ${this.target} closed before the commands finished`));
      });
      client.connect({
        sock,
        username: this.c.username,
        password: this.c.password,
        tryKeyboard: false,
        readyTimeout: this.c.timeoutMs,
        keepaliveInterval: 0,
        hostVerifier: (key: Buffer): boolean => {
          const seen = sshFingerprint(key);
          if (this.c.hostKeySha256) {
            if (seen === this.c.hostKeySha256) return true;
            keyProblem = `the SSH host key of ${this.target} is ${seen}, not the pinned ${this.c.hostKeySha256} (cup.cli.hostKeySha256): refusing to connect`;
            return false;
          }
          if (!this.keyLogged) {
            this.keyLogged = true;
            this.log.warn(`SSH host key of ${this.target} not pinned; accepting ${seen} (set cup.cli.hostKeySha256 to pin it)`);
          }
          return true;
        },
      });
    });
  }

  /** `show version active`: the active version. */
  async activeVersion(): Promise<string> {
    const [out] = await this.run(["show version active"]);
    const v = parseActiveVersion(out?.lines ?? []);
    if (!v) throw this.fail("InvalidRequest", `show version active on ${this.target} answered no version: ${(out?.lines ?? []).join(" / ")}`);
    return v;
  }

  /**
   * `utils service restart "<name>"`, once, with one bounded wait (cli.timeoutMs): each status line is
   * logged as it arrives, and a "still waiting" line every cli.progressEveryMs. Resolves with the
   * transcript when the CLI reports the service [STARTED]; otherwise rejects with what the CLI said:
   * a known failure, output it does not recognize (reported as such), or no end within the bound.
   * Never retried here: a restart that did not succeed stays pending (client.ts).
   */
  async restart(service: string, log: Logger = this.log): Promise<CliOutput> {
    checkServiceName(service);
    const command = `utils service restart "${service}"`;
    const t0 = Date.now();
    let last: string | undefined;
    let partial = "";
    const watch = (text: string): void => {
      partial += text;
      const lines = partial.split("\n");
      partial = lines.pop() ?? "";
      for (const l of lines) {
        const s = statusOf(service, l);
        if (s) {
          last = s.status;
          log.info(`"${service}" on ${this.host}: ${s.status}${s.note ? ` (${s.note})` : ""} after ${Math.round((Date.now() - t0) / 1000)} s`);
        }
      }
    };
    const every = this.c.progressEveryMs ?? 30_000;
    const ticker = setInterval(
      () => log.info(`still waiting for "${service}" on ${this.host} to restart: ${Math.round((Date.now() - t0) / 1000)} s of at most ${Math.round(this.c.timeoutMs / 1000)} s (last status: ${last ?? "none yet"})`),
      every,
    );
    let out: CliOutput | undefined;
    try {
      [out] = await this.run([command], watch);
    } catch (e) {
      if (isCode(e, "Timeout")) {
        throw new RcclabError("Timeout", `${command} on ${this.target} did not end within ${Math.round(this.c.timeoutMs / 1000)} s (last status: ${last ?? "none"}); the service may still be restarting`);
      }
      throw e;
    } finally {
      clearInterval(ticker);
    }
    const verdict = classifyRestart(service, out?.lines ?? []);
    if (verdict.outcome === "started") return out!;
    const said = (out?.lines ?? []).join(" / ") || "no output";
    if (verdict.outcome === "unknown") {
      throw new RcclabError("InvalidRequest", `${command} on ${this.target} answered output rcclab does not recognize as success or failure (${verdict.reason}): ${said}`);
    }
    throw new RcclabError("InvalidRequest", `${command} failed on ${this.target}: ${verdict.reason} (the CLI said: ${said})`);
  }
}
