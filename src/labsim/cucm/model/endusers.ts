/**
 * End users (CUCM's enduser table and its maps: enduserdevicemap for controlled devices and
 * profiles, enduserdirgroupmap for user groups). Natural key: userid, unique across end users and
 * application users.
 */
import { faults } from "../faults";
import { BY_OWNER, type CucmDb, type EndUserRow, type LineDeviceRow, newPkid, normalizeEndUser, pkidOf } from "./db";
import { lines } from "./lines";

export interface EndUserKey {
  userid?: string;
  uuid?: string;
}

/** A device profile named by name, or (7.0's profile element) by uuid. */
export interface ProfileRef {
  name?: string;
  uuid?: string;
}

export interface DnInput {
  pattern: string;
  routePartitionName?: string | null;
}

export interface EndUserInput {
  userid: string;
  firstName?: string;
  lastName: string;
  telephoneNumber?: string;
  /** Write-only. */
  password?: string;
  /** Write-only; digits only. */
  pin?: string;
  /** Controlled devices (phone names); replaces the list on update. */
  associatedDevices?: string[];
  /** null = cleared. */
  primaryExtension?: DnInput | null;
  /** User group names; replaces the list on update. */
  userGroups?: string[];
  /** Controlled profiles (AXL phoneProfiles); replaces the list on update. */
  phoneProfiles?: ProfileRef[];
  /** 12.x ctiControlledDeviceProfiles. */
  ctiControlledProfiles?: ProfileRef[];
  /** null = cleared. */
  defaultProfile?: string | null;
  presenceGroupName?: string | null;
  /** 12.x: enables the user for IM and Presence (rcclab's CUP capability). */
  imAndPresenceEnable?: boolean;
  homeCluster?: boolean;
  settings?: Record<string, string>;
}

export interface EndUserPatch extends Partial<Omit<EndUserInput, "userid" | "lastName">> {
  newUserid?: string;
  lastName?: string;
}

export const END_USER_LABEL = "User";
const PROFILE_LABEL = "Device Profile";

function checkUserid(db: CucmDb, userid: string, self?: EndUserRow): void {
  if (!userid.trim()) throw faults.invalid("User ID is required");
  const clash = db.endUserById(userid) ?? db.appUserById(userid);
  if (clash && clash.pkid !== self?.pkid) throw faults.duplicate();
}

function checkPin(pin: string | undefined): void {
  if (pin !== undefined && pin !== "" && !/^\d+$/.test(pin)) throw faults.invalid("PIN must contain only digits");
}

function devicePkids(db: CucmDb, names: string[]): string[] {
  return [...new Set(names)].map((n) => {
    const d = db.deviceByName(n);
    if (!d || d.cls !== "Phone") throw faults.missingReference("Device", n);
    return d.pkid;
  });
}

export function profilePkid(db: CucmDb, ref: ProfileRef): string {
  const d = ref.uuid ? db.devices.get(pkidOf(ref.uuid)) : ref.name !== undefined ? db.deviceByName(ref.name) : undefined;
  if (!d || d.cls !== "Device Profile") throw faults.missingReference(PROFILE_LABEL, ref.name ?? ref.uuid ?? "");
  return d.pkid;
}

function profilePkids(db: CucmDb, refs: ProfileRef[]): string[] {
  return [...new Set(refs.map((r) => profilePkid(db, r)))];
}

function groupPkids(db: CucmDb, names: string[]): string[] {
  return [...new Set(names)].map((n) => db.ref("userGroups", n).pkid);
}

function primaryLine(db: CucmDb, dn: DnInput | null | undefined): string | null | undefined {
  if (dn === undefined) return undefined;
  if (dn === null || dn.pattern === "") return null;
  const row = lines.find(db, { pattern: dn.pattern, routePartitionName: dn.routePartitionName ?? null });
  if (!row) {
    const where = dn.routePartitionName ? ` in partition ${dn.routePartitionName}` : "";
    throw faults.missingReference("Directory Number", `${dn.pattern}${where}`);
  }
  return row.pkid;
}

