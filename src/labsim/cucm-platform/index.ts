/**
 * The simulated CUCM's platform side, next to its AXL service: Serviceability's Control Center
 * Services SOAP API (service status, activation, start/stop) and the platform CLI over SSH.
 *
 * Two ways to run it:
 * - With `sim` (a running startCucmSim): the SOAP API is served on the simulator's own HTTPS
 *   server and port, as on a real CUCM (https://<cucm>:8443/controlcenterservice/...), with the
 *   same users; service activation is kept in the simulator's database and state file.
 * - Standalone: its own HTTPS server (lab CA certificate) and its own state file.
 * Either way the SSH CLI listens on `sshPort` (0 = ephemeral; false = none) with a host key kept in
 * `hostKeyFile` (default: next to the state file).
 *
 * Several nodes of one cluster: a standalone platform per further node, each on its own loopback
 * address (`host`, e.g. 127.0.0.2) and the same port as the first, so https://<node>:<port> reaches
 * each node as on a real cluster. Each answers soapGetServiceStatus for itself only and refuses a
 * deployment or control request whose NodeName is not one of its own names.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SIM_RELEASES, type SimRelease, familyOf } from "../cucm/releases";
import { type LabCa, ensureLabCa, issueServerCert } from "../ca";
import { listenHttps } from "../http";
import { CCM_VERSIONS } from "../cucm/model/catalog";
import type { PlatformServiceRow } from "../cucm/model/db";
import { type CucmSim, DEFAULT_PASSWORD, DEFAULT_USER, type UserEntry } from "../cucm/server";
import { type RecordedServiceabilityRequest, controlCenterPaths, serviceabilityHandler } from "./serviceability";
import { PlatformServices, type ServiceStore } from "./services";
import { type CliSsh, startCliSsh } from "./ssh";

export { CCS_NS, CONTROL_CENTER_PATH, CONTROL_CENTER2_PATH, REASON, controlCenterPaths, controlCenterWsdl } from "./serviceability";
export { PlatformServices, SERVICE_CATALOG, type ServiceChange, type ServiceDef, type ServiceStatus } from "./services";
export { runCli, statusLine, type CliContext, type CliResult } from "./cli";
export { ensureHostKey, hostKeyFingerprint } from "./ssh";

export const DEFAULT_CLI_USER = "admin";
export const DEFAULT_CLI_PASSWORD = "Admin-Pa55";

export interface CucmPlatformOptions {
  /** Attach to this simulator (its HTTPS server, users, release, version, database and state file). */
  sim?: CucmSim;
  /** Standalone only: the release (default 14.0). */
  release?: SimRelease;
  /** Standalone only: what `show version active` prints (default: a real build of the release). */
  version?: string;
  /** HTTP Basic users of the SOAP API (default: the simulator's, else { administrator: DEFAULT_PASSWORD }). */
  users?: Record<string, UserEntry>;
  /** Standalone only: the HTTPS port (0 = ephemeral). */
  port?: number;
  /** Standalone only: the loopback address to listen on (default 127.0.0.1; another node: 127.0.0.2, ...). */
  host?: string;
  /** Standalone only: the lab CA, or its folder. */
  ca?: LabCa;
  caDir?: string;
  /** Standalone only: extra certificate names. */
  serverNames?: string[];
  /** Standalone only: where the service states persist (attached: the simulator's state file). */
  stateFile?: string;
  /** CLI accounts (default { admin: DEFAULT_CLI_PASSWORD }). */
  cliUsers?: Record<string, string>;
  /** SSH port (default 0 = ephemeral); false = no SSH. */
  sshPort?: number | false;
  /** The SSH host key (RSA, PEM), created on first start. Default: next to the state file. */
  hostKeyFile?: string;
  /**
   * This node's host name (NodeName in Control Center requests; the CLI's machine name). Default
   * "cucm". The node also answers to <nodeName>.lab.example.com, its address and `serverNames`.
   */
  nodeName?: string;
}

export interface CucmPlatform {
  release: SimRelease;
  version: string;
  /** The Control Center Services endpoint the release documents (7.0: .../ControlCenterServicesPort). */
  serviceabilityUrl: string;
  /** Every Control Center endpoint served (12.x adds /controlcenterservice2/services/ControlCenterServices). */
  serviceabilityUrls: string[];
  /** The HTTPS port the SOAP API is on (the simulator's when attached). */
  port: number;
  caPem: string;
  nodeName: string;
  /** Absent with sshPort: false. */
  ssh?: Pick<CliSsh, "host" | "port" | "hostKeyFingerprint" | "hostKeyFile">;
  services: PlatformServices;
  /** Every SOAP request, in order. */
  requests: RecordedServiceabilityRequest[];
  /** Every CLI command, in order. */
  commands: Array<{ user: string; line: string; ok: boolean; via: "shell" | "exec" }>;
  stop(): Promise<void>;
}

