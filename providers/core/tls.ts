/**
 * TLS settings shared by every HTTPS/LDAPS client: verified by default against the system store or
 * a lab CA; optionally pinned to a SHA-256 certificate fingerprint; verification off only when asked
 * for explicitly, and then said loudly.
 */
import * as fs from "node:fs";
import * as https from "node:https";
import * as net from "node:net";
import * as tls from "node:tls";
import { z } from "zod";
import { RcclabError } from "./errors";

const FINGERPRINT = /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/;

export const tlsSchema = z
  .object({
    /** PEM of the CA that signed the server certificate (the lab CA). */
    caPem: z.string().optional(),
    /** Path of a PEM CA file, read at connect time. */
    caFile: z.string().optional(),
    /** SHA-256 fingerprint of the server certificate, "AB:CD:…" (32 bytes). */
    fingerprint256: z
      .string()
      .transform((s) => s.trim().toUpperCase().replace(/-/g, ":"))
      .refine((s) => FINGERPRINT.test(s), "must be a SHA-256 fingerprint: 32 hex bytes separated by colons")
      .optional(),
    /** Name to verify instead of the host (when connecting by address). */
    servername: z.string().optional(),
    /** Skip verification entirely. Logged as a warning on every connection. */
    insecureSkipVerify: z.boolean().default(false),
  })
  .strict()
  .default({ insecureSkipVerify: false });

export type TlsSettings = z.infer<typeof tlsSchema>;

export type Warn = (message: string) => void;

/** The CA bundle to trust, or undefined for Node's default store. */
function caOf(settings: TlsSettings): string | undefined {
  if (settings.caPem) return settings.caPem;
  if (settings.caFile) {
    try {
      return fs.readFileSync(settings.caFile, "utf8");
    } catch (e) {
      throw new RcclabError("Tls", `cannot read the CA file ${settings.caFile}: ${(e as Error).message}`);
    }
  }
  return undefined;
}

/** Plain tls.connect options for a client (LDAPS etc.). Fingerprint pinning needs pinnedConnect(). */
export function tlsConnectOptions(settings: TlsSettings, warn: Warn, target: string): tls.ConnectionOptions {
  const ca = caOf(settings);
  const pinOnly = !!settings.fingerprint256 && !ca;
  if (settings.insecureSkipVerify) {
    warn(`TLS verification is OFF for ${target} (insecureSkipVerify): the connection can be intercepted`);
  }
  return {
    ...(ca ? { ca } : {}),
    ...(settings.servername ? { servername: settings.servername } : {}),
    // With a pin and no CA, the chain cannot be verified (a self-signed lab certificate):
    // the pin is checked instead, before any byte of the request is written.
    rejectUnauthorized: !settings.insecureSkipVerify && !pinOnly,
  };
}

/** Throws unless the peer certificate matches the pinned fingerprint. */
export function verifyPin(socket: tls.TLSSocket, settings: TlsSettings, target: string): void {
  if (!settings.fingerprint256) return;
  const got = socket.getPeerCertificate()?.fingerprint256?.toUpperCase();
  if (got !== settings.fingerprint256) {
    throw new RcclabError(
      "Tls",
      `the certificate of ${target} does not match the pinned SHA-256 fingerprint (got ${got ?? "no certificate"})`,
    );
  }
}

/**
 * An https.Agent that applies the settings and, with a pin, hands the socket to HTTP only after the
 * handshake completed and the fingerprint matched, so nothing is sent to an impostor.
 */
export function httpsAgent(settings: TlsSettings, warn: Warn, target: string, agentOptions: https.AgentOptions = {}): https.Agent {
  const base = tlsConnectOptions(settings, warn, target);
  const agent = new https.Agent({ keepAlive: true, maxSockets: 4, ...agentOptions, ...base });
  if (!settings.fingerprint256) return agent;
  const create = agent.createConnection.bind(agent);
  agent.createConnection = ((options: tls.ConnectionOptions, callback: (err: Error | null, socket?: net.Socket) => void) => {
    const socket = tls.connect({ ...options, ...base });
    const fail = (err: Error) => {
      socket.destroy();
      callback(err);
    };
    socket.once("error", fail);
    socket.once("secureConnect", () => {
      socket.removeListener("error", fail);
      try {
        verifyPin(socket, settings, target);
        callback(null, socket);
      } catch (e) {
        fail(e as Error);
      }
    });
    return undefined;
  }) as unknown as typeof create;
  return agent;
}
