/**
 * SQL on CUCM's own database (executeSQLQuery / executeSQLUpdate), for what AXL 7.0 has no
 * operations for: application dial rules, IP phone services, and an end user's default device
 * profile. Every statement is built here, and every value goes in through `sqlText` / `sqlInt` /
 * `sqlBool`: a statement is always exactly one statement whatever the values hold.
 *
 * Table and column names. CUCM's data dictionary ("Cisco Unified Communications Manager Data
 * Dictionary"; the 7.x editions are OL-18717-01 for 7.1(2) and OL-19994-01 for 7.1(3)) is the
 * authority. What could be confirmed, and from where, is stated at each table below; what could
 * not be confirmed from Cisco's data dictionary is marked UNCONFIRMED with the evidence there is.
 * The simulator (src/labsim/cucm/model/tables.ts) must use the same names.
 *
 * Values. Informix string literals are single-quoted, a quote doubled inside; there is no
 * backslash escape. NUL and the other control characters are refused (CUCM's fields never hold
 * them, and they are the classic way to cut a statement short in a log or a driver). Numbers go in
 * as validated integers, booleans as Informix's 't' / 'f'. pkids for inserts are generated here
 * (lowercase, no braces: CUCM's spelling in SQL), so an insert does not depend on a column default.
 *
 * Read-backs. Every write built here carries a SELECT that tells whether it took effect (the
 * request's `readBack`, never sent): an insert's row by the pkid it gives it, an update's or
 * delete's rows by its own WHERE. AxlClient reads it after a lost answer, before sending the write
 * again, so no statement is applied twice.
 */
import { randomUUID } from "node:crypto";
import type { AxlRequest, DialRuleSpec, Got, IpPhoneServiceSpec, ObjectCodec } from "../model";
import { compact, list, record, request, text } from "./common";

// ---------------------------------------------------------------------------------------------
// Literals

const CONTROL = /[\u0000-\u001f\u007f]/;

/** A string literal: quoted, quotes doubled; control characters (NUL included) refused. */
export function sqlText(value: string, what: string): string {
  if (typeof value !== "string") throw new TypeError(`${what}: not a string`);
  if (CONTROL.test(value)) throw new Error(`${what}: control characters (NUL, newline, ...) cannot go into CUCM's database: ${JSON.stringify(value)}`);
  return `'${value.replaceAll("'", "''")}'`;
}

/** An integer literal, checked: a safe integer within [min, max]. */
export function sqlInt(value: number, what: string, min = 0, max = 2_147_483_647): string {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`${what}: must be an integer from ${min} to ${max}, not ${String(value)}`);
  }
  return String(value);
}

/** A boolean literal as Informix spells it. */
export const sqlBool = (value: boolean): string => (value ? "'t'" : "'f'");

/** A new pkid, as CUCM spells pkids in SQL (lowercase, no braces). */
export const newPkid = (): string => randomUUID();

/** A pkid from SQL as the model spells uuids (AXL's "{UPPER-CASE}"). */
export const uuidFromPkid = (pkid: string | undefined): string => (pkid ? `{${pkid.replace(/^\{|\}$/g, "").toUpperCase()}}` : "");

/** The rows of an executeSQLQuery response (its `return`), as flat objects of strings. */
export function sqlRows(ret: unknown): Record<string, string>[] {
  return list(record(ret)?.row).map((row) =>
    Object.fromEntries(
      Object.entries(record(row) ?? {})
        .filter(([column]) => column !== "$attributes")
        .map(([column, value]) => [column, text(value) ?? ""]),
    ),
  );
}

const query = (sql: string): AxlRequest => request("executeSQLQuery", { sql });

/**
 * An UPDATE or DELETE of `table` where `where`, with its read-back (the rows `where` matches), so a
 * retry after a lost answer first reads whether it took effect (AxlClient).
 */
function change(table: string, sql: string, where: string): AxlRequest {
  return { ...request("executeSQLUpdate", { sql }), readBack: { kind: "change", sql: `select * from ${table} where ${where}` } };
}

/**
 * An UPDATE that only sets columns to fixed values, with its read-back: `pending` selects the rows
 * it would still change (none once it took effect). Nothing needs reading before it is sent.
 */
function set(sql: string, pending: string): AxlRequest {
  return { ...request("executeSQLUpdate", { sql }), readBack: { kind: "set", sql: pending } };
}

