/**
 * The DNS RecordSet kind through the provider runtime (check / create / read / update / replace /
 * delete / import), against a real BIND 9 with TSIG and against the lab's embedded DNS server:
 * drift after out-of-band changes, deletes that leave other people's records alone, UDP truncation
 * and TCP, typed errors with clear messages (wrong key, unsigned update, unknown zone, timeouts) and
 * no TSIG secret in any message.
 */
import { execFile } from "node:child_process";
import * as crypto from "node:crypto";
import * as dgram from "node:dgram";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DnsClient, type DnsConnection } from "../providers/dns/client";
import { guideRecordSets, OCS_SIGN_IN_SRV } from "../providers/dns/guide";
import { RecordSet } from "../providers/dns/recordSet";
import type { TsigKey } from "../providers/dns/tsig";
import { startDnsSim, type DnsSim } from "../src/labsim/dns";
import { bind9Available, findProgram, startBind9, type Bind9 } from "./support/bind9";
import { checked, failure, quiet } from "./support/kinds";

const ZONE = "lab.example.com";
const REV = "10.10.10.in-addr.arpa";
const rt = RecordSet.runtime;

/** Every error message a test saw: none may hold a TSIG secret. */
const messages: string[] = [];
const secrets = new Set<string>();
const fail = async (p: Promise<unknown>) => {
  const e = await failure(p);
  messages.push(e.message);
  return e;
};

afterAll(() => {
  for (const m of messages) for (const s of secrets) expect(m).not.toContain(s);
});

interface Backend {
  key: TsigKey;
  port: number;
  /** A change made outside rcclab (nsupdate for BIND, a separate client for the simulator). */
  outOfBand(zone: string, commands: readonly string[]): Promise<void>;
  sim?: DnsSim;
  stop(): Promise<void>;
}

const connectionFor = (b: { port: number; key?: TsigKey }, extra: Partial<DnsConnection> = {}) => ({
  server: "127.0.0.1",
  port: b.port,
  ...(b.key ? { tsig: b.key } : {}),
  timeoutMs: 2_000,
  retries: 1,
  minRetryDelayMs: 5,
  maxRetryDelayMs: 20,
  ...extra,
});

/** Out-of-band changes through our own client, in nsupdate's words ("update add|delete name ttl type rdata"). */
async function clientUpdate(client: DnsClient, zone: string, commands: readonly string[]): Promise<void> {
  for (const c of commands) {
    const m = /^update (add|delete) (\S+) (?:(\d+) )?(\S+)(?: (.+))?$/.exec(c);
    if (!m) throw new Error(`cannot run "${c}"`);
    const [, op, name, ttl, type, rdata] = m as unknown as [string, string, string, string | undefined, string, string | undefined];
    if (op === "add") await client.update(zone, [{ op: "add", name, type, ttl: Number(ttl ?? 3600), rdata: rdata! }]);
    else if (rdata) await client.update(zone, [{ op: "delete", name, type, rdata }]);
    else await client.update(zone, [{ op: "deleteRRset", name, type }]);
  }
}

