/**
 * Benchmark (issue 13 §5): a whole N-user lab built with the rcclab CLI (local engine) on the embedded
 * simulators, against the same CUCM objects made by a plain sequential AXL script. Prints figures
 * and, beside them, the targets; it asserts nothing (timing belongs here, not in tests).
 *
 *   npm run build && npm run bench:lab -- [--users N[,N…]] [--latency MS] [--json] [--keep] [--profile DIR]
 *
 * For each N: start the lab (every simulator, ephemeral ports, in this process), write the local
 * stack with N users of its own shape, then run the compiled CLI (`--yes --engine local --json`) as a
 * child four times: `up` from empty, `up` again (nothing to do: the refresh reads everything), `drift`,
 * `destroy`. Then replay `up`'s AXL writes one at a time on a fresh CUCM simulator (./lab-bench-script.ts).
 * The CUCM simulator answers every AXL request after --latency ms (both sides).
 *
 * Per phase: wall and CPU seconds of the CLI's process tree (each process reports its own
 * resourceUsage() at exit, see ./lab-bench-proc.ts), the peak RSS of each process (the CLI, the
 * provider host, and this process, which runs the simulators: its VmHWM is reset at each phase's
 * start), the AXL calls the CUCM simulator answered per CUCM resource in the state, ms per resource,
 * and the state file's size.
 *
 * Targets (issue 13, for 1,000 users at 20 ms): up ≥ 5× faster than the sequential script; no-op up and
 * drift ≤ 1/10 of up; ≤ 1.2 AXL calls per CUCM resource on up, ≤ 1 on refresh (stretch < 0.1 with
 * list reads); largest process < 300 MB; state < 10 MB; time per resource flat from 100 to 1,000 users.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { type BenchLab, PASSPHRASE, RequestCounter, cliPath, cucmObjects, injectLatency, isAxlRead, root, startBenchLab } from "./lab-bench-lab";
import { type ProcessUsage, memoryOf, resetPeakRss, runMeasured } from "./lab-bench-proc";
import { type ScriptResult, sequentialScript } from "./lab-bench-script";

const USAGE = `usage: npm run bench:lab -- [--users N[,N...]] [--latency MS] [--json] [--keep] [--profile DIR]
  --users N      users in the lab (default 10); a list (100,1000) runs each size and compares ms per resource
  --latency MS   the CUCM simulator answers each AXL request after MS ms (default 0)
  --json         print the figures as one JSON document on stdout (progress stays on stderr)
  --keep         keep the temporary folder (stacks, state, simulators' state) and print where it is
  --timeout MIN  stop a CLI phase after MIN minutes (SIGTERM): its figures are then partial, the later phases
                 are skipped, and the script replays only the writes made so far (same objects on both sides)
  --profile DIR  CPU profiles of the CLI and its provider host (node --cpu-prof) in DIR/<users>-<phase>/`;

type PhaseName = "up" | "no-op up" | "drift" | "destroy";

interface PhaseFigures {
  phase: PhaseName;
  exitCode: number | null;
  /** Stopped by --timeout: every figure covers only what was done until then. */
  timedOut: boolean;
  wallS: number;
  /** The CLI's process tree: every process's user + system CPU. */
  cpuS: number;
  processes: ProcessUsage[];
  /** This process (the simulators) during the phase: CPU, and its peak RSS since the phase began. */
  simulators: { cpuS: number; peakRssMb: number };
  msPerResource: number;
  axl: { calls: number; reads: number; writes: number; failed: number; perCucmResource: number; byOperation: Record<string, number> };
  /** Other simulators' requests: CUCM Serviceability (same server), CUP AXL, OCS WinRM. */
  otherCalls: { serviceability: number; cup: number; winrm: number };
  /** The AXL calls times the latency: the wait a run that makes one call at a time cannot avoid. */
  axlLatencyS: number;
  stateBytes: number;
  /** From the CLI's JSON document. */
  result: Record<string, unknown>;
}

