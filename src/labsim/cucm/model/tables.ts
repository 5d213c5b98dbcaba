/**
 * CUCM data-dictionary views over the model, for executeSQLQuery / executeSQLUpdate. Table and
 * column names are CUCM's (Informix, lowercase); pkids are lowercase without braces. A column with
 * a setter can be changed by UPDATE; a view with `insert` / `remove` takes INSERT / DELETE (with the
 * database's own constraints only: NOT NULL, UNIQUE, foreign keys, types; CUCM Administration's
 * business rules do not run on SQL writes). Everything else is read-only in the simulator, and says so.
 */
import type { SimFamily } from "../releases";
import { faults } from "../faults";
import {
  CLASS_TK,
  PATTERN_USAGE_TK,
  PHONE_SERVICE_CATEGORY_TK,
  PHONE_SERVICE_TK,
  PRODUCTS,
  PROTOCOL_TK,
  SIP_TRUNK_TK,
  stablePkid,
} from "./catalog";
import {
  type AppUserRow,
  BY_NAME,
  BY_USERID,
  type CucmDb,
  type DeviceRow,
  type DialRuleRow,
  type EndUserRow,
  type IpPhoneServiceRow,
  type LineDeviceRow,
  type LineRow,
  type MeetMeRow,
  type NamedRow,
  type PhoneLineRow,
  type RefTable,
  type Row,
  type SubscriptionRow,
  type Table,
  newPkid,
} from "./db";
import { checkDialRuleName, nextDialRulePriority } from "./dialrules";
import { SUBSCRIBED_SERVICE_FK, checkServiceName, checkServiceUnused } from "./ipphoneservices";

import type { ColType, SqlRow, SqlValue } from "../../sql/engine";

export type { ColType, SqlRow, SqlValue };

export interface Setter<T> {
  (target: T, value: SqlValue, db: CucmDb): void;
}

export interface TableView<T = unknown> {
  columns: string[];
  /** Columns only 12.x's database has. */
  columns12?: string[];
  /** Rows paired with the model object they come from (for updates and deletes). */
  rows(db: CucmDb, family: SimFamily): Array<{ row: SqlRow; target: T }>;
  /** Types of the writable columns (default text). */
  types?: Partial<Record<string, ColType>>;
  setters?: Partial<Record<string, Setter<T>>>;
  /**
   * How a setter's change is stored (needed with setters): stored rows are frozen (see Table in
   * ./db.ts), so the setter runs on a draft — the target within a copy of the stored row that holds
   * it, read afresh so that several setters on one row add up — and the copy is stored.
   */
  edit?(db: CucmDb, target: T, change: (draft: T) => void): void;
  /** INSERT: the values given, by column, already converted (null = SQL NULL). */
  insert?(db: CucmDb, values: Map<string, SqlValue>): void;
  /** DELETE of one row. */
  remove?(db: CucmDb, target: T): void;
  /**
   * Index lookups by column (see SqlTable.lookup in ../../sql/engine.ts): the rows rows() gives
   * whose column holds exactly `key`, in the same order, without building the others.
   */
  lookup?: Partial<Record<string, (db: CucmDb, key: string) => Array<{ row: SqlRow; target: T }>>>;
}

/** A row found by pkid, as a list. */
const one = <T>(row: T | undefined): T[] => (row === undefined ? [] : [row]);

export function columnsOf(view: TableView<any>, family: SimFamily): string[] {
  return family === "12" ? [...view.columns, ...(view.columns12 ?? [])] : view.columns;
}

/** Stores a changed copy of a row (read afresh by pkid; the copy is deep, so nested lists may be edited). */
function editRow<R extends Row>(table: Table<R>, pkid: string, change: (draft: R) => void): void {
  const draft = structuredClone(table.get(pkid));
  if (draft === undefined) return;
  change(draft);
  table.set(pkid, draft);
}

const bool = (b: boolean): string => (b ? "t" : "f");
const str = (v: string | number | null | undefined): SqlValue => (v === null || v === undefined ? null : String(v));
const toInt = (v: SqlValue): number => {
  const n = Number(v);
  if (v === null || !Number.isInteger(n)) throw faults.sqlNumeric();
  return n;
};
const isTrue = (v: SqlValue): boolean => v === "t";
const text = (v: SqlValue): string => v ?? "";

