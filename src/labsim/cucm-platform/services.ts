/**
 * The services of one CUCM node as Serviceability sees them: feature services (activated or not,
 * by Tools > Service Activation, the Control Center SOAP API's soapDoServiceDeployment or, from 9.x
 * on, the CLI's `utils service activate`) and network services (always activated), each running or
 * not. A fresh lab CUCM runs what a CUCM that serves AXL runs; Cisco Extension Mobility and Cisco
 * CTIManager are deactivated (rcclab activates them: EM for B11, CTIManager because RCC needs it on
 * every node CUP's desk phone control points at). The state is a list of rows the caller persists.
 */
import type { SimFamily } from "../cucm/releases";
import type { PlatformServiceRow } from "../cucm/model/db";

export type ServiceKind = "feature" | "network";

export interface ServiceDef {
  name: string;
  kind: ServiceKind;
  /** Activated on a fresh lab node (network services always are). */
  activated: boolean;
  /** Serviceability's group (Service Activation / Control Center pages). */
  group: string;
  /** A servlet inside Tomcat rather than a process (soapGetStaticServiceList's ServiceType). */
  servlet?: boolean;
  /** Only in these release families (default: both). */
  families?: SimFamily[];
}

const CM = "CM Services";
const CTI = "CTI Services";
const CDR = "CDR Services";
const DB = "Database and Admin Services";
const PERF = "Performance and Monitoring Services";
const SEC = "Security Services";
const DIR = "Directory Services";
const BACKUP = "Backup and Restore Services";
const PLATFORM = "Platform Services";

/** The services the simulator knows (a representative part of a CUCM node's list). */
export const SERVICE_CATALOG: ServiceDef[] = [
  // feature services
  { name: "Cisco CallManager", kind: "feature", activated: true, group: CM },
  { name: "Cisco Tftp", kind: "feature", activated: true, group: CM },
  { name: "Cisco Messaging Interface", kind: "feature", activated: false, group: CM },
  { name: "Cisco IP Voice Media Streaming App", kind: "feature", activated: true, group: CM },
  // A feature service (Service Activation page, CTI Services group); RCC needs it running.
  { name: "Cisco CTIManager", kind: "feature", activated: false, group: CTI },
  { name: "Cisco Extension Mobility", kind: "feature", activated: false, group: CM, servlet: true },
  { name: "Cisco Extended Functions", kind: "feature", activated: false, group: CM },
  { name: "Cisco DHCP Monitor Service", kind: "feature", activated: false, group: CM },
  { name: "Cisco Dialed Number Analyzer", kind: "feature", activated: false, group: CM, servlet: true },
  { name: "Cisco IP Manager Assistant", kind: "feature", activated: false, group: CTI, servlet: true },
  { name: "Cisco WebDialer Web Service", kind: "feature", activated: false, group: CTI, servlet: true },
  { name: "Cisco SOAP - CDRonDemand Service", kind: "feature", activated: false, group: CDR, servlet: true },
  { name: "Cisco CAR Web Service", kind: "feature", activated: false, group: CDR, servlet: true },
  { name: "Cisco AXL Web Service", kind: "feature", activated: true, group: DB, servlet: true },
  { name: "Cisco UXL Web Service", kind: "feature", activated: false, group: DB, servlet: true },
  { name: "Cisco Bulk Provisioning Service", kind: "feature", activated: false, group: DB, servlet: true },
  { name: "Cisco TAPS Service", kind: "feature", activated: false, group: DB },
  { name: "Cisco Serviceability Reporter", kind: "feature", activated: false, group: PERF },
  { name: "Cisco CallManager SNMP Service", kind: "feature", activated: false, group: PERF },
  { name: "Cisco CTL Provider", kind: "feature", activated: false, group: SEC },
  { name: "Cisco Certificate Authority Proxy Function", kind: "feature", activated: false, group: SEC },
  { name: "Cisco DirSync", kind: "feature", activated: false, group: DIR },
  // network services
  { name: "A Cisco DB", kind: "network", activated: true, group: PLATFORM },
  { name: "A Cisco DB Replicator", kind: "network", activated: true, group: PLATFORM },
  { name: "Cisco Tomcat", kind: "network", activated: true, group: PLATFORM },
  { name: "Cisco Database Layer Monitor", kind: "network", activated: true, group: DB },
  { name: "Cisco RIS Data Collector", kind: "network", activated: true, group: PERF },
  { name: "Cisco AMC Service", kind: "network", activated: true, group: PERF },
  { name: "Cisco CDP", kind: "network", activated: true, group: PLATFORM },
  { name: "Cisco CDP Agent", kind: "network", activated: true, group: PLATFORM },
  { name: "Cisco Syslog Agent", kind: "network", activated: true, group: PLATFORM },
  { name: "Cisco Trace Collection Service", kind: "network", activated: true, group: PLATFORM },
  { name: "Cisco Certificate Expiry Monitor", kind: "network", activated: true, group: SEC },
  { name: "Cisco License Manager", kind: "network", activated: true, group: PLATFORM, families: ["7"] },
  { name: "Cisco Extension Mobility Application", kind: "network", activated: true, group: CM, servlet: true },
  { name: "Cisco CallManager Admin", kind: "network", activated: true, group: DB, servlet: true },
  { name: "Cisco CallManager Cisco IP Phone Services", kind: "network", activated: true, group: CM, servlet: true },
  { name: "Cisco CallManager Serviceability", kind: "network", activated: true, group: PERF, servlet: true },
  { name: "Cisco CDR Repository Manager", kind: "network", activated: true, group: CDR },
  { name: "Cisco CDR Agent", kind: "network", activated: true, group: CDR },
  { name: "Cisco DRF Local", kind: "network", activated: true, group: BACKUP },
  { name: "Cisco DRF Master", kind: "network", activated: true, group: BACKUP },
  { name: "Cisco Log Partition Monitoring Tool", kind: "network", activated: true, group: PERF },
  { name: "SOAP -Log Collection APIs", kind: "network", activated: true, group: PERF, servlet: true },
  { name: "SOAP -Performance Monitoring APIs", kind: "network", activated: true, group: PERF, servlet: true },
  { name: "SOAP -Real-Time Service APIs", kind: "network", activated: true, group: PERF, servlet: true },
  { name: "Host Resources Agent", kind: "network", activated: true, group: PLATFORM },
  { name: "MIB2 Agent", kind: "network", activated: true, group: PLATFORM },
  { name: "SNMP Master Agent", kind: "network", activated: true, group: PLATFORM },
  { name: "System Application Agent", kind: "network", activated: true, group: PLATFORM },
  { name: "Platform Administrative Web Service", kind: "network", activated: true, group: PLATFORM, servlet: true, families: ["12"] },
];

