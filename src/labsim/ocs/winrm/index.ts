/**
 * The WinRM (WS-Management) endpoint of a simulated OCS 2007 R2 front end, as Windows Server 2008
 * with WinRM 2.0 serves it: HTTPS (certificate from the lab CA) or, only when started so, plain
 * HTTP, at /wsman; HTTP authentication Basic and Negotiate/NTLM (NTLMv2 verified here; the
 * handshake on one kept-alive connection, which stays authenticated); the WS-Management service of
 * wsman.ts over the front end's WMI store (shared with its SSH face when given `store`).
 *
 * Transport as HTTP.sys answers it: 404 for another path, 405 for a method other than POST, 413
 * past the maximum envelope size (WinRM's MaxEnvelopeSizekb, 150), 415 for a body that is not
 * application/soap+xml, 401 with `WWW-Authenticate: Negotiate` and `Basic realm="WSMAN"` for a
 * missing or bad credential, 500 with a SOAP fault for every WS-Management fault. Over plain HTTP
 * the endpoint behaves as WinRM with AllowUnencrypted=true (no message encryption is modelled).
 *
 * Test hooks: dropNext (the connection is destroyed before the request is processed, or after its
 * effect was committed, the answer lost), setLatency (a delay before processing; past the request's
 * OperationTimeout the answer is wsman:TimedOut and nothing is done), throttleNext (one
 * wsman:QuotaLimit fault), maxConcurrentOperationsPerUser (wsman:QuotaLimit beyond it, as WinRM's
 * plug-in quota, [MS-WSMV] 2.2.4.23).
 */
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { type LabCa, ensureLabCa, issueServerCert } from "../../ca";
import { DEFAULT_SEED, type OcsSeed, type OcsState, OcsWmiStore } from "../store";
import { Faults } from "./faults";
import { type NtlmChallenge, authenticate, challenge, messageType, negTokenResp, unwrapNegotiate } from "./ntlm";
import { type ParsedRequest, type WsmanResponse, WsmanService } from "./wsman";

export { parseResourceUri, WMI_PREFIX, WQL_DIALECT } from "./wsman";

export type WinRmAuth = "Basic" | "Negotiate";
export type WinRmAction = "Identify" | "Get" | "Put" | "Create" | "Delete" | "Enumerate" | "Pull" | "Release";

export interface OcsWinRmOptions {
  /** A loopback address (default 127.0.0.1). */
  host?: string;
  /** 0 (default) = a free port. WinRM listens on 5986 (HTTPS) / 5985 (HTTP). */
  port?: number;
  /** HTTPS (default true). Plain HTTP only when false. */
  https?: boolean;
  /** The lab CA's folder (ensureLabCa); the server certificate is cached there. Default: a folder under the OS temp dir. */
  caDir?: string;
  /** Names for the certificate's subjectAltName (besides localhost, 127.0.0.1 and host). */
  serverNames?: string[];
  /** Account → password; "DOMAIN\\user" and "user" both accepted. */
  users: Record<string, string>;
  /** HTTP authentication schemes offered (default both). */
  auth?: WinRmAuth[];
  /** Accounts that authenticate but are not OCS administrators: WMI denies them (wsman:AccessDenied). */
  nonAdmins?: string[];
  /** Where the WMI tables are kept (JSON). */
  stateFile?: string;
  /** Used when there is no state file yet (default: the gateway route and host of DEFAULT_SEED). */
  seed?: { pools: { fqdn: string; backend: string }[]; routes?: Record<string, unknown>[]; hosts?: Record<string, unknown>[] };
  /** Serve this store instead (shared with the front end's SSH simulator). */
  store?: OcsWmiStore;
  /** NetBIOS domain (NTLM target, default LAB) and DNS domain (default lab.example.com). */
  domain?: string;
  dnsDomain?: string;
  /** The front end's computer name (default FE01). */
  computerName?: string;
  /** WS-Transfer Create / Delete of WMI instances (default true; false = Windows Server 2008 / 2008 R2, [MS-WSMV] <107>/<109>). */
  cimCreateDelete?: boolean;
  /** ProductVersion of an authenticated Identify (default "OS: 6.0.6002 SP: 2.0 Stack: 2.0"). */
  productVersion?: string;
  /** Delay before each request is processed, in ms (default 0). */
  latencyMs?: number;
  /** Concurrent operations per account before wsman:QuotaLimit (default unlimited). */
  maxConcurrentOperationsPerUser?: number;
  /** MaxEnvelopeSizekb (default 150). */
  maxEnvelopeSizeKb?: number;
}

