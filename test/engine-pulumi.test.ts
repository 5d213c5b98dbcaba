/**
 * The Pulumi engine (src/engine/pulumi.ts, src/engine/pulumiEvents.ts) without a Pulumi CLI: its
 * events turned into drift reports and steps (fixtures typed with the Automation API's event types),
 * the workspace's environment (backend, passphrase), the options of each operation, and a whole run
 * against a stand-in of the Automation API.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { automation } from "@pulumi/pulumi";
import type { EngineEvent as PulumiEvent } from "@pulumi/pulumi/automation";
import type { CommandOptions } from "../src/commands";
import type { DriftResult, EngineEvent, Progress } from "../src/engine/local";
import {
  describeBackend,
  destroyOptions,
  driftOptions,
  fileBackendFolder,
  lineSplitter,
  previewOptions,
  pulumiCli,
  pulumiEnv,
  stackError,
  upOptions,
  type Automation,
  type PulumiRun,
  type PulumiStack,
} from "../src/engine/pulumi";
import { driftFromEvents, StepCollector, stepsFromEvents, topField } from "../src/engine/pulumiEvents";
import * as fx from "./fixtures/pulumi/events";

/* eslint-disable @typescript-eslint/no-require-imports */
const rpc = require("@pulumi/pulumi/runtime/rpc");

// The Automation API matches the part of it the engine uses (checked at compile time).
const _real: Automation = automation;
void _real;

describe("fixtures", () => {
  it("use Pulumi's own wire constants", () => {
    expect(fx.SIG).toBe(rpc.specialSigKey);
    expect(fx.SECRET_SIG).toBe(rpc.specialSecretSig);
    expect(fx.UNKNOWN).toBe(rpc.unknownValue);
  });
});

