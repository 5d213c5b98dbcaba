/**
 * The local engine's state: every resource of a stack (wire form, secrets sealed, see
 * ./stateCipher.ts), replaced objects pending deletion, the stack's outputs, and the creates under
 * way (intents). The file format and its safe writing: ./stateFile.ts.
 *
 * Work grows with the change, not with the lab:
 * - Each entry is sealed and serialized once, when it is placed: an entry is never changed in place
 *   (replace it in `live` to change it), so the next save reuses its text.
 * - Outcomes are saved in batches (`saveSoon`: at most one write per `saveDelayMs`, and `flush` at
 *   the end of a run). A run killed before a batch is written loses only outcomes that the next run
 *   finds again: a create by its intent, an update or delete by reading the object.
 * - An intent must be on disk before its create is sent: it is appended to a small journal
 *   (`<state>.journal`, one fsynced line), not written with the whole state. Each save holds the
 *   intents and empties the journal; journal lines are tagged with the generation of the state they
 *   follow, so a line a save already took in is never applied twice.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import type { Props } from "./providerHost";
import { type SecretTable, StateCipher } from "./stateCipher";
import {
  type Entry,
  type Intent,
  type StateFile,
  StateFileError,
  type StoredResource,
  backupFileOf,
  damaged,
  keepPrevious,
  providerHash,
  readStateFile,
  referProvider,
  resolveProvider,
  syncDir,
  writeSynced,
} from "./stateFile";
import { markSecrets, reveal } from "./wire";

export { StateFileError, backupFileOf, writeSynced } from "./stateFile";
export type { Entry, Intent, StateFile, StoredResource } from "./stateFile";

/** The intents journal next to a state file. */
export const journalFileOf = (file: string): string => `${file}.journal`;

interface JournalLine {
  generation: number;
  intent: Intent;
  /** Serialized providers and sealed secrets the intent refers to that the saved state does not hold yet. */
  providers?: Record<string, string>;
  secrets?: SecretTable;
}

/** An entry as stored: its JSON text, and the providers it refers to. */
interface Sealed {
  text: string;
  providers: Record<string, string>;
  /** The sealed secrets it refers to (./stateCipher.ts SecretTable). */
  secrets: SecretTable;
}

/** The state of one stack: live resources (by URN, in order), replaced objects pending deletion, outputs. */
export class StateStore {
  live = new Map<string, Entry>();
  pending: Entry[] = [];
  outputs: Props = {};
  intents: Intent[] = [];
  /** How long outcomes may wait to be written together (see saveSoon). */
  saveDelayMs = 1000;
  /** Writes of the whole state so far, and appends to the journal (for tests and the benchmark). */
  saves = 0;
  journalWrites = 0;

  private generation = 0;
  /** Providers the file on disk holds (by hash). */
  private savedProviders = new Set<string>();
  /** Sealed secrets the file on disk holds (by id). */
  private savedSecrets = new Set<string>();
  private readonly sealed = new WeakMap<Entry, Sealed>();
  private readonly hashes = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  private readonly journalQueue: { intent: Intent; generation: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private laterFailure: unknown;

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
    store.generation = data.generation ?? 0;
    store.savedProviders = new Set(Object.keys(data.providers ?? {}));
    store.savedSecrets = new Set(Object.keys(data.secrets ?? {}));
    const journal = readJournal(journalFileOf(file), store.generation);
    const table = { ...data.providers, ...Object.assign({}, ...journal.map((l) => l.providers ?? {})) };
    const secrets: SecretTable = { ...data.secrets, ...Object.assign({}, ...journal.map((l) => l.secrets ?? {})) };
    const opened = (bag: Props): Props => store.cipher.open(resolveProvider(bag, table, file), secrets) as Props;
    try {
      for (const r of data.resources) {
        const inputs = opened(r.inputs);
        const e: Entry = { ...r, dependencies: r.dependencies ?? [], inputs, outputs: withInputs(opened(r.outputs), inputs) };
        if (e.delete) store.pending.push(e);
        else store.live.set(e.urn, e);
      }
      store.outputs = store.cipher.open(data.outputs ?? {}) as Props;
      for (const i of [...(data.intents ?? []), ...journal.map((l) => l.intent)]) {
        store.intents = [...store.intents.filter((x) => x.urn !== i.urn), { ...i, inputs: opened(i.inputs) }];
      }
    } catch (e) {
      if (e instanceof StateFileError) throw e;
      // The passphrase is right (checked above): a value that does not decrypt was damaged.
      throw damaged(file, `a secret value cannot be decrypted: ${(e as Error).message}`);
    }
    return store;
  }