interface RunFigures {
  users: number;
  latencyMs: number;
  resources: number;
  cucmResources: number;
  resourcesByType: Record<string, number>;
  phases: PhaseFigures[];
  script: Omit<ScriptResult, "objects"> & { sameObjects: boolean; differences: string[] };
  /** The script's wall time over up's: how many times faster up is. */
  upSpeedupOverScript: number;
  largestProcess: { role: string; peakRssMb: number; phase: PhaseName };
  stateBytes: number;
  dir?: string;
}

interface Target {
  what: string;
  target: string;
  value: string;
  /** Undefined: cannot be judged from this run. */
  met?: boolean;
}

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const mb = (bytes: number) => bytes / 2 ** 20;
const fixed = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "-");

function machine() {
  const cpuinfo = fs.existsSync("/proc/cpuinfo") ? fs.readFileSync("/proc/cpuinfo", "utf8") : "";
  return {
    cpus: os.availableParallelism(),
    cpuModel: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? "?",
    ramGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    code: codeVersion(),
  };
}

/** The commit measured, and the source files changed since (dist/ is built from the working tree). */
function codeVersion(): string {
  try {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const changed = git("status", "--porcelain", "--", "src", "providers").split("\n").filter(Boolean).length;
    return `${git("rev-parse", "--short", "HEAD")}${changed ? ` + ${changed} changed source file(s)` : ""}`;
  } catch {
    return "unknown (no git)";
  }
}

/** Warn when the compiled CLI is older than a source file (the bench runs dist/, it does not build). */
function warnIfStale(): void {
  if (!fs.existsSync(cliPath)) throw new Error(`${cliPath} is missing: run npm run build first`);
  const built = fs.statSync(cliPath).mtimeMs;
  const newest = (dir: string): number => {
    let t = 0;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) t = Math.max(t, newest(p));
      else if (e.name.endsWith(".ts")) t = Math.max(t, fs.statSync(p).mtimeMs);
    }
    return t;
  };
  if (["src", "providers"].some((d) => newest(path.join(root, d)) > built)) log("warning: dist/ is older than the sources; run npm run build for figures of the current code");
}

const readableType = (t: string) => t.replace(/^pulumi-nodejs:dynamic\/rcclab\//, "rcclab:");

function stateResources(file: string): Record<string, number> {
  const state = JSON.parse(fs.readFileSync(file, "utf8")) as { resources: { type: string; custom: boolean }[] };
  const byType: Record<string, number> = {};
  for (const r of state.resources) if (r.custom) byType[readableType(r.type)] = (byType[readableType(r.type)] ?? 0) + 1;
  return byType;
}

const fileSize = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0);

interface PhaseContext {
  dir: string;
  latencyMs: number;
  /** All custom resources and the CUCM ones, for the per-resource figures. */
  resources: () => { all: number; cucm: number };
  profileDir?: string;
  timeoutMs?: number;
  keepWrites: boolean;
  counter?: (c: RequestCounter) => void;
}

