/**
 * A real Active Directory domain controller for tests: Samba provisioned into a throwaway folder,
 * listening on its own loopback address (127.x.y.z, so parallel test files never share 389/636/53),
 * with the OCS 2007 R2 schema extension applied the way OCS setup does it (attributeSchema objects
 * under Microsoft's OIDs over LDAP, schemaUpdateNow, then the attributes added to the mayContain of
 * User and Contact) and the pools' objects created so msRTCSIP-PrimaryHomeServer can reference them:
 * where OCS 2007 R2 keeps them by default (the Configuration partition), in the System container of
 * the forest root domain (older deployments), or under any RTC Service DN a test names. Samba's
 * schema has no msRTCSIP-* classes (their classSchema definitions are not reproduced here), so the
 * pools' objects are plain containers with OCS's names.
 *
 * Provisioning (~6 s) and the schema extension happen once per machine and fixture version into a
 * template folder (guarded by a lock, shared by parallel workers); each instance copies it (~0.2 s),
 * gets a certificate from a lab CA for its address, and starts in ~0.5 s.
 *
 * Samba's LDAP ports are fixed (389/636; smb.conf has no "ldap port"), hence one address per
 * instance; its DNS port is configurable ("dns port") and set to a free port.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { Attribute, Change, Client } from "ldapts";
import { AD_SYNTAX, OCS_USER_ATTRIBUTES, poolObjectDns, rtcServiceInConfiguration, rtcServiceInSystem } from "../../providers/ad/ocsSchema";
import { ensureLabCa, issueServerCert } from "../../src/labsim/ca";

/** Bump when the template's content changes (schema, options). */
const FIXTURE_VERSION = 1;

export const SAMBA_REALM = "LAB.EXAMPLE.COM";
export const SAMBA_DOMAIN = "LAB";
export const SAMBA_BASE_DN = "DC=lab,DC=example,DC=com";
/** The forest's Configuration partition (Samba's forest has one domain: it is the forest root). */
export const SAMBA_CONFIGURATION_DN = `CN=Configuration,${SAMBA_BASE_DN}`;
export const SAMBA_ADMIN_DN = `CN=Administrator,CN=Users,${SAMBA_BASE_DN}`;
export const SAMBA_ADMIN_PASSWORD = "Rcclab-Adm1n-P4ss!";
const HOST_NAME = "dc1";

export interface SambaDc {
  /** ldap://<ip>:389 (StartTLS available). */
  url: string;
  /** ldaps://<ip>:636 */
  ldapsUrl: string;
  /** The instance's loopback address. */
  host: string;
  hostName: string;
  bindDn: string;
  password: string;
  baseDn: string;
  usersDn: string;
  /** The RTC Service object the pools were put under. */
  rtcServiceDn: string;
  /** The CA that signed the DC's certificate, and the certificate itself (for pinning). */
  caPem: string;
  certPem: string;
  /** Samba's internal DNS server, on the instance's address. */
  dnsPort: number;
  /** Seconds spent: copying the template and starting Samba. */
  startSeconds: number;
  stop(): Promise<void>;
}

/** Where OCS keeps its RTC Service object (and the pools below it). */
export type PoolsIn = "configuration" | "system" | { rtcServiceDn: string };

export interface SambaOptions {
  /** OCS pools whose LC Services objects are created (default ["pool1"]). */
  pools?: string[];
  /** Where (default "configuration": OCS 2007 R2's default). */
  poolsIn?: PoolsIn;
}

/** The RTC Service DN of a place. */
export function rtcServiceDnOf(where: PoolsIn): string {
  if (typeof where !== "string") return where.rtcServiceDn;
  return where === "configuration" ? rtcServiceInConfiguration(SAMBA_CONFIGURATION_DN) : rtcServiceInSystem(SAMBA_BASE_DN);
}

/**
 * Create a pool's objects as OCS setup leaves them, from the RTC Service object down to its LC
 * Services object (and, for the System container, CN=Microsoft,CN=System). Containers above the
 * RTC Service object must exist otherwise. Objects already there are kept.
 */
export async function addOcsPool(c: Client, pool: string, where: PoolsIn = "configuration"): Promise<string> {
  const rtc = rtcServiceDnOf(where);
  const dns = poolObjectDns(pool, rtc);
  if (where === "system") dns.unshift(`CN=Microsoft,CN=System,${SAMBA_BASE_DN}`);
  for (const dn of dns) {
    try {
      await c.add(dn, { objectClass: ["top", "container"] });
    } catch (e) {
      if ((e as { code?: number }).code !== 68) throw e;
    }
  }
  return dns[dns.length - 1]!;
}

