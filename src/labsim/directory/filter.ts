/**
 * Search filter evaluation over the embedded directory's entries, with AD's matching: strings and
 * DNs case-insensitive, integers by value, objectCategory=<class> shorthand, the bitwise AND / OR
 * matching rules (userAccountControl:1.2.840.113556.1.4.803:=2), three-valued logic for
 * attributes that are not in the schema. Filters are decoded from BER here (RFC 4511 §4.5.1).
 */
import { Ber, type BerReader } from "ldapts";
import { normalizeDn } from "./dn";
import { ATTRIBUTES, CLASSES } from "./schema";

export const BIT_AND = "1.2.840.113556.1.4.803";
export const BIT_OR = "1.2.840.113556.1.4.804";

export type Filter =
  | { op: "and" | "or"; filters: Filter[] }
  | { op: "not"; filter: Filter }
  | { op: "eq" | "ge" | "le" | "approx"; attribute: string; value: string }
  | { op: "sub"; attribute: string; initial: string; any: string[]; final: string }
  | { op: "present"; attribute: string }
  | { op: "ext"; rule: string; attribute: string; value: string; dnAttributes: boolean };

const TAG = { and: 0xa0, or: 0xa1, not: 0xa2, eq: 0xa3, sub: 0xa4, ge: 0xa5, le: 0xa6, present: 0x87, approx: 0xa8, ext: 0xa9 } as const;

function str(reader: BerReader, tag: number = Ber.OctetString): string {
  const b = reader.readString(tag, true);
  if (b === null) throw new Error("truncated filter");
  return b.toString("utf8");
}

/** Decode one Filter from BER. Throws on malformed input. */
export function parseFilter(reader: BerReader): Filter {
  const tag = reader.peek();
  switch (tag) {
    case TAG.and:
    case TAG.or: {
      reader.readSequence(tag);
      const end = reader.offset + reader.length;
      const filters: Filter[] = [];
      while (reader.offset < end) filters.push(parseFilter(reader));
      return { op: tag === TAG.and ? "and" : "or", filters };
    }
    case TAG.not:
      reader.readSequence(tag);
      return { op: "not", filter: parseFilter(reader) };
    case TAG.eq:
    case TAG.ge:
    case TAG.le:
    case TAG.approx: {
      reader.readSequence(tag);
      const attribute = str(reader);
      const value = str(reader);
      const op = tag === TAG.eq ? "eq" : tag === TAG.ge ? "ge" : tag === TAG.le ? "le" : "approx";
      return { op, attribute, value };
    }
    case TAG.sub: {
      reader.readSequence(tag);
      const attribute = str(reader);
      reader.readSequence(0x30);
      const end = reader.offset + reader.length;
      const f = { op: "sub" as const, attribute, initial: "", any: [] as string[], final: "" };
      while (reader.offset < end) {
        const t = reader.peek();
        if (t === 0x80) f.initial = str(reader, 0x80);
        else if (t === 0x81) f.any.push(str(reader, 0x81));
        else if (t === 0x82) f.final = str(reader, 0x82);
        else throw new Error(`bad substring choice 0x${t?.toString(16)}`);
      }
      return f;
    }
    case TAG.present:
      return { op: "present", attribute: str(reader, TAG.present) };
    case TAG.ext: {
      reader.readSequence(tag);
      const end = reader.offset + reader.length;
      const f = { op: "ext" as const, rule: "", attribute: "", value: "", dnAttributes: false };
      while (reader.offset < end) {
        const t = reader.peek();
        if (t === 0x81) f.rule = str(reader, 0x81);
        else if (t === 0x82) f.attribute = str(reader, 0x82);
        else if (t === 0x83) f.value = str(reader, 0x83);
        else if (t === 0x84) f.dnAttributes = reader.readTag(0x84) !== 0;
        else throw new Error(`bad extensible match field 0x${t?.toString(16)}`);
      }
      return f;
    }
    default:
      throw new Error(`unknown filter type 0x${tag?.toString(16)}`);
  }
}

