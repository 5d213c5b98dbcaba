/**
 * IP phone services (Device > Device Settings > Phone Services; CUCM's telecasterservice table).
 * Natural key: name. AXL 12.x manages them with add/get/update/removeIpPhoneServices; 7.0 has no
 * such operations, only SQL on the table (database constraints only, see tables.ts). A service
 * still subscribed by a phone or device profile cannot be removed (foreign key).
 */
import { faults } from "../faults";
import { type CucmDb, type IpPhoneServiceRow, newPkid, pkidOf } from "./db";
import { subscriptionsOf } from "./subscriptions";

export const SERVICE_CATEGORIES = ["XML Service", "Java MIDlet", "Web Widget", "Web Link", "Android APK"] as const;
export const SERVICE_TYPES = ["Standard IP Phone Service", "Directories", "Messages"] as const;

export interface IpPhoneServiceKey {
  name?: string;
  uuid?: string;
}

export interface IpPhoneServiceInput {
  name: string;
  asciiName?: string;
  description?: string;
  url: string;
  secureUrl?: string;
  category?: string;
  serviceType?: string;
  vendor?: string;
  version?: string;
  enabled?: boolean;
  enterpriseSubscription?: boolean;
}

export interface IpPhoneServicePatch extends Partial<Omit<IpPhoneServiceInput, "name">> {
  newName?: string;
}

const LABEL = "IP Phone Service";
/** The foreign key from telecastersubscribedservice. */
export const SUBSCRIBED_SERVICE_FK = "fk_telecastersubscribedservice_fktelecasterservice";

/** The UNIQUE index on name (also what an SQL insert or update hits). */
export function checkServiceName(db: CucmDb, name: string, self?: IpPhoneServiceRow): void {
  const clash = db.ipPhoneServiceByName(name);
  if (clash && clash.pkid !== self?.pkid) throw faults.duplicate("x_telecasterservice_name");
}

/** Refuses to delete a service that phones or device profiles still subscribe to. */
export function checkServiceUnused(db: CucmDb, row: IpPhoneServiceRow): void {
  if (subscriptionsOf(db, row.pkid).length) throw faults.stillReferenced(SUBSCRIBED_SERVICE_FK);
}

function checkRules(row: IpPhoneServiceRow): void {
  if (!row.name.trim()) throw faults.invalid("Service Name is required");
  if (!row.url.trim()) throw faults.invalid("Service URL is required");
  if (!/^(https?:\/\/|Application:)/i.test(row.url)) throw faults.invalid(`Service URL (${row.url}) is not a valid URL`);
  if (row.secureUrl && !/^https:\/\//i.test(row.secureUrl)) throw faults.invalid(`Secure Service URL (${row.secureUrl}) must be an https URL`);
  if (!(SERVICE_CATEGORIES as readonly string[]).includes(row.category)) throw faults.invalid(`Service Category ${row.category} is not valid`);
  if (!(SERVICE_TYPES as readonly string[]).includes(row.serviceType)) throw faults.invalid(`Service Type ${row.serviceType} is not valid`);
}

export const ipPhoneServices = {
  label: LABEL,

  all: (db: CucmDb) => [...db.ipPhoneServices.values()],

  find(db: CucmDb, key: IpPhoneServiceKey): IpPhoneServiceRow | undefined {
    if (key.uuid) return db.ipPhoneServices.get(pkidOf(key.uuid));
    return key.name === undefined ? undefined : db.ipPhoneServiceByName(key.name);
  },

  get(db: CucmDb, key: IpPhoneServiceKey): IpPhoneServiceRow {
    const row = ipPhoneServices.find(db, key);
    if (!row) throw faults.notFound(LABEL);
    return row;
  },

  add(db: CucmDb, input: IpPhoneServiceInput): IpPhoneServiceRow {
    const row: IpPhoneServiceRow = {
      pkid: newPkid(),
      name: input.name,
      asciiName: input.asciiName ?? input.name,
      description: input.description ?? "",
      url: input.url,
      secureUrl: input.secureUrl ?? "",
      category: input.category ?? "XML Service",
      serviceType: input.serviceType ?? "Standard IP Phone Service",
      vendor: input.vendor ?? "",
      version: input.version ?? "",
      enabled: input.enabled ?? true,
      enterpriseSubscription: input.enterpriseSubscription ?? false,
      priority: 50,
    };
    checkRules(row);
    checkServiceName(db, row.name);
    db.ipPhoneServices.set(row.pkid, row);
    return row;
  },

  update(db: CucmDb, key: IpPhoneServiceKey, patch: IpPhoneServicePatch): IpPhoneServiceRow {
    const current = ipPhoneServices.find(db, key);
    if (!current) throw faults.updateNotFound(LABEL);
    const next: IpPhoneServiceRow = { ...current };
    if (patch.newName !== undefined) next.name = patch.newName;
    if (patch.asciiName !== undefined) next.asciiName = patch.asciiName;
    if (patch.description !== undefined) next.description = patch.description;
    if (patch.url !== undefined) next.url = patch.url;
    if (patch.secureUrl !== undefined) next.secureUrl = patch.secureUrl;
    if (patch.category !== undefined) next.category = patch.category;
    if (patch.serviceType !== undefined) next.serviceType = patch.serviceType;
    if (patch.vendor !== undefined) next.vendor = patch.vendor;
    if (patch.version !== undefined) next.version = patch.version;
    if (patch.enabled !== undefined) next.enabled = patch.enabled;
    if (patch.enterpriseSubscription !== undefined) next.enterpriseSubscription = patch.enterpriseSubscription;
    checkRules(next);
    checkServiceName(db, next.name, current);
    db.ipPhoneServices.set(next.pkid, next);
    return next;
  },

  remove(db: CucmDb, key: IpPhoneServiceKey): IpPhoneServiceRow {
    const row = ipPhoneServices.get(db, key);
    checkServiceUnused(db, row);
    db.ipPhoneServices.delete(row.pkid);
    return row;
  },
};
