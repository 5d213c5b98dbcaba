/**
 * The simulated CUP 7.0(3): its AXL endpoint over HTTPS (lab CA certificate, HTTP Basic auth with
 * session cookies, a request log, fault injection) and its platform CLI over SSH (`admin:` prompt,
 * `show version active`, `utils service list|start|stop|restart`), over one persisted database (the
 * tables of ./schema.ts and the services' states).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { CUP_SIM_AXL as CUP_AXL, type SchemaVariant, SIM_SEED_ROWS as SEED_ROWS, visibleTables } from "./schema";
import { type LabCa, ensureLabCa, issueServerCert, sha256Fingerprint } from "../ca";
import { AxlFault } from "../cucm/faults";
import { stablePkid } from "../cucm/model/catalog";
import { DEFAULT_END_USERS } from "../cucm/model/seed";
import { type CliSsh, startCliSsh } from "../cucm-platform/ssh";
import { listenHttps, readBody } from "../http";
import { Injections } from "../injections";
import { TomcatAuth, answeredBeforeSoap, page } from "../tomcat";
import type { SqlRow } from "../sql/engine";
import { CupAxlService } from "./axl";
import { cupBanner, runCupCli } from "./cli";
import { CupDb } from "./db";
import { type CupRestart, CupServices } from "./services";

/**
 * What getCUPVersion and `show version active` report by default: a CUP 7.0(3) build string of the
 * form CUP prints (major.minor.maintenance.10000-build). The build number is illustrative, not
 * checked against a real CUP 7.0(3) (it matches the example in providers/cup/client.ts).
 */
export const CUP_DEFAULT_VERSION = "7.0.3.10000-11";
export const CUP_DEFAULT_USER = "admin";
export const CUP_DEFAULT_PASSWORD = "Cup-Axl-Pa55";
export const CUP_DEFAULT_CLI_USER = "admin";
export const CUP_DEFAULT_CLI_PASSWORD = "Cup-Cli-Pa55";

const REALM = "Cisco AXL Web Service";
const MAX_BODY = 10 * 1024 * 1024;

export type CupUserEntry = string | { password: string; /** false → HTTP 403 on /axl/. */ axlAccess?: boolean };

/** An end user CUP's Sync Agent has copied from CUCM. */
export interface CupEndUserSeed {
  userid: string;
  firstName?: string;
  lastName?: string;
  /** Default: the pkid the CUCM simulator gives the same userid (CUP keeps CUCM's pkids). */
  pkid?: string;
}

export type CupSeedRow = Record<string, string | number | boolean | null>;

export interface CupSeed {
  /** End users (default DEFAULT_CUP_END_USERS: the CUCM simulator's default users). */
  endUsers?: CupEndUserSeed[];
  /**
   * Rows beyond a fresh CUP's, by table (schema.ts names), inserted after the end users through the
   * database's constraints. Default PRE_EXISTING_ROWS and, when jdoe is an end user,
   * PRE_EXISTING_ASSIGNMENT; `{}` for none.
   */
  rows?: Record<string, CupSeedRow[]>;
}

/** The CUCM simulator's default end users, as CUP's Sync Agent would have copied them. */
export const DEFAULT_CUP_END_USERS: CupEndUserSeed[] = DEFAULT_END_USERS.map((u) => ({
  userid: u.userid,
  ...(u.firstName !== undefined ? { firstName: u.firstName } : {}),
  ...(u.lastName !== undefined ? { lastName: u.lastName } : {}),
}));

/** The desk phone control profile a fresh CUP has (schema.ts's seed row). */
const PROFILE_PKID = String(SEED_ROWS.ucctigatewayprofile?.[0]?.pkid ?? "");

/** What the lab's CUP holds that rcclab did not make and must leave alone: an incoming ACL entry for another SIP server. */
export const PRE_EXISTING_ROWS: Record<string, CupSeedRow[]> = {
  incomingacl: [{ pkid: "5e0c6a4e-1b7d-4c3f-8a52-0a11ce000001", address: "sipgw.lab.example.com", description: "Pre-existing: the lab's SIP gateway (not rcclab's)" }],
};

