/** IP phones (device rows of class Phone) and their line appearances. Natural key: name. */
import { faults } from "../faults";
import { DEFAULTS, PRODUCTS, standardSecurityProfileName, standardTemplateName } from "./catalog";
import { type CucmDb, type PhoneLineRow, type PhoneRow, type Protocol, newPkid, pkidOf } from "./db";
import { type SubscriptionInput, resolveSubscriptions } from "./subscriptions";
import { type DeviceKey, findDevice, checkDeviceName, removeDeviceReferences } from "./devices";
import { lines } from "./lines";

export interface PhoneLineInput {
  index: number;
  pattern: string;
  routePartitionName?: string | null;
  /**
   * The directory number by its uuid (AXL 7.0 reads a line's dirn by uuid only): when given, it alone
   * names the number ("" = none given) and pattern/partition are not used to find it.
   */
  lineUuid?: string;
  label?: string;
  display?: string;
  displayAscii?: string;
  e164Mask?: string;
  maxNumCalls?: number;
  busyTrigger?: number;
  settings?: Record<string, string>;
}

export interface PhoneInput {
  name: string;
  description?: string;
  product: string;
  protocol: Protocol;
  devicePoolName: string;
  locationName?: string | null;
  callingSearchSpaceName?: string | null;
  commonPhoneConfigName?: string | null;
  securityProfileName?: string | null;
  sipProfileName?: string | null;
  phoneTemplateName?: string | null;
  presenceGroupName?: string | null;
  ownerUserId?: string | null;
  enableExtensionMobility?: boolean;
  /** XOutboundCallRollover; CUCM's default is "No Rollover". */
  outboundCallRollover?: string;
  lines?: PhoneLineInput[];
  /** IP phone service subscriptions; replaces the list on update. */
  services?: SubscriptionInput[];
  settings?: Record<string, string>;
}

export interface PhonePatch extends Partial<Omit<PhoneInput, "name" | "product" | "protocol" | "lines" | "devicePoolName">> {
  newName?: string;
  /** null = cleared (refused: a phone needs a device pool). */
  devicePoolName?: string | null;
  /** Replaces the whole line list. */
  lines?: PhoneLineInput[];
  addLines?: PhoneLineInput[];
  /** Removes these appearances (matched by index, else by DN). */
  removeLines?: PhoneLineInput[];
}

const LABEL = "Phone";
/** CUCM's defaults for a line appearance. */
const DEFAULT_MAX_CALLS = 4;
const DEFAULT_BUSY_TRIGGER = 2;

export function resolveLine(db: CucmDb, input: PhoneLineInput): PhoneLineRow {
  if (input.lineUuid !== undefined && !input.lineUuid.trim()) {
    // Nothing to read the number by. CUCM's exact answer is not published; a missing reference here.
    throw faults.missingReference("Directory Number", `line ${input.index}: no uuid`);
  }
  const dn =
    input.lineUuid !== undefined
      ? db.lines.get(pkidOf(input.lineUuid))
      : lines.find(db, { pattern: input.pattern, routePartitionName: input.routePartitionName ?? null });
  if (input.lineUuid !== undefined && !dn) throw faults.missingReference("Directory Number", input.lineUuid.trim());
  if (!dn) {
    const where = input.routePartitionName ? ` in partition ${input.routePartitionName}` : "";
    throw faults.missingReference("Directory Number", `${input.pattern}${where}`);
  }
  return {
    index: input.index,
    linePkid: dn.pkid,
    label: input.label ?? "",
    display: input.display ?? "",
    displayAscii: input.displayAscii ?? "",
    e164Mask: input.e164Mask ?? "",
    maxNumCalls: input.maxNumCalls ?? DEFAULT_MAX_CALLS,
    busyTrigger: input.busyTrigger ?? DEFAULT_BUSY_TRIGGER,
    settings: { ...(input.settings ?? {}) },
  };
}

