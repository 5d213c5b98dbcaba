/**
 * The local engine (src/engine/local.ts) driving a small Pulumi program of echo kinds through
 * Pulumi's SDK runtime and its dynamic-provider host, and the stack config loader.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderHost } from "../src/engine/providerHost";
import { EngineError, destroy, drift, planDestroy, preview, readState, refresh, up, type EngineEvent, type Progress, type ProgramOptions } from "../src/engine/local";
import { PassphraseCrypter, loadStackConfig, writeStackConfig } from "../src/engine/stackConfig";
import { failure } from "./support/kinds";

/* eslint-disable @typescript-eslint/no-require-imports */
const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
// The compiled kind: Pulumi serializes the provider, which must not come from a vitest-transformed module.
const { Thing } = require(path.resolve(__dirname, "../dist/test/fixtures/echo-kind.js")) as typeof import("./fixtures/echo-kind");

const PASSWORD = "Pa55-w0rd!-conn";
const SECRET = "t0p-s3cret-field";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-engine-"));

/** Rejects with the error a promise fails with; fails the test when it resolves. */

interface Spec {
  aName?: string;
  aSize?: number;
  aColor?: "red" | "blue";
  withB?: boolean;
  /** Extra resources c (and d depending on c). */
  withCD?: boolean;
  /** a's secret field. */
  aSecret?: string;
  /** a renamed to "a2", with an alias to its former name. */
  renamed?: boolean;
}

/** Per-scenario files: the echo store (the "system") and the state. */
function scenario(name: string) {
  const store = path.join(dir, `${name}-store.json`);
  const stateFile = path.join(dir, `${name}-state.json`);
  const events: EngineEvent[] = [];
  const read = (): Record<string, any> => (fs.existsSync(store) ? JSON.parse(fs.readFileSync(store, "utf8")) : {});
  const write = (v: Record<string, unknown>) => fs.writeFileSync(store, JSON.stringify(v));
  let secretSeen: boolean | undefined;
  const program = (s: Spec) => async () => {
    const cfg = new pulumi.Config("rcclab");
    const echo = cfg.requireObject<{ store: string }>("echo");
    const password = cfg.requireSecret("echoPassword");
    const conn = pulumi.output({ store: echo.store, password });
    const a = new Thing.Resource(
      s.renamed ? "a2" : "a",
      {
        name: s.aName ?? "alpha",
        size: s.aSize ?? 1,
        color: s.aColor ?? "red",
        secret: pulumi.secret(s.aSecret ?? SECRET),
        connection: conn,
      },
      s.renamed ? { aliases: [{ name: "a" }] } : {},
    );
    secretSeen = await (password as any).isSecret;
    const out: Record<string, unknown> = { aUuid: a.uuid, aSecret: a.secret, plain: "hello" };
    if (s.withB !== false) {
      // b depends on a through an input (a's uuid, known only once a exists).
      const b = new Thing.Resource("b", { name: "beta", size: 2, tags: a.uuid.apply((u) => [u]), connection: conn });
      out.bTags = b.tags;
    }
    if (s.withCD) {
      const c = new Thing.Resource("c", { name: "dup", size: 1, connection: conn }, { dependsOn: [a] });
      new Thing.Resource("d", { name: "delta", size: 1, tags: c.uuid.apply((u) => [u]), connection: conn });
    }
    return out;
  };
  const opts = (s: Spec, host?: ProviderHost): ProgramOptions => ({
    project: "rcclab",
    stack: "test",
    program: program(s),
    config: { "rcclab:echo": { store }, "rcclab:echoPassword": PASSWORD },
    secretConfigKeys: ["rcclab:echoPassword"],
    stateFile,
    passphrase: "state-pass",
    onEvent: (e) => events.push(e),
    ...(host ? { host } : {}),
  });
  return {
    store, stateFile, events, read, write, opts, secretSeen: () => secretSeen,
    ops: (r: { steps: { op: string; name: string }[] }) => r.steps.map((st) => `${st.op} ${st.name}`),
    stateText: () => fs.readFileSync(stateFile, "utf8"),
  };
}

