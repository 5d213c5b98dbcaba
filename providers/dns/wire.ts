/**
 * DNS messages on the wire, as far as rcclab needs them (RFC 1035 framing, RFC 2136 UPDATE, RFC 8945
 * TSIG records). Names and the RDATA of the usual types are encoded and decoded by `dns-packet`;
 * the message and resource-record framing is ours, because dns-packet cannot write class NONE
 * (RFC 2136 "delete an RR from an RRset"), reads a fixed-size RDATA even when RDLENGTH is 0 (class ANY
 * deletes), and keeps no offsets (TSIG needs the exact bytes a record starts at).
 *
 * Names are handled in presentation form without the trailing dot ("lab.example.com"; the root is "").
 * RDATA is kept uncompressed, so records compare byte for byte (names in it are compared lowercased).
 */
import * as dnsPacket from "dns-packet";

/** The parts of dns-packet used here; its published types do not declare the name and RDATA codecs. */
interface RdataCodec<T = any> {
  encode(data: T, buf?: Buffer, offset?: number): Buffer;
  decode(buf: Buffer, offset?: number): T;
}
interface DnsPacketCodecs {
  name: { encode(name: string): Buffer; decode: ((buf: Buffer, offset?: number) => string) & { bytes: number } };
  a: RdataCodec<string>;
  aaaa: RdataCodec<string>;
  ns: RdataCodec<string>;
  cname: RdataCodec<string>;
  ptr: RdataCodec<string>;
  srv: RdataCodec<{ priority: number; weight: number; port: number; target: string }>;
  mx: RdataCodec<{ preference: number; exchange: string }>;
  soa: RdataCodec<{ mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number }>;
  txt: RdataCodec<(string | Buffer)[]>;
}
const packet = dnsPacket as unknown as DnsPacketCodecs;

export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, OPT: 41, TSIG: 250, ANY: 255 } as const;
export const CLASS = { IN: 1, NONE: 254, ANY: 255 } as const;
export const OPCODE = { QUERY: 0, UPDATE: 5 } as const;
export const RCODE = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  YXDOMAIN: 6,
  YXRRSET: 7,
  NXRRSET: 8,
  NOTAUTH: 9,
  NOTZONE: 10,
} as const;

const TYPE_NAMES = new Map<number, string>(Object.entries(TYPE).map(([k, v]) => [v, k]));
const RCODE_NAMES = new Map<number, string>(Object.entries(RCODE).map(([k, v]) => [v, k]));

export const typeName = (t: number): string => TYPE_NAMES.get(t) ?? `TYPE${t}`;
export const rcodeName = (r: number): string => RCODE_NAMES.get(r) ?? `RCODE${r}`;
export function typeCode(name: string): number {
  const t = (TYPE as Record<string, number>)[name.toUpperCase()];
  if (t !== undefined) return t;
  const m = /^TYPE(\d+)$/i.exec(name);
  if (m) return Number(m[1]);
  throw new Error(`unknown record type ${name}`);
}

export interface Question {
  name: string;
  type: number;
  class: number;
}

export interface Rr {
  name: string;
  type: number;
  class: number;
  ttl: number;
  /** Uncompressed RDATA (empty for RFC 2136 class ANY deletes and prerequisites). */
  rdata: Buffer;
}

/** A record as parsed, with where it sits in the message (TSIG verification needs the bytes). */
export interface ParsedRr extends Rr {
  start: number;
  end: number;
}

export interface Message {
  id: number;
  /** QR: a response. */
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  rcode: number;
  /** Zone section in an UPDATE. */
  questions: Question[];
  /** Prerequisite section in an UPDATE. */
  answers: Rr[];
  /** Update section in an UPDATE. */
  authorities: Rr[];
  additionals: Rr[];
}

export interface ParsedMessage extends Message {
  answers: ParsedRr[];
  authorities: ParsedRr[];
  additionals: ParsedRr[];
}

export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WireError";
  }
}

/** "lab.example.com." / "Lab.Example.COM" → "lab.example.com" (lowercase, no trailing dot). */
export function canonicalName(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith(".") ? n.slice(0, -1) : n;
}

export const sameName = (a: string, b: string): boolean => canonicalName(a) === canonicalName(b);

/** True when `name` is `zone` or below it. */
export function inZone(name: string, zone: string): boolean {
  const n = canonicalName(name);
  const z = canonicalName(zone);
  return z === "" || n === z || n.endsWith(`.${z}`);
}

