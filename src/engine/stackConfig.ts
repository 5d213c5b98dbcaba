/**
 * Stack configuration files (`stacks/Pulumi.<stack>.yaml`) read and written the way the Pulumi CLI
 * does with its passphrase secrets provider, so the local engine (./local.ts) and the real CLI can
 * share one stack file.
 *
 * Format (from pulumi/pulumi, pkg/secrets/passphrase/manager.go and
 * sdk/go/common/resource/config/{crypt.go,object.go}; re-implemented here, not copied):
 * - `encryptionsalt: v1:<base64 salt>:<verifier>`: an 8-byte random salt, then the word "pulumi"
 *   encrypted with the stack key. A passphrase is right when the verifier decrypts to "pulumi".
 * - The key: PBKDF2-HMAC-SHA256(passphrase, salt, 1,000,000 iterations, 32 bytes).
 * - A secret (and the verifier): `v1:<base64 12-byte nonce>:<base64 AES-256-GCM ciphertext with its
 *   16-byte tag appended>`, no additional data; the plaintext is always a string.
 * - In the file a secret is a map with the single key `secure`; it may sit anywhere inside structured
 *   config (objects and lists). A key whose value holds any secret is a secret key for the program.
 * - The passphrase comes from PULUMI_CONFIG_PASSPHRASE, else the (trimmed) content of the file
 *   named by PULUMI_CONFIG_PASSPHRASE_FILE.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";

const PBKDF2_ITERATIONS = 1_000_000;
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const SALT_BYTES = 8;
const VERIFIER = "pulumi";

/** AES-256-GCM with a passphrase-derived key, compatible with Pulumi's passphrase secrets provider. */
export class PassphraseCrypter {
  private constructor(
    private readonly key: Buffer,
    /** The `encryptionsalt` value that goes with this key. */
    readonly encryptionSalt: string,
  ) {}

  /** A new stack key: a fresh salt and its verifier. */
  static create(passphrase: string): PassphraseCrypter {
    const salt = crypto.randomBytes(SALT_BYTES);
    const key = deriveKey(passphrase, salt);
    const verifier = encryptWith(key, VERIFIER);
    return new PassphraseCrypter(key, `v1:${salt.toString("base64")}:${verifier}`);
  }

  /** The key of an existing stack; a wrong passphrase is an error that says so. */
  static fromEncryptionSalt(passphrase: string, encryptionSalt: string, where = "the stack"): PassphraseCrypter {
    const m = /^v1:([^:]*):(v1:[^:]*:[^:]*)$/.exec(encryptionSalt.trim());
    if (!m) throw new Error(`${where}: malformed encryptionsalt (expected v1:<salt>:v1:<nonce>:<ciphertext>)`);
    const key = deriveKey(passphrase, Buffer.from(m[1]!, "base64"));
    let ok = false;
    try {
      ok = decryptWith(key, m[2]!) === VERIFIER;
    } catch {
      ok = false;
    }
    if (!ok) {
      throw new Error(
        `${where}: incorrect passphrase; set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) to the stack's passphrase`,
      );
    }
    return new PassphraseCrypter(key, encryptionSalt.trim());
  }

  encrypt(plaintext: string): string {
    return encryptWith(this.key, plaintext);
  }

  decrypt(ciphertext: string): string {
    return decryptWith(this.key, ciphertext);
  }
}

function deriveKey(passphrase: string, salt: Buffer): Buffer {
  return crypto.pbkdf2Sync(Buffer.from(passphrase, "utf8"), salt, PBKDF2_ITERATIONS, KEY_BYTES, "sha256");
}

function encryptWith(key: Buffer, plaintext: string): string {
  const nonce = crypto.randomBytes(NONCE_BYTES);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, nonce);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `v1:${nonce.toString("base64")}:${body.toString("base64")}`;
}

function decryptWith(key: Buffer, value: string): string {
  const parts = value.split(":");
  if (parts.length !== 3 || parts[0] !== "v1") throw new Error("bad secure value (expected v1:<nonce>:<ciphertext>)");
  const nonce = Buffer.from(parts[1]!, "base64");
  const body = Buffer.from(parts[2]!, "base64");
  if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) throw new Error("bad secure value");
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, nonce);
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString("utf8");
}

/** The passphrase from the environment, as the Pulumi CLI reads it; undefined when neither is set. */
export function passphraseFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) return env.PULUMI_CONFIG_PASSPHRASE;
  const file = env.PULUMI_CONFIG_PASSPHRASE_FILE;
  if (file) return fs.readFileSync(path.resolve(file), "utf8").trim();
  return undefined;
}

/** `<dir>/Pulumi.<stack>.yaml`. */
export function stackConfigPath(dir: string, stack: string): string {
  return path.join(dir, `Pulumi.${stack}.yaml`);
}

export interface StackConfig {
  /** Namespaced keys ("rcclab:cucm") to decrypted values: scalars, objects and lists. */
  config: Record<string, unknown>;
  /** Keys whose value is or contains a secret. */
  secretKeys: string[];
  /** The file's `encryptionsalt`, if any. */
  encryptionSalt?: string;
}

export interface LoadOptions {
  /** Defaults to passphraseFromEnv(); needed only when the file holds secrets. */
  passphrase?: string;
  /** Bare keys (no "ns:") are namespaced with the project, as Pulumi does. */
  project?: string;
}

