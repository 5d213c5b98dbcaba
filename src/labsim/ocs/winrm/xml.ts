/**
 * A small namespace-aware XML reader for SOAP envelopes, and escaping for writing them. It takes
 * elements, attributes, text, CDATA, comments, processing instructions and the five predefined
 * entities plus character references; a DOCTYPE (entity expansion) is refused, as WinRM refuses it.
 */

export interface XmlElement {
  /** Qualified name as written. */
  name: string;
  local: string;
  /** Namespace URI ("" when none). */
  ns: string;
  attrs: { name: string; local: string; ns: string; value: string }[];
  children: (XmlElement | string)[];
}

export class XmlError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
    this.name = "XmlError";
  }
}

const XML_NS = "http://www.w3.org/XML/1998/namespace";
const NAME = /^[A-Za-z_:\u00c0-\uffff][\w.\-:\u00b7\u00c0-\uffff]*/;

function decodeEntities(s: string, at: number): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);|&/g, (m, ref: string | undefined) => {
    if (!ref) throw new XmlError("unescaped '&'", at);
    if (ref.startsWith("#x")) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
    const named: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
    const v = named[ref];
    if (v === undefined) throw new XmlError(`undefined entity &${ref};`, at);
    return v;
  });
}

/** Parses a document; returns its root element. */
export function parseXml(text: string, limits: { maxDepth?: number } = {}): XmlElement {
  const maxDepth = limits.maxDepth ?? 64;
  let i = 0;
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const skipMisc = () => {
    for (;;) {
      while (i < s.length && /\s/.test(s[i]!)) i++;
      if (s.startsWith("<?", i)) {
        const end = s.indexOf("?>", i);
        if (end < 0) throw new XmlError("unterminated processing instruction", i);
        i = end + 2;
      } else if (s.startsWith("<!--", i)) {
        const end = s.indexOf("-->", i);
        if (end < 0) throw new XmlError("unterminated comment", i);
        i = end + 3;
      } else if (s.startsWith("<!DOCTYPE", i)) {
        throw new XmlError("DOCTYPE is not allowed", i);
      } else return;
    }
  };
  const element = (scope: Map<string, string>, depth: number): XmlElement => {
    if (depth > maxDepth) throw new XmlError("the document is nested too deeply", i);
    if (s[i] !== "<") throw new XmlError("expected '<'", i);
    i++;
    const nm = NAME.exec(s.slice(i, i + 512));
    if (!nm) throw new XmlError("expected an element name", i);
    const name = nm[0];
    i += name.length;
    const rawAttrs: { name: string; value: string }[] = [];
    for (;;) {
      const ws = /^\s*/.exec(s.slice(i, i + 256))![0].length;
      i += ws;
      if (s.startsWith("/>", i) || s[i] === ">") break;
      if (ws === 0) throw new XmlError("expected whitespace between attributes", i);
      const an = NAME.exec(s.slice(i, i + 512));
      if (!an) throw new XmlError("expected an attribute name", i);
      i += an[0].length;
      i += /^\s*/.exec(s.slice(i, i + 256))![0].length;
      if (s[i] !== "=") throw new XmlError("expected '='", i);
      i++;
      i += /^\s*/.exec(s.slice(i, i + 256))![0].length;
      const q = s[i];
      if (q !== '"' && q !== "'") throw new XmlError("expected a quoted attribute value", i);
      const end = s.indexOf(q, i + 1);
      if (end < 0) throw new XmlError("unterminated attribute value", i);
      const raw = s.slice(i + 1, end);
      if (raw.includes("<")) throw new XmlError("'<' in an attribute value", i);
      if (rawAttrs.some((a) => a.name === an[0])) throw new XmlError(`duplicate attribute ${an[0]}`, i);
      rawAttrs.push({ name: an[0], value: decodeEntities(raw, i) });
      i = end + 1;
    }
    const local = new Map(scope);
    for (const a of rawAttrs) {
      if (a.name === "xmlns") local.set("", a.value);
      else if (a.name.startsWith("xmlns:")) local.set(a.name.slice(6), a.value);
    }
    const resolve = (qname: string, isAttr: boolean): { local: string; ns: string } => {
      const c = qname.indexOf(":");
      if (c < 0) return { local: qname, ns: isAttr ? "" : (local.get("") ?? "") };
      const prefix = qname.slice(0, c);
      if (prefix === "xml") return { local: qname.slice(c + 1), ns: XML_NS };
      if (prefix === "xmlns") return { local: qname.slice(c + 1), ns: "http://www.w3.org/2000/xmlns/" };
      const ns = local.get(prefix);
      if (ns === undefined) throw new XmlError(`namespace prefix ${prefix} is not declared`, i);
      return { local: qname.slice(c + 1), ns };
    };
    const el: XmlElement = {
      name,
      ...resolve(name, false),
      attrs: rawAttrs.filter((a) => a.name !== "xmlns").map((a) => ({ name: a.name, ...resolve(a.name, true), value: a.value })),
      children: [],
    };
    if (s.startsWith("/>", i)) {
      i += 2;
      return el;
    }
    i++;
    for (;;) {
      if (i >= s.length) throw new XmlError(`element ${name} is not closed`, i);
      if (s.startsWith("</", i)) {
        i += 2;
        if (!s.startsWith(name, i)) throw new XmlError(`expected </${name}>`, i);
        i += name.length;
        i += /^\s*/.exec(s.slice(i, i + 256))![0].length;
        if (s[i] !== ">") throw new XmlError("expected '>'", i);
        i++;
        return el;
      }
      if (s.startsWith("<!--", i)) {
        const end = s.indexOf("-->", i);
        if (end < 0) throw new XmlError("unterminated comment", i);
        i = end + 3;
      } else if (s.startsWith("<![CDATA[", i)) {
        const end = s.indexOf("]]>", i);
        if (end < 0) throw new XmlError("unterminated CDATA section", i);
        el.children.push(s.slice(i + 9, end));
        i = end + 3;
      } else if (s.startsWith("<?", i)) {
        const end = s.indexOf("?>", i);
        if (end < 0) throw new XmlError("unterminated processing instruction", i);
        i = end + 2;
      } else if (s[i] === "<") {
        el.children.push(element(local, depth + 1));
      } else {
        const end = s.indexOf("<", i);
        const raw = s.slice(i, end < 0 ? s.length : end);
        el.children.push(decodeEntities(raw, i));
        i += raw.length;
      }
    }
  };
  skipMisc();
  const root = element(new Map(), 0);
  skipMisc();
  if (i < s.length) throw new XmlError("content after the document element", i);
  return root;
}

/** Child elements, optionally by namespace and local name. */
export function kids(el: XmlElement, ns?: string, local?: string): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== "string" && (ns === undefined || c.ns === ns) && (local === undefined || c.local === local));
}

export const kid = (el: XmlElement, ns: string, local: string): XmlElement | undefined => kids(el, ns, local)[0];

/** The element's text content (all descendant text). */
export function text(el: XmlElement): string {
  return el.children.map((c) => (typeof c === "string" ? c : text(c))).join("");
}

export function attr(el: XmlElement, local: string, ns = ""): string | undefined {
  return el.attrs.find((a) => a.local === local && a.ns === ns)?.value;
}

/**
 * Text for an element. Characters 0x1–0x1F other than tab, line feed and carriage return become
 * "?" ([MS-WSMV] 3.1.4.1.25); a carriage return is written as a reference so it survives parsing.
 */
export const escapeText = (s: string): string =>
  s
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, "?")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r/g, "&#xD;");
export const escapeAttr = (s: string): string => escapeText(s).replace(/"/g, "&quot;");
