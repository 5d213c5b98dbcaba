/**
 * An adaptive concurrency limit (AIMD): how many requests to one server may be in flight at once.
 *
 * - Additive increase: after `increaseAfter` successes in a row the limit grows by 1, up to `max`.
 * - Multiplicative decrease: a request the server throttled halves the limit (never below `min`).
 *   Only the first throttle of a round counts: requests that were already under way when the limit
 *   last fell were sent at the old rate, so their throttles say nothing new (without this, four
 *   requests throttled together would take a limit of 8 to 1 instead of 4).
 * - Callers wait in FIFO order; a caller waiting when the limit rises or a slot frees goes first.
 *
 * Generic: the caller says what each request's outcome was (`release("ok" | "throttled" |
 * "failed")`; a failure other than a throttle neither grows nor shrinks the limit). Nothing here
 * sleeps or retries: backoff stays the retry policy's.
 */

export interface AdaptiveLimitOptions {
  /** The limit to start with. */
  initial: number;
  /** The ceiling additive increase stops at. */
  max: number;
  /** The floor (default 1). */
  min?: number;
  /** Successes in a row before the limit grows by one. */
  increaseAfter: number;
}

export type Outcome = "ok" | "throttled" | "failed";

/** What a release changed, for the caller to report. */
export interface LimitChange {
  from: number;
  to: number;
}

export interface Slot {
  /** Give the slot back, saying how the request went; returns the limit's change, if any. */
  release(outcome: Outcome): LimitChange | undefined;
}

export class AdaptiveLimit {
  private current: number;
  private running = 0;
  private streak = 0;
  /** Incremented at every decrease; a slot remembers the round it started in. */
  private round = 0;
  private readonly waiting: Array<() => void> = [];
  /** Counters, for tests and reports. */
  readonly stats = { maxInFlight: 0, decreases: 0, increases: 0, throttles: 0 };
  readonly min: number;
  readonly max: number;

  constructor(private readonly opts: AdaptiveLimitOptions) {
    this.min = Math.max(1, opts.min ?? 1);
    this.max = Math.max(this.min, opts.max);
    if (!(opts.increaseAfter >= 1)) throw new RangeError("increaseAfter must be at least 1");
    this.current = Math.min(this.max, Math.max(this.min, Math.floor(opts.initial)));
  }

  /** The limit now. */
  get limit(): number {
    return this.current;
  }

  /** Requests holding a slot now. */
  get inFlight(): number {
    return this.running;
  }

  /** Callers waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** A slot, once one is free (FIFO). */
  async acquire(): Promise<Slot> {
    if (this.running >= this.current || this.waiting.length > 0) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.take();
    }
    return this.slot(this.round);
  }

  /** `fn` in a slot; `outcomeOf` says what a failure was (default: "failed"). */
  async run<T>(fn: () => Promise<T>, outcomeOf: (error: unknown) => Outcome = () => "failed", onChange?: (change: LimitChange) => void): Promise<T> {
    const slot = await this.acquire();
    let outcome: Outcome = "ok";
    try {
      return await fn();
    } catch (e) {
      outcome = outcomeOf(e);
      throw e;
    } finally {
      const change = slot.release(outcome);
      if (change) onChange?.(change);
    }
  }

  private take(): void {
    this.running++;
    this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.running);
  }

  private slot(round: number): Slot {
    let released = false;
    return {
      release: (outcome) => {
        if (released) return undefined;
        released = true;
        this.running--;
        const change = this.record(outcome, round);
        this.drain();
        return change;
      },
    };
  }

  private record(outcome: Outcome, round: number): LimitChange | undefined {
    if (outcome === "ok") {
      if (++this.streak < this.opts.increaseAfter) return undefined;
      this.streak = 0;
      if (this.current >= this.max) return undefined;
      this.stats.increases++;
      return { from: this.current, to: ++this.current };
    }
    if (outcome === "failed") return undefined;
    this.stats.throttles++;
    this.streak = 0;
    // Sent before the last decrease: already answered by it.
    if (round !== this.round) return undefined;
    const from = this.current;
    this.current = Math.max(this.min, Math.floor(from / 2));
    this.round++;
    if (this.current === from) return undefined;
    this.stats.decreases++;
    return { from, to: this.current };
  }

  private drain(): void {
    while (this.running < this.current && this.waiting.length > 0) {
      this.take();
      this.waiting.shift()!();
    }
  }
}
