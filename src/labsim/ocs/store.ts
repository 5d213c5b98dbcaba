/**
 * The simulated front end's WMI class store: the instances of MSFT_SIPPoolSetting (the forest's
 * pools), MSFT_SIPRoutingTableData (static routes) and MSFT_SIPRemoteAddressData (authorized hosts)
 * with the WMI provider's rules, shared by the SSH (PowerShell) and WinRM (WS-Management) faces of a
 * front end.
 *
 * - Pool-level classes ("Using the Backend Property"): every instance carries its pool's Backend;
 *   a create needs a Backend naming a pool's SQL back end (WBEM_E_INVALID_PARAMETER otherwise);
 *   Backend and InstanceID are the keys and read-only once created. New instances get an InstanceID
 *   "{GUID}" (upper case). Keys compare case-insensitively, as WMI compares object paths.
 * - The pools live in Active Directory: read-only here (WBEM_E_NOT_SUPPORTED on any write). Their
 *   InstanceID is derived from the FQDN unless the state gives one.
 * - Values are checked against the class's CIM types; required properties must be set; a route's
 *   port is 1–65535 and its transport TCP or TLS ("Currently, there are two choices: TCP and TLS",
 *   Proxy and Routing Settings): WBEM_E_INVALID_PARAMETER otherwise.
 * - An account that is not an OCS administrator gets WBEM_E_ACCESS_DENIED on every call.
 * - Tables persist in a JSON state file (when given), written atomically on every change. Rows keep
 *   WMI property names; a NULL property is absent from its row.
 */
import { createHash, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  type CimClass,
  type CimProperty,
  type CimValue,
  CLASSES,
  MSFT_SIPPoolSetting,
  MSFT_SIPRemoteAddressData,
  MSFT_SIPRoutingTableData,
  findClass,
  findProperty,
  keyNames,
} from "./classes";
import { WBEM, WmiError } from "./wmierror";
import { bindWql, matchesWql, parseWql } from "./wql";

/** MSFT_SIPPoolSetting. */
export interface PoolRow {
  PoolFQDN: string;
  BackEndDBPath: string;
  InstanceID?: string;
  [property: string]: CimValue | undefined;
}
/** MSFT_SIPRoutingTableData. */
export interface RouteRow {
  Backend: string;
  InstanceID: string;
  MatchURI: string;
  NextHop: string;
  NextHopPort: number;
  NextHopTransport: string;
  ReplaceHostInRequestURI: boolean;
  Enabled: boolean;
  TLSCertIssuer?: number[];
  TLSCertSN?: number[];
}
/** MSFT_SIPRemoteAddressData. */
export interface HostRow {
  Backend: string;
  InstanceID: string;
  Server: string;
  OutboundOnly: boolean;
  ThrottleAsServer: boolean;
  TreatAsAuthenticated: boolean;
}

export interface OcsState {
  pools: PoolRow[];
  routes: RouteRow[];
  hosts: HostRow[];
}

/** An instance as WMI hands it out: every property of its class, NULL where not set. */
export interface WmiInstance {
  className: string;
  props: Record<string, CimValue>;
}

/** Who calls: an OCS administrator (RTCUniversalServerAdmins) or not. */
export interface WmiCaller {
  admin: boolean;
}

/**
 * What a front end holds before anyone touches it. Rows use WMI property names (MatchURI, …) or
 * the camelCase names rcclab uses (matchUri, nextHop, port, transport, replaceHostInRequestUri,
 * enabled, server, outboundOnly, throttleAsServer, treatAsAuthenticated, backend, instanceId).
 */
export interface OcsSeed {
  /** The forest's pools (FQDN and SQL back end, default `sql-<fqdn>\rtc`). Default: [DEFAULT_POOL]. */
  pools?: { fqdn: string; backend?: string }[];
  /** Existing static routes (default: DEFAULT_SEED's gateway route); backend defaults to the first pool's. */
  routes?: Record<string, unknown>[];
  /** Existing authorized hosts (default: DEFAULT_SEED's gateway); backend defaults to the first pool's. */
  hosts?: Record<string, unknown>[];
}

export const DEFAULT_POOL = { fqdn: "pool01.lab.example.com", backend: "sql01.lab.example.com\\rtc" } as const;