export function encodeName(name: string): Buffer {
  const n = name.endsWith(".") ? name.slice(0, -1) : name;
  // dns-packet writes two zero bytes for "": the root is ".".
  return packet.name.encode(n === "" ? "." : n);
}

function decodeName(buf: Buffer, offset: number): { name: string; bytes: number } {
  const name = packet.name.decode(buf, offset);
  return { name: name === "." ? "" : name, bytes: packet.name.decode.bytes };
}

type Codec = RdataCodec;

/** dns-packet's RDATA codec for a type whose RDATA may hold (compressed) names, or undefined. */
function nameBearingCodec(type: number): Codec | undefined {
  switch (type) {
    case TYPE.NS:
      return packet.ns;
    case TYPE.CNAME:
      return packet.cname;
    case TYPE.PTR:
      return packet.ptr;
    case TYPE.SRV:
      return packet.srv;
    case TYPE.SOA:
      return packet.soa;
    case TYPE.MX:
      return packet.mx;
    default:
      return undefined;
  }
}

function encodeRr(rr: Rr): Buffer {
  const head = Buffer.alloc(10);
  head.writeUInt16BE(rr.type, 0);
  head.writeUInt16BE(rr.class, 2);
  head.writeUInt32BE(rr.ttl >>> 0, 4);
  head.writeUInt16BE(rr.rdata.length, 8);
  return Buffer.concat([encodeName(rr.name), head, rr.rdata]);
}

export function encodeMessage(m: Message): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(m.id & 0xffff, 0);
  const flags =
    (m.qr ? 0x8000 : 0) | ((m.opcode & 0xf) << 11) | (m.aa ? 0x400 : 0) | (m.tc ? 0x200 : 0) | (m.rd ? 0x100 : 0) | (m.ra ? 0x80 : 0) | (m.rcode & 0xf);
  header.writeUInt16BE(flags, 2);
  header.writeUInt16BE(m.questions.length, 4);
  header.writeUInt16BE(m.answers.length, 6);
  header.writeUInt16BE(m.authorities.length, 8);
  header.writeUInt16BE(m.additionals.length, 10);
  const parts: Buffer[] = [header];
  for (const q of m.questions) {
    const t = Buffer.alloc(4);
    t.writeUInt16BE(q.type, 0);
    t.writeUInt16BE(q.class, 2);
    parts.push(encodeName(q.name), t);
  }
  for (const rr of [...m.answers, ...m.authorities, ...m.additionals]) parts.push(encodeRr(rr));
  return Buffer.concat(parts);
}

/** A plain query (opcode QUERY, no recursion desired) with one question of class IN. */
export function encodeQuery(id: number, name: string, type: number): Buffer {
  return encodeMessage({
    id,
    qr: false,
    opcode: OPCODE.QUERY,
    aa: false,
    tc: false,
    rd: false,
    ra: false,
    rcode: 0,
    questions: [{ name, type, class: CLASS.IN }],
    answers: [],
    authorities: [],
    additionals: [],
  });
}

function need(buf: Buffer, offset: number, n: number): void {
  if (offset + n > buf.length) throw new WireError(`message truncated at byte ${offset} (needs ${n} more of ${buf.length})`);
}

function parseRr(buf: Buffer, offset: number): ParsedRr {
  const start = offset;
  const { name, bytes } = decodeName(buf, offset);
  offset += bytes;
  need(buf, offset, 10);
  const type = buf.readUInt16BE(offset);
  const klass = buf.readUInt16BE(offset + 2);
  const ttl = buf.readUInt32BE(offset + 4);
  const rdlength = buf.readUInt16BE(offset + 8);
  offset += 10;
  need(buf, offset, rdlength);
  let rdata: Buffer = Buffer.from(buf.subarray(offset, offset + rdlength));
  const codec = rdlength > 0 ? nameBearingCodec(type) : undefined;
  if (codec) {
    // Decompress the names it holds, against the whole message, and write them out uncompressed.
    rdata = codec.encode(codec.decode(buf, offset - 2)).subarray(2);
  }
  offset += rdlength;
  return { name, type, class: klass, ttl, rdata, start, end: offset };
}