/** A NOT NULL column's value. */
function required(table: string, column: string, values: Map<string, SqlValue>): string {
  const v = values.get(column);
  if (v === undefined || v === null) throw faults.sqlNotNull(table, column);
  return v;
}

function namedView(table: RefTable, extra: (r: NamedRow) => SqlRow = () => ({}), extraCols: string[] = []): TableView<NamedRow> {
  return {
    columns: ["pkid", "name", "description", ...extraCols],
    rows: (db) => [...db.refs[table].values()].map(toRow),
    lookup: {
      pkid: (db, key) => one(db.refs[table].get(key)).map(toRow),
      name: (db, key) => db.refs[table].find(BY_NAME, key).map(toRow),
    },
  };
  function toRow(r: NamedRow): { row: SqlRow; target: NamedRow } {
    return { row: { pkid: r.pkid, name: r.name, description: r.description ?? "", ...extra(r) }, target: r };
  }
}

const modelTk = (product: string | undefined): SqlValue => str(product ? PRODUCTS[product]?.tk : undefined);
const protoTk = (p: "SCCP" | "SIP" | undefined): SqlValue => str(p ? PROTOCOL_TK[p] : undefined);

// --- devices ----------------------------------------------------------------------------------

function deviceRow(d: DeviceRow): { row: SqlRow; target: DeviceRow } {
  const phone = d.cls === "Phone" ? d : undefined;
  const profile = d.cls === "Device Profile" ? d : undefined;
  const trunk = d.cls === "Trunk" ? d : undefined;
  const tk = trunk ? String(SIP_TRUNK_TK) : modelTk((phone ?? profile)!.product);
  return {
    target: d,
    row: {
      pkid: d.pkid,
      name: d.name,
      description: d.description,
      tkmodel: tk,
      tkproduct: tk,
      tkclass: String(CLASS_TK[d.cls]),
      tkdeviceprotocol: trunk ? protoTk("SIP") : protoTk((phone ?? profile)!.protocol),
      fkdevicepool: profile ? null : (phone ?? trunk)!.devicePoolPkid,
      fklocation: profile ? null : (phone ?? trunk)!.locationPkid,
      fkcallingsearchspace: profile ? null : (phone ?? trunk)!.cssPkid,
      fkphonetemplate: (phone ?? profile)?.phoneTemplatePkid ?? null,
      fksecurityprofile: profile ? null : (phone ?? trunk)!.securityProfilePkid,
      fksipprofile: profile ? null : (phone ?? trunk)!.sipProfilePkid,
      fkcommonphoneconfig: phone?.commonPhoneConfigPkid ?? null,
      fkenduser: phone?.ownerPkid ?? null,
      allowhoteling: bool(phone?.enableExtensionMobility ?? false),
    },
  };
}

const DEVICE: TableView<DeviceRow> = {
  columns: [
    "pkid", "name", "description", "tkmodel", "tkproduct", "tkclass", "tkdeviceprotocol", "fkdevicepool",
    "fklocation", "fkcallingsearchspace", "fkphonetemplate", "fksecurityprofile", "fksipprofile",
    "fkcommonphoneconfig", "fkenduser", "allowhoteling",
  ],
  rows: (db) => [...db.devices.values()].map(deviceRow),
  lookup: {
    pkid: (db, key) => one(db.devices.get(key)).map(deviceRow),
    name: (db, key) => db.devices.find(BY_NAME, key).map(deviceRow),
  },
  types: { allowhoteling: "bool" },
  edit: (db, d, change) => editRow(db.devices, d.pkid, change),
  setters: {
    description: (d, v) => {
      d.description = text(v);
    },
    allowhoteling: (d, v) => {
      if (d.cls === "Phone") d.enableExtensionMobility = isTrue(v);
    },
  },
};

interface LineAppearance {
  device: LineDeviceRow;
  line: PhoneLineRow;
}

