/**
 * The embedded lab: every simulator rcclab has, on loopback, with one lab CA written to disk and
 * state kept in a folder so the lab survives a restart. stacks/Pulumi.local.yaml points at it
 * (fixed ports, the CA file) with TLS verification on.
 *
 * It runs CUCM (AXL 7.0, the guide's release, with Serviceability and its platform CLI), DNS
 * (RFC 2136 with TSIG), the directory (LDAP/LDAPS, AD-like with the OCS schema) and one OCS front
 * end per pool (PowerShell/WMI over SSH, on 127.0.0.11, 127.0.0.12, ...), and CUP (AXL with SQL on
 * its database, its platform CLI; its Sync Agent takes the end users from the CUCM simulator).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../../providers/core/provider";
import { ensureLabCa } from "./ca";
import { startCucmSim, type CucmSim } from "./cucm";
import { startCucmPlatform, type CucmPlatform } from "./cucm-platform";
import { startCupSim, type CupSim } from "./cup";
import type { SchemaVariant } from "./cup/schema";
import { startDirectorySim, type DirectorySim } from "./directory";
import { startDnsSim, type DnsSim } from "./dns";
import { OcsWmiStore, startOcsSim, type OcsSim } from "./ocs";
import { startOcsWinRm, type OcsWinRm } from "./ocs/winrm";
import type { CucmSeed } from "./cucm/model/seed";

/** The lab's fixed endpoints and credentials (mirrored by stacks/Pulumi.local.yaml). */
export const LAB = {
  cucm: { port: 18443, username: "rcclab-axl", password: "Lab-Axl-Pa55", release: "7.0" as const },
  /** CUCM's platform CLI over SSH (admin: prompt). */
  cucmCli: { port: 18022, username: "admin", password: "Lab-Cli-Pa55" },
  /** CUP: AXL (SQL on its database) and its platform CLI. */
  cup: { port: 18444, username: "cupadmin", password: "Lab-Cup-Pa55", cliPort: 18023, cliUsername: "admin", cliPassword: "Lab-Cup-Cli-Pa55" },
  /** The lab's DNS: forward zone and the reverse zone of its loopback addresses; a public lab TSIG key. */
  dns: {
    port: 18053,
    zones: ["lab.example.com", "0.0.127.in-addr.arpa"],
    tsig: { name: "rcclab-lab-key", algorithm: "hmac-sha256" as const, secret: "cmNjbGFiLWxhYi10c2lnLWtleS1ub3QtYS1zZWNyZXQ=" },
  },
  /** The lab's directory (an AD-like LDAP server with the OCS schema extension). */
  directory: {
    port: 18389,
    ldapsPort: 18636,
    baseDn: "DC=lab,DC=example,DC=com",
    bindDn: "CN=Administrator,CN=Users,DC=lab,DC=example,DC=com",
    password: "Lab-Dc-Pa55!",
  },
  /**
   * Each pool's front end, on its own loopback address: SSH (PowerShell/WMI) on `port` and WinRM
   * over HTTPS (WS-Management, https://<address>:<winrmPort>/wsman, certificate from the lab CA,
   * Basic or Negotiate/NTLM) on `winrmPort`, both with the same account and the same WMI tables.
   */
  ocs: { port: 18122, winrmPort: 18986, username: "LAB\\rcclab-ocs", password: "Lab-Ocs-Pa55!", pools: [
    { name: "pool1", fqdn: "pool1.lab.example.com", address: "127.0.0.11", frontEnd: "ocsfe1.lab.example.com" },
    { name: "pool2", fqdn: "pool2.lab.example.com", address: "127.0.0.12", frontEnd: "ocsfe2.lab.example.com" },
  ] },
} as const;

/**
 * What the lab's CUCM holds before rcclab runs, beyond a fresh install: objects a real lab would
 * already have. rcclab must leave them alone (the end-to-end test checks they survive a destroy).
 */
export const LAB_SEED: CucmSeed = {
  endUsers: [
    { userid: "jdoe", firstName: "John", lastName: "Doe" },
    { userid: "reception", firstName: "Front", lastName: "Desk" },
  ],
  lines: [{ pattern: "\\+14085550100", description: "Reception (pre-existing)" }],
  phones: [
    {
      name: "SEP00AA00BB0001",
      product: "Cisco 7970",
      protocol: "SCCP",
      description: "Reception phone (pre-existing)",
      devicePoolName: "Default",
      lines: [{ index: 1, pattern: "\\+14085550100" }],
    },
  ],
  appUsers: [
    { userid: "existing-app", password: "Existing-Pa55", associatedDevices: ["SEP00AA00BB0001"] },
    // rcclab's AXL user is an application user too, as on a real CUCM (Standard AXL API Access).
    { userid: LAB.cucm.username, password: LAB.cucm.password },
  ],
};

