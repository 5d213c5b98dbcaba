/**
 * Bulk reads of CUP's per-object kinds (incoming and outgoing ACL entries): one query per table,
 * rendered through the lab's catalog, answering exactly what each object's single read() answers, on
 * the simulator as published, on one whose ACL column is renamed (with the override that maps it),
 * and with C3 marked manual (no query; each object reads as its single read does: what was recorded).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CupClient, type CupConnection, flushCupRestarts } from "../providers/cup/client";
import { IncomingAcl } from "../providers/cup/incomingAcl";
import { OutgoingAcl } from "../providers/cup/outgoingAcl";
import { type CupSim, PRE_EXISTING_ROWS, startCupSim } from "../src/labsim/cup";
import { cupSimConnection } from "./support/cup";
import { checked, quiet } from "./support/kinds";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-cup-bulk-"));
process.env.RCCLAB_CUP_PENDING_RESTARTS = path.join(dir, "cup-pending-restarts.json");

const sims: CupSim[] = [];

afterAll(async () => {
  await flushCupRestarts();
  for (const s of sims) await s.stop();
});

const KINDS = [
  { kind: IncomingAcl, table: "incomingacl" },
  { kind: OutgoingAcl, table: "outgoingacl" },
] as const;

type AnyKind = typeof IncomingAcl;

/** Each object's single read() against the kind's bulk read, both straight from the kind's spec. */
async function compare(kind: AnyKind, connection: CupConnection, ids: readonly string[], olds: (id: string) => Record<string, unknown> = () => ({})) {
  const client = new CupClient(connection, quiet);
  try {
    const ctx = { client, connection, log: quiet };
    const spec = kind.runtime.spec;
    const all = await spec.bulk!.readAll(ctx, {});
    for (const id of ids) {
      const single = await spec.read(ctx, id, olds(id) as never);
      const held = all.get(id);
      // Left out: read singly (so the same); held: the same answer.
      if (held) expect(held, id).toEqual(single);
    }
    return { all, client };
  } finally {
    client.close();
  }
}

describe("bulk reads of ACL entries", { timeout: 60_000 }, () => {
  let sim: CupSim;
  let connection: CupConnection;

  beforeAll(async () => {
    sim = await startCupSim({ caDir: dir, users: { axl: "Axl-Pa55" }, sshPort: false, seed: { rows: PRE_EXISTING_ROWS } });
    sims.push(sim);
    connection = cupSimConnection(sim);
  });

  it("one query per table answers every entry exactly as read() does (entries made by rcclab, by hand, with quotes)", async () => {
    const made: Record<string, string[]> = {};
    for (const { kind, table } of KINDS) {
      made[table] = [];
      for (const [address, description] of [
        ["ocsfe1.lab.example.com", "front end 1"],
        ["10.1.1.0/24", "pool 'A'; -- subnet"],
        ["*.ocs.example.com", ""],
      ] as const) {
        const c = await kind.runtime.create(checked(kind, { address, description, connection }));
        made[table]!.push(c.id);
      }
    }
    for (const { kind, table } of KINDS) {
      const ids = [...made[table]!, ...sim.rows(table).map((r) => String(r.address)), "gone.lab.example.com"];
      const q0 = sim.requests.length;
      const { all } = await compare(kind, connection, []);
      // One query, for the whole table, and every row in it.
      expect(sim.requests.slice(q0).filter((r) => r.operation === "executeSQLQuery" && !r.sql!.includes("systables")).map((r) => r.sql)).toEqual([`SELECT pkid, address, description FROM ${table}`]);
      expect([...all.keys()].sort()).toEqual(sim.rows(table).map((r) => String(r.address)).sort());
      await compare(kind, connection, ids);
      expect(all.has("gone.lab.example.com")).toBe(false);
    }
  });

  it("through the provider core: many reads of a kind use the bulk read, and answer what single reads answer", async () => {
    const ids = sim.rows("incomingacl").map((r) => String(r.address));
    expect(ids.length).toBeGreaterThanOrEqual(4);
    const viaCore = [];
    await IncomingAcl.runtime.read(ids[0]!, { connection }); // the core's client, past its preflight
    const q0 = sim.requests.length;
    for (const id of ids) viaCore.push(await IncomingAcl.runtime.read(id, { connection }));
    const queries = sim.requests.slice(q0).filter((r) => r.operation === "executeSQLQuery").length;
    // The first reads are single ones; from the third on, the bulk read answers.
    expect(queries).toBeLessThan(ids.length);
    const client = new CupClient(connection, quiet);
    try {
      for (const [i, id] of ids.entries()) {
        const single = await IncomingAcl.runtime.spec.read({ client, connection, log: quiet }, id, {});
        expect(viaCore[i]!.props, id).toMatchObject({ ...single!.fields, ...single!.outputs });
      }
    } finally {
      client.close();
    }
  });
});

