/**
 * One WinRM listener over HTTP(S): POST of SOAP envelopes to /wsman, one request at a time on one
 * keep-alive connection, authenticated as WinRM on Windows Server 2003 R2 / 2008 offers it:
 *
 * - NTLM inside HTTP Negotiate (MS-WSMV; WinRM advertises "Negotiate", not "NTLM"): each request does
 *   the handshake on one connection — Type 1 with an empty body, the 401's Type 2 challenge, then
 *   Type 3 with the envelope. The messages come from the npm package httpntlm (its `ntlm` module:
 *   NTLMv2 when the challenge carries target info); the HTTP, the agent and TLS are rcclab's own.
 *   No message sealing: over HTTP the server must allow unencrypted traffic (allowHttp says so).
 * - Basic: user and password in the Authorization header (WinRM: local accounts only).
 *
 * TLS is verified by the core's httpsAgent (lab CA, pinned fingerprint, servername), as every HTTPS
 * client of rcclab. The agent holds at most one socket, so the NTLM handshake's requests share it.
 * Failures below HTTP become typed errors: refused / reset / closed → Transport, no answer in time →
 * Timeout (both retryable), certificate problems → Tls.
 */
import * as http from "node:http";
import * as https from "node:https";
import type * as net from "node:net";
import { RcclabError } from "../../core/errors";
import { type TlsSettings, httpsAgent } from "../../core/tls";
import type { ErrorFactory } from "../transport";

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface WsmanHttpOptions {
  url: URL;
  auth: "ntlm" | "basic";
  username: string;
  password: string;
  tls?: TlsSettings;
  timeoutMs: number;
  warn: (message: string) => void;
  error: ErrorFactory;
}

/** The NTLM message functions of httpntlm (loaded lazily: a serialized dynamic provider must not capture it). */
interface NtlmMessages {
  createType1Message(o: { domain?: string; workstation?: string }): string;
  parseType2Message(header: string, onError: (e: Error) => void): object | null;
  createType3Message(type2: object, o: { username: string; password: string; domain?: string; workstation?: string }): string;
}
const ntlm = (): NtlmMessages => (require("httpntlm") as { ntlm: NtlmMessages }).ntlm;

/** "DOMAIN\user" → domain and user; "user@domain" (a UPN) and a bare name keep an empty domain. */
export function splitAccount(username: string): { domain: string; user: string } {
  const i = username.indexOf("\\");
  return i > 0 ? { domain: username.slice(0, i), user: username.slice(i + 1) } : { domain: "", user: username };
}

/** The base64 token of a "Negotiate <token>" (or "NTLM <token>") challenge, if the header has one. */
export function challengeToken(header: string | string[] | undefined): string | undefined {
  for (const h of Array.isArray(header) ? header : header ? [header] : []) {
    for (const part of h.split(",")) {
      const m = /^\s*(?:Negotiate|NTLM)\s+([A-Za-z0-9+/=]+)\s*$/i.exec(part);
      if (m) return m[1];
    }
  }
  return undefined;
}

/** The schemes a 401 offers ("Negotiate", "Basic", …). */
export const offeredSchemes = (header: string | string[] | undefined): string[] =>
  (Array.isArray(header) ? header : header ? [header] : []).flatMap((h) => h.split(",").map((p) => p.trim().split(/\s+/)[0]!).filter((s) => /^[A-Za-z-]+$/.test(s)));

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS|ERR_SSL|EPROTO|HOSTNAME|ALTNAME/;
const MAX_BODY = 8 * 1024 * 1024;

export class WsmanHttp {
  private agent?: http.Agent;
  private queue: Promise<unknown> = Promise.resolve();
  readonly target: string;

  constructor(private readonly o: WsmanHttpOptions) {
    this.target = `${o.url.hostname}:${o.url.port}`;
  }

