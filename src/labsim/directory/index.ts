/**
 * The embedded lab's Active Directory: an in-process LDAP v3 server (no apt package needed) that
 * speaks real LDAP — simple bind, search with filters, add, modify (add / delete / replace of
 * values), modify DN, delete, compare, StartTLS and LDAPS with a certificate from the lab CA — and
 * enforces the AD basics rcclab relies on (objectClass user, unique sAMAccountName, passwords over
 * TLS only, the msRTCSIP attributes' syntaxes and the pool reference). State persists to a JSON
 * file, so a restarted lab keeps its users; seeded users (pre-existing AD users the lab adopts) are
 * created when missing and never overwritten.
 *
 * Why not an npm LDAP server: ldapjs, the one Node LDAP server library, was decommissioned in May
 * 2024 (archived, deprecated on npm). This server reuses ldapts's maintained BER codec and request
 * classes (the wire format is the code the rcclab client uses); it decodes search requests and
 * filters itself, because ldapts's decoder (written for a client, which never decodes them) misreads
 * presence filters.
 */
import * as path from "node:path";
import { dnsNameOf, formatDn, parseDn } from "./dn";
import { issueServerCert, type LabCa } from "../ca";
import { listen } from "./server";
import { DirectoryStore, type DirectorySeed } from "./store";

export { DirectoryStore, LdapError, RC, meetsComplexity, type DirectorySeed, type SeedUser } from "./store";
export { OCS_ATTRIBUTES, OCS_CLASSES, poolObjects, rtcServiceDnFor, type RtcServiceLocation } from "./ocsSchema";

export interface DirectorySimOptions {
  /** Plain LDAP port (StartTLS offered); 0: any free port. */
  port: number;
  /** LDAPS port; left out: no LDAPS listener; 0: any free port. */
  ldapsPort?: number;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** The lab CA: it signs the directory's certificate. */
  ca: LabCa;
  /** The domain, e.g. DC=lab,DC=example,DC=com. */
  baseDn: string;
  /**
   * The forest root domain (default: baseDn). Set it to make this directory a child domain's
   * controller: it then holds its domain and the forest's Configuration partition
   * (CN=Configuration,<forest root>), not the forest root domain.
   */
  forestRootDn?: string;
  /** The administrator rcclab binds as, e.g. CN=Administrator,CN=Users,DC=lab,DC=example,DC=com. */
  bindDn: string;
  password: string;
  /** Where the directory keeps its entries (JSON). */
  stateFile: string;
  /** Pools, containers and pre-existing users. */
  seed?: DirectorySeed;
  /** The domain controller's name (certificate, root DSE); default dc1.<domain>. */
  hostName?: string;
  /** Where the server certificate is cached (default: next to the state file). */
  certDir?: string;
  /** One line per LDAP request (debugging). */
  onRequest?: (line: string) => void;
}

export interface DirectorySim {
  /** ldap://host:port (StartTLS). */
  url: string;
  /** ldaps://host:port, when an LDAPS port was asked for. */
  ldapsUrl?: string;
  host: string;
  port: number;
  ldapsPort?: number;
  hostName: string;
  baseDn: string;
  usersDn: string;
  /** The forest's Configuration partition: CN=Configuration,<forest root>. */
  configurationDn: string;
  bindDn: string;
  /** The lab CA's certificate: what clients verify the directory against. */
  caPem: string;
  /** The directory's own certificate (for fingerprint pinning). */
  certPem: string;
  store: DirectoryStore;
  stop(): Promise<void>;
}

export async function startDirectorySim(opts: DirectorySimOptions): Promise<DirectorySim> {
  const host = opts.host ?? "127.0.0.1";
  const baseDn = formatDn(parseDn(opts.baseDn));
  const hostName = opts.hostName ?? `dc1.${dnsNameOf(baseDn)}`;
  const store = new DirectoryStore(baseDn, opts.stateFile, { forestRootDn: opts.forestRootDn });
  store.initialize({ bindDn: opts.bindDn, password: opts.password, seed: opts.seed });
  const cert = issueServerCert(opts.ca, [hostName, host], {
    dir: opts.certDir ?? path.dirname(opts.stateFile),
    baseName: "directory",
    commonName: hostName,
  });
  const servers = await listen(
    { store, bindDn: opts.bindDn, password: opts.password, certPem: cert.certPem, keyPem: cert.keyPem, dnsName: hostName, onRequest: opts.onRequest },
    host,
    opts.port,
    opts.ldapsPort,
  );
  return {
    url: `ldap://${host}:${servers.port}`,
    ldapsUrl: servers.ldapsPort !== undefined ? `ldaps://${host}:${servers.ldapsPort}` : undefined,
    host,
    port: servers.port,
    ldapsPort: servers.ldapsPort,
    hostName,
    baseDn,
    usersDn: `CN=Users,${baseDn}`,
    configurationDn: store.configurationDn,
    bindDn: opts.bindDn,
    caPem: opts.ca.caPem,
    certPem: cert.certPem,
    store,
    stop: () => servers.close(),
  };
}