describe("local engine: plans that say what will change", () => {
  let host: ProviderHost;
  beforeAll(async () => {
    host = await ProviderHost.start();
  });
  afterAll(async () => host?.stop());
  const sc = scenario("plans");
  const progress: Progress[] = [];
  const withProgress = (o: ProgramOptions) => ({ ...o, onProgress: (p: Progress) => progress.push(p) });

  it("up counts its steps and reports progress while it applies", async () => {
    const r = await up(withProgress(sc.opts({}, host)));
    expect(r.summary).toEqual({ create: 2, update: 0, replace: 0, delete: 0, same: 0 });
    expect(progress.filter((p) => p.phase === "apply").map((p) => `${p.done} ${p.current}`)).toEqual(["0 rcclab:echo:Thing a", "1 rcclab:echo:Thing b"]);
  });

  it("preview reads the live objects first (in memory): a change made by hand shows as the update up will make, old → new", async () => {
    sc.write({ ...sc.read(), alpha: { ...sc.read().alpha, size: 9 } });
    const stateBefore = sc.stateText();
    progress.length = 0;
    const r = await preview({ ...withProgress(sc.opts({}, host)), refresh: true });
    expect(r.steps.map((st) => `${st.op} ${st.name}`)).toEqual(["update a", "same b"]);
    expect(r.steps[0]!.changes).toEqual([{ field: "size", old: 9, new: 1 }]);
    expect(r.summary).toMatchObject({ update: 1, same: 1 });
    // The refresh phase: n/N with the resource being read (both reads start at once), then N/N.
    const reading = progress.filter((p) => p.phase === "refresh");
    expect(reading.map((p) => `${p.done}/${p.total}`)).toEqual(["0/2", "0/2", "2/2"]);
    expect(reading.slice(0, 2).map((p) => p.current).sort()).toEqual([expect.stringMatching(/ a$/), expect.stringMatching(/ b$/)]);
    // Nothing written: not the state, not the system.
    expect(sc.stateText()).toBe(stateBefore);
    expect(sc.read().alpha.size).toBe(9);
    // Without reading first, the plan cannot see it.
    expect((await preview(sc.opts({}, host))).steps[0]!.op).toBe("same");
    expect((await up({ ...sc.opts({}, host), refresh: true })).steps[0]).toMatchObject({ op: "update", changes: [{ field: "size", old: 9, new: 1 }] });
  });

  it("a secret's change is shown as changed, never its values", async () => {
    const r = await preview(sc.opts({ aSecret: "an0ther-s3cret" }, host));
    expect(r.steps[0]).toMatchObject({ op: "update", changes: [{ field: "secret", old: "[secret]", new: "[secret]" }] });
    expect(JSON.stringify(r.steps)).not.toMatch(/s3cret/);
  });

  it("a rotated connection password is one connection-only change per resource", async () => {
    const o = sc.opts({}, host);
    const r = await preview({ ...o, config: { ...o.config, "rcclab:echoPassword": "R0tated-Pa55" } });
    expect(r.steps.map((st) => [st.op, st.connectionOnly, st.fields])).toEqual([
      ["update", true, ["connection"]],
      ["update", true, ["connection"]],
    ]);
    expect(r.steps[0]!.changes).toEqual([{ field: "connection", old: "[secret]", new: "[secret]" }]);
    expect(JSON.stringify(r.steps)).not.toContain("R0tated-Pa55");
  });

  it("a resource renamed with an alias to its former name keeps its object: same, not a replacement", async () => {
    const before = fs.readFileSync(sc.store, "utf8");
    const plan = await preview(sc.opts({ renamed: true }, host));
    expect(sc.ops(plan)).toEqual(["same a2", "same b"]);
    const r = await up(sc.opts({ renamed: true }, host));
    expect(sc.ops(r)).toEqual(["same a2", "same b"]);
    expect(fs.readFileSync(sc.store, "utf8")).toBe(before);
    const urns = JSON.parse(sc.stateText()).resources.map((x: any) => x.urn.split("::").pop());
    expect(urns).toContain("a2");
    expect(urns).not.toContain("a");
  });

  it("planDestroy lists what destroy would delete, dependents first, calling no system", async () => {
    const before = fs.readFileSync(sc.store, "utf8");
    const plan = await planDestroy({ project: "rcclab", stack: "test", stateFile: sc.stateFile, passphrase: "state-pass" });
    expect(plan.steps.map((st) => `${st.op} ${st.name}`)).toEqual(["delete b", "delete a2"]);
    expect(plan.summary.delete).toBe(2);
    expect(fs.readFileSync(sc.store, "utf8")).toBe(before);
    progress.length = 0;
    await destroy({ project: "rcclab", stack: "test", stateFile: sc.stateFile, passphrase: "state-pass", host, onProgress: (p) => progress.push(p) });
    expect(progress.map((p) => `${p.phase} ${p.done}/${p.total}`)).toEqual(["destroy 0/2", "destroy 1/2", "destroy 2/2"]);
    expect(sc.read()).toEqual({});
  });
});

