/**
 * Line appearances and service subscriptions, as phones (B4) and Extension Mobility device
 * profiles (B11) carry them: the config shape, the lookup of each line's uuid (AXL 7.0 reads a line
 * appearance's directory number by uuid only), and the conversions to and from the AXL model.
 */
import { z } from "zod";
import { RcclabError, isCode } from "../core/errors";
import type { KindContext } from "../core/kind";
import type { AxlClient, AxlConnection } from "./axl/client";
import type { Got, LineAppearance, ObjectCodec, ReleaseAdapter, ServiceSubscription } from "./axl/model";
import { productOf, type PhoneModel } from "./models";
import { dnPattern, name, optionalName } from "./fields";
import { lineId } from "./line";

export const appearanceSchema = z.object({
  index: z.number().int().min(1).max(200),
  pattern: dnPattern,
  routePartitionName: optionalName(),
  label: z.string().max(30).optional(),
  display: z.string().max(30).optional(),
  displayAscii: z.string().max(30).optional(),
  e164Mask: z.string().max(24).regex(/^\+?[0-9X]*$/, "must be digits and X, e.g. +1408555XXXX").optional(),
});
export type Appearance = z.output<typeof appearanceSchema>;

export const subscriptionSchema = z.object({
  serviceName: name(),
  name: name(),
  url: z.string().url().optional(),
});

/** Appearances sorted by index, each index once; issues at `lines[i].index`. */
export function checkAppearances(lines: readonly Appearance[], maxLines: number, what: string, ctx: z.RefinementCtx): void {
  const seen = new Set<number>();
  lines.forEach((l, i) => {
    if (seen.has(l.index)) ctx.addIssue({ code: "custom", path: ["lines", i, "index"], message: `line index ${l.index} is used twice` });
    seen.add(l.index);
    if (l.index > maxLines) ctx.addIssue({ code: "custom", path: ["lines", i, "index"], message: `the ${what} has ${maxLines} line buttons at most` });
  });
}

/**
 * The uuid of every line used, by line ID; a missing line is named by its config path. AXL 7.0 reads
 * a line appearance by that uuid only, and a number renumbered, or removed and made again, since the
 * last run has another uuid: so it is never kept in the state. Within one run the client knows the
 * uuid of each line it added or read (the Line resources just created), and those are used without
 * asking CUCM again (`fresh`: false); the others are looked up on CUCM. A known uuid CUCM refuses is
 * dropped and looked up again (withLineUuids).
 */
export async function lineUuids(client: AxlClient, lines: readonly Appearance[], fresh = false): Promise<Map<string, string>> {
  const uuids = new Map<string, string>();
  for (const [i, l] of lines.entries()) {
    const ref = { pattern: l.pattern, routePartitionName: l.routePartitionName };
    const known = fresh ? undefined : client.knownUuid(client.adapter.line, ref);
    if (known) {
      uuids.set(lineId(ref), known);
      continue;
    }
    const got = await client.get(client.adapter.line, ref);
    if (!got) throw new RcclabError("InvalidRequest", `lines[${i}]: directory number ${lineId(ref)} does not exist on CUCM; create the line first`);
    uuids.set(lineId(ref), got.uuid);
  }
  return uuids;
}

/**
 * `send` with the lines' uuids: first those the client knows, and when CUCM refuses the request
 * (a line it names is not there: removed, or made again with another uuid, outside this client), once
 * more with every line looked up on CUCM. A refusal before anything is written, so sending again is
 * safe.
 */
export async function withLineUuids<T>(client: AxlClient, lines: readonly Appearance[], send: (uuids: Map<string, string>) => Promise<T>): Promise<T> {
  const known = lines.some((l) => client.knownUuid(client.adapter.line, { pattern: l.pattern, routePartitionName: l.routePartitionName }));
  try {
    return await send(await lineUuids(client, lines));
  } catch (e) {
    // CUCM's 5007 "Item not valid: The specified Directory Number was not found" (or another reference).
    if (!known || !isCode(e, "InvalidRequest") || (e as { systemCode?: unknown }).systemCode !== 5007) throw e;
    for (const l of lines) client.forgetUuid(client.adapter.line, { pattern: l.pattern, routePartitionName: l.routePartitionName });
    return send(await lineUuids(client, lines, true));
  }
}