function which(cmd: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? "").split(path.delimiter), "/usr/sbin", "/sbin", "/usr/local/sbin"]) {
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

/** Samba (the AD DC binary and samba-tool) is installed. */
export function sambaAvailable(): boolean {
  return !!which("samba") && !!which("samba-tool");
}

/**
 * Whether tests that need Samba run: always under CI (they fail there when Samba is missing),
 * elsewhere only when it is installed.
 */
export function sambaRequired(): boolean {
  return !!process.env.CI || sambaAvailable();
}

function sambaVersion(): string {
  const r = spawnSync(which("samba")!, ["--version"], { encoding: "utf8" });
  return (r.stdout || "unknown").trim().replace(/[^A-Za-z0-9.-]+/g, "_");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A lock folder; stale after `staleMs`. */
async function withLock<T>(lock: string, staleMs: number, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > staleMs) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      else await sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function smbConf(dir: string, ip: string, dnsPort: number, tlsFiles?: { cert: string; key: string; ca: string }): string {
  return [
    "[global]",
    `\tnetbios name = ${HOST_NAME.toUpperCase()}`,
    `\trealm = ${SAMBA_REALM}`,
    `\tworkgroup = ${SAMBA_DOMAIN}`,
    "\tserver role = active directory domain controller",
    // An address with a netmask is taken as an interface of its own, even when lo only has 127.0.0.1.
    `\tinterfaces = ${ip}/8`,
    "\tbind interfaces only = yes",
    `\tprivate dir = ${dir}/private`,
    `\tlock directory = ${dir}`,
    `\tstate directory = ${dir}/state`,
    `\tcache directory = ${dir}/cache`,
    `\tbinddns dir = ${dir}/bind-dns`,
    `\tpid directory = ${dir}`,
    `\tncalrpc dir = ${dir}/ncalrpc`,
    `\tlog file = ${dir}/log.%m`,
    "\tlogging = file",
    "\tlog level = 1",
    "\tldap server require strong auth = no",
    "\tallow dns updates = nonsecure",
    "\tdns forwarder =",
    `\tdns port = ${dnsPort}`,
    "\tdsdb:schema update allowed = true",
    "\tserver services = ldap, dns",
    "\ttls enabled = yes",
    ...(tlsFiles ? [`\ttls certfile = ${tlsFiles.cert}`, `\ttls keyfile = ${tlsFiles.key}`, `\ttls cafile = ${tlsFiles.ca}`] : []),
    "",
  ].join("\n");
}

/** A loopback address no other instance uses, reserved by a lock folder. */
async function reserveAddress(): Promise<{ ip: string; release: () => void }> {
  const root = path.join(os.tmpdir(), "rcclab-samba-addresses");
  fs.mkdirSync(root, { recursive: true });
  for (let attempt = 0; attempt < 50; attempt++) {
    const ip = `127.${10 + Math.floor(Math.random() * 240)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 253)}`;
    const lock = path.join(root, ip);
    try {
      fs.mkdirSync(lock);
    } catch {
      continue;
    }
    if ((await portFree(ip, 389)) && (await portFree(ip, 636))) {
      return { ip, release: () => fs.rmSync(lock, { recursive: true, force: true }) };
    }
    fs.rmSync(lock, { recursive: true, force: true });
  }
  throw new Error("no free loopback address for Samba");
}

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, host, () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHook = false;

function startSambaProcess(dir: string): Running {
  const log = fs.openSync(path.join(dir, "samba.out"), "a");
  const child = spawn(which("samba")!, ["-s", path.join(dir, "etc", "smb.conf"), "-i", "--no-process-group", "-M", "single"], {
    stdio: ["ignore", log, log],
  });
  fs.closeSync(log);
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  exited.then(() => running.delete(child));
  if (!exitHook) {
    exitHook = true;
    process.once("exit", () => {
      for (const c of running) c.kill("SIGKILL");
    });
  }
  return { child, exited };
}

async function stopProcess(r: Running, graceful: boolean): Promise<void> {
  if (r.child.exitCode !== null || r.child.signalCode !== null) return;
  r.child.kill(graceful ? "SIGTERM" : "SIGKILL");
  const done = await Promise.race([r.exited.then(() => true), sleep(8_000).then(() => false)]);
  if (!done) {
    r.child.kill("SIGKILL");
    await r.exited;
  }
}

/** Wait until an LDAPS bind succeeds (Samba opens its ports before it answers). */
async function waitReady(url: string, r: Running, dir: string, tlsOptions: object, timeoutMs = 60_000): Promise<Client> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (r.child.exitCode !== null) {
      throw new Error(`samba exited (${r.child.exitCode}): ${fs.readFileSync(path.join(dir, "samba.out"), "utf8").slice(-2000)}`);
    }
    const c = new Client({ url, tlsOptions, connectTimeout: 2_000, timeout: 10_000 });
    try {
      await c.bind(SAMBA_ADMIN_DN, SAMBA_ADMIN_PASSWORD);
      return c;
    } catch (e) {
      last = e;
      await c.unbind().catch(() => {});
      await sleep(100);
    }
  }
  throw new Error(`samba did not answer on ${url}: ${(last as Error)?.message}`);
}