async function phase(b: BenchLab, name: PhaseName, args: string[], ctx: PhaseContext): Promise<PhaseFigures> {
  const counter = new RequestCounter(b.lab, ctx.keepWrites);
  counter.drain(true);
  const tag = `${b.users.length} users: ${name}`;
  log(`${tag} …`);
  const resetOk = resetPeakRss();
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  const drainer = setInterval(() => counter.drain(), 1000);
  const heartbeat = setInterval(() => {
    counter.drain();
    log(`${tag}: ${Math.round((Date.now() - t0) / 1000)} s, ${counter.axl} AXL calls, state ${fixed(mb(fileSize(b.stateFile)))} MB`);
  }, 30_000);
  const profile = ctx.profileDir ? path.join(ctx.profileDir, `${b.users.length}-${name.replace(/\W+/g, "-")}`) : undefined;
  let run;
  try {
    run = await runMeasured(process.execPath, [cliPath, ...args, "--json", "--yes", ...b.stackArgs], {
      cwd: root,
      env: { ...process.env, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE },
      usageFile: path.join(ctx.dir, `usage-${name.replace(/\W+/g, "-")}.jsonl`),
      ...(profile ? { nodeOptions: ["--cpu-prof", `--cpu-prof-dir="${profile}"`] } : {}),
      ...(ctx.timeoutMs ? { timeoutMs: ctx.timeoutMs } : {}),
    });
  } finally {
    clearInterval(drainer);
    clearInterval(heartbeat);
  }
  counter.drain(true);
  const cpu = process.cpuUsage(cpu0);
  const self = memoryOf("self");
  let result: Record<string, unknown> = {};
  try {
    result = JSON.parse(run.stdout) as Record<string, unknown>;
  } catch {
    result = { ok: false, error: { message: `no JSON document on stdout: ${run.stdout.slice(0, 200)}` } };
  }
  const expected = name === "drift" ? [0, 2] : [0];
  if (!run.timedOut && !expected.includes(run.code ?? -1)) {
    throw new Error(`${tag} failed (exit ${run.code}${run.signal ? `, ${run.signal}` : ""}):\n${run.stderrTail.slice(-4000)}`);
  }
  if (ctx.latencyMs > 0 && counter.delayedAxl !== counter.axl) log(`warning: only ${counter.delayedAxl} of ${counter.axl} AXL requests were delayed by the latency injection`);
  const { all, cucm } = ctx.resources();
  const reads = Object.entries(counter.axlByOperation).reduce((s, [op, n]) => s + (isAxlRead(op) ? n : 0), 0);
  ctx.counter?.(counter);
  const figures: PhaseFigures = {
    phase: name,
    exitCode: run.code,
    timedOut: run.timedOut,
    wallS: run.wallS,
    cpuS: run.cpuS,
    processes: run.processes,
    simulators: { cpuS: (cpu.user + cpu.system) / 1e6, peakRssMb: resetOk && self ? self.hwmKb / 1024 : process.resourceUsage().maxRSS / 1024 },
    msPerResource: all ? (run.wallS * 1000) / all : NaN,
    axl: { calls: counter.axl, reads, writes: counter.axl - reads, failed: counter.failedAxl, perCucmResource: cucm ? counter.axl / cucm : NaN, byOperation: counter.axlByOperation },
    otherCalls: { serviceability: counter.serviceability, cup: counter.cup, winrm: counter.winrm },
    axlLatencyS: (counter.axl * ctx.latencyMs) / 1000,
    stateBytes: fileSize(b.stateFile),
    result: { ...result, steps: undefined, outputs: undefined },
  };
  log(`${tag}: ${run.timedOut ? "TIMED OUT after " : ""}${fixed(run.wallS)} s wall, ${fixed(run.cpuS)} s CPU, ${counter.axl} AXL calls${run.timedOut ? `, ${all} resources in the state` : ""}`);
  return figures;
}