const DEVICE_NUMPLAN_MAP: TableView<LineAppearance> = {
  columns: ["pkid", "fkdevice", "fknumplan", "numplanindex", "label", "display", "displayascii", "e164mask", "maxnumcalls", "busytrigger"],
  rows: (db) =>
    db.lineDevices().flatMap((p: LineDeviceRow) =>
      p.lines.map((l) => ({
        target: { device: p, line: l },
        row: {
          pkid: stablePkid(`devicenumplanmap:${p.pkid}:${l.index}`),
          fkdevice: p.pkid,
          fknumplan: l.linePkid,
          numplanindex: String(l.index),
          label: l.label,
          display: l.display,
          displayascii: l.displayAscii,
          e164mask: l.e164Mask,
          maxnumcalls: String(l.maxNumCalls),
          busytrigger: String(l.busyTrigger),
        },
      })),
    ),
  types: { maxnumcalls: "int", busytrigger: "int" },
  edit: (db, t, change) =>
    editRow(db.devices, t.device.pkid, (d) => {
      const device = d as LineDeviceRow;
      change({ device, line: device.lines.find((l) => l.index === t.line.index)! });
    }),
  setters: {
    label: ({ line }, v) => void (line.label = text(v)),
    display: ({ line }, v) => void (line.display = text(v)),
    displayascii: ({ line }, v) => void (line.displayAscii = text(v)),
    e164mask: ({ line }, v) => void (line.e164Mask = text(v)),
    maxnumcalls: ({ line }, v) => void (line.maxNumCalls = toInt(v)),
    busytrigger: ({ line }, v) => void (line.busyTrigger = toInt(v)),
  },
};

// --- numbering plan -----------------------------------------------------------------------------

const NUMPLAN: TableView<LineRow | MeetMeRow> = {
  columns: ["pkid", "dnorpattern", "description", "fkroutepartition", "tkpatternusage", "alertingname", "alertingnameascii"],
  rows: (db) => [
    ...[...db.lines.values()].map((l) => ({
      target: l as LineRow | MeetMeRow,
      row: {
        pkid: l.pkid,
        dnorpattern: l.pattern,
        description: l.description,
        fkroutepartition: l.partitionPkid,
        tkpatternusage: String(PATTERN_USAGE_TK.Device),
        alertingname: l.alertingName,
        alertingnameascii: l.asciiAlertingName,
      },
    })),
    ...[...db.meetMes.values()].map((m) => ({
      target: m as LineRow | MeetMeRow,
      row: {
        pkid: m.pkid,
        dnorpattern: m.pattern,
        description: m.description,
        fkroutepartition: m.partitionPkid,
        tkpatternusage: String(PATTERN_USAGE_TK.Conference),
        alertingname: "",
        alertingnameascii: "",
      },
    })),
  ],
  edit: (db, l, change) => (db.lines.has(l.pkid) ? editRow(db.lines, l.pkid, change) : editRow(db.meetMes, l.pkid, change)),
  setters: {
    description: (l, v) => void (l.description = text(v)),
    alertingname: (l, v) => void ("alertingName" in l ? (l.alertingName = text(v)) : undefined),
    alertingnameascii: (l, v) => void ("asciiAlertingName" in l ? (l.asciiAlertingName = text(v)) : undefined),
  },
};

// --- users ----------------------------------------------------------------------------------------

function endUserByPkid(db: CucmDb, pkid: string): EndUserRow {
  const u = db.endUsers.get(pkid);
  if (!u) throw faults.sqlMissingKey("fk_enduserdevicemap_fkenduser");
  return u;
}

interface UserDeviceLink {
  user: EndUserRow;
  devicePkid: string;
}

/**
 * CUCM's enduserdevicemap: a user's controlled devices and profiles. tkuserassociation: 1 for a
 * controlled device, 5 for a controlled device profile (seen in third-party queries against later
 * releases; not confirmed for 7.x). defaultprofile marks the user's default device profile.
 */
const ASSOCIATION_DEVICE = "1";
const ASSOCIATION_PROFILE = "5";
function userDeviceRows(u: EndUserRow): Array<{ row: SqlRow; target: UserDeviceLink }> {
  return [...u.devicePkids.map((d) => [d, ASSOCIATION_DEVICE] as const), ...u.profilePkids.map((d) => [d, ASSOCIATION_PROFILE] as const)].map(
    ([d, association]) => ({
      target: { user: u, devicePkid: d },
      row: {
        pkid: stablePkid(`eudm:${u.pkid}:${d}`),
        fkenduser: u.pkid,
        fkdevice: d,
        defaultprofile: bool(u.defaultProfilePkid === d),
        description: "",
        tkuserassociation: association,
      },
    }),
  );
}