export type ServiceState = "Started" | "Stopped" | "Unknown";

export interface ServiceStatus {
  name: string;
  def?: ServiceDef;
  /** Started / Stopped, or Unknown for a name this node does not have. */
  status: ServiceState;
  activated: boolean;
  /** Why a service is stopped: not activated, or stopped on command. */
  reason?: "not-activated" | "commanded-out";
  startedAt?: string;
}

/** A service's status whose catalog entry (when it carries one) is a `D`. */
export type TableStatus<D> = Omit<ServiceStatus, "def"> & { def?: D };

/** The outcome of one command on one service; `P`: what else than an unknown name can go wrong. */
export interface ServiceTableChange<P extends string, D = ServiceDef> {
  name: string;
  ok: boolean;
  /** What went wrong: unknown service, or the table's own problems (e.g. not activated). */
  problem?: "unknown" | P;
  after: TableStatus<D>;
}

/** The outcome of one command on one service: unknown service, not activated, not deployable (network service). */
export type ServiceChange = ServiceTableChange<"not-activated" | "not-deployable">;

/** One persisted service row (CUCM's platformServices, CUP's services). */
interface ServiceRow {
  name: string;
  activated: boolean;
  running: boolean;
  startedAt?: string;
}

/** Access to the persisted rows (the simulator's database, or a platform-only state file). */
export interface ServiceStore {
  get(): PlatformServiceRow[];
  set(rows: PlatformServiceRow[]): void;
  save(): void;
}

/**
 * A node's services over its catalog and persisted rows, as CUCM's and CUP's platforms keep them:
 * missing rows are added (running when activated), names match exactly then case-insensitively,
 * and Control Center's start / stop / restart apply to activated services only.
 */
