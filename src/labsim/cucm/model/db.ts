/**
 * The simulated CUCM database: release-neutral rows keyed by pkid, with foreign keys held as
 * pkids (like CUCM's Informix tables), JSON persistence, and lookups by natural key.
 * Release-specific XML naming never reaches this file.
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { faults } from "../faults";

export type Protocol = "SCCP" | "SIP";

export interface Row {
  pkid: string;
}

/** A row referenced by name (device pool, location, partition, CSS, user group, ...). */
export interface NamedRow extends Row {
  name: string;
  description?: string;
  /** Phone templates and phone security profiles belong to one product + protocol. */
  product?: string;
  protocol?: Protocol;
  /** Seeded by a fresh CUCM (cannot be removed). */
  standard?: boolean;
}

export interface EndUserRow extends Row {
  userid: string;
  firstName?: string;
  lastName: string;
  telephoneNumber: string;
  /** Write-only over AXL (never rendered). */
  password: string;
  pin: string;
  /** Controlled devices (phones), by pkid. */
  devicePkids: string[];
  /** The primary extension (a directory number's pkid). */
  primaryLinePkid: string | null;
  groupPkids: string[];
  /** Controlled profiles (AXL phoneProfiles). */
  profilePkids: string[];
  /** 12.x ctiControlledDeviceProfiles. */
  ctiProfilePkids: string[];
  defaultProfilePkid: string | null;
  presenceGroupPkid: string | null;
  /** License capabilities: CUP (7.0 enableUPS; 12.x imAndPresenceEnable) and CUPC (7.0 enableUPC). */
  enableUps: boolean;
  enableUpc: boolean;
  homeCluster: boolean;
  settings: Record<string, string>;
}

/** An IP phone service subscription (telecastersubscribedservice) on a phone or device profile. */
export interface SubscriptionRow extends Row {
  servicePkid: string;
  name: string;
  url: string;
  urlButtonIndex: number;
  urlLabel: string;
  urlLabelAscii: string;
  serviceNameAscii: string;
  priority: number | null;
}

/** A Meet-Me number (numplan, usage Conference). Natural key: pattern + partition. */
export interface MeetMeRow extends Row {
  pattern: string;
  partitionPkid: string | null;
  description: string;
  minimumSecurityLevel: string;
}

/** An application dial rule (applicationdialrule). Natural key: name. */
export interface DialRuleRow extends Row {
  name: string;
  description: string;
  numberBeginWith: string;
  numberOfDigits: number;
  digitsToBeRemoved: number;
  prefixPattern: string;
  priority: number;
}

/** An IP phone service (telecasterservice). Natural key: name. */
export interface IpPhoneServiceRow extends Row {
  name: string;
  asciiName: string;
  description: string;
  url: string;
  secureUrl: string;
  /** XPhoneServiceCategory ("XML Service", ...). */
  category: string;
  /** XPhoneService ("Standard IP Phone Service", "Directories", "Messages"). */
  serviceType: string;
  vendor: string;
  version: string;
  enabled: boolean;
  enterpriseSubscription: boolean;
  priority: number;
}

/** What the platform (Serviceability, CLI) knows of one service on this node. */
export interface PlatformServiceRow {
  name: string;
  /** Feature services can be deactivated; network services are always activated. */
  activated: boolean;
  running: boolean;
  /** When it last started (ISO). */
  startedAt?: string;
}

export interface LineRow extends Row {
  pattern: string;
  partitionPkid: string | null;
  description: string;
  usage: string;
  alertingName: string;
  asciiAlertingName: string;
  /** Other simple elements the request carried, by element name, rendered back on get. */
  settings: Record<string, string>;
}

export interface PhoneLineRow {
  index: number;
  linePkid: string;
  label: string;
  display: string;
  displayAscii: string;
  e164Mask: string;
  maxNumCalls: number;
  busyTrigger: number;
  settings: Record<string, string>;
}

interface DeviceBase extends Row {
  name: string;
  description: string;
  devicePoolPkid: string;
  locationPkid: string;
  cssPkid: string | null;
  securityProfilePkid: string;
  sipProfilePkid: string | null;
  presenceGroupPkid: string | null;
  settings: Record<string, string>;
}

export interface PhoneRow extends DeviceBase {
  cls: "Phone";
  product: string;
  protocol: Protocol;
  phoneTemplatePkid: string;
  commonPhoneConfigPkid: string;
  ownerPkid: string | null;
  enableExtensionMobility: boolean;
  /** XOutboundCallRollover (absent in older state files: CUCM's default, No Rollover). */
  outboundCallRollover?: string;
  lines: PhoneLineRow[];
  services: SubscriptionRow[];
}

