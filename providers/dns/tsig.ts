/**
 * TSIG (RFC 8945): HMAC signatures on DNS messages, with node:crypto.
 *
 * - A request is signed over its bytes plus the TSIG variables (key name, class ANY, TTL 0,
 *   algorithm name, time signed, fudge, error, other data), all names in canonical (lowercase,
 *   uncompressed) wire form; the TSIG record is then appended to the additional section.
 * - A response is verified over the request's MAC (length-prefixed), the response without its TSIG
 *   record (ARCOUNT decremented, the original ID put back) and the same variables.
 * - Servers report BADKEY / BADSIG as an unsigned TSIG record (empty MAC) with rcode NOTAUTH, and
 *   BADTIME signed, with their own clock in "other data". The same functions serve the lab simulator.
 *
 * Secrets never appear in an error message from this module.
 */
import * as crypto from "node:crypto";
import { CLASS, TYPE, encodeName, parseMessage, type ParsedRr } from "./wire";

export const TSIG_ALGORITHMS = ["hmac-sha256", "hmac-sha1", "hmac-sha512", "hmac-md5"] as const;
export type TsigAlgorithm = (typeof TSIG_ALGORITHMS)[number];

export interface TsigKey {
  /** The key name as the server knows it (e.g. "rcclab-key"). */
  name: string;
  algorithm: TsigAlgorithm;
  /** Base64 secret, as tsig-keygen prints it. */
  secret: string;
}

/** Algorithm names on the wire (RFC 8945 §6). */
const WIRE_ALGORITHM: Record<TsigAlgorithm, string> = {
  "hmac-md5": "hmac-md5.sig-alg.reg.int",
  "hmac-sha1": "hmac-sha1",
  "hmac-sha256": "hmac-sha256",
  "hmac-sha512": "hmac-sha512",
};
const HASH: Record<TsigAlgorithm, string> = { "hmac-md5": "md5", "hmac-sha1": "sha1", "hmac-sha256": "sha256", "hmac-sha512": "sha512" };

/** The algorithm a wire name stands for, or undefined. */
export function algorithmOf(wireName: string): TsigAlgorithm | undefined {
  const n = wireName.toLowerCase().replace(/\.$/, "");
  return (Object.keys(WIRE_ALGORITHM) as TsigAlgorithm[]).find((a) => WIRE_ALGORITHM[a] === n || a === n);
}

/** TSIG error codes (RFC 8945 §3). */
export const TSIG_ERROR = { NOERROR: 0, BADSIG: 16, BADKEY: 17, BADTIME: 18, BADTRUNC: 22 } as const;
export type TsigErrorName = "BADSIG" | "BADKEY" | "BADTIME" | "BADTRUNC" | "FORMERR" | "UNSIGNED";

export const DEFAULT_FUDGE = 300;

export class TsigError extends Error {
  /**
   * What failed: a TSIG error (the server's verdict on our request, or ours on a message we got),
   * FORMERR (a malformed TSIG record) or UNSIGNED (a signature was required and missing).
   */
  readonly tsigError: TsigErrorName;
  /** Who found it: "server" when the server's response says so, "local" when we did. */
  readonly side: "server" | "local";
  /** The server's clock (seconds) a BADTIME response carries. */
  readonly serverTime?: number;
  constructor(tsigError: TsigErrorName, side: "server" | "local", message: string, serverTime?: number) {
    super(message);
    this.name = "TsigError";
    this.tsigError = tsigError;
    this.side = side;
    if (serverTime !== undefined) this.serverTime = serverTime;
  }
}

export interface TsigRecord {
  keyName: string;
  /** The algorithm name as on the wire (e.g. "hmac-sha256"). */
  algorithmName: string;
  timeSigned: number;
  fudge: number;
  mac: Buffer;
  originalId: number;
  error: number;
  other: Buffer;
}

export const tsigErrorName = (code: number): string =>
  (Object.entries(TSIG_ERROR).find(([, v]) => v === code)?.[0] as string | undefined) ?? `TSIG error ${code}`;

function keyBytes(key: TsigKey): Buffer {
  const s = key.secret.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s) || s.length % 4 !== 0) {
    throw new TsigError("BADKEY", "local", `the secret of TSIG key ${key.name} is not base64`);
  }
  return Buffer.from(s, "base64");
}

function hmac(key: TsigKey, ...parts: Buffer[]): Buffer {
  if (!HASH[key.algorithm]) throw new TsigError("BADKEY", "local", `unsupported TSIG algorithm ${String(key.algorithm)}`);
  const h = crypto.createHmac(HASH[key.algorithm], keyBytes(key));
  for (const p of parts) h.update(p);
  return h.digest();
}

