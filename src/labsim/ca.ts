/**
 * The lab's certificate authority: one self-signed CA per lab state folder (RSA 2048, SHA-256) and
 * leaf server certificates it signs for the simulators. Keys are generated with Node's native RSA
 * (fast) and kept on disk, so a restarted lab keeps its CA and clients keep trusting it.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import forge from "node-forge";

export interface LabCa {
  caPem: string;
  caKeyPem: string;
  /** The folder the CA lives in, when it came from ensureLabCa. */
  dir?: string;
}

export interface ServerCert {
  certPem: string;
  keyPem: string;
}

export interface IssueOptions {
  /** Folder to cache the leaf key/cert in (reused while SANs, CA and validity still match). */
  dir?: string;
  /** Base file name in `dir` (default "server"): `<base>.pem`, `<base>-key.pem`. */
  baseName?: string;
  /** Subject common name (default: the first name, else "localhost"). */
  commonName?: string;
}

const CA_CERT_FILE = "ca.pem";
const CA_KEY_FILE = "ca-key.pem";
const DAY_MS = 24 * 3600 * 1000;

function newRsaKeyPem(): string {
  const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  return privateKey.export({ type: "pkcs1", format: "pem" }).toString();
}

function serialHex(): string {
  // Positive 16-byte serial (leading nibble < 8 keeps the DER integer positive).
  const bytes = crypto.randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString("hex");
}

function writePrivate(file: string, text: string): void {
  fs.writeFileSync(file, text, { mode: 0o600 });
}

/**
 * Runs `fn` holding a lock folder in `dir`, so that parallel processes (test workers) sharing a CA
 * folder never write mismatched key/certificate pairs. A lock older than 30 s is taken as stale.
 */
function withDirLock<T>(dir: string, fn: () => T): T {
  fs.mkdirSync(dir, { recursive: true });
  const lock = path.join(dir, ".lock");
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 30_000) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** The key's public half equals the certificate's (a cached pair belongs together). */
function pairMatches(certPem: string, keyPem: string): boolean {
  const fromCert = new crypto.X509Certificate(certPem).publicKey.export({ type: "spki", format: "der" });
  const fromKey = crypto.createPublicKey(keyPem).export({ type: "spki", format: "der" });
  return fromCert.equals(fromKey);
}

/** Creates the lab CA in `dir` (ca.pem, ca-key.pem), or loads it when it is already there. */
export function ensureLabCa(dir: string, commonName = "rcclab Lab CA"): LabCa {
  return withDirLock(dir, () => loadOrCreateCa(dir, commonName));
}

function loadOrCreateCa(dir: string, commonName: string): LabCa {
  const certFile = path.join(dir, CA_CERT_FILE);
  const keyFile = path.join(dir, CA_KEY_FILE);
  if (fs.existsSync(certFile) && fs.existsSync(keyFile)) {
    const caPem = fs.readFileSync(certFile, "utf8");
    const caKeyPem = fs.readFileSync(keyFile, "utf8");
    const cert = forge.pki.certificateFromPem(caPem);
    if (cert.validity.notAfter.getTime() > Date.now() + DAY_MS && pairMatches(caPem, caKeyPem)) return { caPem, caKeyPem, dir };
  }
  const caKeyPem = newRsaKeyPem();
  const key = forge.pki.privateKeyFromPem(caKeyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = serialHex();
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + 10 * 365 * DAY_MS);
  const subject = [
    { name: "commonName", value: commonName },
    { name: "organizationName", value: "rcclab" },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(key, forge.md.sha256.create());
  const caPem = forge.pki.certificateToPem(cert);
  writePrivate(keyFile, caKeyPem);
  fs.writeFileSync(certFile, caPem);
  return { caPem, caKeyPem, dir };
}

function wantedSans(names: readonly string[]): { dns: string[]; ips: string[] } {
  const dns = new Set<string>(["localhost"]);
  const ips = new Set<string>(["127.0.0.1"]);
  for (const n of names) {
    if (!n) continue;
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(n) || n.includes(":")) ips.add(n);
    else dns.add(n.toLowerCase());
  }
  return { dns: [...dns].sort(), ips: [...ips].sort() };
}

function sansOf(certPem: string): { dns: string[]; ips: string[] } {
  const x = new crypto.X509Certificate(certPem);
  const dns: string[] = [];
  const ips: string[] = [];
  for (const part of (x.subjectAltName ?? "").split(/,\s*/)) {
    if (part.startsWith("DNS:")) dns.push(part.slice(4).toLowerCase());
    else if (part.startsWith("IP Address:")) ips.push(part.slice(11));
  }
  return { dns: dns.sort(), ips: ips.sort() };
}

function reusable(certPem: string, ca: LabCa, want: { dns: string[]; ips: string[] }): boolean {
  try {
    const x = new crypto.X509Certificate(certPem);
    if (!x.verify(new crypto.X509Certificate(ca.caPem).publicKey)) return false;
    if (new Date(x.validTo).getTime() < Date.now() + DAY_MS) return false;
    const have = sansOf(certPem);
    return JSON.stringify(have) === JSON.stringify(want);
  } catch {
    return false;
  }
}

/**
 * A server certificate signed by the lab CA, with SANs DNS:localhost + the DNS names given and
 * IP:127.0.0.1 + the IP addresses given. With `opts.dir` the key and certificate are cached there.
 */
export function issueServerCert(ca: LabCa, names: readonly string[] = [], opts: IssueOptions = {}): ServerCert {
  return opts.dir ? withDirLock(opts.dir, () => issue(ca, names, opts)) : issue(ca, names, opts);
}

function issue(ca: LabCa, names: readonly string[], opts: IssueOptions): ServerCert {
  const want = wantedSans(names);
  const base = opts.baseName ?? "server";
  const certFile = opts.dir ? path.join(opts.dir, `${base}.pem`) : undefined;
  const keyFile = opts.dir ? path.join(opts.dir, `${base}-key.pem`) : undefined;
  let keyPem: string | undefined;
  if (certFile && keyFile && fs.existsSync(keyFile)) {
    keyPem = fs.readFileSync(keyFile, "utf8");
    if (fs.existsSync(certFile)) {
      const certPem = fs.readFileSync(certFile, "utf8");
      if (reusable(certPem, ca, want) && pairMatches(certPem, keyPem)) return { certPem, keyPem };
    }
  }
  keyPem ??= newRsaKeyPem();
  const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const caCert = forge.pki.certificateFromPem(ca.caPem);
  const caKey = forge.pki.privateKeyFromPem(ca.caKeyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = serialHex();
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + 2 * 365 * DAY_MS);
  const cn = opts.commonName ?? names.find((n) => !/^[\d.:]+$/.test(n)) ?? "localhost";
  cert.setSubject([
    { name: "commonName", value: cn },
    { name: "organizationName", value: "rcclab" },
  ]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true, clientAuth: true },
    {
      name: "subjectAltName",
      altNames: [...want.dns.map((value) => ({ type: 2, value })), ...want.ips.map((ip) => ({ type: 7, ip }))],
    },
    { name: "subjectKeyIdentifier" },
    { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  if (certFile && keyFile) {
    writePrivate(keyFile, keyPem);
    fs.writeFileSync(certFile, certPem);
  }
  return { certPem, keyPem };
}

/** SHA-256 fingerprint as openssl prints it: "AB:CD:...". */
export function sha256Fingerprint(certPem: string): string {
  return new crypto.X509Certificate(certPem).fingerprint256.toUpperCase();
}
