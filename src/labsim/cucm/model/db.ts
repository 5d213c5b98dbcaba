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
  lines: PhoneLineRow[];
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

export type DeviceRow = PhoneRow | TrunkRow;

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
}

export const newPkid = (): string => randomUUID();

/** CUCM's AXL form of a pkid: uppercase in braces. */
export function axlUuid(pkid: string): string {
  return `{${pkid.toUpperCase()}}`;
}
/** Accepts "{ABC-...}" or "abc-..." and returns the pkid form. */
export function pkidOf(uuid: string): string {
  return uuid.trim().replace(/^\{|\}$/g, "").toLowerCase();
}

export class CucmDb {
  refs: Record<RefTable, Map<string, NamedRow>>;
  endUsers = new Map<string, EndUserRow>();
  lines = new Map<string, LineRow>();
  devices = new Map<string, DeviceRow>();
  appUsers = new Map<string, AppUserRow>();

  constructor(data?: DbData) {
    this.refs = Object.fromEntries(Object.keys(REF_TABLES).map((k) => [k, new Map()])) as CucmDb["refs"];
    if (data) this.load(data);
  }

  // --- reference rows ------------------------------------------------------------------------

  addRef(table: RefTable, row: Omit<NamedRow, "pkid"> & { pkid?: string }): NamedRow {
    if (this.findRef(table, row.name)) throw faults.duplicate();
    const full: NamedRow = { ...row, pkid: row.pkid ?? newPkid() };
    this.refs[table].set(full.pkid, full);
    return full;
  }

  findRef(table: RefTable, name: string): NamedRow | undefined {
    for (const r of this.refs[table].values()) if (r.name === name) return r;
    return undefined;
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
    const wanted = name.toUpperCase();
    for (const d of this.devices.values()) if (d.name.toUpperCase() === wanted) return d;
    return undefined;
  }

  lineByKey(pattern: string, partitionPkid: string | null): LineRow | undefined {
    for (const l of this.lines.values()) if (l.pattern === pattern && l.partitionPkid === partitionPkid) return l;
    return undefined;
  }

  appUserById(userid: string): AppUserRow | undefined {
    for (const u of this.appUsers.values()) if (u.userid.toLowerCase() === userid.toLowerCase()) return u;
    return undefined;
  }

  endUserById(userid: string): EndUserRow | undefined {
    for (const u of this.endUsers.values()) if (u.userid.toLowerCase() === userid.toLowerCase()) return u;
    return undefined;
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
    };
  }

  load(data: DbData): void {
    for (const k of Object.keys(REF_TABLES) as RefTable[]) {
      this.refs[k] = new Map((data.refs?.[k] ?? []).map((r) => [r.pkid, r]));
    }
    this.endUsers = new Map((data.endUsers ?? []).map((r) => [r.pkid, r]));
    this.lines = new Map((data.lines ?? []).map((r) => [r.pkid, r]));
    this.devices = new Map((data.devices ?? []).map((r) => [r.pkid, r]));
    this.appUsers = new Map((data.appUsers ?? []).map((r) => [r.pkid, r]));
  }

  /** Writes the database atomically (temp file + rename). */
  save(file: string, meta: Record<string, unknown> = {}): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ format: "rcclab-cucm-sim/1", ...meta, db: this.toJSON() }, null, 1));
    fs.renameSync(tmp, file);
  }

  static loadFile(file: string): { db: CucmDb; meta: Record<string, unknown> } | undefined {
    if (!fs.existsSync(file)) return undefined;
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as { db: DbData } & Record<string, unknown>;
    const { db, ...meta } = parsed;
    return { db: new CucmDb(db), meta };
  }
}
