/**
 * `rcclab discover cup` (src/discoverCup.ts) against the CUP simulator: the live tables it shows,
 * secrets masked in text and JSON, rcclab's mapping compared with CUP, and a draft override that
 * readMappingOverride accepts and that fixes the difference. It reads only.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Catalog, DEFAULT_CATALOG, type MappingOverride, readMappingOverride } from "../providers/cup/catalog";
import { CupClient, cupConnectionSchema } from "../providers/cup/client";
import { preflight } from "../providers/cup/preflight";
import * as sql from "../providers/cup/sql";
import { CommandError, LOCAL_STACK } from "../src/commands";
import { type LiveTable, MASK, compareMapping, discoverCup, draftOverride, draftYaml, format, keep, runDiscoverCup, similarity, toJson } from "../src/discoverCup";
import { CUP_DEFAULT_PASSWORD, CUP_DEFAULT_USER, type CupSim, type SchemaVariant, startCupSim } from "../src/labsim/cup";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-discover-cup-"));
const caDir = path.join(tmp, "ca");
const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function start(schemaVariant?: SchemaVariant): Promise<CupSim> {
  const sim = await startCupSim({ caDir, sshPort: false, serverNames: ["cup.lab.example.com"], ...(schemaVariant ? { schemaVariant } : {}) });
  stops.push(() => sim.stop());
  return sim;
}

function client(sim: CupSim, mapping?: MappingOverride): CupClient {
  const c = new CupClient(
    cupConnectionSchema.parse({
      host: "127.0.0.1",
      port: sim.port,
      username: CUP_DEFAULT_USER,
      password: CUP_DEFAULT_PASSWORD,
      release: "7.0",
      tls: { caPem: sim.caPem },
      retries: 1,
      minRetryDelayMs: 10,
      maxRetryDelayMs: 20,
      ...(mapping ? { mapping } : {}),
    }),
    { info: () => undefined, warn: () => undefined },
  );
  stops.push(async () => c.close());
  return c;
}

const itemKey = (i: { key: string; columnKey?: string }): string => (i.columnKey ? `${i.key}.${i.columnKey}` : i.key);
const writes = (sim: CupSim): number => sim.requests.filter((r) => r.operation === "executeSQLUpdate").length;

/** The draft as the command prints it, written to a file and read back as a lab would. */
function readBack(yamlText: string, name: string): ReturnType<typeof readMappingOverride> {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, yamlText);
  return readMappingOverride(file);
}

