/**
 * The provider core: one declaration per object kind (schema, diff rules, secrets, natural key,
 * CRUD against a typed client) becomes a Pulumi dynamic ResourceProvider and a Resource class.
 *
 * Everything generic lives here: input validation with field paths, diffs (which fields changed,
 * which of them force a replacement, delete-before-replace when the natural key stays), secret
 * scrubbing of errors and logs, client caching, "already gone" on delete, import through read.
 */
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { RcclabError, isCode, safeCause } from "./errors";
import { type CreateIntent, currentStack, fieldsHash, recordIntent, removeIntent, targetOf } from "./intents";
import { makeProvider, registerKind, relativeModule } from "./provider";
import { redact, secretValues } from "./redact";
import { withRetryLog } from "./retry";
import { type BulkRead, BulkReads } from "./bulkRead";

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

/** A system rcclab talks to (CUCM, CUP, AD, DNS, OCS): how to validate a connection and build a client. */
export interface System<Conn, Client> {
  /** Short name, also the Pulumi type module: "cucm", "cup", "ad", "dns", "ocs". */
  name: string;
  connectionSchema: z.ZodType<Conn>;
  /** Dotted paths inside the connection that hold secrets (e.g. "password"). */
  secretPaths: readonly string[];
  /** Build a client. Called lazily inside provider functions; the result is cached per process. */
  connect(connection: Conn, log: Logger): Client | Promise<Client>;
}

export function defineSystem<Conn, Client>(system: System<Conn, Client>): System<Conn, Client> {
  return system;
}

export interface KindContext<Conn, Client> {
  client: Client;
  connection: Conn;
  log: Logger;
}

/** A kind's fields: a zod object, possibly refined or transformed (defaults derived from other fields). */
type AnyObject = z.ZodType<Record<string, any>, any>;
type Fields<S extends AnyObject> = z.output<S>;

/** The object schema inside refinements, transforms and pipes. */
function shapeOf(schema: z.ZodType): Record<string, z.ZodType> {
  let s: any = schema;
  while (s && !s.shape) s = s._zod?.def?.in ?? s._zod?.def?.innerType ?? s._zod?.def?.schema;
  if (!s?.shape) throw new Error("a kind's fields must be a zod object (refinements and transforms allowed)");
  return s.shape;
}

/** The field names of an object schema, looking through refinements, transforms and pipes. */
export function fieldNamesOf(schema: z.ZodType): string[] {
  return Object.keys(shapeOf(schema));
}

/**
 * A kind's fields from a live object, for read. A value changed by hand that the kind's own schema
 * would refuse (an end user's telephoneNumber "1001", a description too long) is kept as it is, so
 * it shows as drift on that field and the next update puts the declared value back; it is never an
 * error. Valid fields are normalised by their schema as usual.
 */
export function liveFields<S extends AnyObject>(schema: S, live: Record<string, unknown>): z.output<S> {
  const whole = schema.safeParse(live);
  if (whole.success) return whole.data;
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(shapeOf(schema))) {
    const one = field.safeParse(live[name]);
    out[name] = one.success ? one.data : live[name];
  }
  return out as z.output<S>;
}

