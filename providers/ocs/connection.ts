/**
 * How rcclab reaches an OCS 2007 R2 front end: one connection object, two transports.
 *
 * - `transport: "winrm"` (the default): WS-Management to the front end's WinRM listener, the OCS WMI
 *   classes driven directly as WS-Man resources (./winrm.ts). HTTPS (5986) by default, verified with
 *   `tls` (the lab CA or a pinned fingerprint, as every HTTPS client of rcclab); plain HTTP (5985) only
 *   with `https: false` and `allowHttp: true`, and Basic over plain HTTP only with
 *   `allowBasicOverHttp: true` as well. `auth` is "ntlm" (HTTP Negotiate carrying NTLM, the default:
 *   domain accounts) or "basic" (WinRM accepts Basic only for local accounts, and only when
 *   winrm/config/service/auth/Basic is true).
 * - `transport: "ssh"`: PowerShell over SSH (./ssh.ts, ./script.ts), `hostKeySha256` pins the host key.
 *
 * A setting of the other transport is refused by name, so a stack never carries a silently ignored
 * field. `port` defaults by transport (22, 5986, 5985). The password is the only secret.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { tlsSchema } from "../core/tls";
import { hostOrAddress, isHostname } from "./fields";
import { literalProblem } from "./script";

/** "SHA256:<base64>" (OpenSSH), bare base64 or 64 hex digits (colons allowed) → "SHA256:<base64 without padding>". */
export function normalizeHostKeySha256(s: string): string | undefined {
  const t = s.trim();
  const hex = t.replace(/:/g, "");
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return `SHA256:${Buffer.from(hex, "hex").toString("base64").replace(/=+$/, "")}`;
  const b64 = t.replace(/^SHA256:/i, "").replace(/=+$/, "");
  if (/^[A-Za-z0-9+/]{43}$/.test(b64) && Buffer.from(b64, "base64").length === 32) return `SHA256:${b64}`;
  return undefined;
}

/** The OpenSSH fingerprint of a host key blob. */
export const sshFingerprint = (key: Buffer): string => `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;

export const OCS_TRANSPORTS = ["winrm", "ssh"] as const;
export type OcsTransportName = (typeof OCS_TRANSPORTS)[number];

/**
 * A pool back end as OCS names it: "sqlhost\instance" (Enterprise Edition), "sqlhost" (its default
 * instance) or "(local)\rtc" (Standard Edition). Host-name characters, SQL instance-name characters,
 * parentheses and backslashes only: nothing that could end a WQL or PowerShell string literal.
 */
export const BACKEND = /^[A-Za-z0-9()._$#&-]+(\\[A-Za-z0-9_$#&-]+)?$/;

const SSH_ONLY = ["hostKeySha256"] as const;
const WINRM_ONLY = ["https", "allowHttp", "allowBasicOverHttp", "auth", "tls"] as const;

export const ocsConnectionSchema = z
  .object({
    /** "winrm" (default) or "ssh". */
    transport: z.enum(OCS_TRANSPORTS).default("winrm"),
    /** The front end's address or FQDN. */
    host: hostOrAddress(),
    /** Default: 22 (ssh), 5986 (winrm over HTTPS), 5985 (winrm over HTTP). */
    port: z.number().int().min(1).max(65535).optional(),
    /** "DOMAIN\user", "user@domain" or a local account. */
    username: z.string().min(1).max(256),
    password: z.string().min(1),
    /** ssh: the SSH host key's SHA-256 fingerprint; when set, any other key is refused. */
    hostKeySha256: z
      .string()
      .transform((s, ctx) => {
        const n = normalizeHostKeySha256(s);
        if (!n) ctx.addIssue({ code: "custom", message: 'must be a SHA-256 host key fingerprint: "SHA256:<base64>" (as ssh-keygen -lf prints it) or 64 hex digits' });
        return n ?? s;
      })
      .optional(),
    /** winrm: HTTPS (default true). false needs allowHttp. */
    https: z.boolean().optional(),
    /** winrm: allow plain HTTP (an unencrypted lab; the server needs AllowUnencrypted=true). */
    allowHttp: z.boolean().optional(),
    /** winrm: allow Basic authentication over plain HTTP (the password travels in clear text). */
    allowBasicOverHttp: z.boolean().optional(),
    /** winrm: "ntlm" (default) or "basic". */
    auth: z.enum(["ntlm", "basic"]).optional(),
    /** winrm over HTTPS: the lab CA, a pinned fingerprint, the name to verify. */
    tls: tlsSchema.unwrap().optional(),
    /** Per request (PowerShell starts slowly on Windows Server 2003; WinRM waits for WMI). */
    timeoutMs: z.number().int().positive().default(120_000),
    retries: z.number().int().min(0).max(10).default(3),
    minRetryDelayMs: z.number().int().min(0).default(1_000),
    maxRetryDelayMs: z.number().int().min(0).default(15_000),
    /**
     * The front end's pool FQDN: the pool's back end is found from MSFT_SIPPoolSetting (PoolFQDN →
     * BackEndDBPath). Needed when the forest has several pools, unless `backend` is given.
     */
    pool: z
      .string()
      .refine((s) => isHostname(s), "must be the pool's FQDN")
      .optional(),
    /** The Backend value itself ("sqlhost\\instance" for Enterprise Edition, "(local)\\rtc" for Standard Edition). */
    backend: z
      .string()
      .min(1)
      .max(255)
      .refine((s) => literalProblem(s) === undefined && BACKEND.test(s), 'must be a back end such as "sql01.example.com\\rtc" or "(local)\\rtc"')
      .optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const present = (k: string) => (c as Record<string, unknown>)[k] !== undefined;
    if (c.transport === "ssh") {
      for (const k of WINRM_ONLY) {
        if (present(k)) ctx.addIssue({ code: "custom", path: [k], message: `is a WinRM setting; this connection's transport is "ssh"` });
      }
      return;
    }
    for (const k of SSH_ONLY) {
      if (present(k)) ctx.addIssue({ code: "custom", path: [k], message: `is an SSH setting; set transport: "ssh" to reach the front end over SSH (the default transport is "winrm")` });
    }
    if (c.https === false) {
      if (c.allowHttp !== true) {
        ctx.addIssue({
          code: "custom",
          path: ["https"],
          message: "plain HTTP (port 5985) carries the WS-Management traffic unencrypted: set allowHttp: true to allow it in a lab (the server needs AllowUnencrypted=true), or use HTTPS",
        });
      }
      if ((c.auth ?? "ntlm") === "basic" && c.allowBasicOverHttp !== true) {
        ctx.addIssue({
          code: "custom",
          path: ["auth"],
          message: "Basic over plain HTTP sends the password in clear text: use HTTPS or auth \"ntlm\", or set allowBasicOverHttp: true as well",
        });
      }
      if (c.tls !== undefined) ctx.addIssue({ code: "custom", path: ["tls"], message: "applies to HTTPS only (https is false)" });
    }
  })
  .overwrite((c) => ({ ...c, port: c.port ?? defaultPort(c) }));

export type OcsConnection = z.output<typeof ocsConnectionSchema>;

function defaultPort(c: { transport: OcsTransportName; https?: boolean }): number {
  if (c.transport === "ssh") return 22;
  return c.https === false ? 5985 : 5986;
}

/** The port the connection uses (the schema fills it in; this covers hand-built objects too). */
export const portOf = (c: OcsConnection): number => c.port ?? defaultPort(c);