const schemaDn = `CN=Schema,CN=Configuration,${SAMBA_BASE_DN}`;
/** oMObjectClass of DN-syntax attributes (1.3.12.2.1011.28.0.714), BER-encoded. */
const DN_OM_OBJECT_CLASS = Buffer.from("2b0c0287731c00854a", "hex");

async function schemaUpdateNow(c: Client): Promise<void> {
  await c.modify("", new Change({ operation: "add", modification: new Attribute({ type: "schemaUpdateNow", values: ["1"] }) }));
}

/** The OCS schema extension, as OCS schema preparation applies it. */
async function extendSchema(c: Client): Promise<void> {
  for (const a of OCS_USER_ATTRIBUTES) {
    const syntax = AD_SYNTAX[a.syntax];
    await c.add(`CN=${a.lDAPDisplayName},${schemaDn}`, [
      new Attribute({ type: "objectClass", values: ["top", "attributeSchema"] }),
      new Attribute({ type: "cn", values: [a.lDAPDisplayName] }),
      new Attribute({ type: "lDAPDisplayName", values: [a.lDAPDisplayName] }),
      new Attribute({ type: "adminDisplayName", values: [a.lDAPDisplayName] }),
      new Attribute({ type: "attributeID", values: [a.attributeID] }),
      new Attribute({ type: "attributeSyntax", values: [syntax.attributeSyntax] }),
      new Attribute({ type: "oMSyntax", values: [String(syntax.oMSyntax)] }),
      ...(a.syntax === "dn" ? [new Attribute({ type: "oMObjectClass", values: [DN_OM_OBJECT_CLASS] })] : []),
      new Attribute({ type: "isSingleValued", values: [a.singleValued ? "TRUE" : "FALSE"] }),
      new Attribute({ type: "searchFlags", values: [a.indexed ? "1" : "0"] }),
    ]);
  }
  await schemaUpdateNow(c);
  const names = OCS_USER_ATTRIBUTES.map((a) => a.lDAPDisplayName);
  for (const cls of ["User", "Contact"]) {
    await c.modify(`CN=${cls},${schemaDn}`, new Change({ operation: "add", modification: new Attribute({ type: "mayContain", values: names }) }));
  }
  await schemaUpdateNow(c);
}