const END_USER_DEVICE_MAP: TableView<UserDeviceLink> = {
  columns: ["pkid", "fkenduser", "fkdevice", "defaultprofile", "description", "tkuserassociation"],
  rows: (db) => [...db.endUsers.values()].flatMap(userDeviceRows),
  lookup: { fkenduser: (db, key) => one(db.endUsers.get(key)).flatMap(userDeviceRows) },
  types: { fkenduser: "pkid", fkdevice: "pkid", defaultprofile: "bool", tkuserassociation: "int" },
  edit: (db, t, change) => editRow(db.endUsers, t.user.pkid, (user) => change({ user, devicePkid: t.devicePkid })),
  setters: {
    defaultprofile: (t, v) => {
      if (isTrue(v)) t.user.defaultProfilePkid = t.devicePkid;
      else if (t.user.defaultProfilePkid === t.devicePkid) t.user.defaultProfilePkid = null;
    },
  },
  insert(db, values) {
    const user = endUserByPkid(db, required("enduserdevicemap", "fkenduser", values));
    const device = db.devices.get(required("enduserdevicemap", "fkdevice", values));
    if (!device) throw faults.sqlMissingKey("fk_enduserdevicemap_fkdevice");
    if (user.devicePkids.includes(device.pkid) || user.profilePkids.includes(device.pkid)) {
      throw faults.duplicate("x_enduserdevicemap_fkenduser_fkdevice");
    }
    editRow(db.endUsers, user.pkid, (u) => {
      if (device.cls === "Device Profile") u.profilePkids.push(device.pkid);
      else u.devicePkids.push(device.pkid);
      if (isTrue(values.get("defaultprofile") ?? "f")) u.defaultProfilePkid = device.pkid;
    });
  },
  remove(db, t) {
    editRow(db.endUsers, t.user.pkid, (u) => {
      u.devicePkids = u.devicePkids.filter((p) => p !== t.devicePkid);
      u.profilePkids = u.profilePkids.filter((p) => p !== t.devicePkid);
      if (u.defaultProfilePkid === t.devicePkid) u.defaultProfilePkid = null;
    });
  },
};

interface UserGroupLink {
  user: EndUserRow;
  groupPkid: string;
}

const END_USER_DIRGROUP_MAP: TableView<UserGroupLink> = {
  columns: ["pkid", "fkenduser", "fkdirgroup"],
  rows: (db) =>
    [...db.endUsers.values()].flatMap((u) =>
      u.groupPkids.map((g) => ({
        target: { user: u, groupPkid: g },
        row: { pkid: stablePkid(`eudgm:${u.pkid}:${g}`), fkenduser: u.pkid, fkdirgroup: g },
      })),
    ),
  types: { fkenduser: "pkid", fkdirgroup: "pkid" },
  insert(db, values) {
    const user = db.endUsers.get(required("enduserdirgroupmap", "fkenduser", values));
    if (!user) throw faults.sqlMissingKey("fk_enduserdirgroupmap_fkenduser");
    const group = db.refs.userGroups.get(required("enduserdirgroupmap", "fkdirgroup", values));
    if (!group) throw faults.sqlMissingKey("fk_enduserdirgroupmap_fkdirgroup");
    if (user.groupPkids.includes(group.pkid)) throw faults.duplicate("x_enduserdirgroupmap_fkenduser_fkdirgroup");
    editRow(db.endUsers, user.pkid, (u) => void u.groupPkids.push(group.pkid));
  },
  remove(db, t) {
    editRow(db.endUsers, t.user.pkid, (u) => void (u.groupPkids = u.groupPkids.filter((g) => g !== t.groupPkid)));
  },
};

// --- application dial rules ---------------------------------------------------------------------

/**
 * CUCM's applicationdialrule table. The table name is Cisco's (data dictionary table lists, TI 252,
 * 5.0 to 9.1). The columns are NOT confirmed against the data dictionary: they are the ones a
 * third-party CUCM tool reads from `select * from applicationdialrule` (pkid, name, description,
 * numbeginwith, numofdigits, digitsremoved, prefix); no priority column is known, so the view has
 * none (a rule inserted by SQL goes after the others; 12.x's AXL priority is kept by the model).
 */
