/**
 * CUCM data-dictionary views over the model, for executeSQLQuery / executeSQLUpdate. Table and
 * column names are CUCM's (Informix, lowercase); pkids are lowercase without braces. A column with
 * a setter can be changed by executeSQLUpdate; the others are read-only in the simulator.
 */
import { CLASS_TK, PRODUCTS, PROTOCOL_TK, SIP_TRUNK_TK, stablePkid } from "./catalog";
import type { CucmDb, DeviceRow, NamedRow, PhoneLineRow, PhoneRow, RefTable } from "./db";

export type SqlValue = string | null;
export type SqlRow = Record<string, SqlValue>;

export interface Setter<T> {
  (target: T, value: SqlValue): void;
}

export interface TableView<T = unknown> {
  columns: string[];
  /** Rows paired with the model object they come from (for updates). */
  rows(db: CucmDb): Array<{ row: SqlRow; target: T }>;
  setters?: Partial<Record<string, Setter<T>>>;
}

const bool = (b: boolean): string => (b ? "t" : "f");
const str = (v: string | number | null | undefined): SqlValue => (v === null || v === undefined ? null : String(v));
const toInt = (v: SqlValue): number => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new TypeError(`not an integer: ${v}`);
  return n;
};

function namedView(table: RefTable, extra: (r: NamedRow) => SqlRow = () => ({}), extraCols: string[] = []): TableView<NamedRow> {
  return {
    columns: ["pkid", "name", "description", ...extraCols],
    rows: (db) =>
      [...db.refs[table].values()].map((r) => ({
        row: { pkid: r.pkid, name: r.name, description: r.description ?? "", ...extra(r) },
        target: r,
      })),
  };
}

const modelTk = (product: string | undefined): SqlValue => str(product ? PRODUCTS[product]?.tk : undefined);
const protoTk = (p: "SCCP" | "SIP" | undefined): SqlValue => str(p ? PROTOCOL_TK[p] : undefined);

const DEVICE: TableView<DeviceRow> = {
  columns: [
    "pkid", "name", "description", "tkmodel", "tkproduct", "tkclass", "tkdeviceprotocol", "fkdevicepool",
    "fklocation", "fkcallingsearchspace", "fkphonetemplate", "fksecurityprofile", "fksipprofile",
    "fkcommonphoneconfig", "fkenduser", "allowhoteling",
  ],
  rows: (db) =>
    [...db.devices.values()].map((d) => {
      const phone = d.cls === "Phone" ? d : undefined;
      const tk = phone ? modelTk(phone.product) : String(SIP_TRUNK_TK);
      return {
        target: d,
        row: {
          pkid: d.pkid,
          name: d.name,
          description: d.description,
          tkmodel: tk,
          tkproduct: tk,
          tkclass: String(CLASS_TK[d.cls]),
          tkdeviceprotocol: phone ? protoTk(phone.protocol) : protoTk("SIP"),
          fkdevicepool: d.devicePoolPkid,
          fklocation: d.locationPkid,
          fkcallingsearchspace: d.cssPkid,
          fkphonetemplate: phone?.phoneTemplatePkid ?? null,
          fksecurityprofile: d.securityProfilePkid,
          fksipprofile: d.sipProfilePkid,
          fkcommonphoneconfig: phone?.commonPhoneConfigPkid ?? null,
          fkenduser: phone?.ownerPkid ?? null,
          allowhoteling: bool(phone?.enableExtensionMobility ?? false),
        },
      };
    }),
  setters: {
    description: (d, v) => {
      d.description = v ?? "";
    },
    allowhoteling: (d, v) => {
      if (d.cls === "Phone") d.enableExtensionMobility = v === "t" || v === "1";
    },
  },
};

const DEVICE_NUMPLAN_MAP: TableView<PhoneLineRow> = {
  columns: ["pkid", "fkdevice", "fknumplan", "numplanindex", "label", "display", "displayascii", "e164mask", "maxnumcalls", "busytrigger"],
  rows: (db) =>
    db.phones().flatMap((p: PhoneRow) =>
      p.lines.map((l) => ({
        target: l,
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
  setters: {
    label: (l, v) => void (l.label = v ?? ""),
    display: (l, v) => void (l.display = v ?? ""),
    displayascii: (l, v) => void (l.displayAscii = v ?? ""),
    e164mask: (l, v) => void (l.e164Mask = v ?? ""),
    maxnumcalls: (l, v) => void (l.maxNumCalls = toInt(v)),
    busytrigger: (l, v) => void (l.busyTrigger = toInt(v)),
  },
};

/** Table name → view. Add issue-4 tables (devicenumplanmap for profiles, ...) here. */
export const TABLES: Record<string, TableView<any>> = {
  device: DEVICE,
  devicenumplanmap: DEVICE_NUMPLAN_MAP,
  numplan: {
    columns: ["pkid", "dnorpattern", "description", "fkroutepartition", "tkpatternusage", "alertingname", "alertingnameascii"],
    rows: (db) =>
      [...db.lines.values()].map((l) => ({
        target: l,
        row: {
          pkid: l.pkid,
          dnorpattern: l.pattern,
          description: l.description,
          fkroutepartition: l.partitionPkid,
          tkpatternusage: "2",
          alertingname: l.alertingName,
          alertingnameascii: l.asciiAlertingName,
        },
      })),
    setters: {
      description: (l, v) => void (l.description = v ?? ""),
      alertingname: (l, v) => void (l.alertingName = v ?? ""),
      alertingnameascii: (l, v) => void (l.asciiAlertingName = v ?? ""),
    },
  },
  enduser: {
    columns: ["pkid", "userid", "firstname", "lastname"],
    rows: (db) =>
      [...db.endUsers.values()].map((u) => ({
        target: u,
        row: { pkid: u.pkid, userid: u.userid, firstname: u.firstName ?? "", lastname: u.lastName },
      })),
  },
  applicationuser: {
    columns: ["pkid", "name", "isstandard"],
    rows: (db) => [...db.appUsers.values()].map((u) => ({ target: u, row: { pkid: u.pkid, name: u.userid, isstandard: "f" } })),
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
