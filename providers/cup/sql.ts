/**
 * ALL of CUP's SQL: every SELECT / INSERT / UPDATE / DELETE rcclab sends to CUP's executeSQLQuery /
 * executeSQLUpdate is built here, from the mapping (providers/cup/mapping.yaml via catalog.ts), and every
 * answer row is parsed here. Resource code never sees SQL text or column names: it works with the records below
 * (PublisherRecord, AclRecord, ...) and the `mappers`, which name columns by their KEYS in the mapping.
 * A statement is rendered against the catalog of the CUP it goes to, so a lab's override file (renamed
 * tables and columns) changes the SQL, never a kind.
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
import { type Catalog, DEFAULT_CATALOG, type TableSpec } from "./catalog";

export type Value = string | number | boolean | null;
export type Row = Record<string, Value>;

/** A table by its key in the mapping ("incomingAcl"), or its spec. */
export type TableRef = string | TableSpec;
const keyOf = (t: TableRef): string => (typeof t === "string" ? t : t.key);

/**
 * One statement: a query (executeSQLQuery) or a write (executeSQLUpdate), about one table (by key).
 * Its text depends on the CUP it goes to (a lab's mapping may rename tables and columns): the client
 * sends `render(its catalog)`. `sql` is the text under the published mapping, rendered when the
 * statement is built, so a value a column refuses is refused there and then.
 */
export interface Statement {
  readonly kind: "query" | "update";
  readonly table: string;
  render(catalog: Catalog): string;
  readonly sql: string;
}

