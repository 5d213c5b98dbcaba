/**
 * The simulated CUCM's HTTPS front: /axl/ only, POST text/xml, HTTP Basic auth with CUCM's session
 * cookies, write throttling (HTTP 503 or AXL's -1 fault), latency, and fault injection for tests.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { SIM_RELEASES, type SimRelease, axlNamespace } from "./releases";
import { type LabCa, ensureLabCa, issueServerCert, sha256Fingerprint } from "../ca";
import { AxlFault, faults } from "./faults";
import { CucmDb } from "./model/db";
import { type CucmSeed, seededDb } from "./model/seed";
import { listenHttps, readBody } from "../http";
import { Injections } from "../injections";
import { TomcatAuth, answeredBeforeSoap, page } from "../tomcat";
import { type AxlResult, AxlService, type Prepared } from "./service";

export type UserEntry =
  | string
  | {
      password: string;
      /** false → HTTP 403 on /axl/ (no AXL API access role). */
      axlAccess?: boolean;
      /** false → HTTP 403 on the Serviceability SOAP APIs (no serviceability role); see ../cucm-platform. */
      serviceabilityAccess?: boolean;
    };

/** Another HTTPS service on the same server (e.g. Serviceability's Control Center Services). */
export type MountedHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface CucmSimOptions {
  /** The AXL release this CUCM runs (one server, one release). Default 14.0. */
  release?: SimRelease;
  /** The version getCCMVersion reports. Default: a real build of the release (CCM_VERSIONS). */
  version?: string;
  /** AXL credentials. Default { administrator: DEFAULT_PASSWORD }. */
  users?: Record<string, UserEntry>;
  /** 0 (default) = an ephemeral port. */
  port?: number;
  /** Loopback only. */
  host?: "127.0.0.1";
  /** JSON state: loaded at start when it exists (the seed is then ignored), saved after each write. */
  stateFile?: string;
  /** The lab CA (object), or the folder to create/reuse it in. Default: a CA in the OS temp folder. */
  ca?: LabCa;
  caDir?: string;
  /** Extra names for the server certificate (DNS names or IPs). */
  serverNames?: string[];
  /** Writes in flight beyond this are throttled. Default: unlimited. */
  maxConcurrentWrites?: number;
  /** How a throttled write is answered: HTTP 503 (default) or the axlcode -1 memory fault. */
  throttleResponse?: "503" | "axl-1";
  /** Added before every request is processed (makes concurrency observable). */
  latencyMs?: number;
  /** Pre-existing objects beyond a fresh CUCM (ignored when the state file exists). */
  seed?: CucmSeed;
  /** Idle lifetime of a session cookie. Default 30 minutes. */
  sessionTtlMs?: number;
}

export type InjectionKind =
  /** HTTP 503 Service Unavailable, not processed. */
  | "503"
  /** AXL fault -1 "Maximum AXL Memory Allocation Consumed", not processed. */
  | "axl-1"
  /** The connection is destroyed before the request is processed. */
  | "reset-before"
  /** The request is processed and committed, then the connection is destroyed (response lost). */
  | "reset-after"
  /** A custom AXL fault, not processed. */
  | "fault"
  /** Extra delay before processing. */
  | "delay";

export interface Injection {
  kind: InjectionKind;
  /** Only requests for this operation (default: any). */
  operation?: string;
  /** How many requests it applies to (default 1, or until cleared with `rate`; Infinity = until cleared). */
  times?: number;
  /** A storm: each matching request is hit with this probability (0–1) instead of the next ones. */
  rate?: number;
  /** The storm's seed (default 1): the same requests are hit for the same seed. */
  seed?: number;
  /** kind "fault". */
  axlcode?: number;
  message?: string;
  /** kind "delay". */
  ms?: number;
}

export interface RecordedRequest {
  /** The operation named by the request element ("" when the envelope could not be read). */
  operation: string;
  soapAction?: string;
  /** The raw HTTP body (the SOAP envelope). */
  body: string;
  /** Same as `body`. */
  envelope: string;
  /** How the request authenticated: HTTP Basic credentials, or the session cookie alone. */
  auth: "basic" | "cookie";
  /** The request element as a standalone document (namespaces declared), for schema validation. */
  requestXml?: string;
  status?: number;
  /** The response body sent (absent when the connection was dropped). */
  response?: string;
  /** The injection applied to it, if any. */
  injected?: InjectionKind;
  /** AXL requests in progress when it arrived, itself included (how many a client had in flight). */
  inFlight: number;
  at: Date;
}

