/**
 * A tiny content-model language (xsd:sequence / xsd:choice / xsd:element with occurrence bounds)
 * and a validator that checks a request element against it the way CUCM's schema validation does:
 * element order, required elements, unknown elements, simple value types. The models for each
 * release live in the release mapping files; they describe the subset of Cisco's schema the
 * simulator handles (anything else in a request is rejected as unexpected content).
 */
import { isNil, type XEl } from "./xml";

/** A string restricted by an XSD pattern (whole value), named as the schema's type for messages. */
export interface PatternType {
  pattern: RegExp;
  typeName: string;
}

export type ValueType = "string" | "boolean" | "int" | "uuid" | readonly string[] | PatternType;

export interface ElementParticle {
  kind: "el";
  name: string;
  min: number;
  max: number;
  nillable?: boolean;
  /** Complex content; leave out for simple (text) content. */
  content?: Particle;
  /** Simple content type (default string). */
  type?: ValueType;
  /** Accept any content (e.g. returnedTags). */
  any?: boolean;
}

export interface GroupParticle {
  kind: "seq" | "choice";
  items: Particle[];
  min: number;
  max: number;
}

export type Particle = ElementParticle | GroupParticle;

const UNBOUNDED = Number.POSITIVE_INFINITY;

interface ElOpts {
  type?: ValueType;
  nillable?: boolean;
  any?: boolean;
}

/** A required element (simple content unless `content` is given). */
export function el(name: string, content?: Particle | ElOpts, opts: ElOpts = {}): ElementParticle {
  if (content && "kind" in content) return { kind: "el", name, min: 1, max: 1, content, ...opts };
  return { kind: "el", name, min: 1, max: 1, ...(content ?? {}), ...opts };
}
export function seq(...items: Particle[]): GroupParticle {
  return { kind: "seq", items, min: 1, max: 1 };
}
export function choice(...items: Particle[]): GroupParticle {
  return { kind: "choice", items, min: 1, max: 1 };
}
/** minOccurs="0". */
export function opt<P extends Particle>(p: P): P {
  return { ...p, min: 0 };
}
/** maxOccurs="unbounded" (min kept). */
export function many<P extends Particle>(p: P, min = p.min): P {
  return { ...p, min, max: UNBOUNDED };
}
/** Shorthand for several optional simple elements in a row. */
export function opts(...names: string[]): ElementParticle[] {
  return names.map((n) => opt(el(n)));
}
export const bool = (name: string): ElementParticle => el(name, { type: "boolean" });
export const int = (name: string): ElementParticle => el(name, { type: "int" });
export const anyContent = (name: string): ElementParticle => el(name, { any: true });

/**
 * A compact notation for a sequence of elements, in schema order, whitespace-separated:
 *   name      required simple element         name?   optional      name*  0..unbounded
 *   name~     nillable                         name:b  boolean       name:i integer   name:u uuid
 *   name=key  complex content `complex[key]`   (a|b)?  choice between elements (suffixes apply to the group)
 *   [ ... ]?  nested sequence (optional with "]?")
 * e.g. `name description? product protocol devicePoolName~ lines?=lines (uuid|userid)`.
 */
export function fields(spec: string, complex: Record<string, Particle> = {}): GroupParticle {
  const tokens = spec.trim().split(/\s+/).filter(Boolean);
  let i = 0;
  const sequence = (): GroupParticle => {
    const items: Particle[] = [];
    while (i < tokens.length) {
      const tok = tokens[i++]!;
      if (tok === "[") {
        const inner = sequence();
        const close = tokens[i - 1];
        items.push(close === "]?" ? opt(inner) : inner);
        continue;
      }
      if (tok === "]" || tok === "]?") return seq(...items);
      const group = /^\(([^)]+)\)([?*+]?)$/.exec(tok);
      if (group) {
        const alts = group[1]!.split("|").map((t) => one(t, complex));
        items.push(occurs(choice(...alts), group[2]!));
      } else items.push(one(tok, complex));
    }
    return seq(...items);
  };
  return sequence();
}