const isSecure = (v: unknown): v is { secure: string } =>
  typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { secure?: unknown }).secure === "string";

function hasSecure(v: unknown): boolean {
  if (isSecure(v)) return true;
  if (Array.isArray(v)) return v.some(hasSecure);
  if (typeof v === "object" && v !== null) return Object.values(v).some(hasSecure);
  return false;
}

function decryptTree(v: unknown, crypter: () => PassphraseCrypter, at: string): unknown {
  if (isSecure(v)) {
    try {
      return crypter().decrypt(v.secure);
    } catch (e) {
      throw new Error(`${at}: cannot decrypt secure value: ${(e as Error).message}`);
    }
  }
  if (Array.isArray(v)) return v.map((x, i) => decryptTree(x, crypter, `${at}[${i}]`));
  if (typeof v === "object" && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decryptTree(x, crypter, `${at}.${k}`)]));
  }
  return v;
}

function namespaced(key: string, project?: string): string {
  return key.includes(":") || !project ? key : `${project}:${key}`;
}

/** Read a stack file: every value decrypted, and which keys held secrets. */
export function loadStackConfig(file: string, opts: LoadOptions = {}): StackConfig {
  const doc = (parseYaml(fs.readFileSync(file, "utf8")) ?? {}) as { encryptionsalt?: string; config?: Record<string, unknown> };
  const raw = doc.config ?? {};
  let crypter: PassphraseCrypter | undefined;
  const getCrypter = (): PassphraseCrypter => {
    if (crypter) return crypter;
    if (!doc.encryptionsalt) throw new Error(`${file}: holds secure values but no encryptionsalt`);
    const passphrase = opts.passphrase ?? passphraseFromEnv();
    if (passphrase === undefined) {
      throw new Error(`${file}: holds secrets; set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE`);
    }
    return (crypter = PassphraseCrypter.fromEncryptionSalt(passphrase, doc.encryptionsalt, file));
  };
  const config: Record<string, unknown> = {};
  const secretKeys: string[] = [];
  for (const [k, v] of Object.entries(raw)) {
    const key = namespaced(k, opts.project);
    if (hasSecure(v)) secretKeys.push(key);
    config[key] = decryptTree(v, getCrypter, key);
  }
  return { config, secretKeys, ...(doc.encryptionsalt ? { encryptionSalt: doc.encryptionsalt } : {}) };
}

export interface WriteOptions {
  passphrase: string;
  /**
   * Which values to store encrypted: a key ("rcclab:adminPassword") or a key and a path inside its
   * structured value ("rcclab:cucm.password", "rcclab:users[0].pin"). Each must name a scalar;
   * like Pulumi, the secret's plaintext is its string form.
   */
  secrets?: readonly string[];
}

/** Split "rcclab:cucm.users[0].pin" into the key and the path inside it. */
function splitSecretPath(p: string): { key: string; path: (string | number)[] } {
  const colon = p.indexOf(":");
  const m = /^[^.[]*/.exec(p.slice(colon + 1))!;
  const key = p.slice(0, colon + 1) + m[0];
  const rest = p.slice(key.length);
  const parts: (string | number)[] = [];
  for (const t of rest.matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)) parts.push(t[1] !== undefined ? t[1] : Number(t[2]));
  return { key, path: parts };
}

/**
 * Write a stack file with the given (plain) config, encrypting the values named in `secrets`. An
 * existing file's encryptionsalt is kept (its passphrase must match) and its other top-level
 * settings are preserved; a new file gets a new salt.
 */
export function writeStackConfig(file: string, config: Record<string, unknown>, opts: WriteOptions): void {
  let doc: Record<string, unknown> = {};
  if (fs.existsSync(file)) doc = (parseYaml(fs.readFileSync(file, "utf8")) ?? {}) as Record<string, unknown>;
  const crypter =
    typeof doc.encryptionsalt === "string"
      ? PassphraseCrypter.fromEncryptionSalt(opts.passphrase, doc.encryptionsalt, file)
      : PassphraseCrypter.create(opts.passphrase);
  const out: Record<string, unknown> = structuredClone(config);
  for (const p of opts.secrets ?? []) {
    const { key, path: inner } = splitSecretPath(p);
    if (!(key in out)) throw new Error(`secret ${p}: no config key ${key}`);
    if (inner.length === 0) {
      out[key] = secureOf(out[key], p, crypter);
      continue;
    }
    let parent: any = out[key];
    for (const seg of inner.slice(0, -1)) parent = parent?.[seg];
    const last = inner[inner.length - 1]!;
    if (parent === null || typeof parent !== "object" || !(last in parent)) throw new Error(`secret ${p}: no such value`);
    parent[last] = secureOf(parent[last], p, crypter);
  }
  doc.encryptionsalt = crypter.encryptionSalt;
  doc.config = out;
  const tmp = `${file}.${process.pid}.tmp`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(tmp, stringifyYaml(doc, { lineWidth: 0 }));
  fs.renameSync(tmp, file);
}

function secureOf(v: unknown, p: string, crypter: PassphraseCrypter): { secure: string } {
  if (isSecure(v)) return v;
  if (v === null || typeof v === "object") throw new Error(`secret ${p}: must name a scalar value`);
  return { secure: crypter.encrypt(String(v)) };
}
