/**
 * The embedded directory's own distinguished names (RFC 4514), written for the server side and kept
 * apart from the rcclab client's DN code, so the directory stays an independent judge of what the
 * client sends: a DN is read into RDNs (attribute types and unescaped values), written back with
 * one escaping, and compared the way Active Directory compares names (types and values without
 * regard to case, the AVAs of a multi-valued RDN in any order).
 *
 * Read leniently, as AD does: blanks around separators, ';' as a separator (RFC 1779), '#'
 * hexstrings, '\XX' and '\<char>' escapes.
 */

export interface Ava {
  type: string;
  value: string;
}
export type Rdn = Ava[];

export class DnSyntaxError extends Error {}

const TYPE = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)$/;
const HEX = /^[0-9A-Fa-f]{2}$/;

/** A cursor over the DN's characters. */
class Reader {
  at = 0;
  constructor(readonly text: string) {}
  get done(): boolean {
    return this.at >= this.text.length;
  }
  peek(): string | undefined {
    return this.text[this.at];
  }
  skipBlanks(): void {
    while (this.text[this.at] === " ") this.at++;
  }
  fail(why: string): never {
    throw new DnSyntaxError(`invalid DN "${this.text}": ${why} (at ${this.at})`);
  }
}

function readType(r: Reader): string {
  r.skipBlanks();
  const start = r.at;
  while (!r.done && r.peek() !== "=" && r.peek() !== " ") {
    if (r.peek() === "," || r.peek() === "+" || r.peek() === ";") r.fail("an attribute type must be followed by '='");
    r.at++;
  }
  const type = r.text.slice(start, r.at);
  r.skipBlanks();
  if (r.peek() !== "=") r.fail("'=' expected");
  r.at++;
  if (!TYPE.test(type)) r.fail(`"${type}" is not an attribute type`);
  return type;
}

/** An attribute value up to the next unescaped separator, unescaped into UTF-8 bytes. */
function readValue(r: Reader): string {
  r.skipBlanks();
  if (r.peek() === "#") {
    // A BER hexstring: kept as written (AD accepts it; nothing in the lab sends one).
    const start = r.at++;
    while (!r.done && /[0-9A-Fa-f]/.test(r.peek()!)) r.at++;
    const text = r.text.slice(start, r.at);
    if (text.length < 3 || text.length % 2 === 0) r.fail("a hexstring needs pairs of hex digits");
    r.skipBlanks();
    return text;
  }
  const bytes: number[] = [];
  let blanks = 0; // unescaped blanks seen and not yet known to be inside the value
  const flushBlanks = () => {
    for (; blanks > 0; blanks--) bytes.push(0x20);
  };
  while (!r.done) {
    const c = r.peek()!;
    if (c === "," || c === "+" || c === ";") break;
    if (c === "\\") {
      const pair = r.text.slice(r.at + 1, r.at + 3);
      flushBlanks();
      if (HEX.test(pair)) {
        bytes.push(parseInt(pair, 16));
        r.at += 3;
      } else {
        const next = r.text.codePointAt(r.at + 1);
        if (next === undefined) r.fail("a backslash at the end");
        const ch = String.fromCodePoint(next!);
        bytes.push(...Buffer.from(ch, "utf8"));
        r.at += 1 + ch.length;
      }
      continue;
    }
    if (c === '"') r.fail("a quote must be escaped");
    if (c === " ") {
      blanks++;
      r.at++;
      continue;
    }
    flushBlanks();
    const cp = r.text.codePointAt(r.at)!;
    const ch = String.fromCodePoint(cp);
    bytes.push(...Buffer.from(ch, "utf8"));
    r.at += ch.length;
  }
  return Buffer.from(bytes).toString("utf8");
}

/** A DN read into RDNs, values unescaped. "" is the root (no RDNs). Throws DnSyntaxError. */
export function parseDn(dn: string): Rdn[] {
  const r = new Reader(dn);
  r.skipBlanks();
  if (r.done) return [];
  const rdns: Rdn[] = [];
  let rdn: Rdn = [];
  for (;;) {
    const type = readType(r);
    rdn.push({ type, value: readValue(r) });
    if (r.done) break;
    const sep = r.peek()!;
    r.at++;
    if (sep === "+") continue;
    rdns.push(rdn);
    rdn = [];
    r.skipBlanks();
    if (r.done) r.fail("an empty RDN at the end");
  }
  rdns.push(rdn);
  return rdns;
}

/** One value escaped for a DN string: the RFC 4514 specials, leading '#' or blank, trailing blank, NUL. */
export function escapeValue(value: string): string {
  const out: string[] = [];
  const last = value.length - 1;
  for (let i = 0; i <= last; i++) {
    const c = value[i]!;
    if (c === "\0") out.push("\\00");
    else if (',+"\\<>;='.includes(c)) out.push(`\\${c}`);
    else if ((i === 0 && (c === " " || c === "#")) || (i === last && c === " ")) out.push(`\\${c}`);
    else out.push(c);
  }
  return out.join("");
}

export function formatRdn(rdn: Rdn): string {
  return rdn.map((a) => `${a.type}=${escapeValue(a.value)}`).join("+");
}

export function formatDn(rdns: readonly Rdn[]): string {
  return rdns.map(formatRdn).join(",");
}

/** `<type>=<value>,<parent>`, the value escaped. */
export function childDn(type: string, value: string, parent: string): string {
  const rdn = `${type}=${escapeValue(value)}`;
  return parent === "" ? rdn : `${rdn},${parent}`;
}

/** The comparable form: lower case, one escaping, a multi-valued RDN's AVAs sorted. */
export function normalizeDn(dn: string): string {
  return parseDn(dn)
    .map((rdn) =>
      rdn
        .map((a) => `${a.type.toLowerCase()}=${escapeValue(a.value.toLowerCase())}`)
        .sort()
        .join("+"),
    )
    .join(",");
}

/** The domain's DNS name from its DN: DC=lab,DC=example,DC=com → lab.example.com. */
export function dnsNameOf(domainDn: string): string {
  return parseDn(domainDn)
    .map((rdn) => rdn[0]!.value)
    .join(".");
}