/** A gateway route and its authorized host that existed before rcclab: they must survive. */
export const DEFAULT_SEED = {
  pools: [DEFAULT_POOL],
  routes: [{ matchUri: "gw01.lab.example.com", nextHop: "192.0.2.10", port: 5060, transport: "TCP", replaceHostInRequestUri: false, enabled: true }],
  hosts: [{ server: "192.0.2.10", outboundOnly: false, throttleAsServer: true, treatAsAuthenticated: true }],
} satisfies OcsSeed;

export const newInstanceId = (): string => `{${randomUUID().toUpperCase()}}`;
const GUID = /^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$/;
const eqi = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** A pool's InstanceID when the state has none: a stable GUID derived from its FQDN. */
export function poolInstanceId(fqdn: string): string {
  const h = createHash("sha1").update(`MSFT_SIPPoolSetting:${fqdn.toLowerCase()}`).digest("hex").toUpperCase();
  return `{${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-A${h.slice(17, 20)}-${h.slice(20, 32)}}`;
}

const ALIASES: Record<string, string> = {
  matchuri: "MatchURI",
  nexthop: "NextHop",
  port: "NextHopPort",
  nexthopport: "NextHopPort",
  transport: "NextHopTransport",
  nexthoptransport: "NextHopTransport",
  replacehostinrequesturi: "ReplaceHostInRequestURI",
  replacehost: "ReplaceHostInRequestURI",
  enabled: "Enabled",
  server: "Server",
  outboundonly: "OutboundOnly",
  throttleasserver: "ThrottleAsServer",
  treatasauthenticated: "TreatAsAuthenticated",
  backend: "Backend",
  instanceid: "InstanceID",
};

function seedRow(cls: CimClass, given: Record<string, unknown>, defaults: Record<string, CimValue>, backend: string): Record<string, CimValue> {
  const row: Record<string, CimValue> = { ...defaults };
  for (const [k, v] of Object.entries(given)) {
    const name = findProperty(cls, k)?.name ?? ALIASES[k.toLowerCase()];
    if (!name || !findProperty(cls, name)) throw new Error(`seed: ${cls.name} has no property ${k}`);
    if (v !== undefined) row[name] = v as CimValue;
  }
  row.Backend ??= backend;
  row.InstanceID ??= newInstanceId();
  return row;
}

/** The tables a seed describes. */
export function seedState(seed: OcsSeed = DEFAULT_SEED): OcsState {
  const pools: PoolRow[] = (seed.pools ?? [DEFAULT_POOL]).map((p) => ({ PoolFQDN: p.fqdn, BackEndDBPath: p.backend ?? `sql-${p.fqdn}\\rtc` }));
  const backend = pools[0]?.BackEndDBPath ?? "";
  const routes = (seed.routes ?? DEFAULT_SEED.routes).map((r) =>
    seedRow(MSFT_SIPRoutingTableData, r, { NextHopPort: 5060, NextHopTransport: "TCP", ReplaceHostInRequestURI: true, Enabled: true }, backend),
  ) as unknown as RouteRow[];
  const hosts = (seed.hosts ?? DEFAULT_SEED.hosts).map((h) =>
    seedRow(MSFT_SIPRemoteAddressData, h, { OutboundOnly: false, ThrottleAsServer: true, TreatAsAuthenticated: true }, backend),
  ) as unknown as HostRow[];
  return { pools, routes, hosts };
}

function loadState(file: string): OcsState | undefined {
  if (!fs.existsSync(file)) return undefined;
  const s = JSON.parse(fs.readFileSync(file, "utf8")) as OcsState;
  if (!Array.isArray(s.pools) || !Array.isArray(s.routes) || !Array.isArray(s.hosts)) throw new Error(`${file} is not an OCS simulator state file`);
  return s;
}

function saveState(file: string, state: OcsState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

/** Checks a value against a property's CIM type; throws WBEM_E_TYPE_MISMATCH. */
export function checkType(prop: CimProperty, v: CimValue): CimValue {
  if (v === null) return null;
  const bad = () => new WmiError(WBEM.TYPE_MISMATCH, `${prop.name} is ${prop.type}`);
  switch (prop.type) {
    case "string":
      if (typeof v !== "string") throw bad();
      return v;
    case "boolean":
      if (typeof v !== "boolean") throw bad();
      return v;
    case "uint32":
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 0xffffffff) throw bad();
      return v;
    case "uint8[]":
      if (!Array.isArray(v) || !v.every((x) => typeof x === "number" && Number.isInteger(x) && x >= 0 && x <= 255)) throw bad();
      return [...v];
    case "string[]":
      if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) throw bad();
      return [...v];
  }
}

