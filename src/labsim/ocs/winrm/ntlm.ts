/**
 * The server side of NTLM ([MS-NLMP]) as HTTP Negotiate/NTLM authentication uses it: a
 * NEGOTIATE_MESSAGE (type 1) is answered with a CHALLENGE_MESSAGE (type 2: a random server
 * challenge, the domain as target name, TargetInfo AV pairs with the NetBIOS and DNS names and a
 * timestamp), and the AUTHENTICATE_MESSAGE (type 3) is verified here against the account's password:
 *
 *   ResponseKeyNT = NTOWFv2 = HMAC_MD5(MD4(UNICODE(Passwd)), UNICODE(Uppercase(User) + UserDom))
 *   NTProofStr    = HMAC_MD5(ResponseKeyNT, ServerChallenge + temp)   (temp: the rest of the response)
 *
 * (LMv2 alone is accepted the same way: HMAC_MD5(ResponseKeyNT, ServerChallenge + ClientChallenge).)
 * NTLMv1 responses (24 bytes: DES of the NT hash) are refused: they need DES, which Node 22's
 * OpenSSL 3 no longer provides, and no current client sends them unasked. Anonymous authentication
 * is refused. Session security (signing, sealing) is not provided: over HTTPS WinRM needs none.
 *
 * SPNEGO ([RFC 4178], RFC 4559 for HTTP): a Negotiate token may be raw NTLMSSP or a GSS-API
 * NegTokenInit / NegTokenResp carrying it; the answers are wrapped the same way.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { md4 } from "./md4";

const SIGNATURE = Buffer.from("NTLMSSP\0", "latin1");

export const NTLM_FLAGS = {
  UNICODE: 0x00000001,
  OEM: 0x00000002,
  REQUEST_TARGET: 0x00000004,
  SIGN: 0x00000010,
  SEAL: 0x00000020,
  LM_KEY: 0x00000080,
  NTLM: 0x00000200,
  ANONYMOUS: 0x00000800,
  ALWAYS_SIGN: 0x00008000,
  TARGET_TYPE_DOMAIN: 0x00010000,
  EXTENDED_SESSIONSECURITY: 0x00080000,
  TARGET_INFO: 0x00800000,
  VERSION: 0x02000000,
  N128: 0x20000000,
  KEY_EXCH: 0x40000000,
  N56: 0x80000000,
} as const;

/** What the server keeps between its CHALLENGE_MESSAGE and the client's AUTHENTICATE_MESSAGE. */
export interface NtlmChallenge {
  serverChallenge: Buffer;
  flags: number;
  message: Buffer;
}

export interface NtlmNames {
  /** NetBIOS domain (e.g. LAB). */
  netbiosDomain: string;
  /** NetBIOS computer name (e.g. FE01). */
  netbiosComputer: string;
  dnsDomain: string;
  dnsComputer: string;
}

export function isNtlm(token: Buffer): boolean {
  return token.length >= 12 && token.subarray(0, 8).equals(SIGNATURE);
}

export function messageType(token: Buffer): number {
  return isNtlm(token) ? token.readUInt32LE(8) : 0;
}

function field(buf: Buffer, at: number): Buffer {
  if (buf.length < at + 8) throw new Error("truncated NTLM message");
  const len = buf.readUInt16LE(at);
  const off = buf.readUInt32LE(at + 4);
  if (len === 0) return Buffer.alloc(0);
  if (off + len > buf.length) throw new Error("NTLM field outside the message");
  return buf.subarray(off, off + len);
}