describe("local engine: independent steps run at once, within --parallel", () => {
  it("creates resources that do not depend on each other in parallel, at most --parallel at a time", async () => {
    const store = path.join(dir, "parallel-store.json");
    const program = () => async () => {
      const connection = { store, password: PASSWORD, delayMs: 300 };
      for (const name of ["pa", "pb", "pc", "pd", "pe"]) new Thing.Resource(name, { name, size: 1, connection });
    };
    const opts = (parallel: number, stack: string): ProgramOptions => ({
      project: "rcclab",
      stack,
      program: program(),
      stateFile: path.join(dir, `parallel-${stack}.json`),
      passphrase: "state-pass",
      parallel,
    });
    await up(opts(3, "p3"));
    expect(Number(fs.readFileSync(`${store}.inflight`, "utf8"))).toBe(3);
    // Reads too: refresh and drift read the objects at once, within --parallel.
    const peaks: number[] = [];
    for (const read of [() => refresh(opts(3, "p3")), () => drift(opts(3, "p3")), () => refresh(opts(1, "p3"))]) {
      fs.rmSync(`${store}.inflight`);
      await read();
      peaks.push(Number(fs.readFileSync(`${store}.inflight`, "utf8")));
    }
    expect(peaks).toEqual([3, 3, 1]);
    await destroy(opts(3, "p3"));
    fs.rmSync(`${store}.inflight`);
    await up(opts(1, "p1"));
    expect(Number(fs.readFileSync(`${store}.inflight`, "utf8"))).toBe(1);
    await destroy(opts(1, "p1"));
  });
});

describe("local engine: a run stopped between a create and its record", () => {
  let host: ProviderHost;
  beforeAll(async () => {
    host = await ProviderHost.start();
  });
  afterAll(async () => host?.stop());
  const sc = scenario("intents");

  /** The state as a run killed right after b's create reached the system would leave it: b's intent, no b. */
  function interruptedAfterCreatingB(): void {
    const state = JSON.parse(sc.stateText());
    const b = state.resources.find((x: any) => x.urn.endsWith("::b"));
    state.resources = state.resources.filter((x: any) => x !== b);
    state.intents = [{ op: "create", urn: b.urn, type: b.type, id: "beta", parent: b.parent, dependencies: b.dependencies, inputs: b.inputs, since: new Date().toISOString() }];
    fs.writeFileSync(sc.stateFile, JSON.stringify(state));
  }

  it("each create records its intent first and settles it with the outcome: none left after a run", async () => {
    await up(sc.opts({}, host));
    expect(JSON.parse(sc.stateText()).intents).toBeUndefined();
  });

  it("the next up finds the object by its natural key and takes it over: no duplicate, no error", async () => {
    interruptedAfterCreatingB();
    sc.events.length = 0;
    const r = await up(sc.opts({}, host));
    expect(sc.ops(r)).toEqual(["same a", "same b"]);
    expect(sc.events.map((e) => `${e.op} ${e.name} ${e.detail ?? ""}`)).toContain("read b made by an interrupted run: taken over, it is this stack's");
    expect(Object.keys(sc.read()).sort()).toEqual(["alpha", "beta"]);
    expect(JSON.parse(sc.stateText()).intents).toBeUndefined();
  });

  it("destroy after an interrupted create deletes that object too: no orphan", async () => {
    interruptedAfterCreatingB();
    await destroy({ project: "rcclab", stack: "test", stateFile: sc.stateFile, passphrase: "state-pass", host });
    expect(sc.read()).toEqual({});
  });

  it("an intent whose create never reached the system: the next up makes the object", async () => {
    await up(sc.opts({}, host));
    interruptedAfterCreatingB();
    const store = sc.read();
    delete store.beta;
    sc.write(store);
    const r = await up(sc.opts({}, host));
    expect(sc.ops(r)).toEqual(["same a", "create b"]);
    expect(JSON.parse(sc.stateText()).intents).toBeUndefined();
  });

  it("a create refused because the object already exists leaves no intent: nobody takes that object over later", async () => {
    const store = sc.read();
    store.delta = { name: "delta", size: 1, color: "red", tags: [], uuid: "{SOMEONE ELSE'S}" };
    sc.write(store);
    const err = await failure(up(sc.opts({ withCD: true }, host)));
    expect(err.message).toMatch(/delta exists/);
    expect(JSON.parse(sc.stateText()).intents).toBeUndefined();
  });
});

