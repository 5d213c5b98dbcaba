/**
 * CUCM's Serviceability Control Center Services (SOAP over HTTPS, same credentials and TLS settings
 * as AXL): read a service's status and activate (deploy) or deactivate (undeploy) it. Cisco Unified
 * CM 7.x serves it at /controlcenterservice/services/ControlCenterServicesPort, 8.x and later at
 * /controlcenterservice2/services/ControlCenterServices.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { RcclabError } from "../../core/errors";
import type { Logger } from "../../core/kind";
import { withRetry } from "../../core/retry";
import { httpsAgent } from "../../core/tls";
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
  readonly target: string;
  private soap?: Promise<any>;
  private readonly agent;

  constructor(
    private readonly connection: AxlConnection,
    private readonly log: Logger,
  ) {
    this.target = `https://${connection.host}:${connection.port}${controlCenterPath(connection.release)}`;
    this.agent = httpsAgent(connection.tls, log.warn, this.target);
  }

  private client(): Promise<any> {
    this.soap ??= (async () => {
      const soap = await import("soap");
      const file = path.join(__dirname, "controlcenter.wsdl");
      // tsc does not copy the WSDL to dist/: read it from the source tree when running compiled.
      const wsdlFile = fs.existsSync(file) ? file : file.replace(`${path.sep}dist${path.sep}`, path.sep);
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