/** An INSERT into `table` of a row with `pkid` and `cols`, with its read-back (the row by its pkid) and the uuid it gives. */
function insert(table: string, pkid: string, cols: [string, string][]): AxlRequest {
  const all: [string, string][] = [["pkid", sqlText(pkid, "pkid")], ...cols];
  const sql = `insert into ${table} (${all.map(([c]) => c).join(", ")}) values (${all.map(([, v]) => v).join(", ")})`;
  return {
    ...request("executeSQLUpdate", { sql }),
    readBack: { kind: "insert", sql: `select pkid from ${table} where pkid = ${sqlText(pkid, "pkid")}` },
    uuid: uuidFromPkid(pkid),
  };
}

/** `col = literal, ...` for the changed columns; undefined when none changed. */
const assignments = (cols: Record<string, string | undefined>): string | undefined => {
  const set = Object.entries(cols).filter((e): e is [string, string] => e[1] !== undefined);
  return set.length ? set.map(([c, v]) => `${c} = ${v}`).join(", ") : undefined;
};

// ---------------------------------------------------------------------------------------------
// Application dial rules (7.0)

/**
 * Table `applicationdialrule`: CONFIRMED from Cisco's data dictionary table lists (5.0(2), 7.1(2),
 * 7.1(3), 8.0(1), 8.6(1), 9.1(1) all list "applicationdialrule (252)").
 *
 * Columns: UNCONFIRMED. The 7.x data dictionary's table details could not be read. `pkid`, `name`
 * and `description` are common to every named CUCM table. The other four are the names a
 * third-party CUCM tool reads from `select * from applicationdialrule` (written against CUCM
 * 10.5–12.5): numbeginwith, numofdigits, digitsremoved, prefix. The rule's priority column is not
 * known at all, so AXL 7.0 refuses a dial rule spec that sets `priority` rather than guess it.
 * Reads use `select *` and tolerate missing columns.
 */
export const DIAL_RULE_TABLE = {
  table: "applicationdialrule",
  numberBeginsWith: "numbeginwith",
  numberOfDigits: "numofdigits",
  digitsToBeRemoved: "digitsremoved",
  prefixPattern: "prefix",
} as const;

const T = DIAL_RULE_TABLE;

function noPriority(rule: DialRuleSpec): void {
  if (rule.priority !== undefined) {
    throw new Error(
      `application dial rule ${rule.name}: AXL 7.0 has no dial rule operations, and the priority column of CUCM's applicationdialrule table is not confirmed; leave priority out on 7.0`,
    );
  }
}

const byRuleName = (name: string) => `name = ${sqlText(name, "dial rule name")}`;

export const dialRuleSqlCodec: ObjectCodec<DialRuleSpec, string> = {
  addReturnsNoUuid: true,
  add(r) {
    noPriority(r);
    const cols: [string, string][] = [
      ["name", sqlText(r.name, "dial rule name")],
      ["description", sqlText(r.description ?? "", "dial rule description")],
      [T.numberBeginsWith, sqlText(r.numberBeginsWith, "numberBeginsWith")],
      [T.numberOfDigits, sqlInt(r.numberOfDigits, "numberOfDigits")],
      [T.digitsToBeRemoved, sqlInt(r.digitsToBeRemoved, "digitsToBeRemoved")],
      [T.prefixPattern, sqlText(r.prefixPattern, "prefixPattern")],
    ];
    return insert(T.table, newPkid(), cols);
  },
  get: (name) => query(`select * from ${T.table} where ${byRuleName(name)}`),
  parse(ret) {
    const [row] = sqlRows(ret);
    if (!row || row.name === undefined) return undefined;
    const int = (v: string | undefined) => (v === undefined || v === "" ? 0 : Number(v));
    return compact({
      uuid: uuidFromPkid(row.pkid),
      name: row.name,
      description: row.description || undefined,
      numberBeginsWith: row[T.numberBeginsWith] ?? "",
      numberOfDigits: int(row[T.numberOfDigits]),
      digitsToBeRemoved: int(row[T.digitsToBeRemoved]),
      prefixPattern: row[T.prefixPattern] ?? "",
    });
  },
  update(current, desired) {
    noPriority(desired);
    const set = assignments({
      description: (current.description ?? "") === (desired.description ?? "") ? undefined : sqlText(desired.description ?? "", "dial rule description"),
      [T.numberBeginsWith]: current.numberBeginsWith === desired.numberBeginsWith ? undefined : sqlText(desired.numberBeginsWith, "numberBeginsWith"),
      [T.numberOfDigits]: current.numberOfDigits === desired.numberOfDigits ? undefined : sqlInt(desired.numberOfDigits, "numberOfDigits"),
      [T.digitsToBeRemoved]: current.digitsToBeRemoved === desired.digitsToBeRemoved ? undefined : sqlInt(desired.digitsToBeRemoved, "digitsToBeRemoved"),
      [T.prefixPattern]: current.prefixPattern === desired.prefixPattern ? undefined : sqlText(desired.prefixPattern, "prefixPattern"),
    });
    return set ? [change(T.table, `update ${T.table} set ${set} where ${byRuleName(desired.name)}`, byRuleName(desired.name))] : [];
  },
  remove: (name) => change(T.table, `delete from ${T.table} where ${byRuleName(name)}`, byRuleName(name)),
};