/** Rules across fields, checked on the resulting row. */
function checkRow(db: CucmDb, row: EndUserRow): void {
  if (!row.lastName.trim()) throw faults.invalid("Last Name is required");
  if (row.primaryLinePkid) {
    // Cisco: "Only DNs associated with the associatedDevices of the User can be used as primary extension."
    const controlled = [...row.devicePkids, ...row.profilePkids].map((p) => db.devices.get(p) as LineDeviceRow | undefined);
    if (!controlled.some((d) => d?.lines.some((l) => l.linePkid === row.primaryLinePkid))) {
      throw faults.invalid("The primary extension must be a directory number on one of the user's controlled devices");
    }
  }
  if (row.enableUps && !row.homeCluster) {
    throw faults.invalid("IM and Presence can be enabled only for a user whose home cluster is this cluster");
  }
}

export const endUsers = {
  label: END_USER_LABEL,

  all: (db: CucmDb) => [...db.endUsers.values()],

  find(db: CucmDb, key: EndUserKey): EndUserRow | undefined {
    if (key.uuid) return db.endUsers.get(pkidOf(key.uuid));
    return key.userid === undefined ? undefined : db.endUserById(key.userid);
  },

  get(db: CucmDb, key: EndUserKey): EndUserRow {
    const row = endUsers.find(db, key);
    if (!row) throw faults.notFound(END_USER_LABEL);
    return row;
  },

  add(db: CucmDb, input: EndUserInput): EndUserRow {
    checkUserid(db, input.userid);
    checkPin(input.pin);
    const row = normalizeEndUser({
      pkid: newPkid(),
      userid: input.userid,
      ...(input.firstName !== undefined ? { firstName: input.firstName } : {}),
      lastName: input.lastName,
      telephoneNumber: input.telephoneNumber ?? "",
      password: input.password ?? "",
      pin: input.pin ?? "",
      devicePkids: devicePkids(db, input.associatedDevices ?? []),
      groupPkids: groupPkids(db, input.userGroups ?? []),
      profilePkids: profilePkids(db, input.phoneProfiles ?? []),
      ctiProfilePkids: profilePkids(db, input.ctiControlledProfiles ?? []),
      defaultProfilePkid: input.defaultProfile ? profilePkid(db, { name: input.defaultProfile }) : null,
      presenceGroupPkid: db.optRef("presenceGroups", input.presenceGroupName) ?? null,
      enableUps: input.imAndPresenceEnable ?? false,
      enableUpc: input.imAndPresenceEnable ?? false,
      homeCluster: input.homeCluster ?? true,
      settings: { ...(input.settings ?? {}) },
    });
    row.primaryLinePkid = primaryLine(db, input.primaryExtension) ?? null;
    checkRow(db, row);
    db.endUsers.set(row.pkid, row);
    return row;
  },

  update(db: CucmDb, key: EndUserKey, patch: EndUserPatch): EndUserRow {
    const current = endUsers.find(db, key);
    if (!current) throw faults.updateNotFound(END_USER_LABEL);
    const next: EndUserRow = { ...current, settings: { ...current.settings, ...(patch.settings ?? {}) } };
    if (patch.newUserid !== undefined) {
      checkUserid(db, patch.newUserid, current);
      next.userid = patch.newUserid;
    }
    checkPin(patch.pin);
    if (patch.firstName !== undefined) next.firstName = patch.firstName;
    if (patch.lastName !== undefined) next.lastName = patch.lastName;
    if (patch.telephoneNumber !== undefined) next.telephoneNumber = patch.telephoneNumber;
    if (patch.password !== undefined) next.password = patch.password;
    if (patch.pin !== undefined) next.pin = patch.pin;
    if (patch.associatedDevices) next.devicePkids = devicePkids(db, patch.associatedDevices);
    if (patch.userGroups) next.groupPkids = groupPkids(db, patch.userGroups);
    if (patch.phoneProfiles) next.profilePkids = profilePkids(db, patch.phoneProfiles);
    if (patch.ctiControlledProfiles) next.ctiProfilePkids = profilePkids(db, patch.ctiControlledProfiles);
    if (patch.defaultProfile !== undefined) {
      next.defaultProfilePkid = patch.defaultProfile ? profilePkid(db, { name: patch.defaultProfile }) : null;
    }
    const pg = db.optRef("presenceGroups", patch.presenceGroupName);
    if (pg !== undefined) next.presenceGroupPkid = pg;
    if (patch.homeCluster !== undefined) next.homeCluster = patch.homeCluster;
    if (patch.imAndPresenceEnable !== undefined) {
      next.enableUps = patch.imAndPresenceEnable;
      next.enableUpc = patch.imAndPresenceEnable;
    }
    const primary = primaryLine(db, patch.primaryExtension);
    if (primary !== undefined) next.primaryLinePkid = primary;
    checkRow(db, next);
    db.endUsers.set(next.pkid, next);
    return next;
  },

  remove(db: CucmDb, key: EndUserKey): EndUserRow {
    const row = endUsers.get(db, key);
    db.endUsers.delete(row.pkid);
    for (const p of db.devices.find(BY_OWNER, row.pkid)) if (p.cls === "Phone" && p.ownerPkid === row.pkid) db.devices.set(p.pkid, { ...p, ownerPkid: null });
    return row;
  },

  /** 7.0 updateLicenseCapabilities: only the flags sent change. */
  setLicenses(db: CucmDb, userid: string, flags: { enableUps?: boolean; enableUpc?: boolean }): EndUserRow {
    const row = { ...endUsers.get(db, { userid }) };
    if (flags.enableUps !== undefined) row.enableUps = flags.enableUps;
    if (flags.enableUpc !== undefined) row.enableUpc = flags.enableUpc;
    db.endUsers.set(row.pkid, row);
    return row;
  },
};

