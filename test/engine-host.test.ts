/**
 * The provider host never outlives the process that started it (src/engine/providerHost.ts): not
 * when that process is SIGKILLed (the host sees its parent go and exits), not when it is ended by
 * SIGINT or SIGTERM (its exit hooks end the hosts, then it exits 130 / 143), and `stopAllHosts`
 * ends every host on demand.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ProviderHost, stopAllHosts } from "../src/engine/providerHost";

const root = path.resolve(__dirname, "..");

/** Whether the process has ended: kill(pid, 0) fails with ESRCH (or, on Linux, it is a zombie nobody has reaped yet). */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
  try {
    return /^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Resolves once every pid is gone; rejects after `ms`. */
async function allGone(pids: number[], ms = 5000): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (pids.every(gone)) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`still running after ${ms} ms: ${pids.filter((p) => !gone(p)).join(", ")}`);
}

/**
 * A separate Node process (this repository's TypeScript, transpiled on load) that starts `count`
 * provider hosts, prints their pids as one JSON line and then idles.
 */
async function processWithHosts(count: number) {
  const script = `
    const fs = require("node:fs");
    const ts = require(${JSON.stringify(require.resolve("typescript"))});
    require.extensions[".ts"] = (m, file) => m._compile(ts.transpileModule(fs.readFileSync(file, "utf8"), {
      fileName: file, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText, file);
    const { ProviderHost } = require(${JSON.stringify(path.join(root, "src/engine/providerHost.ts"))});
    (async () => {
      const hosts = [];
      for (let i = 0; i < ${count}; i++) hosts.push(await ProviderHost.start());
      console.log(JSON.stringify(hosts.map((h) => h.pid)));
      setInterval(() => {}, 1 << 30);
    })();`;
  const child = spawn(process.execPath, ["-e", script], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const hostPids = await new Promise<number[]>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const line = /^(\[.*\])$/m.exec(out);
      if (line) resolve(JSON.parse(line[1]!) as number[]);
    });
    void exited.then((r) => reject(new Error(`the process exited (${r.code ?? r.signal}) before starting its hosts: ${err}`)));
  });
  return { child, hostPids, exited };
}

describe("provider host lifetime", { timeout: 60_000 }, () => {
  it("a started host answers, and stop() ends it", async () => {
    const host = await ProviderHost.start();
    const pid = host.pid!;
    expect(gone(pid)).toBe(false);
    await host.stop();
    await allGone([pid]);
    await host.stop(); // again: nothing to do
  });

  it("stopAllHosts ends every host this process started, and removes its exit hooks", async () => {
    const listeners = () => ["exit", "SIGINT", "SIGTERM", "SIGHUP"].map((e) => process.listenerCount(e));
    const before = listeners();
    const hosts = [await ProviderHost.start(), await ProviderHost.start()];
    const pids = hosts.map((h) => h.pid!);
    expect(listeners().map((n, i) => n - before[i]!)).toEqual([1, 1, 1, 1]);
    stopAllHosts();
    stopAllHosts(); // idempotent
    await allGone(pids);
    expect(listeners()).toEqual(before);
    for (const h of hosts) await h.stop();
  });

  it("a host exits when the process that started it is SIGKILLed", async () => {
    const { child, hostPids, exited } = await processWithHosts(2);
    expect(hostPids.some(gone)).toBe(false);
    child.kill("SIGKILL");
    expect((await exited).signal).toBe("SIGKILL");
    const ms = await allGone(hostPids);
    expect(ms).toBeLessThan(5000);
  });

  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    it(`${signal} to the process that started hosts ends them, and it exits ${code}`, async () => {
      const { child, hostPids, exited } = await processWithHosts(2);
      child.kill(signal);
      expect(await exited).toEqual({ code, signal: null });
      await allGone(hostPids);
    });
  }
});