// ---------------------------------------------------------------------------------------------
// IP phone services (7.0)

/**
 * Table `telecasterservice`: CONFIRMED as CUCM's IP phone service table: Cisco's 7.0 AXL schema
 * names the subscription "An entry in the TelecasterSubscribedService table" whose service is an
 * XTelecasterService (name, description, templateURL), and a real CUCM's `select * from
 * telecasterservice` (a published CUCM SQL cookbook) shows the columns pkid, name, urltemplate,
 * description, nameascii, tkphoneservice, vendor, version, enterprisesubscription, enabled,
 * priority, tkphoneservicecategory, secureurltemplate.
 *
 * For 7.x: pkid, name, description and urltemplate are the columns behind 7.0's XTelecasterService;
 * tkphoneservice and tkphoneservicecategory are behind 7.0's read-only XSubscribedService
 * phoneService / phoneServiceCategory. `enabled` is UNCONFIRMED for 7.x (it is in later
 * releases). To depend on as little as possible, inserts name tkphoneservice,
 * tkphoneservicecategory and enabled only when they differ from CUCM's defaults (standard service,
 * XML, enabled), and reads use `select *`: a column the release lacks reads as its default.
 *
 * Enum values (the same cookbook's rows): tkphoneservice 0 = Standard IP Phone Service,
 * 1 = Directories (Missed/Received/Placed Calls, Corporate Directory), 2 = Messages (Voicemail);
 * tkphoneservicecategory 0 = XML Service. 1 = Java MIDlet is UNCONFIRMED (no row shows it).
 */
export const PHONE_SERVICE_TABLE = "telecasterservice";

const SERVICE_TYPES: Record<string, number> = { "Standard IP Phone Service": 0, Directories: 1, Messages: 2 };
const SERVICE_CATEGORIES: Record<string, number> = { "XML Service": 0, "Java MIDlet": 1 };
const DEFAULT_TYPE = "Standard IP Phone Service";
const DEFAULT_CATEGORY = "XML Service";

function enumOf(table: Record<string, number>, name: string, what: string): string {
  const v = table[name];
  if (v === undefined) throw new Error(`${what}: "${name}" is not one of ${Object.keys(table).join(", ")}`);
  return String(v);
}
const nameOf = (table: Record<string, number>, v: string | undefined, fallback: string): string =>
  v === undefined || v === "" ? fallback : (Object.entries(table).find(([, n]) => String(n) === v)?.[0] ?? fallback);

const byServiceName = (name: string) => `name = ${sqlText(name, "IP phone service name")}`;

/** The service as the model compares it: category and type left out are CUCM's defaults. */
const serviceWithDefaults = (s: IpPhoneServiceSpec) => ({
  description: s.description ?? "",
  url: s.url,
  category: s.category ?? DEFAULT_CATEGORY,
  serviceType: s.serviceType ?? DEFAULT_TYPE,
  enabled: s.enabled,
});

