import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Thing } from "./fixtures/echo-kind";
import { ProviderHost } from "../src/engine/providerHost";
import { formatPath, sameValue } from "../providers/core/kind";
import { redact } from "../providers/core/redact";
import { failure } from "./support/kinds";

const rt = Thing.runtime;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-core-"));
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
