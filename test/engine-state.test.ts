/**
 * The local engine's state file and its lock: a state written by save() survives a kill at any byte
 * (a killed write's temp file never replaces it; a damaged state is refused with a clear error,
 * never read as empty), and one run at a time holds a stack (src/engine/lock.ts).
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { StackLockedError, acquireStackLock, lockFileOf, readStackLock, withStackLock } from "../src/engine/lock";
import { StateFileError, StateStore, backupFileOf } from "../src/engine/state";

const root = path.resolve(__dirname, "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-state-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const PASS = "state-test-passphrase";
let n = 0;
const freshFile = () => path.join(dir, `s${++n}.state.json`);

/** A saved state with one resource (whose id is `id`) and an output. */
function savedState(file: string, id = "thing-1"): StateStore {
  const s = StateStore.load(file, PASS, "rcclab", "s");
  const urn = "urn:pulumi:s::rcclab::pulumi-nodejs:dynamic:Resource::a";
  s.live.set(urn, { urn, type: "pulumi-nodejs:dynamic:Resource", custom: true, id, dependencies: [], inputs: { name: id }, outputs: { name: id } });
  s.outputs = { answer: 42 };
  s.save();
  return s;
}

const ids = (s: StateStore) => [...s.live.values()].map((e) => e.id);

