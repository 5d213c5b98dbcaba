/**
 * ALL of CUP's SQL: every SELECT / INSERT / UPDATE / DELETE rcclab sends to CUP's executeSQLQuery /
 * executeSQLUpdate is built here, from the catalog (providers/cup/catalog.ts), and every answer row is
 * parsed here. Resource code never sees SQL text or column names: it works with the records below
 * (PublisherRecord, AclRecord, ...) and the `mappers`, so correcting a table or column against a real CUP
 * is a change to the catalog (names) or to this module (shape), never to a kind.
 *
 * Literals. Every value goes in as a literal of its column's type, checked against the catalog:
 *  - strings single-quoted with quotes doubled (Informix has no backslash escape), at most the column's
 *    length (CUP would silently truncate a longer one), control characters (NUL, CR, LF, ...) refused;
 *  - integers validated as safe integers within the column's range;
 *  - booleans as Informix's 't' / 'f';
 *  - pkids validated as GUIDs (lower case, no braces) and generated here for inserts, so an insert whose
 *    answer was lost can be checked for by its pkid before it is sent again.
 * Identifiers come only from the catalog and are checked to be plain lower-case names, so a statement is
 * always exactly one statement whatever the values hold.
 */
import { randomUUID } from "node:crypto";
import { sqlBool, sqlInt, sqlRows } from "../cucm/axl/adapters/sql";
import { RcclabError } from "../core/errors";
import {
  CUP_SYSTEM_CFG,
  DESK_PHONE_CONTROL_PROFILE_NAME,
  END_USER,
  INCOMING_ACL,
  PROTOCOL_TYPE,
  type ProtocolType,
  ROUTE_TYPE,
  type RouteType,
  STATIC_ROUTE,
  type TableSpec,
  UC_CTI_GATEWAY_HOST,
  UC_CTI_GATEWAY_PROFILE,
  UC_ENDUSER_CFG,
  UC_PROXY_PROFILE,
} from "./catalog";

export type Value = string | number | boolean | null;
export type Row = Record<string, Value>;

/** One statement: a query (executeSQLQuery) or a write (executeSQLUpdate), and the table it is about. */
export interface Statement {
  readonly kind: "query" | "update";
  readonly sql: string;
  readonly table: TableSpec;
}

// ---------------------------------------------------------------------------------------------------
// Literals

const CONTROL = /[\u0000-\u001f\u007f]/;
const IDENT = /^[a-z][a-z0-9_]*$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const invalid = (message: string): RcclabError => new RcclabError("InvalidRequest", message);

function ident(name: string): string {
  if (!IDENT.test(name)) throw invalid(`not a plain SQL identifier: ${JSON.stringify(name)}`);
  return name;
}

/** A string literal: quoted, quotes doubled; control characters refused. */
export function textLiteral(value: string, what: string, max?: number): string {
  if (typeof value !== "string") throw invalid(`${what}: not a string`);
  if (CONTROL.test(value)) throw invalid(`${what}: control characters (NUL, newline, tab, ...) cannot go into CUP's database`);
  if (max !== undefined && value.length > max) throw invalid(`${what}: at most ${max} characters (CUP would cut it short), got ${value.length}`);
  return `'${value.replaceAll("'", "''")}'`;
}

/** A new pkid, as CUP spells pkids in SQL (lower case, no braces). */
export const newPkid = (): string => randomUUID();

/** A pkid as stored: braces dropped, lower case. */
export const normalPkid = (s: string): string => s.trim().replace(/^\{|\}$/g, "").toLowerCase();

/** The literal of a value for a column of a table, checked against the catalog. */
export function literal(table: TableSpec, column: string, value: Value): string {
  const spec = table.columns[column];
  if (!spec) throw invalid(`${table.table} has no column ${column} in rcclab's catalog`);
  const what = `${table.table}.${column}`;
  if (value === null) {
    if (!spec.nullable) throw invalid(`${what} cannot be NULL`);
    return "NULL";
  }
  switch (spec.type) {
    case "string":
      return textLiteral(String(value), what, spec.max);
    case "int":
      if (typeof value !== "number") throw invalid(`${what}: not a number: ${JSON.stringify(value)}`);
      try {
        return sqlInt(value, what, spec.min ?? -2_147_483_648, spec.maxValue ?? 2_147_483_647);
      } catch (e) {
        throw invalid((e as Error).message);
      }
    case "boolean":
      if (typeof value !== "boolean") throw invalid(`${what}: not a boolean: ${JSON.stringify(value)}`);
      return sqlBool(value);
    case "guid": {
      const g = normalPkid(String(value));
      if (!GUID.test(g)) throw invalid(`${what}: not a GUID: ${JSON.stringify(value)}`);
      return `'${g}'`;
    }
  }
}