/**
 * A desk phone control assignment made by hand for jdoe (a user both the CUCM simulator's default
 * users and the lab's CUCM have): rcclab's C6 shows it as drift, removes it, and puts it back when
 * destroyed. Part of the default seed (no `seed.rows`) when jdoe is among the end users.
 */
export const PRE_EXISTING_ASSIGNMENT: CupSeedRow = {
  pkid: "5e0c6a4e-1b7d-4c3f-8a52-0a11ce000002",
  fkenduser: stablePkid("enduser:jdoe"),
  fkucctigatewayprofile: PROFILE_PKID,
};

export interface CupSimOptions {
  /** What getCUPVersion and `show version active` report. Default CUP_DEFAULT_VERSION. */
  version?: string;
  /** Installed options `show version active` lists (default none). */
  installedOptions?: string[];
  /** AXL credentials. Default { admin: CUP_DEFAULT_PASSWORD }. */
  users?: Record<string, CupUserEntry>;
  /** The lab CA, or the folder to create/reuse it in. Default: a CA in the OS temp folder. */
  ca?: LabCa;
  caDir?: string;
  /** Extra names for the server certificate (DNS names or IPs). */
  serverNames?: string[];
  /** HTTPS port; 0 (default) = ephemeral. */
  port?: number;
  host?: "127.0.0.1";
  /** SSH port of the platform CLI; 0 (default) = ephemeral; false = no SSH. */
  sshPort?: number | false;
  /** CLI accounts. Default { admin: CUP_DEFAULT_CLI_PASSWORD }. */
  cliUsers?: Record<string, string>;
  /** The SSH host key (RSA, PEM), created on first start. Default: next to the state file, else in the CA folder. */
  hostKeyFile?: string;
  /** The node's host name (the CLI's machine name). Default "cup". */
  nodeName?: string;
  /** JSON state: loaded at start when it exists (the seed is then ignored), saved after each change. */
  stateFile?: string;
  /** Pre-existing data beyond a fresh CUP's (ignored when the state file exists). */
  seed?: CupSeed;
  /**
   * CUP's Sync Agent: the CUCM publisher's end users (e.g. the CUCM simulator's). When given, CUP's
   * enduser table is brought to this list before every AXL request (users added, renamed, and removed
   * with their per-user rows when gone from CUCM), and it is the default seed's end user list.
   */
  endUserSource?: () => CupEndUserSeed[];
  /**
   * Optional, with endUserSource: something that changes whenever the source's list may have
   * changed (e.g. the CUCM simulator's `db.endUsers.version`). While it and CUP's own tables are
   * unchanged, a request does not even read the source.
   */
  endUserSourceVersion?: () => unknown;
  /** Idle lifetime of a session cookie. Default 30 minutes. */
  sessionTtlMs?: number;
  /**
   * A CUP whose schema differs from ./schema.ts (for tests of a preflight): one column renamed or one
   * table missing, as SQL and systables / syscolumns show them.
   */
  schemaVariant?: SchemaVariant;
}

export type CupInjectionKind = "503" | "reset-before" | "reset-after" | "fault" | "delay";

export interface CupInjection {
  kind: CupInjectionKind;
  /** Only requests for this operation (default: any). */
  operation?: string;
  /** How many requests it applies to (default 1, or until cleared with `rate`; Infinity = until cleared). */
  times?: number;
  /** A storm: each matching request is hit with this probability (0–1) instead of the next ones. */
  rate?: number;
  /** The storm's seed (default 1): the same requests are hit for the same seed. */
  seed?: number;
  /** kind "fault": the axlcode and message (default 5000 "Injected fault"). */
  axlcode?: number;
  message?: string;
  /** kind "delay". */
  ms?: number;
}

export interface CupRecordedRequest {
  operation: string;
  soapAction?: string;
  /** The statement (executeSQLQuery / executeSQLUpdate). */
  sql?: string;
  /** Its result: the rows of a query, the count of an update, or the fault. */
  rows?: SqlRow[];
  rowsUpdated?: number;
  fault?: { axlcode?: number; faultcode: string; message: string };
  auth: "basic" | "cookie";
  status?: number;
  body: string;
  response?: string;
  injected?: CupInjectionKind;
  at: Date;
}

