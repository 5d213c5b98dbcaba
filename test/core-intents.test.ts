/**
 * Create intents (providers/core/intents.ts, used by the core's create in providers/core/kind.ts):
 * a create leaves nothing in the journal; a create interrupted after the system took it is taken
 * over by the next create of the same object; without an intent AlreadyExists stays an error; no
 * secret reaches the journal; old intents expire; another stack's intent is not this stack's.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { RcclabError } from "../providers/core/errors";
import { ENGINE_JOURNALS, createIntentsFile, currentStack, fieldsHash, readIntents, recordIntent, removeIntent, targetOf } from "../providers/core/intents";
import { defineKind } from "../providers/core/kind";
import { ProviderHost } from "../src/engine/providerHost";
import { Thing, echoSystem } from "./fixtures/echo-kind";
import { failure, withStderr } from "./support/kinds";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-intents-"));
const journal = path.join(dir, "journal", "create-intents.json");
process.env.RCCLAB_CREATE_INTENTS = journal;

const SECRET = "Hunter2-s3cret!";
const PASSWORD = "C0nn-Pa55word";
let stores = 0;
const conn = () => ({ store: path.join(dir, `store-${++stores}.json`), password: PASSWORD });

const storeOf = (c: { store: string }): Record<string, Record<string, unknown>> => (fs.existsSync(c.store) ? JSON.parse(fs.readFileSync(c.store, "utf8")) : {});
const putLive = (c: { store: string }, name: string, o: Record<string, unknown>) => fs.writeFileSync(c.store, JSON.stringify({ ...storeOf(c), [name]: o }));

/**
 * A kind like the echo Thing whose create can be "killed": it writes the object, then never returns
 * (the process dies before the engine records anything) while `hang` is set.
 */
const control = { hang: false, failAfterWrite: false, failBeforeWrite: false, readFails: undefined as RcclabError | undefined };
const Crashy = defineKind({
  type: "rcclab:echo:Crashy",
  file: __filename,
  exportName: "Crashy",
  system: echoSystem,
  fields: z.object({ name: z.string(), size: z.number().int(), secret: z.string().optional() }),
  key: (f) => f.name,
  secrets: ["secret"],
  computed: ["uuid"],
  async create({ client }, f) {
    if (client.get(f.name)) throw new RcclabError("AlreadyExists", `${f.name} exists`);
    if (control.failBeforeWrite) throw new RcclabError("InvalidRequest", "refused before anything was written");
    const uuid = `{${f.name.toUpperCase()}}`;
    client.put(f.name, { name: f.name, size: f.size, uuid });
    if (control.hang) await new Promise(() => {});
    if (control.failAfterWrite) throw new RcclabError("Transport", "connection reset after the write");
    return { uuid };
  },
  async read({ client }, id) {
    if (control.readFails) throw control.readFails;
    const o = client.get(id) as { name: string; size: number; uuid: string } | undefined;
    return o && { fields: { name: o.name, size: o.size }, outputs: { uuid: o.uuid } };
  },
  async update({ client }, id, olds, news) {
    client.put(id, { name: news.name, size: news.size, uuid: olds.uuid });
    return { uuid: olds.uuid };
  },
  async delete({ client }, id) {
    client.del(id);
  },
});

const crashy = Crashy.runtime;
const inputsOf = (c: ReturnType<typeof conn>, more: Record<string, unknown> = {}) => {
  const r = crashy.check({}, { name: "alpha", size: 1, secret: SECRET, connection: c, ...more });
  expect(r.failures).toEqual([]);
  return r.inputs;
};

/** "Kill" a create: start it, wait until the system has the object, and abandon it. */
async function killedCreate(inputs: Record<string, unknown>): Promise<void> {
  control.hang = true;
  void crashy.create(inputs);
  const c = inputs.connection as { store: string };
  for (let i = 0; i < 200 && !storeOf(c)[inputs.name as string]; i++) await new Promise((r) => setTimeout(r, 5));
  control.hang = false;
  expect(storeOf(c)[inputs.name as string]).toBeDefined();
}

beforeEach(() => {
  control.hang = false;
  control.failAfterWrite = false;
  control.failBeforeWrite = false;
  control.readFails = undefined;
  fs.rmSync(journal, { force: true });
});
afterEach(() => {
  delete process.env.PULUMI_STACK;
  delete process.env.PULUMI_PROJECT;
});