function occurs<P extends Particle>(p: P, suffix: string): P {
  if (suffix === "?") return opt(p);
  if (suffix === "*") return many(opt(p));
  if (suffix === "+") return many(p);
  return p;
}

function one(tok: string, complex: Record<string, Particle>): Particle {
  const m = /^([A-Za-z0-9_]+)([?*+]?)(~?)(?::([biu]))?(?:=([A-Za-z0-9_]+))?$/.exec(tok);
  if (!m) throw new Error(`bad field token: ${tok}`);
  const [, name, occ, nil, t, key] = m;
  const type: ValueType | undefined = t === "b" ? "boolean" : t === "i" ? "int" : t === "u" ? "uuid" : undefined;
  let p: ElementParticle;
  if (key) {
    const content = complex[key];
    if (!content) throw new Error(`no complex content "${key}" for ${name}`);
    p = el(name!, content);
  } else p = el(name!, type ? { type } : {});
  if (nil) p = { ...p, nillable: true };
  return occurs(p, occ!);
}

/** Element names of a model in document order (first occurrence), for ordering responses. */
export function elementOrder(p: Particle, out: string[] = []): string[] {
  if (p.kind === "el") {
    if (!out.includes(p.name)) out.push(p.name);
  } else for (const item of p.items) elementOrder(item, out);
  return out;
}

/** Thrown on the first schema violation; `message` is a Xerces-style cvc message. */
export class SchemaViolation extends Error {}

/** The element names that can start this particle. */
function firsts(p: Particle): string[] {
  if (p.kind === "el") return [p.name];
  if (p.kind === "choice") return p.items.flatMap(firsts);
  const out: string[] = [];
  for (const item of p.items) {
    out.push(...firsts(item));
    if (!nullable(item)) break;
  }
  return out;
}

function nullable(p: Particle): boolean {
  if (p.min === 0) return true;
  if (p.kind === "el") return false;
  if (p.kind === "choice") return p.items.some(nullable);
  return p.items.every(nullable);
}

interface Cursor {
  kids: XEl[];
  i: number;
  /** Names that would have been accepted at the cursor (for error messages). */
  expected: Set<string>;
}

/** Matches one occurrence of `p` at the cursor; returns false (cursor untouched) when it cannot start. */
function matchOnce(p: Particle, c: Cursor, parent: XEl): boolean {
  const next = c.kids[c.i];
  if (p.kind === "el") {
    if (!next || next.local !== p.name || next.ns !== "") {
      c.expected.add(p.name);
      return false;
    }
    validateElement(p, next);
    c.i++;
    c.expected.clear();
    return true;
  }
  const start = c.i;
  if (p.kind === "choice") {
    // Take the branch that consumes something; an empty (nullable) branch only as a fallback.
    let empty = false;
    for (const item of p.items) {
      if (matchParticle(item, c, parent, true)) {
        if (c.i > start) return true;
        empty = true;
      }
    }
    return empty;
  }
  // sequence: it starts if its first consuming item starts; afterwards required items must follow.
  for (const item of p.items) {
    if (!matchParticle(item, c, parent, c.i === start)) {
      if (c.i === start) return false; // the sequence did not start
      throw incomplete(c, parent);
    }
  }
  return true;
}

/**
 * Matches `p` with its occurrence bounds. With `probe`, failing to start is not an error
 * (returns false); a required particle that cannot start is an error otherwise.
 */
function matchParticle(p: Particle, c: Cursor, parent: XEl, probe: boolean): boolean {
  let count = 0;
  while (count < p.max) {
    const before = c.i;
    if (!matchOnce({ ...p, min: 1, max: 1 } as Particle, c, parent)) break;
    count++;
    if (c.i === before) break; // an empty match (all-optional group): stop looping
  }
  if (count >= p.min) return true;
  if (count === 0 && probe && p.min > 0) {
    for (const f of firsts(p)) c.expected.add(f);
    return false;
  }
  throw incomplete(c, parent);
}

