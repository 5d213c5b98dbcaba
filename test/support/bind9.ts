/**
 * A real BIND 9 for the DNS tests: `named` on 127.0.0.1 at a free high port, a TSIG key made with
 * `tsig-keygen`, dynamic primary zones in a temporary folder (update-policy grants the key every name
 * in the zone), no control channel. Unsigned updates are REFUSED, as on a production BIND.
 *
 * When `named` is missing the tests skip — except under CI, where that is a failure: CI installs
 * bind9 and bind9-dnsutils (named, tsig-keygen, nsupdate).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as dgram from "node:dgram";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { TsigAlgorithm, TsigKey } from "../../providers/dns/tsig";

const SEARCH = [...(process.env.PATH ?? "").split(path.delimiter), "/usr/sbin", "/usr/bin", "/sbin", "/usr/local/sbin"];

/** The full path of a program, or undefined. */
export function findProgram(name: string): string | undefined {
  for (const dir of SEARCH) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return undefined;
}

/**
 * Whether the BIND tests can run. Missing programs skip them on a workstation and fail them under CI
 * (the error names what to install).
 */
export function bind9Available(): boolean {
  const missing = ["named", "tsig-keygen", "nsupdate", "dig"].filter((p) => !findProgram(p));
  if (missing.length === 0) return true;
  const msg = `BIND 9 is not installed (missing ${missing.join(", ")}): apt-get install -y bind9 bind9-dnsutils`;
  if (process.env.CI) throw new Error(`${msg} — CI must run the BIND interoperability tests`);
  process.stderr.write(`[bind9] ${msg}; skipping the BIND tests\n`);
  return false;
}

export interface Bind9Options {
  /** Zones to serve, each dynamic (update-policy for the key). */
  zones: readonly string[];
  keyName?: string;
  algorithm?: TsigAlgorithm;
  /** Extra zone-file lines per zone (relative or absolute owner names), e.g. { "lab.example.com": ["dc1 A 10.10.10.5"] }. */
  records?: Readonly<Record<string, readonly string[]>>;
}

export interface Bind9 {
  host: string;
  port: number;
  key: TsigKey;
  dir: string;
  /** named's log so far (for failure messages). */
  log(): string;
  /** Run nsupdate signed with the key (out-of-band changes); the commands without server/send. */
  nsupdate(zone: string, commands: readonly string[]): string;
  stop(): Promise<void>;
}

/** A port free for both UDP and TCP on 127.0.0.1, in the high range. */
async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once("error", () => resolve(false));
      s.listen(port, "127.0.0.1", () => {
        const u = dgram.createSocket("udp4");
        u.once("error", () => s.close(() => resolve(false)));
        u.bind(port, "127.0.0.1", () => u.close(() => s.close(() => resolve(true))));
      });
    });
    if (ok) return port;
  }
  throw new Error("no free port for named");
}

