/** What phones and SIP trunks share: CUCM's device table (one unique name space). */
import { faults } from "../faults";
import { type CucmDb, type DeviceRow, pkidOf } from "./db";

export interface DeviceKey {
  name?: string;
  uuid?: string;
}

export function findDevice(db: CucmDb, key: DeviceKey): DeviceRow | undefined {
  if (key.uuid) return db.devices.get(pkidOf(key.uuid));
  return key.name === undefined ? undefined : db.deviceByName(key.name);
}

/** Device names are unique across all device classes (case-insensitively, as CUCM stores them). */
export function checkDeviceName(db: CucmDb, name: string): void {
  if (!name.trim()) throw faults.invalid("Device Name is required");
  if (db.deviceByName(name)) throw faults.duplicate();
}

/** Cascades of a device delete: user associations (controlled devices and profiles) go with it. */
export function removeDeviceReferences(db: CucmDb, devicePkid: string): void {
  for (const u of db.appUsers.values()) u.devicePkids = u.devicePkids.filter((p) => p !== devicePkid);
  for (const u of db.endUsers.values()) {
    u.devicePkids = u.devicePkids.filter((p) => p !== devicePkid);
    u.profilePkids = u.profilePkids.filter((p) => p !== devicePkid);
    u.ctiProfilePkids = u.ctiProfilePkids.filter((p) => p !== devicePkid);
    if (u.defaultProfilePkid === devicePkid) u.defaultProfilePkid = null;
  }
}