describe("create intents: the journal", () => {
  it("lives in .rcclab/create-intents.json in the working directory unless RCCLAB_CREATE_INTENTS moves it", () => {
    expect(createIntentsFile()).toBe(journal);
    const saved = process.env.RCCLAB_CREATE_INTENTS;
    delete process.env.RCCLAB_CREATE_INTENTS;
    try {
      expect(createIntentsFile()).toBe(path.join(process.cwd(), ".rcclab", "create-intents.json"));
    } finally {
      process.env.RCCLAB_CREATE_INTENTS = saved;
    }
  });

  it("is not kept when the engine journals creates itself (RCCLAB_CREATE_INTENTS=engine, set by rcclab's local engine)", async () => {
    const saved = process.env.RCCLAB_CREATE_INTENTS;
    const cwd = process.cwd();
    const where = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-engine-journals-"));
    process.env.RCCLAB_CREATE_INTENTS = ENGINE_JOURNALS;
    process.chdir(where);
    try {
      const intent = { type: "rcclab:echo:Thing", key: "k", target: "t", fields: "f", at: new Date().toISOString(), pid: process.pid };
      expect(recordIntent(intent)).toBeUndefined();
      expect(recordIntent(intent)).toBeUndefined();
      removeIntent(intent);
      expect(fs.readdirSync(where)).toEqual([]);
    } finally {
      process.chdir(cwd);
      process.env.RCCLAB_CREATE_INTENTS = saved;
      fs.rmSync(where, { recursive: true, force: true });
    }
  });

  it("is empty after a create that succeeded", async () => {
    const c = conn();
    const created = await crashy.create(inputsOf(c));
    expect(created.id).toBe("alpha");
    expect(readIntents()).toEqual([]);
    expect(fs.existsSync(journal)).toBe(false);
  });

  it("holds the intent while the create runs, with type, key, target, fields hash, stack, project and time", async () => {
    process.env.PULUMI_STACK = "dev";
    process.env.PULUMI_PROJECT = "lab";
    const c = conn();
    const before = Date.now();
    await killedCreate(inputsOf(c, { name: "bravo" }));
    const [intent, ...more] = readIntents();
    expect(more).toEqual([]);
    expect(intent).toMatchObject({ type: "rcclab:echo:Crashy", key: "bravo", stack: "dev", project: "lab", pid: process.pid });
    expect(intent!.target).toBe(targetOf(c, ["password"]));
    expect(intent!.fields).toBe(fieldsHash({ name: "bravo", size: 1, secret: SECRET }, ["secret"]));
    expect(Date.parse(intent!.at)).toBeGreaterThanOrEqual(before - 1000);
    removeIntent(intent!);
  });

  it("never holds a secret: not the value, not its hash, not the connection's password", async () => {
    const c = conn();
    await killedCreate(inputsOf(c, { name: "charlie" }));
    const text = fs.readFileSync(journal, "utf8");
    for (const s of [SECRET, PASSWORD]) {
      expect(text).not.toContain(s);
      expect(text).not.toContain(crypto.createHash("sha256").update(s).digest("hex"));
      expect(text).not.toContain(Buffer.from(s).toString("base64"));
    }
    // A changed secret is no other intent (secrets count only as present); a rotated connection password finds it too.
    expect(fieldsHash({ name: "charlie", size: 1, secret: "other" }, ["secret"])).toBe(readIntents()[0]!.fields);
    expect(targetOf({ ...c, password: "rotated" }, ["password"])).toBe(readIntents()[0]!.target);
    for (const i of readIntents()) removeIntent(i);
  });

  it("drops intents older than the limit when it is read", () => {
    const old = { type: "rcclab:echo:Crashy", key: "old", target: "t", fields: "f", at: new Date(Date.now() - 40 * 86_400_000).toISOString(), pid: 1 };
    const fresh = { ...old, key: "fresh", at: new Date().toISOString() };
    recordIntent(fresh);
    recordIntent(old, { maxAgeDays: 1000 });
    expect(readIntents({ maxAgeDays: 1000 }).map((i) => i.key).sort()).toEqual(["fresh", "old"]);
    expect(readIntents().map((i) => i.key)).toEqual(["fresh"]);
    // The next change writes the journal without it.
    removeIntent(fresh);
    expect(fs.existsSync(journal)).toBe(false);
  });

  it("stays consistent under many concurrent creates", async () => {
    const c = conn();
    const all = await Promise.all(Array.from({ length: 25 }, (_, i) => crashy.create(inputsOf(c, { name: `n${i}` }))));
    expect(all).toHaveLength(25);
    expect(readIntents()).toEqual([]);
    expect(fs.readdirSync(path.dirname(journal)).filter((f) => f !== "create-intents.json")).toEqual([]);
  });
});