function conditions(table: TableSpec, where: Row, alias = ""): string {
  const parts = Object.entries(where).map(([c, v]) => `${alias}${ident(c)} ${v === null ? "IS NULL" : `= ${literal(table, c, v)}`}`);
  return parts.length ? ` WHERE ${parts.join(" AND ")}` : "";
}

const columnsOf = (table: TableSpec): string[] => Object.keys(table.columns).map(ident);

// ---------------------------------------------------------------------------------------------------
// Generic statements

export function select(table: TableSpec, where: Row = {}, orderBy: readonly string[] = []): Statement {
  const order = orderBy.length ? ` ORDER BY ${orderBy.map(ident).join(", ")}` : "";
  return { kind: "query", table, sql: `SELECT ${columnsOf(table).join(", ")} FROM ${ident(table.table)}${conditions(table, where)}${order}` };
}

/** An INSERT with a new pkid (or the one given); returns the pkid with it. */
export function insert(table: TableSpec, values: Row): { statement: Statement; pkid: string } {
  const pkid = typeof values.pkid === "string" ? normalPkid(values.pkid) : newPkid();
  const row: Row = { ...values, pkid };
  const cols = Object.keys(row).filter((c) => row[c] !== undefined);
  const sql = `INSERT INTO ${ident(table.table)} (${cols.map(ident).join(", ")}) VALUES (${cols.map((c) => literal(table, c, row[c]!)).join(", ")})`;
  return { statement: { kind: "update", table, sql }, pkid };
}

export function update(table: TableSpec, set: Row, where: Row): Statement {
  const cols = Object.keys(set);
  if (!cols.length) throw invalid(`an UPDATE of ${table.table} needs at least one column`);
  if (!Object.keys(where).length) throw invalid(`refusing an UPDATE of ${table.table} without a WHERE clause`);
  const assignments = cols.map((c) => `${ident(c)} = ${literal(table, c, set[c]!)}`).join(", ");
  return { kind: "update", table, sql: `UPDATE ${ident(table.table)} SET ${assignments}${conditions(table, where)}` };
}

export function remove(table: TableSpec, where: Row): Statement {
  if (!Object.keys(where).length) throw invalid(`refusing a DELETE from ${table.table} without a WHERE clause`);
  return { kind: "update", table, sql: `DELETE FROM ${ident(table.table)}${conditions(table, where)}` };
}

/** One answer row (strings, as AXL returns them; NULL comes back empty) → values of the columns' types. */
export function parseRow(table: TableSpec, raw: Record<string, string>): Row {
  const out: Row = {};
  for (const [column, spec] of Object.entries(table.columns)) {
    const v = raw[column];
    if (v === undefined || (v === "" && spec.type !== "string")) {
      out[column] = null;
      continue;
    }
    switch (spec.type) {
      case "string":
        out[column] = v;
        break;
      case "int": {
        const n = Number(v);
        if (!Number.isSafeInteger(n)) throw new RcclabError("InvalidRequest", `CUP answered ${table.table}.${column} = ${JSON.stringify(v)}, not an integer`);
        out[column] = n;
        break;
      }
      case "boolean":
        out[column] = v === "t" || v === "1" || v.toLowerCase() === "true";
        break;
      case "guid":
        out[column] = normalPkid(v);
        break;
    }
  }
  return out;
}

/** The rows of an executeSQLQuery answer (its `return`), parsed for a table. */
export const parseRows = (table: TableSpec, ret: unknown): Row[] => sqlRows(ret).map((r) => parseRow(table, r));

