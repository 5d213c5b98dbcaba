/**
 * What the embedded lab's systems hold, read through their own protocols (AXL's SQL, LDAP, DNS,
 * WMI over SSH, CUP's AXL), as sorted lists of names: the end-to-end tests compare it before and after
 * (a destroy must give back exactly what the lab was seeded with).
 */
import { AdClient, adConnectionSchema, first } from "../../providers/ad/client";
import { AxlClient } from "../../providers/cucm/axl/client";
import { INCOMING_ACL, OUTGOING_ACL } from "../../providers/cup/catalog";
import { CupClient, cupConnectionSchema } from "../../providers/cup/client";
import { select } from "../../providers/cup/sql";
import { DnsClient, dnsConnectionSchema } from "../../providers/dns/client";
import { OcsClient, ocsConnectionSchema } from "../../providers/ocs/client";
import { LAB, type Lab } from "../../src/labsim/lab";
import { type TestLab, startTestLab } from "./lab";

export type Snapshot = Record<
  "devices" | "numbers" | "appUsers" | "endUsers" | "services" | "dialRules" | "dnsRecords" | "adUsers" | "ocsRoutes" | "ocsHosts" | "cupAcl" | "cupOutgoingAcl",
  string[]
>;

const quiet = { info: () => {}, warn: () => {} };

/** A client of each of the lab's systems, as rcclab's providers build them. */
export function labClients(lab: Lab) {
  const ldap = new AdClient(
    adConnectionSchema.parse({ url: lab.directory.ldapsUrl, bindDn: LAB.directory.bindDn, password: LAB.directory.password, usersDn: `CN=Users,${LAB.directory.baseDn}`, tls: { caFile: lab.caFile } }),
    quiet,
  );
  const dns = new DnsClient(dnsConnectionSchema.parse({ server: "127.0.0.1", port: lab.dns.port, tsig: LAB.dns.tsig }));
  const ocs = LAB.ocs.pools.map(
    (p, i) => new OcsClient(ocsConnectionSchema.parse({ transport: "ssh", host: p.address, port: lab.ocs[i]!.port, username: LAB.ocs.username, password: LAB.ocs.password, pool: p.fqdn }), quiet),
  );
  const cup = new CupClient(
    cupConnectionSchema.parse({ host: "127.0.0.1", port: lab.cup.port, username: LAB.cup.username, password: LAB.cup.password, release: "7.0", tls: { caFile: lab.caFile, servername: "cup.lab.example.com" } }),
    quiet,
  );
  const axl = new AxlClient(
    { host: "127.0.0.1", port: lab.cucm.port, username: LAB.cucm.username, password: LAB.cucm.password, release: "7.0", tls: { caFile: lab.caFile, insecureSkipVerify: false }, timeoutMs: 10_000, retries: 2, minRetryDelayMs: 10, maxRetryDelayMs: 50 },
    quiet,
  );
  const column = async (sql: string) => (await axl.sql<Record<string, string>>(sql)).map((r) => Object.values(r)[0]!);
  /** What each system holds: CUCM's devices (phones, trunks, profiles), numbers (lines, Meet-Me), users, services, dial rules; DNS, AD, OCS, CUP. */
  const snapshot = async (): Promise<Snapshot> => ({
    devices: await column("select name from device order by name"),
    numbers: await column("select dnorpattern from numplan order by dnorpattern"),
    appUsers: await column("select name from applicationuser order by name"),
    endUsers: await column("select userid from enduser order by userid"),
    services: await column("select name from telecasterservice order by name"),
    dialRules: await column("select name from applicationdialrule order by name"),
    dnsRecords: lab.dns.records().map((r) => `${r.name} ${r.type} ${r.data}`).filter((r) => !/ SOA /.test(r)).sort(),
    adUsers: (await ldap.search(`CN=Users,${LAB.directory.baseDn}`, "(objectClass=user)", ["sAMAccountName"], "one")).map((e) => first(e, "sAMAccountName")!).sort(),
    ocsRoutes: (await Promise.all(ocs.map((c) => c.listRoutes()))).flat().map((r) => `${r.matchUri} ${r.nextHop}`).sort(),
    ocsHosts: (await Promise.all(ocs.map((c) => c.listHosts()))).flat().map((h) => h.server).sort(),
    cupAcl: (await cup.query(select(INCOMING_ACL))).map((r) => String(r.address)).sort(),
    cupOutgoingAcl: (await cup.query(select(OUTGOING_ACL))).map((r) => String(r.address)).sort(),
  });
  const close = async () => {
    for (const c of ocs) c.close();
    cup.close();
    await ldap.close();
  };
  return { ldap, dns, ocs, cup, axl, snapshot, close };
}

/** The test lab (./lab.ts), clients of its systems, and what it was seeded with. */
export async function startSnapshottedLab(tmp: string): Promise<{ t: TestLab; lab: Lab; clients: ReturnType<typeof labClients>; seeded: Snapshot; stop(): Promise<void> }> {
  const t = await startTestLab(tmp);
  const clients = labClients(t.lab);
  const seeded = await clients.snapshot();
  return {
    t,
    lab: t.lab,
    clients,
    seeded,
    async stop() {
      await clients.close();
      await t.lab.stop();
    },
  };
}