describe("local engine: up, preview, refresh, drift, destroy", () => {
  let host: ProviderHost;
  beforeAll(async () => {
    host = await ProviderHost.start();
  });
  afterAll(async () => host?.stop());

  const sc = scenario("main");
  const base = { project: "rcclab", stack: "test", stateFile: sc.stateFile, passphrase: "state-pass" };

  it("preview on an empty stack plans the creates and changes nothing", async () => {
    // Without a host option: the engine starts and stops its own provider host.
    const r = await preview(sc.opts({}));
    expect(sc.ops(r)).toEqual(["create a", "create b"]);
    expect(r.steps.find((s) => s.name === "b")!.detail).toMatch(/known only after apply/);
    expect(fs.existsSync(sc.stateFile)).toBe(false);
    expect(sc.read()).toEqual({});
  });

  it("up from empty creates everything, in dependency order, with real outputs", async () => {
    sc.events.length = 0;
    const r = await up(sc.opts({}, host));
    expect(sc.ops(r)).toEqual(["create a", "create b"]);
    expect(sc.secretSeen()).toBe(true); // requireSecret saw a secret config key
    const store = sc.read();
    expect(store.alpha).toMatchObject({ name: "alpha", size: 1, color: "red", uuid: "{ALPHA}" });
    // b saw a's real uuid, returned by the provider.
    expect(store.beta).toMatchObject({ tags: ["{ALPHA}"], uuid: "{BETA}" });
    expect(r.outputs).toEqual({ aUuid: "{ALPHA}", aSecret: SECRET, plain: "hello", bTags: ["{ALPHA}"] });
    expect(r.secretOutputs).toEqual(["aSecret"]);
    expect(sc.events.map((e) => `${e.op} ${e.name}`)).toEqual(["create a", "create b"]);

    const state = JSON.parse(sc.stateText());
    expect(state).toMatchObject({ version: 1, project: "rcclab", stack: "test" });
    const b = state.resources.find((x: any) => x.urn.endsWith("::b"));
    expect(b.urn).toBe("urn:pulumi:test::rcclab::pulumi-nodejs:dynamic/rcclab/echo:Thing::b");
    expect(b.dependencies).toEqual(["urn:pulumi:test::rcclab::pulumi-nodejs:dynamic/rcclab/echo:Thing::a"]);
    expect(b.parent).toBe("urn:pulumi:test::rcclab::pulumi:pulumi:Stack::rcclab-test");
    expect(state.resources.map((x: any) => x.type)[0]).toBe("pulumi:pulumi:Stack");
  });

  it("never stores a secret in plain text", () => {
    const text = sc.stateText();
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(SECRET);
    expect(text).toContain('"__secret"');
    // ...and gives them back with the passphrase.
    const state = readState(sc.stateFile, "state-pass");
    const a = state.resources.find((x) => x.urn.endsWith("::a"))!;
    expect(a.outputs.secret).toBe(SECRET);
    expect((a.inputs.connection as any).password).toBe(PASSWORD);
    expect(state.outputs.aSecret).toBe(SECRET);
  });

  it("keeps each kind's serialized provider once in the file, and gives it back whole", () => {
    const file = JSON.parse(sc.stateText());
    expect(Object.keys(file.providers)).toHaveLength(1);
    const text = Object.values(file.providers)[0] as string;
    // The text appears once in the file (as JSON, escaped).
    expect(sc.stateText().split(JSON.stringify(text).slice(1, 81)).length - 1).toBe(1);
    for (const r of file.resources.filter((x: any) => x.custom)) expect(r.inputs.__provider).toEqual({ $provider: Object.keys(file.providers)[0] });
    const a = readState(sc.stateFile, "state-pass").resources.find((x) => x.urn.endsWith("::a"))!;
    expect(a.inputs.__provider).toBe(text);
  });

  it("refuses a wrong passphrase clearly", async () => {
    expect(() => readState(sc.stateFile, "nope")).toThrow(/wrong passphrase/);
    const err = await failure(up({ ...sc.opts({}, host), passphrase: "nope" }));
    expect(err.message).toMatch(/wrong passphrase/);
  });

  it("a second up changes nothing", async () => {
    const storeBefore = fs.readFileSync(sc.store, "utf8");
    const r = await up(sc.opts({}, host));
    expect(sc.ops(r)).toEqual(["same a", "same b"]);
    expect(r.changed).toBe(false);
    expect(fs.readFileSync(sc.store, "utf8")).toBe(storeBefore);
    expect(r.outputs.aUuid).toBe("{ALPHA}");
  });

  it("preview shows an in-place update and changes nothing", async () => {
    const storeBefore = fs.readFileSync(sc.store, "utf8");
    const stateBefore = sc.stateText();
    const r = await preview(sc.opts({ aSize: 5 }, host));
    expect(r.steps.map((s) => `${s.op} ${s.name} ${s.fields?.join(",") ?? ""}`)).toEqual(["update a size", "same b "]);
    expect(fs.readFileSync(sc.store, "utf8")).toBe(storeBefore);
    expect(sc.stateText()).toBe(stateBefore);
  });

  it("changing a field updates in place", async () => {
    const r = await up(sc.opts({ aSize: 5 }, host));
    expect(sc.ops(r)).toEqual(["update a", "same b"]);
    expect(r.steps[0]!.fields).toEqual(["size"]);
    expect(sc.read().alpha).toMatchObject({ size: 5, uuid: "{ALPHA}" });
  });

  it("changing a replace field with the same natural key deletes before it creates", async () => {
    // Creating first would fail: the echo store refuses a second "alpha".
    const r = await up(sc.opts({ aSize: 5, aColor: "blue" }, host));
    expect(sc.ops(r)).toEqual(["replace a", "same b"]);
    expect(r.steps[0]).toMatchObject({ fields: ["color"], detail: "delete before create" });
    expect(sc.read().alpha).toMatchObject({ color: "blue", size: 5 });
  });

  it("renaming (a new natural key) creates the new object before deleting the old one", async () => {
    const r = await up(sc.opts({ aName: "gamma", aSize: 5, aColor: "blue" }, host));
    // b follows a's new uuid; the old alpha goes last, after the program.
    expect(sc.ops(r)).toEqual(["replace a", "update b", "delete a"]);
    expect(r.steps[0]).toMatchObject({ detail: "create before delete", fields: ["name"] });
    const store = sc.read();
    expect(Object.keys(store).sort()).toEqual(["beta", "gamma"]);
    expect(store.beta.tags).toEqual(["{GAMMA}"]);
    const state = JSON.parse(sc.stateText());
    expect(state.resources.filter((x: any) => x.delete)).toEqual([]);
  });

  it("removing a resource from the program deletes it", async () => {
    const r = await up(sc.opts({ aName: "gamma", aSize: 5, aColor: "blue", withB: false }, host));
    expect(sc.ops(r)).toEqual(["same a", "delete b"]);
    expect(Object.keys(sc.read())).toEqual(["gamma"]);
    expect(JSON.parse(sc.stateText()).resources.some((x: any) => x.urn.endsWith("::b"))).toBe(false);
  });

  it("drift names the resource and the field after an out-of-band edit, without writing state", async () => {
    const clean = await drift({ ...base, host });
    expect(clean).toEqual({ drifted: false, checked: 1, resources: [] });

    const store = sc.read();
    store.gamma.size = 9;
    sc.write(store);
    const stateBefore = sc.stateText();
    const r = await drift({ ...base, host });
    expect(r.drifted).toBe(true);
    expect(r.resources).toEqual([
      {
        urn: "urn:pulumi:test::rcclab::pulumi-nodejs:dynamic/rcclab/echo:Thing::a",
        name: "a",
        type: "rcclab:echo:Thing",
        id: "gamma",
        gone: false,
        fields: [{ field: "size", expected: 5, actual: 9 }],
      },
    ]);
    expect(sc.stateText()).toBe(stateBefore);
  });

  it("refresh takes what was read; the next up puts the declared value back", async () => {
    const r = await refresh({ ...base, host });
    expect(r.steps.map((s) => `${s.op} ${s.name} ${s.fields?.join(",") ?? ""}`)).toEqual(["read a size"]);
    const a = readState(sc.stateFile, "state-pass").resources.find((x) => x.urn.endsWith("::a"))!;
    expect(a.outputs.size).toBe(9);
    expect(a.inputs.size).toBe(9);
    expect(a.outputs.secret).toBe(SECRET); // write-only secret kept, still encrypted on disk
    expect(sc.stateText()).not.toContain(SECRET);

    const u = await up(sc.opts({ aName: "gamma", aSize: 5, aColor: "blue", withB: false }, host));
    expect(sc.ops(u)).toEqual(["update a"]);
    expect(sc.read().gamma.size).toBe(5);
  });

  it("drift and refresh see an object deleted out of band", async () => {
    sc.write({});
    const r = await drift({ ...base, host });
    expect(r).toMatchObject({ drifted: true, resources: [{ name: "a", gone: true, fields: [] }] });
    const f = await refresh({ ...base, host });
    expect(f.steps[0]!.detail).toMatch(/gone/);
    expect(readState(sc.stateFile, "state-pass").resources.filter((x) => x.custom)).toEqual([]);
    // up recreates it.
    const u = await up(sc.opts({ aName: "gamma", aSize: 5, aColor: "blue", withB: false }, host));
    expect(sc.ops(u)).toEqual(["create a"]);
  });

  it("a failed create leaves a consistent state, skips what follows, and a re-run converges", async () => {
    // An object with c's natural key already exists: c's create fails.
    sc.write({ ...sc.read(), dup: { name: "dup", size: 1, color: "red", tags: [], uuid: "{X}" } });
    sc.events.length = 0;
    const spec: Spec = { aName: "gamma", aSize: 5, aColor: "blue", withB: true, withCD: true };
    const err = await failure(up(sc.opts(spec, host)));
    expect(err).toBeInstanceOf(EngineError);
    expect(err.message).toContain('rcclab:echo:Thing "c"');
    expect(err.message).toContain("create failed");
    expect(err.message).not.toContain(SECRET);
    expect(err.message).not.toContain(PASSWORD);
    expect(sc.events.find((e) => e.error)).toMatchObject({ op: "create", name: "c" });
    // d (after c, depending on it) was not run; the state holds exactly what exists.
    const store = sc.read();
    expect(store.delta).toBeUndefined();
    const state = readState(sc.stateFile, "state-pass");
    const inState = state.resources.filter((x) => x.custom).map((x) => x.id).sort();
    expect(inState).toEqual(Object.keys(store).filter((k) => k !== "dup").sort());
    expect(inState).not.toContain("dup");

    // Remove the obstacle: the re-run creates what is missing, then nothing is left to do.
    const s2 = sc.read();
    delete s2.dup;
    sc.write(s2);
    const r = await up(sc.opts(spec, host));
    expect(sc.ops(r)).toEqual(expect.arrayContaining(["same a", "create c", "create d"]));
    expect(sc.read().delta.tags).toEqual(["{DUP}"]);
    expect(Object.keys(sc.read()).sort()).toEqual(["beta", "delta", "dup", "gamma"]);
    const again = await up(sc.opts(spec, host));
    expect(again.changed).toBe(false);
  });

  it("a program that throws fails the run once its registrations are handled, and deletes nothing", async () => {
    const o = sc.opts({ aName: "gamma", aSize: 5, aColor: "blue" }, host);
    const err = await failure(
      up({
        ...o,
        program: async () => {
          const p = o.program as () => Promise<Record<string, unknown>>;
          const pulumiCfg = new pulumi.Config("rcclab");
          // Only a and b are declared: a successful run would delete c and d.
          await p.call(undefined);
          pulumiCfg.require("missingKey");
        },
      }),
    );
    expect(err.message).toMatch(/the program failed: .*missingKey/);
    expect(Object.keys(sc.read()).sort()).toEqual(["beta", "delta", "dup", "gamma"]);
  });

  it("check failures name the resource and the property, and change nothing", async () => {
    const stateBefore = sc.stateText();
    const err = await failure(up(sc.opts({ aName: "gamma", aSize: 0, aColor: "blue", withCD: true }, host)));
    expect(err.message).toMatch(/rcclab:echo:Thing "a": invalid inputs: size: /);
    const err2 = await failure(preview(sc.opts({ aName: "Gamma", aSize: 5, aColor: "blue", withCD: true }, host)));
    expect(err2.message).toMatch(/"a": invalid inputs: name: must be lower-case letters/);
    expect(sc.stateText()).toBe(stateBefore);
  });

  it("destroy deletes everything, dependents first, and leaves nothing", async () => {
    sc.events.length = 0;
    const r = await destroy({ ...base, host });
    const order = r.steps.map((s) => s.name);
    expect(order.sort()).toEqual(["a", "b", "c", "d"]);
    const steps = r.steps.map((s) => s.name);
    expect(steps.indexOf("d")).toBeLessThan(steps.indexOf("c")); // d depends on c
    expect(steps.indexOf("c")).toBeLessThan(steps.indexOf("a")); // c dependsOn a
    expect(steps.indexOf("b")).toBeLessThan(steps.indexOf("a")); // b uses a's uuid
    expect(sc.read()).toEqual({});
    const state = JSON.parse(sc.stateText());
    expect(state.resources).toEqual([]);
    expect(state.outputs).toEqual({});
    // destroy then up (rebuild) works in the same process.
    const u = await up(sc.opts({}, host));
    expect(sc.ops(u)).toEqual(["create a", "create b"]);
    await destroy({ ...base, host });
    expect(sc.read()).toEqual({});
  });
});