export interface CucmSim {
  /** https://127.0.0.1:<port>/axl/ */
  url: string;
  host: string;
  port: number;
  release: SimRelease;
  /** What getCCMVersion reports. */
  version: string;
  namespace: string;
  caPem: string;
  certPem: string;
  /** The server certificate's SHA-256 fingerprint (AB:CD:...). */
  fingerprint256: string;
  /** The database (tests may read or seed it directly; providers' tests should assert over AXL). */
  db: CucmDb;
  /** Same object as `db`. */
  state: CucmDb;
  stateFile?: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  inject(injection: Injection): void;
  clearInjections(): void;
  /** Forget all session cookies (the next cookie-only request gets 401). */
  expireSessions(): void;
  /**
   * Writes in progress (and their peak), throttled answers, connections reset; AXL requests of any
   * kind in progress (and their peak: tests may reset it).
   */
  stats: { writesInFlight: number; maxWritesInFlight: number; throttled: number; resets: number; requestsInFlight: number; maxRequestsInFlight: number };
  /** Writes the state file now (it is also written after every write). */
  save(): void;
  /** The HTTP credentials this CUCM accepts (AXL and, when mounted, Serviceability). */
  users: Record<string, UserEntry>;
  /** Serves `handler` for request paths starting with `prefix` (on this HTTPS server); returns an unmount function. */
  mount(prefix: string, handler: MountedHandler): () => void;
  stop(): Promise<void>;
}

export const DEFAULT_USER = "administrator";
export const DEFAULT_PASSWORD = "ciscopsdt";
const REALM = "Cisco AXL Web Service";
const MAX_BODY = 10 * 1024 * 1024;



const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));


