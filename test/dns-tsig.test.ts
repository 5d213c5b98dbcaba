/**
 * TSIG (RFC 8945): known vectors made by other implementations (queries signed by BIND's `dig -y`,
 * a response signed by `named`), a MAC input laid out by hand from the RFC, the server-side checks
 * (BADKEY, BADSIG, BADTIME), and live interoperability with BIND 9.
 */
import * as crypto from "node:crypto";
import * as dgram from "node:dgram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  appendUnsignedTsigError,
  extractTsig,
  signRequest,
  signResponse,
  TSIG_ERROR,
  TsigError,
  verifyRequest,
  verifyResponse,
  type TsigAlgorithm,
  type TsigKey,
} from "../providers/dns/tsig";
import { encodeMessage, encodeQuery, parseMessage, RCODE, TYPE } from "../providers/dns/wire";
import { bind9Available, startBind9, type Bind9 } from "./support/bind9";

/** The key given to `dig -y <alg>:vector-key.example:<secret>` (a test-only secret). */
const VECTOR_SECRET = "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0xMjM0NTY=";
const vectorKey = (algorithm: TsigAlgorithm): TsigKey => ({ name: "vector-key.example", algorithm, secret: VECTOR_SECRET });

/**
 * `dig -y <alg>:vector-key.example:<secret> +noedns www.lab.example.com A` captured on the wire
 * (BIND 9.18.49): one question, the TSIG record in the additional section.
 */
const DIG_VECTORS: Record<TsigAlgorithm, { hex: string; time: number }> = {
  "hmac-sha256": {
    time: 1795690574,
    hex: "978e0120000100000000000103777777036c6162076578616d706c6503636f6d00000100010a766563746f722d6b6579076578616d706c650000fa00ff00000000003d0b686d61632d7368613235360000006b08104e012c0020dd98ba6ad4a9eafa195f8e067ff28d959047d91ed886b53a3541929d05cb8bb6978e00000000",
  },
  "hmac-sha1": {
    time: 1795690575,
    hex: "2ba40120000100000000000103777777036c6162076578616d706c6503636f6d00000100010a766563746f722d6b6579076578616d706c650000fa00ff00000000002f09686d61632d736861310000006b08104f012c001429114881b7b32bf6157cf90bc72c56f1e1a6b5e42ba400000000",
  },
  "hmac-sha512": {
    time: 1795690577,
    hex: "4f580120000100000000000103777777036c6162076578616d706c6503636f6d00000100010a766563746f722d6b6579076578616d706c650000fa00ff00000000005d0b686d61632d7368613531320000006b081051012c0040c086564a0c23bf76e50e59761d344640a6dcd7bbeee16d82374e436598e3f4f13c8a0c6478d63102d883c7a718773a139243029d626d092c68d7ebb45bfd74564f5800000000",
  },
  "hmac-md5": {
    time: 1795690578,
    hex: "2a470120000100000000000103777777036c6162076578616d706c6503636f6d00000100010a766563746f722d6b6579076578616d706c650000fa00ff00000000003a08686d61632d6d6435077369672d616c670372656703696e740000006b081052012c0010e7664434dd89dcff43bf22740cf239d32a4700000000",
  },
};

/**
 * A signed SOA query for lab.example.com sent to `named` and its signed answer, with the key
 * tsig-keygen made for that run (test-only).
 */
const BIND_RESPONSE = {
  key: { name: "rcclab-key", algorithm: "hmac-sha256", secret: "gRwdBXoWyQCSVMM9KYqLPmIXhRSeNQSHExTu5W3fK6E=" } as TsigKey,
  requestMac: "7a0d6d5fafcd38686c12bb1f0014482d1ea47ba9d8fb943c69ccfdae6c22c4c5",
  time: 1795690585,
  hex:
    "109284000001000100010002036c6162076578616d706c6503636f6d0000060001c00c0006000100000e100027036e7331c00c0a686f73746d6173746572c00c" +
    "0000000300000e1000000258000151800000003cc00c0002000100000e100002c02dc02d0001000100000e1000047f0000010a7263636c61622d6b65790000fa" +
    "00ff00000000003d0b686d61632d7368613235360000006b081059012c0020b8f5c0e205532eefc98b85fe627e94bdea712f71f98104b8cb34fe7c6b94101710" +
    "9200000000",
};

const everyAlgorithm = Object.keys(DIG_VECTORS) as TsigAlgorithm[];

function query(id = 0x1234, name = "lab.example.com", type: number = TYPE.SOA): Buffer {
  return encodeQuery(id, name, type);
}

function thrown(fn: () => unknown): TsigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TsigError);
    return e as TsigError;
  }
  throw new Error("expected a TsigError");
}

