/**
 * Distinguished names and search filters built from values rcclab does not control (user names,
 * display names): escaped per RFC 4514 (DN attribute values) and RFC 4515 (filter assertion
 * values), and parsed back for comparisons (AD answers with its own escaping and letter case).
 */

const DN_SPECIAL = new Set([",", "+", '"', "\\", "<", ">", ";", "="]);

/**
 * One RDN attribute value escaped per RFC 4514 §2.4: the special characters with a backslash, a
 * leading '#' or blank and a trailing blank, NUL as \00. '=' is escaped too (allowed by the RFC),
 * as Active Directory does.
 */
export function escapeDnValue(value: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === "\0") out += "\\00";
    else if (DN_SPECIAL.has(c)) out += `\\${c}`;
    else if ((i === 0 && (c === "#" || c === " ")) || (i === value.length - 1 && c === " ")) out += `\\${c}`;
    else out += c;
  }
  return out;
}

/** One filter assertion value escaped per RFC 4515 §3: '*', '(', ')', '\' and NUL as \XX. */
export function escapeFilterValue(value: string | Buffer): string {
  if (Buffer.isBuffer(value)) return [...value].map((b) => `\\${b.toString(16).padStart(2, "0")}`).join("");
  return value.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** An equality filter `(attr=value)` with the value escaped. */
export function eq(attribute: string, value: string | Buffer): string {
  return `(${attribute}=${escapeFilterValue(value)})`;
}

export interface Ava {
  type: string;
  value: string;
}
/** An RDN: one or more attribute=value pairs (joined by '+'). */
export type Rdn = Ava[];

export class DnSyntaxError extends Error {}

function hexByte(s: string, at: number): number | undefined {
  const h = s.slice(at, at + 2);
  return /^[0-9a-fA-F]{2}$/.test(h) ? parseInt(h, 16) : undefined;
}

/** Parse a DN string (RFC 4514) into RDNs, values unescaped. Throws DnSyntaxError on bad syntax. */
export function parseDn(dn: string): Rdn[] {
  const rdns: Rdn[] = [];
  if (dn.trim() === "") return rdns;
  let i = 0;
  let rdn: Rdn = [];
  const fail = (why: string): never => {
    throw new DnSyntaxError(`invalid DN "${dn}": ${why}`);
  };
  for (;;) {
    // attribute type
    while (dn[i] === " ") i++;
    const typeStart = i;
    while (i < dn.length && dn[i] !== "=") {
      if (dn[i] === "," || dn[i] === "+") fail(`missing '=' at ${i}`);
      i++;
    }
    if (i >= dn.length) fail("missing '='");
    const type = dn.slice(typeStart, i).trim();
    if (!/^([A-Za-z][A-Za-z0-9-]*|[0-9]+(\.[0-9]+)*)$/.test(type)) fail(`invalid attribute type "${type}"`);
    i++; // '='
    // attribute value
    const bytes: number[] = [];
    let pendingSpaces = 0; // unescaped trailing blanks are not part of the value
    if (dn[i] === "#") {
      // hexstring (BER): kept as its text form
      const start = i;
      i++;
      while (i < dn.length && /[0-9a-fA-F]/.test(dn[i]!)) i++;
      bytes.push(...Buffer.from(dn.slice(start, i)));
    } else {
      while (dn[i] === " ") i++;
      while (i < dn.length && dn[i] !== "," && dn[i] !== "+" && dn[i] !== ";") {
        const c = dn[i]!;
        if (c === "\\") {
          const h = hexByte(dn, i + 1);
          if (h !== undefined) {
            for (; pendingSpaces > 0; pendingSpaces--) bytes.push(0x20);
            bytes.push(h);
            i += 3;
            continue;
          }
          const next = dn[i + 1];
          if (next === undefined) fail("trailing backslash");
          for (; pendingSpaces > 0; pendingSpaces--) bytes.push(0x20);
          bytes.push(...Buffer.from(next!));
          i += 2;
          continue;
        }
        if (c === '"') fail("unescaped '\"'");
        if (c === " ") {
          pendingSpaces++;
          i++;
          continue;
        }
        for (; pendingSpaces > 0; pendingSpaces--) bytes.push(0x20);
        bytes.push(...Buffer.from(c));
        i++;
      }
    }
    rdn.push({ type, value: Buffer.from(bytes).toString("utf8") });
    if (i >= dn.length) {
      rdns.push(rdn);
      return rdns;
    }
    const sep = dn[i]!;
    i++;
    if (sep === "," || sep === ";") {
      rdns.push(rdn);
      rdn = [];
      if (i >= dn.length) fail("empty RDN at the end");
    }
  }
}

/** A DN from RDNs, every value escaped. */
export function formatDn(rdns: readonly Rdn[]): string {
  return rdns.map((rdn) => rdn.map((a) => `${a.type}=${escapeDnValue(a.value)}`).join("+")).join(",");
}

/** `CN=<value>,<parent>` with the value escaped. */
export function childDn(type: string, value: string, parent: string): string {
  return parent ? `${type}=${escapeDnValue(value)},${parent}` : `${type}=${escapeDnValue(value)}`;
}

/**
 * The comparable form of a DN: types and values lower-cased (AD compares DNs case-insensitively),
 * multi-valued RDNs sorted, one canonical escaping. Throws DnSyntaxError on bad syntax.
 */
export function normalizeDn(dn: string): string {
  return parseDn(dn)
    .map((rdn) =>
      rdn
        .map((a) => `${a.type.toLowerCase()}=${escapeDnValue(a.value.toLowerCase())}`)
        .sort()
        .join("+"),
    )
    .join(",");
}

export function dnEquals(a: string, b: string): boolean {
  try {
    return normalizeDn(a) === normalizeDn(b);
  } catch {
    return false;
  }
}

/** The DC=… suffix of a DN (the domain's naming context), e.g. DC=lab,DC=example,DC=com. */
export function domainDnOf(dn: string): string {
  const rdns = parseDn(dn);
  const at = rdns.findIndex((r) => r.length === 1 && r[0]!.type.toLowerCase() === "dc");
  if (at < 0 || !rdns.slice(at).every((r) => r.length === 1 && r[0]!.type.toLowerCase() === "dc")) {
    throw new DnSyntaxError(`"${dn}" does not end in the domain's DC=… components`);
  }
  return formatDn(rdns.slice(at));
}

/** The DNS name of a domain DN: DC=lab,DC=example,DC=com → lab.example.com. */
export function dnsNameOf(domainDn: string): string {
  return parseDn(domainDn)
    .map((r) => r[0]!.value)
    .join(".");
}

/** The value of the first RDN (CN=Alice Ng,CN=Users,… → "Alice Ng"). */
export function rdnValue(dn: string): string {
  const first = parseDn(dn)[0];
  if (!first) throw new DnSyntaxError("empty DN");
  return first[0]!.value;
}

/** The parent of a DN, or "" for a single RDN. */
export function parentDn(dn: string): string {
  return formatDn(parseDn(dn).slice(1));
}