export async function startCucmSim(opts: CucmSimOptions = {}): Promise<CucmSim> {
  const release = opts.release ?? "14.0";
  if (!SIM_RELEASES.includes(release)) throw new Error(`unknown AXL release ${release}`);
  const host = opts.host ?? "127.0.0.1";
  const users = opts.users ?? { [DEFAULT_USER]: DEFAULT_PASSWORD };
  const ca = opts.ca ?? ensureLabCa(opts.caDir ?? path.join(os.tmpdir(), "rcclab-labsim-ca"));
  const cert = issueServerCert(ca, ["cucm", ...(opts.serverNames ?? [])], {
    ...(ca.dir ? { dir: ca.dir } : {}),
    baseName: `cucm-sim-${[...(opts.serverNames ?? [])].sort().join("_").replace(/[^\w.-]/g, "") || "default"}`,
  });

  const loaded = opts.stateFile ? CucmDb.loadFile(opts.stateFile) : undefined;
  const service = new AxlService(release, loaded?.db ?? seededDb(opts.seed ?? {}), () => save(), opts.version);
  const save = (): void => {
    if (opts.stateFile) service.db.save(opts.stateFile, { release });
  };
  if (opts.stateFile && !loaded) save();

  const tomcat = new TomcatAuth(() => users, REALM, opts.sessionTtlMs ?? 30 * 60 * 1000);
  const injections = new Injections<Injection>();
  const stats = { writesInFlight: 0, maxWritesInFlight: 0, throttled: 0, resets: 0, requestsInFlight: 0, maxRequestsInFlight: 0 };
  const requests: RecordedRequest[] = [];





  function sendXml(res: ServerResponse, status: number, xml: string, setCookie: string[], contentType = "text/xml;charset=utf-8"): void {
    const headers: Record<string, string | string[]> = { "Content-Type": contentType };
    if (setCookie.length) headers["Set-Cookie"] = setCookie;
    res.writeHead(status, headers);
    res.end(xml);
  }

  function throttled(res: ServerResponse, prepared: Prepared, how: "503" | "axl-1", setCookie: string[]): number {
    stats.throttled++;
    if (how === "503") {
      res.writeHead(503, { "Content-Type": "text/html;charset=utf-8" });
      res.end(page("HTTP Status 503 - Service Unavailable", "AXL is throttling write requests: too many requests in progress. Retry after a delay."));
      return 503;
    }
    const r = service.faultResult(faults.throttled(), prepared.req.operation);
    sendXml(res, r.status, r.xml, setCookie);
    return r.status;
  }

  const mounts: Array<{ prefix: string; handler: MountedHandler }> = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "https://localhost");
    const mounted = mounts.find((m) => url.pathname.startsWith(m.prefix));
    if (mounted) return void (await mounted.handler(req, res));
    if (url.pathname !== "/axl/") {
      res.writeHead(404, { "Content-Type": "text/html;charset=utf-8" });
      return void res.end(page("HTTP Status 404 - Not Found", `The requested resource (${url.pathname}) is not available.`));
    }
    stats.maxRequestsInFlight = Math.max(stats.maxRequestsInFlight, ++stats.requestsInFlight);
    const arrivedWith = stats.requestsInFlight;
    try {
      await handleAxl(req, res, arrivedWith);
    } finally {
      stats.requestsInFlight--;
    }
  }

  async function handleAxl(req: IncomingMessage, res: ServerResponse, inFlight: number): Promise<void> {
    const who = tomcat.authenticate(req, res);
    if (!who) return;
    const setCookie = who.setCookie;
    if (answeredBeforeSoap(req, res, setCookie, "Cisco CallManager: AXL Web Service")) return;
    const body = await readBody(req, MAX_BODY);
    const soapAction = req.headers.soapaction as string | undefined;
    const record: RecordedRequest = { operation: "", body, envelope: body, auth: who.via, inFlight, at: new Date(), ...(soapAction !== undefined ? { soapAction } : {}) };
    requests.push(record);
    const prepared = service.prepare(body, soapAction);
    if (!("op" in prepared)) {
      Object.assign(record, { operation: prepared.operation ?? "", requestXml: prepared.requestXml, status: prepared.status, response: prepared.xml });
      return sendXml(res, prepared.status, prepared.xml, setCookie, prepared.contentType);
    }
    record.operation = prepared.req.operation;

    const pre = injections.take(record.operation, "before");
    if (pre) record.injected = pre.kind;
    if (pre?.kind === "reset-before") {
      stats.resets++;
      return void req.socket.destroy();
    }
    if (pre?.kind === "503" || pre?.kind === "axl-1") return void (record.status = throttled(res, prepared, pre.kind, setCookie));
    if (pre?.kind === "fault") {
      const r = service.faultResult(new AxlFault(pre.axlcode ?? 5000, pre.message ?? "Injected fault"), record.operation);
      record.status = r.status;
      return sendXml(res, r.status, r.xml, setCookie);
    }

    const write = prepared.op.write;
    if (write && opts.maxConcurrentWrites !== undefined && stats.writesInFlight >= opts.maxConcurrentWrites) {
      return void (record.status = throttled(res, prepared, opts.throttleResponse ?? "503", setCookie));
    }
    if (write) stats.maxWritesInFlight = Math.max(stats.maxWritesInFlight, ++stats.writesInFlight);
    let result: AxlResult;
    try {
      const delay = (opts.latencyMs ?? 0) + (pre?.kind === "delay" ? (pre.ms ?? 0) : 0);
      if (delay > 0) await sleep(delay);
      result = service.run(prepared);
    } finally {
      if (write) stats.writesInFlight--;
    }
    record.requestXml = result.requestXml ?? "";
    record.status = result.status;
    record.response = result.xml;
    const post = injections.take(record.operation, "after");
    if (post) {
      record.injected = post.kind;
      stats.resets++;
      return void req.socket.destroy();
    }
    sendXml(res, result.status, result.xml, setCookie);
  }

  const { server, port } = await listenHttps(cert, handle, opts.port ?? 0, host);

  const sim: CucmSim = {
    url: `https://${host}:${port}/axl/`,
    host,
    port,
    release,
    version: service.version,
    namespace: axlNamespace(release),
    caPem: ca.caPem,
    certPem: cert.certPem,
    fingerprint256: sha256Fingerprint(cert.certPem),
    get db() {
      return service.db;
    },
    get state() {
      return service.db;
    },
    ...(opts.stateFile ? { stateFile: opts.stateFile } : {}),
    requests,
    inject(injection) {
      injections.add(injection);
    },
    clearInjections() {
      injections.clear();
    },
    expireSessions() {
      tomcat.expireSessions();
    },
    stats,
    save,
    users,
    mount(prefix, handler) {
      const entry = { prefix, handler };
      mounts.push(entry);
      return () => void mounts.splice(mounts.indexOf(entry), 1);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return sim;
}