/** An Extension Mobility device profile (device row of class Device Profile). */
export interface ProfileRow extends Row {
  cls: "Device Profile";
  name: string;
  description: string;
  product: string;
  protocol: Protocol;
  phoneTemplatePkid: string;
  lines: PhoneLineRow[];
  services: SubscriptionRow[];
  settings: Record<string, string>;
}

export interface TrunkDestination {
  address: string;
  port: number;
  sortOrder: number;
}

export interface TrunkRow extends DeviceBase {
  cls: "Trunk";
  destinations: TrunkDestination[];
}

export type DeviceRow = PhoneRow | TrunkRow | ProfileRow;
/** Devices that carry lines and service subscriptions. */
export type LineDeviceRow = PhoneRow | ProfileRow;

export interface AppUserRow extends Row {
  userid: string;
  password: string;
  presenceGroupPkid: string | null;
  devicePkids: string[];
  groupPkids: string[];
  settings: Record<string, string>;
}

/** Reference tables, by the label CUCM uses in its messages. */
export const REF_TABLES = {
  devicePools: "Device Pool",
  locations: "Location",
  sipProfiles: "SIP Profile",
  commonPhoneConfigs: "Common Phone Profile",
  presenceGroups: "Presence Group",
  callingSearchSpaces: "Calling Search Space",
  routePartitions: "Route Partition",
  userGroups: "User Group",
  phoneTemplates: "Phone Template",
  phoneSecurityProfiles: "Security Profile",
  trunkSecurityProfiles: "SIP Trunk Security Profile",
} as const;
export type RefTable = keyof typeof REF_TABLES;

export interface DbData {
  refs: Record<RefTable, NamedRow[]>;
  endUsers: EndUserRow[];
  lines: LineRow[];
  devices: DeviceRow[];
  appUsers: AppUserRow[];
  meetMes?: MeetMeRow[];
  dialRules?: DialRuleRow[];
  ipPhoneServices?: IpPhoneServiceRow[];
  /** Serviceability state (service activation), kept with the database so it persists. */
  platformServices?: PlatformServiceRow[];
}

export const newPkid = (): string => randomUUID();

/** An end user row with every field (older state files and seeds carry only the names). */
export function normalizeEndUser(r: Partial<EndUserRow> & Pick<EndUserRow, "pkid" | "userid" | "lastName">): EndUserRow {
  return {
    ...r,
    telephoneNumber: r.telephoneNumber ?? "",
    password: r.password ?? "",
    pin: r.pin ?? "",
    devicePkids: r.devicePkids ?? [],
    primaryLinePkid: r.primaryLinePkid ?? null,
    groupPkids: r.groupPkids ?? [],
    profilePkids: r.profilePkids ?? [],
    ctiProfilePkids: r.ctiProfilePkids ?? [],
    defaultProfilePkid: r.defaultProfilePkid ?? null,
    presenceGroupPkid: r.presenceGroupPkid ?? null,
    enableUps: r.enableUps ?? false,
    enableUpc: r.enableUpc ?? false,
    homeCluster: r.homeCluster ?? true,
    settings: r.settings ?? {},
  };
}

/** CUCM's AXL form of a pkid: uppercase in braces. */
export function axlUuid(pkid: string): string {
  return `{${pkid.toUpperCase()}}`;
}
/** Accepts "{ABC-...}" or "abc-..." and returns the pkid form. */
export function pkidOf(uuid: string): string {
  return uuid.trim().replace(/^\{|\}$/g, "").toLowerCase();
}

/** A frozen row's JSON text (indent 1) at a depth of the state file, kept while the row lives. */
const ROW_BYTES = new Map<number, WeakMap<object, Buffer>>();
/** A row as an element of the state file at this depth: its indentation and JSON text (indent 1), UTF-8. */
function rowBytes(row: object, depth: number): Buffer {
  const encode = (): Buffer => {
    const pad = " ".repeat(depth);
    return Buffer.from(pad + JSON.stringify(row, null, 1).replaceAll("\n", `\n${pad}`));
  };
  if (!Object.isFrozen(row)) return encode();
  let cache = ROW_BYTES.get(depth);
  if (!cache) ROW_BYTES.set(depth, (cache = new WeakMap()));
  let bytes = cache.get(row);
  if (bytes === undefined) {
    bytes = encode();
    cache.set(row, bytes);
  }
  return bytes;
}