function dialRuleRow(r: DialRuleRow): { row: SqlRow; target: DialRuleRow } {
  return {
    target: r,
    row: {
      pkid: r.pkid,
      name: r.name,
      description: r.description,
      numbeginwith: r.numberBeginWith,
      numofdigits: String(r.numberOfDigits),
      digitsremoved: String(r.digitsToBeRemoved),
      prefix: r.prefixPattern,
    },
  };
}

const APPLICATION_DIAL_RULE: TableView<DialRuleRow> = {
  columns: ["pkid", "name", "description", "numbeginwith", "numofdigits", "digitsremoved", "prefix"],
  rows: (db) => [...db.dialRules.values()].map(dialRuleRow),
  lookup: {
    pkid: (db, key) => one(db.dialRules.get(key)).map(dialRuleRow),
    name: (db, key) => db.dialRules.find(BY_NAME, key).map(dialRuleRow),
  },
  types: { pkid: "pkid", numofdigits: "int", digitsremoved: "int" },
  edit: (db, r, change) => editRow(db.dialRules, r.pkid, change),
  setters: {
    name: (r, v, db) => {
      if (v === null) throw faults.sqlNotNull("applicationdialrule", "name");
      checkDialRuleName(db, v, r);
      r.name = v;
    },
    description: (r, v) => void (r.description = text(v)),
    numbeginwith: (r, v) => void (r.numberBeginWith = text(v)),
    numofdigits: (r, v) => void (r.numberOfDigits = toInt(v)),
    digitsremoved: (r, v) => void (r.digitsToBeRemoved = toInt(v)),
    prefix: (r, v) => void (r.prefixPattern = text(v)),
  },
  insert(db, values) {
    const t = "applicationdialrule";
    const name = required(t, "name", values);
    checkDialRuleName(db, name);
    const pkid = values.get("pkid") ?? newPkid();
    if (db.dialRules.has(pkid)) throw faults.uniqueConstraint("pk_applicationdialrule");
    const int = (c: string): number => {
      const v = values.get(c);
      return v === undefined || v === null ? 0 : toInt(v);
    };
    db.dialRules.set(pkid, {
      pkid,
      name,
      description: text(values.get("description") ?? ""),
      numberBeginWith: text(values.get("numbeginwith") ?? ""),
      numberOfDigits: int("numofdigits"),
      digitsToBeRemoved: int("digitsremoved"),
      prefixPattern: text(values.get("prefix") ?? ""),
      priority: nextDialRulePriority(db),
    });
  },
  remove: (db, r) => void db.dialRules.delete(r.pkid),
};

// --- IP phone services --------------------------------------------------------------------------

const byTk = (map: Record<string, number>, tk: number, constraint: string): string => {
  const name = Object.keys(map).find((k) => map[k] === tk);
  if (name === undefined) throw faults.sqlMissingKey(constraint);
  return name;
};

/** CUCM's telecasterservice table (columns as a CUCM database lists them; secureurltemplate is 8.0+). */
function phoneServiceRow(s: IpPhoneServiceRow): { row: SqlRow; target: IpPhoneServiceRow } {
  return {
    target: s,
    row: {
      pkid: s.pkid,
      name: s.name,
      urltemplate: s.url,
      description: s.description,
      nameascii: s.asciiName,
      tkphoneservice: str(PHONE_SERVICE_TK[s.serviceType]),
      vendor: s.vendor,
      version: s.version,
      enterprisesubscription: bool(s.enterpriseSubscription),
      enabled: bool(s.enabled),
      priority: String(s.priority),
      tkphoneservicecategory: str(PHONE_SERVICE_CATEGORY_TK[s.category]),
      secureurltemplate: s.secureUrl || null,
    },
  };
}