export interface LabOptions {
  /** State folder (default <project>/.lab). */
  dir?: string;
  /** 0 = ephemeral ports (tests); default the fixed ports of stacks/Pulumi.local.yaml. */
  cucmPort?: number;
  cucmSshPort?: number;
  dnsPort?: number;
  directoryPort?: number;
  directoryLdapsPort?: number;
  ocsPort?: number;
  /** The OCS front ends' WinRM (HTTPS) port (default: 0 when ocsPort is 0, else LAB.ocs.winrmPort). */
  ocsWinRmPort?: number;
  cupPort?: number;
  cupSshPort?: number;
  /** CUP's database as a real CUP might differ from the simulator's reading (tests of preflight). */
  cupSchemaVariant?: SchemaVariant;
  /** Who may transfer the DNS zones (default "signed"; "none" as a Windows DNS that allows no transfers). */
  dnsTransfers?: "signed" | "any" | "none";
}

export interface Lab {
  dir: string;
  caFile: string;
  cucm: CucmSim;
  cucmPlatform: CucmPlatform;
  dns: DnsSim;
  directory: DirectorySim;
  ocs: OcsSim[];
  /** Each pool's front end's WinRM endpoint (same order and tables as `ocs`). */
  ocsWinRm: OcsWinRm[];
  cup: CupSim;
  endpoints: Record<string, string>;
  stop(): Promise<void>;
}

export const defaultLabDir = (): string => path.join(projectRoot(), ".lab");

