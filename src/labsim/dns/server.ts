/**
 * An embedded authoritative DNS server for the lab: the lab's forward and reverse zones over UDP and
 * TCP on loopback, RFC 2136 updates with TSIG verified the way BIND does it (NOTAUTH with BADKEY /
 * BADSIG / BADTIME; REFUSED for unsigned updates unless allowed), and a JSON state file.
 */
import * as dgram from "node:dgram";
import * as net from "node:net";
import {
  appendUnsignedTsigError,
  signResponse,
  TSIG_ERROR,
  verifyRequest,
  type TsigKey,
  type TsigRecord,
} from "../../../providers/dns/tsig";
import { canonicalName, encodeMessage, OPCODE, parseMessage, RCODE, rcodeName, type Message, type ParsedMessage } from "../../../providers/dns/wire";
import { chunk, signTransfer } from "./transfer";
import { ZoneStore, type SimRecord } from "./zones";

export interface DnsSimOptions {
  /** Zones served, e.g. ["lab.example.com", "10.10.10.in-addr.arpa"]; each gets an SOA and an NS. */
  zones: readonly string[];
  /** TSIG keys allowed to update every zone. */
  tsigKeys?: readonly TsigKey[];
  /** Take unsigned updates (like an AD-integrated zone with nonsecure updates). Default false. */
  allowUnsigned?: boolean;
  /** Port on 127.0.0.1 for both UDP and TCP; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  /** Where the zones are kept between runs; loaded when it exists (then `seed` is not applied). */
  stateFile?: string;
  /** Records present before rcclab runs (e.g. the domain controller's A record). */
  seed?: readonly (Omit<SimRecord, "ttl"> & { ttl?: number })[];
  /** TTL of the seeded SOA, NS and records. Default 3600. */
  ttl?: number;
  /** The name server's name (default ns1.<first zone>); it gets an A record 127.0.0.1 when in a zone. */
  nameServer?: string;
  /**
   * Who may transfer a zone (AXFR over TCP): "signed" (default) requests signed with a known key, as
   * a BIND zone with allow-transfer { key …; }; "any"; or "none", as BIND's allow-transfer { none; }.
   */
  transfers?: "signed" | "any" | "none";
  /** Records per message of a transfer answer (default 100). */
  transferRecordsPerMessage?: number;
  /** The server's clock in seconds (tests shift it to provoke BADTIME). */
  clock?: () => number;
}

export interface DnsSimRequest {
  transport: "udp" | "tcp";
  opcode: "QUERY" | "UPDATE" | string;
  question?: string;
  /** The TSIG key that signed it (verified or not). */
  signedBy?: string;
  rcode: string;
  tsigError?: string;
}

export interface DnsSim {
  host: string;
  port: number;
  /** The live RRset, or undefined. */
  lookup(name: string, type: string): { ttl: number; records: string[] } | undefined;
  /** Every record of one zone (or all). */
  records(zone?: string): SimRecord[];
  serial(zone: string): number;
  /** Every message handled, in order. */
  requests: DnsSimRequest[];
  stop(): Promise<void>;
}

const UDP_LIMIT = 512;
/** QTYPE AXFR (RFC 1035 §3.2.3). */
const AXFR = 252;

function seedZones(store: ZoneStore, opts: DnsSimOptions): void {
  const ttl = opts.ttl ?? 3600;
  const first = canonicalName(opts.zones[0]!);
  const ns = canonicalName(opts.nameServer ?? `ns1.${first}`);
  for (const z of store.zoneNames) {
    store.addText({ name: z, type: "SOA", ttl, data: `${ns}. hostmaster.${first}. 1 3600 600 86400 60` });
    store.addText({ name: z, type: "NS", ttl, data: `${ns}.` });
  }
  if (store.zoneOf(ns)) store.addText({ name: ns, type: "A", ttl, data: "127.0.0.1" });
  for (const r of opts.seed ?? []) store.addText({ ...r, ttl: r.ttl ?? ttl });
}

