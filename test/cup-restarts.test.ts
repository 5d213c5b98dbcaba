/**
 * CUP service restarts once per run, not once per resource (issue 13 §3): the scheduler's rules with a
 * fake restart (debts joined, a write in flight waited for, a write during a restart owing another,
 * no second request for a service already being restarted), then the kinds on the CUP simulator: many
 * writes needing the same service make one restart, after the last write; a restart owed by a process
 * that was killed before doing it is done by the next run; a process ended by SIGTERM does its owed
 * restarts before it exits.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CUP_SERVICES } from "../providers/cup/catalog";
import { type CupConnection, flushCupRestarts, pendingRestarts } from "../providers/cup/client";
import { IncomingAcl } from "../providers/cup/incomingAcl";
import { OutgoingAcl } from "../providers/cup/outgoingAcl";
import { PresenceSettings } from "../providers/cup/presenceSettings";
import { RestartScheduler, restartQuietMs } from "../providers/cup/restarts";
import { type CupSim, startCupSim } from "../src/labsim/cup";
import { cupSimCli, cupSimConnection } from "./support/cup";
import { checked } from "./support/kinds";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await sleep(20);
  expect(cond()).toBe(true);
}

describe("the restart scheduler (a fake restart)", () => {
  const fake = (ms = 30) => {
    const log: string[] = [];
    const s = new RestartScheduler({
      quietMs: 50,
      run: async (service, steps) => {
        log.push(`start ${service} [${steps.join(",")}]`);
        await sleep(ms);
        log.push(`end ${service}`);
        return true;
      },
    });
    return { s, log };
  };

  it("joins every debt of a service into one restart, once writes have been quiet for quietMs", async () => {
    const { s, log } = fake();
    for (let i = 0; i < 10; i++) {
      s.writing(["A"]);
      await sleep(5);
      s.owe("A", [i % 2 ? "C3" : "C4"]);
      s.written(["A"]);
    }
    s.owe("B", ["C7"]);
    expect(log).toEqual([]);
    await until(() => s.idle);
    expect(log).toEqual(["start A [C4,C3]", "end A", "start B [C7]", "end B"]);
    expect(s.stats.restarts).toBe(2);
  });

  it("waits for a write in flight; a write that starts while the restart runs owes one more, after it", async () => {
    const { s, log } = fake(100);
    s.owe("A", ["C3"]);
    s.writing(["A"]); // a write that outlives the quiet period
    await sleep(150);
    expect(log).toEqual([]);
    s.owe("A", ["C4"]);
    s.written(["A"]);
    await until(() => log.length === 1);
    expect(log).toEqual(["start A [C3,C4]"]);
    // Asked again while it runs: neither queued twice nor lost.
    s.writing(["A"]);
    s.owe("A", ["C7"]);
    expect(s.busy("A")).toBe(true);
    s.written(["A"]);
    await until(() => s.idle);
    expect(log).toEqual(["start A [C3,C4]", "end A", "start A [C7]", "end A"]);
  });

  it("drain() does what is owed now, without the quiet period", async () => {
    const { s, log } = fake();
    const slow = new RestartScheduler({ quietMs: 600_000, run: async (service) => (log.push(service), true) });
    slow.owe("X");
    slow.owe("X");
    s.owe("A");
    await flushCupRestarts();
    expect(log.sort()).toEqual(["X", "end A", "start A []"].sort());
    expect(slow.idle && s.idle).toBe(true);
  });

  it("reads its quiet period from RCCLAB_CUP_RESTART_QUIET_MS", () => {
    expect(restartQuietMs({})).toBe(3_000);
    expect(restartQuietMs({ RCCLAB_CUP_RESTART_QUIET_MS: "250" })).toBe(250);
    expect(restartQuietMs({ RCCLAB_CUP_RESTART_QUIET_MS: "soon" })).toBe(3_000);
  });
});

describe("the CUP kinds on the simulator", { timeout: 120_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-cup-restarts-"));
  const journal = path.join(dir, "cup-pending-restarts.json");
  let sim: CupSim;
  let connection: CupConnection;
  const env = { ...process.env };

  beforeAll(async () => {
    process.env.RCCLAB_CUP_PENDING_RESTARTS = journal;
    process.env.RCCLAB_CUP_RESTART_QUIET_MS = "400";
    sim = await startCupSim({ caDir: dir, users: { axl: "Axl-Pa55" }, cliUsers: { admin: "Cli-Pa55" } });
    connection = cupSimConnection(sim, { trustAssumedMapping: true, cli: cupSimCli(sim, "Cli-Pa55") });
  });

  afterAll(async () => {
    await flushCupRestarts();
    process.env = env;
    await sim?.stop();
  });

  const lastWriteAt = (): number => Math.max(...sim.requests.filter((r) => r.operation === "executeSQLUpdate").map((r) => r.at.getTime()));

  it("eight ACL entries and the presence settings: one SIP Proxy and one Presence Engine restart, after the last write", async () => {
    const r0 = sim.restarts.length;
    const c0 = sim.commands.length;
    const made: { kind: typeof IncomingAcl; id: string; outs: Record<string, unknown> }[] = [];
    for (let i = 1; i <= 4; i++) {
      for (const kind of [IncomingAcl, OutgoingAcl]) {
        const c = await kind.runtime.create(checked(kind, { address: `ocsfe${i}.lab.example.com`, description: `front end ${i}`, connection }));
        made.push({ kind, ...c });
      }
    }
    const p = await PresenceSettings.runtime.create(checked(PresenceSettings, { proxyDomain: "lab.example.com", connection }));
    const lastWrite = lastWriteAt();
    // Nothing restarted while the writes came; each service once, when they stopped.
    expect(sim.restarts.length).toBe(r0);
    await until(() => sim.restarts.length >= r0 + 2 && !Object.keys(pendingRestarts("127.0.0.1")).length);
    await sleep(1_000);
    expect(sim.restarts.slice(r0).map((r) => r.service).sort()).toEqual([CUP_SERVICES.presenceEngine, CUP_SERVICES.sipProxy].sort());
    expect(sim.commands.slice(c0).filter((x) => x.line.startsWith("utils service restart"))).toHaveLength(2);
    for (const r of sim.restarts.slice(r0)) expect(r.at.getTime()).toBeGreaterThanOrEqual(lastWrite);
    expect(pendingRestarts("127.0.0.1")).toEqual({});

    // Tearing it all down: again one restart per service.
    const r1 = sim.restarts.length;
    for (const m of made) await m.kind.runtime.delete(m.id, m.outs);
    await PresenceSettings.runtime.delete(p.id, p.outs);
    await flushCupRestarts();
    expect(sim.restarts.slice(r1).map((r) => r.service).sort()).toEqual([CUP_SERVICES.presenceEngine, CUP_SERVICES.sipProxy].sort());
    expect(sim.rows("outgoingacl")).toEqual([]);
  });

  /** A provider process of its own (the kinds from source), told what to do by `script`; its stderr and exit. */
  function child(script: string, env: Record<string, string>): { done: Promise<{ code: number | null; signal: string | null; err: string }>; proc: ReturnType<typeof spawn>; out: () => string } {
    const root = path.resolve(__dirname, "..");
    const hook = `
      const ts = require("typescript"), fs = require("node:fs");
      require.extensions[".ts"] = (m, f) => m._compile(ts.transpileModule(fs.readFileSync(f, "utf8"), { fileName: f, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, useDefineForClassFields: false } }).outputText, f);
      const connection = JSON.parse(process.env.CUP_CONNECTION);
      const { IncomingAcl } = require("./providers/cup/incomingAcl");
      (async () => { ${script} })().catch((e) => { console.error(e); process.exit(3); });
    `;
    let out = "";
    let err = "";
    const proc = spawn(process.execPath, ["-e", hook], { cwd: root, env: { ...process.env, ...env, CUP_CONNECTION: JSON.stringify(connection) }, stdio: ["ignore", "pipe", "pipe"] });
    proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    const done = new Promise<{ code: number | null; signal: string | null; err: string }>((resolve) => proc.once("exit", (code, signal) => resolve({ code, signal, err })));
    return { done, proc, out: () => out };
  }

  const create = (address: string) => `
    const r = IncomingAcl.runtime.check({}, { address: "${address}", description: "from a child", connection });
    await IncomingAcl.runtime.create(r.inputs);
    console.log("written");
    setInterval(() => undefined, 1000); // a provider host stays up until it is ended
  `;

  it("a run killed after its write and before the restart: the restart is owed in the journal, and the next run does it", async () => {
    const r0 = sim.restarts.length;
    const c = child(create("killed.lab.example.com"), { RCCLAB_CUP_RESTART_QUIET_MS: "600000" });
    await until(() => c.out().includes("written"), 60_000);
    c.proc.kill("SIGKILL");
    expect((await c.done).signal).toBe("SIGKILL");
    expect(sim.rows("incomingacl").some((r) => r.address === "killed.lab.example.com")).toBe(true);
    expect(sim.restarts.length).toBe(r0);
    expect(Object.keys(pendingRestarts("127.0.0.1"))).toEqual([CUP_SERVICES.sipProxy]);

    // The next run: its first CUP operation (up reads every resource first) owes it; done once, after the quiet period.
    const next = { ...connection, retries: 3 };
    const read = await IncomingAcl.runtime.read("killed.lab.example.com", { connection: next });
    expect(read.id).toBe("killed.lab.example.com");
    await until(() => sim.restarts.length > r0 && !Object.keys(pendingRestarts("127.0.0.1")).length);
    expect(sim.restarts.slice(r0).map((r) => r.service)).toEqual([CUP_SERVICES.sipProxy]);
    await IncomingAcl.runtime.delete("killed.lab.example.com", { ...read.props!, connection: next });
    await flushCupRestarts();
  });

  it("a provider process ended by SIGTERM (as the local engine ends its host) does its owed restarts, then exits", async () => {
    const r0 = sim.restarts.length;
    const c = child(create("ended.lab.example.com"), { RCCLAB_CUP_RESTART_QUIET_MS: "600000" });
    await until(() => c.out().includes("written"), 60_000);
    const lastWrite = lastWriteAt();
    expect(sim.restarts.length).toBe(r0);
    c.proc.kill("SIGTERM");
    const end = await c.done;
    expect(end.err).toMatch(/SIGTERM: doing the CUP restarts this run's changes need before exiting/);
    expect(sim.restarts.slice(r0).map((r) => r.service)).toEqual([CUP_SERVICES.sipProxy]);
    expect(sim.restarts.at(-1)!.at.getTime()).toBeGreaterThanOrEqual(lastWrite);
    expect(pendingRestarts("127.0.0.1")).toEqual({});
    const gone = await IncomingAcl.runtime.read("ended.lab.example.com", { connection });
    await IncomingAcl.runtime.delete("ended.lab.example.com", { ...gone.props!, connection });
    await flushCupRestarts();
  });
});