export interface CupCommand {
  user: string;
  line: string;
  ok: boolean;
  via: "shell" | "exec";
}

export interface CupSim {
  /** https://127.0.0.1:<port>/axl/ */
  url: string;
  host: string;
  port: number;
  version: string;
  namespace: string;
  caPem: string;
  certPem: string;
  fingerprint256: string;
  /** SSH port of the CLI (absent with sshPort: false). */
  sshPort?: number;
  /** The SSH host key's fingerprint (SHA256:base64). */
  hostKeyFingerprint?: string;
  hostKeyFile?: string;
  /** Every AXL request, in order, with its statement and result. */
  requests: CupRecordedRequest[];
  /** Every CLI command line, in order. */
  commands: CupCommand[];
  /** Every successful service restart, in order. */
  restarts: CupRestart[];
  /** The database (debugging and test setup; assert over AXL where it matters). */
  readonly db: CupDb;
  services: CupServices;
  /** A copy of a table's rows. */
  rows(table: string): SqlRow[];
  /**
   * What CUP's Sync Agent does: adds the users CUP lacks (by userid) and updates their names; with
   * `removeOthers`, removes the users not in the list (and their per-user rows). Returns whether
   * anything changed.
   */
  syncEndUsers(users: CupEndUserSeed[], opts?: { removeOthers?: boolean }): boolean;
  inject(injection: CupInjection): void;
  clearInjections(): void;
  expireSessions(): void;
  stateFile?: string;
  save(): void;
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));


function syncEndUsers(db: CupDb, users: CupEndUserSeed[], removeOthers = false): boolean {
  let changed = false;
  const endUsers = db.rows("enduser");
  // By userid (lower case), the first row of each: a lookup per user, not a scan (issue 13 §4).
  const byUserid = new Map<string, SqlRow>();
  for (const r of endUsers) {
    const id = r.userid?.toLowerCase();
    if (id !== undefined && !byUserid.has(id)) byUserid.set(id, r);
  }
  for (const u of users) {
    const existing = byUserid.get(u.userid.toLowerCase());
    if (existing) {
      const firstname = u.firstName ?? existing.firstname ?? "";
      const lastname = u.lastName ?? existing.lastname ?? "";
      if (existing.firstname !== firstname || existing.lastname !== lastname) {
        Object.assign(existing, { firstname, lastname });
        db.changed();
        changed = true;
      }
      continue;
    }
    db.insertLiteral("enduser", { pkid: u.pkid ?? stablePkid(`enduser:${u.userid}`), userid: u.userid, firstname: u.firstName ?? "", lastname: u.lastName ?? u.userid });
    byUserid.set(u.userid.toLowerCase(), endUsers.at(-1)!);
    changed = true;
  }
  if (removeOthers) {
    const keep = new Set(users.map((u) => u.userid.toLowerCase()));
    const gone = new Set(endUsers.filter((r) => !keep.has(String(r.userid).toLowerCase())).map((r) => r.pkid));
    if (gone.size) {
      db.tables.set("enduser", endUsers.filter((r) => !gone.has(r.pkid)));
      db.tables.set("ucendusercfg", db.rows("ucendusercfg").filter((r) => !gone.has(r.fkenduser ?? null)));
      db.changed();
      changed = true;
    }
  }
  if (changed) db.checkKeys("insert");
  return changed;
}

/**
 * The Sync Agent's pass before each AXL request, skipped when it would change nothing: neither
 * the source's list (compared field by field with the last one; or its version, when the caller
 * gives one) nor CUP's own tables changed since the last pass. Why: a full pass over 1,000 end
 * users, and the key checks after it, on every request made CUP's simulator, not rcclab, the cost
 * of a 1,000-user run (issue 13 §4). A user added on CUCM still shows in CUP's next answer.
 */
