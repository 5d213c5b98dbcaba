/**
 * The DNS client: RFC 2136 dynamic updates and authoritative reads against one server.
 *
 * - Messages go over UDP; a truncated answer (TC) is asked again over TCP, and a message larger than
 *   512 bytes goes over TCP from the start.
 * - Updates are signed with TSIG (RFC 8945) when the connection has a key; without one they are sent
 *   unsigned, which the connection must allow explicitly (allowUnsignedUpdates, for zones such as an
 *   AD-integrated zone that takes nonsecure updates). Reads are signed too when there is a key, so a
 *   wrong key shows at the first read and answers are authenticated.
 * - Every answer is mapped to a typed error (providers/core/errors.ts): NOTAUTH with a TSIG error,
 *   REFUSED → Unauthorized; NOTAUTH (not authoritative), NOTZONE, unknown zone → InvalidRequest naming
 *   the zone; failed prerequisites → Conflict; timeouts and unreachable servers → Timeout / Transport,
 *   retried with backoff. Adds and single-record deletes are idempotent, so retrying them is safe.
 */
import * as crypto from "node:crypto";
import * as dgram from "node:dgram";
import * as net from "node:net";
import { z } from "zod";
import { RcclabError } from "../core/errors";
import type { Logger } from "../core/kind";
import { withRetry } from "../core/retry";
import { extractTsig, signRequest, TSIG_ALGORITHMS, TsigError, verifyFollowing, verifyResponse, type TsigKey } from "./tsig";
import {
  canonicalName,
  CLASS,
  encodeMessage,
  encodeQuery,
  inZone,
  OPCODE,
  parseMessage,
  RCODE,
  rcodeName,
  rdataFromText,
  rdataToText,
  sameName,
  TYPE,
  typeCode,
  typeName,
  WireError,
  type ParsedMessage,
  type Rr,
} from "./wire";

export const dnsConnectionSchema = z
  .object({
    /** The zone's primary (authoritative) server: a host name or an address. */
    server: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(53),
    /** TSIG key for signed updates (and reads). */
    tsig: z
      .object({
        name: z.string().min(1),
        algorithm: z.enum(TSIG_ALGORITHMS).default("hmac-sha256"),
        /** Base64, as tsig-keygen prints it. */
        secret: z.string().min(1).regex(/^[A-Za-z0-9+/]+={0,2}$/, "must be the base64 secret tsig-keygen prints"),
      })
      .strict()
      .optional(),
    /** Send unsigned updates when there is no key (zones that take nonsecure updates). Explicit only. */
    allowUnsignedUpdates: z.boolean().default(false),
    /** Per message. */
    timeoutMs: z.number().int().positive().default(5_000),
    retries: z.number().int().min(0).max(10).default(3),
    /** Backoff bounds (tests shorten them). */
    minRetryDelayMs: z.number().int().min(0).default(250),
    maxRetryDelayMs: z.number().int().min(0).default(5_000),
  })
  .strict()
  .refine((c) => c.tsig !== undefined || c.allowUnsignedUpdates, {
    path: ["tsig"],
    message: "set a TSIG key, or allowUnsignedUpdates: true for a zone that takes nonsecure updates",
  });

export type DnsConnection = z.output<typeof dnsConnectionSchema>;

/** The largest message sent over UDP without EDNS (RFC 1035 §4.2.1). */
const UDP_LIMIT = 512;

export interface RRset {
  name: string;
  type: string;
  ttl: number;
  /** RDATA in presentation form (lowercase names with the trailing dot). */
  records: string[];
}

/** RFC 2136 §2.4 prerequisites. */
export type Prerequisite =
  | { kind: "rrsetExists"; name: string; type: string }
  | { kind: "rrsetEquals"; name: string; type: string; records: readonly string[] }
  | { kind: "rrsetAbsent"; name: string; type: string }
  | { kind: "nameInUse"; name: string }
  | { kind: "nameNotInUse"; name: string };

/** RFC 2136 §2.5 updates. */
export type Change =
  | { op: "add"; name: string; type: string; ttl: number; rdata: string }
  /** Delete one record (class NONE): only this RDATA, the rest of the RRset stays. */
  | { op: "delete"; name: string; type: string; rdata: string }
  /** Delete a whole RRset (class ANY). */
  | { op: "deleteRRset"; name: string; type: string };

const noLog: Logger = { info: () => {}, warn: () => {} };

export class DnsClient {
  private readonly zones = new Map<string, Promise<void>>();

