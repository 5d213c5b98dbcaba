/**
 * The platform services of a CUP 7.0 node, as `utils service list` shows them and `utils service
 * start|stop|restart` controls them. The three services that reload tables are the
 * simulator's own (schema.ts CUP_SIM_SERVICES: SIP Proxy, Presence Engine, Sync Agent). The rest is a representative part of a CUP 7.x node's list (the platform services CUP
 * shares with CUCM, and CUP's own "Cisco UP ..." services) from the CUP 7.x serviceability guide's
 * service list as we read it; the full list and its exact spelling were not checked on a real CUP.
 * A fresh node runs every activated service; feature services not activated are stopped.
 */
import { CUP_SIM_SERVICES as CUP_SERVICES } from "./schema";
import { ServiceTable, type ServiceTableChange } from "../cucm-platform/services";
import type { CupServiceRow } from "./db";

export interface CupServiceDef {
  name: string;
  kind: "feature" | "network";
  /** Activated on a fresh lab node (network services always are). */
  activated: boolean;
}

export const CUP_SERVICE_CATALOG: CupServiceDef[] = [
  // CUP's feature services
  { name: CUP_SERVICES.sipProxy, kind: "feature", activated: true },
  { name: CUP_SERVICES.presenceEngine, kind: "feature", activated: true },
  { name: "Cisco UP Client Profile Agent", kind: "feature", activated: true },
  { name: "Cisco UP IPPM", kind: "feature", activated: false },
  { name: "Cisco AXL Web Service", kind: "feature", activated: true },
  { name: "Cisco Serviceability Reporter", kind: "feature", activated: false },
  { name: "Cisco Bulk Provisioning Service", kind: "feature", activated: false },
  // network services
  { name: CUP_SERVICES.syncAgent, kind: "network", activated: true },
  { name: "Cisco UP Config Agent", kind: "network", activated: true },
  { name: "Cisco UP Replication Watcher", kind: "network", activated: true },
  { name: "A Cisco DB", kind: "network", activated: true },
  { name: "A Cisco DB Replicator", kind: "network", activated: true },
  { name: "Cisco Tomcat", kind: "network", activated: true },
  { name: "Cisco Database Layer Monitor", kind: "network", activated: true },
  { name: "Cisco RIS Data Collector", kind: "network", activated: true },
  { name: "Cisco AMC Service", kind: "network", activated: true },
  { name: "Cisco CDP", kind: "network", activated: true },
  { name: "Cisco CDP Agent", kind: "network", activated: true },
  { name: "Cisco Syslog Agent", kind: "network", activated: true },
  { name: "Cisco Trace Collection Service", kind: "network", activated: true },
  { name: "Cisco Certificate Expiry Monitor", kind: "network", activated: true },
  { name: "Cisco DRF Local", kind: "network", activated: true },
  { name: "Cisco DRF Master", kind: "network", activated: true },
  { name: "Cisco Log Partition Monitoring Tool", kind: "network", activated: true },
  { name: "Cisco CallManager Serviceability", kind: "network", activated: true },
  { name: "Cisco Unified Presence Administration", kind: "network", activated: true },
  { name: "SOAP -Real-Time Service APIs", kind: "network", activated: true },
  { name: "Host Resources Agent", kind: "network", activated: true },
  { name: "MIB2 Agent", kind: "network", activated: true },
  { name: "SNMP Master Agent", kind: "network", activated: true },
  { name: "System Application Agent", kind: "network", activated: true },
];

/** One control command's outcome. */
export type CupServiceChange = ServiceTableChange<"not-activated", CupServiceDef>;

export interface CupRestart {
  service: string;
  at: Date;
}

export class CupServices extends ServiceTable<CupServiceDef, "not-activated"> {
  constructor(
    store: { get(): CupServiceRow[]; set(rows: CupServiceRow[]): void; save(): void },
    /** Every successful `utils service restart`, in order. */
    readonly restarts: CupRestart[] = [],
    now: () => Date = () => new Date(),
  ) {
    super(CUP_SERVICE_CATALOG, store, now, false);
  }

  protected override restarted(service: string, at: Date): void {
    this.restarts.push({ service, at });
  }
}
