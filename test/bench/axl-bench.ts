/**
 * Benchmark: how fast the CUCM kinds run against the simulator, and how much memory they take.
 * Prints figures; it asserts nothing (timing belongs here, not in tests).
 *
 *   npm run build && npm run bench [-- <phones>]
 *
 * Targets (on the 2-core CI machine): provider serialization < 1 s; creating a phone with its line
 * through the provider core > 20 objects/s serially; peak RSS < 400 MB for 500 objects.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import type { AxlRelease } from "../../providers/cucm/axl/model";
import { Line } from "../../providers/cucm/line";
import { Phone } from "../../providers/cucm/phone";
import { startCucmSim } from "../../src/labsim/cucm";

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0;
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

async function timed<T>(label: string, n: number, fn: (i: number) => Promise<T>, concurrency = 1) {
  const lat: number[] = [];
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) {
        const s = performance.now();
        await fn(i);
        lat.push(performance.now() - s);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  console.log(`${label.padEnd(34)} ${String(n).padStart(5)} ops ${(n / secs).toFixed(1).padStart(8)} ops/s  p50 ${quantile(lat, 0.5).toFixed(1)} ms  p95 ${quantile(lat, 0.95).toFixed(1)} ms`);
}

async function bench(release: AxlRelease, phones: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-bench-"));
  const sim = await startCucmSim({ release, caDir: dir, users: { bench: "Bench-Pa55" } });
  const connection = { host: "127.0.0.1", port: sim.port, username: "bench", password: "Bench-Pa55", release, tls: { caPem: sim.caPem } };
  const lineIn = (i: number) => Line.runtime.check({}, { pattern: `+1408555${String(i).padStart(4, "0")}`, connection }).inputs;
  const phoneIn = (i: number) =>
    Phone.runtime.check({}, { name: `SEP0000${String(i).padStart(8, "0")}`, model: "7975", protocol: "SCCP", lines: [{ index: 1, pattern: `+1408555${String(i).padStart(4, "0")}` }], connection }).inputs;
  console.log(`\nAXL ${release} (simulator), ${phones} phones`);
  const outs: Record<string, unknown>[] = [];
  await timed("create line (serial)", phones, async (i) => void (await Line.runtime.create(lineIn(i))));
  await timed("create phone (4 in flight)", phones, async (i) => void outs.push((await Phone.runtime.create(phoneIn(i))).outs), 4);
  await timed("read phone (refresh, 4 in flight)", phones, async (i) => void (await Phone.runtime.read(`SEP0000${String(i).padStart(8, "0")}`, { connection })), 4);
  await timed("delete phone (4 in flight)", phones, async (i) => Phone.runtime.delete(outs[i]!.name as string, outs[i]!), 4);
  await sim.stop();
}

async function main() {
  const phones = Number(process.argv[2] ?? 200);
  const pulumi = await import("@pulumi/pulumi");
  const t0 = performance.now();
  await pulumi.runtime.serializeFunction(() => Phone.provider, { allowSecrets: true });
  console.log(`provider serialization: ${(performance.now() - t0).toFixed(0)} ms`);
  for (const release of ["7.0", "14.0"] as AxlRelease[]) await bench(release, phones);
  clearInterval(sampler);
  console.log(`\npeak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB, heap used ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
