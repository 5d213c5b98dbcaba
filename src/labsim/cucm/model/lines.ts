/** Directory numbers (CUCM's numplan rows of usage Device). Natural key: pattern + partition. */
import { faults } from "../faults";
import { BY_LINE, BY_PRIMARY_LINE, type CucmDb, type LineRow, newPkid, pkidOf } from "./db";

export interface LineKey {
  uuid?: string;
  pattern?: string;
  /** null / "" = no partition. */
  routePartitionName?: string | null;
}

export interface LineInput {
  pattern: string;
  routePartitionName?: string | null;
  description?: string;
  usage?: string;
  alertingName?: string;
  asciiAlertingName?: string;
  settings?: Record<string, string>;
}

export interface LinePatch {
  newPattern?: string;
  newRoutePartitionName?: string | null;
  description?: string;
  alertingName?: string;
  asciiAlertingName?: string;
  settings?: Record<string, string>;
}

const LABEL = "Line";

function checkPattern(pattern: string): void {
  if (!/^[0-9*#+\\X!.\[\]^-]+$/.test(pattern)) {
    throw faults.invalid(`The directory number pattern (${pattern}) contains invalid characters`);
  }
}

export const lines = {
  label: LABEL,

  all: (db: CucmDb) => [...db.lines.values()],

  find(db: CucmDb, key: LineKey): LineRow | undefined {
    if (key.uuid) return db.lines.get(pkidOf(key.uuid));
    if (key.pattern === undefined) return undefined;
    const partition = key.routePartitionName ? db.findRef("routePartitions", key.routePartitionName) : null;
    if (partition === undefined) return undefined;
    return db.lineByKey(key.pattern, partition ? partition.pkid : null);
  },

  get(db: CucmDb, key: LineKey): LineRow {
    const row = lines.find(db, key);
    if (!row) throw faults.notFound(LABEL);
    return row;
  },

  add(db: CucmDb, input: LineInput): LineRow {
    checkPattern(input.pattern);
    const partitionPkid = db.optRef("routePartitions", input.routePartitionName) ?? null;
    if (db.numplanByKey(input.pattern, partitionPkid)) throw faults.dnExists();
    const row: LineRow = {
      pkid: newPkid(),
      pattern: input.pattern,
      partitionPkid,
      description: input.description ?? "",
      usage: input.usage ?? "Device",
      alertingName: input.alertingName ?? "",
      asciiAlertingName: input.asciiAlertingName ?? "",
      settings: { ...(input.settings ?? {}) },
    };
    db.lines.set(row.pkid, row);
    return row;
  },

  update(db: CucmDb, key: LineKey, patch: LinePatch): LineRow {
    const row = lines.find(db, key);
    if (!row) throw faults.updateNotFound(LABEL);
    const pattern = patch.newPattern ?? row.pattern;
    if (patch.newPattern !== undefined) checkPattern(pattern);
    const partitionPkid =
      patch.newRoutePartitionName === undefined
        ? row.partitionPkid
        : (db.optRef("routePartitions", patch.newRoutePartitionName) ?? null);
    const clash = db.numplanByKey(pattern, partitionPkid);
    if (clash && clash.pkid !== row.pkid) throw faults.dnExists();
    const next: LineRow = { ...row, pattern, partitionPkid, settings: { ...row.settings, ...(patch.settings ?? {}) } };
    if (patch.description !== undefined) next.description = patch.description;
    if (patch.alertingName !== undefined) next.alertingName = patch.alertingName;
    if (patch.asciiAlertingName !== undefined) next.asciiAlertingName = patch.asciiAlertingName;
    db.lines.set(next.pkid, next);
    return next;
  },

  remove(db: CucmDb, key: LineKey): LineRow {
    const row = lines.get(db, key);
    const user = db.devices.find(BY_LINE, row.pkid).find((p) => (p.cls === "Phone" || p.cls === "Device Profile") && p.lines.some((l) => l.linePkid === row.pkid));
    if (user) throw faults.stillReferenced("fk_devicenumplanmap_fknumplan");
    for (const u of db.endUsers.find(BY_PRIMARY_LINE, row.pkid)) if (u.primaryLinePkid === row.pkid) db.endUsers.set(u.pkid, { ...u, primaryLinePkid: null });
    db.lines.delete(row.pkid);
    return row;
  },
};