export function checkLines(list: PhoneLineRow[]): PhoneLineRow[] {
  const seen = new Set<number>();
  for (const l of list) {
    if (l.index < 1) throw faults.invalid(`Line index ${l.index} is not valid`);
    if (seen.has(l.index)) throw faults.invalid(`Line index ${l.index} is specified more than once`);
    seen.add(l.index);
    if (l.busyTrigger > l.maxNumCalls) {
      throw faults.invalid("Busy Trigger must be less than or equal to Maximum Number of Calls");
    }
  }
  return [...list].sort((a, b) => a.index - b.index);
}

/** Product/protocol compatibility, and template/profile belonging to that product + protocol. */
function checkCompatibility(db: CucmDb, row: PhoneRow): void {
  const info = PRODUCTS[row.product];
  if (!info) throw faults.invalid(`The product ${row.product} is not supported`);
  if (!info.protocols.includes(row.protocol)) {
    throw faults.invalid(`Device Protocol ${row.protocol} is not valid for product ${row.product}`);
  }
  const template = db.refs.phoneTemplates.get(row.phoneTemplatePkid)!;
  if (template.product !== row.product || template.protocol !== row.protocol) {
    throw faults.invalid(`Phone Button Template ${template.name} is not valid for ${row.product} ${row.protocol}`);
  }
  const profile = db.refs.phoneSecurityProfiles.get(row.securityProfilePkid)!;
  if (profile.product !== row.product || profile.protocol !== row.protocol) {
    throw faults.invalid(`Device Security Profile ${profile.name} is not valid for ${row.product} ${row.protocol}`);
  }
  if (row.protocol === "SIP" && !row.sipProfilePkid) throw faults.invalid("SIP Profile is required for SIP phones");
  if (row.protocol !== "SIP" && row.sipProfilePkid) throw faults.invalid("SIP Profile is only valid for SIP phones");
}

/** XOutboundCallRollover's values (7.0's enumeration; 12.5+'s union with xsd:string names the same three). */
export const OUTBOUND_CALL_ROLLOVER = ["No Rollover", "Rollover Within Same DN", "Rollover to any line"];
export const DEFAULT_OUTBOUND_CALL_ROLLOVER = "No Rollover";

function checkRollover(value: string): string {
  if (!OUTBOUND_CALL_ROLLOVER.includes(value)) throw faults.invalid(`Outbound Call Rollover ${value} is not valid (${OUTBOUND_CALL_ROLLOVER.join(", ")})`);
  return value;
}

/** Physical phones are named SEP + their MAC address. */
function checkPhoneName(name: string): void {
  if (!/^SEP[0-9A-F]{12}$/i.test(name)) {
    throw faults.invalid(`The device name ${name} is not valid: a phone is named SEP followed by its 12-digit hexadecimal MAC address`);
  }
}

function ownerPkid(db: CucmDb, userid: string | null | undefined): string | null | undefined {
  if (userid === undefined) return undefined;
  if (userid === null || userid === "") return null;
  const u = db.endUserById(userid);
  if (!u) throw faults.missingReference("Owner User ID", userid);
  return u.pkid;
}

