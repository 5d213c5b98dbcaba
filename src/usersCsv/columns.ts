/**
 * The users CSV's columns: Cisco BAT's names for end users and phones, read into and written from
 * the fields of a `rcclab:users` entry (src/config.ts userSchema).
 *
 * Where the names come from:
 * - USER ID, FIRST NAME, LAST NAME, PASSWORD, PIN: BAT's Users file format (text-based CSV files
 *   appendix of the BAT guides, 5.x–9.x). DIRECTORY NUMBER, MAC ADDRESS, DEVICE TYPE, DEVICE
 *   PROTOCOL: BAT's phone file formats and its "All Phone Details" export.
 * - MAXIMUM NUMBER OF CALLS 1, BUSY TRIGGER 1: BAT's phone export names each line setting after the
 *   phone field with the line's index ("Directory Number 1", "Line Text Label 1", "Maximum Number
 *   of Calls 1", "Busy Trigger 1", …). Read in a public BAT "All Details" phone export header and in
 *   public scripts that turn BAT phone exports into AXL (Maximum Number of Calls 1 → the first line's
 *   maxNumCalls, Busy Trigger 1 → its busyTrigger); the same two line fields are on CUCM 7.0's
 *   Directory Number page and BAT 7.x's line template. The CUCM 7.x guide's own export table was not
 *   found on this machine: the names are the ones BAT's export uses in the releases we could read.
 *   rcclab's user has one line, so only line 1 is read; the names without " 1" are taken too.
 * - ACCESS CONTROL GROUP 1…n: BAT's users export in later releases (public scripts that edit BAT
 *   user exports set "ACCESS CONTROL GROUP 1" = "Standard CTI Enabled", …). CUCM 7.x calls the same
 *   thing a user group, so "USER GROUP 1…n" is taken as well. rcclab writes ACCESS CONTROL GROUP.
 * - POOL and LINE URI are rcclab's own (BAT has no OCS side).
 */
import { modelOf, productOf, type PhoneModel } from "../../providers/cucm/models";

export type Kind = "string" | "model" | "number" | "bool" | "int" | "groups";
export interface Column {
  /** The BAT header written on export (for groups: the stem, "ACCESS CONTROL GROUP"). */
  header: string;
  /** The field's path in a user entry. */
  path: string[];
  kind: Kind;
  /** Other spellings (after normalizing: upper case, one space). */
  aliases?: string[];
}

export const COLUMNS: Column[] = [
  { header: "USER ID", path: ["userid"], kind: "string", aliases: ["USERID"] },
  { header: "FIRST NAME", path: ["firstName"], kind: "string", aliases: ["FIRSTNAME"] },
  { header: "LAST NAME", path: ["lastName"], kind: "string", aliases: ["LASTNAME"] },
  { header: "DIRECTORY NUMBER", path: ["e164"], kind: "number", aliases: ["DIRECTORY NUMBER 1", "DN", "DN 1", "LINE 1 DIRECTORY NUMBER", "TELEPHONE NUMBER"] },
  { header: "MAC ADDRESS", path: ["phone", "mac"], kind: "string", aliases: ["MAC"] },
  { header: "DEVICE TYPE", path: ["phone", "model"], kind: "model", aliases: ["PHONE TYPE", "PRODUCT", "MODEL"] },
  { header: "DEVICE PROTOCOL", path: ["phone", "protocol"], kind: "string", aliases: ["PROTOCOL"] },
  { header: "POOL", path: ["pool"], kind: "string", aliases: ["OCS POOL"] },
  { header: "ENABLE EXTENSION MOBILITY", path: ["extensionMobility"], kind: "bool", aliases: ["EXTENSION MOBILITY"] },
  { header: "ENABLE CTI APPLICATION USE", path: ["rcc"], kind: "bool", aliases: ["REMOTE CALL CONTROL", "RCC"] },
  { header: "ENHANCED PRESENCE", path: ["enhancedPresence"], kind: "bool" },
  { header: "ENABLE CUP", path: ["presence", "ups"], kind: "bool", aliases: ["ENABLE CUPS", "UPS"] },
  { header: "ENABLE CUPC", path: ["presence", "upc"], kind: "bool", aliases: ["UPC"] },
  { header: "MAXIMUM NUMBER OF CALLS 1", path: ["callsPerLine", "maxNumCalls"], kind: "int", aliases: ["MAXIMUM NUMBER OF CALLS", "MAX NUMBER OF CALLS 1", "MAX NUMBER OF CALLS"] },
  { header: "BUSY TRIGGER 1", path: ["callsPerLine", "busyTrigger"], kind: "int", aliases: ["BUSY TRIGGER"] },
  { header: "LINE URI", path: ["lineUri"], kind: "string", aliases: ["LINEURI", "OCS LINE URI"] },
  { header: "ACCESS CONTROL GROUP", path: ["userGroups"], kind: "groups" },
];
export const USER_ID = COLUMNS[0]!;
export const GROUPS = COLUMNS.find((c) => c.kind === "groups")!;
const GROUP_HEADER = /^(?:ACCESS CONTROL GROUP|USER GROUP)S? ?(\d+)$/;

