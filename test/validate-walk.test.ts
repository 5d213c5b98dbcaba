/**
 * `validate` refuses everything `up` would refuse, by YAML path, with no system running.
 *
 * The walk: the local stack's program is planned under Pulumi's mocks; each resource input that
 * carries a value written in the stack (traced by value) is a (kind, field) the stack feeds. For
 * each, a bad value the kind's own check refuses is looked for among a few candidates; the stack is
 * changed to hold it, and `validate` must refuse the stack with errors that name `rcclab:` paths.
 * Every kind the program uses must be walked on at least one field.
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { PlannedResource } from "../src/engine/programCheck";

// The compiled modules, as the CLI runs them (the program loads its kinds with require).
const dist = (m: string) => require(path.resolve(__dirname, "../dist", m));
const { fieldNamesOf } = dist("providers/core/kind") as typeof import("../providers/core/kind");
const { checkConfig, loadStack } = dist("src/commands") as typeof import("../src/commands");
const { planProgram } = dist("src/engine/programCheck") as typeof import("../src/engine/programCheck");
const { lab } = dist("src/program") as typeof import("../src/program");

type Json = unknown;
type Path = (string | number)[];

const stack = loadStack({ stack: "local" });
const plan = (config: Record<string, unknown>) => planProgram(lab, config, stack.secretKeys);

function leaves(v: Json, path: Path = [], out: [Path, Json][] = []): [Path, Json][] {
  if (Array.isArray(v)) v.forEach((x, i) => leaves(x, [...path, i], out));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) leaves(x, [...path, k], out);
  else out.push([path, v]);
  return out;
}

function setAt(root: Json, path: Path, value: Json): Json {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let cur = copy as Record<string | number, unknown>;
  for (const p of path.slice(0, -1)) cur = cur[p] as Record<string | number, unknown>;
  cur[path[path.length - 1]!] = value;
  return copy;
}

const CANDIDATES: Record<string, Json[]> = {
  string: ["", " padded ", "x".repeat(300), "not a valid value!", "-1"],
  number: [-1, 0, 1_000_000_000, 1.5],
  boolean: [],
};

interface KindCheck {
  check(o: object, n: object): { failures: { property: string }[] };
  spec: { fields: never; system: { connectionSchema: never } };
}
const kinds = () => (globalThis as Record<string, unknown>)["__rcclabKinds"] as Map<string, KindCheck>;

describe("validate walks every kind's field rules", () => {
  it("the local stack is valid, and its program declares resources of every kind it uses", async () => {
    expect(await checkConfig(stack.config, stack.secretKeys)).toEqual([]);
    expect((await plan(stack.config)).length).toBeGreaterThan(50);
  });

  it("refuses, by YAML path, a stack holding any value a kind would refuse", async () => {
    const resources: PlannedResource[] = await plan(stack.config);
    // Config leaves whose value is written once in the stack, by value.
    const byValue = new Map<string, [Path, Json][]>();
    for (const [p, v] of leaves(stack.config)) {
      if (typeof v !== "string" && typeof v !== "number") continue;
      if (typeof v === "string" && v.length < 3) continue;
      const k = JSON.stringify(v);
      byValue.set(k, [...(byValue.get(k) ?? []), [p, v]]);
    }
    const walked = new Map<string, string[]>(); // kind -> fields walked
    const refusedNothing: string[] = [];
    const done = new Set<string>();
    for (const r of resources) {
      const kind = kinds().get(r.type)!;
      for (const [inPath, value] of leaves(r.inputs)) {
        const field = inPath[0] === "connection" ? `connection.${String(inPath[1])}` : String(inPath[0]);
        const key = `${r.type} ${field}`;
        if (done.has(key)) continue;
        const sources = byValue.get(JSON.stringify(value));
        if (!sources || sources.length !== 1) continue;
        const [cfgPath] = sources[0]!;
        const refusedByKind = (CANDIDATES[typeof value] ?? []).filter((c) => kind.check({}, setAt(r.inputs, inPath, c) as object).failures.length > 0);
        if (refusedByKind.length === 0) continue;
        done.add(key);
        for (const bad of refusedByKind) {
          const errors = await checkConfig(setAt(stack.config, cfgPath, bad) as Record<string, unknown>, stack.secretKeys);
          if (errors.length === 0) refusedNothing.push(`${key} <- ${cfgPath.join(".")} = ${JSON.stringify(bad)}`);
          for (const e of errors) expect(e.path, `${key}: ${e.message}`).toMatch(/^rcclab:\w/);
        }
        walked.set(r.type, [...(walked.get(r.type) ?? []), field]);
      }
    }
    expect(refusedNothing, "values a kind refuses that validate let through").toEqual([]);
    // Every kind the program uses had at least one of its fields walked.
    const used = [...new Set(resources.map((r) => r.type))].sort();
    expect([...walked.keys()].sort()).toEqual(used);
    // And the walk is wide: most kinds' fields and connections.
    const total = [...walked.values()].reduce((n, f) => n + f.length, 0);
    expect(total).toBeGreaterThan(100);
    for (const t of used) expect(fieldNamesOf(kinds().get(t)!.spec.fields as never).length).toBeGreaterThan(0);
  });

  it("refuses the two stacks that used to stop up half-way, naming their paths", async () => {
    const cases: [Path, Json, string][] = [
      [["rcclab:directory", "usersDn"], "Users in the lab", "rcclab:directory.usersDn"],
      [["rcclab:ocs", "ssh", "hostKeySha256"], "AA:BB:CC", "rcclab:ocs.ssh.hostKeySha256"],
      [["rcclab:cup", "cli", "hostKeySha256"], "md5:00", "rcclab:cup.cli.hostKeySha256"],
    ];
    for (const [p, v, expected] of cases) {
      const errors = await checkConfig(setAt(stack.config, p, v) as Record<string, unknown>, stack.secretKeys);
      expect(errors.map((e) => e.path)).toEqual([expected]);
    }
  });

  it("names the user, resource and field for a value only a derived input breaks", async () => {
    const long = setAt(stack.config, ["rcclab:users", 1, "firstName"], "Bartholomew-Maximilian-Alexander");
    const errors = await checkConfig(long as Record<string, unknown>, stack.secretKeys);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.path === "rcclab:users[1]")).toBe(true);
    expect(errors.map((e) => e.message).join("\n")).toMatch(/rcclab:cucm:Phone cucm-phone-SEP001E4AAABB02: lines\[0\]\.label/);
  });

  it("applies the 7931's one call per line and 12.5+'s single presence flag", async () => {
    const c7931 = setAt(stack.config, ["rcclab:users", 2, "callsPerLine"], { maxNumCalls: 2, busyTrigger: 1 });
    expect((await checkConfig(c7931 as Record<string, unknown>)).map((e) => e.path)).toEqual(["rcclab:users[2].callsPerLine"]);
    const ok7931 = setAt(stack.config, ["rcclab:users", 2, "callsPerLine"], { maxNumCalls: 1, busyTrigger: 1 });
    expect(await checkConfig(ok7931 as Record<string, unknown>, stack.secretKeys)).toEqual([]);
    const r14 = setAt(stack.config, ["rcclab:cucm", "release"], "14.0") as Record<string, any>;
    r14["rcclab:cucm"].version = "14.0";
    expect(await checkConfig(r14, stack.secretKeys)).toEqual([]);
    const split = setAt(r14, ["rcclab:users", 0, "presence"], { ups: true, upc: false });
    expect((await checkConfig(split as Record<string, unknown>)).map((e) => e.path)).toEqual(["rcclab:users[0].presence"]);
    const split7 = setAt(stack.config, ["rcclab:users", 0, "presence"], { ups: true, upc: false });
    expect(await checkConfig(split7 as Record<string, unknown>, stack.secretKeys)).toEqual([]);
  });
});

describe("resource names are natural keys", () => {
  it("reordering the users, Meet-Me numbers and dial rules declares the same resources with the same inputs", async () => {
    const base = await plan(stack.config);
    const reordered = structuredClone(stack.config) as Record<string, any>;
    reordered["rcclab:users"].reverse();
    reordered["rcclab:meetMe"] = [...(reordered["rcclab:meetMe"] ?? []), { pattern: "+14085559001" }].reverse();
    const withExtra = structuredClone(stack.config) as Record<string, any>;
    withExtra["rcclab:meetMe"] = [...(withExtra["rcclab:meetMe"] ?? []), { pattern: "+14085559001" }];
    const a = Object.fromEntries((await plan(withExtra)).map((r) => [`${r.type} ${r.name}`, r.inputs]));
    const b = Object.fromEntries((await plan(reordered)).map((r) => [`${r.type} ${r.name}`, r.inputs]));
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    for (const k of Object.keys(a)) {
      if (/DeskPhoneControlUsers|AppUser/.test(k)) continue; // lists CUCM and CUP keep as sets
      expect(b[k], k).toEqual(a[k]);
    }
    expect(Object.keys(a)).toContain("rcclab:cucm:MeetMe cucm-meet-me-+14085559001");
    expect(base.some((r) => r.name === "cucm-line-+14085551001" && r.type === "rcclab:cucm:Line")).toBe(true);
  });
});