/** Freezes a row and everything in it (what is frozen already is taken as deeply frozen). */
function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
  return value;
}

/**
 * The database's undo log: while a transaction is open, every change to a table records how to undo
 * it; a failed transaction replays the log backwards. Why an undo log: a failed AXL write must
 * leave the database exactly as it was, and copying the whole database before every write to get
 * that (structuredClone) took 32 of 44 CPU seconds of an 8-wide 1,000-user run (issue 13 §4); the
 * log costs what the write changes.
 */
class Journal {
  private undo: Array<() => void> | undefined;
  /** Tables a deleted row came back to (last: a Map appends), to be put back in order after the undo. */
  private readonly unordered = new Set<Table<unknown>>();
  private clock = 0;

  /** A new stamp (the database's change clock). */
  tick(): number {
    return ++this.clock;
  }

  record(undo: () => void): void {
    this.undo?.push(undo);
  }

  reorderAfterUndo(table: Table<unknown>): void {
    if (this.undo) this.unordered.add(table);
  }

  /** Runs fn all or nothing (a transaction inside another is part of the outer one). */
  run<T>(fn: () => T): T {
    if (this.undo) return fn();
    const undo: Array<() => void> = [];
    this.undo = undo;
    try {
      return fn();
    } catch (e) {
      for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
      for (const t of this.unordered) t.restoreOrder();
      throw e;
    } finally {
      this.undo = undefined;
      this.unordered.clear();
    }
  }
}

/**
 * A key of a table's rows for an index: one key, several (a row that refers to several others is
 * found by each), or none (undefined: the row is not in it). One function, one index.
 */
export type IndexKey<R> = (row: R) => string | readonly string[] | undefined;

/**
 * One table: rows by pkid. Rows are frozen once stored — a row is changed by storing a changed copy
 * (`set`), never in place — so every change goes through set / delete and the journal sees it (a
 * change made in place would throw, not escape a rollback).
 */
export class Table<R> extends Map<string, R> {
  /**
   * Stamped at every change (set, delete, undo) from the database's clock, so never the same for
   * two states, also across load(): a cheap "has this table changed" for readers that poll (CUP's
   * Sync Agent reads CUCM's end users).
   */
  version: number;
  /** Each row's place in the table's order (a Map's insertion order), to put a deleted row back in it. */
  private readonly places = new Map<string, number>();
  private nextPlace = 0;
  /**
   * Indexes by a key of the row (built at first use, then kept in step with every change, undo
   * included): a lookup by natural key costs the same whatever the table holds (issue 13 §4).
   */
  private readonly indexes = new Map<IndexKey<R>, Map<string, Set<string>>>();

  constructor(
    private readonly journal: Journal,
    rows: Iterable<R & Row> = [],
  ) {
    super();
    this.version = journal.tick();
    for (const r of rows) {
      this.places.set(r.pkid, this.nextPlace++);
      super.set(r.pkid, deepFreeze(r));
    }
  }

  override set(pkid: string, row: R): this {
    this.remember(pkid);
    this.version = this.journal.tick();
    if (!super.has(pkid)) this.places.set(pkid, this.nextPlace++);
    return this.store(pkid, deepFreeze(row));
  }

  override delete(pkid: string): boolean {
    if (!super.has(pkid)) return false;
    this.remember(pkid);
    this.version = this.journal.tick();
    this.places.delete(pkid);
    return this.unstore(pkid);
  }

  /** The rows whose key is `key`, in the table's order. */
  find(index: IndexKey<R>, key: string): R[] {
    let map = this.indexes.get(index);
    if (!map) {
      map = new Map();
      this.indexes.set(index, map);
      for (const [pkid, row] of super.entries()) this.indexRow(map, index, pkid, row, true);
    }
    const pkids = map.get(key);
    if (!pkids?.size) return [];
    const found = [...pkids];
    if (found.length > 1) found.sort((a, b) => this.places.get(a)! - this.places.get(b)!);
    return found.map((p) => super.get(p)!);
  }

  /** The first row (in the table's order) whose key is `key`. */
  findFirst(index: IndexKey<R>, key: string): R | undefined {
    return this.find(index, key)[0];
  }

