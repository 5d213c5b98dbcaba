/**
 * Bulk reads of DNS RecordSets (issue 13 §3): one zone transfer (AXFR over TCP, TSIG-signed, an
 * answer of several messages) answers the refresh of a zone's record sets, each exactly as read()
 * does (owned and adopted); a server that refuses transfers — the embedded one told to, and a real
 * BIND 9 with allow-transfer { none; } — makes the bulk read fail and the reads fall back to one
 * query per record set with the same answers.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DnsClient, type DnsConnection } from "../providers/dns/client";
import { RecordSet } from "../providers/dns/recordSet";
import type { TsigKey } from "../providers/dns/tsig";
import { startDnsSim, type DnsSim } from "../src/labsim/dns";
import { bind9Available, findProgram, startBind9, type Bind9 } from "./support/bind9";
import { checked, failure, quiet, withStderr } from "./support/kinds";

const ZONE = "lab.example.com";
const REV = "10.10.10.in-addr.arpa";
const rt = RecordSet.runtime;
type Spec = {
  read(ctx: unknown, id: string, olds: object): Promise<unknown>;
  bulk: { scope(olds: object, c: DnsConnection): string; readAll(ctx: unknown, olds: object): Promise<Map<string, unknown>> };
};
const spec = rt.spec as unknown as Spec;

const key: TsigKey = { name: "rcclab-key", algorithm: "hmac-sha256", secret: Buffer.from("bulk-read-test-secret-32-bytes!!").toString("base64") };
const connectionFor = (port: number, k: TsigKey = key, extra: Partial<DnsConnection> = {}) =>
  ({ server: "127.0.0.1", port, tsig: k, allowUnsignedUpdates: false, timeoutMs: 2_000, retries: 1, minRetryDelayMs: 5, maxRetryDelayMs: 20, ...extra }) as DnsConnection;

const DESIRED = [
  { zone: ZONE, name: "cup.lab.example.com", type: "A", records: ["10.10.10.20"] },
  { zone: ZONE, name: "cucm.lab.example.com", type: "A", ttl: 600, records: ["10.10.10.10", "10.10.10.11"] },
  { zone: ZONE, name: "_sipinternaltls._tcp.lab.example.com", type: "SRV", records: ["0 0 5061 pool1.lab.example.com."] },
  { zone: ZONE, name: "sip.lab.example.com", type: "CNAME", records: ["pool1.lab.example.com."] },
  { zone: ZONE, name: "pool1.lab.example.com", type: "A", records: ["10.10.10.31"] },
  { zone: REV, name: "20.10.10.10.in-addr.arpa", type: "PTR", records: ["cup.lab.example.com."] },
];

/** Create the record sets (one adopted: dc1, which the server holds already) and give id -> state. */
async function createAll(connection: DnsConnection): Promise<Map<string, Record<string, unknown>>> {
  const states = new Map<string, Record<string, unknown>>();
  for (const f of DESIRED) {
    const made = await rt.create(checked(RecordSet, { ...f, connection }));
    states.set(made.id, made.outs);
  }
  const adopted = await rt.create(checked(RecordSet, { zone: ZONE, name: "dc1.lab.example.com", type: "A", records: ["10.10.10.5"], adopt: true, connection }));
  expect(adopted.outs.adopted).toBe(true);
  states.set(adopted.id, adopted.outs);
  return states;
}

/** Each record set's bulk answer (from its own state) is its read() answer. */
async function sameAsSingle(client: DnsClient, connection: DnsConnection, states: Map<string, Record<string, unknown>>) {
  const ctx = { client, connection, log: quiet };
  for (const [id, olds] of states) {
    const single = await spec.read(ctx, id, olds);
    expect(single, id).toBeDefined();
    expect((await spec.bulk.readAll(ctx, olds)).get(id), id).toEqual(single);
  }
}

