/**
 * Create intents: a write-ahead journal of the creates the provider core is about to send.
 *
 * A run killed after the system committed a create but before the engine recorded it leaves an
 * object no state knows; every later create of it fails as a duplicate. So before a kind's create
 * sends anything, the core records an intent (type, natural key, the system it goes to, a hash of
 * the desired fields, stack and project when known, time) here, and removes it when the create is
 * done. A later create that fails with AlreadyExists while an intent for the same object is here
 * knows the object is this stack's own interrupted work and takes it over (providers/core/kind.ts);
 * without an intent, AlreadyExists stays an error: no stack takes over what it did not create.
 *
 * The file: .rcclab/create-intents.json in the provider's working directory (the rcclab CLI runs
 * providers in the project, next to the local engine's state; Pulumi in the program's project, like
 * providers/cup/client.ts's journal of pending restarts); RCCLAB_CREATE_INTENTS moves it. Every
 * change is written to a temporary file, flushed, and renamed over the journal (a crash leaves the
 * old journal or the new one, never half of one), under a lock file, since several provider
 * processes may share one journal. Intents older than MAX_AGE_DAYS are dropped when it is read.
 * No secret value is ever written: secret fields count in the hash only as "present".
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export interface CreateIntent {
  /** The kind, "rcclab:<system>:<Kind>". */
  type: string;
  /** The natural key (the kind's key(fields), the resource ID). */
  key: string;
  /** The system the create goes to: a hash of the connection's identifying values (no secrets). */
  target: string;
  /** A hash of the desired fields (secret fields only as present or not). */
  fields: string;
  stack?: string;
  project?: string;
  /** When the create was about to be sent (ISO). */
  at: string;
  /** The process that recorded it. */
  pid: number;
}

interface Journal {
  version: 1;
  intents: CreateIntent[];
}

/** Intents older than this are dropped when the journal is read. */
export const MAX_AGE_DAYS = 30;

/**
 * RCCLAB_CREATE_INTENTS=engine: the engine that runs this provider records every create's intent in
 * its own state before it asks for the create (rcclab's local engine, src/engine/state.ts), and takes
 * interrupted creates over itself; the provider then keeps no journal of its own (each change to it
 * is a locked, fsynced rewrite, which slowed every create down).
 */
export const ENGINE_JOURNALS = "engine";
const engineJournals = (o: JournalOptions): boolean => !o.file && process.env.RCCLAB_CREATE_INTENTS === ENGINE_JOURNALS;

/** The journal file: .rcclab/create-intents.json in the working directory, or RCCLAB_CREATE_INTENTS. */
export function createIntentsFile(): string {
  return process.env.RCCLAB_CREATE_INTENTS || path.join(process.cwd(), ".rcclab", "create-intents.json");
}

/** The stack and project of this run, when the environment says (PULUMI_STACK / PULUMI_PROJECT). */
export function currentStack(env: NodeJS.ProcessEnv = process.env): { stack?: string; project?: string } {
  const stack = env.PULUMI_STACK || env.PULUMI_NODEJS_STACK || undefined;
  const project = env.PULUMI_PROJECT || env.PULUMI_NODEJS_PROJECT || undefined;
  return { ...(stack ? { stack } : {}), ...(project ? { project } : {}) };
}

const sha256 = (text: string): string => crypto.createHash("sha256").update(text).digest("hex");

/** JSON with object keys sorted, so equal values hash equally whatever their key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? "null" : canonical(x))).join(",")}]`;
  if (v && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

/**
 * A hash of the desired fields. Secret fields (top level) count only as present or not: their
 * values never reach the journal, not even hashed (a hash of a short password is a guessable one).
 */
export function fieldsHash(fields: Record<string, unknown>, secrets: readonly string[]): string {
  const masked: Record<string, unknown> = { ...fields };
  for (const s of secrets) if (masked[s] !== undefined && masked[s] !== null) masked[s] = "[secret]";
  return sha256(canonical(masked));
}

/** Connection settings that tune how rcclab talks, not which system it talks to. */
const TUNING = new Set(["timeoutMs", "retries", "minRetryDelayMs", "maxRetryDelayMs"]);

/**
 * Which system a create goes to: a hash of the connection's top-level strings and numbers (host,
 * port, user, release, URL ...), leaving out the secret ones and the tuning ones (timeouts,
 * retries), so a changed timeout or a rotated password still finds the intent.
 */
export function targetOf(connection: unknown, secretPaths: readonly string[]): string {
  const c = connection && typeof connection === "object" ? (connection as Record<string, unknown>) : {};
  const secret = new Set(secretPaths.filter((p) => !p.includes(".")));
  const id: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) {
    if (secret.has(k) || TUNING.has(k)) continue;
    if (typeof v === "string" || typeof v === "number") id[k] = v;
  }
  return sha256(canonical(id));
}