function statement(kind: Statement["kind"], table: TableRef, render: (c: Catalog) => string): Statement {
  return { kind, table: keyOf(table), render, sql: render(DEFAULT_CATALOG) };
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

/** The literal of a value for a column (by key) of a table, checked against the mapping. */
export function literal(table: TableSpec, column: string, value: Value): string {
  const spec = table.columns[column];
  if (!spec) throw invalid(`${table.table} has no column ${column} in rcclab's CUP mapping`);
  const what = `${table.table}.${spec.name}`;
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

/** A column's name on this CUP (by its key). */
export function col(table: TableSpec, column: string): string {
  const spec = table.columns[column];
  if (!spec) throw invalid(`${table.table} has no column ${column} in rcclab's CUP mapping`);
  return ident(spec.name);
}

function conditions(table: TableSpec, where: Row, alias = ""): string {
  const parts = Object.entries(where).map(([c, v]) => `${alias}${col(table, c)} ${v === null ? "IS NULL" : `= ${literal(table, c, v)}`}`);
  return parts.length ? ` WHERE ${parts.join(" AND ")}` : "";
}

/** The select list: each column by its name on this CUP, answered under its key. */
const selectList = (table: TableSpec, alias = ""): string =>
  Object.keys(table.columns)
    .map((c) => (col(table, c) === c ? `${alias}${c}` : `${alias}${col(table, c)} AS ${ident(c)}`))
    .join(", ");

// ---------------------------------------------------------------------------------------------------
// Generic statements

export function select(table: TableRef, where: Row = {}, orderBy: readonly string[] = []): Statement {
  return statement("query", table, (c) => {
    const t = c.table(keyOf(table));
    const order = orderBy.length ? ` ORDER BY ${orderBy.map((o) => col(t, o)).join(", ")}` : "";
    return `SELECT ${selectList(t)} FROM ${ident(t.table)}${conditions(t, where)}${order}`;
  });
}

/** An INSERT with a new pkid (or the one given); returns the pkid with it. */
export function insert(table: TableRef, values: Row): { statement: Statement; pkid: string } {
  const pkid = typeof values.pkid === "string" ? normalPkid(values.pkid) : newPkid();
  const row: Row = { ...values, pkid };
  const cols = Object.keys(row).filter((c) => row[c] !== undefined);
  const statementOf = statement("update", table, (c) => {
    const t = c.table(keyOf(table));
    return `INSERT INTO ${ident(t.table)} (${cols.map((k) => col(t, k)).join(", ")}) VALUES (${cols.map((k) => literal(t, k, row[k]!)).join(", ")})`;
  });
  return { statement: statementOf, pkid };
}

export function update(table: TableRef, set: Row, where: Row): Statement {
  const cols = Object.keys(set);
  if (!cols.length) throw invalid(`an UPDATE of ${keyOf(table)} needs at least one column`);
  if (!Object.keys(where).length) throw invalid(`refusing an UPDATE of ${keyOf(table)} without a WHERE clause`);
  return statement("update", table, (c) => {
    const t = c.table(keyOf(table));
    const assignments = cols.map((k) => `${col(t, k)} = ${literal(t, k, set[k]!)}`).join(", ");
    return `UPDATE ${ident(t.table)} SET ${assignments}${conditions(t, where)}`;
  });
}

export function remove(table: TableRef, where: Row): Statement {
  if (!Object.keys(where).length) throw invalid(`refusing a DELETE from ${keyOf(table)} without a WHERE clause`);
  return statement("update", table, (c) => {
    const t = c.table(keyOf(table));
    return `DELETE FROM ${ident(t.table)}${conditions(t, where)}`;
  });
}

/** One answer row (strings, as AXL returns them; NULL comes back empty) → values of the columns' types, by column key. */
export function parseRow(ref: TableRef, raw: Record<string, string>, catalog: Catalog = DEFAULT_CATALOG): Row {
  const table = typeof ref === "string" ? catalog.table(ref) : ref;
  const out: Row = {};
  for (const [column, spec] of Object.entries(table.columns)) {
    const v = raw[column] ?? raw[spec.name];
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
        if (!Number.isSafeInteger(n)) throw new RcclabError("InvalidRequest", `CUP answered ${table.table}.${spec.name} = ${JSON.stringify(v)}, not an integer`);
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
export const parseRows = (table: TableRef, ret: unknown, catalog: Catalog = DEFAULT_CATALOG): Row[] => sqlRows(ret).map((r) => parseRow(table, r, catalog));

/** executeSQLUpdate's answer: the number of rows written. */
export function rowsUpdated(ret: unknown): number {
  const raw = (ret as { rowsUpdated?: unknown } | undefined)?.rowsUpdated;
  const n = Number(typeof raw === "object" && raw !== null ? (raw as { $value?: unknown }).$value : raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new RcclabError("InvalidRequest", `unexpected executeSQLUpdate answer: ${JSON.stringify(ret)?.slice(0, 200)}`);
  return n;
}

// ---------------------------------------------------------------------------------------------------
// Records: what the kinds work with, and how they map to rows (by column key)

/** A mapping between a record and its table's columns (pkid excluded). */
export interface Mapper<R> {
  /** The table's key in the mapping. */
  readonly table: string;
  toRow(record: R): Row;
  fromRow(row: Row): R;
}

const str = (v: Value): string => (v === null ? "" : String(v));
const num = (v: Value, fallback: number): number => (typeof v === "number" ? v : fallback);
const bool = (v: Value, fallback: boolean): boolean => (typeof v === "boolean" ? v : fallback);

/** C2: the CUCM publisher CUP is bound to. */
export interface PublisherRecord {
  address: string;
  axlUsername: string;
  axlPassword: string;
}
export const publisher: Mapper<PublisherRecord> = {
  table: "cupSystemCfg",
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
  table: "ucProxyProfile",
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

/** C3: one ACL entry (incoming or outgoing: the two tables have the same columns). */
export interface AclRecord {
  address: string;
  description: string;
}
const aclMapper = (table: "incomingAcl" | "outgoingAcl"): Mapper<AclRecord> => ({
  table,
  toRow: (r) => ({ address: r.address, description: r.description }),
  fromRow: (row) => ({ address: str(row.address), description: str(row.description) }),
});
export const incomingAcl = aclMapper("incomingAcl");
export const outgoingAcl = aclMapper("outgoingAcl");
/** The ACL entry for an address pattern. */
export const aclByAddress = (address: string, table: "incomingAcl" | "outgoingAcl" = "incomingAcl"): Statement => select(table, { address });

/** C4: the desk phone control settings. */
export interface DeskPhoneControlRecord {
  applicationUsername: string;
  applicationPassword: string;
  heartbeatInterval: number;
  sessionTimer: number;
}
export const deskPhoneControl: Mapper<DeskPhoneControlRecord> = {
  table: "ctiGatewayProfile",
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
/** The desk phone control profile row (its name from the mapping). */
export const deskPhoneControlProfile = (): Statement =>
  statement("query", "ctiGatewayProfile", (c) => select("ctiGatewayProfile", { name: c.table("ctiGatewayProfile").profileName ?? "" }).render(c));

/** C4: the CTI gateway addresses of a profile, in priority order. */
export const ctiGatewayHosts = (profilePkid: string): Statement => select("ctiGatewayHost", { fkucctigatewayprofile: profilePkid }, ["priority"]);
export const insertCtiGatewayHost = (profilePkid: string, address: string, priority: number) =>
  insert("ctiGatewayHost", { fkucctigatewayprofile: profilePkid, address, priority });
export const deleteCtiGatewayHosts = (profilePkid: string): Statement => remove("ctiGatewayHost", { fkucctigatewayprofile: profilePkid });
export const hostAddress = (row: Row): string => str(row.address);

/** C5: the end users CUP knows (synced from CUCM), by userid. */
export function endUsersByUserid(userids: readonly string[]): Statement {
  if (!userids.length) throw invalid("no userids to look up");
  return statement("query", "endUser", (c) => {
    const t = c.table("endUser");
    const list = userids.map((u) => literal(t, "userid", u)).join(", ");
    return `SELECT ${selectList(t)} FROM ${ident(t.table)} WHERE ${col(t, "userid")} IN (${list}) ORDER BY ${col(t, "userid")}`;
  });
}
export const endUserid = (row: Row): string => str(row.userid);

/** C5–C6: per-user configuration rows joined to their users, for the users assigned to a profile. */
export function assignedUsers(profilePkid: string): Statement {
  return statement("query", "endUserCfg", (c) => {
    const cfg = c.table("endUserCfg");
    const u = c.table("endUser");
    const as = (t: TableSpec, alias: string, k: string) => (col(t, k) === k ? `${alias}.${k}` : `${alias}.${col(t, k)} AS ${k}`);
    return (
      `SELECT ${as(cfg, "c", "pkid")}, ${as(cfg, "c", "fkenduser")}, ${as(cfg, "c", "fkucctigatewayprofile")}, ${as(u, "u", "userid")} ` +
      `FROM ${ident(cfg.table)} c, ${ident(u.table)} u ` +
      `WHERE c.${col(cfg, "fkenduser")} = u.${col(u, "pkid")} AND c.${col(cfg, "fkucctigatewayprofile")} = ${literal(cfg, "fkucctigatewayprofile", profilePkid)} ORDER BY u.${col(u, "userid")}`
    );
  });
}
/** C5–C6: the per-user configuration rows of some end users (by their pkids). */
export function userConfigs(endUserPkids: readonly string[]): Statement {
  if (!endUserPkids.length) throw invalid("no end users to look up");
  return statement("query", "endUserCfg", (c) => {
    const t = c.table("endUserCfg");
    const list = endUserPkids.map((p) => literal(t, "fkenduser", p)).join(", ");
    return `SELECT ${selectList(t)} FROM ${ident(t.table)} WHERE ${col(t, "fkenduser")} IN (${list})`;
  });
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
  insert("endUserCfg", { fkenduser: endUserPkid, fkucctigatewayprofile: profilePkid });
export const setUserAssignment = (cfgPkid: string, profilePkid: string | null): Statement =>
  update("endUserCfg", { fkucctigatewayprofile: profilePkid }, { pkid: cfgPkid });
export const deleteUserConfig = (cfgPkid: string): Statement => remove("endUserCfg", { pkid: cfgPkid });

/** A row by its pkid (to check whether an insert whose answer was lost took effect). */
export const byPkid = (table: TableRef, pkid: string): Statement => select(table, { pkid });

/** The one row of a settings (singleton) table. */
export function singletonRow(table: TableRef): Statement {
  if (!DEFAULT_CATALOG.table(keyOf(table)).singleton) throw invalid(`${keyOf(table)} is not a settings table`);
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