/** Refresh through the runtime: the reads fall back to single reads, with one warning, and equal `want`. */
async function refreshFallsBack(connection: DnsConnection, states: Map<string, Record<string, unknown>>) {
  const ids = [...states.keys()].filter((id) => states.get(id)!.zone === ZONE && !states.get(id)!.adopted);
  expect(ids.length).toBeGreaterThanOrEqual(4);
  const { result, log } = await withStderr(async () => {
    const out = [];
    for (const id of ids) out.push(await rt.read(id, { ...states.get(id), connection }));
    return out;
  });
  expect(log).toMatch(/WARNING .*reading every rcclab:dns:RecordSet at once failed \(.*REFUSED.*\); reading them one by one/);
  result.forEach((r, i) => expect(r.props, ids[i]).toMatchObject({ records: states.get(ids[i]!)!.records, ttl: states.get(ids[i]!)!.ttl }));
}

describe("RecordSet bulk reads against the embedded DNS server", () => {
  let sim: DnsSim;
  let connection: DnsConnection;
  let client: DnsClient;
  let states: Map<string, Record<string, unknown>>;
  beforeAll(async () => {
    sim = await startDnsSim({ zones: [ZONE, REV], tsigKeys: [key], transferRecordsPerMessage: 3, seed: [{ name: "dc1.lab.example.com", type: "A", data: "10.10.10.5" }] });
    connection = connectionFor(sim.port);
    client = new DnsClient(connection, quiet);
    states = await createAll(connection);
  });
  afterAll(async () => sim?.stop());

  it("one signed zone transfer (several messages) answers every record set as read() does, owned and adopted", async () => {
    await sameAsSingle(client, connection, states);
    const before = sim.requests.length;
    const all = await spec.bulk.readAll({ client, connection, log: quiet }, states.get("cup.lab.example.com/A")!);
    expect(sim.requests.slice(before)).toEqual([expect.objectContaining({ transport: "tcp", question: `${ZONE} 252`, signedBy: key.name, rcode: "NOERROR" })]);
    // The zone's SOA and NS are not record sets rcclab manages.
    expect([...all.keys()].sort()).toEqual(
      ["_sipinternaltls._tcp.lab.example.com/SRV", "cucm.lab.example.com/A", "cup.lab.example.com/A", "dc1.lab.example.com/A", "ns1.lab.example.com/A", "pool1.lab.example.com/A", "sip.lab.example.com/CNAME"].sort(),
    );
    // Record sets alike in adopt/adopted share the zone's scope; the adopted one reads in its own.
    expect(spec.bulk.scope(states.get("cup.lab.example.com/A")!, connection)).toBe(spec.bulk.scope(states.get("pool1.lab.example.com/A")!, connection));
    expect(spec.bulk.scope(states.get("cup.lab.example.com/A")!, connection)).not.toBe(spec.bulk.scope(states.get("dc1.lab.example.com/A")!, connection));
  });

  it("a transfer signed with the wrong secret, or unsigned, is refused: the bulk read fails", async () => {
    const wrong = connectionFor(sim.port, { ...key, secret: Buffer.from("another-secret-of-32-bytes-long!").toString("base64") });
    expect((await failure(new DnsClient(wrong, quiet).transferZone(ZONE))).code).toBe("Unauthorized");
    const unsigned = connectionFor(sim.port, key, { tsig: undefined, allowUnsignedUpdates: true });
    const e = await failure(new DnsClient(unsigned, quiet).transferZone(ZONE));
    expect(e).toMatchObject({ code: "Unauthorized" });
    expect(e.message).toMatch(/REFUSED/);
  });

  it("refresh through the provider runtime: the third read starts one transfer, the rest are answered from it", async () => {
    const conn = connectionFor(sim.port, key, { timeoutMs: 2_001 });
    const ids = ["cup.lab.example.com/A", "cucm.lab.example.com/A", "_sipinternaltls._tcp.lab.example.com/SRV", "sip.lab.example.com/CNAME", "pool1.lab.example.com/A"];
    const before = sim.requests.length;
    for (const id of ids) {
      const r = await rt.read(id, { ...states.get(id), connection: conn });
      expect(r.props, id).toMatchObject({ records: states.get(id)!.records, ttl: states.get(id)!.ttl });
    }
    const asked = sim.requests.slice(before);
    expect(asked.filter((r) => r.question === `${ZONE} 252`)).toHaveLength(1);
    // Two single reads (an SOA check and one query each, the check cached), then the transfer.
    expect(asked.length).toBe(4);
  });
});