async function benchOne(users: number, latencyMs: number, opts: { keep: boolean; profileDir?: string; timeoutMs?: number }): Promise<RunFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rcclab-bench-lab-${users}-`));
  log(`${users} users, CUCM latency ${latencyMs} ms: lab in ${dir}`);
  const b = await startBenchLab(dir, users);
  let byType: Record<string, number> = {};
  const counts = () => {
    const all = Object.values(byType).reduce((s, n) => s + n, 0);
    const cucm = Object.entries(byType).reduce((s, [t, n]) => s + (t.startsWith("rcclab:cucm:") ? n : 0), 0);
    return { all, cucm };
  };
  const phases: PhaseFigures[] = [];
  let writes: RequestCounter["writes"] = [];
  let labObjects: Record<string, string[]> = {};
  try {
    injectLatency(b.lab, latencyMs);
    const ctx = { dir, latencyMs, resources: counts, ...(opts.profileDir ? { profileDir: opts.profileDir } : {}), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) };
    // `up` from empty: the resources are those it leaves in the state.
    const up = await phase(b, "up", ["up"], {
      ...ctx,
      keepWrites: true,
      resources: () => ((byType = fs.existsSync(b.stateFile) ? stateResources(b.stateFile) : {}), counts()),
      counter: (c) => (writes = c.writes),
    });
    phases.push(up);
    labObjects = cucmObjects(b.lab.cucm.db);
    const rest: [PhaseName, string][] = [
      ["no-op up", "up"],
      ["drift", "drift"],
      ["destroy", "destroy"],
    ];
    for (const [name, command] of up.timedOut ? [] : rest) {
      const ph = await phase(b, name, [command], { ...ctx, keepWrites: false });
      phases.push(ph);
      if (ph.timedOut) break;
      if (name === "no-op up" && (ph.result as { changed?: boolean }).changed) log(`warning: the second up changed something: ${JSON.stringify(ph.result.summary)}`);
      if (name === "drift" && ph.exitCode === 2) log("warning: drift found drift right after up");
    }
  } finally {
    await b.lab.stop();
  }

  log(`${users} users: sequential script, ${writes.length} AXL writes on a fresh CUCM …`);
  const script = await sequentialScript(writes, { dir: path.join(dir, "script"), latencyMs });
  log(`${users} users: sequential script: ${fixed(script.wallS)} s wall`);
  const differences = Object.keys(labObjects).flatMap((t) => {
    const a = labObjects[t]!;
    const s = script.objects[t] ?? [];
    return JSON.stringify(a) === JSON.stringify(s) ? [] : [`${t}: lab ${a.length}, script ${s.length}`];
  });
  const { objects: _objects, ...scriptFigures } = script;

  let largest = { role: "", peakRssMb: 0, phase: "up" as PhaseName };
  for (const p of phases) {
    for (const pr of p.processes) if (pr.peakRssMb > largest.peakRssMb) largest = { role: pr.role, peakRssMb: pr.peakRssMb, phase: p.phase };
    if (p.simulators.peakRssMb > largest.peakRssMb) largest = { role: "simulators (bench)", peakRssMb: p.simulators.peakRssMb, phase: p.phase };
  }
  const up = phases[0]!;
  const figures: RunFigures = {
    users,
    latencyMs,
    resources: counts().all,
    cucmResources: counts().cucm,
    resourcesByType: byType,
    phases,
    script: { ...scriptFigures, sameObjects: differences.length === 0 && script.failed === 0, differences },
    upSpeedupOverScript: script.wallS / up.wallS,
    largestProcess: largest,
    stateBytes: up.stateBytes,
    ...(opts.keep ? { dir } : {}),
  };
  if (!opts.keep) fs.rmSync(dir, { recursive: true, force: true });
  return figures;
}

function targetsOf(runs: RunFigures[]): { note: string; targets: Target[] } {
  // The targets are stated for 1,000 users at 20 ms: judged on the last (largest) run.
  const r = runs[runs.length - 1]!;
  const find = (name: PhaseName) => r.phases.find((p) => p.phase === name);
  const up = r.phases[0]!;
  const partial = (p: PhaseFigures | undefined) => (p?.timedOut ? " (timed out: partial)" : "");
  const judge = (p: PhaseFigures | undefined, value: (p: PhaseFigures) => number, ok: (v: number) => boolean, show: (v: number) => string) =>
    p ? { value: `${show(value(p))}${partial(p)}`, ...(p.timedOut || up.timedOut ? {} : { met: ok(value(p)) }) } : { value: "- (not run)" };
  const noop = find("no-op up");
  const drift = find("drift");
  const targets: Target[] = [
    {
      what: "up vs the sequential script",
      target: "≥ 5× faster",
      value: `${fixed(r.upSpeedupOverScript, 2)}× (up ${fixed(up.wallS)} s, script ${fixed(r.script.wallS)} s, same objects${up.timedOut ? `: the ${r.script.calls} writes made before the timeout` : ""})`,
      ...(r.script.calls > 0 ? { met: r.upSpeedupOverScript >= 5 } : {}),
    },
    { what: "no-op up / up", target: "≤ 0.10", ...judge(noop, (p) => p.wallS / up.wallS, (v) => v <= 0.1, (v) => fixed(v, 2)) },
    { what: "drift / up", target: "≤ 0.10", ...judge(drift, (p) => p.wallS / up.wallS, (v) => v <= 0.1, (v) => fixed(v, 2)) },
    // A partial run is judged only where what it did already breaks the target (size and memory only grow).
    { what: "AXL calls per CUCM resource, up", target: "≤ 1.2", value: `${fixed(up.axl.perCucmResource, 2)}${partial(up)}`, ...(up.timedOut || !Number.isFinite(up.axl.perCucmResource) ? {} : { met: up.axl.perCucmResource <= 1.2 }) },
    { what: "AXL calls per CUCM resource, refresh (no-op up)", target: "≤ 1 (stretch < 0.1)", ...judge(noop, (p) => p.axl.perCucmResource, (v) => v <= 1, (v) => fixed(v, 2)) },
    { what: "AXL calls per CUCM resource, drift", target: "≤ 1 (stretch < 0.1)", ...judge(drift, (p) => p.axl.perCucmResource, (v) => v <= 1, (v) => fixed(v, 2)) },
    {
      what: "largest process",
      target: "< 300 MB",
      value: `${fixed(r.largestProcess.peakRssMb, 0)} MB (${r.largestProcess.role}, ${r.largestProcess.phase})${partial(up)}`,
      ...(up.timedOut && r.largestProcess.peakRssMb < 300 ? {} : { met: r.largestProcess.peakRssMb < 300 }),
    },
    { what: "state file", target: "< 10 MB", value: `${fixed(mb(r.stateBytes), 2)} MB${partial(up)}`, ...(up.timedOut && mb(r.stateBytes) < 10 ? {} : { met: mb(r.stateBytes) < 10 }) },
  ];
  if (runs.length > 1) {
    const first = runs[0]!;
    const growth = up.msPerResource / first.phases[0]!.msPerResource;
    targets.push({
      what: `up ms per resource, ${first.users} → ${r.users} users`,
      target: "flat (ratio ≤ 1.2 taken as flat)",
      value: `${fixed(first.phases[0]!.msPerResource)} → ${fixed(up.msPerResource)} ms (×${fixed(growth, 2)})${partial(up)}`,
      ...(up.timedOut && growth <= 1.2 ? {} : { met: growth <= 1.2 }),
    });
  } else {
    targets.push({ what: "up ms per resource", target: "flat from 100 to 1,000 users (run --users 100,1000)", value: `${fixed(up.msPerResource)} ms${partial(up)}` });
  }
  const at = r.users === 1000 && r.latencyMs === 20;
  return { note: at ? "this run is at the targets' size" : `the targets are stated for 1,000 users at 20 ms; this run: ${r.users} users at ${r.latencyMs} ms`, targets };
}

function printRun(r: RunFigures): void {
  const p = (s: string) => process.stdout.write(`${s}\n`);
  p(`\n== ${r.users} users, CUCM latency ${r.latencyMs} ms: ${r.resources} resources, ${r.cucmResources} of them CUCM`);
  p(`   ${Object.entries(r.resourcesByType).map(([t, n]) => `${t.replace(/^rcclab:/, "")} ${n}`).join(", ")}`);
  const head = ["phase", "wall s", "CPU s", "ms/res", "AXL calls", "(reads)", "AXL/CUCM res", "CLI MB", "host MB", "sims MB", "sims CPU s", "calls×lat s"];
  const rows = r.phases.map((ph) => {
    const peak = (role: string) => Math.max(0, ...ph.processes.filter((x) => x.role === role).map((x) => x.peakRssMb));
    const hosts = ph.processes.filter((x) => x.role === "provider host").length;
    return [
      ph.phase,
      fixed(ph.wallS),
      fixed(ph.cpuS),
      fixed(ph.msPerResource),
      String(ph.axl.calls),
      String(ph.axl.reads),
      fixed(ph.axl.perCucmResource, 2),
      fixed(peak("CLI"), 0),
      `${fixed(peak("provider host"), 0)}${hosts > 1 ? ` (${hosts})` : ""}`,
      fixed(ph.simulators.peakRssMb, 0),
      fixed(ph.simulators.cpuS),
      fixed(ph.axlLatencyS),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `   ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")}`;
  p(line(head));
  for (const row of rows) p(line(row));
  for (const ph of r.phases) {
    const ops = Object.entries(ph.axl.byOperation).sort((a, b) => b[1] - a[1]);
    p(`   ${ph.phase}${ph.timedOut ? " (TIMED OUT)" : ""}: AXL ${ops.map(([op, n]) => `${op} ${n}`).join(", ") || "none"}`);
  }
  for (const ph of r.phases) {
    const each = ph.processes.map(
      (x) =>
        `${x.role} ${fixed(x.cpuUserS + x.cpuSystemS)} s CPU, ${fixed(x.peakRssMb, 0)} MB RSS` +
        (x.heap ? ` (V8 heap peak ${fixed(x.heap.usedMb, 0)} MB used / ${fixed(x.heap.totalMb, 0)} MB reserved, ${fixed(x.heap.externalMb, 0)} MB external)` : " (sampled from /proc)"),
    );
    p(`   ${ph.phase} per process: ${each.join("; ")}`);
  }
  const s = r.script;
  p(`   sequential script: ${s.calls} AXL writes one at a time on a fresh CUCM: ${fixed(s.wallS)} s wall, ${fixed(s.cpuS)} s CPU (client and simulator, one process); ${s.sameObjects ? "same CUCM objects as up" : `NOT the same objects: ${[...s.differences, ...(s.firstFailure ? [`${s.failed} failed, first: ${s.firstFailure}`] : [])].join("; ")}`}`);
  p(`   up / script: ${fixed(1 / r.upSpeedupOverScript, 2)} (up is ${fixed(r.upSpeedupOverScript, 2)}× as fast as the script)`);
  p(`   state file after up: ${fixed(mb(r.stateBytes), 2)} MB (${fixed(r.stateBytes / Math.max(1, r.resources) / 1024, 1)} KiB per resource)`);
  const other = r.phases.map((ph) => `${ph.phase} ${ph.otherCalls.serviceability}/${ph.otherCalls.cup}/${ph.otherCalls.winrm}`).join(", ");
  p(`   other simulators' calls (CUCM Serviceability/CUP AXL/OCS WinRM): ${other}`);
  if (r.dir) p(`   kept: ${r.dir}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      users: { type: "string", default: "10" },
      latency: { type: "string", default: "0" },
      json: { type: "boolean", default: false },
      keep: { type: "boolean", default: false },
      profile: { type: "string" },
      timeout: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const sizes = values.users.split(",").map((s) => Number(s.trim()));
  const latencyMs = Number(values.latency);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--users: whole numbers ≥ 1 expected, not ${values.users}\n${USAGE}`);
  if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new Error(`--latency: a number of ms ≥ 0 expected, not ${values.latency}\n${USAGE}`);
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout) * 60_000;
  if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new Error(`--timeout: minutes > 0 expected, not ${values.timeout}\n${USAGE}`);
  warnIfStale();
  const profileDir = values.profile ? path.resolve(values.profile) : undefined;
  const runs: RunFigures[] = [];
  for (const n of sizes) runs.push(await benchOne(n, latencyMs, { keep: values.keep, ...(profileDir ? { profileDir } : {}), ...(timeoutMs ? { timeoutMs } : {}) }));
  const { note, targets } = targetsOf(runs);
  const m = machine();
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ machine: m, latencyMs, runs, targets: { note, targets } }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`rcclab lab benchmark (local engine, embedded simulators)\nmachine: ${m.cpus} CPUs (${m.cpuModel}), ${m.ramGiB} GiB RAM, ${m.os}, Node ${m.node}; code ${m.code}\n`);
  for (const r of runs) printRun(r);
  process.stdout.write(`\ntargets (printed, never asserted; ${note}):\n`);
  const w = Math.max(...targets.map((t) => t.what.length));
  const wt = Math.max(...targets.map((t) => t.target.length));
  for (const t of targets) process.stdout.write(`   ${t.what.padEnd(w)}  target ${t.target.padEnd(wt)}  ${t.met === undefined ? "n/a    " : t.met ? "met    " : "NOT met"}  ${t.value}\n`);
  process.stdout.write(
    "\nCPU s: the CLI and its provider host together (each process's own resourceUsage at exit); MB: peak RSS (VmHWM) per process; " +
      "sims: this process, which runs every simulator (CPU during the phase, peak since the phase began); calls×lat: AXL calls × latency, " +
      "what a run making one call at a time waits for the CUCM.\n",
  );
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