export const phones = {
  label: LABEL,

  all: (db: CucmDb) => db.phones(),

  find(db: CucmDb, key: DeviceKey): PhoneRow | undefined {
    const d = findDevice(db, key);
    return d?.cls === "Phone" ? d : undefined;
  },

  get(db: CucmDb, key: DeviceKey): PhoneRow {
    const row = phones.find(db, key);
    if (!row) throw faults.notFound(LABEL);
    return row;
  },

  add(db: CucmDb, input: PhoneInput): PhoneRow {
    checkPhoneName(input.name);
    checkDeviceName(db, input.name);
    const row: PhoneRow = {
      pkid: newPkid(),
      cls: "Phone",
      name: input.name,
      description: input.description ?? "",
      product: input.product,
      protocol: input.protocol,
      devicePoolPkid: db.ref("devicePools", input.devicePoolName).pkid,
      locationPkid: db.ref("locations", input.locationName ?? DEFAULTS.location).pkid,
      cssPkid: db.optRef("callingSearchSpaces", input.callingSearchSpaceName) ?? null,
      commonPhoneConfigPkid: db.ref("commonPhoneConfigs", input.commonPhoneConfigName ?? DEFAULTS.commonPhoneConfig).pkid,
      securityProfilePkid: db.ref(
        "phoneSecurityProfiles",
        input.securityProfileName || standardSecurityProfileName(input.product, input.protocol),
      ).pkid,
      sipProfilePkid: db.optRef("sipProfiles", input.sipProfileName) ?? null,
      phoneTemplatePkid: db.ref("phoneTemplates", input.phoneTemplateName || standardTemplateName(input.product, input.protocol)).pkid,
      presenceGroupPkid: db.ref("presenceGroups", input.presenceGroupName || DEFAULTS.presenceGroup).pkid,
      ownerPkid: ownerPkid(db, input.ownerUserId) ?? null,
      enableExtensionMobility: input.enableExtensionMobility ?? false,
      outboundCallRollover: checkRollover(input.outboundCallRollover ?? DEFAULT_OUTBOUND_CALL_ROLLOVER),
      lines: checkLines((input.lines ?? []).map((l) => resolveLine(db, l))),
      services: [],
      settings: { ...(input.settings ?? {}) },
    };
    row.services = resolveSubscriptions(db, input.services ?? [], []);
    checkCompatibility(db, row);
    db.devices.set(row.pkid, row);
    return row;
  },

  update(db: CucmDb, key: DeviceKey, patch: PhonePatch): PhoneRow {
    const current = phones.find(db, key);
    if (!current) throw faults.updateNotFound(LABEL);
    const next: PhoneRow = { ...current, settings: { ...current.settings, ...(patch.settings ?? {}) } };
    if (patch.newName !== undefined && patch.newName.toUpperCase() !== current.name.toUpperCase()) {
      checkPhoneName(patch.newName);
      checkDeviceName(db, patch.newName);
    }
    if (patch.newName !== undefined) next.name = patch.newName;
    if (patch.description !== undefined) next.description = patch.description;
    next.devicePoolPkid = db.changeRef("devicePools", patch.devicePoolName) ?? next.devicePoolPkid;
    next.locationPkid = db.changeRef("locations", patch.locationName) ?? next.locationPkid;
    next.commonPhoneConfigPkid = db.changeRef("commonPhoneConfigs", patch.commonPhoneConfigName) ?? next.commonPhoneConfigPkid;
    next.securityProfilePkid = db.changeRef("phoneSecurityProfiles", patch.securityProfileName) ?? next.securityProfilePkid;
    next.phoneTemplatePkid = db.changeRef("phoneTemplates", patch.phoneTemplateName) ?? next.phoneTemplatePkid;
    next.presenceGroupPkid = db.changeRef("presenceGroups", patch.presenceGroupName) ?? next.presenceGroupPkid;
    const css = db.optRef("callingSearchSpaces", patch.callingSearchSpaceName);
    if (css !== undefined) next.cssPkid = css;
    const sip = db.optRef("sipProfiles", patch.sipProfileName);
    if (sip !== undefined) next.sipProfilePkid = sip;
    const owner = ownerPkid(db, patch.ownerUserId);
    if (owner !== undefined) next.ownerPkid = owner;
    if (patch.enableExtensionMobility !== undefined) next.enableExtensionMobility = patch.enableExtensionMobility;
    if (patch.outboundCallRollover !== undefined) next.outboundCallRollover = checkRollover(patch.outboundCallRollover);
    let list = patch.lines ? patch.lines.map((l) => resolveLine(db, l)) : current.lines.map((l) => ({ ...l }));
    for (const r of patch.removeLines ?? []) {
      const dn = lines.find(db, { pattern: r.pattern, routePartitionName: r.routePartitionName ?? null });
      list = list.filter((l) => !(l.index === r.index || (dn && l.linePkid === dn.pkid)));
    }
    for (const a of patch.addLines ?? []) list.push(resolveLine(db, a));
    next.lines = checkLines(list);
    if (patch.services) next.services = resolveSubscriptions(db, patch.services, current.services);
    checkCompatibility(db, next);
    db.devices.set(next.pkid, next);
    return next;
  },

  remove(db: CucmDb, key: DeviceKey): PhoneRow {
    const row = phones.get(db, key);
    db.devices.delete(row.pkid);
    removeDeviceReferences(db, row.pkid);
    return row;
  },
};