describe("RecordSet bulk reads when the server refuses zone transfers (embedded, allow-transfer none)", () => {
  let sim: DnsSim;
  let connection: DnsConnection;
  let states: Map<string, Record<string, unknown>>;
  beforeAll(async () => {
    sim = await startDnsSim({ zones: [ZONE, REV], tsigKeys: [key], transfers: "none", seed: [{ name: "dc1.lab.example.com", type: "A", data: "10.10.10.5" }] });
    connection = connectionFor(sim.port);
    states = await createAll(connection);
  });
  afterAll(async () => sim?.stop());

  it("falls back to one read per record set, with the same answers", async () => {
    await refreshFallsBack(connectionFor(sim.port, key, { timeoutMs: 2_002 }), states);
  });
});

const bindOk = bind9Available();
describe.skipIf(!bindOk)("RecordSet bulk reads against BIND 9 (allow-transfer { none; })", () => {
  let bind: Bind9;
  let connection: DnsConnection;
  let states: Map<string, Record<string, unknown>>;
  beforeAll(async () => {
    bind = await startBind9({ zones: [ZONE, REV], records: { [ZONE]: ["dc1 IN A 10.10.10.5"] } });
    connection = connectionFor(bind.port, bind.key);
    states = await createAll(connection);
  }, 60_000);
  afterAll(async () => bind?.stop());

  it("the transfer is refused (Unauthorized, not retried) and the reads fall back with read()'s answers", async () => {
    const e = await failure(new DnsClient(connection, quiet).transferZone(ZONE));
    expect(e).toMatchObject({ code: "Unauthorized" });
    await refreshFallsBack(connectionFor(bind.port, bind.key, { timeoutMs: 2_003 }), states);
  });
});

/** The named serving `dir` (this test's own), by its command line. */
function namedPid(dir: string): number {
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (cmd.includes(path.join(dir, "named.conf"))) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no named for ${dir}`);
}

describe.skipIf(!bindOk)("RecordSet bulk reads against BIND 9 that allows the key to transfer", () => {
  let bind: Bind9;
  let connection: DnsConnection;
  let client: DnsClient;
  let states: Map<string, Record<string, unknown>>;
  beforeAll(async () => {
    // Enough records that BIND splits the transfer over several messages (transfer-message-size).
    const filler = Array.from({ length: 1500 }, (_, i) => `host${i} IN A 10.20.${Math.floor(i / 250)}.${(i % 250) + 1}`);
    bind = await startBind9({ zones: [ZONE, REV], records: { [ZONE]: ["dc1 IN A 10.10.10.5", ...filler] } });
    const conf = path.join(bind.dir, "named.conf");
    fs.writeFileSync(conf, fs.readFileSync(conf, "utf8").replace("allow-transfer { none; };", `allow-transfer { key "${bind.key.name}"; };`));
    process.kill(namedPid(bind.dir), "SIGHUP");
    connection = connectionFor(bind.port, bind.key);
    client = new DnsClient(connection, quiet);
    // The reload takes a moment: until then transfers are refused.
    for (let i = 0; ; i++) {
      try {
        await client.transferZone(ZONE);
        break;
      } catch (e) {
        if (i > 50) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    states = await createAll(connection);
  }, 60_000);
  afterAll(async () => bind?.stop());

  it("one signed transfer (several messages, each verified) answers every record set as read() does", async () => {
    const rrs = await client.transferZone(ZONE);
    expect(rrs.length).toBeGreaterThan(1500);
    // BIND's own client says how many messages the answer took.
    // (The BIND tests run only with dig there: bind9Available, test/support/bind9.ts.)
    const out = execFileSync(findProgram("dig")!, ["-p", String(bind.port), "@127.0.0.1", "AXFR", ZONE, "-y", `${bind.key.algorithm}:${bind.key.name}:${bind.key.secret}`], { encoding: "utf8" });
    expect(Number(/messages (\d+)/.exec(out)?.[1])).toBeGreaterThan(1);
    await sameAsSingle(client, connection, states);
    const all = await spec.bulk.readAll({ client, connection, log: quiet }, states.get("cup.lab.example.com/A")!);
    expect(all.get("host1499.lab.example.com/A")).toMatchObject({ fields: { records: ["10.20.5.250"], ttl: 3600 } });
  });
});