function syncAgent(source: () => CupEndUserSeed[], sourceVersion: (() => unknown) | undefined): (db: CupDb) => boolean {
  type Seen = { db: CupDb; writes: number; version: unknown; users: Array<[string, string | undefined, string | undefined, string | undefined]> };
  let seen: Seen | undefined;
  const same = (a: Seen["users"], b: CupEndUserSeed[]): boolean =>
    a.length === b.length && b.every((u, i) => a[i]![0] === u.userid && a[i]![1] === u.firstName && a[i]![2] === u.lastName && a[i]![3] === u.pkid);
  return (db) => {
    const version = sourceVersion?.();
    const unchangedHere = seen !== undefined && seen.db === db && seen.writes === db.writes;
    if (unchangedHere && sourceVersion && Object.is(version, seen!.version)) return false;
    const users = source();
    if (unchangedHere && same(seen!.users, users)) return false;
    const changed = syncEndUsers(db, users, true);
    seen = { db, writes: db.writes, version, users: users.map((u) => [u.userid, u.firstName, u.lastName, u.pkid]) };
    return changed;
  };
}

function seededDb(seed: CupSeed, source: (() => CupEndUserSeed[]) | undefined): CupDb {
  const db = CupDb.fresh();
  syncEndUsers(db, seed.endUsers ?? source?.() ?? DEFAULT_CUP_END_USERS);
  for (const [table, rows] of Object.entries(seed.rows ?? PRE_EXISTING_ROWS)) for (const r of rows) db.insertLiteral(table, r);
  if (!seed.rows && db.rows("enduser").some((u) => u.pkid === PRE_EXISTING_ASSIGNMENT.fkenduser)) db.insertLiteral("ucendusercfg", PRE_EXISTING_ASSIGNMENT);
  db.checkKeys("insert");
  return db;
}