describe("drift from a refresh preview's events", () => {
  it("names the drifted resource and field, the gone one, and counts the custom resources read", () => {
    const d = driftFromEvents(fx.driftEvents());
    // phone, phone2, line, appUser, record, trunk: not the stack, the component, the provider or the pending delete.
    expect(d.checked).toBe(6);
    expect(d.drifted).toBe(true);
    expect(d.resources).toEqual([
      {
        urn: fx.URN.phone,
        name: "phone-SEP001122334455",
        type: "rcclab:cucm:Phone",
        id: "SEP001122334455",
        gone: false,
        fields: [{ field: "description", expected: "Alice desk", actual: "changed by hand" }],
      },
      { urn: fx.URN.line, name: "line-1001", type: "rcclab:cucm:Line", id: "1001/Internal", gone: true, fields: [] },
    ]);
  });

  it("reports no drift when every read is the same", () => {
    const events = [...fx.refreshed(fx.phone, "same"), ...fx.refreshed(fx.appUser, "same")];
    expect(driftFromEvents(events)).toEqual({ drifted: false, checked: 2, resources: [] });
    expect(driftFromEvents([])).toEqual({ drifted: false, checked: 0, resources: [] });
  });

  it("a refreshed state without `new` is gone, whatever the op", () => {
    const [announce, found] = fx.refreshed(fx.phone, "delete");
    const asUpdate: PulumiEvent = { ...found!, resOutputsEvent: { ...found!.resOutputsEvent!, metadata: { ...found!.resOutputsEvent!.metadata, op: "update" } } };
    expect(driftFromEvents([announce!, asUpdate]).resources[0]).toMatchObject({ gone: true, fields: [] });
  });

  it("uses the engine's diffs and detailed diff (paths to top-level fields) when a provider gives them", () => {
    const live = fx.state(fx.URN.phone, fx.TYPE.phone, fx.phone.id, { ...fx.phone.inputs, lines: [{ index: 1, dirn: "1009", partition: "Internal" }] });
    const events = fx.refreshed(fx.phone, "update", live, { diffs: ["lines"], detailedDiff: { "lines[0].dirn": { diffKind: automation.DiffKind.update, inputDiff: false } } });
    expect(driftFromEvents(events).resources[0]!.fields).toEqual([
      { field: "lines", expected: fx.phone.inputs.lines, actual: [{ index: 1, dirn: "1009", partition: "Internal" }] },
    ]);
    expect(topField("lines[0].dirn")).toBe("lines");
    expect(topField('["a.b"].c')).toBe("a.b");
    expect(topField("description")).toBe("description");
  });

  it("shows secrets as [secret], whether the event holds the secret object (value or ciphertext) or the string", () => {
    for (const hidden of [fx.secret(), { [fx.SIG]: fx.SECRET_SIG, value: "s3cr3t-in-clear" }, "[secret]"]) {
      const live = fx.state(fx.URN.appUser, fx.TYPE.appUser, "rcc", { ...fx.appUser.inputs, password: hidden, userGroups: [] });
      const old = fx.state(fx.URN.appUser, fx.TYPE.appUser, "rcc", { ...fx.appUser.inputs, password: { [fx.SIG]: fx.SECRET_SIG, value: "0ld-s3cr3t" } });
      const events = fx.refreshed(old, "update", live, { diffs: ["password", "userGroups"] });
      const d = driftFromEvents(events);
      expect(d.resources[0]!.fields).toEqual([
        { field: "password", expected: "[secret]", actual: "[secret]" },
        { field: "userGroups", expected: ["Standard CTI Enabled"], actual: [] },
      ]);
      expect(JSON.stringify(d)).not.toMatch(/s3cr3t/);
    }
  });

  it("an update whose difference is not visible still drifts, named (unknown)", () => {
    const events = fx.refreshed(fx.appUser, "update", fx.appUser);
    expect(driftFromEvents(events).resources[0]!.fields).toEqual([{ field: "(unknown)", expected: undefined, actual: undefined }]);
  });

  it("with the kinds loaded, compares their managed fields and hides their secret paths", () => {
    const g = globalThis as unknown as Record<string, Map<string, unknown> | undefined>;
    const saved = g.__rcclabKinds;
    g.__rcclabKinds = new Map([["rcclab:cucm:Line", { fieldNames: ["pattern", "partition", "description", "pin"], secretPaths: ["pin", "connection.password"] }]]);
    try {
      const old = fx.state(fx.URN.line, fx.TYPE.line, fx.line.id, { ...fx.line.inputs, pin: "1234" }, { uuid: "{A}" });
      // The uuid changed too (not a managed field), and the pin (a secret path, in clear here).
      const live = fx.state(fx.URN.line, fx.TYPE.line, fx.line.id, { ...fx.line.inputs, pin: "9999", description: "Eve" }, { uuid: "{B}" });
      const d = driftFromEvents(fx.refreshed(old, "update", live));
      expect(d.resources[0]!.fields).toEqual([
        { field: "description", expected: "Alice", actual: "Eve" },
        { field: "pin", expected: "[secret]", actual: "[secret]" },
      ]);
    } finally {
      g.__rcclabKinds = saved;
    }
  });
});