/** A CHALLENGE_MESSAGE answering a NEGOTIATE_MESSAGE. */
export function challenge(negotiate: Buffer, names: NtlmNames, now = new Date()): NtlmChallenge {
  if (messageType(negotiate) !== 1 || negotiate.length < 16) throw new Error("not an NTLM NEGOTIATE_MESSAGE");
  const asked = negotiate.readUInt32LE(12);
  const F = NTLM_FLAGS;
  if (!(asked & F.UNICODE) && !(asked & F.OEM)) throw new Error("NTLM NEGOTIATE_MESSAGE asks for neither Unicode nor OEM");
  let flags = F.REQUEST_TARGET | F.NTLM | F.TARGET_TYPE_DOMAIN | F.TARGET_INFO | (asked & F.UNICODE ? F.UNICODE : F.OEM);
  for (const f of [F.SIGN, F.SEAL, F.ALWAYS_SIGN, F.VERSION, F.N128, F.N56, F.KEY_EXCH]) flags |= asked & f;
  flags |= asked & F.EXTENDED_SESSIONSECURITY ? F.EXTENDED_SESSIONSECURITY : asked & F.LM_KEY;
  const str = (s: string) => (flags & F.UNICODE ? Buffer.from(s, "utf16le") : Buffer.from(s, "latin1"));
  const av = (id: number, value: Buffer) => {
    const h = Buffer.alloc(4);
    h.writeUInt16LE(id, 0);
    h.writeUInt16LE(value.length, 2);
    return Buffer.concat([h, value]);
  };
  // FILETIME: 100 ns intervals since 1601-01-01.
  const ft = Buffer.alloc(8);
  ft.writeBigUInt64LE((BigInt(now.getTime()) + 11644473600000n) * 10000n);
  const u = (s: string) => Buffer.from(s, "utf16le");
  const targetInfo = Buffer.concat([
    av(2, u(names.netbiosDomain)),
    av(1, u(names.netbiosComputer)),
    av(4, u(names.dnsDomain)),
    av(3, u(names.dnsComputer)),
    av(5, u(names.dnsDomain)),
    av(7, ft),
    av(0, Buffer.alloc(0)),
  ]);
  const targetName = str(names.netbiosDomain);
  const serverChallenge = randomBytes(8);
  const head = Buffer.alloc(56);
  SIGNATURE.copy(head, 0);
  head.writeUInt32LE(2, 8);
  head.writeUInt16LE(targetName.length, 12);
  head.writeUInt16LE(targetName.length, 14);
  head.writeUInt32LE(56, 16);
  head.writeUInt32LE(flags >>> 0, 20);
  serverChallenge.copy(head, 24);
  head.writeUInt16LE(targetInfo.length, 40);
  head.writeUInt16LE(targetInfo.length, 42);
  head.writeUInt32LE(56 + targetName.length, 44);
  // VERSION: Windows Server 2008 (6.0 build 6002), NTLMSSP_REVISION_W2K3.
  head.writeUInt8(6, 48);
  head.writeUInt8(0, 49);
  head.writeUInt16LE(6002, 50);
  head.writeUInt8(0x0f, 55);
  return { serverChallenge, flags, message: Buffer.concat([head, targetName, targetInfo]) };
}

export interface NtlmIdentity {
  user: string;
  domain: string;
  workstation: string;
  /** "NTLMv2" or "LMv2". */
  via: string;
}

/** NTOWFv2 of an account. */
export function ntowfv2(password: string, user: string, domain: string): Buffer {
  return createHmac("md5", md4(Buffer.from(password, "utf16le")))
    .update(Buffer.from(user.toUpperCase() + domain, "utf16le"))
    .digest();
}

/**
 * Verifies an AUTHENTICATE_MESSAGE. `password(domain, user)` gives the account's password or
 * undefined. Returns the identity, or throws with the reason.
 */
export function authenticate(msg: Buffer, ch: NtlmChallenge, password: (domain: string, user: string) => string | undefined): NtlmIdentity {
  if (messageType(msg) !== 3 || msg.length < 64) throw new Error("not an NTLM AUTHENTICATE_MESSAGE");
  const flags = msg.readUInt32LE(60);
  const unicode = (flags & NTLM_FLAGS.UNICODE) !== 0 || (ch.flags & NTLM_FLAGS.UNICODE) !== 0;
  const str = (b: Buffer) => (unicode ? b.toString("utf16le") : b.toString("latin1"));
  const lm = field(msg, 12);
  const nt = field(msg, 20);
  const domain = str(field(msg, 28));
  const user = str(field(msg, 36));
  const workstation = str(field(msg, 44));
  if (user === "" && nt.length === 0) throw new Error("anonymous NTLM authentication is not accepted");
  const pw = password(domain, user);
  if (pw === undefined) throw new Error(`no account ${domain ? `${domain}\\` : ""}${user}`);
  const key = ntowfv2(pw, user, domain);
  if (nt.length > 24) {
    const proof = nt.subarray(0, 16);
    const temp = nt.subarray(16);
    const want = createHmac("md5", key).update(Buffer.concat([ch.serverChallenge, temp])).digest();
    if (!timingSafeEqual(proof, want)) throw new Error("the NTLMv2 response does not match the password");
    return { user, domain, workstation, via: "NTLMv2" };
  }
  if (nt.length === 24 || (nt.length === 0 && lm.length !== 24)) throw new Error("NTLMv1 responses are not accepted (NTLMv2 only)");
  if (lm.length === 24) {
    const clientChallenge = lm.subarray(16);
    const want = createHmac("md5", key).update(Buffer.concat([ch.serverChallenge, clientChallenge])).digest();
    if (!timingSafeEqual(lm.subarray(0, 16), want)) throw new Error("the LMv2 response does not match the password");
    return { user, domain, workstation, via: "LMv2" };
  }
  throw new Error("no usable NTLM response");
}

