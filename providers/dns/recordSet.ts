/**
 * A1: one DNS RRset (A, PTR, SRV or CNAME records at one name), written with RFC 2136 updates.
 * Natural key: "<name>/<type>". A change of name, type or zone replaces it.
 *
 * - create: never takes over records it did not make. The write carries RFC 2136's "RRset does not
 *   exist" prerequisite, so an RRset that is already there — made by hand or by another stack —
 *   fails the create (AlreadyExists, saying how to adopt it). Adoption is explicit: with `adopt`, an
 *   RRset holding exactly the desired records is taken in (its TTL set), marked adopted, and left in
 *   place by delete.
 * - read: the live RRset (every record at the name and type, whoever added it): drift and import.
 * - update: reconciles the RRset to the desired records (adds the missing ones, deletes the extra
 *   ones), guarded by a prerequisite that the RRset is still what was read.
 * - delete: removes only the records in the resource's state, one by one (class NONE), never the whole
 *   name or RRset, so records others added at the same name survive; an adopted RRset stays.
 */
import { z } from "zod";
import { RcclabError, isCode } from "../core/errors";
import { defineKind, type KindContext } from "../core/kind";
import type { Change, DnsClient, DnsConnection, Prerequisite, RRset } from "./client";
import { dns } from "./system";
import { canonicalName, canonicalRdata, inZone, isDomainName } from "./wire";

export const RECORD_TYPES = ["A", "PTR", "SRV", "CNAME"] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

const domainName = (example: string) =>
  z
    .string()
    .min(1)
    .refine(isDomainName, `must be a fully qualified domain name, e.g. ${example}`)
    .transform(canonicalName);

/** Records compare as sets: sorted, without duplicates. */
export const sortRecords = (records: readonly string[]): string[] => [...new Set(records)].sort();

export const recordSetFields = z
  .object({
    /** The zone the records go in, e.g. lab.example.com or 10.10.10.in-addr.arpa. */
    zone: domainName("lab.example.com"),
    /** The owner name (FQDN), e.g. cup.lab.example.com or 20.10.10.10.in-addr.arpa. */
    name: domainName("cup.lab.example.com"),
    type: z.enum(RECORD_TYPES),
    ttl: z.number().int().min(0).max(2_147_483_647).default(3600),
    /** RDATA in presentation form: "10.10.10.20", "cup.lab.example.com.", "0 0 5061 pool1.lab.example.com.". */
    records: z.array(z.string().min(1)).min(1, "must hold at least one record"),
    /** Adopt an RRset that already holds exactly these records (left in place on delete). */
    adopt: z.boolean().default(false),
  })
  .superRefine((f, ctx) => {
    if (!inZone(f.name, f.zone)) ctx.addIssue({ code: "custom", path: ["name"], message: `"${f.name}" is not in zone "${f.zone}"` });
    f.records.forEach((r, i) => {
      try {
        canonicalRdata(f.type, r);
      } catch (e) {
        ctx.addIssue({ code: "custom", path: ["records", i], message: (e as Error).message });
      }
    });
    if (f.type === "CNAME" && sortRecords(f.records).length > 1) {
      ctx.addIssue({ code: "custom", path: ["records"], message: "a CNAME RRset holds exactly one record" });
    }
  })
  .transform((f) => ({ ...f, records: sortRecords(f.records.map((r) => canonicalRdata(f.type, r))) }));

export type RecordSetFields = z.output<typeof recordSetFields>;
export type RecordSetInput = z.input<typeof recordSetFields>;

type Ctx = KindContext<DnsConnection, DnsClient>;

export const recordSetKey = (f: { name: string; type: string }): string => `${canonicalName(f.name)}/${f.type}`;

export function parseRecordSetId(id: string): { name: string; type: RecordType } {
  const slash = id.lastIndexOf("/");
  const name = canonicalName(id.slice(0, slash));
  const type = id.slice(slash + 1).toUpperCase() as RecordType;
  if (slash <= 0 || !RECORD_TYPES.includes(type) || !isDomainName(name)) {
    throw new RcclabError("InvalidRequest", `"${id}" is not a record set ID; expected "<name>/<type>", e.g. "cup.lab.example.com/A"`);
  }
  return { name, type };
}