export async function startLab(opts: LabOptions = {}): Promise<Lab> {
  const dir = path.resolve(opts.dir ?? defaultLabDir());
  fs.mkdirSync(dir, { recursive: true });
  const ca = ensureLabCa(path.join(dir, "ca"));
  const caFile = path.join(dir, "ca", "ca.pem");
  const cucm = await startCucmSim({
    release: LAB.cucm.release,
    port: opts.cucmPort ?? LAB.cucm.port,
    users: { [LAB.cucm.username]: LAB.cucm.password },
    ca,
    serverNames: ["cucm.lab.example.com"],
    stateFile: path.join(dir, "cucm.json"),
    seed: LAB_SEED,
  });
  // Serviceability (Control Center) on the AXL port, and the platform CLI over SSH.
  const cucmPlatform = await startCucmPlatform({
    sim: cucm,
    sshPort: opts.cucmSshPort ?? LAB.cucmCli.port,
    cliUsers: { [LAB.cucmCli.username]: LAB.cucmCli.password },
    hostKeyFile: path.join(dir, "cucm-ssh-host-key.pem"),
    serverNames: ["127.0.0.1", "localhost"],
  });
  const dns = await startDnsSim({
    zones: LAB.dns.zones,
    tsigKeys: [LAB.dns.tsig],
    port: opts.dnsPort ?? LAB.dns.port,
    ...(opts.dnsTransfers ? { transfers: opts.dnsTransfers } : {}),
    stateFile: path.join(dir, "dns.json"),
    // The domain controller's records existed before rcclab: they must survive a destroy.
    seed: [
      { name: "dc1.lab.example.com", type: "A", data: "127.0.0.1" },
      { name: "_ldap._tcp.lab.example.com", type: "SRV", data: "0 100 389 dc1.lab.example.com." },
    ],
  });
  const directory = await startDirectorySim({
    port: opts.directoryPort ?? LAB.directory.port,
    ldapsPort: opts.directoryLdapsPort ?? LAB.directory.ldapsPort,
    ca,
    baseDn: LAB.directory.baseDn,
    bindDn: LAB.directory.bindDn,
    password: LAB.directory.password,
    stateFile: path.join(dir, "directory.json"),
    seed: {
      pools: LAB.ocs.pools.map((p) => p.name),
      // A user who existed before rcclab and is not an RCC user: untouched by destroy.
      users: [{ sAMAccountName: "jdoe", givenName: "John", sn: "Doe", displayName: "John Doe", password: "Jdoe-Pa55!" }],
    },
  });
  const ocs: OcsSim[] = [];
  const ocsWinRm: OcsWinRm[] = [];
  // One SSH port and one WinRM port for every front end (each on its own loopback address).
  let ocsPort = opts.ocsPort ?? LAB.ocs.port;
  // Ephemeral like the SSH port when the caller asks for ephemeral ports (tests).
  let winrmPort = opts.ocsWinRmPort ?? (opts.ocsPort === 0 ? 0 : LAB.ocs.winrmPort);
  for (const pool of LAB.ocs.pools) {
    // The front end's WMI tables, served by both its SSH and its WinRM faces.
    const store = new OcsWmiStore({
      stateFile: path.join(dir, `ocs-${pool.name}.json`),
      seed: {
        pools: LAB.ocs.pools.map((p) => ({ fqdn: p.fqdn })),
        // A gateway route and its authorization that existed before rcclab, on this pool.
        routes: [{ backend: `sql-${pool.fqdn}\\rtc`, matchUri: "gw01.lab.example.com", nextHop: "192.0.2.10", port: 5060, transport: "TCP", replaceHostInRequestUri: false, enabled: true }],
        hosts: [{ backend: `sql-${pool.fqdn}\\rtc`, server: "192.0.2.10", outboundOnly: false, throttleAsServer: true, treatAsAuthenticated: true }],
      },
    });
    const computerName = pool.frontEnd.split(".")[0]!.toUpperCase();
    ocs.push(
      await startOcsSim({
        host: pool.address,
        port: ocsPort,
        users: { [LAB.ocs.username]: LAB.ocs.password },
        hostKeyFile: path.join(dir, "ocs-ssh-host-key.pem"),
        store,
        computerName,
      }),
    );
    ocsPort = ocs[ocs.length - 1]!.port;
    ocsWinRm.push(
      await startOcsWinRm({
        host: pool.address,
        port: winrmPort,
        https: true,
        caDir: path.join(dir, "ca"),
        serverNames: [pool.frontEnd, pool.fqdn],
        users: { [LAB.ocs.username]: LAB.ocs.password },
        store,
        computerName,
      }),
    );
    winrmPort = ocsWinRm[ocsWinRm.length - 1]!.port;
  }
  const cup = await startCupSim({
    port: opts.cupPort ?? LAB.cup.port,
    users: { [LAB.cup.username]: LAB.cup.password },
    ca,
    serverNames: ["cup.lab.example.com"],
    sshPort: opts.cupSshPort ?? LAB.cup.cliPort,
    cliUsers: { [LAB.cup.cliUsername]: LAB.cup.cliPassword },
    hostKeyFile: path.join(dir, "cup-ssh-host-key.pem"),
    stateFile: path.join(dir, "cup.json"),
    ...(opts.cupSchemaVariant ? { schemaVariant: opts.cupSchemaVariant } : {}),
    // CUP's Sync Agent: the end users come from the CUCM publisher.
    endUserSource: () => [...cucm.db.endUsers.values()].map((u) => ({ userid: u.userid, firstName: u.firstName, lastName: u.lastName })),
    // CUCM's end-user table changes its version on every write: CUP reads the list only then.
    endUserSourceVersion: () => cucm.db.endUsers.version,
  });
  const endpoints = {
    "CA certificate": caFile,
    "CUCM AXL": `${cucm.url} (AXL ${cucm.release}, CUCM ${cucm.version ?? ""}, user ${LAB.cucm.username})`,
    "CUCM fingerprint": cucm.fingerprint256,
    "CUCM CLI (SSH)": `127.0.0.1:${cucmPlatform.ssh?.port} (user ${LAB.cucmCli.username}, admin: prompt)`,
    DNS: `127.0.0.1:${dns.port} (UDP/TCP; zones ${LAB.dns.zones.join(", ")}; TSIG key ${LAB.dns.tsig.name})`,
    Directory: `${directory.ldapsUrl} and ${directory.url} (StartTLS); bind ${LAB.directory.bindDn}`,
    ...Object.fromEntries(ocs.map((o, i) => [`OCS ${LAB.ocs.pools[i]!.name} (SSH)`, `${o.host}:${o.port} (user ${LAB.ocs.username})`])),
    ...Object.fromEntries(
      ocsWinRm.map((w, i) => [`OCS ${LAB.ocs.pools[i]!.name} (WinRM)`, `${w.url} (user ${LAB.ocs.username}, Basic or Negotiate/NTLM; certificate from the lab CA, names ${LAB.ocs.pools[i]!.frontEnd}, ${w.host})`]),
    ),
    "CUP AXL": `${cup.url} (user ${LAB.cup.username})`,
    "CUP CLI (SSH)": `127.0.0.1:${cup.sshPort} (user ${LAB.cup.cliUsername}, admin: prompt)`,
  };
  fs.writeFileSync(
    path.join(dir, "endpoints.json"),
    JSON.stringify({ caFile, cucm: { url: cucm.url, port: cucm.port }, ocsWinRm: ocsWinRm.map((w, i) => ({ pool: LAB.ocs.pools[i]!.name, url: w.url })) }, null, 2),
  );
  return {
    dir,
    caFile,
    cucm,
    cucmPlatform,
    endpoints,
    dns,
    directory,
    ocs,
    ocsWinRm,
    cup,
    stop: async () => {
      await cup.stop();
      for (const w of ocsWinRm) await w.stop();
      for (const o of ocs) await o.stop();
      await directory.stop();
      await dns.stop();
      await cucmPlatform.stop();
      await cucm.stop();
    },
  };
}
