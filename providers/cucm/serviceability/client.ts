/**
 * CUCM's Serviceability Control Center Services (SOAP over HTTPS, same credentials and TLS settings
 * as AXL): read a service's status and activate (deploy) or deactivate (undeploy) it. Cisco Unified
 * CM 7.x serves it at /controlcenterservice/services/ControlCenterServicesPort, 8.x and later at
 * /controlcenterservice2/services/ControlCenterServices.
 *
 * Control Center acts on the node it runs on: soapGetServiceStatus answers for the node you connect
 * to, and soapDoServiceDeployment's NodeName must name that same node (Cisco's DevNet overview of
 * Control Center: "operations only on the local node, which is specified by the NodeName element").
 * So a service on another node of the cluster is read and activated through that node's own
 * endpoint: serviceabilityFor(connection, node) gives one client per node.
 */
import * as crypto from "node:crypto";
import * as dns from "node:dns";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { RcclabError } from "../../core/errors";
import { projectRoot } from "../../core/provider";
import type { Logger } from "../../core/kind";
import { withRetry } from "../../core/retry";
import { type TlsSettings, httpsAgent } from "../../core/tls";
import type { AxlConnection } from "../axl/client";
import { mapAxlError } from "../axl/faults";

export interface ServiceState {
  service: string;
  /** Started, Stopped, Starting, Stopping, Unknown. */
  status: string;
  /** False when CUCM reports the service as not activated (reason code -1068). */
  activated: boolean;
}

/** Control Center's reason code for "Service Not Activated". */
export const NOT_ACTIVATED = "-1068";

export const controlCenterPath = (release: string): string =>
  release === "7.0" ? "/controlcenterservice/services/ControlCenterServicesPort" : "/controlcenterservice2/services/ControlCenterServices";

const asList = <T>(v: T | T[] | undefined | null): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

export class ServiceabilityClient {
  /** The Control Center endpoint this client talks to. */
  readonly target: string;
  /** The host in `target`: the connection's host, or the node's own name or address. */
  readonly host: string;
  /** The TLS settings of this endpoint (another node: verified as that node unless tls.servername is set). */
  readonly tls: TlsSettings;
  private soap?: Promise<any>;
  private readonly agent;

  /**
   * @param host the endpoint's host when it is not the connection's (another node of the cluster):
   * same port, credentials and TLS settings, the certificate verified as `host` unless the
   * connection sets tls.servername.
   */
  constructor(
    private readonly connection: AxlConnection,
    private readonly log: Logger,
    host?: string,
  ) {
    this.host = host ?? connection.host;
    const servername = connection.tls.servername ?? (host === undefined || net.isIP(host) ? undefined : host);
    this.tls = { ...connection.tls, ...(servername ? { servername } : {}) };
    this.target = `https://${this.host}:${connection.port}${controlCenterPath(connection.release)}`;
    this.agent = httpsAgent(this.tls, log.warn, this.target);
  }

  private client(): Promise<any> {
    this.soap ??= (async () => {
      const soap = await import("soap");
      // tsc does not copy the WSDL to dist/: it is read from the package's providers/ folder.
      const wsdlFile = path.join(projectRoot(__dirname), "providers", "cucm", "serviceability", "controlcenter.wsdl");
      const wsdl = new soap.WSDL(fs.readFileSync(wsdlFile, "utf8"), wsdlFile, {});
      await new Promise<void>((resolve, reject) => wsdl.onReady((err: unknown) => (err ? reject(err) : resolve())));
      const client = new soap.Client(wsdl, this.target);
      client.setSecurity(new soap.BasicAuthSecurity(this.connection.username, this.connection.password));
      return client;
    })();
    return this.soap;
  }

  private async call(operation: string, args: unknown): Promise<any> {
    const client = await this.client();
    return withRetry(
      async () => {
        try {
          const [result] = await client[`${operation}Async`](args, { httpsAgent: this.agent, timeout: this.connection.timeoutMs });
          return result;
        } catch (e) {
          throw mapAxlError(e, operation, this.target);
        }
      },
      { retries: this.connection.retries, minTimeoutMs: this.connection.minRetryDelayMs, maxTimeoutMs: this.connection.maxRetryDelayMs },
      (e, n, delay) => this.log.info(`${(e as Error).message}; retry ${n} in ${delay} ms`),
    );
  }

