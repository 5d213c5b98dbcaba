/**
 * Owed CUP service restarts, done once per run rather than once per resource.
 *
 * A CUP service re-reads its tables only when it starts (catalog.ts `reloadServices`), so every write
 * that changed a row owes a restart of those services. A lab `up` writes to the same few tables from a
 * dozen resources; restarting after each (minutes each on a real CUP) is what made CUP the slow part.
 * So the client (client.ts) does not restart at the end of each operation: each changing write adds
 * a debt here (service → the guide steps waiting for it), and the scheduler pays the debts
 *
 * - once writes have stopped for a quiet period (`quietMs`, RCCLAB_CUP_RESTART_QUIET_MS; every write
 *   that starts or ends postpones it), and never while a write to a table of that service is in
 *   flight: a restart comes after the last write that needs it;
 * - in any case before the process's provider work ends: on SIGTERM / SIGINT / SIGHUP (the local
 *   engine ends its provider host with SIGTERM and waits for it to exit) and when the event loop runs
 *   dry (a program that uses the kinds directly), every debt is paid before the process exits; a
 *   second signal exits at once;
 * - one restart per service at a time: a service whose restart is queued or running is not queued
 *   again; a write that starts while its restart runs owes a new one (CUP may have read the table
 *   before the write landed), so it is restarted once more afterwards.
 *
 * Durability is the journal's (client.ts, pendingRestartsFile()): each debt is written there before
 * the write that makes it is sent and leaves it only when the restart succeeded, so a process that
 * stops before paying (SIGKILL, a host killed without grace) leaves it for the next run, which owes it
 * from its first CUP operation on.
 */
import * as os from "node:os";

/** The quiet period, ms: RCCLAB_CUP_RESTART_QUIET_MS, default 3 s. */
export function restartQuietMs(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.RCCLAB_CUP_RESTART_QUIET_MS);
  return env.RCCLAB_CUP_RESTART_QUIET_MS !== undefined && env.RCCLAB_CUP_RESTART_QUIET_MS !== "" && Number.isFinite(n) && n >= 0 ? n : 3_000;
}

export interface RestartSchedulerOptions {
  /** Restart one service now (one bounded attempt); true when it came back. */
  run(service: string, steps: readonly string[]): Promise<boolean>;
  quietMs?: number;
  /** Told when the process is about to end with debts: what it does before exiting. */
  log?: (message: string) => void;
}

export class RestartScheduler {
  /** Debts: service → the guide steps waiting for its restart. */
  private readonly owed = new Map<string, Set<string>>();
  /** Writes in flight, per service their tables reload into. */
  private readonly inflight = new Map<string, number>();
  /** Services with a restart queued (not yet started). */
  private readonly queued = new Set<string>();
  private running: string | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private draining = false;
  readonly quietMs: number;
  /** Restarts started, for tests and the benchmark. */
  readonly stats = { restarts: 0 };

  constructor(private readonly opts: RestartSchedulerOptions) {
    this.quietMs = opts.quietMs ?? restartQuietMs();
  }

  /** A write to a table that reloads into `services` is about to be sent. */
  writing(services: readonly string[]): void {
    for (const s of services) this.inflight.set(s, (this.inflight.get(s) ?? 0) + 1);
    this.postpone();
  }

  /** That write is over (whatever its outcome). */
  written(services: readonly string[]): void {
    for (const s of services) {
      const n = (this.inflight.get(s) ?? 1) - 1;
      if (n > 0) this.inflight.set(s, n);
      else this.inflight.delete(s);
    }
    this.postpone();
  }

  /** `service` must restart (for `steps`) after the writes so far. */
  owe(service: string, steps: Iterable<string> = []): void {
    const set = this.owed.get(service) ?? new Set<string>();
    for (const st of steps) set.add(st);
    this.owed.set(service, set);
    live.add(this);
    installExitHooks();
    this.postpone();
  }

  /** Whether a restart of `service` is owed, queued or running. */
  has(service: string): boolean {
    return this.owed.has(service) || this.busy(service);
  }