describe("stack config (Pulumi passphrase secrets provider)", () => {
  // An encryptionsalt from Pulumi's own tests (pkg/secrets/passphrase/manager_test.go): passphrase "password".
  const PULUMI_SALT = "v1:fozI5u6B030=:v1:F+6ZduKKd8G0/V7L:PGMFeIzwobWRKmEAzUdaQHqC5mMRIQ==";

  it("accepts the passphrase of a salt made by Pulumi and rejects a wrong one", () => {
    expect(() => PassphraseCrypter.fromEncryptionSalt("password", PULUMI_SALT)).not.toThrow();
    expect(() => PassphraseCrypter.fromEncryptionSalt("password123", PULUMI_SALT)).toThrow(/incorrect passphrase/);
  });

  it("reads secure values made with a Pulumi salt, nested in structured config", () => {
    const c = PassphraseCrypter.fromEncryptionSalt("password", PULUMI_SALT);
    const file = path.join(dir, "Pulumi.pulumi.yaml");
    fs.writeFileSync(
      file,
      [
        `encryptionsalt: ${PULUMI_SALT}`,
        "config:",
        "  rcclab:cucm:",
        "    host: cucm1.lab.example.com",
        "    port: 8443",
        "    password:",
        `      secure: ${c.encrypt("cucm-S3cret")}`,
        "    users:",
        "      - userid: alice",
        "        pin:",
        `          secure: ${c.encrypt("1234")}`,
        "  rcclab:plain: just text",
        "  domain: lab.example.com",
        "",
      ].join("\n"),
    );
    const got = loadStackConfig(file, { passphrase: "password", project: "rcclab" });
    expect(got.config).toEqual({
      "rcclab:cucm": { host: "cucm1.lab.example.com", port: 8443, password: "cucm-S3cret", users: [{ userid: "alice", pin: "1234" }] },
      "rcclab:plain": "just text",
      "rcclab:domain": "lab.example.com",
    });
    expect(got.secretKeys).toEqual(["rcclab:cucm"]);
  });

  it("writes a stack file that reads back, with secrets only as ciphertext", () => {
    const file = path.join(dir, "stacks", "Pulumi.rt.yaml");
    const config = {
      "rcclab:cucm": { host: "cucm1", password: "pw-One!", users: [{ userid: "bob", pin: 4321 }] },
      "rcclab:adminPassword": "Adm1n-Pass",
      "rcclab:count": 3,
    };
    writeStackConfig(file, config, { passphrase: "stack-pass", secrets: ["rcclab:cucm.password", "rcclab:cucm.users[0].pin", "rcclab:adminPassword"] });
    const text = fs.readFileSync(file, "utf8");
    expect(text).toMatch(/^encryptionsalt: v1:[^:]+:v1:[^:]+:[^:\s]+$/m);
    expect(text).not.toContain("pw-One!");
    expect(text).not.toContain("Adm1n-Pass");
    expect(text).toContain("secure: v1:");

    const got = loadStackConfig(file, { passphrase: "stack-pass" });
    // Like Pulumi, a secret's plaintext is a string.
    expect(got.config).toEqual({ ...config, "rcclab:cucm": { ...config["rcclab:cucm"], users: [{ userid: "bob", pin: "4321" }] } });
    expect(got.secretKeys.sort()).toEqual(["rcclab:adminPassword", "rcclab:cucm"]);

    // Rewriting keeps the salt (same passphrase required).
    const salt = got.encryptionSalt;
    writeStackConfig(file, { ...config, "rcclab:count": 4 }, { passphrase: "stack-pass", secrets: ["rcclab:adminPassword"] });
    expect(loadStackConfig(file, { passphrase: "stack-pass" }).encryptionSalt).toBe(salt);
    expect(() => writeStackConfig(file, config, { passphrase: "other" })).toThrow(/incorrect passphrase/);
  });

  it("says when the passphrase is wrong or missing, and reads it from the environment", () => {
    const file = path.join(dir, "Pulumi.env.yaml");
    writeStackConfig(file, { "rcclab:pw": "x-secret" }, { passphrase: "envpass", secrets: ["rcclab:pw"] });
    expect(() => loadStackConfig(file, { passphrase: "wrong" })).toThrow(/incorrect passphrase/);

    const saved = { p: process.env.PULUMI_CONFIG_PASSPHRASE, f: process.env.PULUMI_CONFIG_PASSPHRASE_FILE };
    try {
      delete process.env.PULUMI_CONFIG_PASSPHRASE;
      delete process.env.PULUMI_CONFIG_PASSPHRASE_FILE;
      expect(() => loadStackConfig(file)).toThrow(/PULUMI_CONFIG_PASSPHRASE/);
      const pf = path.join(dir, "passphrase.txt");
      fs.writeFileSync(pf, "envpass\n");
      process.env.PULUMI_CONFIG_PASSPHRASE_FILE = pf;
      expect(loadStackConfig(file).config).toEqual({ "rcclab:pw": "x-secret" });
      process.env.PULUMI_CONFIG_PASSPHRASE = "envpass";
      expect(loadStackConfig(file).secretKeys).toEqual(["rcclab:pw"]);
    } finally {
      if (saved.p === undefined) delete process.env.PULUMI_CONFIG_PASSPHRASE;
      else process.env.PULUMI_CONFIG_PASSPHRASE = saved.p;
      if (saved.f === undefined) delete process.env.PULUMI_CONFIG_PASSPHRASE_FILE;
      else process.env.PULUMI_CONFIG_PASSPHRASE_FILE = saved.f;
    }
  });
});
