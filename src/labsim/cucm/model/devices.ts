/** What phones and SIP trunks share: CUCM's device table (one unique name space). */
import { faults } from "../faults";
import { BY_APP_USER_DEVICE, BY_USER_DEVICE, type CucmDb, type DeviceRow, pkidOf } from "./db";

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
  const without = (list: string[]) => list.filter((p) => p !== devicePkid);
  for (const u of db.appUsers.find(BY_APP_USER_DEVICE, devicePkid)) {
    if (u.devicePkids.includes(devicePkid)) db.appUsers.set(u.pkid, { ...u, devicePkids: without(u.devicePkids) });
  }
  for (const u of db.endUsers.find(BY_USER_DEVICE, devicePkid)) {
    const refers = [u.devicePkids, u.profilePkids, u.ctiProfilePkids].some((l) => l.includes(devicePkid)) || u.defaultProfilePkid === devicePkid;
    if (!refers) continue;
    db.endUsers.set(u.pkid, {
      ...u,
      devicePkids: without(u.devicePkids),
      profilePkids: without(u.profilePkids),
      ctiProfilePkids: without(u.ctiProfilePkids),
      defaultProfilePkid: u.defaultProfilePkid === devicePkid ? null : u.defaultProfilePkid,
    });
  }
}
