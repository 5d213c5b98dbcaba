import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Thing, echoSystem } from "./fixtures/echo-kind";
import { ProviderHost } from "../src/engine/providerHost";
import { RcclabError } from "../providers/core/errors";
import { defineKind, formatPath, sameValue } from "../providers/core/kind";
import { redact } from "../providers/core/redact";
import { retryLine, withRetry } from "../providers/core/retry";
import { failure, withStderr } from "./support/kinds";

const rt = Thing.runtime;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-core-"));
// The create-intent journal of these tests' creates (providers/core/intents.ts), out of the project.
process.env.RCCLAB_CREATE_INTENTS = path.join(dir, "create-intents.json");
const conn = (name = "store.json") => ({ store: path.join(dir, name), password: "Pa55-w0rd!" });

describe("provider core: check", () => {
  it("normalises valid inputs and applies defaults", () => {
    const r = rt.check({}, { name: "abc", size: 2, tags: ["b", "a"], connection: conn(), __provider: "x" });
    expect(r.failures).toEqual([]);
    expect(r.inputs).toMatchObject({ name: "abc", size: 2, color: "red", tags: ["a", "b"] });
    expect(r.inputs).not.toHaveProperty("__provider");
  });

  it("returns one failure per bad field, named by its path, secrets never echoed", () => {
    const r = rt.check({}, { name: "ABC", size: 0, color: "green", tags: ["ok", 5], connection: { store: "s", password: "" } });
    const props = r.failures.map((f) => f.property).sort();
    expect(props).toEqual(["color", "connection.password", "name", "size", "tags[1]"]);
    expect(r.failures.find((f) => f.property === "name")!.reason).toContain("lower-case");
  });

  it("formats zod paths like config paths", () => {
    expect(formatPath(["users", 3, "e164"])).toBe("users[3].e164");
    expect(formatPath(["lines", 0, "dirn", "pattern"])).toBe("lines[0].dirn.pattern");
  });
});