export async function startCupSim(opts: CupSimOptions = {}): Promise<CupSim> {
  const host = opts.host ?? "127.0.0.1";
  const version = opts.version ?? CUP_DEFAULT_VERSION;
  const users = opts.users ?? { [CUP_DEFAULT_USER]: CUP_DEFAULT_PASSWORD };
  const caDir = opts.caDir ?? path.join(os.tmpdir(), "rcclab-labsim-ca");
  const ca = opts.ca ?? ensureLabCa(caDir);
  const names = opts.serverNames ?? [];
  const cert = issueServerCert(ca, ["cup", ...names], {
    ...(ca.dir ? { dir: ca.dir } : {}),
    baseName: `cup-sim-${[...names].sort().join("_").replace(/[^\w.-]/g, "") || "default"}`,
  });

  if (opts.schemaVariant) visibleTables(opts.schemaVariant); // refuses a variant naming no table or column
  const db = (opts.stateFile ? CupDb.loadFile(opts.stateFile) : undefined) ?? seededDb(opts.seed ?? {}, opts.endUserSource);
  if (opts.schemaVariant) db.variant = opts.schemaVariant;
  const save = (): void => {
    if (opts.stateFile) service.db.save(opts.stateFile, version);
  };
  const service = new CupAxlService(db, version, save);
  const sync = opts.endUserSource && syncAgent(opts.endUserSource, opts.endUserSourceVersion);
  const restarts: CupRestart[] = [];
  const services = new CupServices({ get: () => service.db.services, set: (rows) => void (service.db.services = rows), save }, restarts);
  save();

  const requests: CupRecordedRequest[] = [];
  const commands: CupCommand[] = [];
  const tomcat = new TomcatAuth(() => users, REALM, opts.sessionTtlMs ?? 30 * 60 * 1000);
  const injections = new Injections<CupInjection>();





  function sendXml(res: ServerResponse, status: number, xml: string, setCookie: string[]): void {
    res.writeHead(status, { "Content-Type": "text/xml;charset=utf-8", ...(setCookie.length ? { "Set-Cookie": setCookie } : {}) });
    res.end(xml);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "https://localhost");
    if (url.pathname !== CUP_AXL.path) {
      res.writeHead(404, { "Content-Type": "text/html;charset=utf-8" });
      return void res.end(page("HTTP Status 404 - Not Found", `The requested resource (${url.pathname}) is not available.`));
    }
    const who = tomcat.authenticate(req, res);
    if (!who) return;
    const setCookie = who.setCookie;
    if (answeredBeforeSoap(req, res, setCookie, "Cisco Unified Presence: AXL Web Service")) return;
    const body = await readBody(req, MAX_BODY);
    const soapAction = req.headers.soapaction as string | undefined;
    const record: CupRecordedRequest = { operation: "", body, auth: who.via, at: new Date(), ...(soapAction !== undefined ? { soapAction } : {}) };
    requests.push(record);
    const prepared = service.prepare(body, soapAction);
    const finish = (r: ReturnType<CupAxlService["run"]>): void => {
      record.status = r.status;
      record.response = r.xml;
      if (r.rows) record.rows = r.rows;
      if (r.rowsUpdated !== undefined) record.rowsUpdated = r.rowsUpdated;
      if (r.fault) record.fault = { faultcode: r.fault.faultcode, message: r.fault.message, ...(r.fault instanceof AxlFault ? { axlcode: r.fault.axlcode } : {}) };
    };
    if ("status" in prepared) {
      finish(prepared);
      return sendXml(res, prepared.status, prepared.xml, setCookie);
    }
    record.operation = prepared.operation;
    if (prepared.sql !== undefined) record.sql = prepared.sql;
    if (sync && sync(service.db)) save();

    const pre = injections.take(record.operation, "before");
    if (pre) record.injected = pre.kind;
    if (pre?.kind === "reset-before") return void req.socket.destroy();
    if (pre?.kind === "503") {
      record.status = 503;
      res.writeHead(503, { "Content-Type": "text/html;charset=utf-8" });
      return void res.end(page("HTTP Status 503 - Service Unavailable", "The AXL Web Service is not available. Retry after a delay."));
    }
    if (pre?.kind === "fault") {
      const r = service.faultResult(new AxlFault(pre.axlcode ?? 5000, pre.message ?? "Injected fault"), record.operation);
      finish(r);
      return sendXml(res, r.status, r.xml, setCookie);
    }
    if (pre?.kind === "delay") await sleep(pre.ms ?? 0);
    const result = service.run(prepared);
    finish(result);
    const post = injections.take(record.operation, "after");
    if (post) {
      record.injected = post.kind;
      return void req.socket.destroy();
    }
    sendXml(res, result.status, result.xml, setCookie);
  }

  const { server, port } = await listenHttps(cert, handle, opts.port ?? 0, host);

  let ssh: CliSsh | undefined;
  if (opts.sshPort !== false) {
    const nodeName = opts.nodeName ?? "cup";
    const hostKeyFile = opts.hostKeyFile ?? path.join(opts.stateFile ? path.dirname(opts.stateFile) : (ca.dir ?? caDir), "cup-ssh-host-rsa-key.pem");
    try {
      ssh = await startCliSsh({
        host,
        port: opts.sshPort ?? 0,
        hostKeyFile,
        users: opts.cliUsers ?? { [CUP_DEFAULT_CLI_USER]: CUP_DEFAULT_CLI_PASSWORD },
        cli: {
          banner: () => cupBanner(),
          run: (user, line) => runCupCli({ version, installedOptions: opts.installedOptions ?? [], services, hostname: nodeName, user }, line),
        },
        commands,
      });
    } catch (e) {
      server.close();
      server.closeAllConnections();
      throw e;
    }
  }

  return {
    url: `https://${host}:${port}${CUP_AXL.path}`,
    host,
    port,
    version,
    namespace: CUP_AXL.namespace,
    caPem: ca.caPem,
    certPem: cert.certPem,
    fingerprint256: sha256Fingerprint(cert.certPem),
    ...(ssh ? { sshPort: ssh.port, hostKeyFingerprint: ssh.hostKeyFingerprint, hostKeyFile: ssh.hostKeyFile } : {}),
    requests,
    commands,
    restarts,
    get db() {
      return service.db;
    },
    services,
    rows: (table) => service.db.rows(table.toLowerCase()).map((r) => ({ ...r })),
    syncEndUsers(list, o = {}) {
      const changed = syncEndUsers(service.db, list, o.removeOthers);
      if (changed) save();
      return changed;
    },
    inject(injection) {
      injections.add(injection);
    },
    clearInjections() {
      injections.clear();
    },
    expireSessions() {
      tomcat.expireSessions();
    },
    ...(opts.stateFile ? { stateFile: opts.stateFile } : {}),
    save,
    async stop() {
      await Promise.all([
        ssh?.stop(),
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
      ]);
    },
  };
}