/** executeSQLUpdate's answer: the number of rows written. */
export function rowsUpdated(ret: unknown): number {
  const raw = (ret as { rowsUpdated?: unknown } | undefined)?.rowsUpdated;
  const n = Number(typeof raw === "object" && raw !== null ? (raw as { $value?: unknown }).$value : raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new RcclabError("InvalidRequest", `unexpected executeSQLUpdate answer: ${JSON.stringify(ret)?.slice(0, 200)}`);
  return n;
}

// ---------------------------------------------------------------------------------------------------
// Records: what the kinds work with, and how they map to rows

/** A mapping between a record and its table's columns (pkid excluded). */
export interface Mapper<R> {
  readonly table: TableSpec;
  toRow(record: R): Row;
  fromRow(row: Row): R;
}

const str = (v: Value): string => (v === null ? "" : String(v));
const num = (v: Value, fallback: number): number => (typeof v === "number" ? v : fallback);
const bool = (v: Value, fallback: boolean): boolean => (typeof v === "boolean" ? v : fallback);
const key = <T extends Record<string, number>>(codes: T, code: Value, fallback: keyof T): keyof T =>
  (Object.keys(codes) as (keyof T)[]).find((k) => codes[k] === code) ?? fallback;

/** C2: the CUCM publisher CUP is bound to. */
export interface PublisherRecord {
  address: string;
  axlUsername: string;
  axlPassword: string;
}
export const publisher: Mapper<PublisherRecord> = {
  table: CUP_SYSTEM_CFG,
  toRow: (r) => ({ ccmpublisheraddress: r.address, ccmaxlusername: r.axlUsername, ccmaxlpassword: r.axlPassword }),
  fromRow: (row) => ({ address: str(row.ccmpublisheraddress), axlUsername: str(row.ccmaxlusername), axlPassword: str(row.ccmaxlpassword) }),
};

/** C7: the Presence > Settings values. */
export interface PresenceSettingsRecord {
  proxyDomain: string;
  availabilitySharing: boolean;
  allowAutoApproval: boolean;
  maxContactListSize: number;
  maxWatchers: number;
}
export const presenceSettings: Mapper<PresenceSettingsRecord> = {
  table: UC_PROXY_PROFILE,
  toRow: (r) => ({
    proxydomain: r.proxyDomain,
    enableavailabilitysharing: r.availabilitySharing,
    allowautoapproval: r.allowAutoApproval,
    maxcontactlistsize: r.maxContactListSize,
    maxwatchers: r.maxWatchers,
  }),
  fromRow: (row) => ({
    proxyDomain: str(row.proxydomain),
    availabilitySharing: bool(row.enableavailabilitysharing, true),
    allowAutoApproval: bool(row.allowautoapproval, false),
    maxContactListSize: num(row.maxcontactlistsize, 200),
    maxWatchers: num(row.maxwatchers, 200),
  }),
};

/** C3: one incoming ACL entry. */
export interface AclRecord {
  address: string;
  description: string;
}
export const incomingAcl: Mapper<AclRecord> = {
  table: INCOMING_ACL,
  toRow: (r) => ({ address: r.address, description: r.description }),
  fromRow: (row) => ({ address: str(row.address), description: str(row.description) }),
};
/** The incoming ACL entry for an address pattern. */
export const aclByAddress = (address: string): Statement => select(INCOMING_ACL, { address });

/** C3: one static route (a "destination" entry). */
export interface RouteRecord {
  destinationPattern: string;
  description: string;
  nextHop: string;
  nextHopPort: number;
  routeType: RouteType;
  protocol: ProtocolType;
  priority: number;
  weight: number;
  inService: boolean;
}
export const staticRoute: Mapper<RouteRecord> = {
  table: STATIC_ROUTE,
  toRow: (r) => ({
    destinationpattern: r.destinationPattern,
    description: r.description,
    nexthop: r.nextHop,
    nexthopport: r.nextHopPort,
    tkroutetype: ROUTE_TYPE[r.routeType],
    tkprotocoltype: PROTOCOL_TYPE[r.protocol],
    priority: r.priority,
    weight: r.weight,
    inservice: r.inService,
  }),
  fromRow: (row) => ({
    destinationPattern: str(row.destinationpattern),
    description: str(row.description),
    nextHop: str(row.nexthop),
    nextHopPort: num(row.nexthopport, 5060),
    routeType: key(ROUTE_TYPE, row.tkroutetype, "domain"),
    protocol: key(PROTOCOL_TYPE, row.tkprotocoltype, "TCP"),
    priority: num(row.priority, 1),
    weight: num(row.weight, 10),
    inService: bool(row.inservice, true),
  }),
};
/** The static route with a destination pattern, next hop and port (its natural key). */
export const routeByKey = (r: Pick<RouteRecord, "destinationPattern" | "nextHop" | "nextHopPort">): Statement =>
  select(STATIC_ROUTE, { destinationpattern: r.destinationPattern, nexthop: r.nextHop, nexthopport: r.nextHopPort });

/** C4: the desk phone control settings. */
export interface DeskPhoneControlRecord {
  applicationUsername: string;
  applicationPassword: string;
  heartbeatInterval: number;
  sessionTimer: number;
}
export const deskPhoneControl: Mapper<DeskPhoneControlRecord> = {
  table: UC_CTI_GATEWAY_PROFILE,
  toRow: (r) => ({
    applicationusername: r.applicationUsername,
    applicationpassword: r.applicationPassword,
    heartbeatinterval: r.heartbeatInterval,
    sessiontimer: r.sessionTimer,
  }),
  fromRow: (row) => ({
    applicationUsername: str(row.applicationusername),
    applicationPassword: str(row.applicationpassword),
    heartbeatInterval: num(row.heartbeatinterval, 60),
    sessionTimer: num(row.sessiontimer, 3600),
  }),
};
/** The desk phone control profile row. */
export const deskPhoneControlProfile = (): Statement => select(UC_CTI_GATEWAY_PROFILE, { name: DESK_PHONE_CONTROL_PROFILE_NAME });

/** C4: the CTI gateway addresses of a profile, in priority order. */
export const ctiGatewayHosts = (profilePkid: string): Statement => select(UC_CTI_GATEWAY_HOST, { fkucctigatewayprofile: profilePkid }, ["priority"]);
export const insertCtiGatewayHost = (profilePkid: string, address: string, priority: number) =>
  insert(UC_CTI_GATEWAY_HOST, { fkucctigatewayprofile: profilePkid, address, priority });
export const deleteCtiGatewayHosts = (profilePkid: string): Statement => remove(UC_CTI_GATEWAY_HOST, { fkucctigatewayprofile: profilePkid });
export const hostAddress = (row: Row): string => str(row.address);

/** C5: the end users CUP knows (synced from CUCM), by userid. */
export function endUsersByUserid(userids: readonly string[]): Statement {
  if (!userids.length) throw invalid("no userids to look up");
  const list = userids.map((u) => literal(END_USER, "userid", u)).join(", ");
  return { kind: "query", table: END_USER, sql: `SELECT ${columnsOf(END_USER).join(", ")} FROM enduser WHERE userid IN (${list}) ORDER BY userid` };
}
export const endUserid = (row: Row): string => str(row.userid);

/** C5–C6: per-user configuration rows joined to their users, for the users assigned to a profile. */
export function assignedUsers(profilePkid: string): Statement {
  const sql =
    `SELECT c.pkid, c.fkenduser, c.fkucctigatewayprofile, u.userid FROM ${ident(UC_ENDUSER_CFG.table)} c, ${ident(END_USER.table)} u ` +
    `WHERE c.fkenduser = u.pkid AND c.fkucctigatewayprofile = ${literal(UC_ENDUSER_CFG, "fkucctigatewayprofile", profilePkid)} ORDER BY u.userid`;
  return { kind: "query", table: UC_ENDUSER_CFG, sql };
}
/** C5–C6: the per-user configuration rows of some end users (by their pkids). */
export function userConfigs(endUserPkids: readonly string[]): Statement {
  if (!endUserPkids.length) throw invalid("no end users to look up");
  const list = endUserPkids.map((p) => literal(UC_ENDUSER_CFG, "fkenduser", p)).join(", ");
  return { kind: "query", table: UC_ENDUSER_CFG, sql: `SELECT ${columnsOf(UC_ENDUSER_CFG).join(", ")} FROM ${ident(UC_ENDUSER_CFG.table)} WHERE fkenduser IN (${list})` };
}
/** An assigned-user row: its userid (the join's extra column). */
export interface AssignmentRow {
  cfgPkid: string;
  endUserPkid: string;
  userid: string;
}
export function parseAssignments(ret: unknown): AssignmentRow[] {
  return sqlRows(ret).map((raw) => ({ cfgPkid: normalPkid(raw.pkid ?? ""), endUserPkid: normalPkid(raw.fkenduser ?? ""), userid: raw.userid ?? "" }));
}
export const insertUserConfig = (endUserPkid: string, profilePkid: string | null) =>
  insert(UC_ENDUSER_CFG, { fkenduser: endUserPkid, fkucctigatewayprofile: profilePkid });
export const setUserAssignment = (cfgPkid: string, profilePkid: string | null): Statement =>
  update(UC_ENDUSER_CFG, { fkucctigatewayprofile: profilePkid }, { pkid: cfgPkid });
export const deleteUserConfig = (cfgPkid: string): Statement => remove(UC_ENDUSER_CFG, { pkid: cfgPkid });

/** A row by its pkid (to check whether an insert whose answer was lost took effect). */
export const byPkid = (table: TableSpec, pkid: string): Statement => select(table, { pkid });

/** The one row of a settings (singleton) table. */
export function singletonRow(table: TableSpec): Statement {
  if (!table.singleton) throw invalid(`${table.table} is not a settings table`);
  return select(table);
}

/**
 * The columns of `desired` whose values differ from the live row's: what an UPDATE must set (empty: no
 * write at all, so nothing is restarted for a change that is no change).
 */
export function changedColumns(live: Row, desired: Row): Row {
  const out: Row = {};
  for (const [c, v] of Object.entries(desired)) if (live[c] !== v) out[c] = v;
  return out;
}