describe("state file", () => {
  it("save then load: the same state; no temp file left; the previous version kept as .bak", () => {
    const file = freshFile();
    savedState(file, "thing-1");
    expect(ids(StateStore.load(file, PASS, "rcclab", "s"))).toEqual(["thing-1"]);
    savedState(file, "thing-2");
    expect(ids(StateStore.load(file, PASS, "rcclab", "s"))).toEqual(["thing-2"]);
    expect(JSON.parse(fs.readFileSync(backupFileOf(file), "utf8")).resources[0].id).toBe("thing-1");
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("a write killed before its rename never replaces the state: the partial temp file is not read", () => {
    const file = freshFile();
    savedState(file, "thing-1");
    const whole = fs.readFileSync(file, "utf8");
    // What a kill mid-write leaves: part of the next state in the temp files (this process's and another's).
    const partial = whole.slice(0, Math.floor(whole.length / 2));
    fs.writeFileSync(`${file}.${process.pid}.tmp`, partial);
    fs.writeFileSync(`${file}.999999.tmp`, partial);
    const s = StateStore.load(file, PASS, "rcclab", "s");
    expect(ids(s)).toEqual(["thing-1"]);
    expect(s.outputs).toEqual({ answer: 42 });
    // The next save goes through its own temp file and replaces the state whole.
    const [only] = s.live.values();
    s.live.set(only!.urn, { ...only!, id: "thing-9" });
    s.save();
    expect(ids(StateStore.load(file, PASS, "rcclab", "s"))).toEqual(["thing-9"]);
  });

  it("a truncated state file is refused with a clear error at every cut, never read as empty", () => {
    const file = freshFile();
    savedState(file);
    const whole = fs.readFileSync(file, "utf8");
    for (const cut of [0, 1, 10, Math.floor(whole.length / 2), whole.length - 2]) {
      fs.writeFileSync(file, whole.slice(0, cut));
      let err: unknown;
      try {
        StateStore.load(file, PASS, "rcclab", "s");
      } catch (e) {
        err = e;
      }
      expect(err, `cut at ${cut}`).toBeInstanceOf(StateFileError);
      const msg = (err as Error).message;
      expect(msg).toContain(`the state file ${file} is damaged (`);
      expect(msg).toMatch(cut === 0 ? /\(it is empty\)/ : /\(it is not complete JSON: /);
      expect(msg).toMatch(/does not read it as empty, which would forget every object it manages, and has changed nothing/);
      expect(msg).toContain("restore it from a backup");
    }
  });

  it("JSON that is not a whole state is refused; the message points at the .bak when there is one", () => {
    const file = freshFile();
    savedState(file, "thing-1");
    savedState(file, "thing-2");
    const cases: [string, RegExp][] = [
      ["[]", /it is not a JSON object/],
      ["{}", /it has no version/],
      [JSON.stringify({ version: 1, project: "rcclab", stack: "s", encryptionSalt: "v1:a:b" }), /its resources are missing or incomplete/],
      [JSON.stringify({ version: 1, project: "rcclab", stack: "s", encryptionSalt: "v1:a:b", resources: [{ urn: "u" }] }), /its resources are missing or incomplete/],
    ];
    for (const [text, why] of cases) {
      fs.writeFileSync(file, text);
      expect(() => StateStore.load(file, PASS, "rcclab", "s"), text).toThrow(why);
      expect(() => StateStore.load(file, PASS, "rcclab", "s"), text).toThrow(`its previous version (one write older) is ${backupFileOf(file)}`);
    }
    fs.copyFileSync(backupFileOf(file), file);
    expect(ids(StateStore.load(file, PASS, "rcclab", "s"))).toEqual(["thing-1"]);
  });

  it("a damaged secret is refused (the passphrase is right, so the value was damaged)", () => {
    const file = freshFile();
    const s = StateStore.load(file, PASS, "rcclab", "s");
    const urn = "urn:pulumi:s::rcclab::pulumi-nodejs:dynamic:Resource::a";
    s.live.set(urn, { urn, type: "pulumi-nodejs:dynamic:Resource", custom: true, id: "x", dependencies: [], inputs: {}, outputs: {} });
    s.save();
    const data = JSON.parse(fs.readFileSync(file, "utf8"));
    data.resources[0].outputs = { password: { __secret: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" } };
    fs.writeFileSync(file, JSON.stringify(data));
    expect(() => StateStore.load(file, PASS, "rcclab", "s")).toThrow(/is damaged \(a secret value cannot be decrypted/);
  });

  it("a missing state file whose .bak is there is refused, not started afresh", () => {
    const file = freshFile();
    savedState(file, "thing-1");
    savedState(file, "thing-2");
    fs.rmSync(file);
    expect(() => StateStore.load(file, PASS, "rcclab", "s")).toThrow(StateFileError);
    expect(() => StateStore.load(file, PASS, "rcclab", "s")).toThrow(`the state file ${file} is missing, but its previous version ${backupFileOf(file)} is there`);
    fs.rmSync(backupFileOf(file));
    expect(StateStore.load(file, PASS, "rcclab", "s").live.size).toBe(0);
  });
});

/** A pid that was alive a moment ago and is not any more. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

function writeLock(stateFile: string, holder: Record<string, unknown>): void {
  const h = { hostname: os.hostname(), command: "rcclab up", started: new Date(Date.now() - 5 * 60_000).toISOString(), token: "t-0", ...holder };
  fs.writeFileSync(lockFileOf(stateFile), JSON.stringify(h));
}

function refusal(fn: () => unknown): StackLockedError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StackLockedError);
    return e as StackLockedError;
  }
  throw new Error("not refused");
}

/**
 * A Node process that takes the lock of `stateFile` (lock.ts, and the engine modules it imports,
 * transpiled on load), prints "locked" and idles.
 */
async function processHoldingLock(stateFile: string) {
  const script = `
    const fs = require("node:fs");
    const ts = require(${JSON.stringify(require.resolve("typescript"))});
    const load = (name) => {
      const src = ts.transpileModule(fs.readFileSync(${JSON.stringify(path.join(root, "src/engine"))} + "/" + name + ".ts", "utf8"), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
      const m = { exports: {} };
      new Function("exports", "require", "module", src)(m.exports, (id) => (id.startsWith("./") ? load(id.slice(2)) : require(id)), m);
      return m.exports;
    };
    const m = { exports: load("lock") };
    m.exports.acquireStackLock(${JSON.stringify(stateFile)}, { stack: "s", command: "rcclab up" });
    console.log("locked");
    setInterval(() => {}, 1 << 30);`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => d.toString().includes("locked") && resolve());
    void exited.then((r) => reject(new Error(`exited (${r.code ?? r.signal}) without the lock: ${err}`)));
  });
  return { child, exited };
}

describe("stack lock", { timeout: 30_000 }, () => {
  it("two acquisitions in one process conflict; released, the stack is free again", () => {
    const file = freshFile();
    const release = acquireStackLock(file, { stack: "s", command: "rcclab up" });
    expect(readStackLock(file)).toMatchObject({ pid: process.pid, hostname: os.hostname(), command: "rcclab up" });
    const e = refusal(() => acquireStackLock(file, { stack: "s", command: "rcclab destroy" }));
    expect(e.message).toMatch(new RegExp(`^stack s is in use by this process \\(pid ${process.pid}, rcclab up, started \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC, \\d+ s ago\\): one run at a time$`));
    release();
    release(); // idempotent
    expect(fs.existsSync(lockFileOf(file))).toBe(false);
    acquireStackLock(file)();
  });

  it("withStackLock holds the lock while its function runs, and releases it when it throws", async () => {
    const file = freshFile();
    await expect(
      withStackLock(file, { command: "rcclab refresh" }, async () => {
        expect(readStackLock(file)?.command).toBe("rcclab refresh");
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(readStackLock(file)).toBeUndefined();
  });

  it("a lock held by a live process on this host is refused, saying who, since when, and what to do", () => {
    const file = freshFile();
    writeLock(file, { pid: process.ppid });
    const e = refusal(() => acquireStackLock(file, { stack: "lab" }));
    expect(e.message).toBe(
      `stack lab is in use by pid ${process.ppid} (rcclab up, started ${e.holder!.started.replace("T", " ").replace(/\.\d+Z$/, " UTC")}, 5 min ago) — wait for it, or if that process is gone (pid ${process.ppid} is now another program), the lock is stale: remove ${lockFileOf(file)}`,
    );
    expect(e.exitCode).toBe(1);
    expect(readStackLock(file)?.pid).toBe(process.ppid);
  });

  it("a lock whose pid is gone is taken over, with a notice", () => {
    const file = freshFile();
    const pid = deadPid();
    writeLock(file, { pid });
    const notices: string[] = [];
    const release = acquireStackLock(file, { stack: "lab", notice: (l) => notices.push(l) });
    expect(notices).toEqual([expect.stringMatching(new RegExp(`^notice: stack lab: took over a stale lock \\(pid ${pid}, rcclab up, started .* UTC, 5 min ago, is no longer running\\)$`))]);
    expect(readStackLock(file)?.pid).toBe(process.pid);
    expect(fs.readdirSync(dir).filter((f) => f.includes(".lock."))).toEqual([]); // no temp or set-aside file left
    release();
    expect(fs.existsSync(lockFileOf(file))).toBe(false);
  });

  it("a lock of this pid that this process did not take (an earlier process with the same pid) is stale", () => {
    const file = freshFile();
    writeLock(file, { pid: process.pid, token: "from-before" });
    const release = acquireStackLock(file, { notice: () => {} });
    expect(readStackLock(file)?.token).not.toBe("from-before");
    release();
  });

  it("a lock from another host is not taken over, even when its pid is not running here", () => {
    const file = freshFile();
    writeLock(file, { pid: deadPid(), hostname: "build-02.example" });
    const before = fs.readFileSync(lockFileOf(file), "utf8");
    const e = refusal(() => acquireStackLock(file, { stack: "lab" }));
    expect(e.message).toMatch(/^stack lab is in use by pid \d+ on host build-02\.example \(rcclab up, started .*\) — wait for it; rcclab cannot check a process on another host, so if that run is gone, the lock is stale: remove /);
    expect(fs.readFileSync(lockFileOf(file), "utf8")).toBe(before);
  });

  it("a lock file that cannot be read is refused, not ignored", () => {
    const file = freshFile();
    fs.writeFileSync(lockFileOf(file), "");
    expect(() => acquireStackLock(file, { stack: "lab" })).toThrow(`stack lab is locked by ${path.resolve(lockFileOf(file))}, which cannot be read as a lock; if no other rcclab run is using the stack, remove that file`);
  });

  it("another process's lock: refused while it runs; released by its exit hooks on SIGTERM (exit 143); stale after SIGKILL", async () => {
    const file = freshFile();
    const a = await processHoldingLock(file);
    expect(refusal(() => acquireStackLock(file, { stack: "s" })).message).toMatch(new RegExp(`^stack s is in use by pid ${a.child.pid} \\(rcclab up, started `));
    a.child.kill("SIGTERM");
    expect(await a.exited).toEqual({ code: 143, signal: null });
    expect(fs.existsSync(lockFileOf(file))).toBe(false);

    const b = await processHoldingLock(file);
    b.child.kill("SIGKILL");
    await b.exited;
    expect(readStackLock(file)?.pid).toBe(b.child.pid); // nothing ran: the lock is left behind
    const notices: string[] = [];
    acquireStackLock(file, { stack: "s", notice: (l) => notices.push(l) })();
    expect(notices).toEqual([expect.stringContaining(`took over a stale lock (pid ${b.child.pid}, rcclab up`)]);
  });

  it("runs racing for a stale lock: exactly one takes it", async () => {
    const file = freshFile();
    writeLock(file, { pid: deadPid() });
    const runs = await Promise.allSettled(Array.from({ length: 4 }, () => processHoldingLock(file)));
    const holders = runs.filter((r) => r.status === "fulfilled");
    expect(holders).toHaveLength(1);
    for (const r of runs) if (r.status === "rejected") expect(String(r.reason)).toMatch(/stack s is in use by pid \d+ \(rcclab up/);
    for (const h of holders) h.value.child.kill("SIGKILL");
  });
});