const u48 = (n: number): Buffer => {
  const b = Buffer.alloc(6);
  b.writeUInt16BE(Math.floor(n / 2 ** 32) & 0xffff, 0);
  b.writeUInt32BE(n % 2 ** 32 >>> 0, 2);
  return b;
};

/** The TSIG variables covered by the MAC (RFC 8945 §4.3.3). */
function variables(t: Omit<TsigRecord, "mac" | "originalId">): Buffer {
  const klass = Buffer.alloc(6); // CLASS ANY + TTL 0
  klass.writeUInt16BE(CLASS.ANY, 0);
  const tail = Buffer.alloc(6);
  tail.writeUInt16BE(t.fudge, 0);
  tail.writeUInt16BE(t.error, 2);
  tail.writeUInt16BE(t.other.length, 4);
  return Buffer.concat([encodeName(t.keyName.toLowerCase()), klass, encodeName(t.algorithmName.toLowerCase()), u48(t.timeSigned), tail, t.other]);
}

function tsigRdata(t: TsigRecord): Buffer {
  const a = Buffer.alloc(8);
  a.writeUInt16BE(t.fudge, 6);
  u48(t.timeSigned).copy(a, 0);
  const macLen = Buffer.alloc(2);
  macLen.writeUInt16BE(t.mac.length, 0);
  const b = Buffer.alloc(6);
  b.writeUInt16BE(t.originalId, 0);
  b.writeUInt16BE(t.error, 2);
  b.writeUInt16BE(t.other.length, 4);
  return Buffer.concat([encodeName(t.algorithmName), a, macLen, t.mac, b, t.other]);
}

/** The message with a TSIG record appended to the additional section. */
function appendTsig(message: Buffer, t: TsigRecord): Buffer {
  const rdata = tsigRdata(t);
  const head = Buffer.alloc(10);
  head.writeUInt16BE(TYPE.TSIG, 0);
  head.writeUInt16BE(CLASS.ANY, 2);
  head.writeUInt32BE(0, 4);
  head.writeUInt16BE(rdata.length, 8);
  const out = Buffer.concat([message, encodeName(t.keyName), head, rdata]);
  out.writeUInt16BE(message.readUInt16BE(10) + 1, 10);
  return out;
}

export function parseTsigRdata(rr: { name: string; rdata: Buffer }): TsigRecord {
  const r = rr.rdata;
  try {
    // The algorithm name is never compressed (RFC 8945 §4.2).
    let o = 0;
    const labels: string[] = [];
    for (;;) {
      const len = r[o]!;
      if (len === undefined) throw new Error("short");
      o += 1;
      if (len === 0) break;
      if (len > 63) throw new Error("compressed algorithm name");
      labels.push(r.subarray(o, o + len).toString("latin1"));
      o += len;
    }
    const timeSigned = r.readUInt16BE(o) * 2 ** 32 + r.readUInt32BE(o + 2);
    const fudge = r.readUInt16BE(o + 6);
    const macSize = r.readUInt16BE(o + 8);
    o += 10;
    const mac = Buffer.from(r.subarray(o, o + macSize));
    if (mac.length !== macSize) throw new Error("short MAC");
    o += macSize;
    const originalId = r.readUInt16BE(o);
    const error = r.readUInt16BE(o + 2);
    const otherLen = r.readUInt16BE(o + 4);
    const other = Buffer.from(r.subarray(o + 6, o + 6 + otherLen));
    if (other.length !== otherLen) throw new Error("short other data");
    return { keyName: rr.name, algorithmName: labels.join("."), timeSigned, fudge, mac, originalId, error, other };
  } catch (e) {
    throw new TsigError("FORMERR", "local", `malformed TSIG record: ${(e as Error).message}`);
  }
}

export interface ExtractedTsig {
  tsig: TsigRecord;
  /** The message as it was before signing: TSIG removed, ARCOUNT decremented, original ID restored. */
  unsigned: Buffer;
}