  constructor(
    readonly connection: DnsConnection,
    private readonly log: Logger = noLog,
  ) {}

  get target(): string {
    const s = this.connection.server;
    return `${net.isIPv6(s) ? `[${s}]` : s}:${this.connection.port}`;
  }

  private get key(): TsigKey | undefined {
    return this.connection.tsig;
  }

  // --- reads -------------------------------------------------------------------------------

  /** Check that the server is authoritative for the zone (an SOA at its apex, AA set). Cached. */
  async checkZone(zone: string): Promise<void> {
    const z = canonicalName(zone);
    let p = this.zones.get(z);
    if (!p) {
      p = (async () => {
        const r = await this.query(z, "SOA");
        const soa = r.answers.find((a) => a.type === TYPE.SOA && sameName(a.name, z));
        if (r.rcode === RCODE.NOERROR && r.aa && soa) return;
        const why =
          r.rcode === RCODE.REFUSED
            ? "it refused to answer (REFUSED): it serves no such zone"
            : r.rcode === RCODE.NXDOMAIN
              ? "the name does not exist (NXDOMAIN)"
              : !r.aa
                ? "its answer is not authoritative"
                : `there is no SOA at "${z}" (${rcodeName(r.rcode)}); it is not a zone apex`;
        throw new RcclabError("InvalidRequest", `zone "${z}" not found on DNS server ${this.target}: ${why}`, { systemCode: rcodeName(r.rcode) });
      })();
      p.catch(() => this.zones.delete(z));
      this.zones.set(z, p);
    }
    return p;
  }

  /** The zone a name belongs to on this server (from the SOA in the answer or authority section). */
  async findZone(name: string): Promise<string> {
    const n = canonicalName(name);
    const r = await this.query(n, "SOA");
    const soa = [...r.answers, ...r.authorities].find((a) => a.type === TYPE.SOA && inZone(n, a.name));
    if ((r.rcode !== RCODE.NOERROR && r.rcode !== RCODE.NXDOMAIN) || !r.aa || !soa) {
      throw new RcclabError("InvalidRequest", `DNS server ${this.target} serves no zone holding "${n}" (${rcodeName(r.rcode)})`, { systemCode: rcodeName(r.rcode) });
    }
    return canonicalName(soa.name);
  }

  /** The live RRset (name, type) in a zone the server is authoritative for, or undefined. */
  async getRRset(zone: string, name: string, type: string): Promise<RRset | undefined> {
    await this.checkZone(zone);
    const n = canonicalName(name);
    const t = typeCode(type);
    const r = await this.query(n, type);
    if (r.rcode === RCODE.NXDOMAIN) return undefined;
    if (r.rcode !== RCODE.NOERROR) {
      throw new RcclabError("InvalidRequest", `query ${n} ${typeName(t)} at ${this.target} failed: ${rcodeName(r.rcode)}`, { systemCode: rcodeName(r.rcode) });
    }
    if (!r.aa) throw new RcclabError("InvalidRequest", `DNS server ${this.target} is not authoritative for "${n}"`);
    const rrs = r.answers.filter((a) => a.type === t && a.class === CLASS.IN && sameName(a.name, n));
    if (rrs.length === 0) return undefined;
    const records = [...new Set(rrs.map((a) => rdataToText(t, a.rdata)))].sort();
    return { name: n, type: typeName(t), ttl: Math.min(...rrs.map((a) => a.ttl)), records };
  }

  /** One authoritative query (signed when there is a key), UDP with TCP on truncation. */
  async query(name: string, type: string): Promise<ParsedMessage> {
    const message = encodeQuery(crypto.randomInt(0, 0x10000), canonicalName(name), typeCode(type));
    return this.withRetries(`query ${canonicalName(name)} ${type}`, () => this.send(message, `query ${canonicalName(name)} ${type}`));
  }