describe("rcclab discover cup", () => {
  it("on a CUP that matches the mapping: the feature tables with columns and rows, every item ok, no draft", async () => {
    const sim = await start();
    const before = writes(sim);
    const r = await discoverCup(client(sim), { mappingFile: "cup-mapping.lab1.yaml" });
    expect(writes(sim)).toBe(before); // reads only

    expect(r.cup).toEqual({ host: "127.0.0.1", version: sim.version });
    const names = r.tables.map((t) => t.name);
    for (const t of ["incomingacl", "outgoingacl", "ucctigatewayprofile", "ucctigatewayhost", "ucproxyprofile", "cupsystemcfg", "enduser", "ucendusercfg"]) expect(names).toContain(t);
    expect(names).toContain("staticroute"); // "route": not in the mapping, kept for its feature word
    const acl = r.tables.find((t) => t.name === "incomingacl")!;
    expect(acl.columns.map((c) => [c.name, c.type])).toEqual([
      ["pkid", "CHAR(36) NOT NULL"],
      ["address", "VARCHAR(255) NOT NULL"],
      ["description", "VARCHAR(128) NOT NULL"],
    ]);
    expect(acl.matches).toEqual(["acl"]);
    expect(acl.mappedAs).toEqual(["incomingAcl"]);
    expect(acl.rows.map((row) => row.address)).toEqual(["sipgw.lab.example.com"]);
    expect(r.tables.find((t) => t.name === "ucctigatewayprofile")!.matches).toEqual(["cti"]);
    expect(r.tables.find((t) => t.name === "ucproxyprofile")!.columns.find((c) => c.name === "enableavailabilitysharing")!.type).toBe("BOOLEAN NOT NULL");
    for (const t of r.tables) expect(t.rows.length).toBeLessThanOrEqual(3);

    expect(r.mapping.length).toBeGreaterThan(10);
    expect(r.mapping.filter((i) => i.status !== "ok")).toEqual([]);
    expect(r.mapping).toContainEqual({ step: "C3", key: "incomingAcl", columnKey: "address", table: "incomingacl", column: "address", status: "ok", candidates: [] });
    expect(r.draft).toEqual({});

    const text = format(r).join("\n");
    expect(text).toContain("rcclab's mapping vs this CUP");
    expect(text).toMatch(/ok +C3 incomingAcl\.address → incomingacl\.address/);
    expect(text).toContain("no override needed");
    expect(text).not.toContain("tables:");
    expect(toJson(r).draft).toEqual({});
    // an empty draft is still a valid override file
    expect(readBack(draftYaml(r), "empty.yaml")).toEqual({ override: {}, errors: [] });
  });

  it("never shows a secret: password-like columns are masked in the text and the JSON", async () => {
    const sim = await start();
    const c = client(sim);
    expect(await c.write(sql.update("ctiGatewayProfile", { applicationpassword: "S3cret-Pa55" }, { name: "DeskPhoneControl" }))).toBe(1);
    expect(await c.write(sql.update("cupSystemCfg", { ccmaxlpassword: "Axl-S3cret" }, { pkid: String(sim.rows("cupsystemcfg")[0]!.pkid) }))).toBe(1);
    expect(sim.rows("ucctigatewayprofile")[0]!.applicationpassword).toBe("S3cret-Pa55"); // really there to leak

    const r = await discoverCup(c);
    const profile = r.tables.find((t) => t.name === "ucctigatewayprofile")!;
    expect(profile.rows[0]).toMatchObject({ name: "DeskPhoneControl", applicationusername: "", applicationpassword: MASK, heartbeatinterval: "60" });
    expect(r.tables.find((t) => t.name === "cupsystemcfg")!.rows[0]!.ccmaxlpassword).toBe(MASK);

    const text = format(r).join("\n");
    const json = JSON.stringify(toJson(r));
    for (const out of [text, json]) {
      expect(out).not.toContain("S3cret-Pa55");
      expect(out).not.toContain("Axl-S3cret");
      expect(out).toContain(MASK);
    }
    expect(text).toContain(`applicationpassword=${MASK}`);
    // nothing else is masked
    expect(text).toContain("address=sipgw.lab.example.com");
  });

  it("a renamed column: reported missing with candidates, and a draft that parses and fixes it", async () => {
    const sim = await start({ renameColumn: { table: "incomingacl", from: "address", to: "ipaddress" } });
    const r = await discoverCup(client(sim), { mappingFile: "cup-mapping.lab1.yaml" });

    const missing = r.mapping.filter((i) => i.status === "missing");
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatchObject({ key: "incomingAcl", columnKey: "address", table: "incomingacl", column: "address", proposed: "ipaddress" });
    expect(missing[0]!.candidates).toContain("ipaddress");
    expect(r.draft).toEqual({ tables: { incomingAcl: { columns: { address: { name: "ipaddress" } } } } });

    const text = format(r).join("\n");
    expect(text).toMatch(/missing +C3 incomingAcl\.address → incomingacl\.address \(candidates: ipaddress; draft: ipaddress\)/);
    const yamlText = draftYaml(r);
    expect(text).toContain(yamlText.trimEnd());
    expect(yamlText).toMatch(/DRAFT/);
    expect(yamlText).toContain("A person must check every entry");
    expect(yamlText).toContain("stacks/cup-mapping.lab1.yaml");
    expect(yamlText).toContain("mapping: cup-mapping.lab1.yaml");
    expect(yamlText).toContain("rcclab validate");
    expect(yamlText).toContain("rcclab preview");
    expect(yamlText).toMatch(/name: ipaddress # .*candidates considered: ipaddress/);

    const back = readBack(yamlText, "renamed.yaml");
    expect(back.errors).toEqual([]);
    expect(new Catalog({ override: back.override! }).tables.incomingAcl!.columns.address!.name).toBe("ipaddress");

    // with the draft as the lab's override, preflight passes and discover finds nothing more to correct
    const fixed = client(sim, back.override);
    expect((await preflight(fixed)).problems).toEqual([]);
    const again = await discoverCup(fixed);
    expect(again.mapping.filter((i) => i.status !== "ok")).toEqual([]);
    expect(again.draft).toEqual(back.override); // the current override is kept, not dropped
    expect(format(again).join("\n")).toContain("with the lab's current override; keep it as it is");
  });

  it("a missing table with no plausible live table: the step is manual, and a table the mapping uses is never proposed", async () => {
    const sim = await start({ dropTable: "outgoingacl" });
    const r = await discoverCup(client(sim));

    const table = r.mapping.find((i) => i.key === "outgoingAcl" && !i.columnKey)!;
    expect(table).toMatchObject({ status: "missing", manual: true });
    expect(table.proposed).toBeUndefined();
    expect(table.candidates).not.toContain("incomingacl"); // incomingAcl's table
    expect(r.mapping.filter((i) => i.status === "missing").map((i) => i.key)).toEqual(["outgoingAcl"]);
    expect(r.draft).toEqual({ manual: ["C3"] });

    const yamlText = draftYaml(r);
    expect(yamlText).toMatch(/- C3 # outgoingAcl \(outgoingacl\) not on CUP; no live name alike among staticroute/);
    expect(table.considered).toEqual(["staticroute"]); // the one kept table the mapping does not use
    const back = readBack(yamlText, "dropped.yaml");
    expect(back).toEqual({ override: { manual: ["C3"] }, errors: [] });
    expect(format(r).join("\n")).toMatch(/missing +C3 outgoingAcl → outgoingacl \(candidates: [^)]*; draft: C3 by hand\)/);
  });

  it("a renamed table is proposed with its renamed columns; a column with no name alike makes its step manual", () => {
    // A CUP as the mapping has it, then changed: outgoingacl renamed (and its address column), ucendusercfg's profile column gone.
    const TYPES = { guid: [256, 36, 0], string: [269, 255, 0], int: [258, 4, 0], boolean: [297, 1, 5] } as const;
    const live: LiveTable[] = Object.values(DEFAULT_CATALOG.tables).map((t) => ({
      name: t.table,
      columns: Object.values(t.columns).map((c) => {
        const [coltype, collength, extendedId] = TYPES[c.type];
        return { name: c.name, coltype, collength, extendedId, type: "" };
      }),
    }));
    const out = live.find((t) => t.name === "outgoingacl")!;
    live[live.indexOf(out)] = { name: "outgoingaclentry", columns: out.columns.map((c) => (c.name === "address" ? { ...c, name: "addresspattern" } : c)) };
    const cfg = live.find((t) => t.name === "ucendusercfg")!;
    live[live.indexOf(cfg)] = { ...cfg, columns: [...cfg.columns.filter((c) => c.name !== "fkucctigatewayprofile"), { name: "tkstatus", coltype: 258, collength: 4, extendedId: 0, type: "" }] };

    const items = compareMapping(DEFAULT_CATALOG, keep(live, DEFAULT_CATALOG));
    expect(items.filter((i) => i.status === "missing").map((i) => [itemKey(i), i.proposed ?? "manual"])).toEqual([
      ["outgoingAcl", "outgoingaclentry"],
      ["outgoingAcl.pkid", "pkid"],
      ["outgoingAcl.address", "addresspattern"],
      ["outgoingAcl.description", "description"],
      ["endUserCfg.fkucctigatewayprofile", "manual"],
    ]);
    const draft = draftOverride(items);
    expect(draft).toEqual({ tables: { outgoingAcl: { name: "outgoingaclentry", columns: { address: { name: "addresspattern" } } } }, manual: ["C6"] });
    const back = readBack(
      draftYaml({ cup: { host: "cup", version: "7.0.3" }, tableCount: live.length, tables: [], mapping: items, draft, mappingFile: "m.yaml", mappingPath: "stacks/m.yaml", hasOverride: false }),
      "synthetic.yaml",
    );
    expect(back).toEqual({ override: draft, errors: [] });
    const catalog = new Catalog({ override: back.override! });
    expect(catalog.tables.outgoingAcl!.table).toBe("outgoingaclentry");
    expect(catalog.tables.outgoingAcl!.columns.address!.name).toBe("addresspattern");
    expect(catalog.isManual("C6")).toBe(true);
  });

  it("names alike by spelling", () => {
    expect(similarity("address", "ipaddress")).toBeGreaterThanOrEqual(0.75);
    expect(similarity("outgoingacl", "outgoingaclentry")).toBeGreaterThanOrEqual(0.5);
    expect(similarity("outgoingacl", "staticroute")).toBeLessThan(0.3);
  });
});

describe("runDiscoverCup: through a stack", () => {
  const pointAt = (sim: CupSim, more: Record<string, unknown> = {}) => (config: Record<string, any>) => {
    const { cli: _cli, ...cup } = config["rcclab:cup"];
    config["rcclab:cup"] = { ...cup, address: "127.0.0.1", port: sim.port, username: CUP_DEFAULT_USER, password: CUP_DEFAULT_PASSWORD, tls: { caPem: sim.caPem }, ...more };
  };

  it("reads the stack's CUP with the lab's current override; logs go to print", async () => {
    const sim = await start({ renameColumn: { table: "incomingacl", from: "address", to: "ipaddress" } });
    const stacksDir = path.join(tmp, "stacks");
    fs.mkdirSync(stacksDir, { recursive: true });
    fs.copyFileSync(path.join(__dirname, "..", "stacks", `Pulumi.${LOCAL_STACK.name}.yaml`), path.join(stacksDir, `Pulumi.${LOCAL_STACK.name}.yaml`));
    const printed: string[] = [];
    const opts = { stack: LOCAL_STACK.name, stacksDir, print: (l: string) => printed.push(l) };

    const r = await runDiscoverCup({ ...opts, patchConfig: pointAt(sim) });
    expect(r.mappingFile).toBe("cup-mapping.local.yaml");
    expect(r.mappingPath).toBe(path.join(stacksDir, "cup-mapping.local.yaml"));
    expect(r.draft).toEqual({ tables: { incomingAcl: { columns: { address: { name: "ipaddress" } } } } });
    expect(printed.join("\n")).toContain("reading CUP's catalog");

    fs.writeFileSync(path.join(stacksDir, "cup-mapping.local.yaml"), draftYaml(r));
    const again = await runDiscoverCup({ ...opts, patchConfig: pointAt(sim, { mapping: "cup-mapping.local.yaml" }) });
    expect(again.mapping.filter((i) => i.status !== "ok")).toEqual([]);
    expect(again.hasOverride).toBe(true);

    const bad = runDiscoverCup({ ...opts, patchConfig: pointAt(sim, { mapping: "no-such-file.yaml" }) });
    await expect(bad).rejects.toBeInstanceOf(CommandError);
    await expect(bad).rejects.toThrow(/rcclab:cup\.mapping → no-such-file\.yaml/);
  });
});