describe("steps from an up's or preview's events", () => {
  it("a preview: ops, types, names, changed fields old → new, secrets hidden, the replacement's order", () => {
    const r = stepsFromEvents(fx.previewEvents());
    expect(r.steps.map((s) => [s.op, s.type, s.name])).toEqual([
      ["update", "rcclab:cucm:Phone", "phone-SEP001122334455"],
      ["same", "rcclab:cucm:Phone", "phone-SEP00AABBCCDDEE"],
      ["update", "rcclab:cucm:AppUser", "appuser-rcc"],
      ["create", "rcclab:cucm:Line", "line-1001"],
      ["replace", "rcclab:dns:RecordSet", "dns-cup"],
      ["update", "rcclab:cucm:SipTrunk", "trunk-cup"],
      ["delete", "rcclab:cucm:Line", "line-1002"],
    ]);
    const [phone, , appUser, line, record, trunk, removed] = r.steps;
    expect(phone).toMatchObject({ id: "SEP001122334455", fields: ["description"], changes: [{ field: "description", old: "changed by hand", new: "Alice desk" }] });
    expect(phone!.connectionOnly).toBeUndefined();
    expect(appUser).toMatchObject({
      fields: ["connection", "password"],
      changes: [
        { field: "connection", old: "[secret]", new: "[secret]" },
        { field: "password", old: "[secret]", new: "[secret]" },
      ],
    });
    expect(line).toMatchObject({ detail: "inputs known only after apply" });
    expect(line!.id).toBeUndefined();
    expect(record).toMatchObject({
      fields: ["name"],
      changes: [{ field: "name", old: "cup.lab.example", new: "cup2.lab.example" }],
      detail: "delete before create",
    });
    expect(trunk).toMatchObject({ fields: ["connection"], connectionOnly: true, changes: [{ field: "connection", old: "[secret]", new: "[secret]" }] });
    expect(removed).toMatchObject({ id: "1002/Internal" });
    expect(r.summary).toEqual({ create: 1, update: 3, replace: 1, delete: 1, same: 1 });
    expect(r.changed).toBe(true);
    expect(JSON.stringify(r)).not.toContain("__provider");
  });

  it("an up: ids from the outputs, the same steps as its preview", () => {
    const up = stepsFromEvents(fx.previewEvents(false));
    const preview = stepsFromEvents(fx.previewEvents(true));
    expect(up.steps.map((s) => s.op)).toEqual(preview.steps.map((s) => s.op));
    expect(up.steps.find((s) => s.name === "line-1001")!.id).toBe("1001/Internal");
    // Delete before create: the replace step comes before the new object exists; it takes its id.
    expect(up.steps.find((s) => s.name === "dns-cup")!.id).toBe("cup2.lab.example/A");
    expect(preview.steps.find((s) => s.name === "dns-cup")!.id).toBe("cup.lab.example/A");
  });

  it("create before delete, and a leftover replaced object deleted", () => {
    const r = stepsFromEvents(fx.replaceCreateFirstEvents());
    expect(r.steps).toEqual([
      expect.objectContaining({ op: "replace", name: "trunk-cup", id: "CUP-Trunk-2", fields: ["name"], detail: "create before delete", changes: [{ field: "name", old: "CUP-Trunk", new: "CUP-Trunk-2" }] }),
      expect.objectContaining({ op: "delete", name: "line-1001", id: "1001/Old", detail: "replaced" }),
    ]);
    expect(r.summary).toEqual({ create: 0, update: 0, replace: 1, delete: 1, same: 0 });
  });

  it("a failed step is left out of the steps, and its event carries the error", () => {
    const c = new StepCollector();
    const emitted = fx.upFailingEvents().map((e) => c.add(e)).filter((e): e is EngineEvent => e !== undefined);
    expect(emitted.map((e) => [e.op, e.name, e.error])).toEqual([
      ["same", "phone-SEP00AABBCCDDEE", undefined],
      ["update", "appuser-rcc", 'rcclab:cucm:AppUser "rcc": update failed: AXL 500: Access denied'],
    ]);
    expect(emitted[0]!.preview).toBeUndefined();
    expect(c.result().steps.map((s) => s.name)).toEqual(["phone-SEP00AABBCCDDEE"]);
    expect(c.result().changed).toBe(false);
  });

  it("destroy: the custom resources' deletes (not the component's or the stack's)", () => {
    const r = stepsFromEvents(fx.destroyEvents());
    expect(r.steps.map((s) => [s.op, s.name])).toEqual([
      ["delete", "phone-SEP001122334455"],
      ["delete", "line-1001"],
      ["delete", "appuser-rcc"],
    ]);
    expect(r.summary.delete).toBe(3);
  });
});