  /**
   * Every record of a zone by one zone transfer (AXFR, RFC 5936) over one TCP connection: one
   * request, an answer of one or more messages (each verified when there is a key, RFC 8945 §5.3.1).
   * The records between the opening and the closing SOA, the opening SOA included. A server that
   * refuses the transfer (most do, unless allowed for the key or address) fails it: Unauthorized.
   */
  async transferZone(zone: string): Promise<Rr[]> {
    const z = canonicalName(zone);
    const what = `zone transfer of "${z}" from ${this.target}`;
    return this.withRetries(what, async () => {
      const id = crypto.randomInt(0, 0x10000);
      const unsigned = encodeQuery(id, z, AXFR);
      const key = this.key;
      const signed = key ? signRequest(unsigned, key) : undefined;
      const records: Rr[] = [];
      let priorMac = signed?.mac;
      let signedOnce = false;
      let pending: Buffer[] = [];
      let lastSigned = true;
      await this.tcpMessages(signed?.message ?? unsigned, (raw) => {
        const m = this.parse(raw, what);
        if (m.id !== id) throw new RcclabError("Transport", `${what}: a message's ID does not match the request's`, { retryable: true });
        if (key && priorMac) {
          try {
            if (!signedOnce) {
              verifyResponse(raw, key, priorMac);
              priorMac = extractTsigMac(raw);
              signedOnce = true;
            } else {
              const t = verifyFollowing(raw, key, priorMac, pending);
              if (t) {
                priorMac = t.mac;
                pending = [];
              } else pending.push(raw);
              lastSigned = t !== undefined;
              if (pending.length > 99) throw new TsigError("UNSIGNED", "local", "more than 99 messages of the answer in a row are unsigned");
            }
          } catch (e) {
            if (!(e instanceof TsigError)) throw e;
            if (e.tsigError === "UNSIGNED" && m.rcode !== RCODE.NOERROR) throw transferFailure(m.rcode, what);
            throw tsigFailure(e, what, key);
          }
        }
        if (m.rcode !== RCODE.NOERROR) throw transferFailure(m.rcode, what);
        for (const a of m.answers) {
          if (records.length === 0 && !(a.type === TYPE.SOA && sameName(a.name, z))) {
            throw new RcclabError("InvalidRequest", `${what}: the answer does not begin with the zone's SOA`);
          }
          if (records.length > 0 && a.type === TYPE.SOA && sameName(a.name, z)) {
            if (key && !lastSigned) throw tsigFailure(new TsigError("UNSIGNED", "local", "the last message of the answer is not signed"), what, key);
            return true;
          }
          records.push({ name: canonicalName(a.name), type: a.type, class: a.class, ttl: a.ttl, rdata: a.rdata });
        }
        if (m.answers.length === 0) throw new RcclabError("InvalidRequest", `${what}: an empty message before the closing SOA`);
        return false;
      });
      return records;
    });
  }

  /**
   * The RRsets of a zone by one zone transfer, keyed "<name>/<TYPE>", each as getRRset gives it. Left
   * out: what a query would not answer as authoritative data of this zone (names at or below a
   * delegation).
   */
  async zoneRRsets(zone: string): Promise<Map<string, RRset>> {
    const z = canonicalName(zone);
    const rrs = (await this.transferZone(z)).filter((r) => r.class === CLASS.IN);
    const cuts = rrs.filter((r) => r.type === TYPE.NS && !sameName(r.name, z)).map((r) => r.name);
    const sets = new Map<string, { name: string; type: number; ttls: number[]; records: Set<string> }>();
    for (const r of rrs) {
      if (cuts.some((cut) => inZone(r.name, cut))) continue;
      const key = `${r.name}/${typeName(r.type)}`;
      const set = sets.get(key) ?? { name: r.name, type: r.type, ttls: [], records: new Set<string>() };
      set.ttls.push(r.ttl);
      set.records.add(rdataToText(r.type, r.rdata));
      sets.set(key, set);
    }
    const out = new Map<string, RRset>();
    for (const [key, s] of sets) out.set(key, { name: s.name, type: typeName(s.type), ttl: Math.min(...s.ttls), records: [...s.records].sort() });
    return out;
  }

  // --- updates -----------------------------------------------------------------------------

  /** One RFC 2136 UPDATE to a zone: all prerequisites must hold, then all changes apply, atomically. */
  async update(zone: string, changes: readonly Change[], prerequisites: readonly Prerequisite[] = []): Promise<void> {
    const z = canonicalName(zone);
    if (changes.length === 0 && prerequisites.length === 0) return;
    if (!this.key && !this.connection.allowUnsignedUpdates) {
      throw new RcclabError("InvalidRequest", "no TSIG key: set connection.tsig, or allowUnsignedUpdates: true for a zone that takes nonsecure updates");
    }
    for (const c of [...changes, ...prerequisites]) {
      if (!inZone(c.name, z)) throw new RcclabError("InvalidRequest", `"${canonicalName(c.name)}" is not in zone "${z}"`);
    }
    const message = encodeMessage({
      id: crypto.randomInt(0, 0x10000),
      qr: false,
      opcode: OPCODE.UPDATE,
      aa: false,
      tc: false,
      rd: false,
      ra: false,
      rcode: 0,
      questions: [{ name: z, type: TYPE.SOA, class: CLASS.IN }],
      answers: prerequisites.flatMap(prerequisiteRrs),
      authorities: changes.map(changeRr),
      additionals: [],
    });
    const what = `update of zone "${z}" at ${this.target}`;
    const r = await this.withRetries(what, () => this.send(message, what));
    this.checkUpdateAnswer(r, z, changes, prerequisites);
  }

