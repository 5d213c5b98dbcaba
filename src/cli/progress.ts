/**
 * Where a long phase is, from the engine's progress events ({phase, done, total?, current?}).
 * On a terminal (stderr a TTY): one status line on stderr, rewritten in place —
 * `refreshing 23/69  rcclab:cucm:Phone phone-SEP…  12s` — and cleared when the phase ends; any other
 * output (a step, a provider's `warning:` line) first clears it, so nothing is garbled or hidden.
 * Without a terminal: nothing per event; with --verbose one line when a phase starts.
 */
import type { Progress } from "../engine/local";

export interface ProgressReporter {
  onProgress(p: Progress): void;
  /** Clear the status line and stop (at the end of each engine call). */
  stop(): void;
}

const LABEL: Record<Progress["phase"], [run: string, plan: string]> = {
  refresh: ["refreshing", "refreshing"],
  drift: ["checking", "checking"],
  apply: ["applying", "planning"],
  delete: ["deleting", "planning deletes"],
  destroy: ["destroying", "destroying"],
};

const CLEAR = "\r\x1b[2K";

/** A status line on a terminal stream that other writes to the terminal step around. */
class StatusLine implements ProgressReporter {
  private text = "";
  private shown = false;
  private atLineStart = true;
  private phase: Progress["phase"] | undefined;
  private started = 0;
  private last: Progress | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly restore: (() => void)[] = [];

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly planning: boolean,
  ) {
    const write = stream.write.bind(stream);
    this.draw = (s: string) => write(s);
    // Every write to stdout or stderr: the status line goes away first, and comes back on the next tick.
    for (const s of [process.stdout, process.stderr]) {
      const original = s.write;
      s.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        this.hide();
        const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
        if (text.length) this.atLineStart = text.endsWith("\n");
        return (original as (...a: unknown[]) => boolean).call(s, chunk, ...rest);
      }) as typeof s.write;
      this.restore.push(() => (s.write = original));
    }
    this.timer = setInterval(() => this.render(), 1000);
    this.timer.unref();
  }

  private readonly draw: (s: string) => void;

  onProgress(p: Progress): void {
    if (p.phase !== this.phase) {
      this.phase = p.phase;
      this.started = Date.now();
    }
    this.last = p;
    if (p.total !== undefined && p.done >= p.total) {
      // The phase is over.
      this.last = undefined;
      this.phase = undefined;
      this.hide();
      return;
    }
    this.render();
  }

  private render(): void {
    const p = this.last;
    if (!p) return;
    const label = LABEL[p.phase][this.planning ? 1 : 0];
    const count = p.total !== undefined ? `${p.done}/${p.total}` : `${p.done + 1}`;
    const secs = `${Math.floor((Date.now() - this.started) / 1000)}s`;
    const line = [`${label} ${count}`, p.current ?? "", secs].filter(Boolean).join("  ");
    const width = (this.stream.columns || 100) - 1;
    this.text = line.length > width ? `${line.slice(0, width - 1)}…` : line;
    if (!this.atLineStart) return; // someone is writing a partial line (a prompt): wait
    this.draw(`${CLEAR}${this.text}`);
    this.shown = true;
  }

  private hide(): void {
    if (!this.shown) return;
    this.shown = false;
    this.draw(CLEAR);
  }

  stop(): void {
    clearInterval(this.timer);
    this.hide();
    this.last = undefined;
    for (const r of this.restore.splice(0)) r();
  }
}

/** Without a terminal: with --verbose, one line per phase start; otherwise nothing. */
class PhaseLines implements ProgressReporter {
  private phase: Progress["phase"] | undefined;
  constructor(
    private readonly print: ((line: string) => void) | undefined,
    private readonly planning: boolean,
  ) {}
  onProgress(p: Progress): void {
    if (p.phase === this.phase) return;
    this.phase = p.phase;
    if (p.total !== undefined && p.done >= p.total) return;
    this.print?.(`${LABEL[p.phase][this.planning ? 1 : 0]}${p.total !== undefined ? ` ${p.total} resources` : ""}…`);
  }
  stop(): void {
    this.phase = undefined;
  }
}

/**
 * The reporter for one engine call. `planning`: a preview (apply reads "planning").
 * Silent under --quiet and --json; a status line when stderr is a terminal.
 */
export function progressReporter(mode: { quiet: boolean; json: boolean; verbose: boolean; planning: boolean }, verboseLine: (l: string) => void): ProgressReporter {
  if (mode.quiet || mode.json) return new PhaseLines(undefined, mode.planning);
  if (process.stderr.isTTY) return new StatusLine(process.stderr, mode.planning);
  return new PhaseLines(mode.verbose ? verboseLine : undefined, mode.planning);
}
