/**
 * What must hold however an rcclab run ends.
 *
 * - Exit hooks (`onExit`): cleanups (end this process's provider hosts, release its stack locks)
 *   run when the process exits, and on SIGINT, SIGTERM and SIGHUP. They are installed only while a
 *   cleanup is registered; on a signal nobody else listens for, the process then exits with
 *   128 + the signal's number (130, 143, 129), as the signal would have ended it. A SIGKILL runs
 *   nothing: the hosts end themselves (providerHost.ts) and the lock is left stale (see below).
 *
 * - The stack lock (`acquireStackLock`): one run at a time writes a stack's state. The lock is a
 *   file next to the state, `<state>.lock`, holding the run's pid, host name, command, start time
 *   and a random token. It is created atomically, complete (written to a temp file, then hard-linked
 *   to its name, which fails when it exists). A second run is refused with who holds it. A lock whose
 *   pid is no longer alive on this host is stale: it is moved aside (a rename, so of two runs taking
 *   it over only one succeeds), with a notice, and taken. A lock from another host is never taken
 *   over: its process cannot be checked from here.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeSynced } from "./stateFile";

// ---------------------------------------------------------------------------------------------
// Exit hooks

const cleanups = new Set<() => void>();
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
let installed = false;

function runCleanups(): void {
  for (const fn of [...cleanups]) {
    cleanups.delete(fn);
    try {
      fn();
    } catch {
      // Best effort: the other cleanups still run.
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  setHooks(false);
  runCleanups();
  // Another listener decides what the signal means; alone, end as the signal would have.
  if (process.listenerCount(signal) === 0) process.exit(128 + os.constants.signals[signal]);
}

function setHooks(on: boolean): void {
  if (on === installed) return;
  installed = on;
  if (on) {
    process.on("exit", runCleanups);
    for (const s of SIGNALS) process.on(s, onSignal);
  } else {
    process.off("exit", runCleanups);
    for (const s of SIGNALS) process.off(s, onSignal);
  }
}

/**
 * Run `cleanup` (synchronous, idempotent) when this process exits or is ended by SIGINT, SIGTERM or
 * SIGHUP. Returns the function that unregisters it (call it once the thing is cleaned up normally).
 */
export function onExit(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  setHooks(true);
  return () => {
    cleanups.delete(cleanup);
    if (cleanups.size === 0) setHooks(false);
  };
}

// ---------------------------------------------------------------------------------------------
// The stack lock

/** Who holds a stack's lock (the lock file's content). */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** What runs, e.g. "rcclab up". */
  command: string;
  /** When it started (ISO). */
  started: string;
  /** Tells this lock from a later one of the same pid. */
  token: string;
}

/** A stack another run is using (exit code 1, like every refusal). */
export class StackLockedError extends Error {
  readonly exitCode = 1;
  constructor(
    message: string,
    readonly lockFile: string,
    readonly holder?: LockHolder,
  ) {
    super(message);
    this.name = "StackLockedError";
  }
}

/** Releases the lock (idempotent). */
export type Release = () => void;

export interface LockOptions {
  /** The stack's name in messages (default: from the state file's name). */
  stack?: string;
  /** What runs, recorded in the lock (default "rcclab"). */
  command?: string;
  /** Where the notice of a stale lock taken over goes (default: stderr). */
  notice?: (line: string) => void;
}

export const lockFileOf = (stateFile: string): string => `${stateFile}.lock`;

/** The tokens of the locks this process holds, by lock file. */
const held = new Map<string, string>();

/**
 * Take the stack's lock, or throw StackLockedError naming who holds it. The lock is released by the
 * returned function, and in any case when the process exits or is ended by a signal.
 */
export function acquireStackLock(stateFile: string, opts: LockOptions = {}): Release {
  const file = path.resolve(lockFileOf(stateFile));
  const stack = opts.stack ?? path.basename(stateFile).replace(/(\.state)?\.json$/, "");
  const me: LockHolder = { pid: process.pid, hostname: os.hostname(), command: opts.command ?? "rcclab", started: new Date().toISOString(), token: crypto.randomUUID() };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let tookOver: LockHolder | undefined;
  for (let attempt = 0; !create(file, me); attempt++) {
    const text = readIfExists(file);
    if (text === undefined) {
      if (attempt < 10) continue; // released meanwhile: try again
      throw new StackLockedError(`stack ${stack}: could not take its lock ${file} (other runs keep taking it)`, file);
    }
    const holder = parseHolder(text);
    if (!holder) {
      throw new StackLockedError(`stack ${stack} is locked by ${file}, which cannot be read as a lock; if no other rcclab run is using the stack, remove that file`, file);
    }
    if (attempt >= 3 || !isStale(holder, file)) throw new StackLockedError(busyMessage(stack, holder, file), file, holder);
    if (setAside(file, text)) tookOver = holder;
  }
  if (tookOver) {
    const line = `notice: stack ${stack}: took over a stale lock (pid ${tookOver.pid}, ${tookOver.command}, started ${when(tookOver.started)}, is no longer running)`;
    (opts.notice ?? ((l: string) => void process.stderr.write(`${l}\n`)))(line);
  }
  held.set(file, me.token);
  let unhook = (): void => {};
  const release: Release = () => {
    if (held.get(file) !== me.token) return;
    held.delete(file);
    unhook();
    // Remove only our own lock (never one that replaced it).
    if (parseHolder(readIfExists(file) ?? "")?.token === me.token) fs.rmSync(file, { force: true });
  };
  unhook = onExit(release);
  return release;
}