/** The model's appearances; per-line call limits taken from `current` (B8 owns them). */
export function toAppearances(lines: readonly Appearance[], uuids: Map<string, string>, current?: readonly LineAppearance[]): LineAppearance[] {
  return lines.map(({ pattern, routePartitionName, ...rest }) => {
    const live = current?.find((l) => l.index === rest.index);
    return {
      ...rest,
      dirn: { pattern, routePartitionName, uuid: uuids.get(lineId({ pattern, routePartitionName })) },
      ...(live?.maxNumCalls !== undefined ? { maxNumCalls: live.maxNumCalls } : {}),
      ...(live?.busyTrigger !== undefined ? { busyTrigger: live.busyTrigger } : {}),
    };
  });
}

/** The kind's appearances from the live object (call limits left out). */
export function fromAppearances(lines: readonly LineAppearance[]): Appearance[] {
  return lines
    .map((l) => ({
      index: l.index,
      pattern: l.dirn.pattern,
      routePartitionName: l.dirn.routePartitionName,
      label: l.label,
      display: l.display,
      displayAscii: l.displayAscii,
      e164Mask: l.e164Mask,
    }))
    .sort((a, b) => a.index - b.index);
}

/**
 * Live subscriptions as the resource states them: CUCM fills in each subscription's URL from its
 * service; where the stack left the URL out, so does the comparison.
 */
export function liveSubscriptions(live: readonly ServiceSubscription[], managed: readonly ServiceSubscription[] | undefined): ServiceSubscription[] {
  return sortSubscriptions(
    live.map((s) => {
      const own = managed?.find((m) => m.serviceName === s.serviceName && m.name === s.name);
      return own && own.url === undefined ? { serviceName: s.serviceName, name: s.name } : s;
    }),
  );
}

/** Subscriptions in a stable order (CUCM keeps them as a set). */
export const sortSubscriptions = (s: readonly ServiceSubscription[]): ServiceSubscription[] =>
  [...s].sort((a, b) => a.serviceName.localeCompare(b.serviceName) || a.name.localeCompare(b.name));

/** The fields every device with line appearances has in its kind (phones, device profiles). */
interface LineDeviceFields {
  name: string;
  model: PhoneModel;
  lines: Appearance[];
}

/**
 * The model object of a device with line appearances: the model named as AXL's product, each line
 * with its uuid, and the call limits the live device has (B8 owns them).
 */
export function lineDeviceSpec<S>(f: LineDeviceFields, uuids: Map<string, string>, current?: { lines: readonly LineAppearance[] }): S {
  const { model, lines, ...rest } = f;
  return { ...rest, product: productOf(model), lines: toAppearances(lines, uuids, current?.lines) } as S;
}

type Ctx = KindContext<AxlConnection, AxlClient>;

/**
 * Create / read / update / delete of a device with line appearances: the lines are looked up first
 * (for their uuids, and to name a missing one), and an update keeps the live call limits.
 */
export function lineDeviceCrud<F extends LineDeviceFields, S extends { lines: LineAppearance[] }>(
  codec: (adapter: ReleaseAdapter) => ObjectCodec<S, string>,
  fromLive: (live: Got<S>, olds: Partial<F>) => F,
) {
  return {
    async create({ client }: Ctx, f: F) {
      return { uuid: await withLineUuids(client, f.lines, (uuids) => client.add(codec(client.adapter), lineDeviceSpec<S>(f, uuids), f.name)) };
    },
    async read({ client }: Ctx, id: string, olds: Partial<F>) {
      const got = await client.get(codec(client.adapter), id);
      if (!got) return undefined;
      return { fields: fromLive(got, olds), outputs: { uuid: got.uuid } };
    },
    async update({ client }: Ctx, id: string, _olds: F, news: F) {
      return { uuid: await withLineUuids(client, news.lines, (uuids) => client.update(codec(client.adapter), id, (current) => lineDeviceSpec<S>(news, uuids, current))) };
    },
    async delete({ client }: Ctx, id: string) {
      await client.remove(codec(client.adapter), id);
    },
  };
}
