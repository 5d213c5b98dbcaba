/**
 * How many steps run at once: at most `parallel` in all (`--parallel N`), and at most a per-system
 * number on each system, set for what the real servers tolerate:
 * - CUCM (AXL): 4. CUCM serves AXL requests concurrently but throttles (HTTP 503, "Maximum AXL Memory
 *   Allocation Consumed"); the AXL client backs off and retries a throttled request, so a throttle
 *   slows the CUCM lane down instead of failing the run.
 * - CUP: 1. Its settings are single rows that several steps read and write (C2, C4, C7), and each
 *   change may restart a CUP service: one at a time.
 * - OCS (WinRM / SSH to each pool's front end): 2. AD (LDAP): 4. DNS (RFC 2136 updates): 4.
 * Unknown systems share the overall limit only.
 *
 * (A small semaphore of our own: p-limit, the well-kept one, is ESM-only since v4 and this package is
 * CommonJS.)
 */
export const SYSTEM_LIMITS: Readonly<Record<string, number>> = { cucm: 4, cup: 1, ocs: 2, ad: 4, dns: 4 };

/** The default of `--parallel`. */
export const DEFAULT_PARALLEL = 10;

/** A counting semaphore: run() waits for a free slot. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`a limit must be a whole number ≥ 1, not ${size}`);
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    // A finishing run hands its slot to the first waiter, so no newcomer can slip in between.
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/** The system a resource type belongs to: "pulumi-nodejs:dynamic/rcclab/cucm:Phone" → "cucm". */
export function systemOf(type: string): string | undefined {
  return /^pulumi-nodejs:dynamic\/rcclab\/([^/:]+)/.exec(type)?.[1];
}

/** The overall limit and one lane per system. */
export class Lanes {
  private readonly all: Limiter;
  private readonly bySystem = new Map<string, Limiter>();

  constructor(
    parallel = DEFAULT_PARALLEL,
    private readonly limits: Readonly<Record<string, number>> = SYSTEM_LIMITS,
  ) {
    this.all = new Limiter(parallel);
  }

  /** Run a step of a resource of this type when both its system's lane and the overall limit allow. */
  run<T>(type: string, fn: () => Promise<T>): Promise<T> {
    const system = systemOf(type);
    const size = system ? this.limits[system] : undefined;
    if (!system || size === undefined) return this.all.run(fn);
    let lane = this.bySystem.get(system);
    if (!lane) this.bySystem.set(system, (lane = new Limiter(Math.min(size, this.all.size))));
    return lane.run(() => this.all.run(fn));
  }
}