  private checkUpdateAnswer(r: ParsedMessage, zone: string, changes: readonly Change[], prereqs: readonly Prerequisite[]): void {
    const rc = r.rcode;
    const opts = { systemCode: rcodeName(rc) };
    const what = `update of zone "${zone}" at ${this.target}`;
    switch (rc) {
      case RCODE.NOERROR:
        return;
      case RCODE.REFUSED:
        throw new RcclabError(
          "Unauthorized",
          this.key
            ? `${what} was refused (REFUSED): TSIG key "${this.key.name}" is not allowed to update this zone; check the zone's update-policy / allow-update`
            : `${what} was refused (REFUSED): the server does not take unsigned updates for this zone; configure a TSIG key (dns.tsig) or allow nonsecure updates on the zone`,
          opts,
        );
      case RCODE.NOTAUTH:
        throw new RcclabError("InvalidRequest", `${what} failed: zone "${zone}" not found there (NOTAUTH: the server is not authoritative for it)`, opts);
      case RCODE.NOTZONE: {
        const outside = changes.find((c) => !inZone(c.name, zone)) ?? prereqs.find((c) => !inZone(c.name, zone));
        throw new RcclabError("InvalidRequest", `${what} failed (NOTZONE): ${outside ? `"${outside.name}" is` : "a name is"} outside zone "${zone}"`, opts);
      }
      case RCODE.YXDOMAIN:
      case RCODE.YXRRSET:
      case RCODE.NXDOMAIN:
      case RCODE.NXRRSET:
        throw new RcclabError("Conflict", `${what}: a prerequisite failed (${rcodeName(rc)}): the records changed since they were read`, opts);
      case RCODE.SERVFAIL:
        throw new RcclabError("Transport", `${what} failed on the server (SERVFAIL)`, { ...opts, retryable: true });
      case RCODE.NOTIMP:
        throw new RcclabError("InvalidRequest", `${what}: the server does not implement dynamic updates (NOTIMP)`, opts);
      case RCODE.FORMERR:
        throw new RcclabError("InvalidRequest", `${what}: the server says the message is malformed (FORMERR)`, opts);
      default:
        throw new RcclabError("InvalidRequest", `${what} failed: ${rcodeName(rc)}`, opts);
    }
  }

  // --- transport ---------------------------------------------------------------------------

  private withRetries<T>(what: string, attempt: () => Promise<T>): Promise<T> {
    const c = this.connection;
    // The core's withRetry logs each retry (one warning line); no second line here.
    return withRetry(attempt, { retries: c.retries, minTimeoutMs: c.minRetryDelayMs, maxTimeoutMs: c.maxRetryDelayMs, operation: what, log: this.log });
  }

  /** Sign (when there is a key), send, receive and verify one message. */
  private async send(unsigned: Buffer, what: string): Promise<ParsedMessage> {
    const key = this.key;
    const signed = key ? signRequest(unsigned, key) : undefined;
    const message = signed?.message ?? unsigned;
    let raw = message.length > UDP_LIMIT ? await this.tcp(message) : await this.udp(message);
    let parsed = this.parse(raw, what);
    if (parsed.tc && message.length <= UDP_LIMIT) {
      raw = await this.tcp(message);
      parsed = this.parse(raw, what);
    }
    if (parsed.id !== unsigned.readUInt16BE(0)) throw new RcclabError("Transport", `${what}: the answer's ID does not match the request's`, { retryable: true });
    if (key && signed) {
      try {
        verifyResponse(raw, key, signed.mac);
      } catch (e) {
        if (!(e instanceof TsigError)) throw e;
        // An unsigned error answer from a server that did not get as far as TSIG (FORMERR, NOTIMP …)
        // says more than "unsigned"; it changes nothing either way.
        if (e.tsigError === "UNSIGNED" && parsed.rcode !== RCODE.NOERROR && parsed.rcode !== RCODE.NOTAUTH) return parsed;
        throw tsigFailure(e, what, key);
      }
    } else if (parsed.rcode === RCODE.NOTAUTH && parsed.additionals.some((a) => a.type === TYPE.TSIG)) {
      throw new RcclabError("Unauthorized", `${what}: the server answered NOTAUTH with a TSIG error`, { systemCode: "NOTAUTH" });
    }
    return parsed;
  }