export interface WinRmRequest {
  /** Identify, Get, Put, Create, Delete, Enumerate, Pull, Release (or the action URI); "" before authentication. */
  action: string;
  resourceUri?: string;
  selectors?: Record<string, string>;
  /** HTTP status answered (0 when the connection was dropped before an answer). */
  status: number;
  user?: string;
  /** How the request was authenticated. */
  auth?: "Basic" | "Negotiate" | "NTLM" | "connection" | "anonymous";
  /** The fault's subcode (or code), when the answer is a fault. */
  fault?: string;
  dropped?: "before" | "after";
  /** Why authentication failed. */
  authError?: string;
}

export interface OcsWinRm {
  /** e.g. https://127.0.0.1:5986/wsman */
  url: string;
  host: string;
  port: number;
  /** The CA certificate clients trust (HTTPS). */
  caPem: string;
  store: OcsWmiStore;
  /** A copy of the WMI tables. */
  state(): OcsState;
  /** Change the tables directly (tests), then persist. */
  mutate(fn: (state: OcsState) => void): void;
  /**
   * Destroy the connection at the next request of `action` (any when omitted): "before" it is
   * processed, or "after" its effect is committed (the answer is lost). One shot.
   */
  dropNext(when: "before" | "after", action?: string): void;
  /** Delay every request (of `action`, when given) by `ms`. 0 clears. */
  setLatency(ms: number, action?: string): void;
  /** Answer the next request (of `action`) with wsman:QuotaLimit. One shot. */
  throttleNext(action?: string): void;
  /** Every request, in order. */
  requests: WinRmRequest[];
  stop(): Promise<void>;
}

interface ConnState {
  user?: string;
  scheme?: "Negotiate" | "NTLM";
  ntlm?: NtlmChallenge;
  spnego?: boolean;
}

const sameAction = (want: string | undefined, r: ParsedRequest): boolean =>
  !want || want.toLowerCase() === r.short.toLowerCase() || want === r.action;

/** The account a name and password belong to, by the rules above; undefined when none. */
export function findAccount(users: Record<string, string>, domain: string, user: string): { account: string; password: string } | undefined {
  let u = user;
  let d = domain;
  if (u.includes("@") && d === "") [u, d] = [u.slice(0, u.indexOf("@")), u.slice(u.indexOf("@") + 1)];
  const firstLabel = d.split(".")[0]!.toLowerCase();
  for (const [account, password] of Object.entries(users)) {
    const cut = account.indexOf("\\");
    const ad = cut < 0 ? undefined : account.slice(0, cut).toLowerCase();
    const au = cut < 0 ? account : account.slice(cut + 1);
    if (au.toLowerCase() !== u.toLowerCase()) continue;
    if (ad === undefined || d === "" || ad === d.toLowerCase() || ad === firstLabel) return { account, password };
  }
  return undefined;
}