export interface KindSpec<S extends AnyObject, Out extends Record<string, unknown>, Conn, Client> {
  /** Readable type, "rcclab:<system>:<Kind>". */
  type: string;
  /**
   * `__filename` of the kind's module, so the provider can load it lazily after serialization (only
   * its path relative to the package root is kept, see ./provider.ts).
   */
  file: string;
  /** The name the kind is exported under in that module. */
  exportName: string;
  system: System<Conn, Client>;
  /** The managed fields (the connection is added by the core). Cross-field rules as refinements. */
  fields: S;
  /** The natural key, used as the Pulumi ID: name, userid, pattern@partition ... */
  key(fields: Fields<S>): string;
  /** Fields whose change forces a replacement; every other field updates in place. */
  replaceOn?: readonly (keyof Fields<S> & string)[];
  /** Secret fields (top level): never in logs or errors; marked secret in outputs. */
  secrets?: readonly (keyof Fields<S> & string)[];
  /** Fields the system cannot read back (default: the secrets); read keeps the last known value. */
  writeOnly?: readonly (keyof Fields<S> & string)[];
  /** Output-only fields, e.g. ["uuid"]. */
  computed: readonly (keyof Out & string)[];
  create(ctx: KindContext<Conn, Client>, fields: Fields<S>): Promise<Out>;
  /** The live object by natural key (for refresh, drift and import), or undefined when it is gone. */
  read(ctx: KindContext<Conn, Client>, id: string, olds: Partial<Fields<S> & Out>): Promise<{ fields: Fields<S>; outputs: Out } | undefined>;
  update(ctx: KindContext<Conn, Client>, id: string, olds: Fields<S> & Out, news: Fields<S>, changed: readonly string[]): Promise<Out>;
  /** Delete; an object that is already gone must not be an error (NotFound is swallowed here too). */
  delete(ctx: KindContext<Conn, Client>, id: string, olds: Fields<S> & Out): Promise<void>;
  /**
   * Reading many objects of this kind at once (refresh, drift), where the system can: see
   * ./bulkRead.ts. Without it every read is one read() of one object.
   */
  bulk?: BulkRead<Fields<S>, Out, Conn, Client>;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

/** "lines[0].dirn.pattern" from zod's ["lines", 0, "dirn", "pattern"]. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

/** Deep equality where a missing key, undefined and null are the same, and key order does not matter. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const nil = (v: unknown) => v === undefined || v === null;
  if (nil(a) || nil(b)) return nil(a) && nil(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  }
  if (typeof a === "object" && typeof b === "object") {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
    for (const k of keys) if (!sameValue(ao[k], bo[k])) return false;
    return true;
  }
  return false;
}

const PROVIDER_KEY = "__provider";

/** Failures that come before a system takes any write: a create that failed so created nothing. */
const NOTHING_WRITTEN = ["Unauthorized", "Tls", "VersionMismatch", "SchemaMismatch"] as const;

/** A copy without undefined values, at any depth: gRPC structs cannot carry them. */
export function withoutUndefined<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : withoutUndefined(x))) as T;
  if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = withoutUndefined(x);
    return out as T;
  }
  return v;
}

const caches = new WeakMap<object, Map<string, Promise<unknown>>>();
/** One client (and one set of bulk reads) per connection. */
const clientKeyOf = (connection: unknown): string => crypto.createHash("sha256").update(JSON.stringify(connection)).digest("hex");
/** What bulk reads hold, for every kind of this process. */
const bulkReads = new BulkReads();
/** Clients are shared by every kind of one system, so one session serves a whole run. */
function clientCache(system: object): Map<string, Promise<unknown>> {
  let m = caches.get(system);
  if (!m) caches.set(system, (m = new Map()));
  return m;
}

/** The generic runtime of one kind: what the dynamic provider calls. */
export class KindRuntime<S extends AnyObject, Out extends Record<string, unknown>, Conn, Client> {
  readonly fieldNames: readonly string[];

  constructor(readonly spec: KindSpec<S, Out, Conn, Client>) {
    this.fieldNames = fieldNamesOf(spec.fields);
  }

  get secretPaths(): string[] {
    return [...(this.spec.secrets ?? []), ...this.spec.system.secretPaths.map((p) => `connection.${p}`)];
  }

  private secretsOf(...bags: unknown[]): string[] {
    return bags.flatMap((b) => secretValues(b, this.secretPaths));
  }

  /** Validate and normalise inputs; one failure per bad field, named by its path. */
  check(_olds: Record<string, unknown>, news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
    const { [PROVIDER_KEY]: _p, connection, ...raw } = news;
    const fields = this.spec.fields.safeParse(raw);
    const conn = this.spec.system.connectionSchema.safeParse(connection);
    if (fields.success && conn.success) return { inputs: withoutUndefined({ ...fields.data, connection: conn.data }), failures: [] };
    const secrets = this.secretsOf(news);
    const issues = [
      ...(fields.error?.issues ?? []),
      ...(conn.error?.issues ?? []).map((i) => ({ ...i, path: ["connection", ...i.path] })),
    ];
    const failures = issues.map((i) => ({ property: formatPath(i.path), reason: redact(i.message, secrets) }));
    return { inputs: { ...raw, connection }, failures };
  }

  /** The managed fields that differ between the last known state and the desired inputs. */
  changedFields(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
    return this.fieldNames.filter((f) => !sameValue(olds[f], news[f]));
  }

  diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): pulumi.dynamic.DiffResult {
    const changed = this.changedFields(olds, news);
    const replaces = changed.filter((f) => (this.spec.replaceOn as readonly string[] | undefined)?.includes(f));
    const sameKey = this.keyOf(olds) === this.keyOf(news);
    // A new connection (a rotated password) is no change to the object, but the state must learn it,
    // or a later delete or refresh would use the old credentials: update in place.
    const connectionChanged = !sameValue(olds.connection, news.connection);
    return {
      changes: changed.length > 0 || connectionChanged,
      replaces,
      // The natural key stays: the new object cannot exist beside the old one.
      deleteBeforeReplace: replaces.length > 0 && sameKey,
    };
  }

  /** The natural key (the object's id) of a bag of fields, or undefined when they do not make one. */
  keyOf(bag: Record<string, unknown>): string | undefined {
    try {
      return this.spec.key(bag as Fields<S>);
    } catch {
      return undefined;
    }
  }

  /**
   * Create, with a create intent journaled around it (./intents.ts): recorded before anything is
   * sent, removed when the create is done. When the create fails with AlreadyExists and an earlier,
   * interrupted run of this stack left an intent for the same object, the object is that run's work:
   * it is read by its key and returned as created (its live fields: where they differ from the
   * desired ones, the next diff updates them). Without such an intent AlreadyExists stays an error.
   */
  async create(inputs: Record<string, unknown>): Promise<{ id: string; outs: Record<string, unknown> }> {
    const fields = this.fieldsOf(inputs);
    const id = this.spec.key(fields);
    return this.run("create", id, inputs, async (ctx) => {
      const intent: CreateIntent = {
        type: this.spec.type,
        key: id,
        target: targetOf(inputs.connection, this.spec.system.secretPaths),
        fields: fieldsHash(fields, this.spec.secrets ?? []),
        ...currentStack(),
        at: new Date().toISOString(),
        pid: process.pid,
      };
      const earlier = this.journal(ctx.log, "record", () => recordIntent(intent));
      let out: Out;
      try {
        out = await this.spec.create(ctx, fields);
      } catch (e) {
        if (isCode(e, "AlreadyExists")) {
          const taken = earlier ? await this.takeOver(ctx, id, inputs, fields) : undefined;
          // Nothing of this run's was created: the object (if any) is someone else's, or gone.
          this.journal(ctx.log, "remove", () => removeIntent(intent));
          if (taken) return taken;
          throw e;
        }
        await this.settleFailedCreate(ctx, id, fields, intent, e);
        throw e;
      }
      this.journal(ctx.log, "remove", () => removeIntent(intent));
      return { id, outs: this.outputs(inputs, fields, out) };
    });
  }

  /** The object an interrupted run of this stack created, as this create's result; undefined when there is none by this key. */
  private async takeOver(ctx: KindContext<Conn, Client>, id: string, inputs: Record<string, unknown>, fields: Fields<S>): Promise<{ id: string; outs: Record<string, unknown> } | undefined> {
    // Nothing is known of it but what the system says: write-only fields (passwords) are not
    // carried over, so the next diff writes them.
    const got = await this.spec.read(ctx, id, {});
    if (!got) return undefined;
    ctx.log.info(`the ${this.spec.type} ${id} an interrupted run created is taken over: it is this stack's`);
    const differ = this.changedFields(got.fields, fields);
    if (differ.length) ctx.log.info(`its fields ${differ.join(", ")} differ from the desired ones: the next update sets them`);
    const live = withoutUndefined({ connection: inputs.connection, ...got.fields });
    return { id, outs: this.outputs(live, got.fields, got.outputs) };
  }

  /**
   * A create that failed otherwise (not AlreadyExists): its intent stays when the object exists now
   * (the failure came after the system took the create: a step after the add, answers lost until
   * the retries ran out), or when that cannot be read, so the next run takes the object over. When
   * the object is not there, or the failure is one that comes before anything is written
   * (credentials, TLS, a release or schema that does not match), nothing was created: it goes.
   */
  private async settleFailedCreate(ctx: KindContext<Conn, Client>, id: string, fields: Fields<S>, intent: CreateIntent, failure: unknown): Promise<void> {
    let created = false;
    if (!NOTHING_WRITTEN.some((code) => isCode(failure, code))) {
      try {
        created = (await this.spec.read(ctx, id, fields as Partial<Fields<S> & Out>)) !== undefined;
      } catch (e) {
        // NotFound: not there (nor what holds it, e.g. a DNS zone); anything else: unknown, it stays.
        created = !isCode(e, "NotFound");
      }
    }
    if (!created) this.journal(ctx.log, "remove", () => removeIntent(intent));
  }

  /** A journal change; a journal that cannot be written is a warning, not a failed create. */
  private journal<T>(log: Logger, what: "record" | "remove", fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      const detail = (e as Error)?.message ?? String(e);
      log.warn(
        what === "record"
          ? `cannot record the create intent (${detail}); if this create is interrupted after the system took it, the next run fails as a duplicate`
          : `cannot remove the create intent (${detail}); it stays in the journal until it expires`,
      );
      return undefined;
    }
  }

  async read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
    if (!props.connection) {
      throw new RcclabError(
        "InvalidRequest",
        `${this.spec.type} "${id}": reading needs the connection, and this resource's state holds none (Pulumi's \`pulumi refresh\` or Resource.get of a dynamic resource without inputs)`,
      );
    }
    return this.run("read", id, props, async (ctx, clientKey) => {
      const olds = props as Partial<Fields<S> & Out>;
      const got = this.spec.bulk ? await bulkReads.read(this.spec.type, clientKey, this.spec.bulk, ctx, id, olds, () => this.spec.read(ctx, id, olds)) : await this.spec.read(ctx, id, olds);
      if (!got) return {};
      const fields: Record<string, unknown> = { ...got.fields };
      for (const f of this.writeOnly()) if (props[f] !== undefined) fields[f] = props[f];
      const inputs = withoutUndefined({ connection: props.connection, ...fields });
      return { id, props: this.outputs(inputs, fields as Fields<S>, got.outputs), inputs };
    });
  }

  async update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ outs: Record<string, unknown> }> {
    const fields = this.fieldsOf(news);
    const changed = this.changedFields(olds, news);
    return this.run("update", id, { ...olds, ...news }, async (ctx) => {
      const out = await this.spec.update(ctx, id, olds as Fields<S> & Out, fields, changed);
      return { outs: this.outputs(news, fields, out) };
    });
  }

  async delete(id: string, props: Record<string, unknown>): Promise<void> {
    await this.run("delete", id, props, async (ctx) => {
      try {
        await this.spec.delete(ctx, id, props as Fields<S> & Out);
      } catch (e) {
        if (!isCode(e, "NotFound")) throw e;
        ctx.log.info("already gone");
      }
    });
  }

  private writeOnly(): readonly string[] {
    return this.spec.writeOnly ?? this.spec.secrets ?? [];
  }

  private fieldsOf(bag: Record<string, unknown>): Fields<S> {
    const out: Record<string, unknown> = {};
    for (const f of this.fieldNames) if (bag[f] !== undefined) out[f] = bag[f];
    return out as Fields<S>;
  }

  private outputs(inputs: Record<string, unknown>, fields: Fields<S>, computed: Out): Record<string, unknown> {
    const outs: Record<string, unknown> = { connection: inputs.connection, ...fields };
    for (const k of this.spec.computed) outs[k] = computed[k] ?? null;
    return withoutUndefined(outs);
  }

  /** Run one operation with a client, a scrubbing logger and error messages that name the resource. */
  private async run<T>(op: string, id: string, bag: Record<string, unknown>, fn: (ctx: KindContext<Conn, Client>, clientKey: string) => Promise<T>): Promise<T> {
    const secrets = this.secretsOf(bag);
    const prefix = `${this.spec.type} "${id}"`;
    const log: Logger = {
      info: (m) => process.stderr.write(`[rcclab] ${redact(`${prefix}: ${m}`, secrets)}\n`),
      warn: (m) => process.stderr.write(`[rcclab] WARNING ${redact(`${prefix}: ${m}`, secrets)}\n`),
    };
    const scrub = (text: string) => redact(text, secrets);
    const conn = this.spec.system.connectionSchema.safeParse(bag.connection);
    if (!conn.success) {
      const issues = conn.error.issues.map((i) => `connection.${formatPath(i.path)}: ${i.message}`).join("; ");
      throw new RcclabError("InvalidRequest", scrub(`${prefix}: ${op} failed: invalid connection: ${issues}`));
    }
    try {
      const connection = conn.data as Conn;
      // Every retry inside is one warning line, through this scrubbing logger (./retry.ts).
      const clientKey = clientKeyOf(connection);
      // A write makes what bulk reads hold of this system stale (of any kind: a phone's lines are a
      // line's too), before it and after it (a bulk read may have been under way meanwhile).
      const write = op !== "read";
      if (write) bulkReads.forget(clientKey);
      try {
        return await withRetryLog(log, op, async () => {
          const client = await this.clientFor(connection, clientKey, secrets);
          return await fn({ client, connection, log }, clientKey);
        });
      } finally {
        if (write) bulkReads.forget(clientKey);
      }
    } catch (e) {
      const err = e as Error;
      const detail =
        e instanceof z.ZodError ? `unexpected value: ${e.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join("; ")}` : (err?.message ?? String(e));
      const message = scrub(`${prefix}: ${op} failed: ${detail}`);
      // The cause is kept as a scrubbed copy (messages and stacks only): the original may hold a secret.
      const cause = safeCause(e, scrub);
      // The code ends the message too: only the message crosses the provider host's gRPC boundary, and
      // the engine tells "already exists" (nothing of this stack's was made) from other failures by it.
      if (e instanceof RcclabError) throw new RcclabError(e.code, `${message} [${e.code}]`, { retryable: e.retryable, systemCode: e.systemCode, cause });
      throw new RcclabError("InvalidRequest", message, { retryable: false, cause });
    }
  }

  /** One client per connection per process (sessions and cookies are reused across resources). */
  private clientFor(connection: Conn, key: string, secrets: readonly string[]): Promise<Client> {
    const clients = clientCache(this.spec.system);
    let client = clients.get(key) as Promise<Client> | undefined;
    if (!client) {
      const name = this.spec.system.name;
      const log: Logger = {
        info: (m) => process.stderr.write(`[rcclab] ${name}: ${redact(m, secrets)}\n`),
        warn: (m) => process.stderr.write(`[rcclab] WARNING ${name}: ${redact(m, secrets)}\n`),
      };
      client = Promise.resolve(this.spec.system.connect(connection, log));
      client.catch(() => clients.delete(key));
      clients.set(key, client);
    }
    return client;
  }
}