export function parseMessage(buf: Buffer): ParsedMessage {
  try {
    need(buf, 0, 12);
    const flags = buf.readUInt16BE(2);
    const counts = [buf.readUInt16BE(4), buf.readUInt16BE(6), buf.readUInt16BE(8), buf.readUInt16BE(10)];
    let offset = 12;
    const questions: Question[] = [];
    for (let i = 0; i < counts[0]!; i++) {
      const { name, bytes } = decodeName(buf, offset);
      offset += bytes;
      need(buf, offset, 4);
      questions.push({ name, type: buf.readUInt16BE(offset), class: buf.readUInt16BE(offset + 2) });
      offset += 4;
    }
    const sections: ParsedRr[][] = [[], [], []];
    for (let s = 0; s < 3; s++) {
      for (let i = 0; i < counts[s + 1]!; i++) {
        const rr = parseRr(buf, offset);
        sections[s]!.push(rr);
        offset = rr.end;
      }
    }
    return {
      id: buf.readUInt16BE(0),
      qr: (flags & 0x8000) !== 0,
      opcode: (flags >> 11) & 0xf,
      aa: (flags & 0x400) !== 0,
      tc: (flags & 0x200) !== 0,
      rd: (flags & 0x100) !== 0,
      ra: (flags & 0x80) !== 0,
      rcode: flags & 0xf,
      questions,
      answers: sections[0]!,
      authorities: sections[1]!,
      additionals: sections[2]!,
    };
  } catch (e) {
    if (e instanceof WireError) throw e;
    throw new WireError(`malformed DNS message: ${(e as Error).message}`);
  }
}

/** The 16-bit ID at the start of a message. */
export const messageId = (buf: Buffer): number => (buf.length >= 2 ? buf.readUInt16BE(0) : -1);

// ---------------------------------------------------------------------------------------------
// RDATA in presentation form ("10.10.10.20", "cup.lab.example.com.", "0 0 5061 pool1.lab.example.com.")

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** A host name label: letters, digits, hyphens; underscores allowed (SRV owner names). */
const LABEL = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/;

export function isIpv4(s: string): boolean {
  return IPV4.test(s);
}

/** A fully qualified domain name, with or without the trailing dot. */
export function isDomainName(s: string): boolean {
  const n = s.endsWith(".") ? s.slice(0, -1) : s;
  if (n.length === 0 || n.length > 253) return false;
  return n.split(".").every((l) => LABEL.test(l));
}

const u16 = (s: string, what: string): number => {
  if (!/^\d{1,5}$/.test(s) || Number(s) > 65535) throw new Error(`${what} must be an integer from 0 to 65535, got "${s}"`);
  return Number(s);
};

/** Target names in presentation form: lowercase, with the trailing dot. */
const absolute = (n: string): string => `${canonicalName(n)}.`;

/**
 * Parse presentation-form RDATA of one type and return its canonical text (lowercase names with the
 * trailing dot) or throw a message that says what is expected.
 */
export function canonicalRdata(type: string, text: string): string {
  const t = text.trim();
  switch (type.toUpperCase()) {
    case "A":
      if (!isIpv4(t)) throw new Error(`an A record is an IPv4 address such as 10.10.10.20, got "${text}"`);
      return t;
    case "PTR":
    case "CNAME":
    case "NS":
      if (!isDomainName(t)) throw new Error(`a ${type.toUpperCase()} record is a domain name such as cup.lab.example.com., got "${text}"`);
      return absolute(t);
    case "SRV": {
      const parts = t.split(/\s+/);
      if (parts.length !== 4) throw new Error(`an SRV record is "priority weight port target", e.g. "0 0 5061 pool1.lab.example.com.", got "${text}"`);
      const [p, w, port, target] = parts as [string, string, string, string];
      const nums = [u16(p, "SRV priority"), u16(w, "SRV weight"), u16(port, "SRV port")];
      if (target !== "." && !isDomainName(target)) throw new Error(`the SRV target must be a domain name or ".", got "${target}"`);
      return `${nums.join(" ")} ${target === "." ? "." : absolute(target)}`;
    }
    default:
      throw new Error(`record type ${type} is not supported here`);
  }
}

