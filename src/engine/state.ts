/**
 * The local engine's state file: every resource of a stack (wire form, secrets sealed with AES-256-GCM
 * under a key derived from the passphrase with scrypt), replaced objects pending deletion, and the
 * stack's outputs.
 *
 * It survives a kill (or a crash) at any byte: written to a temp file, flushed to disk, then renamed
 * over the state, so the state file is always a complete version, the new or the old one (the one it
 * replaced is kept as `<state>.bak`). A state file that is nevertheless damaged (truncated, not a
 * state) is refused with a clear error, never read as empty: that would forget every object it
 * manages. A missing state file whose `.bak` is there is refused too.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Props } from "./providerHost";
import { isSecret, markSecrets, reveal, secret } from "./wire";


export interface Entry {
  urn: string;
  /** The Pulumi type token. */
  type: string;
  custom: boolean;
  id?: string;
  parent?: string;
  dependencies: string[];
  /** Wire form (secrets wrapped). */
  inputs: Props;
  outputs: Props;
  /** A replaced object still to delete. */
  delete?: boolean;
}

/**
 * A create the engine is about to send (recorded durably first): the object's natural key and the
 * inputs it is created with. Removed with the outcome in the same write; one still here means a run
 * stopped between the two, and the next run looks the object up by its key (see local.ts recover()).
 */
export interface Intent {
  op: "create";
  urn: string;
  type: string;
  /** The object's id: its natural key. */
  id: string;
  parent?: string;
  dependencies: string[];
  /** Wire form (secrets wrapped). */
  inputs: Props;
  /** When it was recorded (ISO). */
  since: string;
}

export interface StoredResource extends Omit<Entry, "inputs" | "outputs"> {
  inputs: Props;
  outputs: Props;
}

export interface StateFile {
  version: 1;
  project: string;
  stack: string;
  /** "v1:<base64 scrypt salt>:<base64 check value>"; the check value tells a wrong passphrase. */
  encryptionSalt: string;
  resources: StoredResource[];
  outputs: Props;
  /** Creates sent (or about to be) whose outcome is not recorded yet. */
  intents?: Intent[];
  /**
   * Each kind's serialized dynamic provider, once, by a hash of its text: resources refer to it
   * (`"__provider": { "$provider": "<hash>" }`) instead of carrying the same text in their inputs
   * and outputs (it was most of the file: a 100-user lab's state was 6 MB).
   */
  providers?: Record<string, string>;
}

const PROVIDER_KEY = "__provider";
const PROVIDER_REF = "$provider";

/** A bag's serialized provider replaced by a reference to the file's table (the text stored there). */
function referProvider(bag: Props, table: Record<string, string>): Props {
  const text = bag[PROVIDER_KEY];
  if (typeof text !== "string") return bag;
  const hash = crypto.createHash("sha256").update(text).digest("hex").slice(0, 16);
  table[hash] = text;
  return { ...bag, [PROVIDER_KEY]: { [PROVIDER_REF]: hash } };
}

/** The serialized provider back in place of its reference. */
function resolveProvider(bag: Props, table: Record<string, string> | undefined, file: string): Props {
  const ref = (bag?.[PROVIDER_KEY] as Record<string, unknown> | undefined)?.[PROVIDER_REF];
  if (typeof ref !== "string") return bag;
  const text = table?.[ref];
  if (text === undefined) throw new Error(`${file}: a resource refers to provider ${ref}, which the file does not hold (the state file is damaged)`);
  return { ...bag, [PROVIDER_KEY]: text };
}

const CHECK_TEXT = "rcclab-state";

/** A state file that cannot be read as a state (or is missing while its previous version is there). */
export class StateFileError extends Error {
  override name = "StateFileError";
}

/** The previous version of the state, kept by every save. */
export const backupFileOf = (file: string): string => `${file}.bak`;

/** The key for the state's secrets: scrypt(passphrase, salt) for AES-256-GCM. */
class StateCipher {
  private constructor(
    private readonly key: Buffer,
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
  encrypt(text: string): string {
    const iv = crypto.randomBytes(12);
    const c = crypto.createCipheriv("aes-256-gcm", this.key, iv);
    const ct = Buffer.concat([c.update(text, "utf8"), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), ct]).toString("base64");
  }