function suite(label: string, start: () => Promise<Backend>, skip = false) {
  describe.skipIf(skip)(`RecordSet against ${label}`, () => {
    let b: Backend;
    let connection: ReturnType<typeof connectionFor>;
    let client: DnsClient;
    beforeAll(async () => {
      b = await start();
      secrets.add(b.key.secret);
      connection = connectionFor(b);
      client = new DnsClient(connectionFor(b) as DnsConnection, quiet);
    });
    afterAll(async () => b?.stop());

    const live = (name: string, type: string, zone = ZONE) => client.getRRset(zone, name, type);
    const inputs = (f: Record<string, unknown>, conn: object = connection) => checked(RecordSet, { ...f, connection: conn });

    it("creates, reads, updates (records and TTL) and deletes an A record set; the seeded dc1 record stays", async () => {
      const created = await rt.create(inputs({ zone: ZONE, name: "cup.lab.example.com", type: "A", records: ["10.10.10.20"] }));
      expect(created.id).toBe("cup.lab.example.com/A");
      expect(created.outs).toMatchObject({ zone: ZONE, name: "cup.lab.example.com", type: "A", ttl: 3600, records: ["10.10.10.20"] });
      expect(await live("cup.lab.example.com", "A")).toMatchObject({ ttl: 3600, records: ["10.10.10.20"] });

      const read = await rt.read(created.id, created.outs);
      expect(read.props).toMatchObject({ records: ["10.10.10.20"], ttl: 3600 });
      expect(rt.diff(created.id, created.outs, read.props!)).toMatchObject({ changes: false });

      const news = inputs({ zone: ZONE, name: "CUP.lab.example.com.", type: "A", ttl: 600, records: ["10.10.10.21", "10.10.10.20"] });
      expect(rt.diff(created.id, created.outs, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
      const updated = await rt.update(created.id, created.outs, news);
      expect(updated.outs).toMatchObject({ ttl: 600, records: ["10.10.10.20", "10.10.10.21"] });
      expect(await live("cup.lab.example.com", "A")).toEqual({ name: "cup.lab.example.com", type: "A", ttl: 600, records: ["10.10.10.20", "10.10.10.21"] });

      const fewer = inputs({ zone: ZONE, name: "cup.lab.example.com", type: "A", ttl: 600, records: ["10.10.10.21"] });
      const again = await rt.update(created.id, updated.outs, fewer);
      expect(await live("cup.lab.example.com", "A")).toMatchObject({ records: ["10.10.10.21"] });

      await rt.delete(created.id, again.outs);
      expect(await live("cup.lab.example.com", "A")).toBeUndefined();
      expect((await rt.read(created.id, again.outs)).id).toBeUndefined();
      // Deleting again is not an error.
      await rt.delete(created.id, again.outs);
      expect(await live("dc1.lab.example.com", "A")).toMatchObject({ records: ["10.10.10.5"] });
    });

    it("creates the guide's A, PTR and SRV records (forward and reverse zones) and removes them again", async () => {
      const { recordSets, skipped } = guideRecordSets({
        zone: ZONE,
        reverseZone: REV,
        ttl: 1200,
        sipDomain: ZONE,
        cup: { fqdn: "cup.lab.example.com", address: "10.10.10.20" },
        cucm: { fqdn: "cucm.lab.example.com", address: "10.10.10.10" },
        pools: [
          { name: "pool1", fqdn: "pool1.lab.example.com", address: "10.10.10.31", frontEnds: [{ fqdn: "ocs-fe1.lab.example.com", address: "10.10.10.31" }] },
          { name: "pool2", fqdn: "pool2.lab.example.com", address: "10.10.10.32", frontEnds: [{ fqdn: "ocs-fe2.lab.example.com", address: "10.10.10.32" }] },
        ],
      });
      expect(skipped).toEqual([]);
      const created = [];
      for (const rs of recordSets) created.push(await rt.create(inputs(rs.fields)));
      expect(await live("_sipinternaltls._tcp.lab.example.com", "SRV")).toMatchObject({ ttl: 1200, records: ["0 0 5061 pool1.lab.example.com."] });
      expect(await live("_sipinternal._tcp.lab.example.com", "SRV")).toMatchObject({ records: ["0 0 5060 pool1.lab.example.com."] });
      expect(await live("31.10.10.10.in-addr.arpa", "PTR", REV)).toMatchObject({ records: ["ocs-fe1.lab.example.com."] });
      expect(await live("20.10.10.10.in-addr.arpa", "PTR", REV)).toMatchObject({ records: ["cup.lab.example.com."] });
      expect(await live("pool2.lab.example.com", "A")).toMatchObject({ records: ["10.10.10.32"] });
      // Import reads them back as they are.
      for (const c of created) {
        const r = await rt.read(c.id, { connection });
        expect(r.props).toMatchObject({ zone: c.outs.zone, records: c.outs.records, ttl: 1200 });
      }
      for (const c of created) await rt.delete(c.id, c.outs);
      expect(await live("_sipinternaltls._tcp.lab.example.com", "SRV")).toBeUndefined();
      expect(await live("31.10.10.10.in-addr.arpa", "PTR", REV)).toBeUndefined();
      expect(await live("dc1.lab.example.com", "A")).toMatchObject({ records: ["10.10.10.5"] });
    });

    it("replaces on a name change (create the new, delete the old) and on a zone change (delete first)", async () => {
      const a = await rt.create(inputs({ zone: ZONE, name: "old.lab.example.com", type: "CNAME", records: ["cup.lab.example.com."] }));
      const renamed = inputs({ zone: ZONE, name: "new.lab.example.com", type: "CNAME", records: ["cup.lab.example.com"] });
      expect(rt.diff(a.id, a.outs, renamed)).toEqual({ changes: true, replaces: ["name"], deleteBeforeReplace: false });
      const b2 = await rt.create(renamed);
      await rt.delete(a.id, a.outs);
      expect(await live("old.lab.example.com", "CNAME")).toBeUndefined();
      expect(await live("new.lab.example.com", "CNAME")).toMatchObject({ records: ["cup.lab.example.com."] });
      expect(rt.diff(b2.id, b2.outs, inputs({ zone: "example.com", name: "new.lab.example.com", type: "CNAME", records: ["cup.lab.example.com."] }))).toEqual({
        changes: true,
        replaces: ["zone"],
        deleteBeforeReplace: true,
      });
      await rt.delete(b2.id, b2.outs);
    });

    it("never takes over an RRset it did not create; adopts one holding exactly the records only when told, and leaves it on delete", async () => {
      await b.outOfBand(ZONE, ["update add same.lab.example.com 900 A 10.10.10.40", "update add other.lab.example.com 3600 A 10.10.10.41"]);
      const want = { zone: ZONE, name: "same.lab.example.com", type: "A", ttl: 3600, records: ["10.10.10.40"] };
      // Made by hand (or by another stack): the create fails and says how to adopt it; nothing changes.
      const taken = await fail(rt.create(inputs(want)));
      expect(taken.code).toBe("AlreadyExists");
      expect(taken.message).toContain("same.lab.example.com A already exists in zone lab.example.com with [10.10.10.40], made by hand or by another stack");
      expect(taken.message).toContain("rcclab:dns.adopt: true");
      expect(await live("same.lab.example.com", "A")).toMatchObject({ ttl: 900, records: ["10.10.10.40"] });
      // Told to adopt: taken in, its TTL set to the desired one, marked adopted.
      const adopted = await rt.create(inputs({ ...want, adopt: true }));
      expect(adopted.outs).toMatchObject({ adopted: true });
      expect(await live("same.lab.example.com", "A")).toMatchObject({ ttl: 3600, records: ["10.10.10.40"] });
      expect((await rt.read(adopted.id, adopted.outs)).props).toMatchObject({ adopted: true, adopt: true });
      // Other records are never adopted.
      const e = await fail(rt.create(inputs({ zone: ZONE, name: "other.lab.example.com", type: "A", records: ["10.10.10.42"], adopt: true })));
      expect(e.code).toBe("AlreadyExists");
      expect(e.message).toContain("other.lab.example.com A already exists in zone lab.example.com with [10.10.10.41], not [10.10.10.42]");
      expect(await live("other.lab.example.com", "A")).toMatchObject({ records: ["10.10.10.41"] });
      // Delete leaves the adopted RRset where it was.
      await rt.delete(adopted.id, adopted.outs);
      expect(await live("same.lab.example.com", "A")).toMatchObject({ records: ["10.10.10.40"] });
    });

    it("creates with the RRset-does-not-exist prerequisite, so a record made by another writer in between stops it", async () => {
      const want = inputs({ zone: ZONE, name: "racy.lab.example.com", type: "A", records: ["10.10.10.45"] });
      const real = client;
      // Another writer adds the RRset right after rcclab's read, before its update.
      let raced = false;
      const racing = new Proxy(real, {
        get(target, prop, receiver) {
          const v = Reflect.get(target, prop, receiver);
          if (prop !== "update" || raced) return typeof v === "function" ? v.bind(target) : v;
          return async (...args: unknown[]) => {
            raced = true;
            await b.outOfBand(ZONE, ["update add racy.lab.example.com 300 A 10.10.10.46"]);
            return (v as (...a: unknown[]) => Promise<void>).apply(target, args);
          };
        },
      });
      const e = await fail(RecordSet.runtime.spec.create({ client: racing, connection: connection as never, log: quiet }, want as never));
      expect(e.code).toBe("AlreadyExists");
      expect(await live("racy.lab.example.com", "A")).toMatchObject({ records: ["10.10.10.46"] });
    });

    it("imports an RRset by ID (the zone found from the server's SOA)", async () => {
      await b.outOfBand(REV, ["update add 50.10.10.10.in-addr.arpa 300 PTR legacy.lab.example.com."]);
      const r = await rt.read("50.10.10.10.in-addr.arpa/PTR", { connection });
      expect(r.id).toBe("50.10.10.10.in-addr.arpa/PTR");
      expect(r.inputs).toMatchObject({ zone: REV, name: "50.10.10.10.in-addr.arpa", type: "PTR", ttl: 300, records: ["legacy.lab.example.com."] });
      expect(rt.check({}, r.inputs!).failures).toEqual([]);
      const gone = await rt.read("nothing.lab.example.com/A", { connection });
      expect(gone.id).toBeUndefined();
      const bad = await fail(rt.read("cup.lab.example.com/MX", { connection }));
      expect(bad.message).toContain("not a record set ID");
    });

    it("shows drift after an out-of-band change, and an update puts the RRset back", async () => {
      const c = await rt.create(inputs({ zone: ZONE, name: "drift.lab.example.com", type: "SRV", records: ["0 0 5061 pool1.lab.example.com."] }));
      await b.outOfBand(ZONE, ["update add drift.lab.example.com 3600 SRV 10 0 5060 rogue.lab.example.com."]);
      const read = await rt.read(c.id, c.outs);
      expect(read.props).toMatchObject({ records: ["0 0 5061 pool1.lab.example.com.", "10 0 5060 rogue.lab.example.com."] });
      expect(rt.diff(c.id, read.props!, c.outs)).toMatchObject({ changes: true, replaces: [] });
      await rt.update(c.id, read.props!, inputs({ zone: ZONE, name: "drift.lab.example.com", type: "SRV", records: ["0 0 5061 pool1.lab.example.com."] }));
      expect(await live("drift.lab.example.com", "SRV")).toMatchObject({ records: ["0 0 5061 pool1.lab.example.com."] });

      // Deleted outside rcclab: read says gone, an update creates it again.
      await b.outOfBand(ZONE, ["update delete drift.lab.example.com SRV"]);
      expect((await rt.read(c.id, c.outs)).id).toBeUndefined();
      await rt.update(c.id, c.outs, inputs({ zone: ZONE, name: "drift.lab.example.com", type: "SRV", records: ["0 0 5061 pool1.lab.example.com."] }));
      expect(await live("drift.lab.example.com", "SRV")).toMatchObject({ records: ["0 0 5061 pool1.lab.example.com."] });
      await rt.delete(c.id, c.outs);
    });

    it("delete removes only rcclab's records: a record someone added to the same name survives", async () => {
      const c = await rt.create(inputs({ zone: ZONE, name: "shared.lab.example.com", type: "A", records: ["10.10.10.60"] }));
      await b.outOfBand(ZONE, ["update add shared.lab.example.com 3600 A 10.10.10.61", "update add shared.lab.example.com 3600 TXT \"owner=someone-else\""]);
      await rt.delete(c.id, c.outs);
      expect(await live("shared.lab.example.com", "A")).toMatchObject({ records: ["10.10.10.61"] });
      expect(await live("shared.lab.example.com", "TXT")).toMatchObject({ records: ['"owner=someone-else"'] });
    });

    it("reports a CNAME clash instead of letting the server ignore the add", async () => {
      await b.outOfBand(ZONE, ["update add alias.lab.example.com 3600 CNAME cup.lab.example.com."]);
      const e = await fail(rt.create(inputs({ zone: ZONE, name: "alias.lab.example.com", type: "A", records: ["10.10.10.70"] })));
      expect(e.code).toBe("Conflict");
      expect(e.message).toContain("is an alias (CNAME cup.lab.example.com.)");
      const e2 = await fail(rt.create(inputs({ zone: ZONE, name: "dc1.lab.example.com", type: "CNAME", records: ["cup.lab.example.com."] })));
      expect(e2.code).toBe("Conflict");
      expect(e2.message).toContain("a CNAME cannot share its name");
    });

    it("reads a large RRset over TCP after a truncated UDP answer, and sends a large update over TCP", async () => {
      const records = Array.from({ length: 40 }, (_, i) => `10.10.10.${100 + i}`);
      const c = await rt.create(inputs({ zone: ZONE, name: "big.lab.example.com", type: "A", records }));
      const got = await live("big.lab.example.com", "A");
      expect(got?.records).toHaveLength(40);
      if (b.sim) {
        const reqs = b.sim.requests.filter((r) => r.question?.startsWith("big.lab.example.com") || r.opcode === "UPDATE");
        expect(reqs.some((r) => r.opcode === "UPDATE" && r.transport === "tcp")).toBe(true);
        expect(reqs.some((r) => r.opcode === "QUERY" && r.transport === "udp")).toBe(true);
        expect(reqs.some((r) => r.opcode === "QUERY" && r.transport === "tcp")).toBe(true);
      }
      await rt.delete(c.id, c.outs);
      expect(await live("big.lab.example.com", "A")).toBeUndefined();
    });

    it("wrong secret → Unauthorized (BADSIG), unknown key → Unauthorized (BADKEY), never showing a secret", async () => {
      const wrong = { ...b.key, secret: crypto.randomBytes(32).toString("base64") };
      secrets.add(wrong.secret);
      const e = await fail(rt.create(inputs({ zone: ZONE, name: "x.lab.example.com", type: "A", records: ["10.10.10.80"] }, connectionFor({ port: b.port, key: wrong }))));
      expect(e.code).toBe("Unauthorized");
      expect(e.message).toContain('the secret of TSIG key "rcclab-key" does not match the server\'s');
      expect(e.message).toContain("BADSIG");
      const e2 = await fail(
        rt.create(inputs({ zone: ZONE, name: "x.lab.example.com", type: "A", records: ["10.10.10.80"] }, connectionFor({ port: b.port, key: { ...b.key, name: "nobody-key" } }))),
      );
      expect(e2.code).toBe("Unauthorized");
      expect(e2.message).toContain('does not know TSIG key "nobody-key"');
      expect(await live("x.lab.example.com", "A")).toBeUndefined();
    });

    it("an unsigned update is refused (REFUSED → Unauthorized with what to do)", async () => {
      const unsigned = connectionFor({ port: b.port }, { allowUnsignedUpdates: true });
      const e = await fail(rt.create(inputs({ zone: ZONE, name: "x.lab.example.com", type: "A", records: ["10.10.10.80"] }, unsigned)));
      expect(e.code).toBe("Unauthorized");
      expect(e.message).toContain("REFUSED");
      expect(e.message).toContain("does not take unsigned updates");
      expect(e.message).toContain("configure a TSIG key");
    });

    it("an unknown zone → InvalidRequest naming the zone", async () => {
      const e = await fail(rt.create(inputs({ zone: "nowhere.example.net", name: "a.nowhere.example.net", type: "A", records: ["10.10.10.90"] })));
      expect(e.code).toBe("InvalidRequest");
      expect(e.message).toContain('zone "nowhere.example.net" not found on DNS server 127.0.0.1:');
      // Straight to the update: the server's NOTAUTH says the same.
      const e2 = await fail(client.update("nowhere.example.net", [{ op: "add", name: "a.nowhere.example.net", type: "A", ttl: 60, rdata: "10.10.10.90" }]));
      expect(e2.code).toBe("InvalidRequest");
      expect(e2.message).toContain('zone "nowhere.example.net" not found');
    });
  });
}

const haveBind = bind9Available();

suite(
  "BIND 9 (TSIG)",
  async () => {
    const bind: Bind9 = await startBind9({ zones: [ZONE, REV], records: { [ZONE]: ["dc1 IN A 10.10.10.5"] } });
    return {
      key: bind.key,
      port: bind.port,
      outOfBand: async (zone, commands) => {
        bind.nsupdate(zone, commands);
      },
      stop: () => bind.stop(),
    };
  },
  !haveBind,
);

suite("the lab's DNS simulator", async () => {
  const key: TsigKey = { name: "rcclab-key", algorithm: "hmac-sha256", secret: crypto.randomBytes(32).toString("base64") };
  const sim = await startDnsSim({ zones: [ZONE, REV], tsigKeys: [key], seed: [{ name: "dc1.lab.example.com", type: "A", data: "10.10.10.5" }] });
  const other = new DnsClient(connectionFor({ port: sim.port, key }) as DnsConnection, quiet);
  return { key, port: sim.port, sim, outOfBand: (zone, commands) => clientUpdate(other, zone, commands), stop: () => sim.stop() };
});

describe("the lab's DNS simulator on its own", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-dnssim-"));
  const key: TsigKey = { name: "lab-key", algorithm: "hmac-sha512", secret: crypto.randomBytes(64).toString("base64") };
  secrets.add(key.secret);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("keeps its zones in the state file across restarts; the seeded records are there from the start", async () => {
    const stateFile = path.join(dir, "dns.json");
    const opts = { zones: [ZONE, REV], tsigKeys: [key], stateFile, seed: [{ name: "dc1.lab.example.com", type: "A", data: "10.10.10.5" }] };
    const sim = await startDnsSim(opts);
    const conn = connectionFor({ port: sim.port, key });
    const c = await rt.create(checked(RecordSet, { zone: REV, name: "20.10.10.10.in-addr.arpa", type: "PTR", records: ["cup.lab.example.com"], connection: conn }));
    const serial = sim.serial(REV);
    expect(serial).toBe(2);
    await sim.stop();
    const again = await startDnsSim({ ...opts, seed: [] });
    try {
      expect(again.lookup("20.10.10.10.in-addr.arpa", "PTR")).toEqual({ ttl: 3600, records: ["cup.lab.example.com."] });
      expect(again.lookup("dc1.lab.example.com", "A")).toEqual({ ttl: 3600, records: ["10.10.10.5"] });
      expect(again.serial(REV)).toBe(serial);
      expect(again.records(ZONE).map((r) => `${r.name} ${r.type}`)).toEqual(expect.arrayContaining(["lab.example.com SOA", "lab.example.com NS", "ns1.lab.example.com A", "dc1.lab.example.com A"]));
      const read = await rt.read(c.id, { ...c.outs, connection: connectionFor({ port: again.port, key }) });
      expect(read.props).toMatchObject({ records: ["cup.lab.example.com."] });
      expect(JSON.parse(fs.readFileSync(stateFile, "utf8")).zones[REV]).toEqual(expect.arrayContaining([{ name: "20.10.10.10.in-addr.arpa", type: "PTR", ttl: 3600, data: "cup.lab.example.com." }]));
    } finally {
      await again.stop();
    }
  });

  it("answers BADTIME when the clocks differ by more than the fudge (signed, with its own time)", async () => {
    const sim = await startDnsSim({ zones: [ZONE], tsigKeys: [key], clock: () => Math.floor(Date.now() / 1000) + 3600 });
    try {
      const e = await fail(rt.create(checked(RecordSet, { zone: ZONE, name: "t.lab.example.com", type: "A", records: ["10.10.10.1"], connection: connectionFor({ port: sim.port, key }) })));
      expect(e.code).toBe("Unauthorized");
      expect(e.message).toContain("BADTIME");
      expect(e.message).toContain("synchronise the clocks");
      expect(sim.requests.at(-1)).toMatchObject({ rcode: "NOTAUTH", tsigError: "BADTIME", signedBy: "lab-key" });
    } finally {
      await sim.stop();
    }
  });

  it("takes unsigned updates when configured to (a zone with nonsecure updates), and only then", async () => {
    const sim = await startDnsSim({ zones: [ZONE], allowUnsigned: true });
    try {
      const conn = connectionFor({ port: sim.port }, { allowUnsignedUpdates: true });
      const c = await rt.create(checked(RecordSet, { zone: ZONE, name: "u.lab.example.com", type: "A", records: ["10.10.10.2"], connection: conn }));
      expect(sim.lookup("u.lab.example.com", "A")?.records).toEqual(["10.10.10.2"]);
      expect(sim.requests.filter((r) => r.opcode === "UPDATE").every((r) => r.signedBy === undefined)).toBe(true);
      await rt.delete(c.id, c.outs);
      expect(sim.lookup("u.lab.example.com", "A")).toBeUndefined();
    } finally {
      await sim.stop();
    }
  });

  it("applies RFC 2136 prerequisites and class ANY / NONE deletes; never deletes the apex SOA or last NS", async () => {
    const sim = await startDnsSim({ zones: [ZONE], tsigKeys: [key] });
    const c = new DnsClient(connectionFor({ port: sim.port, key }) as DnsConnection, quiet);
    try {
      await c.update(ZONE, [
        { op: "add", name: "p.lab.example.com", type: "A", ttl: 60, rdata: "10.0.0.1" },
        { op: "add", name: "p.lab.example.com", type: "A", ttl: 60, rdata: "10.0.0.2" },
      ]);
      const conflict = await fail(c.update(ZONE, [{ op: "add", name: "p.lab.example.com", type: "A", ttl: 60, rdata: "10.0.0.3" }], [{ kind: "rrsetAbsent", name: "p.lab.example.com", type: "A" }]));
      expect(conflict).toMatchObject({ code: "Conflict", systemCode: "YXRRSET" });
      await fail(c.update(ZONE, [], [{ kind: "rrsetEquals", name: "p.lab.example.com", type: "A", records: ["10.0.0.1"] }])).then((e) => expect(e).toMatchObject({ systemCode: "NXRRSET" }));
      await c.update(ZONE, [], [{ kind: "rrsetEquals", name: "p.lab.example.com", type: "A", records: ["10.0.0.2", "10.0.0.1"] }, { kind: "nameInUse", name: "p.lab.example.com" }]);
      await fail(c.update(ZONE, [], [{ kind: "nameNotInUse", name: "p.lab.example.com" }])).then((e) => expect(e).toMatchObject({ systemCode: "YXDOMAIN" }));
      await fail(c.update(ZONE, [], [{ kind: "rrsetExists", name: "q.lab.example.com", type: "A" }])).then((e) => expect(e).toMatchObject({ systemCode: "NXRRSET" }));
      await c.update(ZONE, [{ op: "delete", name: "p.lab.example.com", type: "A", rdata: "10.0.0.1" }]);
      expect(sim.lookup("p.lab.example.com", "A")?.records).toEqual(["10.0.0.2"]);
      await c.update(ZONE, [{ op: "deleteRRset", name: "p.lab.example.com", type: "A" }]);
      expect(sim.lookup("p.lab.example.com", "A")).toBeUndefined();
      await c.update(ZONE, [
        { op: "deleteRRset", name: ZONE, type: "SOA" },
        { op: "delete", name: ZONE, type: "NS", rdata: "ns1.lab.example.com." },
      ]);
      expect(sim.lookup(ZONE, "SOA")).toBeDefined();
      expect(sim.lookup(ZONE, "NS")?.records).toEqual(["ns1.lab.example.com."]);
      const outside = await fail(c.update(ZONE, [{ op: "add", name: "a.example.org", type: "A", ttl: 60, rdata: "10.0.0.9" }]));
      expect(outside.message).toContain('"a.example.org" is not in zone "lab.example.com"');
    } finally {
      await sim.stop();
    }
  });

  it.skipIf(!findProgram("nsupdate") || !findProgram("dig"))("serves nsupdate and dig like a real server", async () => {
    const sim = await startDnsSim({ zones: [ZONE], tsigKeys: [key] });
    try {
      // Asynchronously: the simulator answers from this very process.
      const run = (file: string, args: string[], input?: string) =>
        new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
          const child = execFile(file, args, { timeout: 10_000, encoding: "utf8" }, (err, stdout, stderr) =>
            resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
          );
          child.stdin!.end(input ?? "");
        });
      const keyFile = path.join(dir, "nsupdate.key");
      fs.writeFileSync(keyFile, `key "${key.name}" { algorithm ${key.algorithm}; secret "${key.secret}"; };\n`, { mode: 0o600 });
      const ok = await run(findProgram("nsupdate")!, ["-k", keyFile], `server 127.0.0.1 ${sim.port}\nzone ${ZONE}\nupdate add ns-made.lab.example.com 300 A 10.10.10.99\nsend\n`);
      expect(ok).toMatchObject({ code: 0, stderr: "" });
      expect(sim.lookup("ns-made.lab.example.com", "A")).toEqual({ ttl: 300, records: ["10.10.10.99"] });
      const dig = await run(findProgram("dig")!, ["@127.0.0.1", "-p", String(sim.port), "+noall", "+answer", "+norecurse", "ns-made.lab.example.com", "A"]);
      expect(dig.stdout).toMatch(/ns-made\.lab\.example\.com\.\s+300\s+IN\s+A\s+10\.10\.10\.99/);
      const refused = await run(findProgram("nsupdate")!, [], `server 127.0.0.1 ${sim.port}\nzone ${ZONE}\nupdate add x.lab.example.com 300 A 10.10.10.98\nsend\n`);
      expect(refused.code).not.toBe(0);
      const stderr = refused.stderr;
      expect(stderr).toContain("REFUSED");
    } finally {
      await sim.stop();
    }
    expect(sim.requests.filter((r) => r.opcode === "UPDATE").map((r) => r.rcode)).toEqual(["NOERROR", "REFUSED"]);
  });
});