  private indexRow(map: Map<string, Set<string>>, index: IndexKey<R>, pkid: string, row: R, add: boolean): void {
    const keys = index(row);
    if (keys === undefined) return;
    for (const key of typeof keys === "string" ? [keys] : keys) {
      let pkids = map.get(key);
      if (add) {
        if (!pkids) map.set(key, (pkids = new Set()));
        pkids.add(pkid);
      } else if (pkids) {
        pkids.delete(pkid);
        if (!pkids.size) map.delete(key);
      }
    }
  }

  /** Stores a row and keeps the indexes in step. */
  private store(pkid: string, row: R): this {
    const before = super.get(pkid);
    for (const [index, map] of this.indexes) {
      if (before !== undefined) this.indexRow(map, index, pkid, before, false);
      this.indexRow(map, index, pkid, row, true);
    }
    return super.set(pkid, row);
  }

  /** Removes a row and keeps the indexes in step. */
  private unstore(pkid: string): boolean {
    const before = super.get(pkid);
    if (before !== undefined) for (const [index, map] of this.indexes) this.indexRow(map, index, pkid, before, false);
    return super.delete(pkid);
  }

  override clear(): void {
    for (const pkid of [...super.keys()]) this.delete(pkid);
  }

  /** Records how to put this pkid's row back as it is now (in its place). */
  private remember(pkid: string): void {
    const had = super.has(pkid);
    const before = super.get(pkid);
    const place = this.places.get(pkid);
    this.journal.record(() => {
      this.version = this.journal.tick();
      if (!had) {
        this.places.delete(pkid);
        this.unstore(pkid);
        return;
      }
      if (!super.has(pkid)) {
        this.places.set(pkid, place!);
        this.journal.reorderAfterUndo(this as Table<unknown>);
      }
      this.store(pkid, before as R);
    });
  }

  /** Puts the rows back in their places (after an undo brought deleted rows back). */
  restoreOrder(): void {
    const rows = [...super.entries()].sort(([a], [b]) => this.places.get(a)! - this.places.get(b)!);
    super.clear();
    for (const [pkid, row] of rows) super.set(pkid, row);
  }
}

// Indexes (Table.find) behind the natural-key lookups; one function per index, so defined once here.
/** Exact name (reference rows, IP phone services; SQL's `name = '...'`). */
export const BY_NAME: IndexKey<{ name: string }> = (r) => r.name;
/** Device names compare without case. */
export const BY_NAME_UPPER: IndexKey<{ name: string }> = (r) => r.name.toUpperCase();
/** User ids compare without case. */
export const BY_USERID_LOWER: IndexKey<{ userid: string }> = (r) => r.userid.toLowerCase();
/** Exact user id (SQL's `userid = '...'`). */
export const BY_USERID: IndexKey<{ userid: string }> = (r) => r.userid;
const patternKey = (pattern: string, partitionPkid: string | null): string => JSON.stringify([pattern, partitionPkid]);
/** A numplan row's pattern and partition. */
export const BY_PATTERN: IndexKey<{ pattern: string; partitionPkid: string | null }> = (r) => patternKey(r.pattern, r.partitionPkid);

/** The devices an end user refers to (controlled devices and profiles, CTI profiles, default profile). */
export const BY_USER_DEVICE: IndexKey<EndUserRow> = (u) => [
  ...u.devicePkids,
  ...u.profilePkids,
  ...u.ctiProfilePkids,
  ...(u.defaultProfilePkid === null ? [] : [u.defaultProfilePkid]),
];
/** An application user's controlled devices. */
export const BY_APP_USER_DEVICE: IndexKey<AppUserRow> = (u) => u.devicePkids;
/** An end user's primary extension. */
export const BY_PRIMARY_LINE: IndexKey<EndUserRow> = (u) => u.primaryLinePkid ?? undefined;
/** The lines (numplan pkids) a phone or device profile has appearances of. */
export const BY_LINE: IndexKey<DeviceRow> = (d) => ("lines" in d ? d.lines.map((l) => l.linePkid) : undefined);
/** A phone's owner. */
export const BY_OWNER: IndexKey<DeviceRow> = (d) => (d.cls === "Phone" ? (d.ownerPkid ?? undefined) : undefined);

export class CucmDb {
  private readonly journal = new Journal();
  refs!: Record<RefTable, Table<NamedRow>>;
  endUsers!: Table<EndUserRow>;
  lines!: Table<LineRow>;
  devices!: Table<DeviceRow>;
  appUsers!: Table<AppUserRow>;
  meetMes!: Table<MeetMeRow>;
  dialRules!: Table<DialRuleRow>;
  ipPhoneServices!: Table<IpPhoneServiceRow>;
  platformServices: PlatformServiceRow[] = [];

