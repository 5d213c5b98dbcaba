/**
 * What the simulators' SSH servers (the CUCM / CUP platform CLI, the OCS front end) share: the RSA
 * host key generated once into a file (so clients can pin it across restarts), its OpenSSH
 * fingerprint, and an ssh2 server that authenticates its accounts by password and hands each
 * session of a logged-in account to the simulator.
 */
import { createHash, generateKeyPairSync, timingSafeEqual } from "node:crypto";
import * as fs from "node:fs";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { type Connection, Server, type Session, utils } from "ssh2";

/** Reads the host key from its file, creating it (RSA 2048, PKCS#1 PEM, mode 0600) the first time. */
export function ensureHostKey(file: string): string {
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, pem, { mode: 0o600 });
  fs.renameSync(tmp, file);
  return pem;
}

export function hostKeyFingerprint(pem: string): string {
  const key = utils.parseKey(pem);
  if (key instanceof Error) throw key;
  const parsed = Array.isArray(key) ? key[0]! : key;
  return `SHA256:${createHash("sha256").update(parsed.getPublicSSH()).digest("base64").replace(/=+$/, "")}`;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface PasswordSshOptions {
  host: string;
  port: number;
  /** The host key (PEM). */
  hostKey: string;
  /** Account → password. */
  users: Record<string, string>;
}

export interface PasswordSshServer {
  port: number;
  /** Ends every connection and closes the server. */
  stop(): Promise<void>;
}

/**
 * Listens for SSH clients that log in with an account's password (any other method or a wrong
 * password is rejected, "password" offered again); each session they open goes to `onSession` with
 * the account and the connection.
 */
export async function listenPasswordSsh(
  opts: PasswordSshOptions,
  onSession: (session: Session, user: string, client: Connection) => void,
): Promise<PasswordSshServer> {
  const connections = new Set<Connection>();
  const server = new Server({ hostKeys: [opts.hostKey] }, (client) => {
    connections.add(client);
    let user = "";
    client.on("authentication", (ctx) => {
      const password = opts.users[ctx.username];
      if (ctx.method === "password" && password !== undefined && sameSecret(ctx.password, password)) {
        user = ctx.username;
        return ctx.accept();
      }
      ctx.reject(["password"]);
    });
    client.on("ready", () => {
      client.on("session", (accept) => onSession(accept(), user, client));
    });
    client.on("error", () => undefined);
    client.on("close", () => connections.delete(client));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.end();
        server.close(() => resolve());
      }),
  };
}
