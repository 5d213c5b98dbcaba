/**
 * Extension Mobility device profiles (device rows of class Device Profile): a product and
 * protocol, a phone button template, line appearances and IP phone service subscriptions. They
 * share the device table's unique name space with phones and trunks. Natural key: name.
 */
import { faults } from "../faults";
import { PRODUCTS, standardTemplateName } from "./catalog";
import { type CucmDb, type ProfileRow, type Protocol, newPkid } from "./db";
import { type DeviceKey, checkDeviceName, findDevice, removeDeviceReferences } from "./devices";
import { type PhoneLineInput, checkLines, resolveLine } from "./phones";
import { type SubscriptionInput, resolveSubscriptions } from "./subscriptions";

export interface ProfileInput {
  name: string;
  description?: string;
  product: string;
  protocol: Protocol;
  /** Default: the product's standard template for the protocol. */
  phoneTemplateName?: string | null;
  lines?: PhoneLineInput[];
  services?: SubscriptionInput[];
  settings?: Record<string, string>;
}

export interface ProfilePatch {
  newName?: string;
  description?: string;
  phoneTemplateName?: string | null;
  /** Replaces the whole list. */
  lines?: PhoneLineInput[];
  /** Replaces the whole list. */
  services?: SubscriptionInput[];
  settings?: Record<string, string>;
}

const LABEL = "Device Profile";

function checkName(name: string): void {
  if (!name.trim()) throw faults.invalid("Device Profile Name is required");
  if (name.length > 50) throw faults.invalid("Device Profile Name can contain up to 50 characters");
  if (/["%&\\<>]/.test(name)) throw faults.invalid(`Device Profile Name (${name}) contains characters that are not allowed`);
}

function checkCompatibility(db: CucmDb, row: ProfileRow): void {
  const info = PRODUCTS[row.product];
  if (!info) throw faults.invalid(`The product ${row.product} is not supported`);
  if (!info.protocols.includes(row.protocol)) throw faults.invalid(`Device Protocol ${row.protocol} is not valid for product ${row.product}`);
  const template = db.refs.phoneTemplates.get(row.phoneTemplatePkid)!;
  if (template.product !== row.product || template.protocol !== row.protocol) {
    throw faults.invalid(`Phone Button Template ${template.name} is not valid for ${row.product} ${row.protocol}`);
  }
}

export const profiles = {
  label: LABEL,

  all: (db: CucmDb) => db.profiles(),

  find(db: CucmDb, key: DeviceKey): ProfileRow | undefined {
    const d = findDevice(db, key);
    return d?.cls === "Device Profile" ? d : undefined;
  },

  get(db: CucmDb, key: DeviceKey): ProfileRow {
    const row = profiles.find(db, key);
    if (!row) throw faults.notFound(LABEL);
    return row;
  },

  add(db: CucmDb, input: ProfileInput): ProfileRow {
    checkName(input.name);
    checkDeviceName(db, input.name);
    if (!PRODUCTS[input.product]) throw faults.invalid(`The product ${input.product} is not supported`);
    const row: ProfileRow = {
      pkid: newPkid(),
      cls: "Device Profile",
      name: input.name,
      description: input.description ?? "",
      product: input.product,
      protocol: input.protocol,
      phoneTemplatePkid: db.ref("phoneTemplates", input.phoneTemplateName || standardTemplateName(input.product, input.protocol)).pkid,
      lines: checkLines((input.lines ?? []).map((l) => resolveLine(db, l))),
      services: resolveSubscriptions(db, input.services ?? [], []),
      settings: { ...(input.settings ?? {}) },
    };
    checkCompatibility(db, row);
    db.devices.set(row.pkid, row);
    return row;
  },

  update(db: CucmDb, key: DeviceKey, patch: ProfilePatch): ProfileRow {
    const current = profiles.find(db, key);
    if (!current) throw faults.updateNotFound(LABEL);
    const next: ProfileRow = { ...current, settings: { ...current.settings, ...(patch.settings ?? {}) } };
    if (patch.newName !== undefined && patch.newName.toUpperCase() !== current.name.toUpperCase()) {
      checkName(patch.newName);
      checkDeviceName(db, patch.newName);
    }
    if (patch.newName !== undefined) next.name = patch.newName;
    if (patch.description !== undefined) next.description = patch.description;
    next.phoneTemplatePkid = db.changeRef("phoneTemplates", patch.phoneTemplateName) ?? next.phoneTemplatePkid;
    if (patch.lines) next.lines = checkLines(patch.lines.map((l) => resolveLine(db, l)));
    if (patch.services) next.services = resolveSubscriptions(db, patch.services, current.services);
    checkCompatibility(db, next);
    db.devices.set(next.pkid, next);
    return next;
  },

  remove(db: CucmDb, key: DeviceKey): ProfileRow {
    const row = profiles.get(db, key);
    db.devices.delete(row.pkid);
    removeDeviceReferences(db, row.pkid);
    return row;
  },
};
