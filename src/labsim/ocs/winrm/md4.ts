/**
 * MD4 (RFC 1320), which NTLM's NT one-way function needs and Node 22's OpenSSL 3 no longer
 * provides. Little-endian words, three rounds of sixteen steps, MD5-style padding.
 */

const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n));

export function md4(data: Uint8Array): Buffer {
  const bitLen = data.length * 8;
  const padLen = ((data.length + 8) >> 6) * 64 + 64;
  const msg = Buffer.alloc(padLen);
  msg.set(data);
  msg[data.length] = 0x80;
  msg.writeUInt32LE(bitLen >>> 0, padLen - 8);
  msg.writeUInt32LE(Math.floor(bitLen / 0x100000000), padLen - 4);
  let a = 0x67452301;
  let b = 0xefcdab89;
  let c = 0x98badcfe;
  let d = 0x10325476;
  const x = new Array<number>(16);
  for (let off = 0; off < padLen; off += 64) {
    for (let i = 0; i < 16; i++) x[i] = msg.readUInt32LE(off + i * 4);
    const [aa, bb, cc, dd] = [a, b, c, d];
    const r1 = (p: number, q: number, r: number, s: number, k: number, sh: number) => rotl((p + ((q & r) | (~q & s)) + x[k]!) | 0, sh);
    for (let i = 0; i < 16; i += 4) {
      a = r1(a, b, c, d, i, 3);
      d = r1(d, a, b, c, i + 1, 7);
      c = r1(c, d, a, b, i + 2, 11);
      b = r1(b, c, d, a, i + 3, 19);
    }
    const r2 = (p: number, q: number, r: number, s: number, k: number, sh: number) => rotl((p + ((q & r) | (q & s) | (r & s)) + x[k]! + 0x5a827999) | 0, sh);
    for (let i = 0; i < 4; i++) {
      a = r2(a, b, c, d, i, 3);
      d = r2(d, a, b, c, i + 4, 5);
      c = r2(c, d, a, b, i + 8, 9);
      b = r2(b, c, d, a, i + 12, 13);
    }
    const r3 = (p: number, q: number, r: number, s: number, k: number, sh: number) => rotl((p + (q ^ r ^ s) + x[k]! + 0x6ed9eba1) | 0, sh);
    for (const i of [0, 2, 1, 3]) {
      a = r3(a, b, c, d, i, 3);
      d = r3(d, a, b, c, i + 8, 9);
      c = r3(c, d, a, b, i + 4, 11);
      b = r3(b, c, d, a, i + 12, 15);
    }
    a = (a + aa) | 0;
    b = (b + bb) | 0;
    c = (c + cc) | 0;
    d = (d + dd) | 0;
  }
  const out = Buffer.alloc(16);
  out.writeInt32LE(a, 0);
  out.writeInt32LE(b, 4);
  out.writeInt32LE(c, 8);
  out.writeInt32LE(d, 12);
  return out;
}