  private parse(raw: Buffer, what: string): ParsedMessage {
    try {
      return parseMessage(raw);
    } catch (e) {
      if (e instanceof WireError) throw new RcclabError("Transport", `${what}: ${e.message}`, { retryable: true });
      throw e;
    }
  }

  private udp(message: Buffer): Promise<Buffer> {
    const { server, port, timeoutMs } = this.connection;
    const id = message.readUInt16BE(0);
    return new Promise<Buffer>((resolve, reject) => {
      const socket = dgram.createSocket(net.isIPv6(server) ? "udp6" : "udp4");
      let done = false;
      const finish = (err: Error | undefined, value?: Buffer) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        socket.close();
        if (err) reject(err);
        else resolve(value!);
      };
      const timer = setTimeout(
        () => finish(new RcclabError("Timeout", `no answer from DNS server ${this.target} over UDP within ${timeoutMs} ms`, { retryable: true })),
        timeoutMs,
      );
      socket.on("error", (e) => finish(transportError(e, this.target, "UDP")));
      socket.on("message", (msg) => {
        // Stray or late datagrams (another ID) are ignored; the timer still runs.
        if (msg.length >= 12 && msg.readUInt16BE(0) === id) finish(undefined, msg);
      });
      // A connected socket hears ICMP port-unreachable as ECONNREFUSED instead of waiting for the timeout.
      socket.connect(port, server, () => {
        socket.send(message, (e) => e && finish(transportError(e, this.target, "UDP")));
      });
    });
  }

  /**
   * Send one message over TCP and hand each message of the answer to `onMessage` until it says the
   * answer is complete. The timeout runs from the last data received, or (`timeoutFromStart`) from
   * the connection attempt whatever arrives; `unfinished` ends the error for a connection the server
   * closes too early.
   */
  private tcpMessages(
    message: Buffer,
    onMessage: (raw: Buffer) => boolean,
    { timeoutFromStart = false, unfinished = "the answer was complete" }: { timeoutFromStart?: boolean; unfinished?: string } = {},
  ): Promise<void> {
    const { server, port, timeoutMs } = this.connection;
    return new Promise<void>((resolve, reject) => {
      const socket = net.connect({ host: server, port });
      let done = false;
      let buf = Buffer.alloc(0);
      let timer: NodeJS.Timeout;
      const finish = (err?: Error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        socket.destroy();
        if (err) reject(err);
        else resolve();
      };
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => finish(new RcclabError("Timeout", `no answer from DNS server ${this.target} over TCP within ${timeoutMs} ms`, { retryable: true })), timeoutMs);
      };
      arm();
      socket.on("connect", () => {
        const len = Buffer.alloc(2);
        len.writeUInt16BE(message.length, 0);
        socket.write(Buffer.concat([len, message]));
      });
      socket.on("data", (d) => {
        buf = Buffer.concat([buf, d]);
        if (!timeoutFromStart) arm();
        try {
          while (!done && buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
            const raw = Buffer.from(buf.subarray(2, 2 + buf.readUInt16BE(0)));
            buf = buf.subarray(2 + raw.length);
            if (onMessage(raw)) finish();
          }
        } catch (e) {
          finish(e as Error);
        }
      });
      socket.on("error", (e) => finish(transportError(e, this.target, "TCP")));
      socket.on("close", () => finish(new RcclabError("Transport", `DNS server ${this.target} closed the TCP connection before ${unfinished}`, { retryable: true })));
    });
  }

  /** Send one message over TCP and receive its one-message answer. */
  private async tcp(message: Buffer): Promise<Buffer> {
    let answer: Buffer | undefined;
    await this.tcpMessages(
      message,
      (raw) => {
        answer = raw;
        return true;
      },
      { timeoutFromStart: true, unfinished: "answering" },
    );
    return answer!;
  }
}

/** AXFR (RFC 1035 §3.2.3). */
const AXFR = 252;