  private static states(ret: any, operation: string): ServiceState[] {
    if (!ret || (ret.ReturnCode && ret.ReturnCode !== "Success")) {
      throw new RcclabError("InvalidRequest", `${operation}: Control Center answered ${ret?.ReturnCode ?? "nothing"} ${ret?.ReasonString ?? ""}`.trim());
    }
    return asList(ret.ServiceInfoList?.item).map((i: any) => ({
      service: String(i.ServiceName),
      status: String(i.ServiceStatus),
      activated: String(i.ReasonCode) !== NOT_ACTIVATED,
    }));
  }

  /** The state of one service on the node this client talks to; NotFound when CUCM has no such service. */
  async status(service: string): Promise<ServiceState> {
    const r = await this.call("soapGetServiceStatus", { ServiceStatus: { item: [service] } });
    const state = ServiceabilityClient.states(r?.soapGetServiceStatusReturn, "soapGetServiceStatus").find((s) => s.service === service);
    if (!state) throw new RcclabError("NotFound", `CUCM has no service named "${service}"`);
    return state;
  }

  /** Activate (Deploy) or deactivate (UnDeploy) a service on a node. */
  async deploy(node: string, service: string, activate: boolean): Promise<ServiceState> {
    const r = await this.call("soapDoServiceDeployment", {
      DeploymentServiceRequest: { NodeName: node, DeployType: activate ? "Deploy" : "UnDeploy", ServiceList: { item: [service] } },
    });
    const state = ServiceabilityClient.states(r?.soapDoServiceDeploymentReturn, "soapDoServiceDeployment").find((s) => s.service === service);
    if (!state) throw new RcclabError("InvalidRequest", `soapDoServiceDeployment: no status for "${service}" in the answer`);
    if (state.activated !== activate) {
      throw new RcclabError("InvalidRequest", `soapDoServiceDeployment: "${service}" is still ${state.activated ? "activated" : "not activated"} on ${node}`);
    }
    return state;
  }

  close(): void {
    this.agent.destroy();
  }
}

const normName = (s: string): string => s.trim().toLowerCase().replace(/\.$/, "");

/** The addresses a host name resolves to (itself for an address; none when it does not resolve). */
async function addressesOf(host: string): Promise<string[]> {
  if (net.isIP(host)) return [host];
  try {
    return (await dns.promises.lookup(host, { all: true })).map((a) => a.address);
  } catch {
    return [];
  }
}

/**
 * Whether `node` is the server the connection talks to: its host, the name its certificate is
 * verified as (tls.servername), or a name or address that resolves to an address the host does.
 */
export async function isConnectionNode(connection: AxlConnection, node: string): Promise<boolean> {
  const n = normName(node);
  if (n === normName(connection.host) || (connection.tls.servername !== undefined && n === normName(connection.tls.servername))) return true;
  const [mine, theirs] = await Promise.all([addressesOf(normName(connection.host)), addressesOf(n)]);
  return theirs.some((a) => mine.includes(a));
}

const perNode = new Map<string, Promise<ServiceabilityClient>>();

/**
 * The Control Center client for `node`, one per connection and node per process: the connection as
 * it is when `node` is the server it talks to (isConnectionNode), otherwise
 * https://<node>:<connection.port> with the same credentials and TLS settings (the certificate
 * verified as `node` unless tls.servername is set).
 */
export function serviceabilityFor(connection: AxlConnection, node: string, log: Logger): Promise<ServiceabilityClient> {
  const key = `${crypto.createHash("sha256").update(JSON.stringify(connection)).digest("hex")}/${normName(node)}`;
  let client = perNode.get(key);
  if (!client) {
    client = isConnectionNode(connection, node).then((local) => new ServiceabilityClient(connection, log, local ? undefined : node.trim()));
    client.catch(() => perNode.delete(key));
    perNode.set(key, client);
  }
  return client;
}

/** Close every cached per-node client (tests; a provider process simply exits). */
export async function closeServiceabilityClients(): Promise<void> {
  const clients = [...perNode.values()];
  perNode.clear();
  for (const c of await Promise.allSettled(clients)) if (c.status === "fulfilled") c.value.close();
}
