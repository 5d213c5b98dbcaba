/**
 * The CLI as a Pulumi or Terraform user operates it, on the embedded lab with the compiled CLI
 * (one lab, tests in order; `npm run build` first):
 * - --json on every command: one document on stdout with docs/json.md's shape, an error too;
 * - a truthful plan: a field changed behind rcclab's back shows old → new, the counts, unchanged
 *   resources hidden unless --show-same, --expect-no-changes / --detailed-exitcode exit 2; a changed
 *   connection setting is one "connection only" line per resource;
 * - no surprises: without a terminal, up refuses a plan that deletes and destroy refuses without
 *   --yes; under a pseudo terminal (util-linux script) up and destroy show the plan and ask, "n"
 *   changes nothing, "y" proceeds; the progress line counts `refreshing n/N`;
 * - rcclab outputs writes each user's Communicator .reg file and the normalization rules.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AxlClient } from "../providers/cucm/axl/client";
import { loadStackConfig, writeStackConfig } from "../src/engine/stackConfig";
import { LAB } from "../src/labsim/lab";
import { PASSPHRASE, SECRETS, type TestLab, runCli, runCliInTerminal, runProcess, startTestLab } from "./support/lab";

const PHONE = "SEP001E4AAABB02";
/** Every secret of the local stack: none may appear in any output. */
const SECRET_VALUES = [LAB.cucm.password, LAB.cup.password, LAB.cup.cliPassword, LAB.directory.password, LAB.dns.tsig.secret, LAB.ocs.password, "Lab-Cti-Pa55", "Lab-User-Pa55!"];

/** docs/json.md's step. */
const stepShape = {
  op: expect.stringMatching(/^(create|update|replace|delete|same)$/),
  type: expect.stringMatching(/^rcclab:/),
  name: expect.any(String),
  urn: expect.stringMatching(/^urn:pulumi:local::rcclab::/),
};
const summaryShape = { create: expect.any(Number), update: expect.any(Number), replace: expect.any(Number), delete: expect.any(Number), same: expect.any(Number) };