describe("RecordSet fields and the connection are checked before anything is sent", () => {
  const conn = { server: "127.0.0.1", tsig: { name: "k", secret: "c2VjcmV0" } };
  it("validates records per type, the name against the zone, CNAME singletons; names each bad field", () => {
    const r = rt.check({}, { zone: ZONE, name: "x.example.org", type: "SRV", records: ["0 0 5061 pool1.lab.example.com.", "5061 pool1", "0 0 70000 a.b."], connection: conn });
    expect(r.failures.map((f) => f.property).sort()).toEqual(["name", "records[1]", "records[2]"]);
    expect(r.failures.find((f) => f.property === "records[1]")!.reason).toContain('"priority weight port target"');
    expect(r.failures.find((f) => f.property === "records[2]")!.reason).toContain("SRV port must be an integer from 0 to 65535");
    const a = rt.check({}, { zone: ZONE, name: "a.lab.example.com", type: "A", records: ["10.10.10.256"], connection: conn });
    expect(a.failures).toEqual([{ property: "records[0]", reason: expect.stringContaining("IPv4 address") }]);
    const c = rt.check({}, { zone: ZONE, name: "c.lab.example.com", type: "CNAME", records: ["a.lab.example.com.", "b.lab.example.com."], connection: conn });
    expect(c.failures).toEqual([{ property: "records", reason: "a CNAME RRset holds exactly one record" }]);
    const t = rt.check({}, { zone: ZONE, name: "c.lab.example.com", type: "MX", records: ["10 a."], connection: conn });
    expect(t.failures.map((f) => f.property)).toEqual(["type"]);
  });

  it("normalises names and records (lowercase, trailing dots, sorted, no duplicates)", () => {
    const r = rt.check({}, { zone: "Lab.Example.COM.", name: "_SIPInternalTLS._tcp.LAB.example.com", type: "SRV", records: ["0 0 5061 Pool1.Lab.Example.com", "0  0 5061 pool1.lab.example.com."], connection: conn });
    expect(r.failures).toEqual([]);
    expect(r.inputs).toMatchObject({ zone: ZONE, name: "_sipinternaltls._tcp.lab.example.com", ttl: 3600, records: ["0 0 5061 pool1.lab.example.com."] });
  });

  it("needs a TSIG key or an explicit allowUnsignedUpdates; the secret is never echoed", () => {
    const r = rt.check({}, { zone: ZONE, name: "a.lab.example.com", type: "A", records: ["10.10.10.1"], connection: { server: "127.0.0.1" } });
    expect(r.failures).toEqual([{ property: "connection.tsig", reason: expect.stringContaining("allowUnsignedUpdates: true") }]);
    const bad = rt.check({}, { zone: ZONE, name: "a.lab.example.com", type: "A", records: ["10.10.10.1"], connection: { server: "127.0.0.1", tsig: { name: "k", secret: "not base64 S3cr3t!" } } });
    expect(bad.failures.map((f) => f.property)).toEqual(["connection.tsig.secret"]);
    expect(JSON.stringify(bad.failures)).not.toContain("S3cr3t");
    // The lab config's fields (dnsSchema) minus the zones are a valid connection.
    expect(rt.check({}, { zone: ZONE, name: "a.lab.example.com", type: "A", records: ["10.10.10.1"], connection: { server: "dc1.lab.example.com", port: 53, allowUnsignedUpdates: true } }).failures).toEqual([]);
  });
});