  /** Whether a restart of `service` is queued or running (a request for it now would be a second one). */
  busy(service: string): boolean {
    return this.queued.has(service) || this.running === service;
  }

  /** Whether anything is owed, queued or running. */
  get idle(): boolean {
    return !this.owed.size && !this.queued.size && this.running === undefined;
  }

  /** The services owed (not yet queued), for tests. */
  get debts(): string[] {
    return [...this.owed.keys()];
  }

  /** Pay every debt now, without the quiet period; resolves when nothing is owed, queued or running. */
  async drain(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.draining = true;
    try {
      // A write that lands while draining owes again; a few rounds at most.
      for (let round = 0; round < 5 && !this.idle; round++) {
        for (const s of [...this.owed.keys()]) this.enqueue(s);
        await this.chain;
      }
    } finally {
      this.draining = false;
    }
  }

  private postpone(): void {
    if (this.draining || !this.owed.size) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.due(), this.quietMs);
    // The timer alone does not keep a process alive: its end pays the debts (installExitHooks).
    this.timer.unref?.();
  }

  private due(): void {
    this.timer = undefined;
    for (const s of [...this.owed.keys()]) if (!this.inflight.get(s)) this.enqueue(s);
    // Services with a write in flight: that write's end postpones again.
  }

  private enqueue(service: string): void {
    if (this.queued.has(service)) return;
    this.queued.add(service);
    this.chain = this.chain.then(() => this.start(service)).catch(() => undefined);
  }

  private async start(service: string): Promise<void> {
    this.queued.delete(service);
    // A write that began meanwhile: after it (unless the process is ending).
    if (!this.draining && this.inflight.get(service)) return this.postpone();
    const steps = this.owed.get(service);
    if (!steps) return;
    // What is owed until now is paid by this restart; a write from here on owes another.
    this.owed.delete(service);
    this.running = service;
    this.stats.restarts++;
    try {
      await this.opts.run(service, [...steps]);
    } finally {
      this.running = undefined;
      this.postpone();
      if (this.idle) settled();
    }
  }

  /** Told before the process ends with debts. */
  notify(message: string): void {
    this.opts.log?.(message);
  }
}

// ---------------------------------------------------------------------------------------------------
// The process's end

/** Schedulers that have owed something in this process. */
const live = new Set<RestartScheduler>();

/** Pay every debt of every scheduler in this process now (tests; the exit hooks). */
export async function drainAll(): Promise<void> {
  for (let round = 0; round < 5 && [...live].some((s) => !s.idle); round++) await Promise.all([...live].map((s) => s.drain()));
}

const pending = (): RestartScheduler[] => [...live].filter((s) => !s.idle);

let hooked = false;
let ending = false;

const SIGNALS = ["SIGTERM", "SIGINT", "SIGHUP"] as const;

/** The event loop ran dry (a program using the kinds in-process): pay, then let it end. */
function onBeforeExit(): void {
  if (!ending && pending().length) void drainAll();
}

function onSignal(signal: NodeJS.Signals): void {
  const code = 128 + (os.constants.signals[signal] ?? 15);
  const owing = pending();
  if (ending || !owing.length) {
    // A second signal ends now; with nothing owed, end as the signal would have (or as another listener says).
    if (ending) process.exit(code);
    uninstallExitHooks();
    if (process.listenerCount(signal) === 0) process.exit(code);
    return;
  }
  ending = true;
  for (const s of owing) s.notify(`${signal}: doing the CUP restarts this run's changes need before exiting (a second ${signal} exits now; the next run then does them)`);
  void drainAll().finally(() => process.exit(code));
}

/** Hooks are in place only while something is owed: otherwise signals mean what they meant. */
function installExitHooks(): void {
  if (hooked) return;
  hooked = true;
  process.on("beforeExit", onBeforeExit);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstallExitHooks(): void {
  if (!hooked || ending) return;
  hooked = false;
  process.off("beforeExit", onBeforeExit);
  for (const s of SIGNALS) process.off(s, onSignal);
}

/** A scheduler became idle: the hooks go when every scheduler is. */
function settled(): void {
  if (!pending().length) uninstallExitHooks();
}
