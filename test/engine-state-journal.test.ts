/**
 * The state's work grows with the change (src/engine/state.ts): outcomes are saved in batches, an
 * unchanged entry is not sealed again, and a create's intent is one fsynced journal line that a
 * later load applies (once: a save takes it in and empties the journal).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Entry, type Intent, StateFileError, StateStore, journalFileOf } from "../src/engine/state";
import { secret } from "../src/engine/wire";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-journal-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const PASS = "journal-test-passphrase";
let n = 0;
const freshFile = () => path.join(dir, `s${++n}.state.json`);
const TYPE = "pulumi-nodejs:dynamic:Resource";
const PROVIDER = `exports.handler = ${"x".repeat(5000)}`;

const entry = (name: string, password = "pw"): Entry => {
  const urn = `urn:pulumi:s::rcclab::${TYPE}::${name}`;
  const bag = { name, password: secret(password), __provider: PROVIDER };
  return { urn, type: TYPE, custom: true, id: name, dependencies: [], inputs: bag, outputs: bag };
};
const intent = (name: string, password = "pw"): Intent => ({ op: "create", urn: entry(name).urn, type: TYPE, id: name, dependencies: [], inputs: entry(name, password).inputs, since: "2026-12-02T00:00:00Z" });
const load = (file: string) => StateStore.load(file, PASS, "rcclab", "s");
/** The ciphertext an entry's password is stored as (through the file's table of sealed secrets). */
const sealedOf = (file: string, i: number): string => {
  const data = JSON.parse(fs.readFileSync(file, "utf8"));
  return data.secrets[data.resources[i].inputs.password.__secret.$ref];
};