describe("TSIG against known vectors", () => {
  it.each(everyAlgorithm)("%s: verifies dig's signed query and signs the same bytes", (algorithm) => {
    const v = DIG_VECTORS[algorithm];
    const wire = Buffer.from(v.hex, "hex");
    const key = vectorKey(algorithm);
    const got = verifyRequest(wire, (n) => (n === key.name ? key : undefined), { now: v.time });
    expect(got).toMatchObject({ ok: true });
    // Signing the unsigned part at dig's time gives dig's message, byte for byte.
    const { tsig, unsigned } = extractTsig(wire)!;
    expect(tsig.timeSigned).toBe(v.time);
    expect(tsig.fudge).toBe(300);
    const signed = signRequest(unsigned, key, { timeSigned: v.time, fudge: 300 });
    expect(signed.message.toString("hex")).toBe(v.hex);
    expect(signed.mac).toEqual(tsig.mac);
  });

  it("hmac-sha256: the MAC is the HMAC of the message and the TSIG variables laid out as in RFC 8945 §4.3.3", () => {
    const input = Buffer.from(
      [
        "978e0120000100000000000003777777036c6162076578616d706c6503636f6d0000010001", // the query, ARCOUNT 0
        "0a766563746f722d6b6579076578616d706c6500", // key name, canonical wire form
        "00ff", // class ANY
        "00000000", // TTL 0
        "0b686d61632d73686132353600", // algorithm name hmac-sha256.
        "00006b08104e", // time signed (48 bits)
        "012c", // fudge 300
        "0000", // error
        "0000", // other len (no other data)
      ].join(""),
      "hex",
    );
    const mac = crypto.createHmac("sha256", Buffer.from(VECTOR_SECRET, "base64")).update(input).digest("hex");
    expect(mac).toBe("dd98ba6ad4a9eafa195f8e067ff28d959047d91ed886b53a3541929d05cb8bb6");
    expect(extractTsig(Buffer.from(DIG_VECTORS["hmac-sha256"].hex, "hex"))!.tsig.mac.toString("hex")).toBe(mac);
  });

  it("verifies named's signed response (over the request MAC) and rejects any change", () => {
    const wire = Buffer.from(BIND_RESPONSE.hex, "hex");
    const mac = Buffer.from(BIND_RESPONSE.requestMac, "hex");
    const t = verifyResponse(wire, BIND_RESPONSE.key, mac, { now: BIND_RESPONSE.time });
    expect(t).toMatchObject({ keyName: "rcclab-key", algorithmName: "hmac-sha256", originalId: 0x1092, error: 0 });
    // The answer itself parses (compressed names included).
    const m = parseMessage(wire);
    expect(m.rcode).toBe(RCODE.NOERROR);
    expect(m.aa).toBe(true);

    const tampered = Buffer.from(wire);
    tampered[40] ^= 1;
    expect(thrown(() => verifyResponse(tampered, BIND_RESPONSE.key, mac, { now: BIND_RESPONSE.time }))).toMatchObject({ tsigError: "BADSIG", side: "local" });
    const otherRequest = Buffer.from(mac);
    otherRequest[0] ^= 1;
    expect(thrown(() => verifyResponse(wire, BIND_RESPONSE.key, otherRequest, { now: BIND_RESPONSE.time })).tsigError).toBe("BADSIG");
    expect(thrown(() => verifyResponse(wire, BIND_RESPONSE.key, mac, { now: BIND_RESPONSE.time + 301 }))).toMatchObject({ tsigError: "BADTIME", side: "local" });
    expect(thrown(() => verifyResponse(wire, { ...BIND_RESPONSE.key, name: "other-key" }, mac, { now: BIND_RESPONSE.time })).tsigError).toBe("BADKEY");
    // An unsigned answer to a signed request is refused.
    const { unsigned } = extractTsig(wire)!;
    expect(thrown(() => verifyResponse(unsigned, BIND_RESPONSE.key, mac)).tsigError).toBe("UNSIGNED");
  });
});