const TELECASTER_SERVICE: TableView<IpPhoneServiceRow> = {
  columns: [
    "pkid", "name", "urltemplate", "description", "nameascii", "tkphoneservice", "vendor", "version",
    "enterprisesubscription", "enabled", "priority", "tkphoneservicecategory",
  ],
  columns12: ["secureurltemplate"],
  rows: (db) => [...db.ipPhoneServices.values()].map(phoneServiceRow),
  lookup: {
    pkid: (db, key) => one(db.ipPhoneServices.get(key)).map(phoneServiceRow),
    name: (db, key) => db.ipPhoneServices.find(BY_NAME, key).map(phoneServiceRow),
  },
  types: {
    pkid: "pkid", tkphoneservice: "int", tkphoneservicecategory: "int", enterprisesubscription: "bool", enabled: "bool", priority: "int",
  },
  edit: (db, s, change) => editRow(db.ipPhoneServices, s.pkid, change),
  setters: {
    name: (s, v, db) => {
      if (v === null) throw faults.sqlNotNull("telecasterservice", "name");
      checkServiceName(db, v, s);
      s.name = v;
    },
    urltemplate: (s, v) => {
      if (v === null) throw faults.sqlNotNull("telecasterservice", "urltemplate");
      s.url = v;
    },
    description: (s, v) => void (s.description = text(v)),
    nameascii: (s, v) => void (s.asciiName = text(v)),
    tkphoneservice: (s, v) => void (s.serviceType = byTk(PHONE_SERVICE_TK, toInt(v), "fk_telecasterservice_tkphoneservice")),
    tkphoneservicecategory: (s, v) =>
      void (s.category = byTk(PHONE_SERVICE_CATEGORY_TK, toInt(v), "fk_telecasterservice_tkphoneservicecategory")),
    vendor: (s, v) => void (s.vendor = text(v)),
    version: (s, v) => void (s.version = text(v)),
    enterprisesubscription: (s, v) => void (s.enterpriseSubscription = isTrue(v)),
    enabled: (s, v) => void (s.enabled = isTrue(v)),
    priority: (s, v) => void (s.priority = toInt(v)),
    secureurltemplate: (s, v) => void (s.secureUrl = text(v)),
  },
  insert(db, values) {
    const t = "telecasterservice";
    const name = required(t, "name", values);
    const url = required(t, "urltemplate", values);
    checkServiceName(db, name);
    const pkid = values.get("pkid") ?? newPkid();
    if (db.ipPhoneServices.has(pkid)) throw faults.uniqueConstraint("pk_telecasterservice");
    const opt = (c: string): SqlValue | undefined => values.get(c) ?? undefined;
    const tk = (c: string, d: number): number => {
      const v = opt(c);
      return v === undefined || v === null ? d : toInt(v);
    };
    db.ipPhoneServices.set(pkid, {
      pkid,
      name,
      asciiName: text(opt("nameascii") ?? name),
      description: text(opt("description") ?? ""),
      url,
      secureUrl: text(opt("secureurltemplate") ?? ""),
      category: byTk(PHONE_SERVICE_CATEGORY_TK, tk("tkphoneservicecategory", 0), "fk_telecasterservice_tkphoneservicecategory"),
      serviceType: byTk(PHONE_SERVICE_TK, tk("tkphoneservice", 0), "fk_telecasterservice_tkphoneservice"),
      vendor: text(opt("vendor") ?? ""),
      version: text(opt("version") ?? ""),
      enabled: isTrue(opt("enabled") ?? "t"),
      enterpriseSubscription: isTrue(opt("enterprisesubscription") ?? "f"),
      priority: tk("priority", 50),
    });
  },
  remove(db, s) {
    checkServiceUnused(db, s);
    db.ipPhoneServices.delete(s.pkid);
  },
};

interface SubscriptionLink {
  device: LineDeviceRow;
  sub: SubscriptionRow;
}

