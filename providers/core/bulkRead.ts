/**
 * Bulk reads: refresh and drift read every object of a lab, one request per object unless the kind
 * can read many at once (an AXL list or one SQL query per table, one paged LDAP search, one zone
 * query, one WMI enumeration). A kind that can declares `bulk` (a BulkRead); its reads then go
 * through here:
 *
 * - The first reads of a kind are single reads, as before: a run that reads one or two objects
 *   (an import, a recovery) gains nothing from listing them all.
 * - From the `after`-th read of the same kind, scope and system within `windowMs`, one bulk read
 *   fetches every object of the scope; reads that come meanwhile wait for it, and later ones are
 *   answered from it for `ttlMs`.
 * - An object the bulk read does not hold (gone, outside what the list covers, or one it could not
 *   describe fully) is read singly: a bulk read never decides that an object is gone.
 * - Any write to the system (by any kind of this process) drops what was read of it (see kind.ts).
 *
 * The answers are what `read()` would have given for each object, so refresh, drift and the diffs
 * that follow do not depend on which way an object was read (each kind's test checks this).
 */

/** What one object reads as: the kind's managed fields and its computed outputs. */
export interface BulkObject<F, Out> {
  fields: F;
  outputs: Out;
}

export interface BulkRead<F, Out, Conn, Client> {
  /**
   * What one bulk read covers, from an object's last known fields and connection: a DNS zone, a
   * directory subtree; "" when the kind's objects are one set on the system.
   */
  scope(olds: Partial<F & Out>, connection: Conn): string;
  /** Every object of the scope, by natural key (the kind's `key`), in as few requests as the system allows. */
  readAll(ctx: { client: Client; connection: Conn; log: { info(m: string): void; warn(m: string): void } }, olds: Partial<F & Out>): Promise<Map<string, BulkObject<F, Out>>>;
}

export interface BulkOptions {
  /** Reads of one kind and scope before a bulk read is worth it. */
  after: number;
  /** How close together those reads must be. */
  windowMs: number;
  /** How long a bulk read answers reads. */
  ttlMs: number;
}

const DEFAULTS: BulkOptions = { after: 3, windowMs: 10_000, ttlMs: 10_000 };

interface Slot {
  /** When the recent single reads were asked. */
  asked: number[];
  snapshot?: { at: number; objects: Promise<Map<string, BulkObject<unknown, unknown>> | undefined> };
}

export class BulkReads {
  private readonly slots = new Map<string, Slot>();
  /** Counts, for tests and the benchmark. */
  readonly stats = { single: 0, bulk: 0, fromBulk: 0 };

  constructor(
    private readonly opts: BulkOptions = DEFAULTS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * One object's read: from a bulk read when one holds it (starting one when reads of this kind
   * come often enough), else `single()`.
   */
  async read<F, Out, Conn, Client>(
    type: string,
    clientKey: string,
    bulk: BulkRead<F, Out, Conn, Client>,
    ctx: { client: Client; connection: Conn; log: { info(m: string): void; warn(m: string): void } },
    id: string,
    olds: Partial<F & Out>,
    single: () => Promise<BulkObject<F, Out> | undefined>,
  ): Promise<BulkObject<F, Out> | undefined> {
    const key = `${clientKey}\u0000${type}\u0000${bulk.scope(olds, ctx.connection)}`;
    const slot = this.slots.get(key) ?? { asked: [] };
    this.slots.set(key, slot);
    const t = this.now();
    if (slot.snapshot && t - slot.snapshot.at > this.opts.ttlMs) delete slot.snapshot;
    if (!slot.snapshot) {
      slot.asked = [...slot.asked.filter((at) => t - at <= this.opts.windowMs), t];
      if (slot.asked.length < this.opts.after) return this.one(single);
      slot.asked = [];
      this.stats.bulk++;
      // A bulk read that fails is no failure of this read: it falls back to single reads.
      const objects = bulk.readAll(ctx, olds).catch((e: unknown) => {
        ctx.log.warn(`reading every ${type} at once failed (${(e as Error)?.message ?? String(e)}); reading them one by one`);
        return undefined;
      });
      slot.snapshot = { at: t, objects: objects as Promise<Map<string, BulkObject<unknown, unknown>> | undefined> };
    }
    const held = (await slot.snapshot.objects)?.get(id) as BulkObject<F, Out> | undefined;
    if (!held) return this.one(single);
    this.stats.fromBulk++;
    return held;
  }

  private one<T>(single: () => Promise<T>): Promise<T> {
    this.stats.single++;
    return single();
  }

  /** Drop what was read of one system (a write changed it). */
  forget(clientKey: string): void {
    for (const key of this.slots.keys()) if (key.startsWith(`${clientKey}\u0000`)) this.slots.delete(key);
  }
}