describe("TSIG server-side checks (the simulator's)", () => {
  const key: TsigKey = { name: "lab-key", algorithm: "hmac-sha256", secret: crypto.randomBytes(32).toString("base64") };
  const keys = (n: string) => (n === "lab-key" ? key : undefined);

  it("BADKEY for an unknown key or algorithm, BADSIG for a wrong secret, BADTIME outside the fudge", () => {
    const now = 1_800_000_000;
    const good = signRequest(query(), key, { timeSigned: now });
    expect(verifyRequest(good.message, keys, { now })).toMatchObject({ ok: true });
    expect(verifyRequest(query(), keys, { now })).toBeUndefined();
    expect(verifyRequest(signRequest(query(), { ...key, name: "nobody" }).message, keys, { now })).toMatchObject({ ok: false, rejected: { error: "BADKEY" } });
    expect(verifyRequest(signRequest(query(), { ...key, algorithm: "hmac-sha1" }, { timeSigned: now }).message, keys, { now })).toMatchObject({ ok: false, rejected: { error: "BADKEY" } });
    const wrong = { ...key, secret: crypto.randomBytes(32).toString("base64") };
    expect(verifyRequest(signRequest(query(), wrong, { timeSigned: now }).message, keys, { now })).toMatchObject({ ok: false, rejected: { error: "BADSIG" } });
    expect(verifyRequest(good.message, keys, { now: now + 300 })).toMatchObject({ ok: true });
    expect(verifyRequest(good.message, keys, { now: now + 301 })).toMatchObject({ ok: false, rejected: { error: "BADTIME" } });
    expect(verifyRequest(signRequest(query(), key, { timeSigned: now, fudge: 10 }).message, keys, { now: now - 11 })).toMatchObject({ ok: false, rejected: { error: "BADTIME" } });
  });

  it("answers round-trip: signed responses verify; BADKEY/BADSIG/BADTIME answers become clear client errors", () => {
    const req = signRequest(query(0x4321), key);
    const { tsig } = extractTsig(req.message)!;
    const answer = encodeMessage({ ...parseMessage(query(0x4321)), qr: true, aa: true });
    expect(verifyResponse(signResponse(answer, key, tsig), key, req.mac)).toMatchObject({ error: 0, originalId: 0x4321 });

    const notauth = encodeMessage({ ...parseMessage(query(0x4321)), qr: true, rcode: RCODE.NOTAUTH });
    const badkey = thrown(() => verifyResponse(appendUnsignedTsigError(notauth, tsig, TSIG_ERROR.BADKEY), key, req.mac));
    expect(badkey).toMatchObject({ tsigError: "BADKEY", side: "server" });
    expect(badkey.message).toContain("does not know TSIG key lab-key");
    const badsig = thrown(() => verifyResponse(appendUnsignedTsigError(notauth, tsig, TSIG_ERROR.BADSIG), key, req.mac));
    expect(badsig).toMatchObject({ tsigError: "BADSIG", side: "server" });
    expect(badsig.message).toContain("does not match the server's");
    const serverNow = tsig.timeSigned + 3600;
    const badtime = thrown(() => verifyResponse(signResponse(notauth, key, tsig, { error: TSIG_ERROR.BADTIME, now: serverNow }), key, req.mac));
    expect(badtime).toMatchObject({ tsigError: "BADTIME", side: "server", serverTime: serverNow });
    for (const e of [badkey, badsig, badtime]) expect(e.message).not.toContain(key.secret);
  });

  it("rejects a secret that is not base64 without echoing it", () => {
    const e = thrown(() => signRequest(query(), { name: "k", algorithm: "hmac-sha256", secret: "not base64!" }));
    expect(e.message).toContain("not base64");
    expect(e.message).not.toContain("not base64!");
  });
});

const haveBind = bind9Available();

describe.skipIf(!haveBind)("TSIG interoperability with BIND 9", () => {
  let bind: Bind9;
  beforeAll(async () => {
    bind = await startBind9({ zones: ["lab.example.com"] });
  });
  afterAll(async () => bind?.stop());

  const exchange = (message: Buffer, port = bind.port): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const s = dgram.createSocket("udp4");
      const t = setTimeout(() => {
        s.close();
        reject(new Error("no answer from named"));
      }, 5_000);
      s.on("message", (m) => {
        clearTimeout(t);
        s.close();
        resolve(m);
      });
      s.send(message, port, "127.0.0.1");
    });

  it.each(everyAlgorithm)("named verifies our %s signature and we verify its answer", async (algorithm) => {
    const other = await startBind9({ zones: ["lab.example.com"], algorithm, keyName: `k-${algorithm}` });
    try {
      const signed = signRequest(query(0x0a0b), other.key);
      const reply = await exchange(signed.message, other.port);
      expect(verifyResponse(reply, other.key, signed.mac)).toMatchObject({ error: 0 });
      expect(parseMessage(reply)).toMatchObject({ rcode: RCODE.NOERROR, aa: true });
    } finally {
      await other.stop();
    }
  });

  it("named answers a wrong secret with BADSIG, an unknown key with BADKEY, a skewed clock with BADTIME", async () => {
    const wrong = { ...bind.key, secret: crypto.randomBytes(32).toString("base64") };
    const s1 = signRequest(query(1), wrong);
    const r1 = await exchange(s1.message);
    expect(parseMessage(r1).rcode).toBe(RCODE.NOTAUTH);
    const badsig = thrown(() => verifyResponse(r1, wrong, s1.mac));
    expect(badsig).toMatchObject({ tsigError: "BADSIG", side: "server" });
    expect(badsig.message).not.toContain(wrong.secret);

    const unknown = { ...bind.key, name: "nobody-key" };
    const s2 = signRequest(query(2), unknown);
    const r2 = await exchange(s2.message);
    expect(thrown(() => verifyResponse(r2, unknown, s2.mac))).toMatchObject({ tsigError: "BADKEY", side: "server" });

    const skewed = Math.floor(Date.now() / 1000) - 3600;
    const s3 = signRequest(query(3), bind.key, { timeSigned: skewed });
    const r3 = await exchange(s3.message);
    const badtime = thrown(() => verifyResponse(r3, bind.key, s3.mac));
    expect(badtime).toMatchObject({ tsigError: "BADTIME", side: "server" });
    expect(Math.abs(badtime.serverTime! - Date.now() / 1000)).toBeLessThan(60);
  });
});
