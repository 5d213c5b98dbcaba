/**
 * What every check reads: the stack's config (what the lab should be: CUP's FQDN, port and
 * transport, the SIP domain, the CTI user), the live inventory (what the lab is), and the RCC users
 * resolved across both: those the stack lists with rcc, and those the live AD has enabled for remote
 * call control (bit 16 or a Line URI), so a lab rcclab did not build is audited too. Nothing here
 * reads rcclab's state.
 */
import type { LabConfig, LabUser } from "../config";
import type { AdUserInventory, LabInventory, Live, SystemName } from "../inventory/types";
import { OPTION_FLAGS } from "../../providers/ad/ocsSchema";
import type { EndUser } from "../../providers/cucm/endUser";
import type { Phone } from "../../providers/cucm/phone";
import type { AuditUser, Finding, Status } from "./types";

export type LivePhone = Live<typeof Phone>;
export type LiveEndUser = Live<typeof EndUser>;

export interface ResolvedUser extends AuditUser {
  stack?: LabUser;
  ad?: AdUserInventory;
  endUser?: LiveEndUser;
  /** The CUCM phones associated with the end user (what the user's Communicator controls). */
  phones: LivePhone[];
}

/** The result of the live login test of C4's password (probes.ts), when it was made. */
export interface PasswordProbe {
  status: Extract<Status, "pass" | "fail" | "unverified">;
  message: string;
}

export interface AuditContext {
  cfg: LabConfig;
  inv: LabInventory;
  users: ResolvedUser[];
  probes: { ctiPassword?: PasswordProbe };
}


const lc = (s: string) => s.toLowerCase();

/** The RCC users: the stack's (rcc: true) and AD's (bit 16 or a Line URI), matched by userid (case-insensitive). */
export function resolveUsers(cfg: LabConfig, inv: LabInventory): ResolvedUser[] {
  const byId = new Map<string, ResolvedUser>();
  cfg.users.forEach((u, i) => {
    if (!u.rcc) return;
    byId.set(lc(u.userid), { userid: u.userid, name: `${u.firstName} ${u.lastName}`, sources: ["stack"], stackIndex: i, stack: u, phones: [] });
  });
  const adUsers = inv.ad?.users ?? [];
  for (const a of adUsers) {
    const known = byId.get(lc(a.sAMAccountName));
    if (known) {
      known.ad = a;
      known.sources.push("ad");
      continue;
    }
    const rccInAd = ((a.optionFlags ?? 0) & OPTION_FLAGS.remoteCallControl) !== 0 || !!a.lineUri;
    if (!rccInAd) continue;
    byId.set(lc(a.sAMAccountName), {
      userid: a.sAMAccountName,
      name: a.displayName ?? ([a.givenName, a.sn].filter(Boolean).join(" ") || a.sAMAccountName),
      sources: ["ad"],
      ad: a,
      phones: [],
    });
  }
  const endUsers = new Map((inv.cucm?.endUsers ?? []).map((e) => [lc(e.userid), e]));
  const phones = new Map((inv.cucm?.phones ?? []).map((p) => [p.name.toUpperCase(), p]));
  for (const u of byId.values()) {
    u.endUser = endUsers.get(lc(u.userid));
    for (const d of u.endUser?.associatedDevices ?? []) {
      const p = phones.get(d.toUpperCase());
      if (p) u.phones.push(p);
    }
  }
  return [...byId.values()].sort((a, b) => (a.stackIndex ?? 1e9) - (b.stackIndex ?? 1e9) || a.userid.localeCompare(b.userid));
}

/** The fix text: the rcclab config key (then `rcclab up`) when the stack holds it, and the admin page. */
export function fix(configKey: string | undefined, page: string): string {
  return configKey ? `${configKey} (rcclab up applies it), or by hand: ${page}` : `by hand: ${page}`;
}

/** A stack user's config key ("rcclab:users[2].e164"), when the stack lists the user. */
export const userKey = (u: ResolvedUser, field: string): string | undefined =>
  u.stackIndex === undefined ? undefined : `rcclab:users[${u.stackIndex}]${field ? `.${field}` : ""}`;

/** The user's AD name for admin pages ("Alice Smith (asmith)"). */
export const adName = (u: ResolvedUser): string => `${u.name} (${u.userid})`;

/** One finding, of a check of a system. */
export function finding(system: SystemName, check: string, status: Status, object: string, message: string, extra: { user?: string; fix?: string } = {}): Finding {
  return { check, system, status, object, message, ...(extra.user ? { user: extra.user } : {}), ...(status !== "pass" && status !== "na" && extra.fix ? { fix: extra.fix } : {}) };
}

/** Why a system's checks cannot run: the inventory's unread entries for it. */
export function unreadReason(inv: LabInventory, system: SystemName): string {
  const why = inv.unread.filter((u) => u.system === system).map((u) => `${u.what}: ${u.message}`);
  return why.length ? `not read (${why.join("; ")})` : "not read";
}

/** Host names compare without case and trailing dot. */
export const sameHost = (a: string | undefined, b: string | undefined): boolean =>
  !!a && !!b && a.toLowerCase().replace(/\.$/, "") === b.toLowerCase().replace(/\.$/, "");

/** CUP as a destination: its FQDN or its address. */
export const isCup = (cfg: LabConfig, host: string | undefined): boolean => sameHost(host, cfg.cup.host) || sameHost(host, cfg.cup.address);
