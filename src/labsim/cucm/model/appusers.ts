/** Application users (the CTI user CUP logs in with). Natural key: userid. */
import { faults } from "../faults";
import { type AppUserRow, type CucmDb, newPkid, pkidOf } from "./db";

export interface AppUserKey {
  userid?: string;
  uuid?: string;
}

export interface AppUserInput {
  userid: string;
  password?: string;
  presenceGroupName?: string | null;
  /** Device names; replaces the list on update. */
  associatedDevices?: string[];
  /** User group names; replaces the list on update. */
  userGroups?: string[];
  settings?: Record<string, string>;
}

export interface AppUserPatch extends Partial<Omit<AppUserInput, "userid">> {
  newUserid?: string;
}

const LABEL = "Application User";

function devicePkids(db: CucmDb, names: string[]): string[] {
  return [...new Set(names)].map((n) => {
    const d = db.deviceByName(n);
    if (!d) throw faults.missingReference("Device", n);
    return d.pkid;
  });
}

function groupPkids(db: CucmDb, names: string[]): string[] {
  return [...new Set(names)].map((n) => db.ref("userGroups", n).pkid);
}

function checkUserid(db: CucmDb, userid: string, self?: AppUserRow): void {
  if (!userid.trim()) throw faults.invalid("User ID is required");
  const clash = db.appUserById(userid) ?? db.endUserById(userid);
  if (clash && clash.pkid !== self?.pkid) throw faults.duplicate();
}

export const appUsers = {
  label: LABEL,

  all: (db: CucmDb) => [...db.appUsers.values()],

  find(db: CucmDb, key: AppUserKey): AppUserRow | undefined {
    if (key.uuid) return db.appUsers.get(pkidOf(key.uuid));
    return key.userid === undefined ? undefined : db.appUserById(key.userid);
  },

  get(db: CucmDb, key: AppUserKey): AppUserRow {
    const row = appUsers.find(db, key);
    if (!row) throw faults.notFound(LABEL);
    return row;
  },

  add(db: CucmDb, input: AppUserInput): AppUserRow {
    checkUserid(db, input.userid);
    const row: AppUserRow = {
      pkid: newPkid(),
      userid: input.userid,
      password: input.password ?? "",
      presenceGroupPkid: db.optRef("presenceGroups", input.presenceGroupName) ?? null,
      devicePkids: devicePkids(db, input.associatedDevices ?? []),
      groupPkids: groupPkids(db, input.userGroups ?? []),
      settings: { ...(input.settings ?? {}) },
    };
    db.appUsers.set(row.pkid, row);
    return row;
  },

  update(db: CucmDb, key: AppUserKey, patch: AppUserPatch): AppUserRow {
    const current = appUsers.find(db, key);
    if (!current) throw faults.updateNotFound(LABEL);
    const next: AppUserRow = { ...current, settings: { ...current.settings, ...(patch.settings ?? {}) } };
    if (patch.newUserid !== undefined) {
      checkUserid(db, patch.newUserid, current);
      next.userid = patch.newUserid;
    }
    if (patch.password !== undefined) next.password = patch.password;
    const pg = db.optRef("presenceGroups", patch.presenceGroupName);
    if (pg !== undefined) next.presenceGroupPkid = pg;
    if (patch.associatedDevices) next.devicePkids = devicePkids(db, patch.associatedDevices);
    if (patch.userGroups) next.groupPkids = groupPkids(db, patch.userGroups);
    db.appUsers.set(next.pkid, next);
    return next;
  },

  remove(db: CucmDb, key: AppUserKey): AppUserRow {
    const row = appUsers.get(db, key);
    db.appUsers.delete(row.pkid);
    return row;
  },
};
