/**
 * A3: a user enabled for OCS and for remote call control, on an existing AD user (rcclab need not own
 * it). Natural key: the user's sAMAccountName. What it writes:
 *
 *   msRTCSIP-UserEnabled        TRUE
 *   msRTCSIP-PrimaryUserAddress sip:<sipUser>@<sipDomain>
 *   msRTCSIP-PrimaryHomeServer  CN=LC Services,CN=Microsoft,CN=<pool>,CN=Pools,CN=RTC Service,…
 *                               (the pool's object where OCS keeps it: see ./pools.ts)
 *   msRTCSIP-Line               tel:<E.164>            (the guide's Line URI)
 *   msRTCSIP-LineServer         sip:<sipUser>@<CUP FQDN> (the guide's Server URI)
 *   msRTCSIP-OptionFlags        bit 16 (remote call control), bit 256 (enhanced presence) when
 *                               configured; changed bit by bit, every other bit kept as it is.
 *
 * The values found before rcclab changed anything are kept in the outputs; delete puts back what
 * rcclab changed (an attribute or bit someone changed since is left alone). Refresh reads the live
 * attributes, so an out-of-band change shows as drift on the field it belongs to.
 *
 * Enhanced presence is one way: OCS 2007 R2 cannot disable it for a user once it is enabled (the R2
 * User Properties page). So bit 256 is set, never cleared — not by delete, not when rcclab stops
 * managing it, not for enhancedPresence: false. enhancedPresence: false means "rcclab does not
 * enable it"; on a user who has it, it is reported (a warning on create, update and refresh), not
 * applied, and it reads back as declared — a difference no update can remove is no drift, or
 * `rcclab drift` would fail and every `up` would try again forever. The live bit is always in the
 * enhancedPresenceLive output.
 */
import { z } from "zod";
import { RcclabError } from "../core/errors";
import { defineKind, type Logger } from "../core/kind";
import { AdClient, first, type LdapEntry, type Modification } from "./client";
import { dnEquals, domainDnOf } from "./dn";
import { domain, e164, fqdn, poolName, samAccountName, SIP_USER } from "./fields";
import { OPTION_FLAGS, poolOfHomeServer, RTC } from "./ocsSchema";
import { findPool, locatePool } from "./pools";
import { ad } from "./system";

const fields = z
  .object({
    sAMAccountName: samAccountName,
    /** The SIP domain all RCC users share: sip:<sipUser>@<sipDomain>. */
    sipDomain: domain,
    /** The user part of the SIP URIs; default the sAMAccountName. */
    sipUser: z.string().max(256).optional(),
    /** The OCS pool that homes the user. */
    pool: poolName,
    /** The user's number: the Line URI tel:<e164>. */
    e164,
    /** CUP's FQDN: the Server URI sip:<sipUser>@<cupFqdn>. */
    cupFqdn: fqdn,
    /** Bit 256 of msRTCSIP-OptionFlags; left out: the bit is not managed. */
    enhancedPresence: z.boolean().optional(),
    /** msRTCSIP-UserEnabled. */
    userEnabled: z.boolean().default(true),
    /** Bit 16 of msRTCSIP-OptionFlags. */
    remoteCallControl: z.boolean().default(true),
  })
  .transform((f) => ({ ...f, sipUser: f.sipUser ?? f.sAMAccountName }))
  .refine((f) => SIP_USER.test(f.sipUser), {
    path: ["sipUser"],
    message: "must be usable as the user part of a SIP URI (letters, digits and -_.!~*'()&=+$,;?/); set sipUser explicitly",
  });

type Fields = z.output<typeof fields>;

const STRING_ATTRS = [RTC.userEnabled, RTC.primaryUserAddress, RTC.primaryHomeServer, RTC.line, RTC.lineServer] as const;
type StringAttr = (typeof STRING_ATTRS)[number];
const ATTRS = ["sAMAccountName", ...STRING_ATTRS, RTC.optionFlags];