describe("create intents: an interrupted create", () => {
  it("is taken over by the next create: the object is this stack's (same id and outputs shape as a create)", async () => {
    const c = conn();
    const inputs = inputsOf(c, { name: "delta" });
    await killedCreate(inputs);
    expect(readIntents().map((i) => i.key)).toEqual(["delta"]);

    const { result, log } = await withStderr(() => crashy.create(inputs));
    expect(result.id).toBe("delta");
    expect(Object.keys(result.outs).sort()).toEqual(Object.keys((await crashy.create(inputsOf(conn(), { name: "delta" }))).outs).sort().filter((k) => k !== "secret"));
    expect(result.outs).toMatchObject({ name: "delta", size: 1, uuid: "{DELTA}", connection: c });
    expect(log).toContain('rcclab:echo:Crashy "delta": the rcclab:echo:Crashy delta an interrupted run created is taken over: it is this stack\'s');
    expect(log).not.toContain(SECRET);
    // Exactly one object, and nothing left in the journal.
    expect(Object.keys(storeOf(c))).toEqual(["delta"]);
    expect(readIntents().filter((i) => i.key === "delta")).toEqual([]);
    // The write-only secret was not known: the next diff writes it.
    expect(crashy.diff("delta", result.outs, inputs).changes).toBe(true);
  });

  it("taken over with other fields than desired: the live ones are the outputs, so the next diff updates them", async () => {
    const c = conn();
    await killedCreate(inputsOf(c, { name: "echo", size: 1, secret: undefined }));
    const inputs = inputsOf(c, { name: "echo", size: 9, secret: undefined });
    const taken = await crashy.create(inputs);
    expect(taken.outs).toMatchObject({ size: 1, uuid: "{ECHO}" });
    expect(crashy.changedFields(taken.outs, inputs)).toEqual(["size"]);
    const updated = await crashy.update(taken.id, taken.outs, inputs);
    expect(updated.outs).toMatchObject({ size: 9, uuid: "{ECHO}" });
  });

  it("works through Pulumi's dynamic-provider host too (the journal found from its environment)", async () => {
    // The compiled echo kind, serialized as pulumi.dynamic.Resource does (npm run build first).
    const pulumi = require("@pulumi/pulumi");
    const compiled = require(path.resolve(__dirname, "../dist/test/fixtures/echo-kind.js"));
    const fn = await pulumi.runtime.serializeFunction(() => compiled.Thing.provider, { allowSecrets: true });
    const host = await ProviderHost.start(undefined, { ...process.env, RCCLAB_CREATE_INTENTS: journal, PULUMI_STACK: "dev" });
    try {
      const urn = "urn:pulumi:dev::rcclab::pulumi-nodejs:dynamic/rcclab/echo:Thing::t";
      const c = conn();
      const checked = await host.check(urn, Thing.pulumiType, {}, { __provider: fn.text, name: "foxtrot", size: 2, connection: c, secret: SECRET });
      expect(checked.failures).toEqual([]);
      // The state a killed run leaves: the system has the object, the journal the intent.
      putLive(c, "foxtrot", { name: "foxtrot", size: 2, color: "red", tags: [], uuid: "{FOXTROT}" });
      recordIntent({
        type: Thing.type,
        key: "foxtrot",
        target: targetOf(c, ["password"]),
        fields: fieldsHash({ name: "foxtrot", size: 2, color: "red", tags: [], secret: SECRET }, ["secret"]),
        stack: "dev",
        at: new Date().toISOString(),
        pid: 1,
      });
      const created = await host.create(urn, Thing.pulumiType, checked.inputs);
      expect(created.id).toBe("foxtrot");
      expect(created.outs).toMatchObject({ uuid: "{FOXTROT}", size: 2 });
      expect(readIntents()).toEqual([]);

      // Without an intent: AlreadyExists, as before.
      const again = await failure(host.create(urn, Thing.pulumiType, checked.inputs));
      expect(again.message).toMatch(/create failed: foxtrot exists/);
      expect(again.message).not.toContain(SECRET);
    } finally {
      await host.stop();
    }
  });

  it("failed after the system took it (answers lost): the intent stays, and the next create takes it over", async () => {
    const c = conn();
    const inputs = inputsOf(c, { name: "golf" });
    control.failAfterWrite = true;
    expect((await failure(crashy.create(inputs))).code).toBe("Transport");
    control.failAfterWrite = false;
    expect(readIntents().map((i) => i.key)).toEqual(["golf"]);
    expect((await crashy.create(inputs)).outs).toMatchObject({ uuid: "{GOLF}" });
    expect(readIntents()).toEqual([]);
  });

  it("failed before anything was written: the intent goes", async () => {
    const c = conn();
    const err = await failure(crashy.create(inputsOf(c, { name: "hotel", connection: { ...c, password: "wrong" } })));
    expect(err.code).toBe("Unauthorized");
    expect(readIntents()).toEqual([]);
    // Refused, and the object is not there.
    control.failBeforeWrite = true;
    expect((await failure(crashy.create(inputsOf(c, { name: "hotel" })))).code).toBe("InvalidRequest");
    expect(readIntents()).toEqual([]);
    // Refused, and reading says NotFound (nor what would hold it).
    control.readFails = new RcclabError("NotFound", "zone not found");
    await failure(crashy.create(inputsOf(c, { name: "hotel" })));
    expect(readIntents()).toEqual([]);
  });

  it("failed, and whether the object is there cannot be read: the intent stays", async () => {
    const c = conn();
    control.failAfterWrite = true;
    control.readFails = new RcclabError("Transport", "connection refused");
    await failure(crashy.create(inputsOf(c, { name: "hotel" })));
    expect(readIntents().map((i) => i.key)).toEqual(["hotel"]);
  });
});