  decrypt(b64: string): string {
    const buf = Buffer.from(b64, "base64");
    const d = crypto.createDecipheriv("aes-256-gcm", this.key, buf.subarray(0, 12));
    d.setAuthTag(buf.subarray(12, 28));
    return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString("utf8");
  }
}

const SEALED = "__secret";
const isSealed = (v: unknown): v is { [SEALED]: string } =>
  typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as Record<string, unknown>)[SEALED] === "string";

/** The state of one stack: live resources (by URN, in order), replaced objects pending deletion, outputs. */
export class StateStore {
  live = new Map<string, Entry>();
  pending: Entry[] = [];
  outputs: Props = {};
  intents: Intent[] = [];

  private constructor(
    readonly file: string,
    readonly project: string,
    readonly stack: string,
    private readonly cipher: StateCipher,
  ) {}

  static load(file: string, passphrase: string, project?: string, stack?: string): StateStore {
    if (!fs.existsSync(file)) {
      if (!project || !stack) throw new Error(`${file}: no such state file`);
      const bak = backupFileOf(file);
      if (fs.existsSync(bak)) {
        throw new StateFileError(
          `the state file ${file} is missing, but its previous version ${bak} is there: restore it (copy ${bak} to ${file}), or, to start stack ${stack} afresh and forget the objects it created, remove ${bak}`,
        );
      }
      return new StateStore(file, project, stack, StateCipher.create(passphrase));
    }
    const data = readStateFile(file);
    if (data.version !== 1) throw new Error(`${file}: unsupported state version ${String(data.version)}`);
    if ((project && data.project !== project) || (stack && data.stack !== stack)) {
      throw new Error(`${file}: holds stack ${data.project}/${data.stack}, not ${project}/${stack}`);
    }
    const store = new StateStore(file, data.project, data.stack, StateCipher.open(passphrase, data.encryptionSalt, file));
    const open = (v: unknown): unknown => store.open(v);
    const provided = (bag: Props): Props => resolveProvider(bag, data.providers, file);
    for (const r of data.resources) {
      r.inputs = provided(r.inputs);
      r.outputs = provided(r.outputs);
    }
    for (const i of data.intents ?? []) i.inputs = provided(i.inputs);
    try {
      for (const r of data.resources) {
        const e: Entry = { ...r, dependencies: r.dependencies ?? [], inputs: open(r.inputs) as Props, outputs: open(r.outputs) as Props };
        if (e.delete) store.pending.push(e);
        else store.live.set(e.urn, e);
      }
      store.outputs = open(data.outputs ?? {}) as Props;
      store.intents = (data.intents ?? []).map((i) => ({ ...i, inputs: open(i.inputs) as Props }));
    } catch (e) {
      // The passphrase is right (checked above): a value that does not decrypt was damaged.
      throw damaged(file, `a secret value cannot be decrypted: ${(e as Error).message}`);
    }
    return store;
  }