/** The output holding the value an attribute had before rcclab changed it (null: absent). */
const PREVIOUS: Record<StringAttr, "previousUserEnabled" | "previousPrimaryUserAddress" | "previousPrimaryHomeServer" | "previousLine" | "previousLineServer"> = {
  [RTC.userEnabled]: "previousUserEnabled",
  [RTC.primaryUserAddress]: "previousPrimaryUserAddress",
  [RTC.primaryHomeServer]: "previousPrimaryHomeServer",
  [RTC.line]: "previousLine",
  [RTC.lineServer]: "previousLineServer",
};

interface Outputs extends Record<string, unknown> {
  dn: string;
  previousUserEnabled: string | null;
  previousPrimaryUserAddress: string | null;
  previousPrimaryHomeServer: string | null;
  previousLine: string | null;
  previousLineServer: string | null;
  /** msRTCSIP-OptionFlags before rcclab changed it (null: absent); only the managed bits matter. */
  previousOptionFlags: number | null;
  /** Whether the user has enhanced presence (bit 256), as last read or written. */
  enhancedPresenceLive: boolean;
}

/** The string attribute values the fields call for; homeServer: the pool's LC Services DN. */
function desiredStrings(f: Fields, homeServer: string): Record<StringAttr, string> {
  return {
    [RTC.userEnabled]: f.userEnabled ? "TRUE" : "FALSE",
    [RTC.primaryUserAddress]: `sip:${f.sipUser}@${f.sipDomain}`,
    [RTC.primaryHomeServer]: homeServer,
    [RTC.line]: `tel:${f.e164}`,
    [RTC.lineServer]: `sip:${f.sipUser}@${f.cupFqdn}`,
  };
}

/** The OptionFlags bits the fields manage, and the value each should have. */
function desiredBits(f: Pick<Fields, "remoteCallControl" | "enhancedPresence">): { mask: number; bits: number } {
  let mask = OPTION_FLAGS.remoteCallControl;
  let bits = f.remoteCallControl ? OPTION_FLAGS.remoteCallControl : 0;
  if (f.enhancedPresence !== undefined) {
    mask |= OPTION_FLAGS.enhancedPresence;
    if (f.enhancedPresence) bits |= OPTION_FLAGS.enhancedPresence;
  }
  return { mask, bits };
}

const sameValue = (attr: StringAttr, a: string | undefined | null, b: string | undefined | null): boolean => {
  if (a == null || b == null) return a == null && b == null;
  if (attr === RTC.primaryHomeServer) return dnEquals(a, b);
  // TRUE/FALSE and URIs: AD matches these strings without regard to case.
  return a.toLowerCase() === b.toLowerCase();
};

function flagsOf(e: LdapEntry): number | undefined {
  const v = first(e, RTC.optionFlags);
  return v === undefined ? undefined : Number(v);
}

/** Changes that set the string attributes to `want` where they differ. */
function stringChanges(live: LdapEntry, want: Partial<Record<StringAttr, string | null>>): Modification[] {
  const mods: Modification[] = [];
  for (const attr of STRING_ATTRS) {
    if (!(attr in want)) continue;
    const w = want[attr];
    if (sameValue(attr, first(live, attr), w)) continue;
    mods.push({ operation: "replace", type: attr, values: w == null ? [] : [w] });
  }
  return mods;
}

function flagsChange(live: LdapEntry, value: number | null): Modification[] {
  const current = flagsOf(live);
  if ((current ?? null) === value) return [];
  return [{ operation: "replace", type: RTC.optionFlags, values: value === null ? [] : [String(value)] }];
}

async function userOrFail(client: AdClient, sam: string): Promise<LdapEntry> {
  const e = await client.findUser(sam, ATTRS);
  if (!e) throw new RcclabError("InvalidRequest", `AD user ${sam} does not exist; create it first (rcclab:ad:User) or check the sAMAccountName`);
  return e;
}

const ENHANCED = OPTION_FLAGS.enhancedPresence;

