/**
 * Loaded into every Node.js process of a measured CLI run (`NODE_OPTIONS=--require <this file>`,
 * which the CLI passes on to the provider host it spawns): when the process ends it appends its own
 * `process.resourceUsage()` (user and system CPU, peak RSS = the kernel's high-water mark) as one
 * JSON line to the file named by RCCLAB_BENCH_USAGE. The bench (./lab-bench.ts) adds the lines up.
 * It also samples `process.memoryUsage()` every 100 ms (an unref'd timer: it keeps nothing alive) and
 * reports the peaks, to tell the V8 heap from the rest of the RSS.
 *
 * A process that ends on SIGTERM (rcclab stops its provider host that way) runs no `exit` handlers,
 * so the signal is caught once, the figures are written, and the signal is raised again with its
 * default action: the process dies exactly as it would have without this file. Nothing else changes.
 */
import * as fs from "node:fs";

const file = process.env.RCCLAB_BENCH_USAGE;
if (file) {
  let written = false;
  const peak = { heapUsed: 0, heapTotal: 0, external: 0 };
  const sample = (): void => {
    const m = process.memoryUsage();
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
    peak.heapTotal = Math.max(peak.heapTotal, m.heapTotal);
    peak.external = Math.max(peak.external, m.external);
  };
  setInterval(sample, 100).unref();
  const record = (how: string): void => {
    if (written) return;
    written = true;
    sample();
    const ru = process.resourceUsage();
    const line = {
      pid: process.pid,
      ppid: process.ppid,
      argv: process.argv.slice(1),
      how,
      userUs: ru.userCPUTime,
      systemUs: ru.systemCPUTime,
      maxRssKb: ru.maxRSS,
      peakHeapUsedB: peak.heapUsed,
      peakHeapTotalB: peak.heapTotal,
      peakExternalB: peak.external,
      uptimeS: process.uptime(),
    };
    try {
      fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
    } catch {
      // The bench falls back to what it sampled from /proc.
    }
  };
  process.on("exit", () => record("exit"));
  const onTerm = (): void => {
    record("SIGTERM");
    process.removeListener("SIGTERM", onTerm);
    // Only when nobody else handles SIGTERM: then its default action (death by the signal) applies.
    if (process.listenerCount("SIGTERM") === 0) process.kill(process.pid, "SIGTERM");
  };
  process.on("SIGTERM", onTerm);
}