export const ipPhoneServiceSqlCodec: ObjectCodec<IpPhoneServiceSpec, string> = {
  addReturnsNoUuid: true,
  add(s) {
    const w = serviceWithDefaults(s);
    const cols: [string, string][] = [
      ["name", sqlText(s.name, "IP phone service name")],
      ["description", sqlText(w.description, "IP phone service description")],
      ["urltemplate", sqlText(w.url, "IP phone service URL")],
    ];
    if (w.category !== DEFAULT_CATEGORY) cols.push(["tkphoneservicecategory", enumOf(SERVICE_CATEGORIES, w.category, "IP phone service category")]);
    if (w.serviceType !== DEFAULT_TYPE) cols.push(["tkphoneservice", enumOf(SERVICE_TYPES, w.serviceType, "IP phone service type")]);
    if (!w.enabled) cols.push(["enabled", sqlBool(false)]);
    return insert(PHONE_SERVICE_TABLE, newPkid(), cols);
  },
  get: (name) => query(`select * from ${PHONE_SERVICE_TABLE} where ${byServiceName(name)}`),
  parse(ret): Got<IpPhoneServiceSpec> | undefined {
    const [row] = sqlRows(ret);
    if (!row || row.name === undefined) return undefined;
    return compact({
      uuid: uuidFromPkid(row.pkid),
      name: row.name,
      description: row.description || undefined,
      url: row.urltemplate ?? "",
      category: nameOf(SERVICE_CATEGORIES, row.tkphoneservicecategory, DEFAULT_CATEGORY),
      serviceType: nameOf(SERVICE_TYPES, row.tkphoneservice, DEFAULT_TYPE),
      // No enabled column (or NULL): the service is on.
      enabled: row.enabled === undefined || row.enabled === "" ? true : row.enabled === "t" || row.enabled === "1" || row.enabled === "true",
    });
  },
  update(current, desired) {
    const [c, d] = [serviceWithDefaults(current), serviceWithDefaults(desired)];
    const set = assignments({
      description: c.description === d.description ? undefined : sqlText(d.description, "IP phone service description"),
      urltemplate: c.url === d.url ? undefined : sqlText(d.url, "IP phone service URL"),
      tkphoneservicecategory: c.category === d.category ? undefined : enumOf(SERVICE_CATEGORIES, d.category, "IP phone service category"),
      tkphoneservice: c.serviceType === d.serviceType ? undefined : enumOf(SERVICE_TYPES, d.serviceType, "IP phone service type"),
      enabled: c.enabled === d.enabled ? undefined : sqlBool(d.enabled),
    });
    return set ? [change(PHONE_SERVICE_TABLE, `update ${PHONE_SERVICE_TABLE} set ${set} where ${byServiceName(desired.name)}`, byServiceName(desired.name))] : [];
  },
  remove: (name) => change(PHONE_SERVICE_TABLE, `delete from ${PHONE_SERVICE_TABLE} where ${byServiceName(name)}`, byServiceName(name)),
};

// ---------------------------------------------------------------------------------------------
// An end user's default device profile (7.0)

/**
 * 7.0's XUser and updateUser have no default profile (12+ has defaultProfile). CUCM keeps it on the
 * user's device association: table `enduserdevicemap` (fkenduser → enduser.pkid, fkdevice →
 * device.pkid), boolean column `defaultprofile`. The table and its two foreign keys are long-standing
 * (the data dictionary table lists; CUCM SQL cookbooks join enduser ↔ enduserdevicemap ↔ device on
 * them); `defaultprofile` is UNCONFIRMED for 7.x from the data dictionary (seen in a third-party
 * tool's query against later releases: `eudm.defaultprofile = 't'`, with the controlled device
 * profile association, tkuserassociation 5). The profile must already be one of the user's
 * controlled profiles (phoneProfiles), which the same update sends first.
 *
 * Two statements: clear the user's current default, then mark the new one (none: only the first).
 */
export function defaultProfileSql(userid: string, profile: string | undefined): AxlRequest[] {
  const user = `fkenduser = (select pkid from enduser where userid = ${sqlText(userid, "userid")})`;
  const clear = `${user} and defaultprofile = ${sqlBool(true)}`;
  // Both only set the column to a fixed value: their read-backs are the rows still to change.
  const out = [set(`update enduserdevicemap set defaultprofile = ${sqlBool(false)} where ${clear}`, `select pkid from enduserdevicemap where ${clear}`)];
  if (profile !== undefined) {
    const mark = `${user} and fkdevice = (select pkid from device where name = ${sqlText(profile, "default profile")})`;
    out.push(set(`update enduserdevicemap set defaultprofile = ${sqlBool(true)} where ${mark}`, `select pkid from enduserdevicemap where ${mark} and defaultprofile <> ${sqlBool(true)}`));
  }
  return out;
}
