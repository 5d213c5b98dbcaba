/**
 * What Cisco's Tomcat does before AXL sees a request, shared by the CUCM and CUP simulators: HTTP
 * Basic auth or a live JSESSIONIDSSO session cookie (401 with a realm, 403 without the AXL role),
 * the session cookies it issues, and the answers to GET, other methods and non-XML bodies.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** A user's password, or the password and whether the user has the AXL API access role. */
export type TomcatUser = string | { password: string; axlAccess?: boolean };

export interface Authenticated {
  user: string;
  /** Cookies to set: a new session was opened. */
  setCookie: string[];
  /** How the request authenticated. */
  via: "basic" | "cookie";
}

export const page = (title: string, text: string): string =>
  `<html><head><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>`;

function cookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) out.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return out;
}

export class TomcatAuth {
  private readonly sessions = new Map<string, { user: string; expires: number }>();

  constructor(
    private readonly users: () => Record<string, TomcatUser>,
    private readonly realm: string,
    private readonly ttlMs: number,
  ) {}

  /** Basic auth or a live session cookie; answers 401/403 itself and returns undefined then. */
  authenticate(req: IncomingMessage, res: ServerResponse): Authenticated | undefined {
    const sso = cookies(req).get("JSESSIONIDSSO");
    const session = sso ? this.sessions.get(sso) : undefined;
    const live = session && session.expires > Date.now() ? session : undefined;
    const auth = req.headers.authorization;
    if (auth) {
      const m = /^Basic\s+(\S+)$/i.exec(auth);
      const decoded = m ? Buffer.from(m[1]!, "base64").toString("utf8") : "";
      const sep = decoded.indexOf(":");
      const user = sep < 0 ? "" : decoded.slice(0, sep);
      const entry = this.users()[user];
      const password = typeof entry === "string" ? entry : entry?.password;
      if (sep < 0 || password === undefined || password !== decoded.slice(sep + 1)) return this.unauthorized(res);
      if (typeof entry === "object" && entry.axlAccess === false) {
        res.writeHead(403, { "Content-Type": "text/html;charset=utf-8" });
        res.end(page("HTTP Status 403 - Forbidden", "Access to the requested resource has been denied."));
        return undefined;
      }
      if (live && live.user === user) {
        live.expires = Date.now() + this.ttlMs;
        return { user, setCookie: [], via: "basic" };
      }
      return { user, setCookie: this.newSession(user), via: "basic" };
    }
    if (live) {
      live.expires = Date.now() + this.ttlMs;
      return { user: live.user, setCookie: [], via: "cookie" };
    }
    if (sso) this.sessions.delete(sso);
    return this.unauthorized(res);
  }

  /** Forget every session (the next cookie-only request gets 401). */
  expireSessions(): void {
    this.sessions.clear();
  }

  private unauthorized(res: ServerResponse): undefined {
    res.writeHead(401, { "WWW-Authenticate": `Basic realm="${this.realm}"`, "Content-Type": "text/html;charset=utf-8" });
    res.end(page("HTTP Status 401 - Unauthorized", "This request requires HTTP authentication."));
    return undefined;
  }

  private newSession(user: string): string[] {
    const sso = randomBytes(16).toString("hex").toUpperCase();
    this.sessions.set(sso, { user, expires: Date.now() + this.ttlMs });
    return [`JSESSIONIDSSO=${sso}; Path=/; Secure; HttpOnly`, `JSESSIONID=${randomBytes(16).toString("hex").toUpperCase()}; Path=/axl; Secure; HttpOnly`];
  }
}

/**
 * Tomcat's answers before the SOAP layer: a page for GET, 405 for other methods than POST, 415 for
 * a body that is not text/xml. True when it answered (the request is done).
 */
export function answeredBeforeSoap(req: IncomingMessage, res: ServerResponse, setCookie: string[], serviceTitle: string): boolean {
  if (req.method === "GET") {
    res.writeHead(200, { "Content-Type": "text/html;charset=utf-8", ...(setCookie.length ? { "Set-Cookie": setCookie } : {}) });
    res.end(page(serviceTitle, "The AXL Web Service is working and accepting requests. Use HTTP POST to send a request."));
    return true;
  }
  if (req.method !== "POST") {
    res.writeHead(405, { Allow: "GET, POST", "Content-Type": "text/html;charset=utf-8" });
    res.end(page("HTTP Status 405 - Method Not Allowed", `${req.method} is not supported.`));
    return true;
  }
  if (!/^text\/xml\b/i.test(req.headers["content-type"] ?? "")) {
    res.writeHead(415, { "Content-Type": "text/html;charset=utf-8" });
    res.end(page("HTTP Status 415 - Unsupported Media Type", "AXL accepts SOAP 1.1 (text/xml) only."));
    return true;
  }
  return false;
}