  /**
   * Record a create about to be sent, durably: resolves once it is on disk, and only then may the
   * create be sent. Intents recorded together (creates that start at once) share one journal append
   * and one fsync; with no state file yet, the whole state is written.
   */
  recordIntent(intent: Intent): Promise<void> {
    this.intents = [...this.intents.filter((i) => i.urn !== intent.urn), intent];
    if (this.generation === 0) {
      this.save();
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      this.journalQueue.push({ intent, generation: this.generation, resolve, reject });
      if (this.journalQueue.length === 1) setImmediate(() => this.appendIntents());
    });
  }

  /** One append and one fsync for the intents waiting. */
  private appendIntents(): void {
    const batch = this.journalQueue.splice(0);
    // A save since an intent was recorded holds it already (it was in `intents`): nothing to append.
    const lines = batch.filter((b) => b.generation === this.generation).map((b) => this.journalLine(b.intent));
    try {
      if (lines.length) {
        writeSynced(journalFileOf(this.file), lines.join(""), 0o600, "a");
        this.journalWrites++;
      }
      for (const b of batch) b.resolve();
    } catch (e) {
      for (const b of batch) b.reject(e);
    }
  }

  private journalLine(intent: Intent): string {
    const providers: Record<string, string> = {};
    const secrets: SecretTable = {};
    const sealed = { ...intent, inputs: referProvider(this.sealBag(intent.inputs, intent.type, true, secrets), providers, this.hashOf) };
    for (const h of this.savedProviders) delete providers[h];
    for (const id of this.savedSecrets) delete secrets[id];
    const line: JournalLine = {
      generation: this.generation,
      intent: sealed,
      ...(Object.keys(providers).length ? { providers } : {}),
      ...(Object.keys(secrets).length ? { secrets } : {}),
    };
    return `${JSON.stringify(line)}\n`;
  }

  /** The outcome of a create is in the state: its intent goes (with the next save). */
  settleIntent(urn: string): void {
    this.intents = this.intents.filter((i) => i.urn !== urn);
    this.saveSoon();
  }

  /** Save with the next batch: within `saveDelayMs`, or at `flush()`. */
  saveSoon(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        this.save();
      } catch (e) {
        this.laterFailure ??= e;
      }
    }, this.saveDelayMs);
    this.timer.unref?.();
  }

  /** Write what is waiting (a batched save that failed fails here). */
  flush(): void {
    if (this.dirty) this.save();
    const failure = this.laterFailure;
    this.laterFailure = undefined;
    if (failure) throw failure;
  }

  /**
   * Write the whole state atomically and durably: a temp file next to the state, flushed (fsync),
   * renamed over the state (the version it replaces kept as .bak), then the folder flushed (best
   * effort) so the rename is on disk too; then the journal, now held by the state, is emptied. A
   * write killed at any byte leaves the state as it was: the temp file is never read.
   */
  save(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.dirty = false;
    const generation = this.generation + 1;
    const { text, providers, secrets } = this.serialize(generation);
    const dir = path.dirname(path.resolve(this.file));
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeSynced(tmp, text, 0o600);
    keepPrevious(this.file);
    fs.renameSync(tmp, this.file);
    syncDir(dir);
    this.generation = generation;
    this.savedProviders = new Set(providers);
    this.savedSecrets = new Set(secrets);
    fs.rmSync(journalFileOf(this.file), { force: true });
    this.saves++;
  }

  /** The state with its secrets revealed (in clear: e.g. to show outputs). */
  toFile(): StateFile {
    const conv = (v: Props, e: { custom: boolean; type: string }): Props => reveal(e.custom ? markSecrets(v, [], e.type) : v) as Props;
    const resources = [...this.live.values(), ...this.pending].map((e): StoredResource => ({ ...e, inputs: conv(e.inputs, e), outputs: conv(e.outputs, e) }));
    const intents = this.intents.map((i) => ({ ...i, inputs: conv(i.inputs, { custom: true, type: i.type }) }));
    return {
      version: 1,
      project: this.project,
      stack: this.stack,
      encryptionSalt: this.cipher.encryptionSalt,
      resources,
      outputs: reveal(this.outputs) as Props,
      ...(intents.length ? { intents } : {}),
    };
  }

  /** The file's text: entries from their sealed texts (sealed now only when new), one per line. */
  private serialize(generation: number): { text: string; providers: string[]; secrets: string[] } {
    const providers: Record<string, string> = {};
    const secrets: SecretTable = {};
    const resources = [...this.live.values(), ...this.pending].map((e) => {
      const s = this.sealedEntry(e);
      Object.assign(providers, s.providers);
      Object.assign(secrets, s.secrets);
      return s.text;
    });
    const intents = this.intents.map((i) => JSON.stringify({ ...i, inputs: referProvider(this.sealBag(i.inputs, i.type, true, secrets), providers, this.hashOf) }));
    const head = { version: 1, project: this.project, stack: this.stack, generation, encryptionSalt: this.cipher.encryptionSalt };
    const list = (items: string[]) => (items.length ? `[\n    ${items.join(",\n    ")}\n  ]` : "[]");
    const text = [
      `{\n${Object.entries(head).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(",\n")}`,
      `  "resources": ${list(resources)}`,
      `  "outputs": ${JSON.stringify(this.cipher.seal(this.outputs))}`,
      ...(intents.length ? [`  "intents": ${list(intents)}`] : []),
      ...(Object.keys(providers).length ? [`  "providers": ${JSON.stringify(providers)}`] : []),
      ...(Object.keys(secrets).length ? [`  "secrets": ${JSON.stringify(secrets)}`] : []),
    ].join(",\n");
    return { text: `${text}\n}\n`, providers: Object.keys(providers), secrets: Object.keys(secrets) };
  }

  private sealedEntry(e: Entry): Sealed {
    let s = this.sealed.get(e);
    if (!s) {
      const providers: Record<string, string> = {};
      const secrets: SecretTable = {};
      const r: StoredResource = {
        urn: e.urn,
        type: e.type,
        custom: e.custom,
        ...(e.id !== undefined ? { id: e.id } : {}),
        ...(e.parent ? { parent: e.parent } : {}),
        dependencies: e.dependencies,
        inputs: referProvider(this.sealBag(e.inputs, e.type, e.custom, secrets), providers, this.hashOf),
        outputs: referProvider(this.sealBag(outputsBeside(e.outputs, e.inputs), e.type, e.custom, secrets), providers, this.hashOf),
        ...(e.delete ? { delete: true } : {}),
        ...(e.adopted ? { adopted: e.adopted } : {}),
      };
      s = { text: JSON.stringify(r), providers, secrets };
      this.sealed.set(e, s);
    }
    return s;
  }

  private sealBag(v: Props, type: string, custom: boolean, secrets: SecretTable): Props {
    return this.cipher.sealInto(custom ? markSecrets(v, [], type) : v, secrets) as Props;
  }

  /** Hashing a provider's text (tens of kB) once per run, not once per entry. */
  private readonly hashOf = (text: string): string => {
    let h = this.hashes.get(text);
    if (!h) this.hashes.set(text, (h = providerHash(text)));
    return h;
  };
}

