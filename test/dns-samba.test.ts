/**
 * A1 against a real AD-integrated zone: Samba's internal DNS (as an AD DC) takes unsigned RFC 2136
 * updates when "allow dns updates = nonsecure" (like a Windows zone allowing nonsecure updates), and
 * rejects TSIG (it speaks only Kerberos GSS-TSIG, out of scope). The RecordSet kind with
 * `allowUnsignedUpdates` creates, reads, updates and deletes there. Fails under CI without Samba.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DnsClient, dnsConnectionSchema } from "../providers/dns/client";
import { RecordSet } from "../providers/dns/recordSet";
import { type SambaDc, sambaRequired, startSamba } from "./support/samba";
import { checked, failure } from "./support/kinds";

const ZONE = "lab.example.com";

describe.skipIf(!sambaRequired())("RecordSet on Samba's AD-integrated zone (unsigned updates)", () => {
  let dc: SambaDc;
  let connection: Record<string, unknown>;
  let dns: DnsClient;

  beforeAll(async () => {
    dc = await startSamba();
    connection = { server: dc.host, port: dc.dnsPort, allowUnsignedUpdates: true, timeoutMs: 3000, retries: 1, minRetryDelayMs: 10, maxRetryDelayMs: 50 };
    dns = new DnsClient(dnsConnectionSchema.parse(connection));
  }, 180_000);
  afterAll(async () => dc?.stop());

  it("creates, reads, updates and deletes an A record set, leaving the zone's own records", async () => {
    // The zone's own name servers (the DC) stay as they are.
    const dcRecords = await dns.getRRset(ZONE, ZONE, "NS");
    expect(dcRecords?.records.length).toBeGreaterThan(0);

    const input = checked(RecordSet, { zone: ZONE, name: `cup.${ZONE}`, type: "A", ttl: 3600, records: ["10.10.10.20"], connection });
    const created = await RecordSet.runtime.create(input);
    expect(created.id).toBe(`cup.${ZONE}/A`);
    expect((await dns.getRRset(ZONE, `cup.${ZONE}`, "A"))?.records).toEqual(["10.10.10.20"]);

    const updated = await RecordSet.runtime.update(created.id, created.outs, { ...input, records: ["10.10.10.21"] });
    expect((await dns.getRRset(ZONE, `cup.${ZONE}`, "A"))?.records).toEqual(["10.10.10.21"]);
    const read = await RecordSet.runtime.read(created.id, updated.outs);
    expect(RecordSet.runtime.changedFields(read.props!, { ...input, records: ["10.10.10.21"] })).toEqual([]);

    await RecordSet.runtime.delete(created.id, updated.outs);
    expect(await dns.getRRset(ZONE, `cup.${ZONE}`, "A")).toBeUndefined();
    expect((await dns.getRRset(ZONE, ZONE, "NS"))?.records).toEqual(dcRecords!.records);
  });

  it("says clearly when a TSIG-signed update meets a server that only knows Kerberos", async () => {
    const signed = { ...connection, allowUnsignedUpdates: false, tsig: { name: "rcclab", algorithm: "hmac-sha256", secret: Buffer.from("not-a-kerberos-key").toString("base64") } };
    const err = await failure(RecordSet.runtime.create(checked(RecordSet, { zone: ZONE, name: `x.${ZONE}`, type: "A", records: ["10.10.10.30"], connection: signed })));
    expect(err.code).toBe("Unauthorized");
    expect(err.message).not.toContain(Buffer.from("not-a-kerberos-key").toString("base64"));
  });
});
