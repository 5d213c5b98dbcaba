/**
 * A DNS server that allows no zone transfers (as Windows DNS does by default on AD-integrated zones):
 * the inventory reads the guide's records by query instead — the sign-in SRV records, CUP's and
 * each pool's A records, their PTR records and the front ends they name — so discover still finds
 * the OCS pools and audit still checks A1. On the embedded lab with its DNS told to refuse transfers.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guideRecordSets } from "../providers/dns/guide";
import { type LabConfig, parseConfig } from "../src/config";
import { loadStackConfig } from "../src/engine/stackConfig";
import { connectionsOf, readInventory } from "../src/inventory";
import { PASSPHRASE, runCli, startTestLab, type TestLab } from "./support/lab";

describe("the inventory when the DNS server refuses zone transfers", { timeout: 300_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-dns-query-"));
  let t: TestLab;
  let cfg: LabConfig;

  beforeAll(async () => {
    t = await startTestLab(tmp, { dnsTransfers: "none" });
    const r = await t.rcclab("up");
    expect(r.code, r.err + r.out).toBe(0);
    cfg = parseConfig(loadStackConfig(path.join(t.stacksDir, "Pulumi.local.yaml"), { passphrase: PASSPHRASE }).config).config!;
  });
  afterAll(async () => {
    await t?.lab.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("reads the guide's records by query, with the stack's values, and says both zones were read so", async () => {
    const inv = await readInventory(connectionsOf(cfg), { only: ["ad", "dns"] });
    expect(inv.unread).toEqual([]);
    const dns = inv.dns!;
    expect(dns.byQuery).toEqual([cfg.dns.zone, cfg.dns.reverseZone]);
    const { recordSets } = guideRecordSets({ zone: cfg.dns.zone, reverseZone: cfg.dns.reverseZone, ttl: cfg.dns.ttl, sipDomain: cfg.lab.sipDomain, cup: { fqdn: cfg.cup.host, address: cfg.cup.address }, pools: cfg.ocs.pools });
    expect(recordSets.length).toBeGreaterThan(8);
    for (const r of recordSets) {
      const live = dns.records.find((x) => x.name === r.fields.name && x.type === r.fields.type);
      expect(live, `${r.fields.name} ${r.fields.type}`).toBeDefined();
      expect([...live!.records].sort()).toEqual([...r.fields.records].map((v: string) => v.toLowerCase()).sort());
    }
    // Only the guide's names were asked: the domain controller's record (seeded) is not read.
    expect(dns.records.some((r) => r.name === "dc1.lab.example.com")).toBe(false);
  });

  it("discover still finds both OCS pools and their front ends; audit checks A1 and passes", async () => {
    const d = await runCli(["discover", "--stack", "found", "--from", "local", "--json", "--stacks-dir", t.stacksDir]);
    expect(d.code, d.err).toBe(0);
    const doc = JSON.parse(d.out);
    expect(doc.config["rcclab:ocs"].pools).toEqual(cfg.ocs.pools.map((p) => ({ name: p.name, fqdn: p.fqdn, address: p.address, frontEnds: p.frontEnds })));
    expect(doc.config["rcclab:users"].map((u: { userid: string }) => u.userid)).toEqual(cfg.users.map((u) => u.userid));

    const a = await runCli(["audit", "--json", ...t.stackArgs]);
    expect(a.code, a.err).toBe(0);
    const findings = JSON.parse(a.out).findings as { check: string; status: string }[];
    const dnsFindings = findings.filter((f) => f.check.startsWith("dns."));
    expect(dnsFindings.length).toBeGreaterThan(8);
    expect(dnsFindings.filter((f) => f.status !== "pass")).toEqual([]);
  });
});