const same = (a: readonly string[], b: readonly string[]): boolean => {
  const x = sortRecords(a);
  const y = sortRecords(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
};

/** Guards every write: the RRset is still as read, and a CNAME never meets other data (RFC 1034 §3.6.2). */
function guards(f: RecordSetFields, live: RRset | undefined): Prerequisite[] {
  const p: Prerequisite[] = live
    ? [{ kind: "rrsetEquals", name: f.name, type: f.type, records: live.records }]
    : [{ kind: "rrsetAbsent", name: f.name, type: f.type }];
  // A server silently ignores an add that would put a CNAME beside other data: make it fail instead.
  if (f.type === "CNAME" && !live) p.push({ kind: "nameNotInUse", name: f.name });
  if (f.type !== "CNAME") p.push({ kind: "rrsetAbsent", name: f.name, type: "CNAME" });
  return p;
}

/** Write the desired records, given what is live; retried when the RRset changes under us. */
async function reconcile(ctx: Ctx, f: RecordSetFields, first: RRset | undefined, verb: string, attempts: number): Promise<void> {
  let live = first;
  for (let attempt = 1; ; attempt++) {
    const liveRecords = live?.records ?? [];
    const ttlChanged = live !== undefined && live.ttl !== f.ttl;
    const changes: Change[] = [
      ...liveRecords.filter((r) => !f.records.includes(r)).map((rdata): Change => ({ op: "delete", name: f.name, type: f.type, rdata })),
      // Adding a record that is there already with another TTL sets the TTL of the whole RRset.
      ...f.records.filter((r) => ttlChanged || !liveRecords.includes(r)).map((rdata): Change => ({ op: "add", name: f.name, type: f.type, ttl: f.ttl, rdata })),
    ];
    if (changes.length === 0) return;
    try {
      await ctx.client.update(f.zone, changes, guards(f, live));
      break;
    } catch (e) {
      if (!isCode(e, "Conflict")) throw e;
      const now = await ctx.client.getRRset(f.zone, f.name, f.type);
      if (f.type !== "CNAME") {
        const cname = await ctx.client.getRRset(f.zone, f.name, "CNAME");
        if (cname) throw new RcclabError("Conflict", `${verb} ${f.name} ${f.type}: the name is an alias (CNAME ${cname.records.join(", ")}) and cannot hold other records`, { systemCode: e.systemCode });
      } else if (!now && !live) {
        throw new RcclabError("Conflict", `${verb} ${f.name} CNAME: the name already holds other records, and a CNAME cannot share its name`, { systemCode: e.systemCode });
      }
      if (attempt >= attempts) throw new RcclabError("Conflict", attempts > 1 ? `${e.message}; the RRset kept changing over ${attempt} attempts` : e.message, { systemCode: e.systemCode });
      ctx.log.info(`${verb}: the RRset changed while writing it (${e.systemCode}); reading it again`);
      live = now;
    }
  }
  const after = await ctx.client.getRRset(f.zone, f.name, f.type);
  if (!after || !same(after.records, f.records)) {
    throw new RcclabError(
      "Conflict",
      `${verb} ${f.name} ${f.type}: the server accepted the update but holds [${after?.records.join(", ") ?? ""}] instead of [${f.records.join(", ")}]` +
        (f.type === "CNAME" ? " (a CNAME cannot share its name with other records)" : " (is there a CNAME at this name?)"),
    );
  }
}

export const RecordSet = defineKind({
  type: "rcclab:dns:RecordSet",
  file: __filename,
  exportName: "RecordSet",
  system: dns,
  fields: recordSetFields,
  key: recordSetKey,
  replaceOn: ["zone", "name", "type"],
  computed: ["adopted"],
  async create(ctx, f) {
    const live = await ctx.client.getRRset(f.zone, f.name, f.type);
    if (live && !(f.adopt && same(live.records, f.records))) {
      const held = `${f.name} ${f.type} already exists in zone ${f.zone} with [${live.records.join(", ")}]`;
      throw new RcclabError(
        "AlreadyExists",
        same(live.records, f.records)
          ? `${held}, made by hand or by another stack; rcclab does not take over records it did not create: ` +
              `set rcclab:dns.adopt: true to adopt records that already hold exactly these values (they are then left in place on destroy), or remove them first`
          : `${held}, not [${f.records.join(", ")}], made by hand or by another stack; rcclab does not take them over: remove those records first, or declare the values they hold`,
      );
    }
    if (live) ctx.log.info(`adopting the existing RRset ${f.name} ${f.type}: it already holds exactly the desired records; it stays on destroy`);
    try {
      await reconcile(ctx, f, live, "create", 1);
    } catch (e) {
      // Someone wrote the RRset between our read and our update.
      if (isCode(e, "Conflict")) {
        const now = await ctx.client.getRRset(f.zone, f.name, f.type);
        // Our own update, whose answer was lost and whose retry met its prerequisite: done.
        if (now && same(now.records, f.records) && now.ttl === f.ttl) return { adopted: false };
        if (now) throw new RcclabError("AlreadyExists", `${f.name} ${f.type} was created by someone else meanwhile with [${now.records.join(", ")}]`);
      }
      throw e;
    }
    return { adopted: live !== undefined };
  },
  async read({ client }, id, olds) {
    const { name, type } = parseRecordSetId(id);
    const zone = olds.zone ?? (await client.findZone(name));
    const live = await client.getRRset(zone, name, type);
    if (!live) return undefined;
    return {
      fields: { zone: canonicalName(zone), name, type, ttl: live.ttl, records: sortRecords(live.records), adopt: olds.adopt ?? false },
      outputs: { adopted: olds.adopted ?? false },
    };
  },
  /**
   * One zone transfer (AXFR) for every RRset of the zone. What read makes of an RRset depends on its
   * last known state too (adopt, adopted): RRsets alike in those share a scope. An RRset read without
   * a known zone (an import) is left to read, which finds its zone. A server that refuses transfers
   * fails the bulk read, and the RRsets are read one by one.
   */
  bulk: {
    scope: (olds) => `${olds.zone ? canonicalName(olds.zone) : ""}\u0000${olds.adopt ?? false}\u0000${olds.adopted ?? false}`,
    async readAll({ client }, olds) {
      const out = new Map<string, { fields: RecordSetFields; outputs: { adopted: boolean } }>();
      if (!olds.zone) return out;
      const zone = canonicalName(olds.zone);
      for (const [key, live] of await client.zoneRRsets(zone)) {
        if (!(RECORD_TYPES as readonly string[]).includes(live.type)) continue;
        out.set(key, {
          fields: { zone, name: live.name, type: live.type as RecordType, ttl: live.ttl, records: sortRecords(live.records), adopt: olds.adopt ?? false },
          outputs: { adopted: olds.adopted ?? false },
        });
      }
      return out;
    },
  },
  async update(ctx, _id, olds, news) {
    const live = await ctx.client.getRRset(news.zone, news.name, news.type);
    if (!live) ctx.log.warn(`${news.name} ${news.type} was deleted outside rcclab; creating it again`);
    await reconcile(ctx, news, live, "update", 3);
    return { adopted: olds.adopted ?? false };
  },
  async delete(ctx, id, olds) {
    const { name, type } = parseRecordSetId(id);
    if (olds.adopted) return ctx.log.info(`leaving ${name} ${type} in place: it was adopted, not created, by rcclab`);
    const zone = olds.zone ?? (await ctx.client.findZone(name));
    const live = await ctx.client.getRRset(zone, name, type);
    const mine = (olds.records ?? []).filter((r) => live?.records.includes(r));
    if (mine.length === 0) return;
    const others = live!.records.filter((r) => !mine.includes(r));
    if (others.length > 0) ctx.log.info(`leaving ${others.length} record(s) at ${name} ${type} that rcclab did not create: ${others.join(", ")}`);
    await ctx.client.update(
      zone,
      mine.map((rdata): Change => ({ op: "delete", name, type, rdata })),
    );
  },
});