describe("the guide's records", () => {
  const lab = {
    zone: ZONE,
    reverseZone: REV,
    sipDomain: ZONE,
    cup: { fqdn: "cup.lab.example.com", address: "10.10.10.20" },
    cucm: { fqdn: "cucm.other.example.net", address: "10.20.0.10" },
    pools: [
      { name: "pool1", fqdn: "pool1.lab.example.com", address: "10.10.10.31", frontEnds: [{ fqdn: "fe1.lab.example.com", address: "10.10.10.31" }] },
      { name: "pool2", fqdn: "pool2.lab.example.com", address: "10.10.10.40", frontEnds: [{ fqdn: "fe2.lab.example.com", address: "10.10.10.32" }] },
    ],
  };
  it("A and PTR for CUP, CUCM, the pools and the front ends; one sign-in SRV per transport to one pool", () => {
    const { recordSets, skipped } = guideRecordSets({ ...lab, signInPool: "pool2", tcpSignIn: true });
    const byName = Object.fromEntries(recordSets.map((r) => [`${r.fields.name}/${r.fields.type}`, r.fields.records]));
    expect(byName).toEqual({
      "cup.lab.example.com/A": ["10.10.10.20"],
      "pool1.lab.example.com/A": ["10.10.10.31"],
      "fe1.lab.example.com/A": ["10.10.10.31"],
      "pool2.lab.example.com/A": ["10.10.10.40"],
      "fe2.lab.example.com/A": ["10.10.10.32"],
      "20.10.10.10.in-addr.arpa/PTR": ["cup.lab.example.com."],
      // One front end, no load balancer: the shared address names the server, not the pool.
      "31.10.10.10.in-addr.arpa/PTR": ["fe1.lab.example.com."],
      "40.10.10.10.in-addr.arpa/PTR": ["pool2.lab.example.com."],
      "32.10.10.10.in-addr.arpa/PTR": ["fe2.lab.example.com."],
      "_sipinternaltls._tcp.lab.example.com/SRV": ["0 0 5061 pool2.lab.example.com."],
      "_sipinternal._tcp.lab.example.com/SRV": ["0 0 5060 pool2.lab.example.com."],
    });
    expect(skipped).toEqual(["A cucm.other.example.net (CUCM): not in zone lab.example.com", "PTR 10.0.20.10.in-addr.arpa (cucm.other.example.net): 10.20.0.10 is not in reverse zone 10.10.10.in-addr.arpa"]);
    for (const r of recordSets) expect(rt.check({}, { ...r.fields, connection: { server: "x", allowUnsignedUpdates: true } }).failures).toEqual([]);
    expect(OCS_SIGN_IN_SRV.map((s) => s.service)).toEqual(["_sipinternaltls._tcp", "_sipinternal._tcp"]);
  });
  it("TLS sign-in only when asked; a SIP domain outside the zone or an unknown sign-in pool is an error", () => {
    expect(guideRecordSets({ ...lab, tcpSignIn: false }).recordSets.filter((r) => r.fields.type === "SRV").map((r) => r.fields.records[0])).toEqual(["0 0 5061 pool1.lab.example.com."]);
    expect(() => guideRecordSets({ ...lab, sipDomain: "example.org" })).toThrow('the SIP domain "example.org" is not in zone "lab.example.com"');
    expect(() => guideRecordSets({ ...lab, signInPool: "pool9" })).toThrow('signInPool "pool9" is not one of the OCS pools');
  });
});