/**
 * Columns refused when a cell holds a value: a password or PIN in the stack file would be plain
 * text. They are set one by one as Pulumi secrets (the message says how).
 */
export const SECRET_COLUMNS: Record<string, "password" | "pin"> = {
  PASSWORD: "password",
  "PASSWORD 1": "password",
  "USER PASSWORD": "password",
  PIN: "pin",
  "PIN 1": "pin",
  "USER PIN": "pin",
};

/** "User ID", "USER_ID", " user-id " → "USER ID"; "userid" stays "USERID". */
export const normalizeHeader = (h: string): string => h.replace(/^\uFEFF/, "").trim().replace(/[\s_-]+/g, " ").toUpperCase();

const byName = new Map<string, Column>();
for (const c of COLUMNS) for (const n of [c.header, ...(c.aliases ?? [])]) if (c.kind !== "groups") byName.set(n, c);

/** What a header names: a column, the n-th group column, a secret column, or nothing rcclab reads. */
export type HeaderRef = { column: Column; group?: number } | { secret: "password" | "pin" } | undefined;
export function headerRef(h: string): HeaderRef {
  const n = normalizeHeader(h);
  const c = byName.get(n);
  if (c) return { column: c };
  const g = GROUP_HEADER.exec(n);
  if (g) return { column: GROUPS, group: Number(g[1]) };
  const s = SECRET_COLUMNS[n];
  return s ? { secret: s } : undefined;
}

/** A cell → the field's value; a string for the schema to refuse when it is not one. */
export function cellValue(c: Column, raw: string): unknown {
  const s = raw.trim();
  switch (c.kind) {
    case "bool":
      if (/^(t|true|y|yes|1)$/i.test(s)) return true;
      if (/^(f|false|n|no|0)$/i.test(s)) return false;
      return s; // the schema says "expected boolean"
    case "int":
      return /^\d{1,9}$/.test(s) ? Number(s) : s; // the schema says "expected number"
    case "number":
      return s.replace(/^\\\+/, "+"); // BAT writes a leading + as \+
    case "model":
      return modelOf(s.replace(/^cisco\s+/i, "Cisco "));
    default:
      return c.path[1] === "protocol" ? s.toUpperCase() : s;
  }
}

/** A field's value → its cell (export). */
export function cellText(c: Column, v: unknown): string {
  if (v === undefined || v === null) return "";
  if (c.kind === "bool") return v === true ? "t" : v === false ? "f" : String(v);
  if (c.kind === "model") return productOf(String(v) as PhoneModel);
  return String(v);
}

/** The header of the n-th (1-based) group column. */
export const groupHeader = (n: number): string => `${GROUPS.header} ${n}`;
