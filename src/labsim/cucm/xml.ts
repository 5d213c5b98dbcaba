/**
 * A small namespace-aware XML element tree for the simulator: parsing (fast-xml-parser with
 * preserveOrder, so element order survives) and serialization.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";

export const SOAP_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/";
export const XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";

export interface XAttr {
  /** Qualified name as written (e.g. "xsi:nil", "uuid"). */
  name: string;
  local: string;
  ns: string;
  value: string;
}

export interface XEl {
  /** Qualified name as written. */
  name: string;
  local: string;
  /** Namespace URI ("" = no namespace). */
  ns: string;
  attrs: XAttr[];
  children: XEl[];
  /** Concatenated character data directly inside the element. */
  text: string;
}

export class XmlSyntaxError extends Error {}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  cdataPropName: "#cdata",
  commentPropName: "#comment",
  processEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type Raw = Record<string, unknown>;

function splitQName(q: string): [prefix: string, local: string] {
  const i = q.indexOf(":");
  return i < 0 ? ["", q] : [q.slice(0, i), q.slice(i + 1)];
}

function convert(raw: Raw, scope: Map<string, string>): XEl | undefined {
  const name = Object.keys(raw).find((k) => k !== ":@");
  if (!name || name.startsWith("#")) return undefined;
  const rawAttrs = (raw[":@"] ?? {}) as Record<string, string>;
  let inner = scope;
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (k === "xmlns" || k.startsWith("xmlns:")) {
      if (inner === scope) inner = new Map(scope);
      inner.set(k === "xmlns" ? "" : k.slice(6), String(v));
    }
  }
  const [prefix, local] = splitQName(name);
  const ns = inner.get(prefix);
  if (ns === undefined) throw new XmlSyntaxError(`The prefix "${prefix}" for element "${name}" is not bound.`);
  const attrs: XAttr[] = [];
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (k === "xmlns" || k.startsWith("xmlns:")) continue;
    const [ap, al] = splitQName(k);
    const ans = ap ? inner.get(ap) : "";
    if (ans === undefined) throw new XmlSyntaxError(`The prefix "${ap}" for attribute "${k}" is not bound.`);
    attrs.push({ name: k, local: al, ns: ans, value: String(v) });
  }
  const el: XEl = { name, local, ns, attrs, children: [], text: "" };
  for (const child of (raw[name] ?? []) as Raw[]) {
    if ("#text" in child) el.text += String(child["#text"]);
    else if ("#cdata" in child) {
      for (const c of child["#cdata"] as Raw[]) el.text += String(c["#text"] ?? "");
    } else if ("#comment" in child) continue;
    else {
      const c = convert(child, inner);
      if (c) el.children.push(c);
    }
  }
  return el;
}

/** Parses a document and returns its root element (namespaces resolved). */
export function parseXml(text: string): XEl {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const e = valid.err;
    throw new XmlSyntaxError(`(${e.line}, ${e.col}) ${e.msg}`);
  }
  const doc = parser.parse(text) as Raw[];
  const scope = new Map<string, string>([["", ""], ["xml", "http://www.w3.org/XML/1998/namespace"]]);
  for (const node of doc) {
    const el = convert(node, scope);
    if (el) return el;
  }
  throw new XmlSyntaxError("Premature end of file.");
}

// ---------------------------------------------------------------------------------------------
// Building and serializing

/** An element to serialize. Unprefixed names are in no namespace unless `ns` is given. */
export interface XNode {
  name: string;
  attrs?: Record<string, string>;
  children?: XNode[];
  text?: string;
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&quot;"));
}

/** Element helper: `x("name", "text")`, `x("name", [children])`, `x("name", {attrs}, ...)`. */
export function x(name: string, content?: string | XNode[] | null, attrs?: Record<string, string>): XNode {
  const node: XNode = { name };
  if (attrs && Object.keys(attrs).length) node.attrs = attrs;
  if (typeof content === "string") node.text = content;
  else if (Array.isArray(content)) node.children = content;
  return node;
}

export function serialize(node: XNode): string {
  const attrs = Object.entries(node.attrs ?? {})
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join("");
  const kids = node.children ?? [];
  if (!kids.length && (node.text === undefined || node.text === "")) return `<${node.name}${attrs}/>`;
  const body = kids.length ? kids.map(serialize).join("") : escapeXml(node.text ?? "");
  return `<${node.name}${attrs}>${body}</${node.name}>`;
}

/**
 * Re-serializes a parsed element as a standalone document fragment: every namespace its element
 * and attribute names use is declared on the root (prefixes kept as written).
 */
export function standalone(el: XEl): string {
  const decls = new Map<string, string>();
  const visit = (e: XEl): void => {
    const [p] = splitQName(e.name);
    if (e.ns || p) decls.set(p, e.ns);
    for (const a of e.attrs) {
      const [ap] = splitQName(a.name);
      if (ap && ap !== "xml") decls.set(ap, a.ns);
    }
    e.children.forEach(visit);
  };
  visit(el);
  const toNode = (e: XEl): XNode => {
    const attrs: Record<string, string> = {};
    for (const a of e.attrs) attrs[a.name] = a.value;
    return e.children.length ? x(e.name, e.children.map(toNode), attrs) : x(e.name, e.text, attrs);
  };
  const root = toNode(el);
  const nsAttrs: Record<string, string> = {};
  for (const [p, uri] of decls) nsAttrs[p ? `xmlns:${p}` : "xmlns"] = uri;
  root.attrs = { ...nsAttrs, ...(root.attrs ?? {}) };
  return serialize(root);
}

// ---------------------------------------------------------------------------------------------
// Reading helpers

export function attr(el: XEl, local: string): string | undefined {
  return el.attrs.find((a) => a.local === local && (a.ns === "" || a.ns === XSI_NS))?.value;
}

export function isNil(el: XEl): boolean {
  const v = el.attrs.find((a) => a.local === "nil" && a.ns === XSI_NS)?.value;
  return v === "true" || v === "1";
}

export function child(el: XEl, local: string): XEl | undefined {
  return el.children.find((c) => c.local === local);
}

export function childrenNamed(el: XEl, local: string): XEl[] {
  return el.children.filter((c) => c.local === local);
}
