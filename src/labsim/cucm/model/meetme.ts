/**
 * Meet-Me conference numbers (CUCM's numplan rows of usage Conference). Natural key: pattern +
 * partition, unique across the whole numplan (directory numbers included).
 */
import { faults } from "../faults";
import { type CucmDb, type MeetMeRow, newPkid, pkidOf } from "./db";

export const SECURITY_LEVELS = ["Non Secure", "Authenticated", "Encrypted"] as const;

export interface MeetMeKey {
  uuid?: string;
  pattern?: string;
  /** null / "" = no partition. */
  routePartitionName?: string | null;
}

export interface MeetMeInput {
  pattern: string;
  routePartitionName?: string | null;
  description?: string;
  /** 7.0 carries the numplan usage; it must be Conference. */
  usage?: string;
  minimumSecurityLevel: string;
}

export interface MeetMePatch {
  newPattern?: string;
  newRoutePartitionName?: string | null;
  description?: string;
  minimumSecurityLevel?: string;
}

const LABEL = "Meet-Me Number/Pattern";

function checkPattern(pattern: string): void {
  if (!pattern) throw faults.invalid("Directory Number or Pattern is required");
  if (!/^[0-9*#+\\X!.\[\]^-]+$/.test(pattern)) {
    throw faults.invalid(`The Meet-Me number/pattern (${pattern}) contains invalid characters`);
  }
}

function checkLevel(level: string): void {
  if (!(SECURITY_LEVELS as readonly string[]).includes(level)) throw faults.invalid(`Minimum Security Level ${level} is not valid`);
}

function checkUnique(db: CucmDb, pattern: string, partitionPkid: string | null, self?: MeetMeRow): void {
  const clash = db.numplanByKey(pattern, partitionPkid);
  if (clash && clash.pkid !== self?.pkid) throw faults.duplicate("x_numplan_dnorpattern_fkroutepartition");
}

export const meetMes = {
  label: LABEL,

  all: (db: CucmDb) => [...db.meetMes.values()],

  find(db: CucmDb, key: MeetMeKey): MeetMeRow | undefined {
    if (key.uuid) return db.meetMes.get(pkidOf(key.uuid));
    if (key.pattern === undefined) return undefined;
    const partition = key.routePartitionName ? db.findRef("routePartitions", key.routePartitionName) : null;
    if (partition === undefined) return undefined;
    const pkid = partition ? partition.pkid : null;
    return [...db.meetMes.values()].find((m) => m.pattern === key.pattern && m.partitionPkid === pkid);
  },

  get(db: CucmDb, key: MeetMeKey): MeetMeRow {
    const row = meetMes.find(db, key);
    if (!row) throw faults.notFound(LABEL);
    return row;
  },

  add(db: CucmDb, input: MeetMeInput): MeetMeRow {
    checkPattern(input.pattern);
    if (input.usage !== undefined && input.usage !== "Conference") {
      throw faults.invalid(`The pattern usage ${input.usage} is not valid for a Meet-Me number (Conference)`);
    }
    checkLevel(input.minimumSecurityLevel);
    const partitionPkid = db.optRef("routePartitions", input.routePartitionName) ?? null;
    checkUnique(db, input.pattern, partitionPkid);
    const row: MeetMeRow = {
      pkid: newPkid(),
      pattern: input.pattern,
      partitionPkid,
      description: input.description ?? "",
      minimumSecurityLevel: input.minimumSecurityLevel,
    };
    db.meetMes.set(row.pkid, row);
    return row;
  },

  update(db: CucmDb, key: MeetMeKey, patch: MeetMePatch): MeetMeRow {
    const row = meetMes.find(db, key);
    if (!row) throw faults.updateNotFound(LABEL);
    const pattern = patch.newPattern ?? row.pattern;
    if (patch.newPattern !== undefined) checkPattern(pattern);
    const partitionPkid =
      patch.newRoutePartitionName === undefined ? row.partitionPkid : (db.optRef("routePartitions", patch.newRoutePartitionName) ?? null);
    checkUnique(db, pattern, partitionPkid, row);
    if (patch.minimumSecurityLevel !== undefined) checkLevel(patch.minimumSecurityLevel);
    const next: MeetMeRow = { ...row, pattern, partitionPkid };
    if (patch.description !== undefined) next.description = patch.description;
    if (patch.minimumSecurityLevel !== undefined) next.minimumSecurityLevel = patch.minimumSecurityLevel;
    db.meetMes.set(next.pkid, next);
    return next;
  },

  remove(db: CucmDb, key: MeetMeKey): MeetMeRow {
    const row = meetMes.get(db, key);
    db.meetMes.delete(row.pkid);
    return row;
  },
};