  /** POST one envelope (authenticated as configured); the answer whatever its status, 401 aside. */
  post(body: string): Promise<HttpAnswer> {
    const run = this.queue.then(() => (this.o.auth === "ntlm" ? this.postNtlm(body) : this.postBasic(body)));
    this.queue = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  private agentFor(): http.Agent {
    if (this.agent) return this.agent;
    if (this.o.url.protocol === "https:") {
      this.agent = httpsAgent(this.o.tls ?? { insecureSkipVerify: false }, this.o.warn, this.target, { maxSockets: 1, keepAlive: true });
    } else {
      this.agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    }
    return this.agent;
  }

  private async postBasic(body: string): Promise<HttpAnswer> {
    const token = Buffer.from(`${this.o.username}:${this.o.password}`, "utf8").toString("base64");
    const r = await this.send(body, `Basic ${token}`);
    if (r.answer.status === 401) throw this.refused(r.answer, "basic");
    return r.answer;
  }

  private async postNtlm(body: string): Promise<HttpAnswer> {
    const { domain, user } = splitAccount(this.o.username);
    const m = ntlm();
    const type1 = m.createType1Message({ domain, workstation: "" }).replace(/^NTLM /, "");
    const first = await this.send("", `Negotiate ${type1}`);
    const token = first.answer.status === 401 ? challengeToken(first.answer.headers["www-authenticate"]) : undefined;
    if (!token) {
      if (first.answer.status === 401) throw this.refused(first.answer, "ntlm");
      throw this.o.error("InvalidRequest", `WinRM on ${this.target} answered HTTP ${first.answer.status} to the NTLM negotiation instead of a challenge`);
    }
    let parseError: Error | undefined;
    const type2 = m.parseType2Message(`NTLM ${token}`, (e) => (parseError = e));
    if (!type2) throw this.o.error("InvalidRequest", `WinRM on ${this.target} sent an NTLM challenge rcclab cannot read (${parseError?.message ?? "unknown"})`);
    const type3 = m.createType3Message(type2, { username: user, password: this.o.password, domain, workstation: "" }).replace(/^NTLM /, "");
    // The challenge belongs to the connection it came on: the answer must go out on the same one.
    await new Promise((r) => setImmediate(r));
    const second = await this.send(body, `Negotiate ${type3}`);
    if (second.answer.status === 401) {
      if (second.socket !== first.socket) {
        throw this.o.error("Transport", `WinRM on ${this.target} closed the connection during the NTLM handshake`);
      }
      throw this.refused(second.answer, "ntlm");
    }
    return second.answer;
  }

  private refused(a: HttpAnswer, auth: "ntlm" | "basic"): RcclabError {
    const offered = offeredSchemes(a.headers["www-authenticate"]);
    const want = auth === "ntlm" ? "Negotiate" : "Basic";
    const hint = offered.length && !offered.some((s) => s.toLowerCase() === want.toLowerCase())
      ? `the server offers ${offered.join(", ")}, not ${want} (winrm/config/service/auth)`
      : auth === "basic"
        ? "check the user name and password; WinRM accepts Basic only for local accounts"
        : "check the user name (DOMAIN\\user) and password";
    return this.o.error("Unauthorized", `WinRM on ${this.target} refused the login of ${this.o.username} (auth ${auth}): ${hint}`, { systemCode: 401 });
  }

  /** One HTTP exchange; the socket it used (for the NTLM handshake's check). */
  private send(body: string, authorization: string): Promise<{ answer: HttpAnswer; socket?: net.Socket }> {
    const url = this.o.url;
    const payload = Buffer.from(body, "utf8");
    const lib = url.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      let socket: net.Socket | undefined;
      let settled = false;
      const fail = (e: RcclabError) => {
        if (settled) return;
        settled = true;
        reject(e);
      };
      const req = lib.request(
        {
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          agent: this.agentFor(),
          headers: {
            "Content-Type": "application/soap+xml;charset=UTF-8",
            "Content-Length": String(payload.length),
            Authorization: authorization,
            Connection: "Keep-Alive",
            "User-Agent": "rcclab WinRM client",
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (c: Buffer) => {
            size += c.length;
            if (size > MAX_BODY) {
              req.destroy();
              fail(this.o.error("InvalidRequest", `WinRM on ${this.target} sent more than ${MAX_BODY} bytes`));
            } else chunks.push(c);
          });
          res.on("end", () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            const raw = Buffer.concat(chunks);
            const utf16 = /charset\s*=\s*"?utf-16/i.test(String(res.headers["content-type"] ?? "")) || (raw[0] === 0xff && raw[1] === 0xfe);
            resolve({ answer: { status: res.statusCode ?? 0, headers: res.headers, body: utf16 ? raw.toString("utf16le").replace(/^\uFEFF/, "") : raw.toString("utf8").replace(/^\uFEFF/, "") }, ...(socket ? { socket } : {}) });
          });
          res.on("error", (e) => fail(this.lowLevel(e)));
        },
      );
      const timer = setTimeout(() => {
        req.destroy();
        fail(this.o.error("Timeout", `no answer from WinRM on ${this.target} within ${this.o.timeoutMs} ms`));
      }, this.o.timeoutMs);
      req.on("socket", (s) => (socket = s));
      req.on("error", (e) => {
        clearTimeout(timer);
        fail(this.lowLevel(e));
      });
      req.end(payload);
    });
  }

  /** Errors below HTTP: TLS, refused, reset. */
  private lowLevel(e: Error & { code?: string }): RcclabError {
    if (e instanceof RcclabError) return e; // the pin check's own Tls error
    const code = e.code ?? "";
    if (TLS_CODES.test(code) || /certificate|ssl|tls/i.test(e.message)) {
      return this.o.error(
        "Tls",
        `TLS with WinRM on ${this.target} failed: ${e.message} (${code || "tls"}); trust the listener's certificate with tls.caFile / tls.caPem (the lab CA) or pin it with tls.fingerprint256, and check it is an HTTPS listener`,
        { systemCode: code || "tls" },
      );
    }
    return this.o.error("Transport", `WinRM connection to ${this.target} failed (${code || e.message})`, { systemCode: code || undefined });
  }
}