/** CUCM's telecastersubscribedservice table (a subscription on a phone or device profile). */
const TELECASTER_SUBSCRIBED_SERVICE: TableView<SubscriptionLink> = {
  columns: [
    "pkid", "fkdevice", "serviceurl", "servicename", "fktelecasterservice", "urlbuttonindex", "urllabel", "urllabelascii",
    "servicenameascii", "priority",
  ],
  columns12: ["secureserviceurl"],
  rows: (db) =>
    db.lineDevices().flatMap((d) =>
      d.services.map((s) => ({
        target: { device: d, sub: s },
        row: {
          pkid: s.pkid,
          fkdevice: d.pkid,
          serviceurl: s.url,
          servicename: s.name,
          fktelecasterservice: s.servicePkid,
          urlbuttonindex: String(s.urlButtonIndex),
          urllabel: s.urlLabel,
          urllabelascii: s.urlLabelAscii,
          servicenameascii: s.serviceNameAscii,
          priority: str(s.priority),
          secureserviceurl: null,
        },
      })),
    ),
  types: { pkid: "pkid", fkdevice: "pkid", fktelecasterservice: "pkid", urlbuttonindex: "int", priority: "int" },
  edit: (db, t, change) =>
    editRow(db.devices, t.device.pkid, (d) => {
      const device = d as LineDeviceRow;
      change({ device, sub: device.services.find((s) => s.pkid === t.sub.pkid)! });
    }),
  setters: {
    serviceurl: (t, v) => void (t.sub.url = text(v)),
    servicename: (t, v) => void (t.sub.name = text(v)),
    urlbuttonindex: (t, v) => void (t.sub.urlButtonIndex = toInt(v)),
    urllabel: (t, v) => void (t.sub.urlLabel = text(v)),
    urllabelascii: (t, v) => void (t.sub.urlLabelAscii = text(v)),
    servicenameascii: (t, v) => void (t.sub.serviceNameAscii = text(v)),
    priority: (t, v) => void (t.sub.priority = v === null ? null : toInt(v)),
  },
  insert(db, values) {
    const t = "telecastersubscribedservice";
    const device = db.devices.get(required(t, "fkdevice", values));
    if (!device || device.cls === "Trunk") throw faults.sqlMissingKey("fk_telecastersubscribedservice_fkdevice");
    const service = db.ipPhoneServices.get(required(t, "fktelecasterservice", values));
    if (!service) throw faults.sqlMissingKey(SUBSCRIBED_SERVICE_FK);
    const pkid = values.get("pkid") ?? newPkid();
    if (db.lineDevices().some((d) => d.services.some((s) => s.pkid === pkid))) throw faults.uniqueConstraint("pk_telecastersubscribedservice");
    const v = (c: string): string => text(values.get(c) ?? "");
    const index = values.get("urlbuttonindex");
    const priority = values.get("priority");
    db.devices.set(device.pkid, {
      ...device,
      services: [
        ...device.services,
        {
        pkid,
        servicePkid: service.pkid,
        name: v("servicename"),
        url: values.get("serviceurl") ?? service.url,
        urlButtonIndex: index === undefined || index === null ? 0 : toInt(index),
        urlLabel: v("urllabel"),
        urlLabelAscii: v("urllabelascii"),
        serviceNameAscii: v("servicenameascii"),
          priority: priority === undefined || priority === null ? null : toInt(priority),
        },
      ],
    });
  },
  remove(db, t) {
    editRow(db.devices, t.device.pkid, (d) => void ((d as LineDeviceRow).services = (d as LineDeviceRow).services.filter((s) => s.pkid !== t.sub.pkid)));
  },
};

// --- the table list -----------------------------------------------------------------------------

function endUserRow(u: EndUserRow): { row: SqlRow; target: EndUserRow } {
  return {
    target: u,
    row: {
      pkid: u.pkid,
      userid: u.userid,
      firstname: u.firstName ?? "",
      lastname: u.lastName,
      telephonenumber: u.telephoneNumber,
      fkmatrix_presence: u.presenceGroupPkid,
    },
  };
}

const appUserRow = (u: AppUserRow): { row: SqlRow; target: AppUserRow } => ({ target: u, row: { pkid: u.pkid, name: u.userid, isstandard: "f" } });

