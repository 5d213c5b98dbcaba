/**
 * C5–C6: the end users CUP knows and the desk phone control user assignment (Application > Desk
 * Phone Control > User Assignment). Exactly the stack's RCC users are assigned: an assignment made by
 * hand shows as drift on refresh and is removed by the next update.
 *
 * C5: the users must be known to CUP — CUP's Sync Agent copies end users from the CUCM publisher (B5),
 * rcclab never writes CUP's enduser table — and each gets its per-user CUP configuration row
 * (UCEnduserCfg), created when missing.
 *
 * Delete undoes only rcclab's work: the per-user rows it created are removed, the assignments it made
 * are cleared, and the users that were assigned before rcclab took over are assigned again.
 */
import { z } from "zod";
import { RcclabError } from "../core/errors";
import type { CupSession } from "./client";
import { name } from "./common";
import {
  type Row,
  assignedUsers,
  deleteUserConfig,
  deskPhoneControlProfile,
  endUserid,
  endUsersByUserid,
  insertUserConfig,
  parseAssignments,
  setUserAssignment,
  userConfigs,
} from "./sql";
import { defineCupKind } from "./system";

const fields = z.object({
  /** The RCC users' userids (as on CUCM). Order does not matter. */
  userids: z
    .array(name(128))
    .default([])
    .transform((l) => [...new Set(l)].sort()),
});

const sorted = (l: Iterable<string>): string[] => [...new Set(l)].sort();

async function profilePkid(db: CupSession): Promise<string> {
  const [row] = await db.query(deskPhoneControlProfile());
  if (!row) throw new RcclabError("InvalidRequest", "CUP has no desk phone control (CTI gateway) profile; a CUP install has one");
  return row.pkid as string;
}

async function assigned(db: CupSession, profile: string) {
  return parseAssignments(await db.queryRaw(assignedUsers(profile)));
}

/** The end users (pkid by userid); fails naming the users CUP does not know. */
async function endUsers(db: CupSession, userids: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (!userids.length) return found;
  for (const row of await db.query(endUsersByUserid(userids))) found.set(endUserid(row), row.pkid as string);
  const missing = userids.filter((u) => !found.has(u));
  if (missing.length) {
    throw new RcclabError(
      "InvalidRequest",
      `CUP does not know end user(s) ${missing.join(", ")}: CUP's Sync Agent copies end users from the CUCM publisher; create them on CUCM (B5) and let the sync run`,
    );
  }
  return found;
}

/**
 * Assign exactly `desired` to the profile; the `keep` users (assigned before rcclab, on delete) stay.
 * Returns the userids whose per-user rows it created.
 */
async function reconcile(db: CupSession, profile: string, desired: readonly string[]): Promise<string[]> {
  const users = await endUsers(db, desired);
  const created: string[] = [];
  const configs = new Map<string, Row>();
  if (users.size) for (const row of await db.query(userConfigs([...users.values()]))) configs.set(row.fkenduser as string, row);
  for (const userid of desired) {
    const endUser = users.get(userid)!;
    const cfg = configs.get(endUser);
    if (!cfg) {
      await db.insert(insertUserConfig(endUser, profile));
      created.push(userid);
    } else if (cfg.fkucctigatewayprofile !== profile) {
      await db.write(setUserAssignment(cfg.pkid as string, profile));
    }
  }
  const want = new Set(desired);
  for (const a of await assigned(db, profile)) if (!want.has(a.userid)) await db.write(setUserAssignment(a.cfgPkid, null));
  return created;
}

export const DeskPhoneControlUsers = defineCupKind({
  type: "rcclab:cup:DeskPhoneControlUsers",
  file: __filename,
  exportName: "DeskPhoneControlUsers",
  step: ["C5", "C6"],
  fields,
  key: () => "desk-phone-control-users",
  computed: ["previouslyAssigned", "createdConfigs"],
  async create({ db }, f) {
    const profile = await profilePkid(db);
    const previouslyAssigned = sorted((await assigned(db, profile)).map((a) => a.userid));
    const createdConfigs = sorted(await reconcile(db, profile, f.userids));
    return { previouslyAssigned, createdConfigs };
  },
  async read({ db }, _id, olds) {
    const profile = await profilePkid(db);
    const userids = sorted((await assigned(db, profile)).map((a) => a.userid));
    // Imported: what is assigned now was there before rcclab; nothing to undo on delete.
    return {
      fields: { userids },
      outputs: {
        previouslyAssigned: (olds.previouslyAssigned as string[] | undefined) ?? userids,
        createdConfigs: (olds.createdConfigs as string[] | undefined) ?? [],
      },
    };
  },
  async update({ db }, _id, olds, news) {
    const profile = await profilePkid(db);
    const created = await reconcile(db, profile, news.userids);
    return { previouslyAssigned: olds.previouslyAssigned ?? [], createdConfigs: sorted([...(olds.createdConfigs ?? []), ...created]) };
  },
  async delete({ db }, _id, olds) {
    const profile = await profilePkid(db);
    const before = new Set(olds.previouslyAssigned ?? []);
    const created = new Set(olds.createdConfigs ?? []);
    for (const a of await assigned(db, profile)) {
      if (before.has(a.userid)) continue;
      await db.write(created.has(a.userid) ? deleteUserConfig(a.cfgPkid) : setUserAssignment(a.cfgPkid, null));
    }
    // Put back the assignments that were there before (users CUP no longer knows are skipped).
    const restore = [...before];
    if (restore.length) {
      const users = new Map<string, string>();
      for (const row of await db.query(endUsersByUserid(restore))) users.set(endUserid(row), row.pkid as string);
      const configs = new Map<string, Row>();
      if (users.size) for (const row of await db.query(userConfigs([...users.values()]))) configs.set(row.fkenduser as string, row);
      for (const [, endUser] of users) {
        const cfg = configs.get(endUser);
        if (!cfg) await db.insert(insertUserConfig(endUser, profile));
        else if (cfg.fkucctigatewayprofile !== profile) await db.write(setUserAssignment(cfg.pkid as string, profile));
      }
    }
  },
});
