/**
 * A simulated OCS 2007 R2 front end, as rcclab's OCS provider sees it: an SSH server (ssh2,
 * password auth, exec with exit status) whose commands are the provider's PowerShell for the pool's
 * static routes (MSFT_SIPRoutingTableData) and authorized hosts (MSFT_SIPRemoteAddressData).
 *
 * - Several front ends can run side by side on different loopback addresses with the same port.
 * - The tables live in a JSON state file (when given): a restarted simulator keeps them.
 * - The seed (used when there is no state file yet) holds the pools (MSFT_SIPPoolSetting: FQDN and
 *   back end) and pre-existing entries that rcclab must leave alone.
 * - Every exec is logged in `commands`: the raw command, the decoded variables when it was the
 *   provider's form, or why it was rejected (tests assert that nothing else ever ran).
 * - The RSA host key is generated once into `hostKeyFile`, so its fingerprint stays pinned.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Op, ScriptVars } from "../../../providers/ocs/script";
import { ensureHostKey, hostKeyFingerprint, listenPasswordSsh } from "../ssh";
import { type HostRow, type OcsState, type PoolRow, type RouteRow, execCommand, newInstanceId, parseCommand } from "./wmi";

export type { HostRow, OcsState, PoolRow, RouteRow } from "./wmi";
export { execCommand, parseCommand } from "./wmi";

export interface OcsSimSeed {
  /** The forest's pools (FQDN and SQL back end, default `sql-<fqdn>\rtc`). Default: [DEFAULT_POOL]. */
  pools?: { fqdn: string; backend?: string }[];
  /** Existing static routes (default: DEFAULT_SEED's gateway route); backend defaults to the first pool's. */
  routes?: Array<{
    backend?: string;
    instanceId?: string;
    matchUri: string;
    nextHop: string;
    port?: number;
    transport?: string;
    replaceHostInRequestUri?: boolean;
    enabled?: boolean;
  }>;
  /** Existing authorized hosts (default: DEFAULT_SEED's gateway); backend defaults to the first pool's. */
  hosts?: Array<{
    backend?: string;
    instanceId?: string;
    server: string;
    outboundOnly?: boolean;
    throttleAsServer?: boolean;
    treatAsAuthenticated?: boolean;
  }>;
}

export interface OcsSimOptions {
  /** A loopback address, e.g. 127.0.0.11 (default 127.0.0.1). */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Account → password. */
  users: Record<string, string>;
  /** Accounts that may log in but are not OCS administrators: WMI answers "Access denied". */
  nonAdmins?: string[];
  hostKeyFile: string;
  /** Where the tables are kept (JSON); loaded when it exists, otherwise seeded and written. */
  stateFile?: string;
  /** Used when there is no state file yet. Default: DEFAULT_SEED. */
  seed?: OcsSimSeed;
}

export interface OcsSimCommand {
  user: string;
  command: string;
  exitCode: number;
  ok: boolean;
  op?: Op;
  vars?: ScriptVars;
  rejected?: string;
  changed?: boolean;
  /** The connection was dropped before the command ran, or after it ran without an answer. */
  dropped?: "before" | "after";
}

export interface OcsSim {
  host: string;
  port: number;
  /** The host key's fingerprint as OpenSSH prints it ("SHA256:<base64>"): ocs.ssh.hostKeySha256. */
  hostKeySha256: string;
  hostKeyFile: string;
  /** Every exec, in order. */
  commands: OcsSimCommand[];
  /** A copy of the tables. */
  state(): OcsState;
  /** Change the tables directly (tests), then persist. */
  mutate(fn: (state: OcsState) => void): void;
  /**
   * Drop the SSH connection at the next command of `op` (any operation when omitted): "before" it
   * runs, or "after" it ran (its answer is lost: a retry must not make a duplicate). One shot.
   */
  dropNext(mode: "before" | "after", op?: Op): void;
  stop(): Promise<void>;
}

export const DEFAULT_POOL = { fqdn: "pool01.lab.example.com", backend: "sql01.lab.example.com\\rtc" } as const;
export const DEFAULT_OCS_USER = "LAB\\rcclab-ocs";
export const DEFAULT_OCS_PASSWORD = "Ocs-Adm1n!";

/** A gateway route and its authorized host that existed before rcclab: they must survive. */
export const DEFAULT_SEED: OcsSimSeed = {
  pools: [DEFAULT_POOL],
  routes: [{ matchUri: "gw01.lab.example.com", nextHop: "192.0.2.10", port: 5060, transport: "TCP", replaceHostInRequestUri: false, enabled: true }],
  hosts: [{ server: "192.0.2.10", outboundOnly: false, throttleAsServer: true, treatAsAuthenticated: true }],
};