/** Poll with SOA queries until named answers for the zone (its "running" log line comes too early). */
async function answers(port: number, zone: string, timeoutMs: number): Promise<boolean> {
  const q = Buffer.concat([
    Buffer.from([0x52, 0x43, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
    ...zone.split(".").map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
    Buffer.from([0, 0, 6, 0, 1]),
  ]);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = dgram.createSocket("udp4");
      const t = setTimeout(() => {
        s.close();
        resolve(false);
      }, 200);
      s.on("error", () => {
        clearTimeout(t);
        s.close();
        resolve(false);
      });
      s.on("message", (m) => {
        clearTimeout(t);
        s.close();
        // An answer with rcode NOERROR and the AA bit: the zone is loaded.
        resolve(m.length >= 12 && (m[3]! & 0x0f) === 0 && (m[2]! & 0x04) !== 0);
      });
      s.send(q, port, "127.0.0.1");
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** A zone file: SOA and NS naming ns1 of the first forward zone (which gets its address record). */
function zoneFile(zone: string, nameServerZone: string, extra: readonly string[]): string {
  return [
    "$TTL 3600",
    `@ IN SOA ns1.${nameServerZone}. hostmaster.${nameServerZone}. 1 3600 600 86400 60`,
    `@ IN NS ns1.${nameServerZone}.`,
    ...(zone === nameServerZone ? ["ns1 IN A 127.0.0.1"] : []),
    ...extra,
    "",
  ].join("\n");
}

export async function startBind9(opts: Bind9Options): Promise<Bind9> {
  const named = findProgram("named");
  const keygen = findProgram("tsig-keygen");
  const nsupdateBin = findProgram("nsupdate");
  if (!named || !keygen || !nsupdateBin) throw new Error("BIND 9 is not installed: apt-get install -y bind9 bind9-dnsutils");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-bind9-"));
  const keyName = opts.keyName ?? "rcclab-key";
  const algorithm = opts.algorithm ?? "hmac-sha256";
  const keyConf = execFileSync(keygen, ["-a", algorithm, keyName], { encoding: "utf8" });
  const secret = /secret "([^"]+)"/.exec(keyConf)?.[1];
  if (!secret) throw new Error(`tsig-keygen printed no secret: ${keyConf.replace(/secret "[^"]*"/, 'secret "…"')}`);
  const keyFile = path.join(dir, "key.conf");
  fs.writeFileSync(keyFile, keyConf, { mode: 0o600 });

  const nameServerZone = opts.zones.find((z) => !z.endsWith(".arpa")) ?? opts.zones[0]!;
  for (const z of opts.zones) fs.writeFileSync(path.join(dir, `${z}.zone`), zoneFile(z, nameServerZone, opts.records?.[z] ?? []));

  let lastLog = "";
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const conf = [
      `include "${keyFile}";`,
      "options {",
      `  directory "${dir}";`,
      `  listen-on port ${port} { 127.0.0.1; };`,
      "  listen-on-v6 { none; };",
      "  recursion no;",
      "  pid-file none;",
      "  session-keyfile none;",
      "  dnssec-validation no;",
      "  notify no;",
      "  allow-transfer { none; };",
      "};",
      "controls { };",
      ...opts.zones.map((z) => `zone "${z}" { type primary; file "${z}.zone"; update-policy { grant ${keyName} zonesub ANY; }; };`),
      "",
    ].join("\n");
    const confFile = path.join(dir, "named.conf");
    fs.writeFileSync(confFile, conf);
    // -g: foreground, log to stderr. No -u: it keeps the invoking user (root in CI containers).
    const child: ChildProcess = spawn(named, ["-g", "-c", confFile], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    // Never leave a named behind, even when the test process ends without calling stop().
    const killOnExit = () => child.kill("SIGKILL");
    process.once("exit", killOnExit);
    child.once("exit", () => process.off("exit", killOnExit));
    let log = "";
    child.stdout!.on("data", (d) => (log += d));
    child.stderr!.on("data", (d) => (log += d));
    const exited = new Promise<boolean>((resolve) => child.once("exit", () => resolve(false)));
    const ready = await Promise.race([exited, answers(port, opts.zones[0]!, 15_000)]);
    lastLog = log;
    if (!ready) {
      child.kill("SIGKILL");
      continue;
    }
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => child.kill("SIGKILL"), 5_000);
          child.once("exit", () => {
            clearTimeout(t);
            resolve();
          });
          child.kill("SIGTERM");
        });
      }
      fs.rmSync(dir, { recursive: true, force: true });
    };
    return {
      host: "127.0.0.1",
      port,
      key: { name: keyName, algorithm, secret },
      dir,
      log: () => log,
      nsupdate: (zone, commands) =>
        execFileSync(nsupdateBin, ["-k", keyFile], {
          input: [`server 127.0.0.1 ${port}`, `zone ${zone}`, ...commands, "send", ""].join("\n"),
          encoding: "utf8",
          timeout: 10_000,
        }),
      stop,
    };
  }
  fs.rmSync(dir, { recursive: true, force: true });
  throw new Error(`named did not start after 3 attempts; its log:\n${lastLog.replace(new RegExp(secret.replace(/[+/=]/g, "\\$&"), "g"), "[secret]")}`);
}