/** The MAC of a message's TSIG record. */
function extractTsigMac(raw: Buffer): Buffer {
  return extractTsig(raw)!.tsig.mac;
}

/** A zone transfer the server answered with an error rcode: refused, not authoritative … (not retried). */
function transferFailure(rcode: number, what: string): RcclabError {
  const opts = { systemCode: rcodeName(rcode), retryable: false };
  if (rcode === RCODE.REFUSED) return new RcclabError("Unauthorized", `${what} was refused (REFUSED): the server does not allow zone transfers to this client or key (allow-transfer)`, opts);
  if (rcode === RCODE.NOTAUTH) return new RcclabError("InvalidRequest", `${what} failed: the server is not authoritative for the zone (NOTAUTH)`, opts);
  if (rcode === RCODE.SERVFAIL) return new RcclabError("Transport", `${what} failed on the server (SERVFAIL)`, { ...opts, retryable: true });
  return new RcclabError("InvalidRequest", `${what} failed: ${rcodeName(rcode)}`, opts);
}

function transportError(e: Error & { code?: string }, target: string, proto: string): RcclabError {
  const code = e.code ?? "";
  const why =
    code === "ECONNREFUSED"
      ? "connection refused (nothing listens there)"
      : code === "ENOTFOUND" || code === "EAI_AGAIN"
        ? "the server's name does not resolve"
        : code === "EHOSTUNREACH" || code === "ENETUNREACH"
          ? "unreachable"
          : e.message;
  return new RcclabError("Transport", `DNS server ${target} over ${proto}: ${why}`, { retryable: true, systemCode: code || undefined });
}

function tsigFailure(e: TsigError, what: string, key: TsigKey): RcclabError {
  const opts = { systemCode: e.tsigError };
  switch (e.tsigError) {
    case "BADKEY":
      return new RcclabError(
        "Unauthorized",
        e.side === "server"
          ? `${what} was rejected (NOTAUTH/BADKEY): the server does not know TSIG key "${key.name}" (${key.algorithm}); check the key name and algorithm ` +
            "(Samba and Windows DNS know no HMAC keys: they take GSS-TSIG, or unsigned updates where the zone allows them)"
          : `${what}: ${e.message}`,
        opts,
      );
    case "BADSIG":
      return new RcclabError(
        "Unauthorized",
        e.side === "server"
          ? `${what} was rejected (NOTAUTH/BADSIG): the secret of TSIG key "${key.name}" does not match the server's`
          : `${what}: the answer's TSIG signature does not verify with key "${key.name}" (a wrong key or a forged answer)`,
        opts,
      );
    case "BADTIME":
      return new RcclabError("Unauthorized", `${what} was rejected: ${e.message}; synchronise the clocks`, opts);
    case "UNSIGNED":
      return new RcclabError("Unauthorized", `${what}: the answer is not signed although the request was (TSIG key "${key.name}")`, opts);
    default:
      return new RcclabError("Unauthorized", `${what}: ${e.message}`, opts);
  }
}

function rr(name: string, type: number, klass: number, ttl: number, rdata: Buffer = Buffer.alloc(0)): Rr {
  return { name: canonicalName(name), type, class: klass, ttl, rdata };
}

/** RFC 2136 §2.4.1–2.4.5. */
function prerequisiteRrs(p: Prerequisite): Rr[] {
  switch (p.kind) {
    case "rrsetExists":
      return [rr(p.name, typeCode(p.type), CLASS.ANY, 0)];
    case "rrsetEquals": {
      const t = typeCode(p.type);
      return p.records.map((r) => rr(p.name, t, CLASS.IN, 0, rdataFromText(t, r)));
    }
    case "rrsetAbsent":
      return [rr(p.name, typeCode(p.type), CLASS.NONE, 0)];
    case "nameInUse":
      return [rr(p.name, TYPE.ANY, CLASS.ANY, 0)];
    case "nameNotInUse":
      return [rr(p.name, TYPE.ANY, CLASS.NONE, 0)];
  }
}

/** RFC 2136 §2.5.1–2.5.4. */
function changeRr(c: Change): Rr {
  const t = typeCode(c.type);
  switch (c.op) {
    case "add":
      return rr(c.name, t, CLASS.IN, c.ttl, rdataFromText(t, c.rdata));
    case "delete":
      return rr(c.name, t, CLASS.NONE, 0, rdataFromText(t, c.rdata));
    case "deleteRRset":
      return rr(c.name, t, CLASS.ANY, 0);
  }
}