describe("transport failures are typed and retried", () => {
  it("no answer → Timeout (retryable) after the retries; nothing listening → Transport or Timeout", async () => {
    const silent = dgram.createSocket("udp4");
    await new Promise<void>((r) => silent.bind(0, "127.0.0.1", () => r()));
    let seen = 0;
    silent.on("message", () => seen++);
    const port = silent.address().port;
    const key: TsigKey = { name: "k", algorithm: "hmac-sha256", secret: crypto.randomBytes(32).toString("base64") };
    secrets.add(key.secret);
    try {
      const c = new DnsClient(connectionFor({ port, key }, { timeoutMs: 150, retries: 2 }) as DnsConnection, quiet);
      const e = await fail(c.getRRset(ZONE, "a.lab.example.com", "A"));
      expect(e).toMatchObject({ code: "Timeout", retryable: true });
      expect(e.message).toContain(`no answer from DNS server 127.0.0.1:${port} over UDP within 150 ms`);
      expect(seen).toBe(3);
    } finally {
      silent.close();
    }
    const c2 = new DnsClient(connectionFor({ port, key }, { timeoutMs: 300, retries: 0 }) as DnsConnection, quiet);
    const e2 = await fail(c2.getRRset(ZONE, "a.lab.example.com", "A"));
    expect(["Transport", "Timeout"]).toContain(e2.code);
  });
});
