/** HTTPS plumbing the simulators share: a bounded request body reader and a loopback listener. */
import * as https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** The request body as text; rejects (and drops the connection) past `maxBytes`. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        reject(new Error("request body too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/**
 * An HTTPS server on `host:port` (0 = ephemeral) whose handler's failures become a 500 (or a
 * dropped connection once the answer has started).
 */
export async function listenHttps(
  cert: { certPem: string; keyPem: string },
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void,
  port: number,
  host: string,
): Promise<{ server: https.Server; port: number }> {
  const server = https.createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
    Promise.resolve(handler(req, res)).catch((e: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "Content-Type": "text/plain" });
        res.end(String((e as Error)?.message ?? e));
      } else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