export class OcsWmiStore {
  private data: OcsState;
  private readonly stateFile: string | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(opts: { stateFile?: string; seed?: OcsSeed } = {}) {
    this.stateFile = opts.stateFile;
    this.data = (opts.stateFile && loadState(opts.stateFile)) || seedState(opts.seed);
    this.persist();
  }

  /** A copy of the tables. */
  state(): OcsState {
    return structuredClone(this.data);
  }

  /** Change the tables directly (tests), then persist. */
  mutate(fn: (state: OcsState) => void): void {
    const next = structuredClone(this.data);
    fn(next);
    this.data = next;
    this.persist();
  }

  /** Called after every change. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The pools' SQL back ends. */
  backends(): string[] {
    return this.data.pools.map((p) => p.BackEndDBPath);
  }

  private persist(): void {
    if (this.stateFile) saveState(this.stateFile, this.data);
    for (const fn of this.listeners) fn();
  }

  private table(cls: CimClass): Record<string, CimValue>[] {
    if (cls === MSFT_SIPRoutingTableData) return this.data.routes as unknown as Record<string, CimValue>[];
    if (cls === MSFT_SIPRemoteAddressData) return this.data.hosts as unknown as Record<string, CimValue>[];
    return this.data.pools as unknown as Record<string, CimValue>[];
  }

  private cls(name: string): CimClass {
    const c = findClass(name);
    if (!c) throw new WmiError(WBEM.INVALID_CLASS, name);
    return c;
  }

  private instance(cls: CimClass, row: Record<string, CimValue>): WmiInstance {
    const props: Record<string, CimValue> = {};
    for (const p of cls.properties) {
      const v = row[p.name];
      props[p.name] = v === undefined ? null : Array.isArray(v) ? [...v] : v;
    }
    if (cls === MSFT_SIPPoolSetting && props.InstanceID === null) props.InstanceID = poolInstanceId(String(row.PoolFQDN ?? ""));
    return { className: cls.name, props };
  }

  private guard(caller: WmiCaller): void {
    if (!caller.admin) throw new WmiError(WBEM.ACCESS_DENIED, "not an OCS administrator");
  }

  private find(cls: CimClass, keys: Record<string, string>): Record<string, CimValue> | undefined {
    const want = keyNames(cls).map((k) => {
      const given = Object.entries(keys).find(([n]) => eqi(n, k));
      if (!given) throw new WmiError(WBEM.INVALID_PARAMETER, `the key ${k} is missing`);
      return [k, given[1]] as const;
    });
    return this.table(cls).find((row) => want.every(([k, v]) => eqi(String(this.instance(cls, row).props[k] ?? ""), v)));
  }

  /** Every instance of a class (WMI EnumerateInstances). */
  enumerate(className: string, caller: WmiCaller): WmiInstance[] {
    const cls = this.cls(className);
    this.guard(caller);
    return this.table(cls).map((row) => this.instance(cls, row));
  }

  /** A WQL data query (WMI ExecQuery). */
  query(wql: string, caller: WmiCaller): { cls: CimClass; properties: "*" | string[]; instances: WmiInstance[] } {
    const q = parseWql(wql);
    const cls = bindWql(q);
    this.guard(caller);
    const instances = this.table(cls)
      .map((row) => this.instance(cls, row))
      .filter((i) => matchesWql(cls, q.where, i.props));
    return { cls, properties: q.properties, instances };
  }

  /** One instance by its keys (WMI GetObject); WBEM_E_NOT_FOUND when there is none. */
  get(className: string, keys: Record<string, string>, caller: WmiCaller): WmiInstance {
    const cls = this.cls(className);
    this.guard(caller);
    const row = this.find(cls, keys);
    if (!row) throw new WmiError(WBEM.NOT_FOUND);
    return this.instance(cls, row);
  }

  private validate(cls: CimClass, row: Record<string, CimValue>): void {
    for (const p of cls.properties) {
      const v = checkType(p, row[p.name] ?? null);
      if (p.required && (v === null || v === "")) throw new WmiError(WBEM.INVALID_PARAMETER, `${p.name} is required`);
    }
    if (cls === MSFT_SIPRoutingTableData) {
      const port = row.NextHopPort as number;
      if (port < 1 || port > 65535) throw new WmiError(WBEM.INVALID_PARAMETER, "NextHopPort is not a port");
      if (!/^(tcp|tls)$/i.test(String(row.NextHopTransport))) throw new WmiError(WBEM.INVALID_PARAMETER, "NextHopTransport is TCP or TLS");
    }
  }