/** Flags to write, with enhanced presence kept where the user has it: OCS 2007 R2 cannot disable it. */
function keepEnhancedPresence(liveFlags: number, next: number): number {
  return next | (liveFlags & ENHANCED);
}

/** enhancedPresence: false on a user who has it: said, not applied. */
function reportUnappliable(log: Logger, sam: string, declared: boolean | undefined, liveFlags: number): void {
  if (declared !== false || !(liveFlags & ENHANCED)) return;
  log.warn(
    `enhancedPresence: false is not applied: ${sam} is enabled for enhanced presence, which OCS 2007 R2 cannot disable once enabled; it stays enabled (set enhancedPresence: true, or leave it out, to say so)`,
  );
}

/** Put a bit field's managed bits back to their previous values where they still hold what rcclab set. */
function restoreBits(current: number, mask: number, setTo: number, previous: number): number {
  let out = current;
  for (let bit = 1; bit <= mask; bit <<= 1) {
    if (!(mask & bit)) continue;
    if ((current & bit) !== (setTo & bit)) continue; // changed by someone else since: leave it
    out = (out & ~bit) | (previous & bit);
  }
  return out;
}

function parseSip(uri: string | undefined): { user: string; host: string } | undefined {
  const m = /^sip:([^@]+)@([^@]+)$/i.exec(uri ?? "");
  return m ? { user: m[1]!, host: m[2]! } : undefined;
}

/**
 * The pool field of a home server: the pool's name when the home server is that pool's object where
 * OCS keeps it; else the DN ("" when there is none).
 */
async function poolFieldOf(client: AdClient, homeServer: string | undefined): Promise<string> {
  const named = homeServer ? poolOfHomeServer(homeServer) : undefined;
  const located = named ? await findPool(client, named) : undefined;
  return named && located && dnEquals(homeServer!, located) ? named : (homeServer ?? "");
}

/** What a read of user `id` makes of its entry, given its last known state and its pool field. */
function rccOf(e: LdapEntry, id: string, olds: Partial<Fields & Outputs>, pool: string): { fields: Fields; outputs: Outputs } {
  const importing = olds.sAMAccountName === undefined;
  const primary = first(e, RTC.primaryUserAddress);
  const sip = parseSip(primary);
  const lineServer = parseSip(first(e, RTC.lineServer));
  const line = first(e, RTC.line);
  const flags = flagsOf(e) ?? 0;
  const liveSam = first(e, "sAMAccountName") ?? id;
  const f = {
    sAMAccountName: olds.sAMAccountName && olds.sAMAccountName.toLowerCase() === liveSam.toLowerCase() ? olds.sAMAccountName : liveSam,
    sipDomain: sip?.host ?? primary ?? "",
    sipUser: sip?.user ?? "",
    // A home server that is not a pool's LC Services object where OCS keeps it shows as its DN.
    pool,
    e164: /^tel:(\+\d+)$/i.exec(line ?? "")?.[1] ?? line ?? "",
    cupFqdn: lineServer && lineServer.user === sip?.user ? lineServer.host : (first(e, RTC.lineServer) ?? ""),
    // Declared false reads back as false: no update can disable it (see above); imported: live.
    enhancedPresence: importing ? (flags & ENHANCED) !== 0 : olds.enhancedPresence === false ? false : olds.enhancedPresence === undefined ? undefined : (flags & ENHANCED) !== 0,
    userEnabled: first(e, RTC.userEnabled)?.toUpperCase() === "TRUE",
    remoteCallControl: (flags & OPTION_FLAGS.remoteCallControl) !== 0,
  };
  // Imported: nothing known of before, so a delete turns RCC off (removes what is there).
  const outputs: Outputs = {
    dn: e.dn,
    ...previousOf(olds),
    enhancedPresenceLive: (flags & ENHANCED) !== 0,
  };
  return { fields: f as Fields, outputs };
}