function defaultKeyFile(opts: CucmPlatformOptions, caDir: string | undefined): string {
  const stateFile = opts.stateFile ?? opts.sim?.stateFile;
  if (stateFile) return path.join(path.dirname(stateFile), "cucm-ssh-host-rsa-key.pem");
  return path.join(caDir ?? path.join(os.tmpdir(), "rcclab-labsim-ca"), "cucm-ssh-host-rsa-key.pem");
}

/** A platform-only state file: { format, release, services }. */
function fileStore(file: string | undefined): ServiceStore {
  let rows: PlatformServiceRow[] = [];
  if (file && fs.existsSync(file)) rows = (JSON.parse(fs.readFileSync(file, "utf8")) as { services?: PlatformServiceRow[] }).services ?? [];
  return {
    get: () => rows,
    set: (r) => void (rows = r),
    save() {
      if (!file) return;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify({ format: "rcclab-cucm-platform/1", services: rows }, null, 1));
      fs.renameSync(tmp, file);
    },
  };
}

export async function startCucmPlatform(opts: CucmPlatformOptions = {}): Promise<CucmPlatform> {
  const sim = opts.sim;
  const release = sim?.release ?? opts.release ?? "14.0";
  if (!SIM_RELEASES.includes(release)) throw new Error(`unknown release ${release}`);
  const version = sim?.version ?? opts.version ?? CCM_VERSIONS[release] ?? release;
  const host = sim?.host ?? opts.host ?? "127.0.0.1";
  if (!/^127(\.\d{1,3}){3}$/.test(host)) throw new Error(`host ${host}: the simulator listens on a loopback address only`);
  const nodeName = opts.nodeName ?? "cucm";
  const users = opts.users ?? sim?.users ?? { [DEFAULT_USER]: DEFAULT_PASSWORD };

  const store: ServiceStore = sim
    ? { get: () => sim.db.platformServices, set: (rows) => void (sim.db.platformServices = rows), save: () => sim.save() }
    : fileStore(opts.stateFile);
  const services = new PlatformServices(familyOf(release), store);
  const requests: RecordedServiceabilityRequest[] = [];
  const commands: CucmPlatform["commands"] = [];
  const handler = serviceabilityHandler({
    release,
    version,
    services,
    users,
    nodeNames: [nodeName, `${nodeName}.lab.example.com`, host, ...(host === "127.0.0.1" ? ["localhost"] : []), ...(opts.serverNames ?? [])],
    requests,
  });

  let port: number;
  let caPem: string;
  let caDir: string | undefined;
  let stopHttp: () => Promise<void>;
  if (sim) {
    const unmount = [sim.mount("/controlcenterservice/", handler), sim.mount("/controlcenterservice2/", handler)];
    port = sim.port;
    caPem = sim.caPem;
    stopHttp = async () => unmount.forEach((u) => u());
  } else {
    const ca = opts.ca ?? ensureLabCa(opts.caDir ?? path.join(os.tmpdir(), "rcclab-labsim-ca"));
    caDir = ca.dir ?? opts.caDir;
    // Another node's certificate carries its own address (every lab certificate also has 127.0.0.1).
    const extraNames = [...(host === "127.0.0.1" ? [] : [host]), ...(opts.serverNames ?? [])];
    const cert = issueServerCert(ca, [nodeName, ...extraNames], {
      ...(ca.dir ? { dir: ca.dir } : {}),
      baseName: `cucm-platform-${[...extraNames].sort().join("_").replace(/[^\w.-]/g, "") || "default"}`,
    });
    const listening = await listenHttps(cert, handler, opts.port ?? 0, host);
    const server = listening.server;
    port = listening.port;
    caPem = ca.caPem;
    stopHttp = () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
  }

  let ssh: CliSsh | undefined;
  if (opts.sshPort !== false) {
    ssh = await startCliSsh({
      host,
      port: opts.sshPort ?? 0,
      hostKeyFile: opts.hostKeyFile ?? defaultKeyFile(opts, caDir),
      users: opts.cliUsers ?? { [DEFAULT_CLI_USER]: DEFAULT_CLI_PASSWORD },
      context: { release, version, services, hostname: nodeName },
      commands,
    });
  }

  const urls = controlCenterPaths(release).map((p) => `https://${host}:${port}${p}`);
  return {
    release,
    version,
    serviceabilityUrl: urls[0]!,
    serviceabilityUrls: urls,
    port,
    caPem,
    nodeName,
    ...(ssh ? { ssh: { host: ssh.host, port: ssh.port, hostKeyFingerprint: ssh.hostKeyFingerprint, hostKeyFile: ssh.hostKeyFile } } : {}),
    services,
    requests,
    commands,
    async stop() {
      await Promise.all([ssh?.stop(), stopHttp()]);
    },
  };
}