  constructor(data?: DbData) {
    this.load(data ?? { refs: {} as DbData["refs"], endUsers: [], lines: [], devices: [], appUsers: [] });
  }

  /**
   * Runs fn as one transaction: when it throws, every table is as it was before (an AXL write is
   * all or nothing). Undone: the rows set and deleted, and load(); not platformServices.
   */
  transaction<T>(fn: () => T): T {
    return this.journal.run(fn);
  }

  // --- reference rows ------------------------------------------------------------------------

  addRef(table: RefTable, row: Omit<NamedRow, "pkid"> & { pkid?: string }): NamedRow {
    if (this.findRef(table, row.name)) throw faults.duplicate();
    const full: NamedRow = { ...row, pkid: row.pkid ?? newPkid() };
    this.refs[table].set(full.pkid, full);
    return full;
  }

  findRef(table: RefTable, name: string): NamedRow | undefined {
    return this.refs[table].findFirst(BY_NAME, name);
  }

  /** Resolves a required reference by name; unknown → 5007 naming the item. */
  ref(table: RefTable, name: string): NamedRow {
    const r = this.findRef(table, name);
    if (!r) throw faults.missingReference(REF_TABLES[table], name);
    return r;
  }

  /** Optional reference: undefined stays undefined (unchanged), null/"" → null (cleared). */
  optRef(table: RefTable, name: string | null | undefined): string | null | undefined {
    if (name === undefined) return undefined;
    if (name === null || name === "") return null;
    return this.ref(table, name).pkid;
  }

  /** A required reference being changed: undefined → unchanged; null/"" is not allowed. */
  changeRef(table: RefTable, name: string | null | undefined): string | undefined {
    if (name === undefined) return undefined;
    if (name === null || name === "") throw faults.invalid(`${REF_TABLES[table]} is required`);
    return this.ref(table, name).pkid;
  }

  refName(table: RefTable, pkid: string | null | undefined): string | undefined {
    return pkid ? this.refs[table].get(pkid)?.name : undefined;
  }

  // --- natural-key lookups -------------------------------------------------------------------

  deviceByName(name: string): DeviceRow | undefined {
    return this.devices.findFirst(BY_NAME_UPPER, name.toUpperCase());
  }

  lineByKey(pattern: string, partitionPkid: string | null): LineRow | undefined {
    return this.lines.findFirst(BY_PATTERN, patternKey(pattern, partitionPkid));
  }

  appUserById(userid: string): AppUserRow | undefined {
    return this.appUsers.findFirst(BY_USERID_LOWER, userid.toLowerCase());
  }

  endUserById(userid: string): EndUserRow | undefined {
    return this.endUsers.findFirst(BY_USERID_LOWER, userid.toLowerCase());
  }

  /** Any numplan row (directory number or Meet-Me number) with this pattern and partition. */
  numplanByKey(pattern: string, partitionPkid: string | null): LineRow | MeetMeRow | undefined {
    return this.meetMes.findFirst(BY_PATTERN, patternKey(pattern, partitionPkid)) ?? this.lineByKey(pattern, partitionPkid);
  }

  ipPhoneServiceByName(name: string): IpPhoneServiceRow | undefined {
    return this.ipPhoneServices.findFirst(BY_NAME, name);
  }

  profiles(): ProfileRow[] {
    return [...this.devices.values()].filter((d): d is ProfileRow => d.cls === "Device Profile");
  }

  /** Phones and device profiles (the devices with line appearances and service subscriptions). */
  lineDevices(): LineDeviceRow[] {
    return [...this.devices.values()].filter((d): d is LineDeviceRow => d.cls === "Phone" || d.cls === "Device Profile");
  }

  phones(): PhoneRow[] {
    return [...this.devices.values()].filter((d): d is PhoneRow => d.cls === "Phone");
  }

  trunks(): TrunkRow[] {
    return [...this.devices.values()].filter((d): d is TrunkRow => d.cls === "Trunk");
  }

  // --- persistence ---------------------------------------------------------------------------

  toJSON(): DbData {
    const refs = Object.fromEntries(
      Object.entries(this.refs).map(([k, m]) => [k, [...m.values()]]),
    ) as DbData["refs"];
    return {
      refs,
      endUsers: [...this.endUsers.values()],
      lines: [...this.lines.values()],
      devices: [...this.devices.values()],
      appUsers: [...this.appUsers.values()],
      meetMes: [...this.meetMes.values()],
      dialRules: [...this.dialRules.values()],
      ipPhoneServices: [...this.ipPhoneServices.values()],
      platformServices: this.platformServices.map((p) => ({ ...p })),
    };
  }