  private store(cls: CimClass, row: Record<string, CimValue>): Record<string, CimValue> {
    const clean: Record<string, CimValue> = {};
    for (const p of cls.properties) {
      const v = row[p.name];
      if (v !== null && v !== undefined) clean[p.name] = Array.isArray(v) ? [...v] : v;
    }
    return clean;
  }

  /**
   * A new instance (WMI PutInstance with WBEM_FLAG_CREATE_ONLY). `props` holds property values by
   * name (case-insensitive); Backend is required for a pool-level class; InstanceID is generated
   * unless given. WBEM_E_ALREADY_EXISTS when an instance has the same keys.
   */
  create(className: string, props: Record<string, CimValue>, caller: WmiCaller): WmiInstance {
    const cls = this.cls(className);
    this.guard(caller);
    if (cls.scope !== "pool") throw new WmiError(WBEM.NOT_SUPPORTED, `${cls.name} lives in Active Directory`);
    const row: Record<string, CimValue> = {};
    for (const [k, v] of Object.entries(props)) {
      const p = findProperty(cls, k);
      if (!p) throw new WmiError(WBEM.INVALID_PARAMETER, `${cls.name} has no property ${k}`);
      row[p.name] = checkType(p, v);
    }
    const backend = row.Backend;
    if (typeof backend !== "string" || backend === "") throw new WmiError(WBEM.INVALID_PARAMETER, "Backend is required for a pool-level class");
    if (!this.backends().some((b) => eqi(b, backend))) throw new WmiError(WBEM.INVALID_PARAMETER, `no pool has the back end ${backend}`);
    if (row.InstanceID === null || row.InstanceID === undefined) row.InstanceID = newInstanceId();
    else if (!GUID.test(String(row.InstanceID))) throw new WmiError(WBEM.INVALID_PARAMETER, "InstanceID is not a {GUID}");
    this.validate(cls, row);
    if (this.find(cls, { Backend: backend, InstanceID: String(row.InstanceID) })) throw new WmiError(WBEM.ALREADY_EXISTS);
    const stored = this.store(cls, row);
    this.table(cls).push(stored);
    this.persist();
    return this.instance(cls, stored);
  }

  /**
   * Changes an existing instance (WMI PutInstance with WBEM_FLAG_UPDATE_ONLY): the properties given
   * replace the stored ones (a NULL clears one); the keys are read-only.
   */
  update(className: string, keys: Record<string, string>, props: Record<string, CimValue>, caller: WmiCaller): WmiInstance {
    const cls = this.cls(className);
    this.guard(caller);
    if (cls.scope !== "pool") throw new WmiError(WBEM.NOT_SUPPORTED, `${cls.name} lives in Active Directory`);
    const row = this.find(cls, keys);
    if (!row) throw new WmiError(WBEM.NOT_FOUND);
    const next: Record<string, CimValue> = { ...this.instance(cls, row).props };
    for (const [k, v] of Object.entries(props)) {
      const p = findProperty(cls, k);
      if (!p) throw new WmiError(WBEM.INVALID_PARAMETER, `${cls.name} has no property ${k}`);
      const value = checkType(p, v);
      if (p.key) {
        if (value === null || !eqi(String(value), String(next[p.name]))) throw new WmiError(WBEM.INVALID_PARAMETER, `${p.name} is a key`);
        continue;
      }
      next[p.name] = value;
    }
    this.validate(cls, next);
    const stored = this.store(cls, next);
    const t = this.table(cls);
    t[t.indexOf(row)] = stored;
    this.persist();
    return this.instance(cls, stored);
  }

  /** Removes an instance (WMI DeleteInstance); WBEM_E_NOT_FOUND when there is none. */
  delete(className: string, keys: Record<string, string>, caller: WmiCaller): void {
    const cls = this.cls(className);
    this.guard(caller);
    if (cls.scope !== "pool") throw new WmiError(WBEM.NOT_SUPPORTED, `${cls.name} lives in Active Directory`);
    const row = this.find(cls, keys);
    if (!row) throw new WmiError(WBEM.NOT_FOUND);
    const t = this.table(cls);
    t.splice(t.indexOf(row), 1);
    this.persist();
  }

  /** The class definitions this store serves. */
  static classes(): readonly CimClass[] {
    return CLASSES;
  }
}
