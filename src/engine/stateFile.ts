/**
 * The state file's format, and writing and reading it safely: a complete file or the previous one,
 * never a part (temp file, fsync, rename, `.bak`); a damaged file refused, never read as empty.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import type { Props } from "./providerHost";

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
  /**
   * The object was there before the stack: `rcclab adopt` recorded it. "kept": destroy (and up, when
   * the program no longer declares it) forgets it and leaves it on its system, unless told to delete
   * adopted objects; "owned": the stack took it over as its own (adopt --owned) and deletes it.
   */
  adopted?: "kept" | "owned";
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
  /**
   * Counts saves; the intents journal (see ./state.ts) holds lines of one generation, and a line of
   * an older one was saved in the state already.
   */
  generation?: number;
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
  /**
   * Sealed secrets, once per value, by an id the entries refer to (`{"__secret": {"$ref": id}}`):
   * every resource of a system carries the same connection (./stateCipher.ts SecretTable).
   */
  secrets?: Record<string, string>;
}

const PROVIDER_KEY = "__provider";

/** The short hash a serialized provider is referred to by. */
export const providerHash = (text: string): string => crypto.createHash("sha256").update(text).digest("hex").slice(0, 16);

const PROVIDER_REF = "$provider";

/** A bag's serialized provider replaced by a reference to the file's table (the text stored there). */
export function referProvider(bag: Props, table: Record<string, string>, hashOf: (text: string) => string = providerHash): Props {
  const text = bag[PROVIDER_KEY];
  if (typeof text !== "string") return bag;
  const hash = hashOf(text);
  table[hash] = text;
  return { ...bag, [PROVIDER_KEY]: { [PROVIDER_REF]: hash } };
}

/** The serialized provider back in place of its reference. */
export function resolveProvider(bag: Props, table: Record<string, string> | undefined, file: string): Props {
  const ref = (bag?.[PROVIDER_KEY] as Record<string, unknown> | undefined)?.[PROVIDER_REF];
  if (typeof ref !== "string") return bag;
  const text = table?.[ref];
  if (text === undefined) throw new Error(`${file}: a resource refers to provider ${ref}, which the file does not hold (the state file is damaged)`);
  return { ...bag, [PROVIDER_KEY]: text };
}

/** A state file that cannot be read as a state (or is missing while its previous version is there). */
export class StateFileError extends Error {
  override name = "StateFileError";
}

/** The previous version of the state, kept by every save. */
export const backupFileOf = (file: string): string => `${file}.bak`;

/** Write a new file (or append, flag "a") and flush it to disk (fsync) before it is renamed or linked into place, or relied on. */
export function writeSynced(file: string, text: string, mode: number, flag: "w" | "a" = "w"): void {
  const fd = fs.openSync(file, flag, mode);
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** The state file's JSON, checked to be a whole state (a truncated or foreign file is refused). */
export function readStateFile(file: string): StateFile {
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

export function damaged(file: string, why: string): StateFileError {
  const bak = backupFileOf(file);
  const restore = fs.existsSync(bak)
    ? `its previous version (one write older) is ${bak}: check it, copy it to ${file}, then run rcclab preview before anything else`
    : "restore it from a backup";
  return new StateFileError(`the state file ${file} is damaged (${why}); rcclab does not read it as empty, which would forget every object it manages, and has changed nothing: ${restore}`);
}

/** Keep the state about to be replaced as <state>.bak (a hard link, else a copy; best effort). */
export function keepPrevious(file: string): void {
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
export function syncDir(dir: string): void {
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