describe("operating the lab with the rcclab CLI", { timeout: 300_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-cli-"));
  let t: TestLab;
  let axl: AxlClient;
  /** The CLI on the test's stack without --yes (and without a terminal). */
  const cli = (...args: string[]) => runCli([...args, ...t.stackArgs]);
  /** The CLI on the test's stack under a pseudo terminal, typing `answer` when asked. */
  const terminal = (answer: string | undefined, ...args: string[]) => runCliInTerminal([...args, ...t.stackArgs], answer);
  const stateResources = (): number => {
    const file = path.join(t.stateDir, "local.state.json");
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")).resources as { custom: boolean }[]).filter((r) => r.custom).length : 0;
  };
  const phone = () => axl.get(axl.adapter.phone, PHONE);
  const noSecrets = (text: string) => {
    for (const s of SECRET_VALUES) expect(text).not.toContain(s);
  };

  beforeAll(async () => {
    t = await startTestLab(tmp);
    axl = new AxlClient(
      { host: "127.0.0.1", port: t.lab.cucm.port, username: LAB.cucm.username, password: LAB.cucm.password, release: "7.0", tls: { caFile: t.lab.caFile, insecureSkipVerify: false }, timeoutMs: 10_000, retries: 2, minRetryDelayMs: 10, maxRetryDelayMs: 50 },
      { info: () => {}, warn: () => {} },
    );
  });
  afterAll(async () => {
    await t?.lab.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("validate --json: { ok, errors }, each error by its YAML path", async () => {
    const good = await cli("validate", "--json");
    expect(good.code, good.err).toBe(0);
    expect(JSON.parse(good.out)).toEqual({ ok: true, errors: [] });

    const { config } = loadStackConfig(path.join(t.stacksDir, "Pulumi.local.yaml"), { passphrase: PASSPHRASE });
    (config["rcclab:users"] as Record<string, unknown>[])[3]!.e164 = "4085551004";
    const bad = path.join(tmp, "bad-stacks");
    writeStackConfig(path.join(bad, "Pulumi.local.yaml"), config, { passphrase: PASSPHRASE, secrets: SECRETS });
    const r = await runCli(["validate", "--json", "--stack", "local", "--stacks-dir", bad]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toEqual({ ok: false, errors: [{ path: "rcclab:users[3].e164", message: expect.stringContaining("must be E.164") }] });
  });

  it("without a terminal, up without --yes applies a plan that deletes nothing; --json prints one document", async () => {
    const r = await cli("up", "--json");
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ ok: true, engine: "local", changed: true, summary: { ...summaryShape, update: 0, replace: 0, delete: 0, same: 0 } });
    expect(doc.summary.create).toBeGreaterThan(50);
    expect(doc.steps).toHaveLength(doc.summary.create);
    for (const s of doc.steps) expect(s).toMatchObject({ ...stepShape, op: "create", id: expect.any(String) });
    // The non-secret outputs; the steps went to stderr as they happened.
    expect(Object.keys(doc.outputs).sort()).toEqual(["communicatorSettings", "normalizationRules", "notAutomated", "summary"]);
    expect(r.err).toMatch(new RegExp(`\\+ create rcclab:cucm:Phone \\S*phone-${PHONE}`));
    noSecrets(r.out + r.err);
    expect(stateResources()).toBe(doc.summary.create);
    expect(await phone()).toBeDefined();
  });

  it("lab up uses the local stack's own passphrase, whatever PULUMI_CONFIG_PASSPHRASE another stack exported", async () => {
    // The compiled lab command, in a child process, on this test's simulators (already running) and stack.
    const dist = path.resolve(__dirname, "../dist/src/cli");
    const script = [
      `const { lab } = require(${JSON.stringify(path.join(dist, "lab.js"))});`,
      `const { makeIo } = require(${JSON.stringify(path.join(dist, "io.js"))});`,
      `const { parseCommandLine } = require(${JSON.stringify(path.join(dist, "args.js"))});`,
      `const flags = { ...parseCommandLine(["lab", "up"]).flags, stacksDir: ${JSON.stringify(t.stacksDir)}, stateDir: ${JSON.stringify(t.stateDir)} };`,
      `lab(makeIo(flags), "up", async () => ({ endpoints: {}, dir: "", stop: async () => {} })).then((c) => process.exit(c), (e) => { console.error(e.message); process.exit(1); });`,
    ].join("\n");
    const r = await runProcess(process.execPath, ["-e", script], path.resolve(__dirname, ".."), { ...process.env, PULUMI_CONFIG_PASSPHRASE: "another-stack's-passphrase" });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Applied: no changes/);
  });

  it("outputs --dir writes each user's Communicator .reg file and the normalization rules", async () => {
    const dir = path.join(tmp, "clients");
    const r = await cli("outputs", "--dir", dir);
    expect(r.code, r.err).toBe(0);
    const users = ["asmith", "bjones", "cwu", "dlee", "eng"];
    expect(fs.readdirSync(dir).sort()).toEqual(["Company_Phone_Number_Normalization_Rules.txt", ...users.map((u) => `${u}.reg`)].sort());
    const reg = fs.readFileSync(path.join(dir, "asmith.reg"));
    expect([...reg.subarray(0, 2)]).toEqual([0xff, 0xfe]); // UTF-16LE, as regedit writes them
    const text = reg.subarray(2).toString("utf16le");
    expect(text.startsWith("Windows Registry Editor Version 5.00\r\n")).toBe(true);
    expect(text).toContain('"ServerSipUri"="sip:asmith@lab.example.com"');
    expect(text).toContain('"ServerAddressInternal"="pool1.lab.example.com"');
    expect(fs.readFileSync(path.join(dir, "Company_Phone_Number_Normalization_Rules.txt"), "utf8")).toMatch(/\r\n/);
    expect(r.out).toContain(`wrote ${path.join(dir, "asmith.reg")}`);

    const j = await cli("outputs", "--dir", dir, "--json");
    expect(j.code, j.err).toBe(0);
    const doc = JSON.parse(j.out);
    expect(doc).toMatchObject({ ok: true, stack: "local", dir });
    expect(doc.files).toHaveLength(6);
    expect(doc.files).toContainEqual({ path: path.join(dir, "bjones.reg"), kind: "communicator", userid: "bjones" });
    expect(doc.files).toContainEqual({ path: path.join(dir, "Company_Phone_Number_Normalization_Rules.txt"), kind: "normalizationRules", where: expect.stringContaining("Address Book") });
  });

  it("after a change behind rcclab's back: drift --json exits 2; preview shows old → new and the counts, hiding unchanged resources", async () => {
    const before = (await phone())!;
    const { uuid: _uuid, ...spec } = before;
    for (const req of axl.adapter.phone.update(before, { ...spec, description: "edited by hand" })) await axl.execute(req);

    const d = await cli("drift", "--json");
    expect(d.code).toBe(2);
    const drift = JSON.parse(d.out);
    expect(drift).toMatchObject({ ok: true, engine: "local", drifted: true, checked: stateResources() });
    expect(drift.resources).toEqual([
      expect.objectContaining({ type: "rcclab:cucm:Phone", id: PHONE, gone: false, fields: [{ field: "description", expected: before.description, actual: "edited by hand" }] }),
    ]);

    const p = await cli("preview");
    expect(p.code, p.err).toBe(0);
    const lines = p.out.split("\n");
    const at = lines.findIndex((l) => new RegExp(`^~ update rcclab:cucm:Phone \\S*phone-${PHONE} \\[${PHONE}\\]$`).test(l));
    expect(at, p.out).toBeGreaterThanOrEqual(0);
    expect(lines[at + 1]).toBe(`    description: "edited by hand" → ${JSON.stringify(before.description)}`);
    const unchanged = stateResources() - 1;
    expect(p.out).toContain(`Plan: 0 to create, 1 to update, 0 to replace, 0 to delete, ${unchanged} unchanged`);
    expect(p.out).not.toMatch(/^= same/m);
    expect(await phone()).toMatchObject({ description: "edited by hand" }); // preview changed nothing
  });

  it("preview --show-same lists the unchanged resources; --expect-no-changes and --detailed-exitcode exit 2 on changes", async () => {
    const shown = await cli("preview", "--show-same", "--expect-no-changes");
    expect(shown.code).toBe(2);
    expect(shown.out.match(/^= same rcclab:/gm)).toHaveLength(stateResources() - 1);

    const j = await cli("preview", "--json", "--detailed-exitcode");
    expect(j.code).toBe(2);
    const doc = JSON.parse(j.out);
    expect(doc).toMatchObject({ ok: true, engine: "local", changed: true, summary: { ...summaryShape, update: 1 } });
    expect(doc.steps).toEqual([{ ...stepShape, op: "update", type: "rcclab:cucm:Phone", id: PHONE, fields: ["description"], changes: [{ field: "description", old: "edited by hand", new: expect.any(String) }] }]);
  });

  it("on a terminal, up shows the plan and asks; y applies it; the progress line counts refreshing n/N", async () => {
    const r = await terminal("y", "up");
    expect(r.code, r.out).toBe(0);
    expect(r.asked).toBe(true);
    const shown = r.out.slice(0, r.out.indexOf("Proceed?"));
    expect(shown).toMatch(/description: "edited by hand" → /);
    expect(shown).toContain("Plan: 0 to create, 1 to update");
    const total = stateResources();
    expect(r.out).toMatch(new RegExp(`refreshing \\d+/${total} `));
    expect(r.out).toContain(`Applied: 0 created, 1 updated, 0 replaced, 0 deleted, ${total - 1} unchanged`);
    expect((await phone())!.description).not.toBe("edited by hand");
  });

  it("a changed connection setting is one 'connection only' line per resource; without a terminal up refuses a plan that deletes", async () => {
    const original = loadStackConfig(path.join(t.stacksDir, "Pulumi.local.yaml"), { passphrase: PASSPHRASE }).config;
    t.editStack((c) => {
      (c["rcclab:cucm"] as Record<string, unknown>).timeoutMs = 20_000; // the AXL connection only
      c["rcclab:meetMe"] = []; // the Meet-Me number goes: a delete
    });
    try {
      const p = await cli("preview");
      expect(p.code, p.err).toBe(0);
      const lines = p.out.split("\n");
      const connectionOnly = lines.flatMap((l, i) => (/\(connection only: credentials or endpoint changed\)$/.test(l) ? [i] : []));
      expect(connectionOnly.length).toBeGreaterThan(10);
      for (const i of connectionOnly) {
        expect(lines[i]).toMatch(/^~ update rcclab:cucm:\S+ /); // only CUCM's resources use the AXL connection
        expect(lines[i + 1]).not.toMatch(/^ {4}/); // one line: no field lines under it
      }
      expect(p.out).not.toMatch(/^ {4}connection:/m);
      expect(p.out).toMatch(/^- delete rcclab:cucm:MeetMe /m);
      expect(p.out).toMatch(new RegExp(`Plan: 0 to create, ${connectionOnly.length} to update, 0 to replace, 1 to delete, \\d+ unchanged`));

      const before = stateResources();
      const up = await cli("up", "--json");
      expect(up.code).toBe(1);
      expect(JSON.parse(up.out)).toEqual({ ok: false, error: { message: expect.stringMatching(/refusing to apply without a terminal: this plan deletes 1 object; nothing was changed\. Re-run with --yes/), exitCode: 1 } });
      expect(stateResources()).toBe(before);
      expect(await axl.get(axl.adapter.meetMe, { pattern: "\\+14085559000" })).toBeDefined();
    } finally {
      t.editStack((c) => Object.assign(c, original));
    }
  });

  it("destroy without a terminal refuses without --yes; on a terminal it lists the deletes and 'n' changes nothing", async () => {
    const before = stateResources();
    const refused = await cli("destroy");
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`refusing to destroy without a terminal: it deletes ${before} objects rcclab created for stack local; nothing was changed. Re-run with --yes`);
    expect(stateResources()).toBe(before);

    const no = await terminal("n", "destroy");
    expect(no.code).toBe(1);
    expect(no.asked).toBe(true);
    expect(no.out).toMatch(new RegExp(`- delete rcclab:cucm:Phone \\S*phone-${PHONE}`));
    expect(no.out).toContain(`Plan: 0 to create, 0 to update, 0 to replace, ${before} to delete, 0 unchanged`);
    expect(no.out).toContain(`destroy stack local: it deletes ${before} objects rcclab created`);
    expect(no.out).toContain("cancelled: nothing was changed");
    expect(stateResources()).toBe(before);
    expect(await phone()).toBeDefined();
  });

  it("destroy --yes --json: one document with each delete", async () => {
    const before = stateResources();
    const r = await cli("destroy", "--yes", "--json");
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ ok: true, engine: "local", summary: { create: 0, update: 0, replace: 0, delete: before, same: 0 } });
    expect(doc.steps).toHaveLength(before);
    for (const s of doc.steps) expect(s).toMatchObject({ ...stepShape, op: "delete" });
    expect(stateResources()).toBe(0);
    expect(await phone()).toBeUndefined();
  });

  it("rebuild --yes --json --quiet: up's document plus what was destroyed; stderr holds only warnings", async () => {
    const r = await cli("rebuild", "--yes", "--json", "--quiet");
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ ok: true, engine: "local", changed: true, summary: summaryShape, destroyed: { summary: { ...summaryShape, delete: 0 }, steps: [] } });
    expect(doc.summary.create).toBe(stateResources());
    expect(doc.outputs.communicatorSettings).toHaveLength(5);
    for (const line of r.err.split("\n").filter(Boolean)) expect(line).toMatch(/^warning: /);
    noSecrets(r.out + r.err);
  });

  it("on a terminal, destroy with 'y' deletes everything, with its progress", async () => {
    const before = stateResources();
    expect(before).toBeGreaterThan(0);
    const r = await terminal("y", "destroy");
    expect(r.code, r.out).toBe(0);
    expect(r.asked).toBe(true);
    expect(r.out).toMatch(new RegExp(`destroying \\d+/${before} `));
    expect(r.out).toContain(`Destroyed: ${before} deleted`);
    expect(stateResources()).toBe(0);
    expect(await phone()).toBeUndefined();

    // Nothing left: said, and nothing asked.
    const again = await terminal("y", "destroy");
    expect(again.code).toBe(0);
    expect(again.asked).toBe(false);
    expect(again.out).toContain("nothing to destroy: stack local has no resources");
  });
});
