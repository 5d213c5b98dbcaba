/** Field validators and row helpers the CUP kinds share (no SQL here: sql.ts builds it all). */
import { z } from "zod";
import { RcclabError } from "../core/errors";
import { MAPPING } from "./catalog";
import type { CupSession } from "./client";
import { type Mapper, type Row, changedColumns, singletonRow, update } from "./sql";

const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const HOSTNAME = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*$`);
const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

export const isIpv4 = (s: string): boolean => IPV4.test(s);
export const isHostname = (s: string): boolean => HOSTNAME.test(s) && !/^[\d.]+$/.test(s);

/** A host name (FQDN) or an IPv4 address. */
export const hostOrAddress = () =>
  z
    .string()
    .trim()
    .refine((s) => isIpv4(s) || isHostname(s), "must be a host name (FQDN) or an IPv4 address");

/** A CUP name field: no leading/trailing blanks, at most `max` characters. */
export const name = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => s.trim() === s, "must not start or end with a blank");

/**
 * An incoming ACL address pattern, in the formats CUP's Incoming ACL page accepts (Administration
 * Guide 7.0, "Allowed ACL Formats"): an IPv4 address, an address with * octets ("10.1.1.*"), a
 * subnet in CIDR form ("10.1.1.0/24"), a host name or FQDN, a domain with a leading wildcard
 * ("*.example.com"), or ALL.
 */
const ACL_IP_WILD = new RegExp(`^(?:${OCTET}|\\*)(?:\\.(?:${OCTET}|\\*)){3}$`);
const ACL_CIDR = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}/(?:3[0-2]|[12]?\\d)$`);
export const aclPattern = () =>
  z
    .string()
    .trim()
    .max(255)
    .refine(
      (s) => s === "ALL" || isIpv4(s) || ACL_IP_WILD.test(s) || ACL_CIDR.test(s) || isHostname(s) || (s.startsWith("*.") && isHostname(s.slice(2))),
      'must be an IPv4 address (octets may be *), a CIDR subnet, a host name or FQDN, "*.<domain>", or ALL',
    );

/** A SIP domain (presence settings, static route destinations): host-name characters, * wildcards allowed in a label. */
const WILD_LABEL = "[A-Za-z0-9*](?:[A-Za-z0-9*-]{0,61}[A-Za-z0-9*])?";
const PATTERN = new RegExp(`^(?=.{1,253}$)${WILD_LABEL}(?:\\.${WILD_LABEL})*$`);
export const domainPattern = () =>
  z
    .string()
    .trim()
    .refine((s) => PATTERN.test(s), "must be a domain or host name such as ocs.example.com (labels may use * wildcards)");

/** A free-text description: printable, at most `max` characters. */
export const description = (max = 128) =>
  z
    .string()
    .max(max)
    // eslint-disable-next-line no-control-regex
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "must not contain control characters")
    .default("");

/** The one row of a settings table (by its key in the mapping). */
export async function readSingleton(db: CupSession, table: string): Promise<Row> {
  const rows = await db.query(singletonRow(table));
  if (rows.length !== 1) throw new RcclabError("InvalidRequest", `CUP's ${db.catalog.table(table).table} holds ${rows.length} rows; a CUP install holds exactly one`);
  return rows[0]!;
}

/**
 * The columns of `set` rcclab may write. A secret (a password) goes only into a column a source
 * confirms, or when the stack trusts the assumed mapping (cup.trustAssumedMapping); otherwise it is
 * left out, with a warning naming the admin page where it is set by hand.
 */
function writable(db: CupSession, tableKey: string, set: Row): Row {
  const table = db.catalog.table(tableKey);
  const out: Row = {};
  for (const [c, v] of Object.entries(set)) {
    if (db.catalog.maySetSecret(table, c)) out[c] = v;
    else {
      db.client.log.warn(
        `${table.step}: rcclab does not write the password into ${table.table}.${table.columns[c]!.name}: no source confirms that CUP keeps it there. ` +
          `Set it by hand at ${MAPPING.steps[table.step]!.page}, or, once you have checked the column on your CUP, set cup.trustAssumedMapping: true (or mark it confirmed in the lab's mapping override)`,
      );
    }
  }
  return out;
}

/**
 * Bring a settings record to `desired` (the columns given), writing only the columns that differ:
 * nothing written (and so nothing restarted) when they all match. Returns whether it wrote.
 */
export async function updateSettings<R>(db: CupSession, mapper: Mapper<R>, desired: Partial<R>): Promise<boolean> {
  const live = await readSingleton(db, mapper.table);
  const current = mapper.fromRow(live);
  const target = mapper.toRow({ ...current, ...stripUndefined(desired) });
  const set = writable(db, mapper.table, changedColumns(live, target));
  if (!Object.keys(set).length) return false;
  await db.write(update(mapper.table, set, { pkid: live.pkid as string }));
  return true;
}

/** Bring one row (by pkid) to a record, writing only the columns that differ. */
export async function updateRow<R>(db: CupSession, mapper: Mapper<R>, live: Row, desired: R): Promise<boolean> {
  const set = writable(db, mapper.table, changedColumns(live, mapper.toRow(desired)));
  if (!Object.keys(set).length) return false;
  await db.write(update(mapper.table, set, { pkid: live.pkid as string }));
  return true;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