describe("state: batched saves, sealed once, intents journal", () => {
  it("saveSoon writes once per batch; flush writes what waits", async () => {
    const file = freshFile();
    const s = load(file);
    s.saveDelayMs = 50;
    for (const name of ["a", "b", "c"]) {
      s.live.set(entry(name).urn, entry(name));
      s.saveSoon();
    }
    expect(fs.existsSync(file)).toBe(false);
    await new Promise((r) => setTimeout(r, 120));
    expect(s.saves).toBe(1);
    expect([...load(file).live.keys()]).toHaveLength(3);
    s.live.delete(entry("a").urn);
    s.saveSoon();
    s.flush();
    expect(s.saves).toBe(2);
    expect([...load(file).live.values()].map((e) => e.id)).toEqual(["b", "c"]);
    s.flush();
    expect(s.saves).toBe(2);
  });

  it("an unchanged entry keeps its sealed text from save to save; a replaced one is sealed anew", () => {
    const file = freshFile();
    const s = load(file);
    s.live.set(entry("a").urn, entry("a"));
    s.live.set(entry("b").urn, entry("b"));
    s.save();
    const [a1, b1] = [sealedOf(file, 0), sealedOf(file, 1)];
    // The same secret in two entries is sealed and stored once.
    expect(a1).toBe(b1);
    expect(Object.keys(JSON.parse(fs.readFileSync(file, "utf8")).secrets)).toHaveLength(1);
    s.live.set(entry("b").urn, entry("b", "pw2"));
    s.save();
    expect(sealedOf(file, 0)).toBe(a1);
    expect(sealedOf(file, 1)).not.toBe(b1);
    const back = load(file).live.get(entry("b").urn)!;
    expect(back.inputs.password).toEqual(secret("pw2"));
    // Outputs equal to their inputs are stored once (the outputs name them), and come back whole.
    const stored = JSON.parse(fs.readFileSync(file, "utf8")).resources[1];
    expect(stored.outputs).toEqual({ $fromInputs: ["name", "password", "__provider"] });
    expect(back.outputs).toEqual(back.inputs);
    const differs = { ...entry("c"), outputs: { ...entry("c").outputs, name: "other", uuid: "{C}" } };
    s.live.set(differs.urn, differs);
    s.save();
    expect(load(file).live.get(differs.urn)!.outputs).toEqual({ name: "other", password: secret("pw"), __provider: PROVIDER, uuid: "{C}" });
    // The provider's text is in the file once.
    expect(fs.readFileSync(file, "utf8").split(PROVIDER).length - 1).toBe(1);
  });

  it("an intent is a journal line, not a rewrite; a load applies it, a save takes it in and empties the journal", async () => {
    const file = freshFile();
    const s = load(file);
    s.live.set(entry("a").urn, entry("a"));
    s.save();
    const before = fs.readFileSync(file, "utf8");
    await s.recordIntent(intent("b"));
    expect(fs.readFileSync(file, "utf8")).toBe(before);
    const line = fs.readFileSync(journalFileOf(file), "utf8");
    expect(line).not.toContain("pw");
    expect(line).not.toContain(PROVIDER);
    const loaded = load(file);
    expect(loaded.intents.map((i) => i.id)).toEqual(["b"]);
    expect(loaded.intents[0]!.inputs.password).toEqual(secret("pw"));
    expect(loaded.intents[0]!.inputs.__provider).toBe(PROVIDER);
    // A secret the saved state does not hold travels in the line, sealed.
    await s.recordIntent(intent("c", "new-secret"));
    expect(fs.readFileSync(journalFileOf(file), "utf8")).not.toContain("new-secret");
    expect(load(file).intents.find((i) => i.id === "c")!.inputs.password).toEqual(secret("new-secret"));
    s.settleIntent(intent("c").urn);
    s.settleIntent(intent("b").urn);
    s.flush();
    expect(fs.existsSync(journalFileOf(file))).toBe(false);
    expect(load(file).intents).toEqual([]);
  });

  it("a journal line a save already took in is not applied again (a kill between the rename and emptying the journal)", async () => {
    const file = freshFile();
    const s = load(file);
    s.save();
    await s.recordIntent(intent("b"));
    const journal = fs.readFileSync(journalFileOf(file), "utf8");
    s.settleIntent(intent("b").urn);
    s.flush();
    fs.writeFileSync(journalFileOf(file), journal);
    expect(load(file).intents).toEqual([]);
  });

  it("with no state file yet, the first intent writes the whole state", async () => {
    const file = freshFile();
    const s = load(file);
    await s.recordIntent(intent("a"));
    expect(fs.existsSync(journalFileOf(file))).toBe(false);
    expect(load(file).intents.map((i) => i.id)).toEqual(["a"]);
  });

  it("a last line cut short (killed while written) is dropped; a line cut short before it is a damaged journal", async () => {
    const file = freshFile();
    const s = load(file);
    s.save();
    await s.recordIntent(intent("a"));
    await s.recordIntent(intent("b"));
    const text = fs.readFileSync(journalFileOf(file), "utf8");
    const [l1, l2] = text.split("\n");
    fs.writeFileSync(journalFileOf(file), `${l1}\n${l2!.slice(0, 40)}`);
    expect(load(file).intents.map((i) => i.id)).toEqual(["a"]);
    fs.writeFileSync(journalFileOf(file), `${l1!.slice(0, 40)}\n${l2}\n`);
    expect(() => load(file)).toThrow(StateFileError);
    expect(() => load(file)).toThrow(/the intents journal .* is damaged at line 1/);
  });

  it("intents recorded together share one append and one fsync; one a save already holds is not appended", async () => {
    const file = freshFile();
    const s = load(file);
    s.save();
    await Promise.all(["a", "b", "c"].map((n) => s.recordIntent(intent(n))));
    expect(s.journalWrites).toBe(1);
    expect(fs.readFileSync(journalFileOf(file), "utf8").trim().split("\n")).toHaveLength(3);
    const pending = s.recordIntent(intent("d"));
    s.save();
    await pending;
    expect(s.journalWrites).toBe(1);
    expect(fs.existsSync(journalFileOf(file))).toBe(false);
    expect(load(file).intents.map((i) => i.id)).toEqual(["a", "b", "c", "d"]);
  });
});