/** A member's user groups changed (rows are replaced, never changed in place). */
function setGroups(db: CucmDb, m: { kind: "end" | "app"; pkid: string }, change: (groups: string[]) => string[]): void {
  if (m.kind === "end") {
    const row = db.endUsers.get(m.pkid)!;
    db.endUsers.set(row.pkid, { ...row, groupPkids: change(row.groupPkids) });
  } else {
    const row = db.appUsers.get(m.pkid)!;
    db.appUsers.set(row.pkid, { ...row, groupPkids: change(row.groupPkids) });
  }
}

/** Members of a user group (end users and application users), as 7.0's updateUserGroup edits them. */
export const userGroupMembers = {
  /** The end user or application user named `userid` (end users first). */
  member(db: CucmDb, userid: string): { kind: "end" | "app"; pkid: string } {
    const end = db.endUserById(userid);
    if (end) return { kind: "end", pkid: end.pkid };
    const app = db.appUserById(userid);
    if (app) return { kind: "app", pkid: app.pkid };
    throw faults.missingReference(END_USER_LABEL, userid);
  },

  list(db: CucmDb, groupPkid: string): Array<{ userid: string; pkid: string }> {
    return [
      ...[...db.endUsers.values()].filter((u) => u.groupPkids.includes(groupPkid)),
      ...[...db.appUsers.values()].filter((u) => u.groupPkids.includes(groupPkid)),
    ].map((u) => ({ userid: u.userid, pkid: u.pkid }));
  },

  has(db: CucmDb, groupPkid: string, m: { kind: "end" | "app"; pkid: string }): boolean {
    const row = m.kind === "end" ? db.endUsers.get(m.pkid) : db.appUsers.get(m.pkid);
    return !!row?.groupPkids.includes(groupPkid);
  },

  add(db: CucmDb, groupPkid: string, m: { kind: "end" | "app"; pkid: string }): void {
    setGroups(db, m, (groups) => (groups.includes(groupPkid) ? groups : [...groups, groupPkid]));
  },

  remove(db: CucmDb, groupPkid: string, m: { kind: "end" | "app"; pkid: string }): void {
    setGroups(db, m, (groups) => groups.filter((g) => g !== groupPkid));
  },
};