describe("bulk reads under a lab's mapping", { timeout: 60_000 }, () => {
  it("a CUP whose ACL column is renamed, with the override that maps it: the query follows the catalog, the answers equal read()", async () => {
    const sim = await startCupSim({ caDir: dir, users: { axl: "Axl-Pa55" }, sshPort: false, schemaVariant: { renameColumn: { table: "incomingacl", from: "address", to: "ipaddress" } } });
    sims.push(sim);
    const connection = cupSimConnection(sim, { mapping: { tables: { incomingAcl: { columns: { address: { name: "ipaddress" } } } } } });
    const ids: string[] = [];
    for (const address of ["ocsfe1.lab.example.com", "ocsfe2.lab.example.com", "pool1.lab.example.com"]) {
      ids.push((await IncomingAcl.runtime.create(checked(IncomingAcl, { address, description: `entry ${address}`, connection }))).id);
    }
    const q0 = sim.requests.length;
    const { all } = await compare(IncomingAcl, connection, [...ids, "gone.lab.example.com"]);
    expect(sim.requests.slice(q0).find((r) => r.operation === "executeSQLQuery" && !r.sql!.includes("WHERE"))?.sql).toBe("SELECT pkid, ipaddress AS address, description FROM incomingacl");
    // The rcclab-made ones and the one the simulator seeds.
    expect([...all.keys()].sort()).toEqual(sim.rows("incomingacl").map((r) => String(r.address)).sort());
    expect(all.size).toBe(ids.length + 1);
    expect(all.get("ocsfe1.lab.example.com")).toEqual({ fields: { address: "ocsfe1.lab.example.com", description: "entry ocsfe1.lab.example.com" }, outputs: { pkid: expect.any(String) } });
  });

  it("C3 marked manual: no query; every entry reads as its single read does (what was recorded)", async () => {
    const sim = await startCupSim({ caDir: dir, users: { axl: "Axl-Pa55" }, sshPort: false, seed: { rows: PRE_EXISTING_ROWS } });
    sims.push(sim);
    const connection = cupSimConnection(sim, { mapping: { manual: ["C3"] } });
    const recorded = (id: string) => ({ address: id, description: `recorded ${id}`, pkid: "5e0c6a4e-1b7d-4c3f-8a52-0a11ce0000ff", connection });
    const ids = ["a.lab.example.com", "b.lab.example.com", "c.lab.example.com", "d.lab.example.com"];
    const q0 = sim.requests.length;
    const { all } = await compare(IncomingAcl, connection, ids, recorded);
    expect(all.size).toBe(0);
    // Through the core too (the bulk read is tried from the third read on).
    for (const id of ids) {
      const viaCore = await IncomingAcl.runtime.read(id, recorded(id));
      expect(viaCore.props).toMatchObject({ address: id, description: `recorded ${id}`, pkid: "5e0c6a4e-1b7d-4c3f-8a52-0a11ce0000ff" });
    }
    expect(sim.requests.slice(q0).filter((r) => r.operation.startsWith("executeSQL"))).toEqual([]);
  });
});