describe("the workspace's environment", () => {
  const cwd = "/home/u/lab";
  it("no backend given: no PULUMI_BACKEND_URL (the CLI uses the one `pulumi login` chose)", () => {
    const e = pulumiEnv({}, {}, cwd);
    expect(e.envVars).toEqual({});
    expect(e.backend).toBeUndefined();
    expect(e.source).toBe("pulumi login");
    expect(describeBackend(e)).toMatch(/pulumi login/);
  });

  it("an exported PULUMI_BACKEND_URL is used; --backend wins over it", () => {
    expect(pulumiEnv({}, { PULUMI_BACKEND_URL: "s3://bucket/rcclab" }, cwd)).toMatchObject({ backend: "s3://bucket/rcclab", source: "PULUMI_BACKEND_URL", envVars: { PULUMI_BACKEND_URL: "s3://bucket/rcclab" } });
    const e = pulumiEnv({ backend: "https://api.pulumi.com" }, { PULUMI_BACKEND_URL: "s3://bucket/rcclab" }, cwd);
    expect(e).toMatchObject({ backend: "https://api.pulumi.com", source: "--backend", envVars: { PULUMI_BACKEND_URL: "https://api.pulumi.com" } });
    expect(pulumiEnv({}, { PULUMI_BACKEND_URL: "" }, cwd).envVars).toEqual({});
  });

  it("a file:// backend: its folder, relative paths from here, ~ as the home folder, query kept", () => {
    expect(pulumiEnv({ backend: "file://./state" }, {}, cwd)).toMatchObject({ backend: "file:///home/u/lab/state", folder: "/home/u/lab/state" });
    expect(pulumiEnv({ backend: "file:///srv/pulumi?no_tmp_dir=false" }, {}, cwd)).toMatchObject({ backend: "file:///srv/pulumi?no_tmp_dir=false", folder: "/srv/pulumi" });
    expect(fileBackendFolder("file://~", cwd, "/home/u")).toBe("/home/u");
    expect(fileBackendFolder("file://~/.pulumi-lab", cwd, "/home/u")).toBe("/home/u/.pulumi-lab");
    expect(fileBackendFolder("s3://bucket", cwd)).toBeUndefined();
  });

  it("passes the passphrase and the stacks folder, and never shows the passphrase or a URL's credentials", () => {
    const e = pulumiEnv({ passphrase: "pa55-phrase", stacksDir: "my-stacks", backend: "https://user:t0ken@pulumi.example.com/api?token=t0ken" }, {}, cwd);
    expect(e.envVars).toEqual({ PULUMI_BACKEND_URL: "https://user:t0ken@pulumi.example.com/api?token=t0ken", PULUMI_CONFIG_PASSPHRASE: "pa55-phrase", RCCLAB_STACKS_DIR: "/home/u/lab/my-stacks" });
    expect(describeBackend(e)).toBe("Pulumi backend: https://pulumi.example.com/api (--backend)");
    expect(pulumiEnv({ passphrase: "" }, {}, cwd).envVars).toEqual({ PULUMI_CONFIG_PASSPHRASE: "" });
  });

  it("a stack that cannot be opened says what to do", () => {
    const none = pulumiEnv({}, {}, cwd);
    const notFound = Object.assign(new Error("no stack named 'guide' found"), { name: "StackNotFoundError" });
    expect(stackError(notFound, "guide", none)).toMatch(/^no stack guide on this Pulumi backend .*run up first/);
    expect(stackError(new Error("PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions"), "guide", none)).toMatch(/pulumi login --local/);
    expect(stackError(new Error("boom"), "guide", none)).toBe("cannot open stack guide: boom");
  });
});

describe("the operations' options", () => {
  const h = { onOutput: () => {}, onEvent: () => {} };
  it("up refreshes first; preview refreshes and shows the diff; destroy; drift only listens", () => {
    expect(upOptions(h)).toEqual({ refresh: true, onOutput: h.onOutput, onEvent: h.onEvent });
    expect(previewOptions(h)).toEqual({ refresh: true, diff: true, onOutput: h.onOutput, onEvent: h.onEvent });
    expect(destroyOptions(h)).toEqual({ onOutput: h.onOutput, onEvent: h.onEvent });
    expect(driftOptions(h)).toEqual({ onEvent: h.onEvent });
  });

  it("the CLI's output is printed as whole lines", () => {
    const lines: string[] = [];
    const s = lineSplitter((l) => lines.push(l));
    s.write("Previewing update (guide):\n  pulumi:pulu");
    s.write("mi:Stack rcclab-guide\r\n\nResources:");
    s.end();
    expect(lines).toEqual(["Previewing update (guide):", "  pulumi:pulumi:Stack rcclab-guide", "", "Resources:"]);
  });
});