export async function startDnsSim(opts: DnsSimOptions): Promise<DnsSim> {
  if (opts.zones.length === 0) throw new Error("the DNS simulator needs at least one zone");
  const store = new ZoneStore(opts.zones, opts.stateFile);
  if (!store.load()) {
    seedZones(store, opts);
    store.save();
  }
  const keys = new Map((opts.tsigKeys ?? []).map((k) => [canonicalName(k.name), k]));
  const clock = opts.clock ?? (() => Math.floor(Date.now() / 1000));
  const host = opts.host ?? "127.0.0.1";
  const requests: DnsSimRequest[] = [];

  const handle = (raw: Buffer, transport: "udp" | "tcp"): Buffer | Buffer[] | undefined => {
    let req: ParsedMessage;
    try {
      req = parseMessage(raw);
    } catch {
      if (raw.length < 12) return undefined;
      // FORMERR with the header echoed.
      const out = Buffer.from(raw.subarray(0, 12));
      out.writeUInt16BE(0x8000 | (raw.readUInt16BE(2) & 0x7800) | RCODE.FORMERR, 2);
      out.fill(0, 4, 12);
      requests.push({ transport, opcode: "?", rcode: "FORMERR" });
      return out;
    }
    if (req.qr) return undefined;
    const record: DnsSimRequest = {
      transport,
      opcode: req.opcode === OPCODE.QUERY ? "QUERY" : req.opcode === OPCODE.UPDATE ? "UPDATE" : `OPCODE${req.opcode}`,
      rcode: "NOERROR",
    };
    if (req.questions[0]) record.question = `${req.questions[0].name} ${req.questions[0].type}`;
    requests.push(record);

    const base: Message = {
      id: req.id,
      qr: true,
      opcode: req.opcode,
      aa: false,
      tc: false,
      rd: req.rd,
      ra: false,
      rcode: RCODE.NOERROR,
      questions: req.questions,
      answers: [],
      authorities: [],
      additionals: [],
    };
    const reply = (m: Message, signWith?: { key: TsigKey; tsig: TsigRecord }, tsigError?: number): Buffer => {
      record.rcode = rcodeName(m.rcode);
      let out = encodeMessage(m);
      if (transport === "udp" && out.length > UDP_LIMIT) {
        out = encodeMessage({ ...m, tc: true, answers: [], authorities: [], additionals: [] });
      }
      return signWith ? signResponse(out, signWith.key, signWith.tsig, { now: clock(), ...(tsigError ? { error: tsigError } : {}) }) : out;
    };

    // TSIG first, as BIND does (RFC 8945 §5.2).
    const check = verifyRequest(raw, (name) => keys.get(name), { now: clock() });
    let signer: { key: TsigKey; tsig: TsigRecord } | undefined;
    if (check && !check.ok) {
      const { error, tsig, key } = check.rejected;
      if (tsig) record.signedBy = tsig.keyName;
      record.tsigError = error;
      if (error === "FORMERR" || !tsig) return reply({ ...base, rcode: RCODE.FORMERR });
      const notauth = encodeMessage({ ...base, rcode: RCODE.NOTAUTH });
      record.rcode = "NOTAUTH";
      if (error === "BADTIME" && key) return signResponse(notauth, key, tsig, { now: clock(), error: TSIG_ERROR.BADTIME });
      return appendUnsignedTsigError(notauth, tsig, TSIG_ERROR[error as "BADKEY" | "BADSIG"]);
    }
    if (check?.ok) {
      signer = check.verified;
      record.signedBy = signer.tsig.keyName;
    }

    if (req.opcode === OPCODE.QUERY) {
      const q = req.questions[0];
      if (req.questions.length !== 1 || !q) return reply({ ...base, rcode: RCODE.FORMERR }, signer);
      if (q.type === AXFR) {
        // Over TCP only (RFC 5936 §4.2); refused unless allowed; NOTAUTH for a zone not served here.
        if (transport === "udp") return reply({ ...base, rcode: RCODE.FORMERR }, signer);
        const allowed = opts.transfers ?? "signed";
        if (allowed === "none" || (allowed === "signed" && !signer)) return reply({ ...base, rcode: RCODE.REFUSED }, signer);
        const rrs = store.transfer(q.name);
        if (!rrs || canonicalName(q.name) !== canonicalName(store.zoneOf(q.name)?.name ?? "")) return reply({ ...base, rcode: RCODE.NOTAUTH }, signer);
        const messages = chunk(rrs, opts.transferRecordsPerMessage ?? 100).map((answers) => encodeMessage({ ...base, aa: true, answers }));
        return signer ? signTransfer(messages, signer.key, signer.tsig.mac, signer.tsig.fudge, clock()) : messages;
      }
      const a = store.answer(q);
      return reply({ ...base, aa: a.rcode !== RCODE.REFUSED, rcode: a.rcode, answers: a.answers, authorities: a.authorities }, signer);
    }
    if (req.opcode === OPCODE.UPDATE) {
      if (!signer && !opts.allowUnsigned) return reply({ ...base, rcode: RCODE.REFUSED });
      const r = store.update(req.questions, req.answers, req.authorities);
      return reply({ ...base, rcode: r.rcode }, signer);
    }
    return reply({ ...base, rcode: RCODE.NOTIMP }, signer);
  };

  // UDP and TCP on the same port: bind UDP (maybe ephemeral), then TCP on its port.
  let udp: dgram.Socket | undefined;
  let tcp: net.Server | undefined;
  const sockets = new Set<net.Socket>();
  for (let attempt = 0; ; attempt++) {
    udp = dgram.createSocket(net.isIPv6(host) ? "udp6" : "udp4");
    const u = udp;
    await new Promise<void>((resolve, reject) => {
      u.once("error", reject);
      u.bind(opts.port ?? 0, host, () => {
        u.off("error", reject);
        resolve();
      });
    });
    const port = u.address().port;
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => socket.destroy());
      let buf = Buffer.alloc(0);
      socket.on("data", (d) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          const len = buf.readUInt16BE(0);
          const msg = buf.subarray(2, 2 + len);
          buf = buf.subarray(2 + len);
          const out = handle(Buffer.from(msg), "tcp");
          for (const m of out === undefined ? [] : Array.isArray(out) ? out : [out]) {
            const l = Buffer.alloc(2);
            l.writeUInt16BE(m.length, 0);
            socket.write(Buffer.concat([l, m]));
          }
        }
      });
    });
    const ok = await new Promise<boolean>((resolve, reject) => {
      server.once("error", (e: NodeJS.ErrnoException) => (e.code === "EADDRINUSE" && !opts.port && attempt < 20 ? resolve(false) : reject(e)));
      server.listen(port, host, () => resolve(true));
    });
    if (ok) {
      tcp = server;
      break;
    }
    u.close();
  }
  const udpSocket = udp;
  udpSocket.on("message", (msg, rinfo) => {
    const out = handle(msg, "udp");
    if (out && !Array.isArray(out)) udpSocket.send(out, rinfo.port, rinfo.address);
  });
  const port = udpSocket.address().port;
  const tcpServer = tcp!;

  return {
    host,
    port,
    lookup: (name, type) => store.lookup(name, type),
    records: (zone) => store.records(zone),
    serial: (zone) => store.serial(zone),
    requests,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise<void>((r) => tcpServer.close(() => r())), new Promise<void>((r) => udpSocket.close(() => r()))]);
    },
  };
}