/** Table name → view. */
export const TABLES: Record<string, TableView<any>> = {
  device: DEVICE,
  devicenumplanmap: DEVICE_NUMPLAN_MAP,
  numplan: NUMPLAN,
  enduser: {
    columns: ["pkid", "userid", "firstname", "lastname", "telephonenumber", "fkmatrix_presence"],
    rows: (db) => [...db.endUsers.values()].map(endUserRow),
    lookup: {
      pkid: (db, key) => one(db.endUsers.get(key)).map(endUserRow),
      userid: (db, key) => db.endUsers.find(BY_USERID, key).map(endUserRow),
    },
  },
  enduserdevicemap: END_USER_DEVICE_MAP,
  enduserdirgroupmap: END_USER_DIRGROUP_MAP,
  applicationuser: {
    columns: ["pkid", "name", "isstandard"],
    rows: (db) => [...db.appUsers.values()].map(appUserRow),
    lookup: { pkid: (db, key) => one(db.appUsers.get(key)).map(appUserRow) },
  },
  applicationuserdevicemap: {
    columns: ["pkid", "fkapplicationuser", "fkdevice", "tkuserassociation"],
    rows: (db) =>
      [...db.appUsers.values()].flatMap((u) =>
        u.devicePkids.map((d) => ({
          target: u,
          row: { pkid: stablePkid(`audm:${u.pkid}:${d}`), fkapplicationuser: u.pkid, fkdevice: d, tkuserassociation: "1" },
        })),
      ),
  },
  applicationuserdirgroupmap: {
    columns: ["pkid", "fkapplicationuser", "fkdirgroup"],
    rows: (db) =>
      [...db.appUsers.values()].flatMap((u) =>
        u.groupPkids.map((g) => ({
          target: u,
          row: { pkid: stablePkid(`audgm:${u.pkid}:${g}`), fkapplicationuser: u.pkid, fkdirgroup: g },
        })),
      ),
  },
  applicationdialrule: APPLICATION_DIAL_RULE,
  telecasterservice: TELECASTER_SERVICE,
  telecastersubscribedservice: TELECASTER_SUBSCRIBED_SERVICE,
  dirgroup: namedView("userGroups", (r) => ({ isstandard: bool(!!r.standard) }), ["isstandard"]),
  devicepool: namedView("devicePools"),
  location: namedView("locations"),
  routepartition: namedView("routePartitions"),
  callingsearchspace: namedView("callingSearchSpaces"),
  sipprofile: namedView("sipProfiles"),
  commonphoneconfig: namedView("commonPhoneConfigs"),
  presencegroup: namedView("presenceGroups"),
  phonetemplate: namedView(
    "phoneTemplates",
    (r) => ({ tkmodel: modelTk(r.product), tkdeviceprotocol: protoTk(r.protocol) }),
    ["tkmodel", "tkdeviceprotocol"],
  ),
  securityprofile: {
    columns: ["pkid", "name", "description", "tkmodel", "tkdeviceprotocol"],
    rows: (db) => [
      ...[...db.refs.phoneSecurityProfiles.values()].map((r) => ({
        target: r,
        row: { pkid: r.pkid, name: r.name, description: r.description ?? "", tkmodel: modelTk(r.product), tkdeviceprotocol: protoTk(r.protocol) },
      })),
      ...[...db.refs.trunkSecurityProfiles.values()].map((r) => ({
        target: r,
        row: { pkid: r.pkid, name: r.name, description: r.description ?? "", tkmodel: String(SIP_TRUNK_TK), tkdeviceprotocol: protoTk("SIP") },
      })),
    ],
  },
  typemodel: enumView([...Object.entries(PRODUCTS).map(([n, p]) => [p.tk, n] as const), [SIP_TRUNK_TK, "SIP Trunk"]]),
  typeclass: enumView(Object.entries(CLASS_TK).map(([n, v]) => [v, n] as const)),
  typedeviceprotocol: enumView(Object.entries(PROTOCOL_TK).map(([n, v]) => [v, n] as const)),
  typepatternusage: enumView(Object.entries(PATTERN_USAGE_TK).map(([n, v]) => [v, n] as const)),
  typephoneservice: enumView(Object.entries(PHONE_SERVICE_TK).map(([n, v]) => [v, n] as const)),
  typephoneservicecategory: enumView(Object.entries(PHONE_SERVICE_CATEGORY_TK).map(([n, v]) => [v, n] as const)),
};

function enumView(entries: ReadonlyArray<readonly [number, string]>): TableView<null> {
  return {
    columns: ["enum", "name", "moniker"],
    rows: () =>
      entries.map(([e, name]) => ({
        target: null,
        row: { enum: String(e), name, moniker: `${name.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}` },
      })),
  };
}