  private open(v: unknown): unknown {
    if (isSealed(v)) return secret(JSON.parse(this.cipher.decrypt(v[SEALED])));
    if (Array.isArray(v)) return v.map((x) => this.open(x));
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.open(x)]));
    return v;
  }

  private seal(v: unknown): unknown {
    if (isSecret(v)) return { [SEALED]: this.cipher.encrypt(JSON.stringify(reveal(v.value) ?? null)) };
    if (Array.isArray(v)) return v.map((x) => this.seal(x));
    if (typeof v === "object" && v !== null) {
      return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, this.seal(x)]));
    }
    return v;
  }

  toFile(sealed = true): StateFile {
    const conv = (v: Props, e: Entry): Props => {
      const marked = e.custom ? markSecrets(v, [], e.type) : v;
      return (sealed ? this.seal(marked) : reveal(marked)) as Props;
    };
    const resources = [...this.live.values(), ...this.pending].map((e) => {
      const r: StoredResource = { urn: e.urn, type: e.type, custom: e.custom, dependencies: e.dependencies, inputs: conv(e.inputs, e), outputs: conv(e.outputs, e) };
      if (e.id !== undefined) r.id = e.id;
      if (e.parent) r.parent = e.parent;
      if (e.delete) r.delete = true;
      return r;
    });
    const outputs = (sealed ? this.seal(this.outputs) : reveal(this.outputs)) as Props;
    const intents = this.intents.map((i) => ({ ...i, inputs: conv(i.inputs, { urn: i.urn, type: i.type, custom: true, dependencies: [], inputs: {}, outputs: {} }) }));
    // In the file, each kind's provider text once (see StateFile.providers).
    const providers: Record<string, string> = {};
    if (sealed) {
      for (const r of resources) {
        r.inputs = referProvider(r.inputs, providers);
        r.outputs = referProvider(r.outputs, providers);
      }
      for (const i of intents) i.inputs = referProvider(i.inputs, providers);
    }
    return {
      version: 1,
      project: this.project,
      stack: this.stack,
      encryptionSalt: this.cipher.encryptionSalt,
      resources,
      outputs,
      ...(intents.length ? { intents } : {}),
      ...(Object.keys(providers).length ? { providers } : {}),
    };
  }

  /**
   * Write atomically and durably: a temp file next to the state, flushed (fsync), renamed over the
   * state (the version it replaces kept as .bak), then the folder flushed (best effort) so the
   * rename is on disk too. A write killed at any byte leaves the state as it was: the temp file
   * is never read.
   */
  save(): void {
    const text = JSON.stringify(this.toFile(), null, 2);
    const dir = path.dirname(path.resolve(this.file));
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeSynced(tmp, text, 0o600);
    keepPrevious(this.file);
    fs.renameSync(tmp, this.file);
    syncDir(dir);
  }
}

/** Write a new file and flush it to disk (fsync) before it is renamed or linked into place. */
export function writeSynced(file: string, text: string, mode: number): void {
  const fd = fs.openSync(file, "w", mode);
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** The state file's JSON, checked to be a whole state (a truncated or foreign file is refused). */
function readStateFile(file: string): StateFile {
  const text = fs.readFileSync(file, "utf8");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw damaged(file, text.trim() === "" ? "it is empty" : `it is not complete JSON: ${(e as Error).message}`);
  }
  const problem = problemOf(data);
  if (problem) throw damaged(file, problem);
  return data as StateFile;
}

const isObject = (v: unknown): v is Record<string, any> => typeof v === "object" && v !== null && !Array.isArray(v);

/** What makes `data` not a whole state, if anything (an unsupported version is for the caller to say). */
function problemOf(data: unknown): string | undefined {
  if (!isObject(data)) return "it is not a JSON object";
  if (typeof data.version !== "number") return "it has no version";
  if (data.version !== 1) return undefined;
  if (typeof data.project !== "string" || typeof data.stack !== "string" || typeof data.encryptionSalt !== "string") return "its project, stack or encryptionSalt is missing";
  if (!Array.isArray(data.resources) || !data.resources.every((r) => isObject(r) && typeof r.urn === "string" && typeof r.type === "string")) return "its resources are missing or incomplete";
  if (data.outputs !== undefined && !isObject(data.outputs)) return "its outputs are not an object";
  if (data.intents !== undefined && !Array.isArray(data.intents)) return "its intents are not a list";
  return undefined;
}

function damaged(file: string, why: string): StateFileError {
  const bak = backupFileOf(file);
  const restore = fs.existsSync(bak)
    ? `its previous version (one write older) is ${bak}: check it, copy it to ${file}, then run rcclab preview before anything else`
    : "restore it from a backup";
  return new StateFileError(`the state file ${file} is damaged (${why}); rcclab does not read it as empty, which would forget every object it manages, and has changed nothing: ${restore}`);
}

/** Keep the state about to be replaced as <state>.bak (a hard link, else a copy; best effort). */
function keepPrevious(file: string): void {
  const bak = backupFileOf(file);
  try {
    fs.rmSync(bak, { force: true });
    fs.linkSync(file, bak);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return; // no state yet
    try {
      fs.copyFileSync(file, bak);
    } catch {
      // best effort
    }
  }
}

/** Flush a folder's entries (the rename) to disk; not every platform or filesystem can. */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