export async function startOcsWinRm(opts: OcsWinRmOptions): Promise<OcsWinRm> {
  const host = opts.host ?? "127.0.0.1";
  const useTls = opts.https ?? true;
  const schemes = opts.auth ?? ["Basic", "Negotiate"];
  const store =
    opts.store ??
    new OcsWmiStore({ ...(opts.stateFile ? { stateFile: opts.stateFile } : {}), seed: (opts.seed as OcsSeed | undefined) ?? DEFAULT_SEED });
  const computer = opts.computerName ?? "FE01";
  const domain = opts.domain ?? "LAB";
  const dnsDomain = opts.dnsDomain ?? "lab.example.com";
  const nonAdmins = new Set((opts.nonAdmins ?? []).map((a) => a.toLowerCase()));
  const maxBody = (opts.maxEnvelopeSizeKb ?? 150) * 1024;
  const svc = new WsmanService({
    store,
    machine: `${computer.toLowerCase()}.${dnsDomain}`,
    ...(opts.productVersion ? { productVersion: opts.productVersion } : {}),
    ...(opts.cimCreateDelete !== undefined ? { cimCreateDelete: opts.cimCreateDelete } : {}),
  });
  const requests: WinRmRequest[] = [];
  const conns = new WeakMap<Socket, ConnState>();
  const sockets = new Set<Socket>();
  const inflight = new Map<string, number>();
  let drop: { when: "before" | "after"; action?: string } | undefined;
  let throttle: { action?: string } | undefined;
  let latency: { ms: number; action?: string } = { ms: opts.latencyMs ?? 0 };

  let ca: LabCa | undefined;
  let caPem = "";
  let tls: { certPem: string; keyPem: string } | undefined;
  if (useTls) {
    const caDir = opts.caDir ?? path.join(os.tmpdir(), "rcclab-winrm-ca");
    ca = ensureLabCa(caDir);
    caPem = ca.caPem;
    tls = issueServerCert(ca, [host, ...(opts.serverNames ?? [])], { dir: caDir, baseName: `winrm-${host}` });
  }

  const challengeHeaders = (): string[] => [...(schemes.includes("Negotiate") ? ["Negotiate"] : []), ...(schemes.includes("Basic") ? ['Basic realm="WSMAN"'] : [])];

  const send = (res: http.ServerResponse, status: number, body: string, headers: Record<string, string | string[]> = {}) => {
    res.writeHead(status, {
      Server: "Microsoft-HTTPAPI/2.0",
      ...(body ? { "Content-Type": "application/soap+xml;charset=UTF-8" } : {}),
      "Content-Length": String(Buffer.byteLength(body)),
      ...headers,
    });
    res.end(body);
  };

  const readBody = (req: http.IncomingMessage): Promise<Buffer | undefined> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let over = false;
      req.on("data", (c: Buffer) => {
        size += c.length;
        if (size > maxBody) over = true;
        else chunks.push(c);
      });
      req.on("end", () => resolve(over ? undefined : Buffer.concat(chunks)));
      req.on("error", reject);
    });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const socket = req.socket;
    const conn = conns.get(socket) ?? {};
    conns.set(socket, conn);
    const pathname = (req.url ?? "").split("?")[0]!;
    const raw = await readBody(req);
    if (pathname.toLowerCase() !== "/wsman") return send(res, 404, "");
    if (req.method !== "POST") return send(res, 405, "", { Allow: "POST" });
    const log: WinRmRequest = { action: "", status: 0 };
    requests.push(log);
    if (raw === undefined) {
      log.status = 413;
      return send(res, 413, "");
    }
    // ---- authentication
    let user: string | undefined;
    const authz = req.headers.authorization ?? "";
    const [scheme = "", token = ""] = authz.split(/\s+/, 2);
    const deny = (why: string, extra: Record<string, string | string[]> = {}) => {
      log.status = 401;
      log.authError = why;
      send(res, 401, "", { "WWW-Authenticate": challengeHeaders(), ...extra });
    };
    let finalHeader: Record<string, string> = {};
    if (authz) {
      if (/^basic$/i.test(scheme) && schemes.includes("Basic")) {
        const decoded = Buffer.from(token, "base64").toString("utf8");
        const cut = decoded.indexOf(":");
        const name = cut < 0 ? decoded : decoded.slice(0, cut);
        const pw = cut < 0 ? "" : decoded.slice(cut + 1);
        const [d, u] = name.includes("\\") ? [name.slice(0, name.indexOf("\\")), name.slice(name.indexOf("\\") + 1)] : ["", name];
        const acct = findAccount(opts.users, d, u);
        if (!acct || acct.password !== pw) return deny(`Basic: bad credentials for ${name}`);
        user = acct.account;
        log.auth = "Basic";
        conn.user = undefined;
      } else if (/^(negotiate|ntlm)$/i.test(scheme) && schemes.includes("Negotiate")) {
        const sch = /^ntlm$/i.test(scheme) ? "NTLM" : "Negotiate";
        let inner: { ntlm: Buffer; spnego: boolean };
        try {
          inner = unwrapNegotiate(Buffer.from(token, "base64"));
        } catch (e) {
          return deny(`${sch}: ${(e as Error).message}`);
        }
        const type = messageType(inner.ntlm);
        if (type === 1) {
          let ch: NtlmChallenge;
          try {
            ch = challenge(inner.ntlm, { netbiosDomain: domain, netbiosComputer: computer, dnsDomain, dnsComputer: `${computer.toLowerCase()}.${dnsDomain}` });
          } catch (e) {
            return deny(`${sch}: ${(e as Error).message}`);
          }
          conn.ntlm = ch;
          conn.scheme = sch;
          conn.spnego = inner.spnego;
          conn.user = undefined;
          const out = inner.spnego ? negTokenResp(1, ch.message) : ch.message;
          log.status = 401;
          log.authError = `${sch}: challenge sent`;
          return send(res, 401, "", { "WWW-Authenticate": `${sch} ${out.toString("base64")}` });
        }
        if (type === 3 && conn.ntlm) {
          const ch = conn.ntlm;
          conn.ntlm = undefined;
          try {
            let account = "";
            authenticate(inner.ntlm, ch, (d, u) => {
              const a = findAccount(opts.users, d, u);
              if (a) account = a.account;
              return a?.password;
            });
            user = account;
            conn.user = account;
            log.auth = sch;
            if (inner.spnego) finalHeader = { "WWW-Authenticate": `Negotiate ${negTokenResp(0).toString("base64")}` };
          } catch (e) {
            return deny(`${sch}: ${(e as Error).message}`);
          }
        } else return deny(`${sch}: unexpected NTLM message type ${type}${type === 3 ? " (no challenge on this connection)" : ""}`);
      } else return deny(`scheme ${scheme || "(none)"} not offered`);
    } else if (conn.user) {
      user = conn.user;
      log.auth = "connection";
    }
    const ctype = String(req.headers["content-type"] ?? "");
    if (user === undefined) {
      // Only an Identify may be unauthenticated, and only when it says so.
      if (!/^unauthenticated$/i.test(String(req.headers.wsmanidentify ?? ""))) return deny("no credentials");
      log.auth = "anonymous";
    }
    if (!/^application\/soap\+xml\b/i.test(ctype)) {
      log.status = 415;
      return send(res, 415, "", finalHeader);
    }
    const xml = /charset\s*=\s*"?utf-16/i.test(ctype) || (raw[0] === 0xff && raw[1] === 0xfe) ? raw.toString("utf16le") : raw.toString("utf8");
    const parsed = svc.parse(xml);
    if (user !== undefined) log.user = user;
    const reply = (r: WsmanResponse) => {
      log.status = r.status;
      if (r.fault) log.fault = r.fault.subcode ?? `s:${r.fault.code}`;
      send(res, r.status, r.body, finalHeader);
    };
    if (!("identify" in parsed)) {
      if (user === undefined) return deny("no credentials");
      return reply(parsed);
    }
    const p = parsed as ParsedRequest;
    log.action = p.short;
    if (p.resourceUri) log.resourceUri = p.resourceUri;
    if (p.selectors.length) log.selectors = Object.fromEntries(p.selectors.map((s) => [s.name, s.value]));
    if (user === undefined && !p.identify) return deny("no credentials");
    // ---- fault injection
    const fault = drop && sameAction(drop.action, p) ? drop.when : undefined;
    if (fault) drop = undefined;
    if (fault === "before") {
      log.dropped = "before";
      socket.destroy();
      return;
    }
    if (throttle && sameAction(throttle.action, p)) {
      throttle = undefined;
      return reply(svc.faultResponse(Faults.quotaLimit(), p.messageId));
    }
    const who = user ?? "";
    const running = inflight.get(who) ?? 0;
    if (opts.maxConcurrentOperationsPerUser !== undefined && running >= opts.maxConcurrentOperationsPerUser) {
      return reply(svc.faultResponse(Faults.quotaLimit(), p.messageId));
    }
    inflight.set(who, running + 1);
    try {
      const delay = latency.ms > 0 && sameAction(latency.action, p) ? latency.ms : 0;
      if (delay > 0) {
        await new Promise((r) => setTimeout(r, Math.min(delay, p.timeoutMs)));
        if (delay >= p.timeoutMs) return reply(svc.faultResponse(Faults.timedOut(), p.messageId));
      }
      if (socket.destroyed) {
        log.dropped = "before";
        return;
      }
      const out = svc.execute(p, { ...(user !== undefined ? { user } : {}), admin: user !== undefined && !nonAdmins.has(user.toLowerCase()) });
      if (fault === "after") {
        log.status = out.status;
        log.dropped = "after";
        if (out.fault) log.fault = out.fault.subcode ?? `s:${out.fault.code}`;
        socket.destroy();
        return;
      }
      reply(out);
    } finally {
      inflight.set(who, (inflight.get(who) ?? 1) - 1);
    }
  };

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "Content-Type": "text/plain" });
        res.end(String((e as Error)?.message ?? e));
      } else res.destroy();
    });
  };
  const server = useTls ? https.createServer({ key: tls!.keyPem, cert: tls!.certPem }, onRequest) : http.createServer(onRequest);
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 130_000;
  server.on(useTls ? "secureConnection" : "connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("tlsClientError", () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${useTls ? "https" : "http"}://${host}:${port}/wsman`,
    host,
    port,
    caPem,
    store,
    state: () => store.state(),
    mutate: (fn) => store.mutate(fn),
    dropNext: (when, action) => {
      drop = { when, ...(action ? { action } : {}) };
    },
    setLatency: (ms, action) => {
      latency = { ms, ...(action ? { action } : {}) };
    },
    throttleNext: (action) => {
      throttle = { ...(action ? { action } : {}) };
    },
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
