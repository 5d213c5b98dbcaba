/**
 * The state's secrets: sealed with AES-256-GCM under a key derived from the stack's passphrase with
 * scrypt. A sealed value is `{"__secret": base64(iv | tag | ciphertext)}` in the file; in memory it is
 * a wire secret (./wire.ts).
 */
import * as crypto from "node:crypto";
import { isSecret, reveal, secret } from "./wire";

const CHECK_TEXT = "rcclab-state";
const SEALED = "__secret";

const REF = "$ref";
type Sealed = { [SEALED]: string | { [REF]: string } };
const isSealed = (v: unknown): v is Sealed => {
  if (typeof v !== "object" || v === null || Array.isArray(v) || Object.keys(v).length !== 1) return false;
  const inner = (v as Record<string, unknown>)[SEALED];
  return typeof inner === "string" || (typeof inner === "object" && inner !== null && typeof (inner as Record<string, unknown>)[REF] === "string");
};

/**
 * The file's table of sealed secrets, by id: a value held by many entries (every resource of a
 * system carries the same connection) is sealed and stored once. Its id is an HMAC of the value
 * under the state's key: stable from save to save, and telling nothing without the passphrase.
 */
export type SecretTable = Record<string, string>;

/** The key for the state's secrets: scrypt(passphrase, salt) for AES-256-GCM. */
export class StateCipher {
  private constructor(
    private readonly key: Buffer,
    /** "v1:<base64 scrypt salt>:<base64 check value>"; the check value tells a wrong passphrase. */
    readonly encryptionSalt: string,
  ) {}

  static create(passphrase: string): StateCipher {
    const salt = crypto.randomBytes(16);
    const key = crypto.scryptSync(passphrase, salt, 32);
    const c = new StateCipher(key, "");
    return new StateCipher(key, `v1:${salt.toString("base64")}:${c.encrypt(CHECK_TEXT)}`);
  }

  static open(passphrase: string, encryptionSalt: string, file: string): StateCipher {
    const [v, salt, check] = encryptionSalt.split(":");
    if (v !== "v1" || !salt || !check) throw new Error(`${file}: malformed encryptionSalt`);
    const c = new StateCipher(crypto.scryptSync(passphrase, Buffer.from(salt, "base64"), 32), encryptionSalt);
    let ok = false;
    try {
      ok = c.decrypt(check) === CHECK_TEXT;
    } catch {
      ok = false;
    }
    if (!ok) throw new Error(`${file}: wrong passphrase for the state file (it cannot decrypt the state's secrets)`);
    return c;
  }

  /** base64(iv | tag | ciphertext). */
  private encrypt(text: string): string {
    const iv = crypto.randomBytes(12);
    const c = crypto.createCipheriv("aes-256-gcm", this.key, iv);
    const ct = Buffer.concat([c.update(text, "utf8"), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), ct]).toString("base64");
  }

  private decrypt(b64: string): string {
    const buf = Buffer.from(b64, "base64");
    const d = crypto.createDecipheriv("aes-256-gcm", this.key, buf.subarray(0, 12));
    d.setAuthTag(buf.subarray(12, 28));
    return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString("utf8");
  }

  /** Each secret value's id and ciphertext, sealed once per run. */
  private readonly refs = new Map<string, { id: string; sealed: string }>();

  /** Like seal(), but each secret goes to `table` (once per value) and the value refers to it. */
  sealInto(v: unknown, table: SecretTable): unknown {
    if (isSecret(v)) {
      const text = JSON.stringify(reveal(v.value) ?? null);
      let ref = this.refs.get(text);
      if (!ref) {
        const id = crypto.createHmac("sha256", this.key).update(`secret-ref:${text}`).digest("base64url").slice(0, 22);
        this.refs.set(text, (ref = { id, sealed: this.encrypt(text) }));
      }
      table[ref.id] = ref.sealed;
      return { [SEALED]: { [REF]: ref.id } };
    }
    if (Array.isArray(v)) return v.map((x) => this.sealInto(x, table));
    if (typeof v === "object" && v !== null) {
      return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, this.sealInto(x, table)]));
    }
    return v;
  }

  /** A value with every wire secret sealed (undefined keys dropped). */
  seal(v: unknown): unknown {
    if (isSecret(v)) return { [SEALED]: this.encrypt(JSON.stringify(reveal(v.value) ?? null)) };
    if (Array.isArray(v)) return v.map((x) => this.seal(x));
    if (typeof v === "object" && v !== null) {
      return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, this.seal(x)]));
    }
    return v;
  }

  /** A sealed value opened: each sealed value a wire secret again (a reference read from `table`). */
  open(v: unknown, table: SecretTable = {}): unknown {
    if (isSealed(v)) {
      const inner = v[SEALED];
      const sealed = typeof inner === "string" ? inner : table[inner[REF]];
      if (sealed === undefined) throw new Error(`a secret refers to ${typeof inner === "string" ? "?" : inner[REF]}, which the file does not hold`);
      return secret(JSON.parse(this.decrypt(sealed)));
    }
    if (Array.isArray(v)) return v.map((x) => this.open(x, table));
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.open(x, table)]));
    return v;
  }
}
