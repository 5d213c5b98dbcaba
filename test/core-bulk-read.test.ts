import { describe, expect, it } from "vitest";
import { type BulkObject, BulkReads } from "../providers/core/bulkRead";

type Obj = BulkObject<{ name: string }, { uuid: string }>;
const obj = (name: string): Obj => ({ fields: { name }, outputs: { uuid: `u-${name}` } });
const log = { info: () => {}, warn: (m: string) => warnings.push(m) };
let warnings: string[] = [];

function setup(opts = { after: 3, windowMs: 1000, ttlMs: 5000 }) {
  let t = 0;
  const reads = new BulkReads(opts, () => t);
  const calls = { all: 0, single: [] as string[] };
  let live = new Map<string, Obj>([["a", obj("a")], ["b", obj("b")], ["c", obj("c")], ["d", obj("d")]]);
  const bulk = {
    scope: (olds: { zone?: string }) => olds.zone ?? "",
    readAll: async () => {
      calls.all++;
      return new Map(live);
    },
  };
  const read = (id: string, olds: { zone?: string } = {}, type = "rcclab:x:K", clientKey = "k1") =>
    reads.read(type, clientKey, bulk as any, { client: {}, connection: {}, log }, id, olds as any, async () => {
      calls.single.push(id);
      return live.get(id);
    });
  return {
    reads,
    calls,
    read,
    tick: (ms: number) => (t += ms),
    setLive: (m: Map<string, Obj>) => (live = m),
    failAll: () => (bulk.readAll = async () => Promise.reject(new Error("list refused"))),
  };
}

describe("bulk reads", () => {
  it("reads singly until reads of one kind come often enough, then once for all", async () => {
    const s = setup();
    expect(await s.read("a")).toEqual(obj("a"));
    await s.read("b");
    expect(s.calls).toEqual({ all: 0, single: ["a", "b"] });
    expect(await s.read("c")).toEqual(obj("c"));
    expect(await s.read("d")).toEqual(obj("d"));
    expect(s.calls).toEqual({ all: 1, single: ["a", "b"] });
    expect(s.reads.stats).toEqual({ single: 2, bulk: 1, fromBulk: 2 });
  });

  it("concurrent reads share one bulk read", async () => {
    const s = setup({ after: 1, windowMs: 1000, ttlMs: 5000 });
    const got = await Promise.all(["a", "b", "c", "d"].map((id) => s.read(id)));
    expect(got.map((g) => g?.fields.name)).toEqual(["a", "b", "c", "d"]);
    expect(s.calls.all).toBe(1);
  });

  it("reads spread out do not start a bulk read", async () => {
    const s = setup();
    for (const id of ["a", "b", "c", "d"]) {
      await s.read(id);
      s.tick(600);
    }
    expect(s.calls.all).toBe(0);
  });

  it("an object the bulk read lacks is read singly: a bulk read never says it is gone", async () => {
    const s = setup({ after: 1, windowMs: 1000, ttlMs: 5000 });
    await s.read("a");
    s.setLive(new Map([["a", obj("a")], ["z", obj("z")]]));
    expect(await s.read("z")).toEqual(obj("z"));
    expect(s.calls.single).toEqual(["z"]);
    expect(await s.read("gone")).toBeUndefined();
    expect(s.calls.single).toEqual(["z", "gone"]);
  });

  it("answers expire, and a write to the system drops them", async () => {
    const s = setup({ after: 1, windowMs: 1000, ttlMs: 5000 });
    await s.read("a");
    s.setLive(new Map([["a", obj("a2")]]));
    expect((await s.read("a"))?.fields.name).toBe("a");
    s.tick(5001);
    expect((await s.read("a"))?.fields.name).toBe("a2");
    s.setLive(new Map([["a", obj("a3")]]));
    s.reads.forget("k1");
    expect((await s.read("a"))?.fields.name).toBe("a3");
    expect(s.calls.all).toBe(3);
  });

  it("scopes, kinds and systems are apart", async () => {
    const s = setup({ after: 1, windowMs: 1000, ttlMs: 5000 });
    await s.read("a", { zone: "z1" });
    await s.read("a", { zone: "z2" });
    await s.read("a", {}, "rcclab:x:Other");
    await s.read("a", {}, "rcclab:x:K", "k2");
    expect(s.calls.all).toBe(4);
    s.reads.forget("k2");
    await s.read("a", { zone: "z1" });
    expect(s.calls.all).toBe(4);
  });

  it("a bulk read that fails falls back to single reads, with a warning", async () => {
    warnings = [];
    const s = setup({ after: 1, windowMs: 1000, ttlMs: 5000 });
    s.failAll();
    expect(await s.read("a")).toEqual(obj("a"));
    expect(s.calls.single).toEqual(["a"]);
    expect(warnings.join()).toMatch(/reading every rcclab:x:K at once failed \(list refused\); reading them one by one/);
  });
});