export function seedState(seed: OcsSimSeed = DEFAULT_SEED): OcsState {
  const pools: PoolRow[] = (seed.pools ?? [DEFAULT_POOL]).map((p) => ({ PoolFQDN: p.fqdn, BackEndDBPath: p.backend ?? `sql-${p.fqdn}\\rtc` }));
  const backend = pools[0]?.BackEndDBPath ?? "";
  const routes: RouteRow[] = (seed.routes ?? DEFAULT_SEED.routes ?? []).map((r) => ({
    Backend: r.backend ?? backend,
    InstanceID: r.instanceId ?? newInstanceId(),
    MatchURI: r.matchUri,
    NextHop: r.nextHop,
    NextHopPort: r.port ?? 5060,
    NextHopTransport: r.transport ?? "TCP",
    ReplaceHostInRequestURI: r.replaceHostInRequestUri ?? true,
    Enabled: r.enabled ?? true,
  }));
  const hosts: HostRow[] = (seed.hosts ?? DEFAULT_SEED.hosts ?? []).map((h) => ({
    Backend: h.backend ?? backend,
    InstanceID: h.instanceId ?? newInstanceId(),
    Server: h.server,
    OutboundOnly: h.outboundOnly ?? false,
    ThrottleAsServer: h.throttleAsServer ?? true,
    TreatAsAuthenticated: h.treatAsAuthenticated ?? true,
  }));
  return { pools, routes, hosts };
}

function loadState(file: string): OcsState | undefined {
  if (!fs.existsSync(file)) return undefined;
  const s = JSON.parse(fs.readFileSync(file, "utf8")) as OcsState;
  if (!Array.isArray(s.pools) || !Array.isArray(s.routes) || !Array.isArray(s.hosts)) throw new Error(`${file} is not an OCS simulator state file`);
  return s;
}

function saveState(file: string, state: OcsState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

export async function startOcsSim(opts: OcsSimOptions): Promise<OcsSim> {
  const host = opts.host ?? "127.0.0.1";
  const pem = ensureHostKey(opts.hostKeyFile);
  let state = (opts.stateFile && loadState(opts.stateFile)) || seedState(opts.seed);
  const persist = (): void => {
    if (opts.stateFile) saveState(opts.stateFile, state);
  };
  persist();
  const commands: OcsSimCommand[] = [];
  const nonAdmins = new Set(opts.nonAdmins ?? []);
  let drop: { mode: "before" | "after"; op?: Op } | undefined;

  const server = await listenPasswordSsh({ host, port: opts.port ?? 0, hostKey: pem, users: opts.users }, (session, user, client) => {
    session.on("pty", (ok) => ok?.());
    session.on("env", (ok) => ok?.());
    session.on("window-change", (ok) => ok?.());
    session.on("shell", (ok) => {
      const stream = ok();
      stream.stderr.write("This front end accepts commands through exec only.\r\n");
      stream.exit(1);
      stream.end();
    });
    session.on("exec", (ok, _reject, info) => {
      const stream = ok();
      const parsed = parseCommand(info.command);
      const op = "accepted" in parsed ? parsed.op : undefined;
      const fault = drop && (!drop.op || drop.op === op) ? drop.mode : undefined;
      if (fault) drop = undefined;
      if (fault === "before") {
        commands.push({ user, command: info.command, exitCode: -1, ok: false, ...(op ? { op } : {}), dropped: "before" });
        client.end();
        return;
      }
      const r = execCommand(state, info.command, { wmiAccess: !nonAdmins.has(user) });
      if (r.changed) persist();
      if (fault === "after") {
        commands.push({ user, command: info.command, exitCode: r.exitCode, ok: r.exitCode === 0, ...(r.op ? { op: r.op } : {}), ...(r.vars ? { vars: r.vars } : {}), ...(r.changed ? { changed: true } : {}), dropped: "after" });
        client.end();
        return;
      }
      commands.push({
        user,
        command: info.command,
        exitCode: r.exitCode,
        ok: r.exitCode === 0,
        ...(r.op ? { op: r.op } : {}),
        ...(r.vars ? { vars: r.vars } : {}),
        ...(r.rejected ? { rejected: r.rejected } : {}),
        ...(r.changed ? { changed: true } : {}),
      });
      if (r.stdout) stream.write(r.stdout);
      if (r.stderr) stream.stderr.write(r.stderr);
      stream.exit(r.exitCode);
      stream.end();
    });
  });
  return {
    host,
    port: server.port,
    hostKeySha256: hostKeyFingerprint(pem),
    hostKeyFile: opts.hostKeyFile,
    commands,
    state: () => structuredClone(state),
    mutate: (fn) => {
      const next = structuredClone(state);
      fn(next);
      state = next;
      persist();
    },
    dropNext: (mode, op) => {
      drop = { mode, ...(op ? { op } : {}) };
    },
    stop: server.stop,
  };
}