describe("provider core: diff", () => {
  const base = { name: "abc", size: 1, color: "red", tags: ["a"], connection: conn() };
  it("reports no change for equal state, ignoring undefined vs missing", () => {
    expect(rt.diff("abc", { ...base, secret: undefined, uuid: "{X}" }, base)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(sameValue({ a: 1, b: undefined }, { a: 1 })).toBe(true);
  });
  it("updates in place for ordinary fields and names exactly the changed ones", () => {
    expect(rt.changedFields(base, { ...base, size: 2, tags: ["a", "b"] })).toEqual(["size", "tags"]);
    expect(rt.diff("abc", base, { ...base, size: 2 })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });
  it("replaces on replace fields; delete-before-replace only when the natural key stays", () => {
    expect(rt.diff("abc", base, { ...base, color: "blue" })).toEqual({ changes: true, replaces: ["color"], deleteBeforeReplace: true });
    expect(rt.diff("abc", base, { ...base, name: "xyz" })).toEqual({ changes: true, replaces: ["name"], deleteBeforeReplace: false });
  });
  it("updates in place, replacing nothing, when only the connection changed (a rotated password)", () => {
    const news = { ...base, connection: { ...conn(), password: "other" } };
    expect(rt.diff("abc", base, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(rt.changedFields(base, news)).toEqual([]);
  });
});

describe("provider core: CRUD in process", () => {
  it("creates, reads (drift and import), updates, deletes, and tolerates an already-gone object", async () => {
    const c = conn("crud.json");
    const inputs = rt.check({}, { name: "abc", size: 1, secret: "s3cret-value", connection: c }).inputs;
    const created = await rt.create(inputs);
    expect(created.id).toBe("abc");
    expect(created.outs).toMatchObject({ name: "abc", size: 1, uuid: "{ABC}", secret: "s3cret-value" });

    // Out-of-band change shows on read; write-only secret carried from the last known state.
    const store = JSON.parse(fs.readFileSync(c.store, "utf8"));
    store.abc.size = 7;
    fs.writeFileSync(c.store, JSON.stringify(store));
    const read = await rt.read("abc", created.outs);
    expect(read.props).toMatchObject({ size: 7, uuid: "{ABC}", secret: "s3cret-value" });
    expect(read.inputs).toMatchObject({ size: 7, connection: c });
    expect(rt.changedFields(read.props!, inputs)).toEqual(["size"]);

    // Import: only the inputs (with the connection) are known.
    const imported = await rt.read("abc", { connection: c });
    expect(imported.id).toBe("abc");
    expect(imported.inputs).toMatchObject({ name: "abc", size: 7 });

    const updated = await rt.update("abc", read.props!, { ...inputs, size: 3 });
    expect(updated.outs).toMatchObject({ size: 3, uuid: "{ABC}" });

    await rt.delete("abc", updated.outs);
    expect(await rt.read("abc", updated.outs)).toEqual({});
    await expect(rt.delete("abc", updated.outs)).resolves.toBeUndefined();
  });

  it("names the resource in errors and scrubs every secret from them", async () => {
    const c = conn("err.json");
    const inputs = rt.check({}, { name: "dup", size: 1, secret: "hunter2-secret", connection: c }).inputs;
    await rt.create(inputs);
    const err = await failure(rt.create(inputs));
    expect(err.message).toContain('rcclab:echo:Thing "dup": create failed');
    expect(err.message).not.toContain("hunter2-secret");
    expect(err.message).toContain("[secret]");

    const bad = await failure(rt.create({ ...inputs, name: "other", connection: { ...c, password: "wrong" } }));
    expect(bad.message).toContain("bad password [secret]");
    expect(bad.message).not.toContain("wrong");
  });

  it("refuses to read without a connection (import needs the inputs)", async () => {
    await expect(rt.read("abc", {})).rejects.toThrow(/needs the connection/);
  });

  it("redacts encoded forms of secrets too", () => {
    const s = "p@ss w&rd";
    const t = `a ${s} b ${encodeURIComponent(s)} c p@ss w&amp;rd d ${Buffer.from(s).toString("base64")}`;
    expect(redact(t, [s])).toBe("a [secret] b [secret] c [secret] d [secret]");
  });
});

describe("provider core: through Pulumi's serialization and dynamic-provider host", () => {
  let host: ProviderHost;
  let providerText: string;
  beforeAll(async () => {
    // Serialize the compiled provider exactly as pulumi.dynamic.Resource does.
    const pulumi = require("@pulumi/pulumi");
    const compiled = require(path.resolve(__dirname, "../dist/test/fixtures/echo-kind.js"));
    const fn = await pulumi.runtime.serializeFunction(() => compiled.Thing.provider, { allowSecrets: true });
    providerText = fn.text;
    host = await ProviderHost.start();
  });
  afterAll(async () => host?.stop());

  it("runs check, create, read, diff, update and delete in the host process", async () => {
    const urn = "urn:pulumi:test::rcclab::pulumi-nodejs:dynamic/rcclab/echo:Thing::t";
    const type = Thing.pulumiType;
    const c = conn("host.json");
    const news = { __provider: providerText, name: "host", size: 1, connection: c, secret: "in-the-host" };
    const checked = await host.check(urn, type, {}, news);
    expect(checked.failures).toEqual([]);
    expect(checked.inputs).toMatchObject({ color: "red", tags: [] });

    const bad = await host.check(urn, type, {}, { ...news, size: -1 });
    expect(bad.failures).toEqual([{ property: "size", reason: expect.any(String) }]);

    const created = await host.create(urn, type, checked.inputs);
    expect(created.id).toBe("host");
    expect(created.outs).toMatchObject({ uuid: "{HOST}", __provider: providerText });

    const read = await host.read(created.id, urn, type, created.outs);
    expect(read.id).toBe("host");
    expect(read.props).toMatchObject({ size: 1, uuid: "{HOST}" });

    const diff = await host.diff(created.id, urn, created.outs, { ...checked.inputs, color: "blue" });
    expect(diff).toEqual({ changes: true, replaces: ["color"], deleteBeforeReplace: true });

    const outs = await host.update(created.id, urn, type, created.outs, { ...checked.inputs, size: 5 });
    expect(outs).toMatchObject({ size: 5 });

    const dup = await failure(host.create(urn, type, checked.inputs));
    expect(dup.message).toContain("create failed");
    expect(dup.message).not.toContain("in-the-host");

    await host.delete(created.id, urn, type, outs);
    const gone = await host.read(created.id, urn, type, outs);
    expect(gone.id).toBe("");
  });
});

describe("provider core: retries are visible", () => {
  const fast = { retries: 3, minTimeoutMs: 1, maxTimeoutMs: 2 };
  const flaky = (failures: number, make: (n: number) => Error) => async (n: number) => {
    if (n <= failures) throw make(n);
    return `ok after ${n}`;
  };

  it("logs one warning per retry: operation, reason, attempt n/N, delay", async () => {
    const lines: string[] = [];
    const log = { warn: (m: string) => void lines.push(m) };
    const got = await withRetry(flaky(2, (n) => new RcclabError("Transport", `addLine: connection reset (try ${n})`)), { ...fast, operation: "addLine", log });
    expect(got).toBe("ok after 3");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^addLine: attempt 1\/4 failed \(addLine: connection reset \(try 1\)\); retrying in \d+ ms$/);
    expect(lines[1]).toMatch(/^addLine: attempt 2\/4 failed \(addLine: connection reset \(try 2\)\); retrying in \d+ ms$/);
  });

  it("logs nothing for what is not retried, and nothing after the last attempt", async () => {
    const lines: string[] = [];
    const log = { warn: (m: string) => void lines.push(m) };
    await failure(withRetry(flaky(9, () => new RcclabError("InvalidRequest", "bad")), { ...fast, log }));
    expect(lines).toEqual([]);
    const err = await failure(withRetry(flaky(9, () => new RcclabError("Throttled", "HTTP 503")), { ...fast, log }));
    expect(err.code).toBe("Throttled");
    expect(lines.map((l) => /attempt (\d)\/4/.exec(l)?.[1])).toEqual(["1", "2", "3"]);
  });

  it("keeps a retry line to one line", () => {
    expect(retryLine("op", new Error("first\n  second\nthird"), 1, 2, 10.4)).toBe("op: attempt 1/2 failed (first second third); retrying in 10 ms");
    expect(retryLine(undefined, new Error("x".repeat(500)), 1, 2, 1).length).toBeLessThan(340);
  });

  it("inside a provider operation: a WARNING line naming the resource and the operation, secrets scrubbed", async () => {
    const Flaky = defineKind({
      type: "rcclab:echo:Flaky",
      file: __filename,
      exportName: "Flaky",
      system: echoSystem,
      fields: z.object({ name: z.string(), secret: z.string() }),
      key: (f) => f.name,
      secrets: ["secret"],
      computed: [],
      // A client's retry that passes no logger of its own: the operation's logger takes the line.
      create: async (_ctx, f) =>
        withRetry(flaky(2, () => new RcclabError("Transport", `socket hang up while sending ${f.secret}`)), { ...fast, operation: "send" }).then(() => ({})),
      read: async () => undefined,
      update: async () => ({}),
      delete: async () => {},
    });
    const inputs = Flaky.runtime.check({}, { name: "flaky", secret: "t0p-s3cret", connection: conn("flaky.json") }).inputs;
    const { log } = await withStderr(() => Flaky.runtime.create(inputs));
    const warnings = log.split("\n").filter((l) => l.includes("WARNING"));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^\[rcclab\] WARNING rcclab:echo:Flaky "flaky": create: send: attempt 1\/4 failed \(socket hang up while sending \[secret\]\); retrying in \d+ ms$/);
    expect(log).not.toContain("t0p-s3cret");
  });
});
