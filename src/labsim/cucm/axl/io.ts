/** Reading request elements into plain values, and building response elements. */
import { type CucmDb, type RefTable, axlUuid } from "../model/db";
import { type XEl, type XNode, attr, child, isNil, x } from "../xml";

// --- reading -----------------------------------------------------------------------------------

/** Text of a child: undefined when absent, "" when nil or empty. */
export function str(el: XEl, name: string): string | undefined {
  const c = child(el, name);
  if (!c) return undefined;
  return isNil(c) ? "" : c.text;
}

/** First present child among several names (the two releases name some things differently). */
export function strAny(el: XEl, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = str(el, n);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** A reference by name: undefined when absent, null when nil/empty (clear it), else the name. */
export function refName(el: XEl, ...names: string[]): string | null | undefined {
  const v = strAny(el, ...names);
  if (v === undefined) return undefined;
  const t = v.trim();
  return t === "" ? null : t;
}

export function bool(el: XEl, name: string): boolean | undefined {
  const v = str(el, name);
  return v === undefined || v === "" ? undefined : ["true", "t", "1"].includes(v.trim());
}

export function int(el: XEl, name: string): number | undefined {
  const v = str(el, name);
  return v === undefined || v.trim() === "" ? undefined : Number.parseInt(v.trim(), 10);
}

/** Index of a line appearance: 7.0 carries it as an attribute, 12.x as a child element. */
export function lineIndex(line: XEl): number | undefined {
  const a = attr(line, "index");
  return a !== undefined ? Number.parseInt(a, 10) : int(line, "index");
}

/**
 * Simple child elements the mapping does not handle itself, by name: kept on the row and rendered
 * back on get (e.g. builtInBridgeStatus, useTrustedRelayPoint).
 */
export function settingsOf(el: XEl, handled: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of el.children) {
    if (handled.has(c.local) || c.children.length) continue;
    out[c.local] = isNil(c) ? "" : c.text;
  }
  return out;
}

// --- building ----------------------------------------------------------------------------------

export type Values = Record<string, XNode | XNode[] | undefined>;

/** A foreign-key element as CUCM returns it: `<devicePoolName uuid="{...}">Default</devicePoolName>`. */
export function fk(db: CucmDb, name: string, table: RefTable, pkid: string | null | undefined): XNode {
  const row = pkid ? db.refs[table].get(pkid) : undefined;
  return row ? x(name, row.name, { uuid: axlUuid(row.pkid) }) : x(name, "");
}

/** Emits `values` in `order` (names missing from `values` are skipped). */
export function ordered(order: readonly string[], values: Values): XNode[] {
  const out: XNode[] = [];
  for (const name of order) {
    const v = values[name];
    if (v === undefined) continue;
    if (Array.isArray(v)) out.push(...v);
    else out.push(v);
  }
  return out;
}

/** Simple elements from a row's settings, as values. */
export function settingValues(settings: Record<string, string>): Values {
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, x(k, v)]));
}

export const text = (name: string, value: string | number | boolean | undefined): XNode | undefined =>
  value === undefined ? undefined : x(name, String(value));

/** Inserts `names` right after `anchor` in an element order. */
export function insertAfter(order: string[], anchor: string, ...names: string[]): string[] {
  const i = order.indexOf(anchor);
  return i < 0 ? [...order, ...names] : [...order.slice(0, i + 1), ...names, ...order.slice(i + 1)];
}