const esc = (v: string) => v.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, "0")}`);

/** The filter in RFC 4515 string form (logs). */
export function filterToString(f: Filter): string {
  switch (f.op) {
    case "and":
      return `(&${f.filters.map(filterToString).join("")})`;
    case "or":
      return `(|${f.filters.map(filterToString).join("")})`;
    case "not":
      return `(!${filterToString(f.filter)})`;
    case "eq":
      return `(${f.attribute}=${esc(f.value)})`;
    case "approx":
      return `(${f.attribute}~=${esc(f.value)})`;
    case "ge":
      return `(${f.attribute}>=${esc(f.value)})`;
    case "le":
      return `(${f.attribute}<=${esc(f.value)})`;
    case "present":
      return `(${f.attribute}=*)`;
    case "sub":
      return `(${f.attribute}=${esc(f.initial)}*${f.any.map((a) => `${esc(a)}*`).join("")}${esc(f.final)})`;
    case "ext":
      return `(${f.attribute}${f.dnAttributes ? ":dn" : ""}${f.rule ? `:${f.rule}` : ""}:=${esc(f.value)})`;
  }
}

/** What the evaluator needs of an entry. */
export interface Matchable {
  attrs: Map<string, string[]>;
}

type Tri = boolean | undefined;

const lower = (s: string) => s.toLowerCase();

function normDn(s: string): string {
  try {
    return normalizeDn(s);
  } catch {
    return lower(s);
  }
}

function equal(attr: string, stored: string, asserted: string): boolean {
  const def = ATTRIBUTES.get(attr);
  switch (def?.syntax) {
    case "integer":
      return /^-?\d+$/.test(asserted.trim()) && Number(stored) === Number(asserted);
    case "dn":
      if (attr === "objectcategory" && !asserted.includes("=")) {
        // objectCategory=person: the class's default category (AD's shorthand).
        const category = CLASSES[lower(asserted)]?.category ?? asserted;
        return lower(/^CN=([^,]+)/i.exec(stored)?.[1] ?? "") === lower(category);
      }
      return normDn(stored) === normDn(asserted);
    default:
      return lower(stored) === lower(asserted);
  }
}

function compare(attr: string, stored: string, asserted: string): number {
  if (ATTRIBUTES.get(attr)?.syntax === "integer") return Number(stored) - Number(asserted);
  return lower(stored) < lower(asserted) ? -1 : lower(stored) > lower(asserted) ? 1 : 0;
}

function valuesOf(entry: Matchable, attribute: string): string[] | undefined {
  const attr = lower(attribute);
  const def = ATTRIBUTES.get(attr);
  if (!def || def.writeOnly) return undefined; // not in the schema (or not searchable): Undefined
  return entry.attrs.get(attr) ?? [];
}

/** Evaluate a filter against an entry: true, false or undefined (RFC 4511 §4.5.1.7). */
export function evaluate(f: Filter, entry: Matchable): Tri {
  switch (f.op) {
    case "and": {
      // false wins, then undefined
      let result: Tri = true;
      for (const sub of f.filters) {
        const r = evaluate(sub, entry);
        if (r === false) return false;
        if (r === undefined) result = undefined;
      }
      return result;
    }
    case "or": {
      let result: Tri = false;
      for (const sub of f.filters) {
        const r = evaluate(sub, entry);
        if (r === true) return true;
        if (r === undefined) result = undefined;
      }
      return result;
    }
    case "not": {
      const r = evaluate(f.filter, entry);
      return r === undefined ? undefined : !r;
    }
    case "eq":
    case "approx": {
      const attr = lower(f.attribute);
      const values = valuesOf(entry, attr);
      if (!values) return undefined;
      return values.some((v) => equal(attr, v, f.value));
    }
    case "sub": {
      const values = valuesOf(entry, lower(f.attribute));
      if (!values) return undefined;
      const initial = lower(f.initial);
      const final = lower(f.final);
      const any = f.any.map(lower);
      return values.some((raw) => {
        const v = lower(raw);
        if (initial && !v.startsWith(initial)) return false;
        let at = initial.length;
        for (const part of any) {
          const i = v.indexOf(part, at);
          if (i < 0) return false;
          at = i + part.length;
        }
        return !final || (v.length - final.length >= at && v.endsWith(final));
      });
    }
    case "ge":
    case "le": {
      const attr = lower(f.attribute);
      const values = valuesOf(entry, attr);
      if (!values) return undefined;
      return values.some((v) => (f.op === "ge" ? compare(attr, v, f.value) >= 0 : compare(attr, v, f.value) <= 0));
    }
    case "present": {
      const attr = lower(f.attribute);
      if (attr === "objectclass") return true;
      const values = valuesOf(entry, attr);
      if (!values) return undefined;
      return values.length > 0;
    }
    case "ext": {
      const attr = lower(f.attribute);
      const values = valuesOf(entry, attr);
      if (!values || !attr) return undefined;
      if (f.rule === BIT_AND || f.rule === BIT_OR) {
        if (!/^\d+$/.test(f.value)) return undefined;
        const a = BigInt(f.value);
        return values.some((v) => {
          if (!/^-?\d+$/.test(v)) return false;
          const n = BigInt.asUintN(32, BigInt(v));
          return f.rule === BIT_AND ? (n & a) === a : (n & a) !== 0n;
        });
      }
      if (!f.rule) return values.some((v) => equal(attr, v, f.value));
      return undefined;
    }
  }
}