/**
 * In the file, an output equal to the input of the same name (the connection, most fields) is not
 * stored twice: the outputs name those keys under FROM_INPUTS (it halves the file).
 */
const FROM_INPUTS = "$fromInputs";

function outputsBeside(outputs: Props, inputs: Props): Props {
  const same = Object.keys(outputs).filter((k) => k !== FROM_INPUTS && k in inputs && outputs[k] !== undefined && isDeepStrictEqual(outputs[k], inputs[k]));
  if (same.length === 0) return outputs;
  const rest: Props = { [FROM_INPUTS]: same };
  for (const [k, v] of Object.entries(outputs)) if (!same.includes(k)) rest[k] = v;
  return rest;
}

function withInputs(outputs: Props, inputs: Props): Props {
  const same = outputs?.[FROM_INPUTS];
  if (!Array.isArray(same)) return outputs;
  const { [FROM_INPUTS]: _s, ...rest } = outputs;
  return { ...Object.fromEntries(same.map((k: string) => [k, inputs[k]])), ...rest };
}

/**
 * The journal's lines of this generation. A last line cut short (a kill while it was written) is
 * dropped: its create was never sent. A line cut short before the last one means a damaged journal.
 */
function readJournal(file: string, generation: number): JournalLine[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return [];
  }
  const lines = text.split("\n");
  const out: JournalLine[] = [];
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    let l: JournalLine;
    try {
      l = JSON.parse(line) as JournalLine;
    } catch {
      if (i === lines.length - 1) break;
      throw new StateFileError(`the intents journal ${file} is damaged at line ${i + 1}; rcclab has changed nothing: move it aside, then run rcclab preview to see what the last run left`);
    }
    if (l.generation === generation && l.intent?.urn) out.push(l);
  }
  return out;
}