/** The TSIG record of a message (it must be the last additional record), or undefined when unsigned. */
export function extractTsig(message: Buffer): ExtractedTsig | undefined {
  const parsed = parseMessage(message);
  const idx = parsed.additionals.findIndex((rr) => rr.type === TYPE.TSIG);
  if (idx < 0) return undefined;
  if (idx !== parsed.additionals.length - 1) throw new TsigError("FORMERR", "local", "the TSIG record is not the last record of the message");
  const rr: ParsedRr = parsed.additionals[idx]!;
  const tsig = parseTsigRdata(rr);
  const unsigned = Buffer.from(message.subarray(0, rr.start));
  unsigned.writeUInt16BE(tsig.originalId, 0);
  unsigned.writeUInt16BE(parsed.additionals.length - 1, 10);
  return { tsig, unsigned };
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export interface SignOptions {
  /** Time signed, seconds since the epoch (default now). */
  timeSigned?: number;
  fudge?: number;
}

export interface Signed {
  message: Buffer;
  /** The request's MAC: needed to verify the response. */
  mac: Buffer;
  timeSigned: number;
}

/** Sign a request (a complete, unsigned DNS message). */
export function signRequest(message: Buffer, key: TsigKey, opts: SignOptions = {}): Signed {
  const t: TsigRecord = {
    keyName: key.name,
    algorithmName: WIRE_ALGORITHM[key.algorithm],
    timeSigned: opts.timeSigned ?? nowSeconds(),
    fudge: opts.fudge ?? DEFAULT_FUDGE,
    mac: Buffer.alloc(0),
    originalId: message.readUInt16BE(0),
    error: 0,
    other: Buffer.alloc(0),
  };
  t.mac = hmac(key, message, variables(t));
  return { message: appendTsig(message, t), mac: t.mac, timeSigned: t.timeSigned };
}

const lengthPrefixed = (mac: Buffer): Buffer => {
  const l = Buffer.alloc(2);
  l.writeUInt16BE(mac.length, 0);
  return Buffer.concat([l, mac]);
};

function macMatches(expected: Buffer, got: Buffer): boolean {
  return expected.length === got.length && crypto.timingSafeEqual(expected, got);
}

export interface VerifyOptions {
  /** The verifier's clock, seconds since the epoch (default now). */
  now?: number;
}

/**
 * Verify a response to a request we signed. Throws a TsigError naming the problem when the server
 * rejected our signature (its TSIG error), when the response is unsigned, or when its MAC or time
 * does not verify. Returns the response's TSIG record.
 */
export function verifyResponse(response: Buffer, key: TsigKey, requestMac: Buffer, opts: VerifyOptions = {}): TsigRecord {
  const got = extractTsig(response);
  if (!got) throw new TsigError("UNSIGNED", "local", `the server's response is not signed (the request was signed with TSIG key ${key.name})`);
  const { tsig, unsigned } = got;
  if (tsig.error === TSIG_ERROR.BADKEY) {
    throw new TsigError("BADKEY", "server", `the server does not know TSIG key ${key.name} with algorithm ${key.algorithm} (BADKEY)`);
  }
  if (tsig.error === TSIG_ERROR.BADSIG) {
    throw new TsigError("BADSIG", "server", `the server rejected the signature made with TSIG key ${key.name}: the secret does not match the server's (BADSIG)`);
  }
  if (tsig.keyName.toLowerCase().replace(/\.$/, "") !== key.name.toLowerCase().replace(/\.$/, "") || algorithmOf(tsig.algorithmName) !== key.algorithm) {
    throw new TsigError("BADKEY", "local", `the response is signed with key ${tsig.keyName} (${tsig.algorithmName}), not ${key.name} (${key.algorithm})`);
  }
  const expected = hmac(key, lengthPrefixed(requestMac), unsigned, variables(tsig));
  if (!macMatches(expected, tsig.mac)) {
    throw new TsigError("BADSIG", "local", `the response's TSIG signature does not verify with key ${key.name}`);
  }
  if (tsig.error === TSIG_ERROR.BADTIME) {
    const serverTime = tsig.other.length === 6 ? tsig.other.readUInt16BE(0) * 2 ** 32 + tsig.other.readUInt32BE(2) : undefined;
    throw new TsigError(
      "BADTIME",
      "server",
      `the server rejected the request's time (BADTIME): the clocks differ by more than ${tsig.fudge} s` +
        (serverTime !== undefined ? ` (server time ${new Date(serverTime * 1000).toISOString()}, ours ${new Date((opts.now ?? nowSeconds()) * 1000).toISOString()})` : ""),
      serverTime,
    );
  }
  if (tsig.error !== 0) throw new TsigError("FORMERR", "server", `the server answered with ${tsigErrorName(tsig.error)}`);
  const now = opts.now ?? nowSeconds();
  if (Math.abs(now - tsig.timeSigned) > tsig.fudge) {
    throw new TsigError("BADTIME", "local", `the response was signed at ${new Date(tsig.timeSigned * 1000).toISOString()}, outside the ${tsig.fudge} s fudge of our clock`);
  }
  return tsig;
}

/**
 * Verify a later message of a multi-message answer (a zone transfer, RFC 8945 §5.3.1). Its MAC covers
 * the previous signed message's MAC (length-prefixed), every message since that one without TSIG
 * (`unsignedSince`, as received), this message without its TSIG record, and only the timers (time
 * signed, fudge) of the TSIG variables. Returns this message's TSIG record (its MAC is the next
 * "previous MAC"), or undefined when the message is unsigned (allowed, but not for the last one).
 */
export function verifyFollowing(message: Buffer, key: TsigKey, priorMac: Buffer, unsignedSince: readonly Buffer[], opts: VerifyOptions = {}): TsigRecord | undefined {
  const got = extractTsig(message);
  if (!got) return undefined;
  const { tsig, unsigned } = got;
  if (tsig.keyName.toLowerCase().replace(/\.$/, "") !== key.name.toLowerCase().replace(/\.$/, "") || algorithmOf(tsig.algorithmName) !== key.algorithm) {
    throw new TsigError("BADKEY", "local", `a message of the answer is signed with key ${tsig.keyName} (${tsig.algorithmName}), not ${key.name} (${key.algorithm})`);
  }
  const timers = Buffer.alloc(8);
  u48(tsig.timeSigned).copy(timers, 0);
  timers.writeUInt16BE(tsig.fudge, 6);
  const expected = hmac(key, lengthPrefixed(priorMac), ...unsignedSince, unsigned, timers);
  if (!macMatches(expected, tsig.mac)) throw new TsigError("BADSIG", "local", `a message of the answer does not verify with TSIG key ${key.name}`);
  if (tsig.error !== 0) throw new TsigError("FORMERR", "server", `the server answered with ${tsigErrorName(tsig.error)}`);
  const now = opts.now ?? nowSeconds();
  if (Math.abs(now - tsig.timeSigned) > tsig.fudge) {
    throw new TsigError("BADTIME", "local", `a message of the answer was signed at ${new Date(tsig.timeSigned * 1000).toISOString()}, outside the ${tsig.fudge} s fudge of our clock`);
  }
  return tsig;
}

// --- the server side (the lab simulator) -----------------------------------------------------

export interface VerifiedRequest {
  key: TsigKey;
  tsig: TsigRecord;
}

/** Why a signed request was rejected, and what the server must put in its TSIG record. */
export interface RejectedRequest {
  error: "BADKEY" | "BADSIG" | "BADTIME" | "FORMERR";
  tsig?: TsigRecord;
  key?: TsigKey;
}

/**
 * Verify a signed request against the server's keys (RFC 8945 §5.2: key, then MAC, then time).
 * Returns undefined for an unsigned request.
 */
export function verifyRequest(
  message: Buffer,
  findKey: (name: string) => TsigKey | undefined,
  opts: VerifyOptions = {},
): { ok: true; verified: VerifiedRequest } | { ok: false; rejected: RejectedRequest } | undefined {
  let got: ExtractedTsig | undefined;
  try {
    got = extractTsig(message);
  } catch {
    return { ok: false, rejected: { error: "FORMERR" } };
  }
  if (!got) return undefined;
  const { tsig, unsigned } = got;
  const key = findKey(tsig.keyName.toLowerCase().replace(/\.$/, ""));
  if (!key || algorithmOf(tsig.algorithmName) !== key.algorithm) return { ok: false, rejected: { error: "BADKEY", tsig } };
  const expected = hmac(key, unsigned, variables(tsig));
  if (!macMatches(expected, tsig.mac)) return { ok: false, rejected: { error: "BADSIG", tsig, key } };
  const now = opts.now ?? nowSeconds();
  if (Math.abs(now - tsig.timeSigned) > tsig.fudge) return { ok: false, rejected: { error: "BADTIME", tsig, key } };
  return { ok: true, verified: { key, tsig } };
}

/** Sign a response to a verified request (or a BADTIME answer, with the server's time). */
export function signResponse(
  response: Buffer,
  key: TsigKey,
  request: TsigRecord,
  opts: { error?: number; now?: number } = {},
): Buffer {
  const now = opts.now ?? nowSeconds();
  const badTime = opts.error === TSIG_ERROR.BADTIME;
  const t: TsigRecord = {
    keyName: key.name,
    algorithmName: WIRE_ALGORITHM[key.algorithm],
    // A BADTIME answer carries the request's time and the server's own in other data (§5.2.3).
    timeSigned: badTime ? request.timeSigned : now,
    fudge: request.fudge,
    mac: Buffer.alloc(0),
    originalId: response.readUInt16BE(0),
    error: opts.error ?? 0,
    other: badTime ? u48(now) : Buffer.alloc(0),
  };
  t.mac = hmac(key, lengthPrefixed(request.mac), response, variables(t));
  return appendTsig(response, t);
}

/** The unsigned TSIG record a BADKEY / BADSIG answer carries (empty MAC, §5.2.1 and §5.2.2). */
export function appendUnsignedTsigError(response: Buffer, request: TsigRecord, error: number): Buffer {
  return appendTsig(response, {
    ...request,
    mac: Buffer.alloc(0),
    originalId: response.readUInt16BE(0),
    error,
    other: Buffer.alloc(0),
  });
}
