/** SIP trunks (device rows of class Trunk). Natural key: name. */
import { faults } from "../faults";
import { DEFAULTS } from "./catalog";
import { type CucmDb, type TrunkDestination, type TrunkRow, newPkid } from "./db";
import { type DeviceKey, checkDeviceName, findDevice, removeDeviceReferences } from "./devices";

export interface TrunkInput {
  name: string;
  description?: string;
  devicePoolName: string;
  locationName?: string;
  callingSearchSpaceName?: string | null;
  securityProfileName: string;
  sipProfileName: string;
  presenceGroupName?: string | null;
  destinations: TrunkDestination[];
  settings?: Record<string, string>;
}

export interface TrunkPatch extends Partial<Omit<TrunkInput, "name">> {
  newName?: string;
  /** Changes only the given parts of the first destination (7.0's single-destination fields). */
  firstDestination?: Partial<TrunkDestination>;
}

const LABEL = "Sip Trunk";

function checkDestinations(list: TrunkDestination[]): TrunkDestination[] {
  if (!list.length) throw faults.invalid("At least one destination address is required for a SIP trunk");
  for (const d of list) {
    if (!d.address.trim()) throw faults.invalid("Destination Address is required");
    if (!(d.port >= 0 && d.port <= 65535)) throw faults.invalid(`Destination Port ${d.port} is not valid`);
  }
  return [...list].sort((a, b) => a.sortOrder - b.sortOrder);
}

export const trunks = {
  label: LABEL,

  all: (db: CucmDb) => db.trunks(),

  find(db: CucmDb, key: DeviceKey): TrunkRow | undefined {
    const d = findDevice(db, key);
    return d?.cls === "Trunk" ? d : undefined;
  },

  get(db: CucmDb, key: DeviceKey): TrunkRow {
    const row = trunks.find(db, key);
    if (!row) throw faults.notFound(LABEL);
    return row;
  },

  add(db: CucmDb, input: TrunkInput): TrunkRow {
    checkDeviceName(db, input.name);
    const row: TrunkRow = {
      pkid: newPkid(),
      cls: "Trunk",
      name: input.name,
      description: input.description ?? "",
      devicePoolPkid: db.ref("devicePools", input.devicePoolName).pkid,
      locationPkid: db.ref("locations", input.locationName ?? DEFAULTS.location).pkid,
      cssPkid: db.optRef("callingSearchSpaces", input.callingSearchSpaceName) ?? null,
      securityProfilePkid: db.ref("trunkSecurityProfiles", input.securityProfileName).pkid,
      sipProfilePkid: db.ref("sipProfiles", input.sipProfileName).pkid,
      presenceGroupPkid: db.ref("presenceGroups", input.presenceGroupName || DEFAULTS.presenceGroup).pkid,
      destinations: checkDestinations(input.destinations),
      settings: { ...(input.settings ?? {}) },
    };
    db.devices.set(row.pkid, row);
    return row;
  },

  update(db: CucmDb, key: DeviceKey, patch: TrunkPatch): TrunkRow {
    const current = trunks.find(db, key);
    if (!current) throw faults.updateNotFound(LABEL);
    const next: TrunkRow = { ...current, settings: { ...current.settings, ...(patch.settings ?? {}) } };
    if (patch.newName !== undefined && patch.newName.toUpperCase() !== current.name.toUpperCase()) {
      checkDeviceName(db, patch.newName);
    }
    if (patch.newName !== undefined) next.name = patch.newName;
    if (patch.description !== undefined) next.description = patch.description;
    next.devicePoolPkid = db.changeRef("devicePools", patch.devicePoolName) ?? next.devicePoolPkid;
    next.locationPkid = db.changeRef("locations", patch.locationName) ?? next.locationPkid;
    next.securityProfilePkid = db.changeRef("trunkSecurityProfiles", patch.securityProfileName) ?? next.securityProfilePkid;
    next.sipProfilePkid = db.changeRef("sipProfiles", patch.sipProfileName) ?? next.sipProfilePkid;
    next.presenceGroupPkid = db.changeRef("presenceGroups", patch.presenceGroupName) ?? next.presenceGroupPkid;
    const css = db.optRef("callingSearchSpaces", patch.callingSearchSpaceName);
    if (css !== undefined) next.cssPkid = css;
    if (patch.destinations) next.destinations = checkDestinations(patch.destinations);
    if (patch.firstDestination) {
      const [first, ...rest] = next.destinations;
      next.destinations = checkDestinations([{ ...(first ?? { address: "", port: 5060, sortOrder: 1 }), ...patch.firstDestination }, ...rest]);
    }
    db.devices.set(next.pkid, next);
    return next;
  },

  remove(db: CucmDb, key: DeviceKey): TrunkRow {
    const row = trunks.get(db, key);
    db.devices.delete(row.pkid);
    removeDeviceReferences(db, row.pkid);
    return row;
  },
};