/** Run `fn` holding the stack's lock. */
export async function withStackLock<T>(stateFile: string, opts: LockOptions, fn: () => Promise<T>): Promise<T> {
  const release = acquireStackLock(stateFile, opts);
  try {
    return await fn();
  } finally {
    release();
  }
}

/** Who holds the stack's lock now, if anyone (e.g. for a read-only command's notice). */
export function readStackLock(stateFile: string): LockHolder | undefined {
  return parseHolder(readIfExists(lockFileOf(stateFile)) ?? "");
}

const errCode = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    if (errCode(e) === "ENOENT") return undefined;
    throw e;
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const h = JSON.parse(text) as LockHolder;
    const ok = Number.isInteger(h.pid) && h.pid > 0 && typeof h.hostname === "string" && typeof h.token === "string";
    return ok ? { ...h, command: String(h.command ?? "rcclab"), started: String(h.started ?? "") } : undefined;
  } catch {
    return undefined;
  }
}

/** Create the lock file complete, or return false when it exists. */
function create(file: string, me: LockHolder): boolean {
  const text = `${JSON.stringify(me, null, 2)}\n`;
  const tmp = `${file}.${me.pid}.${me.token}.tmp`;
  writeSynced(tmp, text, 0o644);
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (e) {
    if (errCode(e) === "EEXIST") return false;
    if (!["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS"].includes(errCode(e) ?? "")) throw e;
    // A filesystem without hard links: an exclusive create (if a crash cut it short, the lock cannot be read and is refused, never ignored).
    try {
      fs.writeFileSync(file, text, { flag: "wx", mode: 0o644 });
      return true;
    } catch (e2) {
      if (errCode(e2) === "EEXIST") return false;
      throw e2;
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errCode(e) === "EPERM"; // it exists, under another user
  }
};

/** Whether the lock's process is known to be gone: on this host, and not alive (or this pid, from before this process). */
function isStale(h: LockHolder, file: string): boolean {
  if (h.hostname !== os.hostname()) return false;
  if (h.pid === process.pid) return held.get(file) !== h.token;
  return !alive(h.pid);
}

/**
 * Move the stale lock (whose content was `stale`) out of the way. Only the run whose rename moved
 * exactly that lock goes on; one that moved a newer lock (another run took over first) puts it back.
 */
function setAside(file: string, stale: string): boolean {
  const aside = `${file}.stale-${process.pid}-${crypto.randomUUID()}`;
  try {
    fs.renameSync(file, aside);
  } catch (e) {
    if (errCode(e) === "ENOENT") return false;
    throw e;
  }
  try {
    if (readIfExists(aside) === stale) return true;
    try {
      fs.linkSync(aside, file);
    } catch (e) {
      if (errCode(e) !== "EEXIST") fs.renameSync(aside, file);
    }
    return false;
  } finally {
    fs.rmSync(aside, { force: true });
  }
}

function busyMessage(stack: string, h: LockHolder, file: string): string {
  const what = `${h.command}, started ${when(h.started)}`;
  if (h.hostname !== os.hostname()) {
    return `stack ${stack} is in use by pid ${h.pid} on host ${h.hostname} (${what}) — wait for it; rcclab cannot check a process on another host, so if that run is gone, the lock is stale: remove ${file}`;
  }
  if (h.pid === process.pid) return `stack ${stack} is in use by this process (pid ${h.pid}, ${what}): one run at a time`;
  return `stack ${stack} is in use by pid ${h.pid} (${what}) — wait for it, or if that process is gone (pid ${h.pid} is now another program), the lock is stale: remove ${file}`;
}

/** "2026-12-02 10:45:06 UTC, 3 min ago". */
function when(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso || "at an unknown time";
  const s = Math.max(0, Math.round((Date.now() - t) / 1000));
  const ago = s < 120 ? `${s} s ago` : s < 7200 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
  return `${new Date(t).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC")}, ${ago}`;
}
