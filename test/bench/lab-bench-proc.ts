/**
 * Runs a command (the compiled rcclab CLI) as a child of the bench and measures its whole process
 * tree: wall time, CPU (user + system) and peak RSS of each process.
 *
 * How. Every Node.js process of the tree loads ./lab-bench-usage.js (NODE_OPTIONS=--require, which
 * the CLI hands down to the provider host it spawns) and writes its own `process.resourceUsage()` when
 * it ends: exact CPU and the kernel's RSS high-water mark (VmHWM), per process. Node has no
 * getrusage(RUSAGE_CHILDREN), and /proc of a child that has exited is gone before Node returns its
 * exit code, so a process has to report itself. Meanwhile the tree is sampled from /proc every
 * 250 ms (children found through /proc/<pid>/stat's parent pid; this kernel has no
 * /proc/<pid>/task/<tid>/children): that finds processes that cannot report (not Node, or killed
 * with SIGKILL), whose last sample (VmHWM, utime + stime) is then used, marked "sampled".
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";

export interface ProcessUsage {
  pid: number;
  ppid: number;
  /** "CLI", "provider host" or the program's name. */
  role: string;
  cpuUserS: number;
  cpuSystemS: number;
  peakRssMb: number;
  /** The V8 heap's peak (used and reserved) and the peak of memory outside it held by JS objects (buffers); absent when sampled. */
  heap?: { usedMb: number; totalMb: number; externalMb: number };
  /** "rusage": the process's own resourceUsage() at exit; "sampled": its last /proc sample. */
  source: "rusage" | "sampled";
}

export interface MeasuredRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Stopped by the timeout. */
  timedOut: boolean;
  stdout: string;
  /** The end of stderr (at most 64 KiB). */
  stderrTail: string;
  wallS: number;
  /** CPU of the whole tree (user + system). */
  cpuS: number;
  processes: ProcessUsage[];
}

export interface MeasureOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where the processes append their usage lines (a new file per run). */
  usageFile: string;
  /** Extra NODE_OPTIONS for the tree (e.g. --cpu-prof). */
  nodeOptions?: string[];
  /** After this long the command gets SIGTERM (then SIGKILL 15 s later) and the run is marked timed out. */
  timeoutMs?: number;
}

const PRELOAD = path.join(__dirname, "lab-bench-usage.js");
const CLK_TCK = 100;
const STDERR_TAIL = 64 * 1024;

export const roleOf = (argv: string[]): string => {
  const joined = argv.join(" ");
  if (/dist[\\/]src[\\/]cli\.js/.test(joined)) return "CLI";
  if (/dynamic-provider/.test(joined)) return "provider host";
  return path.basename(argv[0] ?? "?");
};

/** Every pid whose parent chain reaches `root` (root included), from /proc/<pid>/stat. */
export function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) parent.set(Number(name), stat.ppid);
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [pid, ppid] of parent) if (ppid === out[i] && !out.includes(pid)) out.push(pid);
  return out;
}

function readStat(pid: number): { ppid: number; utime: number; stime: number } | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces and parentheses: the fields start after the last ")".
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(f[1]), utime: Number(f[11]), stime: Number(f[12]) };
  } catch {
    return undefined;
  }
}

/** A process's VmHWM (peak RSS) and VmRSS in kB, from /proc/<pid>/status. */
export function memoryOf(pid: number | "self"): { hwmKb: number; rssKb: number } | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(s)?.[1] ?? NaN);
    return { hwmKb: kb("VmHWM"), rssKb: kb("VmRSS") };
  } catch {
    return undefined;
  }
}

/** Resets this process's VmHWM to its current RSS (Linux: `echo 5 > /proc/self/clear_refs`); false when it cannot. */
export function resetPeakRss(): boolean {
  try {
    fs.writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

function argvOf(pid: number): string[] {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return [];
  }
}

/** Run `command args` and measure its tree (see the file's comment). */
export function runMeasured(command: string, args: string[], opts: MeasureOptions): Promise<MeasuredRun> {
  const nodeOptions = [process.env.NODE_OPTIONS ?? "", `--require "${PRELOAD}"`, ...(opts.nodeOptions ?? [])].filter(Boolean).join(" ");
  const env = { ...opts.env, NODE_OPTIONS: nodeOptions, RCCLAB_BENCH_USAGE: opts.usageFile };
  fs.rmSync(opts.usageFile, { force: true });
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, args, { cwd: opts.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
      if (err.length > 2 * STDERR_TAIL) err = err.slice(-STDERR_TAIL);
    });
    const sampled = new Map<number, { ppid: number; argv: string[]; hwmKb: number; utime: number; stime: number }>();
    const sample = () => {
      if (child.pid === undefined) return;
      for (const pid of processTree(child.pid)) {
        const stat = readStat(pid);
        const mem = memoryOf(pid);
        if (!stat || !mem) continue;
        const prev = sampled.get(pid);
        sampled.set(pid, { ppid: stat.ppid, argv: prev?.argv.length ? prev.argv : argvOf(pid), hwmKb: Math.max(prev?.hwmKb ?? 0, mem.hwmKb), utime: stat.utime, stime: stat.stime });
      }
    };
    const sampler = setInterval(sample, 250);
    let timedOut = false;
    let killer: NodeJS.Timeout | undefined;
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill("SIGTERM");
          killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
        }, opts.timeoutMs)
      : undefined;
    const stop = () => {
      clearInterval(sampler);
      clearTimeout(timer);
      clearTimeout(killer);
    };
    child.on("error", (e) => {
      stop();
      reject(e);
    });
    child.on("close", (code, signal) => {
      stop();
      const wallS = (performance.now() - t0) / 1000;
      const reported = new Map<number, ProcessUsage>();
      const lines = fs.existsSync(opts.usageFile) ? fs.readFileSync(opts.usageFile, "utf8").split("\n").filter(Boolean) : [];
      for (const l of lines) {
        const u = JSON.parse(l) as { pid: number; ppid: number; argv: string[]; userUs: number; systemUs: number; maxRssKb: number; peakHeapUsedB: number; peakHeapTotalB: number; peakExternalB: number };
        reported.set(u.pid, {
          pid: u.pid,
          ppid: u.ppid,
          role: roleOf(u.argv),
          cpuUserS: u.userUs / 1e6,
          cpuSystemS: u.systemUs / 1e6,
          peakRssMb: u.maxRssKb / 1024,
          heap: { usedMb: u.peakHeapUsedB / 2 ** 20, totalMb: u.peakHeapTotalB / 2 ** 20, externalMb: u.peakExternalB / 2 ** 20 },
          source: "rusage",
        });
      }
      for (const [pid, s] of sampled) {
        if (reported.has(pid)) continue;
        reported.set(pid, { pid, ppid: s.ppid, role: roleOf(s.argv), cpuUserS: s.utime / CLK_TCK, cpuSystemS: s.stime / CLK_TCK, peakRssMb: s.hwmKb / 1024, source: "sampled" });
      }
      const processes = [...reported.values()].sort((a, b) => a.pid - b.pid);
      resolve({
        code,
        signal,
        timedOut,
        stdout: Buffer.concat(out).toString(),
        stderrTail: err.slice(-STDERR_TAIL),
        wallS,
        cpuS: processes.reduce((s, p) => s + p.cpuUserS + p.cpuSystemS, 0),
        processes,
      });
    });
  });
}