const maxAgeMs = (days: number) => days * 24 * 60 * 60 * 1000;

function isIntent(v: unknown): v is CreateIntent {
  const i = v as CreateIntent;
  return !!i && typeof i === "object" && typeof i.type === "string" && typeof i.key === "string" && typeof i.target === "string" && typeof i.at === "string";
}

/** The journal's intents, those older than `maxAgeDays` (or unreadable) left out. */
function load(file: string, now: number, maxAgeDays: number): CreateIntent[] {
  let raw: string;
  try {
    raw = fs.readFileSync(file, "utf8");
  } catch {
    return [];
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return [];
  }
  const list = (data as Partial<Journal> | undefined)?.intents;
  if (!Array.isArray(list)) return [];
  return list.filter(isIntent).filter((i) => {
    const t = Date.parse(i.at);
    return Number.isFinite(t) && now - t <= maxAgeMs(maxAgeDays);
  });
}

/** Write the journal: temporary file, flushed, renamed over it. No intents: no file. */
function save(file: string, intents: CreateIntent[]): void {
  if (!intents.length) {
    fs.rmSync(file, { force: true });
    return;
  }
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
  const fd = fs.openSync(tmp, "w", 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify({ version: 1, intents } satisfies Journal, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  // The rename itself must survive a crash too.
  try {
    const dir = fs.openSync(path.dirname(file), "r");
    try {
      fs.fsyncSync(dir);
    } finally {
      fs.closeSync(dir);
    }
  } catch {
    /* not every platform can flush a directory */
  }
}

/** A lock older than this is a crashed writer's: taken over. */
const STALE_LOCK_MS = 10_000;
const LOCK_WAIT_MS = 15_000;
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Run `fn` holding the journal's lock file (provider processes may share one journal). */
function locked<T>(file: string, fn: () => T): T {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lock = `${file}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      fs.closeSync(fs.openSync(lock, "wx"));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      let age = 0;
      try {
        age = Date.now() - fs.statSync(lock).mtimeMs;
      } catch {
        continue; // released meanwhile
      }
      if (age > STALE_LOCK_MS) {
        fs.rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`the create-intent journal ${file} stays locked (${lock})`);
      pause(5 + Math.floor(Math.random() * 10));
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

const sameObject = (a: Pick<CreateIntent, "type" | "key" | "target">, b: Pick<CreateIntent, "type" | "key" | "target">) =>
  a.type === b.type && a.key === b.key && a.target === b.target;

/** Stack and project must not contradict: either unknown on one side is no contradiction. */
const sameStack = (a: Pick<CreateIntent, "stack" | "project">, b: Pick<CreateIntent, "stack" | "project">) =>
  (!a.stack || !b.stack || a.stack === b.stack) && (!a.project || !b.project || a.project === b.project);

export interface JournalOptions {
  file?: string;
  maxAgeDays?: number;
  now?: number;
}

/**
 * Record an intent before its create is sent, durably (the journal is on disk when this returns).
 * Returns the intent an earlier, unfinished create of the same object (same type, key and system,
 * a stack that does not contradict) left, if any: it replaces that one. Another stack's intents stay.
 */
export function recordIntent(intent: CreateIntent, o: JournalOptions = {}): CreateIntent | undefined {
  if (engineJournals(o)) return undefined;
  const file = o.file ?? createIntentsFile();
  return locked(file, () => {
    const all = load(file, o.now ?? Date.now(), o.maxAgeDays ?? MAX_AGE_DAYS);
    const earlier = all.find((i) => sameObject(i, intent) && sameStack(i, intent));
    save(file, [...all.filter((i) => !(sameObject(i, intent) && sameStack(i, intent))), intent]);
    return earlier;
  });
}

/** Remove the intent for this object (its create is done, or it created nothing). */
export function removeIntent(intent: Pick<CreateIntent, "type" | "key" | "target" | "stack" | "project">, o: JournalOptions = {}): void {
  if (engineJournals(o)) return;
  const file = o.file ?? createIntentsFile();
  locked(file, () => {
    const all = load(file, o.now ?? Date.now(), o.maxAgeDays ?? MAX_AGE_DAYS);
    save(file, all.filter((i) => !(sameObject(i, intent) && sameStack(i, intent))));
  });
}

/** The intents the journal holds now (expired ones left out). */
export function readIntents(o: JournalOptions = {}): CreateIntent[] {
  return load(o.file ?? createIntentsFile(), o.now ?? Date.now(), o.maxAgeDays ?? MAX_AGE_DAYS);
}