describe("a run, against a stand-in of the Automation API", () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.PULUMI_BACKEND_URL;
    delete process.env.PULUMI_BACKEND_URL;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.PULUMI_BACKEND_URL;
    else process.env.PULUMI_BACKEND_URL = saved;
  });

  function standIn(events: PulumiEvent[], opts: { missing?: boolean } = {}) {
    const calls: { how: string; envVars?: Record<string, string>; stackName: string; op?: string; options?: Record<string, unknown> }[] = [];
    const play = (o?: { onEvent?: (e: PulumiEvent) => void; onOutput?: (s: string) => void }) => {
      o?.onOutput?.("Updating (guide)\n\n  pulumi:pulumi:Stack rcclab-guide running\n");
      events.forEach((e) => o?.onEvent?.(e));
    };
    /** A stack operation that records its call and plays the events. */
    const playing = (op: string) => async (o?: Record<string, unknown> & Parameters<typeof play>[0]) => {
      calls.push({ how: "", stackName: "", op, options: o as Record<string, unknown> });
      play(o);
    };
    const stack: PulumiStack = {
      async up(o) {
        await playing("up")(o as Record<string, unknown>);
        return { outputs: { lab: { value: { cucm: "cucm.lab.example" }, secret: false }, ctiPassword: { value: "s3cr3t", secret: true } } };
      },
      preview: playing("preview"),
      previewRefresh: playing("drift"),
      destroy: playing("destroy"),
      previewDestroy: playing("destroy-plan"),
    };
    const open = (how: string) => async (args: { stackName: string }, ws?: { envVars?: Record<string, string> }) => {
      calls.push({ how, stackName: args.stackName, ...(ws?.envVars ? { envVars: ws.envVars } : {}) });
      if (opts.missing && how === "select") throw Object.assign(new Error("no stack named 'guide' found"), { name: "StackNotFoundError" });
      return stack;
    };
    const automation: Automation = { LocalWorkspace: { createOrSelectStack: open("createOrSelect"), selectStack: open("select") } };
    return { automation, calls };
  }

  function runOf(op: PulumiRun["op"], automation: Automation, passphrase = "pa55-phrase"): PulumiRun {
    return {
      op,
      passphrase,
      automation,
      checkedStack: async () => ({ config: { "rcclab:cucm": { host: "cucm.lab.example" } } }),
      preflight: async (_c, print) => print("preflight: CUP matches"),
    };
  }

  it("up: refresh first, steps and summary from the events, outputs with their secrets named, no backend set", async () => {
    const { automation, calls } = standIn(fx.previewEvents(false));
    const printed: string[] = [];
    const seen: EngineEvent[] = [];
    const opts: CommandOptions = { stack: "guide", print: (l) => printed.push(l), onEvent: (e) => seen.push(e) };
    const r = await pulumiCli(opts, runOf("up", automation));
    expect(calls[0]).toMatchObject({ how: "createOrSelect", stackName: "guide", envVars: { PULUMI_CONFIG_PASSPHRASE: "pa55-phrase" } });
    expect(calls[0]!.envVars!.PULUMI_BACKEND_URL).toBeUndefined();
    expect(calls[1]).toMatchObject({ op: "up", options: { refresh: true } });
    expect(r.summary).toEqual({ create: 1, update: 3, replace: 1, delete: 1, same: 1 });
    expect(r.steps.map((s) => s.op)).toEqual(["update", "same", "update", "create", "replace", "update", "delete"]);
    expect(seen.map((e) => e.name)).toEqual(r.steps.map((s) => s.name));
    expect(r.changed).toBe(true);
    expect(r.outputs).toEqual({ lab: { cucm: "cucm.lab.example" }, ctiPassword: "s3cr3t" });
    expect(r.secretOutputs).toEqual(["ctiPassword"]);
    expect(printed).toContain("preflight: CUP matches");
    expect(printed).toContain("  pulumi:pulumi:Stack rcclab-guide running");
    expect(printed.some((l) => /^Pulumi backend: the one `pulumi login` chose/.test(l))).toBe(true);
    expect(printed.join("\n")).not.toContain("pa55-phrase");
  });

  it("preview: refresh and diff; --backend file://… creates the folder and wins over PULUMI_BACKEND_URL", async () => {
    process.env.PULUMI_BACKEND_URL = "s3://elsewhere";
    const folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-pulumi-")), "backend");
    const { automation, calls } = standIn(fx.previewEvents(true));
    const printed: string[] = [];
    const r = await pulumiCli({ stack: "guide", backend: `file://${folder}`, print: (l) => printed.push(l) }, runOf("preview", automation));
    expect(fs.statSync(folder).isDirectory()).toBe(true);
    expect(calls[0]!.envVars!.PULUMI_BACKEND_URL).toBe(`file://${folder}`);
    expect(calls[1]).toMatchObject({ op: "preview", options: { refresh: true, diff: true } });
    expect(r.steps.find((s) => s.name === "phone-SEP001122334455")!.changes).toEqual([{ field: "description", old: "changed by hand", new: "Alice desk" }]);
    expect(r.outputs).toEqual({});
    expect(printed).toContain(`Pulumi backend: file://${folder} (--backend)`);
  });

  it("drift: a refresh preview on the existing stack, the report from its events, progress per resource", async () => {
    const { automation, calls } = standIn(fx.driftEvents());
    const progress: Progress[] = [];
    const printed: string[] = [];
    const r = await pulumiCli({ stack: "guide", print: (l) => printed.push(l), onProgress: (p) => progress.push(p) }, runOf("drift", automation));
    expect(calls[0]!.how).toBe("select");
    expect(calls[1]).toMatchObject({ op: "drift" });
    expect(Object.keys(calls[1]!.options!)).toEqual(["onEvent"]);
    const d = r.outputs as unknown as DriftResult;
    expect(d).toEqual(driftFromEvents(fx.driftEvents()));
    expect(d.checked).toBe(6);
    expect(r.changed).toBe(true);
    expect(progress.length).toBe(6);
    expect(progress[0]).toEqual({ phase: "drift", done: 1, current: "rcclab:cucm:Phone phone-SEP001122334455" });
    // Pulumi's own refresh text is not printed: the CLI prints the report.
    expect(printed.some((l) => l.includes("rcclab-guide running"))).toBe(false);
  });

  it("drift or destroy of a stack that does not exist: an error, no stack created", async () => {
    const { automation, calls } = standIn([], { missing: true });
    await expect(pulumiCli({ stack: "guide" }, runOf("drift", automation))).rejects.toThrow(/no stack guide on this Pulumi backend/);
    await expect(pulumiCli({ stack: "guide" }, runOf("destroy", automation))).rejects.toThrow(/run up first/);
    expect(calls.every((c) => c.how === "select")).toBe(true);
  });

  it("destroy: no preflight, the deletes as steps", async () => {
    const { automation } = standIn(fx.destroyEvents());
    const run = runOf("destroy", automation);
    let preflights = 0;
    run.preflight = async () => void preflights++;
    const r = await pulumiCli({ stack: "guide" }, run);
    expect(preflights).toBe(0);
    expect(r.steps.map((s) => s.op)).toEqual(["delete", "delete", "delete"]);
    expect(r.changed).toBe(true);
  });

  it("the destroy plan (for the CLI's question): a destroy preview on the existing stack, its deletes as steps, no preflight", async () => {
    const { automation, calls } = standIn(fx.destroyEvents());
    const run = runOf("destroy-plan", automation);
    let preflights = 0;
    run.preflight = async () => void preflights++;
    const r = await pulumiCli({ stack: "guide" }, run);
    expect(preflights).toBe(0);
    expect(calls.map((c) => c.how || c.op)).toEqual(["select", "destroy-plan"]);
    expect(r.summary.delete).toBe(3);
  });
});