export class ServiceTable<D extends { name: string; activated: boolean }, P extends string> {
  constructor(
    readonly catalog: D[],
    private readonly store: { get(): ServiceRow[]; set(rows: ServiceRow[]): void; save(): void },
    protected readonly now: () => Date,
    /** Whether a status carries its catalog entry (`def`). */
    private readonly statusDef: boolean,
  ) {
    const known = new Map(store.get().map((r) => [r.name, r]));
    const started = this.now().toISOString();
    const rows = this.catalog.map(
      (d) => known.get(d.name) ?? { name: d.name, activated: d.activated, running: d.activated, ...(d.activated ? { startedAt: started } : {}) },
    );
    if (rows.length !== store.get().length || rows.some((r) => !known.has(r.name))) {
      store.set(rows);
      store.save();
    }
  }

  /** The catalog entry for a name (exact, then case-insensitive as Serviceability matches). */
  def(name: string): D | undefined {
    const n = name.trim();
    return this.catalog.find((d) => d.name === n) ?? this.catalog.find((d) => d.name.toLowerCase() === n.toLowerCase());
  }

  private row(def: D): ServiceRow {
    return this.store.get().find((r) => r.name === def.name)!;
  }

  status(name: string): TableStatus<D> {
    const def = this.def(name);
    if (!def) return { name: name.trim(), status: "Unknown", activated: false };
    const row = this.row(def);
    return {
      name: def.name,
      ...(this.statusDef ? { def } : {}),
      status: row.running ? "Started" : "Stopped",
      activated: row.activated,
      ...(row.running ? {} : { reason: row.activated ? ("commanded-out" as const) : ("not-activated" as const) }),
      ...(row.running && row.startedAt ? { startedAt: row.startedAt } : {}),
    };
  }

  all(): TableStatus<D>[] {
    return this.catalog.map((d) => this.status(d.name));
  }

  protected change(name: string, fn: (def: D, row: ServiceRow) => P | "not-activated" | void): ServiceTableChange<P | "not-activated", D> {
    const def = this.def(name);
    if (!def) return { name: name.trim(), ok: false, problem: "unknown", after: this.status(name) };
    const row = this.row(def);
    const problem = fn(def, row) ?? undefined;
    this.store.save();
    return { name: def.name, ok: !problem, ...(problem ? { problem } : {}), after: this.status(def.name) };
  }

  /** Control Center: start (an activated service only). */
  start(name: string): ServiceTableChange<P | "not-activated", D> {
    return this.change(name, (_def, row) => {
      if (!row.activated) return "not-activated";
      if (!row.running) row.startedAt = this.now().toISOString();
      row.running = true;
    });
  }

  stop(name: string): ServiceTableChange<P | "not-activated", D> {
    return this.change(name, (_def, row) => {
      if (!row.activated) return "not-activated";
      row.running = false;
      delete row.startedAt;
    });
  }

  restart(name: string): ServiceTableChange<P | "not-activated", D> {
    return this.change(name, (def, row) => {
      if (!row.activated) return "not-activated";
      const at = this.now();
      row.running = true;
      row.startedAt = at.toISOString();
      this.restarted(def.name, at);
    });
  }

  /** A service was restarted (a hook: CUP records it). */
  protected restarted(_service: string, _at: Date): void {}
}

export class PlatformServices extends ServiceTable<ServiceDef, "not-activated" | "not-deployable"> {
  constructor(
    readonly family: SimFamily,
    store: ServiceStore,
    now: () => Date = () => new Date(),
  ) {
    super(
      SERVICE_CATALOG.filter((d) => !d.families || d.families.includes(family)),
      store,
      now,
      true,
    );
  }

  /** Service Activation: a feature service becomes activated and starts. */
  activate(name: string): ServiceChange {
    return this.change(name, (def, row) => {
      if (def.kind !== "feature") return "not-deployable";
      if (!row.activated || !row.running) row.startedAt = this.now().toISOString();
      row.activated = true;
      row.running = true;
    });
  }

  /** Service Activation: a feature service is stopped and deactivated. */
  deactivate(name: string): ServiceChange {
    return this.change(name, (def, row) => {
      if (def.kind !== "feature") return "not-deployable";
      row.activated = false;
      row.running = false;
      delete row.startedAt;
    });
  }
}
