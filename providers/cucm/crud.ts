/**
 * The create / read / update / delete most CUCM kinds share: one AXL object, one codec, the kind's
 * fields mapped to and from the release-neutral model. Kinds with more to do (phones resolving
 * their lines, limits restoring what they found) write their own.
 */
import type { z } from "zod";
import { type KindContext, liveFields } from "../core/kind";
import type { AxlClient, AxlConnection } from "./axl/client";
import type { Got, ObjectCodec, ReleaseAdapter } from "./axl/model";

type Ctx = KindContext<AxlConnection, AxlClient>;

export interface AxlCrudOptions<F, S, K> {
  /** The codec in the release's adapter. */
  codec: (adapter: ReleaseAdapter) => ObjectCodec<S, K>;
  /** The codec's key from the kind's fields, and from the resource ID. */
  keyOf: (fields: F) => K;
  parseId: (id: string) => K;
  /** The model object from the kind's fields (default: the fields as they are). */
  toSpec?: (fields: F) => S;
  /** The kind's fields from the live object (default: the fields schema applied to it). */
  fromLive?: (live: S, olds: Partial<F>) => F;
}

export function axlCrud<Sch extends z.ZodType<Record<string, any>>, S, K>(schema: Sch, o: AxlCrudOptions<z.output<Sch>, S, K>) {
  type F = z.output<Sch>;
  const spec = o.toSpec ?? ((f: F) => f as unknown as S);
  const fromLive = o.fromLive ?? ((live: S) => liveFields(schema, live as Record<string, unknown>) as F);
  return {
    async create({ client }: Ctx, f: F) {
      return { uuid: await client.add(o.codec(client.adapter), spec(f), o.keyOf(f)) };
    },
    async read({ client }: Ctx, id: string, olds: Partial<F>) {
      const got = await client.get(o.codec(client.adapter), o.parseId(id));
      if (!got) return undefined;
      const { uuid, ...live } = got as Got<S>;
      return { fields: fromLive(live as S, olds), outputs: { uuid } };
    },
    async update({ client }: Ctx, id: string, _olds: F, news: F) {
      return { uuid: await client.update(o.codec(client.adapter), o.parseId(id), spec(news)) };
    },
    async delete({ client }: Ctx, id: string) {
      await client.remove(o.codec(client.adapter), o.parseId(id));
    },
  };
}