// ------------------------------------------------------------------ SPNEGO (minimal DER)

const SPNEGO_OID = Buffer.from([0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02]);
const NTLMSSP_OID = Buffer.from([0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a]);

interface Tlv {
  tag: number;
  value: Buffer;
  end: number;
}

function readTlv(b: Buffer, at: number): Tlv {
  if (at + 2 > b.length) throw new Error("truncated DER");
  const tag = b[at]!;
  let len = b[at + 1]!;
  let p = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > b.length) throw new Error("bad DER length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p + i]!;
    p += n;
  }
  if (p + len > b.length) throw new Error("truncated DER");
  return { tag, value: b.subarray(p, p + len), end: p + len };
}

function children(b: Buffer): Tlv[] {
  const out: Tlv[] = [];
  for (let at = 0; at < b.length; ) {
    const t = readTlv(b, at);
    out.push(t);
    at = t.end;
  }
  return out;
}

function der(tag: number, value: Buffer): Buffer {
  const n = value.length;
  const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, value]);
}

/**
 * The NTLM message inside a Negotiate token: raw NTLMSSP, a GSS-API InitialContextToken with a
 * NegTokenInit, or a NegTokenResp. `spnego` says whether it was wrapped.
 */
export function unwrapNegotiate(token: Buffer): { ntlm: Buffer; spnego: boolean } {
  if (isNtlm(token)) return { ntlm: token, spnego: false };
  if (token[0] === 0x60) {
    const app = readTlv(token, 0);
    const [oid, init] = children(app.value);
    if (!oid || oid.tag !== 0x06 || !Buffer.concat([Buffer.from([0x06, oid.value.length]), oid.value]).equals(SPNEGO_OID)) throw new Error("not an SPNEGO token");
    if (!init || init.tag !== 0xa0) throw new Error("no NegTokenInit");
    const seq = children(readTlv(init.value, 0).value);
    const mechTypes = seq.find((t) => t.tag === 0xa0);
    if (mechTypes && !children(readTlv(mechTypes.value, 0).value).some((m) => der(0x06, m.value).equals(NTLMSSP_OID))) {
      throw new Error("SPNEGO offers no NTLMSSP mechanism (Kerberos is not served)");
    }
    const mechToken = seq.find((t) => t.tag === 0xa2);
    if (!mechToken) throw new Error("NegTokenInit carries no mechToken");
    return { ntlm: Buffer.from(readTlv(mechToken.value, 0).value), spnego: true };
  }
  if (token[0] === 0xa1) {
    const seq = children(readTlv(readTlv(token, 0).value, 0).value);
    const resp = seq.find((t) => t.tag === 0xa2);
    if (!resp) throw new Error("NegTokenResp carries no responseToken");
    return { ntlm: Buffer.from(readTlv(resp.value, 0).value), spnego: true };
  }
  throw new Error("not an NTLM or SPNEGO token");
}

/** A NegTokenResp: negState (0 accept-completed, 1 accept-incomplete, 2 reject), NTLMSSP, token. */
export function negTokenResp(state: 0 | 1 | 2, responseToken?: Buffer): Buffer {
  const parts = [der(0xa0, der(0x0a, Buffer.from([state])))];
  if (state === 1) parts.push(der(0xa1, NTLMSSP_OID));
  if (responseToken) parts.push(der(0xa2, der(0x04, responseToken)));
  return der(0xa1, der(0x30, Buffer.concat(parts)));
}