describe("create intents: no intent, no takeover", () => {
  it("an object this stack did not create stays AlreadyExists, and the journal stays empty", async () => {
    const c = conn();
    putLive(c, "india", { name: "india", size: 1, uuid: "{SOMEONE-ELSES}" });
    const err = await failure(crashy.create(inputsOf(c, { name: "india" })));
    expect(err.code).toBe("AlreadyExists");
    expect(err.message).toContain('rcclab:echo:Crashy "india": create failed: india exists');
    expect(readIntents()).toEqual([]);
    // And it stays an error on the next run too (the failed create left no intent behind).
    expect((await failure(crashy.create(inputsOf(c, { name: "india" })))).code).toBe("AlreadyExists");
  });

  it("an expired intent is no intent", async () => {
    const c = conn();
    const inputs = inputsOf(c, { name: "juliet" });
    await killedCreate(inputs);
    const [intent] = readIntents();
    removeIntent(intent!);
    recordIntent({ ...intent!, at: new Date(Date.now() - 31 * 86_400_000).toISOString() }, { maxAgeDays: 1000 });
    expect((await failure(crashy.create(inputs))).code).toBe("AlreadyExists");
  });

  it("another stack's intent is not this stack's; another system's neither", async () => {
    const c = conn();
    const inputs = inputsOf(c, { name: "kilo" });
    process.env.PULUMI_STACK = "prod";
    await killedCreate(inputs);
    process.env.PULUMI_STACK = "dev";
    expect((await failure(crashy.create(inputs))).code).toBe("AlreadyExists");
    // The other stack's intent is still there (it is that stack's to use).
    expect(readIntents().map((i) => [i.key, i.stack])).toEqual([["kilo", "prod"]]);
    process.env.PULUMI_STACK = "prod";
    // Same stack, but the object lives on another system (another store): not this one's.
    const other = { ...c, store: path.join(dir, "elsewhere.json") };
    putLive(other, "kilo", { name: "kilo", size: 1, uuid: "{KILO}" });
    expect((await failure(crashy.create(inputsOf(other, { name: "kilo" })))).code).toBe("AlreadyExists");
    // The right stack and system take it over.
    expect((await crashy.create(inputs)).id).toBe("kilo");
    expect(readIntents()).toEqual([]);
  });

  it("reads the stack and project from PULUMI_STACK / PULUMI_PROJECT, else none", () => {
    expect(currentStack({})).toEqual({});
    expect(currentStack({ PULUMI_STACK: "dev", PULUMI_PROJECT: "lab" })).toEqual({ stack: "dev", project: "lab" });
  });
});

beforeAll(() => fs.mkdirSync(dir, { recursive: true }));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