/** Uncompressed wire RDATA from presentation form (A, PTR, CNAME, NS, SRV, SOA, TXT, AAAA, MX). */
export function rdataFromText(type: number, text: string): Buffer {
  const t = text.trim();
  switch (type) {
    case TYPE.A:
      if (!isIpv4(t)) throw new Error(`not an IPv4 address: "${text}"`);
      return packet.a.encode(t).subarray(2);
    case TYPE.AAAA:
      return packet.aaaa.encode(t).subarray(2);
    case TYPE.PTR:
    case TYPE.CNAME:
    case TYPE.NS:
      return nameBearingCodec(type)!.encode(canonicalName(t) || ".").subarray(2);
    case TYPE.SRV: {
      const [p, w, port, target] = canonicalRdata("SRV", t).split(" ") as [string, string, string, string];
      return packet.srv.encode({ priority: Number(p), weight: Number(w), port: Number(port), target: target === "." ? "." : canonicalName(target) }).subarray(2);
    }
    case TYPE.MX: {
      const [pref, exchange] = t.split(/\s+/) as [string, string];
      return packet.mx.encode({ preference: u16(pref, "MX preference"), exchange: canonicalName(exchange) }).subarray(2);
    }
    case TYPE.SOA: {
      const f = t.split(/\s+/);
      if (f.length !== 7) throw new Error(`an SOA record has 7 fields, got "${text}"`);
      const n = f.slice(2).map(Number);
      return packet.soa
        .encode({ mname: canonicalName(f[0]!), rname: canonicalName(f[1]!), serial: n[0]!, refresh: n[1]!, retry: n[2]!, expire: n[3]!, minimum: n[4]! })
        .subarray(2);
    }
    case TYPE.TXT: {
      const strings = [...t.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => (m[1] ?? m[2] ?? "").replace(/\\(.)/g, "$1"));
      return packet.txt.encode(strings).subarray(2);
    }
    default: {
      // RFC 3597: \# <length> <hex>
      const m = /^\\#\s+(\d+)\s*([0-9A-Fa-f\s]*)$/.exec(t);
      if (!m) throw new Error(`type ${typeName(type)} needs RFC 3597 form "\\# <length> <hex>"`);
      const hex = m[2]!.replace(/\s+/g, "");
      if (hex.length !== Number(m[1]) * 2) throw new Error(`RFC 3597 length ${m[1]} does not match the data`);
      return Buffer.from(hex, "hex");
    }
  }
}

/** Presentation form of uncompressed RDATA (names lowercase, with the trailing dot). */
export function rdataToText(type: number, rdata: Buffer): string {
  const withLength = (): Buffer => {
    const b = Buffer.alloc(rdata.length + 2);
    b.writeUInt16BE(rdata.length, 0);
    rdata.copy(b, 2);
    return b;
  };
  try {
    switch (type) {
      case TYPE.A:
        if (rdata.length === 4) return [...rdata].join(".");
        break;
      case TYPE.AAAA:
        if (rdata.length === 16) return packet.aaaa.decode(withLength());
        break;
      case TYPE.PTR:
      case TYPE.CNAME:
      case TYPE.NS:
        return absolute(nameBearingCodec(type)!.decode(withLength()) as string);
      case TYPE.SRV: {
        const s = packet.srv.decode(withLength());
        return `${s.priority} ${s.weight} ${s.port} ${s.target === "." ? "." : absolute(s.target)}`;
      }
      case TYPE.MX: {
        const m = packet.mx.decode(withLength());
        return `${m.preference} ${absolute(m.exchange)}`;
      }
      case TYPE.SOA: {
        const s = packet.soa.decode(withLength());
        return `${absolute(s.mname)} ${absolute(s.rname)} ${s.serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minimum}`;
      }
      case TYPE.TXT:
        return (packet.txt.decode(withLength()) as Buffer[]).map((b) => JSON.stringify(b.toString("latin1"))).join(" ");
    }
  } catch {
    // fall through to the generic form
  }
  return `\\# ${rdata.length}${rdata.length ? ` ${rdata.toString("hex")}` : ""}`;
}

/** Canonical form of RDATA for comparisons (RFC 4034 §6.2: names lowercased). */
export function canonicalRdataBytes(type: number, rdata: Buffer): Buffer {
  if (!nameBearingCodec(type)) return rdata;
  try {
    return rdataFromText(type, rdataToText(type, rdata));
  } catch {
    return rdata;
  }
}

export const sameRdata = (type: number, a: Buffer, b: Buffer): boolean => canonicalRdataBytes(type, a).equals(canonicalRdataBytes(type, b));

/** 1.2.3.4 → 4.3.2.1.in-addr.arpa */
export function reverseName(ipv4: string): string {
  if (!isIpv4(ipv4)) throw new Error(`not an IPv4 address: "${ipv4}"`);
  return `${ipv4.split(".").reverse().join(".")}.in-addr.arpa`;
}