/** Provision a domain and extend its schema, into `dir` (once per machine and fixture version). */
async function buildTemplate(dir: string): Promise<void> {
  const work = `${dir}.work-${process.pid}`;
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  const r = spawnSync(
    which("samba-tool")!,
    [
      "domain",
      "provision",
      `--targetdir=${work}`,
      `--realm=${SAMBA_REALM}`,
      `--domain=${SAMBA_DOMAIN}`,
      "--server-role=dc",
      "--dns-backend=SAMBA_INTERNAL",
      `--adminpass=${SAMBA_ADMIN_PASSWORD}`,
      `--host-name=${HOST_NAME}`,
      "--host-ip=127.0.0.1",
      "--option=interfaces=lo",
      "--option=bind interfaces only=yes",
    ],
    { encoding: "utf8", timeout: 180_000 },
  );
  if (r.status !== 0) throw new Error(`samba-tool domain provision failed (${r.status}): ${(r.stderr || r.stdout || "").slice(-2000)}`);
  for (const d of ["cache", "ncalrpc"]) fs.mkdirSync(path.join(work, d), { recursive: true });
  const { ip, release } = await reserveAddress();
  try {
    fs.writeFileSync(path.join(work, "etc", "smb.conf"), smbConf(work, ip, await freePort(ip)));
    const proc = startSambaProcess(work);
    try {
      const c = await waitReady(`ldaps://${ip}:636`, proc, work, { rejectUnauthorized: false });
      try {
        await extendSchema(c);
      } finally {
        await c.unbind().catch(() => {});
      }
    } finally {
      await stopProcess(proc, true);
    }
  } finally {
    release();
  }
  // Runtime leftovers stay out of the template.
  for (const f of ["msg.lock", "msg.sock", "samba.out", "samba.pid", "private/ldapi", "private/smbd.tmp", "private/tls"]) {
    fs.rmSync(path.join(work, f), { recursive: true, force: true });
  }
  for (const f of fs.readdirSync(work)) if (f.startsWith("log.")) fs.rmSync(path.join(work, f), { force: true });
  fs.writeFileSync(path.join(work, "READY"), `${new Date().toISOString()}\n`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(work, dir);
}

async function template(): Promise<string> {
  const dir = path.join(os.tmpdir(), `rcclab-samba-template-v${FIXTURE_VERSION}-${sambaVersion()}`);
  if (fs.existsSync(path.join(dir, "READY"))) return dir;
  await withLock(`${dir}.lock`, 300_000, 300_000, async () => {
    if (!fs.existsSync(path.join(dir, "READY"))) await buildTemplate(dir);
  });
  return dir;
}

/** Start a Samba AD DC with the OCS schema extension on a loopback address of its own. */
export async function startSamba(opts: SambaOptions = {}): Promise<SambaDc> {
  if (!sambaAvailable()) {
    throw new Error("Samba is not installed (apt-get install -y samba ldb-tools; with --no-install-recommends add samba-ad-dc)");
  }
  const tpl = await template();
  const started = Date.now();
  const { ip, release } = await reserveAddress();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-samba-"));
  let proc: Running | undefined;
  try {
    const cp = spawnSync("cp", ["-a", `${tpl}/.`, dir]);
    if (cp.status !== 0) throw new Error(`copying the Samba template failed: ${cp.stderr?.toString()}`);
    const ca = ensureLabCa(path.join(os.tmpdir(), "rcclab-samba-ca"));
    const hostName = `${HOST_NAME}.${SAMBA_REALM.toLowerCase()}`;
    const tlsDir = path.join(dir, "private", "rcclab-tls");
    const cert = issueServerCert(ca, [ip, hostName], { dir: tlsDir, commonName: hostName });
    fs.writeFileSync(path.join(tlsDir, "ca.pem"), ca.caPem);
    const dnsPort = await freePort(ip);
    fs.writeFileSync(
      path.join(dir, "etc", "smb.conf"),
      smbConf(dir, ip, dnsPort, { cert: path.join(tlsDir, "server.pem"), key: path.join(tlsDir, "server-key.pem"), ca: path.join(tlsDir, "ca.pem") }),
    );
    proc = startSambaProcess(dir);
    const ldapsUrl = `ldaps://${ip}:636`;
    const c = await waitReady(ldapsUrl, proc, dir, { ca: ca.caPem });
    try {
      for (const pool of opts.pools ?? ["pool1"]) await addOcsPool(c, pool, opts.poolsIn ?? "configuration");
    } finally {
      await c.unbind().catch(() => {});
    }
    const running = proc;
    return {
      url: `ldap://${ip}:389`,
      ldapsUrl,
      host: ip,
      hostName,
      bindDn: SAMBA_ADMIN_DN,
      password: SAMBA_ADMIN_PASSWORD,
      baseDn: SAMBA_BASE_DN,
      usersDn: `CN=Users,${SAMBA_BASE_DN}`,
      rtcServiceDn: rtcServiceDnOf(opts.poolsIn ?? "configuration"),
      caPem: ca.caPem,
      certPem: cert.certPem,
      dnsPort,
      startSeconds: (Date.now() - started) / 1000,
      async stop() {
        // The folder is thrown away: no need for a graceful shutdown.
        await stopProcess(running, false);
        fs.rmSync(dir, { recursive: true, force: true });
        release();
      },
    };
  } catch (e) {
    if (proc) await stopProcess(proc, false);
    fs.rmSync(dir, { recursive: true, force: true });
    release();
    throw e;
  }
}