/** The values kept from before rcclab changed anything, as read carries them over. */
function previousOf(olds: Partial<Outputs>) {
  return {
    previousUserEnabled: olds.previousUserEnabled ?? null,
    previousPrimaryUserAddress: olds.previousPrimaryUserAddress ?? null,
    previousPrimaryHomeServer: olds.previousPrimaryHomeServer ?? null,
    previousLine: olds.previousLine ?? null,
    previousLineServer: olds.previousLineServer ?? null,
    previousOptionFlags: olds.previousOptionFlags ?? null,
  };
}

/** Everything of a user's last known state that rccOf uses besides its name. */
function stateShape(olds: Partial<Fields & Outputs>) {
  const importing = olds.sAMAccountName === undefined;
  return { importing, enhancedPresence: importing ? null : (olds.enhancedPresence ?? null), ...previousOf(olds) };
}

export const RccSettings = defineKind({
  type: "rcclab:ad:RccSettings",
  file: __filename,
  exportName: "RccSettings",
  system: ad,
  fields,
  key: (f) => f.sAMAccountName,
  replaceOn: ["sAMAccountName"],
  computed: [
    "dn",
    "previousUserEnabled",
    "previousPrimaryUserAddress",
    "previousPrimaryHomeServer",
    "previousLine",
    "previousLineServer",
    "previousOptionFlags",
    "enhancedPresenceLive",
  ],
  async create({ client, log }, f): Promise<Outputs> {
    const live = await userOrFail(client, f.sAMAccountName);
    const homeServer = await locatePool(client, f.pool);
    const previous: Outputs = {
      dn: live.dn,
      previousUserEnabled: first(live, RTC.userEnabled) ?? null,
      previousPrimaryUserAddress: first(live, RTC.primaryUserAddress) ?? null,
      previousPrimaryHomeServer: first(live, RTC.primaryHomeServer) ?? null,
      previousLine: first(live, RTC.line) ?? null,
      previousLineServer: first(live, RTC.lineServer) ?? null,
      previousOptionFlags: flagsOf(live) ?? null,
      enhancedPresenceLive: false,
    };
    const liveFlags = flagsOf(live) ?? 0;
    const { mask, bits } = desiredBits(f);
    const flags = keepEnhancedPresence(liveFlags, (liveFlags & ~mask) | bits);
    reportUnappliable(log, f.sAMAccountName, f.enhancedPresence, liveFlags);
    await client.modify(live.dn, [...stringChanges(live, desiredStrings(f, homeServer)), ...flagsChange(live, flags)]);
    return { ...previous, enhancedPresenceLive: (flags & ENHANCED) !== 0 };
  },
  async read({ client, log }, id, olds) {
    const e = await client.findUser(id, ATTRS);
    if (!e) return undefined;
    const got = rccOf(e, id, olds, await poolFieldOf(client, first(e, RTC.primaryHomeServer)));
    if (olds.sAMAccountName !== undefined) reportUnappliable(log, got.fields.sAMAccountName, olds.enhancedPresence, flagsOf(e) ?? 0);
    return got;
  },
  /**
   * One paged search for every user of the domain, and one pool lookup per pool their home servers
   * name. What read makes of a user depends on its last known state too (enhancedPresence as
   * declared, the previous values kept for delete, import or not): users alike in those share a scope
   * and one search answers each exactly as read would. Users whose read would warn (enhanced presence
   * declared false but on) are left to read, which says so.
   */
  bulk: {
    scope: (olds, connection) => `${domainDnOf(connection.usersDn)}\u0000${JSON.stringify(stateShape(olds))}`,
    async readAll({ client }, olds) {
      const users = await client.listUsers(ATTRS);
      const pools = new Map<string, Promise<string>>();
      const poolOf = (homeServer: string | undefined) => {
        const k = homeServer ?? "";
        if (!pools.has(k)) pools.set(k, poolFieldOf(client, homeServer));
        return pools.get(k)!;
      };
      const importing = olds.sAMAccountName === undefined;
      const out = new Map<string, { fields: Fields; outputs: Outputs }>();
      for (const [sam, e] of users) {
        if (!importing && olds.enhancedPresence === false && ((flagsOf(e) ?? 0) & ENHANCED) !== 0) continue;
        out.set(sam, rccOf(e, sam, { ...olds, sAMAccountName: importing ? undefined : sam }, await poolOf(first(e, RTC.primaryHomeServer))));
      }
      return out;
    },
  },
  async update({ client, log }, id, olds, news): Promise<Outputs> {
    const live = await client.findUser(id, ATTRS);
    if (!live) throw new RcclabError("NotFound", `AD user ${id} is gone from the directory`);
    const homeServer = await locatePool(client, news.pool);
    const liveFlags = flagsOf(live) ?? 0;
    let previousFlags = olds.previousOptionFlags ?? null;
    const was = desiredBits(olds);
    const now = desiredBits(news);
    // A bit rcclab starts managing: remember what it was, for delete.
    const gained = now.mask & ~was.mask;
    if (gained) previousFlags = ((previousFlags ?? 0) & ~gained) | (liveFlags & gained);
    // A bit rcclab stops managing: put it back now (enhanced presence stays: see above).
    const lost = was.mask & ~now.mask;
    let flags = lost ? restoreBits(liveFlags, lost, was.bits, previousFlags ?? 0) : liveFlags;
    flags = keepEnhancedPresence(liveFlags, (flags & ~now.mask) | now.bits);
    reportUnappliable(log, news.sAMAccountName, news.enhancedPresence, liveFlags);
    await client.modify(live.dn, [...stringChanges(live, desiredStrings(news, homeServer)), ...flagsChange(live, flags)]);
    return {
      dn: live.dn,
      previousUserEnabled: olds.previousUserEnabled ?? null,
      previousPrimaryUserAddress: olds.previousPrimaryUserAddress ?? null,
      previousPrimaryHomeServer: olds.previousPrimaryHomeServer ?? null,
      previousLine: olds.previousLine ?? null,
      previousLineServer: olds.previousLineServer ?? null,
      previousOptionFlags: previousFlags,
      enhancedPresenceLive: (flags & ENHANCED) !== 0,
    };
  },
  async delete({ client, log }, id, olds) {
    // The user may be gone already (deleted with its settings): nothing to put back then.
    const live = await client.findUser(id, ATTRS);
    if (!live) return;
    // The home server rcclab wrote: the pool's object where OCS keeps it (if the pool is gone, any
    // object of the shape CN=LC Services,CN=Microsoft,CN=<that pool>,…).
    const livePool = poolOfHomeServer(first(live, RTC.primaryHomeServer) ?? "");
    const wrote =
      (await findPool(client, olds.pool)) ??
      (livePool !== undefined && livePool.toLowerCase() === olds.pool.toLowerCase() ? first(live, RTC.primaryHomeServer)! : "");
    const set = desiredStrings(olds, wrote);
    const restore: Partial<Record<StringAttr, string | null>> = {};
    for (const attr of STRING_ATTRS) {
      // Only what still holds the value rcclab wrote; a later change by someone else stays.
      if (sameValue(attr, first(live, attr), set[attr])) restore[attr] = olds[PREVIOUS[attr]] ?? null;
    }
    const { mask, bits } = desiredBits(olds);
    const liveFlags = flagsOf(live);
    const previousFlags = olds.previousOptionFlags ?? null;
    const restored = restoreBits(liveFlags ?? 0, mask, bits, previousFlags ?? 0);
    if ((liveFlags ?? 0) & ENHANCED & ~restored) {
      log.info(`enhanced presence stays enabled on ${id}: OCS 2007 R2 cannot disable it once enabled`);
    }
    let flags: number | null = keepEnhancedPresence(liveFlags ?? 0, restored);
    if (previousFlags === null && flags === 0) flags = null;
    await client.modify(live.dn, [...stringChanges(live, restore), ...flagsChange(live, flags)]);
  },
});
