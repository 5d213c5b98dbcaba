/**
 * Zone transfers (AXFR, RFC 5936) for the DNS simulator: the answer's messages and their TSIG
 * signatures, written here from RFC 8945 (§4.3 for the first message, §5.3.1 for the ones after).
 *
 * - The answer opens and closes with the zone's SOA; its records are split over messages of at most
 *   `perMessage` records, each a DNS message with the request's ID and question (RFC 5936 §2.2).
 * - Signed: the first message's MAC covers the request's MAC (length-prefixed), the message and the
 *   full TSIG variables; each later message's MAC covers the previous MAC (length-prefixed), the
 *   message and the timers only (time signed, fudge). This simulator signs every message.
 */
import * as crypto from "node:crypto";

export interface TransferKey {
  name: string;
  algorithm: "hmac-sha256" | "hmac-sha1" | "hmac-sha512" | "hmac-md5";
  secret: string;
}

/** The algorithm names on the wire (RFC 8945 §6) and their hashes. */
const WIRE: Record<TransferKey["algorithm"], [string, string]> = {
  "hmac-md5": ["hmac-md5.sig-alg.reg.int", "md5"],
  "hmac-sha1": ["hmac-sha1", "sha1"],
  "hmac-sha256": ["hmac-sha256", "sha256"],
  "hmac-sha512": ["hmac-sha512", "sha512"],
};

const TYPE_TSIG = 250;
const CLASS_ANY = 255;

/** A domain name in uncompressed, lowercase wire form. */
function wireName(name: string): Buffer {
  const labels = name.toLowerCase().replace(/\.$/, "").split(".").filter(Boolean);
  return Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, "latin1")])), Buffer.from([0])]);
}

const u48 = (n: number): Buffer => {
  const b = Buffer.alloc(6);
  b.writeUInt16BE(Math.floor(n / 2 ** 32) & 0xffff, 0);
  b.writeUInt32BE(n % 2 ** 32 >>> 0, 2);
  return b;
};

const u16 = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n, 0);
  return b;
};

/** The message with a TSIG record (error 0, no other data) appended and ARCOUNT raised. */
function withTsig(message: Buffer, key: TransferKey, timeSigned: number, fudge: number, mac: Buffer): Buffer {
  const rdata = Buffer.concat([wireName(WIRE[key.algorithm][0]), u48(timeSigned), u16(fudge), u16(mac.length), mac, u16(message.readUInt16BE(0)), u16(0), u16(0)]);
  const head = Buffer.concat([u16(TYPE_TSIG), u16(CLASS_ANY), Buffer.alloc(4), u16(rdata.length)]);
  const out = Buffer.concat([message, wireName(key.name), head, rdata]);
  out.writeUInt16BE(message.readUInt16BE(10) + 1, 10);
  return out;
}

/**
 * Sign the messages of one transfer answer. `requestMac`: the MAC of the signed request; `fudge`:
 * the request's. Returns the signed messages.
 */
export function signTransfer(messages: readonly Buffer[], key: TransferKey, requestMac: Buffer, fudge: number, now: number): Buffer[] {
  const out: Buffer[] = [];
  let prior = requestMac;
  messages.forEach((m, i) => {
    const h = crypto.createHmac(WIRE[key.algorithm][1], Buffer.from(key.secret, "base64"));
    h.update(u16(prior.length));
    h.update(prior);
    h.update(m);
    if (i === 0) {
      // The TSIG variables (RFC 8945 §4.3.3): key name, class ANY, TTL 0, algorithm, time, fudge, error 0, other length 0.
      h.update(Buffer.concat([wireName(key.name), u16(CLASS_ANY), Buffer.alloc(4), wireName(WIRE[key.algorithm][0]), u48(now), u16(fudge), u16(0), u16(0)]));
    } else {
      h.update(Buffer.concat([u48(now), u16(fudge)]));
    }
    prior = h.digest();
    out.push(withTsig(m, key, now, fudge, prior));
  });
  return out;
}

/** Records split into the answer sections of successive messages. */
export function chunk<T>(records: readonly T[], perMessage: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < records.length; i += perMessage) out.push(records.slice(i, i + perMessage));
  return out;
}