  /** Replaces the whole database with `data` (its rows are frozen and then shared, not copied). */
  load(data: DbData): void {
    const j = this.journal;
    const tables = { refs: this.refs, endUsers: this.endUsers, lines: this.lines, devices: this.devices, appUsers: this.appUsers };
    const more = { meetMes: this.meetMes, dialRules: this.dialRules, ipPhoneServices: this.ipPhoneServices, platformServices: this.platformServices };
    j.record(() => Object.assign(this, tables, more));
    this.refs = Object.fromEntries(
      (Object.keys(REF_TABLES) as RefTable[]).map((k) => [k, new Table(j, data.refs?.[k] ?? [])]),
    ) as CucmDb["refs"];
    this.endUsers = new Table(j, (data.endUsers ?? []).map(normalizeEndUser));
    this.lines = new Table(j, data.lines ?? []);
    this.devices = new Table<DeviceRow>(
      j,
      (data.devices ?? []).map((r) => (r.cls === "Trunk" ? r : { ...r, services: (r as PhoneRow).services ?? [] })),
    );
    this.appUsers = new Table(j, data.appUsers ?? []);
    this.meetMes = new Table(j, data.meetMes ?? []);
    this.dialRules = new Table(j, data.dialRules ?? []);
    this.ipPhoneServices = new Table(j, data.ipPhoneServices ?? []);
    this.platformServices = (data.platformServices ?? []).map((p) => ({ ...p }));
  }

  /** Writes the database atomically (temp file + rename). */
  save(file: string, meta: Record<string, unknown> = {}): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, this.serializeBytes(meta));
    fs.renameSync(tmp, file);
  }

  /** The state file's text (see serializeBytes). */
  serialize(meta: Record<string, unknown> = {}): string {
    return this.serializeBytes(meta).toString("utf8");
  }

  /**
   * The state file's bytes: JSON.stringify({ format, ...meta, db: toJSON() }, null, 1), byte for
   * byte, but each stored row's bytes are kept from the last save (rows are frozen, so they change
   * only with the row): a save after one write encodes that write's rows and copies the others (at
   * 300 users, encoding the whole database at every write was a third of the simulators' CPU, issue 13 §4).
   */
  serializeBytes(meta: Record<string, unknown> = {}): Buffer {
    const { refs, platformServices, ...tables } = this.toJSON();
    const out: Buffer[] = [];
    const put = (text: string): void => void out.push(Buffer.from(text));
    const pad = (depth: number): string => " ".repeat(depth);
    const SEP = Buffer.from(",\n");
    const rows = (list: readonly object[], depth: number) => (): void => {
      if (!list.length) return put("[]");
      put("[\n");
      list.forEach((r, i) => {
        if (i) out.push(SEP);
        out.push(rowBytes(r, depth + 1));
      });
      put(`\n${pad(depth)}]`);
    };
    const object = (entries: Array<[string, () => void]>, depth: number) => (): void => {
      if (!entries.length) return put("{}");
      put("{\n");
      entries.forEach(([k, emit], i) => {
        put(`${i ? ",\n" : ""}${pad(depth + 1)}${JSON.stringify(k)}: `);
        emit();
      });
      put(`\n${pad(depth)}}`);
    };
    const PLACE = "\u0000db\u0000";
    const top = JSON.stringify({ format: "rcclab-cucm-sim/1", ...meta, db: PLACE }, null, 1);
    const at = top.lastIndexOf(JSON.stringify(PLACE)); // db is the last member
    put(top.slice(0, at));
    object(
      [
        ["refs", object(Object.entries(refs).map(([k, list]) => [k, rows(list, 3)]), 2)],
        ...Object.entries(tables).map(([k, list]): [string, () => void] => [k, rows(list as object[], 2)]),
        ["platformServices", () => put(JSON.stringify(platformServices, null, 1).replaceAll("\n", `\n${pad(2)}`))],
      ],
      1,
    )();
    put(top.slice(at + JSON.stringify(PLACE).length));
    return Buffer.concat(out);
  }

  static loadFile(file: string): { db: CucmDb; meta: Record<string, unknown> } | undefined {
    if (!fs.existsSync(file)) return undefined;
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as { db: DbData } & Record<string, unknown>;
    const { db, ...meta } = parsed;
    return { db: new CucmDb(db), meta };
  }
}