function describe(names: Set<string>): string {
  return `'{${[...names].join(", ")}}'`;
}

/** An element as Xerces names it: the local name, or {"namespace":local} when it is qualified. */
const display = (e: XEl): string => (e.ns ? `{"${e.ns}":${e.local}}` : e.local);

function incomplete(c: Cursor, parent: XEl): SchemaViolation {
  const next = c.kids[c.i];
  if (next) {
    return new SchemaViolation(
      `cvc-complex-type.2.4.a: Invalid content was found starting with element '${display(next)}'. One of ${describe(c.expected)} is expected.`,
    );
  }
  return new SchemaViolation(
    `cvc-complex-type.2.4.b: The content of element '${parent.local}' is not complete. One of ${describe(c.expected)} is expected.`,
  );
}

function validateValue(p: ElementParticle, e: XEl): void {
  const t = p.type ?? "string";
  const v = e.text.trim();
  if (isNil(e)) {
    if (!p.nillable) {
      throw new SchemaViolation(`cvc-elt.3.1: Attribute 'xsi:nil' must not appear on element '${e.name}', because the {nillable} property of '${e.name}' is false.`);
    }
    return;
  }
  const bad = (typeName: string): SchemaViolation =>
    new SchemaViolation(`cvc-datatype-valid.1.2.1: '${v}' is not a valid value for '${typeName}'.`);
  // xsd:boolean, and 12.x's axlapi:boolean which also takes t/f.
  if (t === "boolean" && !["true", "false", "1", "0", "t", "f"].includes(v)) throw bad("boolean");
  if (t === "int" && !/^[+-]?\d+$/.test(v)) throw bad("integer");
  if (t === "uuid" && !/^\{.{8}-.{4}-.{4}-.{4}-.{12}\}$/.test(v)) {
    throw new SchemaViolation(`cvc-pattern-valid: Value '${v}' is not facet-valid with respect to pattern for type 'XUUID'.`);
  }
  if (typeof t === "object" && "pattern" in t && !t.pattern.test(e.text)) {
    throw new SchemaViolation(`cvc-pattern-valid: Value '${e.text}' is not facet-valid with respect to pattern '${t.pattern.source}' for type '${t.typeName}'.`);
  }
  if (Array.isArray(t) && !t.includes(e.text)) {
    throw new SchemaViolation(
      `cvc-enumeration-valid: Value '${e.text}' is not facet-valid with respect to enumeration '[${t.join(", ")}]'. It must be a value from the enumeration.`,
    );
  }
}

function validateElement(p: ElementParticle, e: XEl): void {
  if (p.any) return;
  if (!p.content) {
    if (e.children.length) {
      throw new SchemaViolation(`cvc-type.3.1.2: Element '${e.name}' is a simple type, so it must have no element information item [children].`);
    }
    validateValue(p, e);
    return;
  }
  if (isNil(e) && p.nillable && e.children.length === 0) return;
  if (e.text.trim() !== "") {
    throw new SchemaViolation(`cvc-complex-type.2.3: Element '${e.name}' cannot have character [children], because the type's content type is element-only.`);
  }
  validateContent(p.content, e);
}

/** Validates the children of `parent` against `model`; throws SchemaViolation on the first error. */
export function validateContent(model: Particle, parent: XEl): void {
  const c: Cursor = { kids: parent.children, i: 0, expected: new Set() };
  if (!matchParticle(model, c, parent, true) && !nullable(model)) throw incomplete(c, parent);
  if (c.i < c.kids.length) {
    const next = c.kids[c.i]!;
    if (c.expected.size) throw incomplete(c, parent);
    throw new SchemaViolation(
      `cvc-complex-type.2.4.d: Invalid content was found starting with element '${display(next)}'. No child element is expected at this point.`,
    );
  }
}