/** What a kind's Resource constructor takes: every field as a Pulumi input, plus the connection. */
export type ResourceArgs<S extends AnyObject, Conn> = { [K in keyof z.input<S>]: pulumi.Input<z.input<S>[K]> } & {
  connection: pulumi.Input<Conn>;
};

export type KindResource<S extends AnyObject, Out> = pulumi.dynamic.Resource & {
  readonly [K in keyof Fields<S> | keyof Out]-?: pulumi.Output<K extends keyof Out ? Out[K] : K extends keyof Fields<S> ? Fields<S>[K] : never>;
};

export interface Kind<S extends AnyObject, Out extends Record<string, unknown>, Conn, Client> {
  readonly type: string;
  /** The Pulumi type token: pulumi-nodejs:dynamic/rcclab/<system>:<Kind>. */
  readonly pulumiType: string;
  readonly runtime: KindRuntime<S, Out, Conn, Client>;
  readonly provider: pulumi.dynamic.ResourceProvider;
  readonly Resource: new (name: string, args: ResourceArgs<S, Conn>, opts?: pulumi.CustomResourceOptions) => KindResource<S, Out>;
}

export function defineKind<S extends AnyObject, Out extends Record<string, unknown>, Conn, Client>(
  spec: KindSpec<S, Out, Conn, Client>,
): Kind<S, Out, Conn, Client> {
  const [, system, name] = spec.type.split(":");
  if (!spec.type.startsWith("rcclab:") || system !== spec.system.name || !name) {
    throw new Error(`kind type must be rcclab:${spec.system.name}:<Kind>, got ${spec.type}`);
  }
  const runtime = new KindRuntime(spec);
  registerKind(spec.type, runtime);
  const provider = makeProvider(spec.type, relativeModule(spec.file), spec.exportName);
  const secretOutputs = ["connection", ...(spec.secrets ?? [])];
  const module = `rcclab/${system}`;
  class Resource extends pulumi.dynamic.Resource {
    constructor(resourceName: string, args: ResourceArgs<S, Conn>, opts: pulumi.CustomResourceOptions = {}) {
      const props: Record<string, unknown> = { ...args };
      for (const c of spec.computed) props[c] = undefined;
      super(
        provider,
        resourceName,
        props,
        { ...opts, additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), ...secretOutputs] },
        module,
        name,
      );
    }
  }
  return {
    type: spec.type,
    pulumiType: `pulumi-nodejs:dynamic/${module}:${name}`,
    runtime,
    provider,
    Resource: Resource as unknown as Kind<S, Out, Conn, Client>["Resource"],
  };
}
