/**
 * A simulated OCS 2007 R2 front end reached over SSH: an SSH server (ssh2, password auth, exec
 * with exit status) whose exec requests run as cmd.exe → powershell.exe would run them, against
 * the front end's WMI class store (MSFT_SIPPoolSetting, MSFT_SIPRoutingTableData,
 * MSFT_SIPRemoteAddressData; store.ts). PowerShell scripts are read and run by the simulator's own
 * interpreter of a PowerShell subset (ps/); a script it cannot interpret is refused as a parser
 * error and nothing of it runs.
 *
 * - Several front ends can run side by side on different loopback addresses with the same port.
 * - The tables live in a JSON state file (when given): a restarted simulator keeps them. A store
 *   can be shared with the front end's WinRM endpoint (winrm/index.ts).
 * - The seed (used when there is no state file yet) holds the pools and pre-existing entries that
 *   rcclab must leave alone.
 * - Every exec is logged in `commands`: the raw command, the operation read from the script, its
 *   top-level literal variables, or why it was refused (tests assert that nothing else ever ran).
 * - The RSA host key is generated once into `hostKeyFile`, so its fingerprint stays pinned.
 */
import { ensureHostKey, hostKeyFingerprint, listenPasswordSsh } from "../ssh";
import { DEFAULT_SEED, type OcsSeed, type OcsState, OcsWmiStore } from "./store";
import { type OcsOp, analyzeCommand, runAnalyzed } from "./wmi";

export type { HostRow, OcsSeed, OcsState, PoolRow, RouteRow, WmiCaller, WmiInstance } from "./store";
export { DEFAULT_POOL, DEFAULT_SEED, OcsWmiStore, newInstanceId, seedState } from "./store";
export { analyzeCommand, execCommand } from "./wmi";
export type { CommandResult, OcsOp, ScriptSummary } from "./wmi";

/** The seed rcclab's tests use: camelCase fields (WMI property names work too). */
export interface OcsSimSeed extends OcsSeed {
  pools?: { fqdn: string; backend?: string }[];
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
  /** A store to serve instead of one made from stateFile / seed (shared with a WinRM endpoint). */
  store?: OcsWmiStore;
  /** The front end's computer name in WMI paths (default FE01). */
  computerName?: string;
}

export interface OcsSimCommand {
  user: string;
  command: string;
  exitCode: number;
  ok: boolean;
  /** The route / host operation the script performs, read from its constructs. */
  op?: OcsOp;
  /** The script's top-level `$name='literal'` assignments. */
  vars?: Record<string, string>;
  /** Why nothing ran. */
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
  /** The WMI store this front end serves. */
  store: OcsWmiStore;
  /** Every exec, in order. */
  commands: OcsSimCommand[];
  /** A copy of the tables. */
  state(): OcsState;
  /** Change the tables directly (tests), then persist. */
  mutate(fn: (state: OcsState) => void): void;
  /**
   * Drop the SSH connection at the next command performing `op` (any command when omitted):
   * "before" it runs, or "after" it ran (its answer is lost: a retry must not make a duplicate).
   * One shot.
   */
  dropNext(mode: "before" | "after", op?: OcsOp): void;
  stop(): Promise<void>;
}

export const DEFAULT_OCS_USER = "LAB\\rcclab-ocs";
export const DEFAULT_OCS_PASSWORD = "Ocs-Adm1n!";

export async function startOcsSim(opts: OcsSimOptions): Promise<OcsSim> {
  const host = opts.host ?? "127.0.0.1";
  const pem = ensureHostKey(opts.hostKeyFile);
  const store = opts.store ?? new OcsWmiStore({ ...(opts.stateFile ? { stateFile: opts.stateFile } : {}), seed: opts.seed ?? DEFAULT_SEED });
  const commands: OcsSimCommand[] = [];
  const nonAdmins = new Set(opts.nonAdmins ?? []);
  let drop: { mode: "before" | "after"; op?: OcsOp } | undefined;

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
      const analyzed = analyzeCommand(info.command);
      const op = analyzed.summary?.op;
      const fault = drop && (!drop.op || drop.op === op) ? drop.mode : undefined;
      if (fault) drop = undefined;
      if (fault === "before") {
        commands.push({ user, command: info.command, exitCode: -1, ok: false, ...(op ? { op } : {}), dropped: "before" });
        client.end();
        return;
      }
      const r = runAnalyzed(store, analyzed, { wmiAccess: !nonAdmins.has(user), server: opts.computerName ?? "FE01" });
      const entry: OcsSimCommand = {
        user,
        command: info.command,
        exitCode: r.exitCode,
        ok: r.exitCode === 0,
        ...(r.op ? { op: r.op } : {}),
        ...(r.vars ? { vars: r.vars } : {}),
        ...(r.rejected ? { rejected: r.rejected } : {}),
        ...(r.changed ? { changed: true } : {}),
      };
      if (fault === "after") {
        commands.push({ ...entry, dropped: "after" });
        client.end();
        return;
      }
      commands.push(entry);
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
    store,
    commands,
    state: () => store.state(),
    mutate: (fn) => store.mutate(fn),
    dropNext: (mode, op) => {
      drop = { mode, ...(op ? { op } : {}) };
    },
    stop: server.stop,
  };
}
