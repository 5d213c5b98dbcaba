/**
 * Request reading and response rendering for each object kind, shared by both release families.
 * Reading accepts either release's element names (the content model has already let through only
 * the names valid for the release); rendering produces every name either release uses and the
 * release's element order (from its content model) picks the ones that exist there.
 */
import type { AppUserInput, AppUserKey, AppUserPatch } from "../model/appusers";
import type { DialRuleInput, DialRuleKey, DialRulePatch } from "../model/dialrules";
import type { DnInput, EndUserInput, EndUserKey, EndUserPatch, ProfileRef } from "../model/endusers";
import type { IpPhoneServiceInput, IpPhoneServiceKey, IpPhoneServicePatch } from "../model/ipphoneservices";
import type { MeetMeInput, MeetMeKey, MeetMePatch } from "../model/meetme";
import type { ProfileInput, ProfilePatch } from "../model/profiles";
import type { SubscriptionInput } from "../model/subscriptions";
import { DEFAULTS, SIP_TRUNK_PRODUCT, stablePkid } from "../model/catalog";
import {
  type AppUserRow,
  type CucmDb,
  type DialRuleRow,
  type EndUserRow,
  type IpPhoneServiceRow,
  type LineDeviceRow,
  type LineRow,
  type MeetMeRow,
  type PhoneLineRow,
  type PhoneRow,
  type ProfileRow,
  type SubscriptionRow,
  type TrunkRow,
  axlUuid,
} from "../model/db";
import type { DeviceKey } from "../model/devices";
import type { LineInput, LineKey, LinePatch } from "../model/lines";
import { DEFAULT_OUTBOUND_CALL_ROLLOVER, type PhoneInput, type PhoneLineInput, type PhonePatch } from "../model/phones";
import type { TrunkInput, TrunkPatch } from "../model/trunks";
import {
  SIP_TRUNK_SECURITY_DEFAULTS,
  type SipTrunkSecuritySettings,
  type TrunkSecurityProfileInput,
  type TrunkSecurityProfileKey,
  type TrunkSecurityProfilePatch,
  type TrunkSecurityProfileRow,
} from "../model/trunkSecurityProfiles";
import { faults } from "../faults";
import { type XEl, type XNode, attr, child, childrenNamed, x } from "../xml";
import { type Values, bool, fk, int, lineIndex, ordered, refName, settingValues, settingsOf, str, strAny, text } from "./io";
import type { KindCodec } from "./types";

const set = (...names: string[]): ReadonlySet<string> => new Set(names);
const tf = (b: boolean): string => (b ? "true" : "false");

// --- keys ---------------------------------------------------------------------------------------

/** name | uuid (7.0 getPhone/removePhone: phoneName | phoneId). */
function deviceKey(req: XEl): DeviceKey {
  const name = strAny(req, "name", "phoneName");
  const uuid = strAny(req, "uuid", "phoneId");
  return { ...(name !== undefined ? { name: name.trim() } : {}), ...(uuid !== undefined ? { uuid } : {}) };
}

function lineKey(req: XEl): LineKey {
  const uuid = str(req, "uuid");
  if (uuid !== undefined) return { uuid };
  return { pattern: (str(req, "pattern") ?? "").trim(), routePartitionName: refName(req, "routePartitionName") ?? null };
}

// --- lines (directory numbers) ------------------------------------------------------------------

const LINE_HANDLED = set("uuid", "pattern", "newPattern", "description", "usage", "routePartitionName", "newRoutePartitionName", "alertingName", "asciiAlertingName", "presenceGroupName", "returnedTags");

export const lineCodec: KindCodec<LineInput, LineKey, LinePatch, LineRow> = {
  input: (w) => ({
    pattern: (str(w, "pattern") ?? "").trim(),
    routePartitionName: refName(w, "routePartitionName") ?? null,
    ...optional("description", str(w, "description")),
    ...optional("usage", str(w, "usage")),
    ...optional("alertingName", str(w, "alertingName")),
    ...optional("asciiAlertingName", str(w, "asciiAlertingName")),
    settings: settingsOf(w, LINE_HANDLED),
  }),
  key: lineKey,
  patch: (req) => ({
    ...optional("newPattern", str(req, "newPattern")?.trim()),
    ...optional("newRoutePartitionName", refName(req, "newRoutePartitionName")),
    ...optional("description", str(req, "description")),
    ...optional("alertingName", str(req, "alertingName")),
    ...optional("asciiAlertingName", str(req, "asciiAlertingName")),
    settings: settingsOf(req, LINE_HANDLED),
  }),
  render(db, row, order) {
    const values: Values = {
      ...settingValues(row.settings),
      pattern: x("pattern", row.pattern),
      description: x("description", row.description),
      usage: x("usage", row.usage),
      routePartitionName: fk(db, "routePartitionName", "routePartitions", row.partitionPkid),
      alertingName: x("alertingName", row.alertingName),
      asciiAlertingName: x("asciiAlertingName", row.asciiAlertingName),
      presenceGroupName: fk(db, "presenceGroupName", "presenceGroups", db.findRef("presenceGroups", DEFAULTS.presenceGroup)?.pkid),
    };
    return x("", ordered(order, values), { uuid: axlUuid(row.pkid) });
  },
};

// --- phones -------------------------------------------------------------------------------------

const PHONE_HANDLED = set(
  "name", "newName", "uuid", "phoneName", "phoneId", "description", "product", "model", "class", "protocol", "protocolSide",
  "devicePoolName", "locationName", "callingSearchSpaceName", "commonPhoneConfigName", "securityProfileName", "sipProfileName",
  "phoneTemplateName", "presenceGroupName", "ownerUserName", "ownerUserId", "enableExtensionMobility", "lines", "addLines",
  "removeLines", "primaryPhoneName", "services", "outboundCallRollover",
);
const APPEARANCE_HANDLED = set("index", "label", "display", "dirn", "displayAscii", "displayASCII", "e164Mask", "maxNumCalls", "busyTrigger");

/**
 * A device's line appearances. 12.x names each directory number by pattern + partition (a `line`'s
 * dirn, or a lineIdentifier). 7.0 reads a `line`'s dirn by its uuid attribute only (axl.xsd: "Only
 * the uuid attribute is read by the AXL API"; its pattern and partition are not used to find it),
 * and refuses the shorthand forms, which axl.xsd says not to use when adding or updating a phone
 * (CUCM's exact fault for them is not published: 5000 here).
 */
function appearances(container: XEl | undefined, orders: AppearanceOrders): PhoneLineInput[] | undefined {
  if (!container) return undefined;
  const out: PhoneLineInput[] = [];
  for (const [i, l] of container.children.entries()) {
    if (orders.lineRefs === "uuid" && l.local !== "line") {
      throw faults.invalid(`${l.local} cannot be used when adding or updating a phone or device profile; give each line as a line whose dirn carries the directory number's uuid`);
    }
    if (l.local === "lineIdentifier") {
      out.push({ index: i + 1, pattern: (str(l, "directoryNumber") ?? "").trim(), routePartitionName: refName(l, "routePartitionName") ?? null });
      continue;
    }
    const dirn = child(l, "dirn");
    out.push({
      index: lineIndex(l) ?? i + 1,
      pattern: (dirn ? (str(dirn, "pattern") ?? "") : "").trim(),
      routePartitionName: dirn ? (refName(dirn, "routePartitionName") ?? null) : null,
      ...(orders.lineRefs === "uuid" ? { lineUuid: (dirn && attr(dirn, "uuid")) ?? "" } : {}),
      ...optional("label", str(l, "label")),
      ...optional("display", str(l, "display")),
      ...optional("displayAscii", strAny(l, "displayAscii", "displayASCII")),
      ...optional("e164Mask", str(l, "e164Mask")),
      ...optional("maxNumCalls", int(l, "maxNumCalls")),
      ...optional("busyTrigger", int(l, "busyTrigger")),
      settings: settingsOf(l, APPEARANCE_HANDLED),
    });
  }
  return out;
}

function checkDeviceClass(w: XEl, cls: string, product: string | undefined): void {
  const given = str(w, "class");
  if (given !== undefined && given !== cls) throw faults.invalid(`The device class ${given} is not valid for ${product ?? "this device"}`);
  const model = str(w, "model");
  if (model !== undefined && product !== undefined && model !== product) {
    throw faults.invalid(`The model ${model} does not match the product ${product}`);
  }
}

function phoneFields(w: XEl, orders: AppearanceOrders): Omit<PhonePatch, "newName"> {
  return {
    ...optional("description", str(w, "description")),
    ...optional("devicePoolName", refName(w, "devicePoolName")),
    ...optional("locationName", refName(w, "locationName")),
    ...optional("callingSearchSpaceName", refName(w, "callingSearchSpaceName")),
    ...optional("commonPhoneConfigName", refName(w, "commonPhoneConfigName")),
    ...optional("securityProfileName", refName(w, "securityProfileName")),
    ...optional("sipProfileName", refName(w, "sipProfileName")),
    ...optional("phoneTemplateName", refName(w, "phoneTemplateName")),
    ...optional("presenceGroupName", refName(w, "presenceGroupName")),
    ...optional("ownerUserId", refName(w, "ownerUserName", "ownerUserId")),
    ...optional("enableExtensionMobility", bool(w, "enableExtensionMobility")),
    ...optional("outboundCallRollover", str(w, "outboundCallRollover")),
    ...optional("lines", appearances(child(w, "lines"), orders)),
    ...optional("services", subscriptions(child(w, "services"))),
    settings: settingsOf(w, PHONE_HANDLED),
  };
}

// --- IP phone service subscriptions (phones and device profiles) --------------------------------

/** The `services` list of a phone or device profile (undefined when absent; empty = none). */
function subscriptions(container: XEl | undefined): SubscriptionInput[] | undefined {
  if (!container) return undefined;
  return childrenNamed(container, "service").map((s) => {
    const ref = child(s, "telecasterService"); // 7.0: only its uuid attribute is read
    const serviceName = str(s, "telecasterServiceName")?.trim();
    const url = str(s, "url");
    return {
      ...optional("serviceName", serviceName),
      ...(ref ? { serviceUuid: attr(ref, "uuid") ?? "" } : {}),
      name: (str(s, "name") ?? "").trim(),
      ...optional("url", url ? url : undefined),
      ...optional("urlButtonIndex", int(s, "urlButtonIndex")),
      ...optional("urlLabel", str(s, "urlLabel")),
      ...optional("urlLabelAscii", str(s, "urlLabelAscii")),
      ...optional("serviceNameAscii", str(s, "serviceNameAscii")),
    };
  });
}

function renderServices(db: CucmDb, subs: SubscriptionRow[], orders: AppearanceOrders): XNode {
  return x(
    "services",
    subs.map((s) => {
      const svc = db.ipPhoneServices.get(s.servicePkid);
      const values: Values = {
        telecasterServiceName: x("telecasterServiceName", svc?.name ?? "", svc && orders.fkUuids ? { uuid: axlUuid(svc.pkid) } : {}),
        name: x("name", s.name),
        url: x("url", s.url),
        urlButtonIndex: x("urlButtonIndex", String(s.urlButtonIndex)),
        urlLabel: x("urlLabel", s.urlLabel),
        urlLabelAscii: x("urlLabelAscii", s.urlLabelAscii),
        serviceNameAscii: x("serviceNameAscii", s.serviceNameAscii),
        phoneService: text("phoneService", svc?.serviceType),
        phoneServiceCategory: text("phoneServiceCategory", svc?.category),
        vendor: text("vendor", svc?.vendor),
        version: text("version", svc?.version),
        priority: text("priority", s.priority ?? svc?.priority),
      };
      return x("service", ordered(orders.service, values), { uuid: axlUuid(s.pkid) });
    }),
  );
}

/** Element orders inside a phone's line appearances (7.0's dirn is a whole directory number) and service subscriptions. */
export interface AppearanceOrders {
  appearance: string[];
  dirn: string[];
  /** XSubscribedService (7.0) / RSubscribedService (12.x). */
  service: string[];
  /** 12.x names references with a uuid attribute (XFkType); 7.0's plain strings carry none. */
  fkUuids: boolean;
  /** How a line appearance names its directory number: 7.0 by the dirn's uuid attribute only; 12.x by pattern + partition. */
  lineRefs: "uuid" | "pattern";
}

function renderAppearance(db: CucmDb, phone: LineDeviceRow, l: PhoneLineRow, orders: AppearanceOrders): XNode {
  const dn = db.lines.get(l.linePkid);
  const dirnValues: Values = {
    pattern: x("pattern", dn?.pattern ?? ""),
    description: x("description", dn?.description ?? ""),
    usage: x("usage", dn?.usage ?? "Device"),
    routePartitionName: fk(db, "routePartitionName", "routePartitions", dn?.partitionPkid),
  };
  const dirn = x("dirn", ordered(orders.dirn, dirnValues), dn ? { uuid: axlUuid(dn.pkid) } : {});
  const order = orders.appearance;
  const values: Values = {
    ...settingValues(l.settings),
    index: x("index", String(l.index)),
    label: x("label", l.label),
    display: x("display", l.display),
    dirn,
    displayAscii: x("displayAscii", l.displayAscii),
    displayASCII: x("displayASCII", l.displayAscii),
    e164Mask: x("e164Mask", l.e164Mask),
    maxNumCalls: x("maxNumCalls", String(l.maxNumCalls)),
    busyTrigger: x("busyTrigger", String(l.busyTrigger)),
    callInfoDisplay: x("callInfoDisplay", [x("callerName", "true"), x("callerNumber", "false"), x("redirectedNumber", "false"), x("dialedNumber", "true")]),
  };
  // 12.x: <index> element; 7.0: index attribute.
  const attrs: Record<string, string> = order.includes("index") ? {} : { index: String(l.index) };
  return x("line", ordered(order, values), { ...attrs, uuid: axlUuid(stablePkid(`devicenumplanmap:${phone.pkid}:${l.index}`)) });
}

export function phoneCodec(orders: AppearanceOrders): KindCodec<PhoneInput, DeviceKey, PhonePatch, PhoneRow> {
  return {
    input(w) {
      const product = str(w, "product") ?? "";
      checkDeviceClass(w, "Phone", product);
      const f = phoneFields(w, orders);
      return {
        ...f,
        name: (str(w, "name") ?? "").trim(),
        product,
        protocol: (str(w, "protocol") ?? "") as PhoneInput["protocol"],
        devicePoolName: f.devicePoolName ?? "",
      };
    },
    key: deviceKey,
    patch(req) {
      const f = phoneFields(req, orders);
      const add = appearances(child(req, "addLines"), orders);
      const remove = appearances(child(req, "removeLines"), orders);
      return { ...f, ...optional("newName", str(req, "newName")?.trim()), ...optional("addLines", add), ...optional("removeLines", remove) };
    },
    render(db, row, order) {
      const owner = row.ownerPkid ? db.endUsers.get(row.ownerPkid) : undefined;
      const values: Values = {
        // CUCM's defaults for what rcclab does not set, then what the requests set.
        networkLocation: x("networkLocation", "Use System Default"),
        useTrustedRelayPoint: x("useTrustedRelayPoint", "Default"),
        builtInBridgeStatus: x("builtInBridgeStatus", "Default"),
        packetCaptureMode: x("packetCaptureMode", "None"),
        certificateOperation: x("certificateOperation", "No Pending Operation"),
        deviceMobilityMode: x("deviceMobilityMode", "Default"),
        ...settingValues(row.settings),
        name: x("name", row.name),
        description: x("description", row.description),
        product: x("product", row.product),
        model: x("model", row.product),
        class: x("class", "Phone"),
        protocol: x("protocol", row.protocol),
        protocolSide: x("protocolSide", "User"),
        callingSearchSpaceName: fk(db, "callingSearchSpaceName", "callingSearchSpaces", row.cssPkid),
        devicePoolName: fk(db, "devicePoolName", "devicePools", row.devicePoolPkid),
        commonPhoneConfigName: fk(db, "commonPhoneConfigName", "commonPhoneConfigs", row.commonPhoneConfigPkid),
        locationName: fk(db, "locationName", "locations", row.locationPkid),
        securityProfileName: fk(db, "securityProfileName", "phoneSecurityProfiles", row.securityProfilePkid),
        sipProfileName: fk(db, "sipProfileName", "sipProfiles", row.sipProfilePkid),
        lines: x("lines", row.lines.map((l) => renderAppearance(db, row, l, orders))),
        services: renderServices(db, row.services, orders),
        phoneTemplateName: fk(db, "phoneTemplateName", "phoneTemplates", row.phoneTemplatePkid),
        primaryPhoneName: x("primaryPhoneName", ""),
        enableExtensionMobility: x("enableExtensionMobility", tf(row.enableExtensionMobility)),
        ownerUserName: owner ? x("ownerUserName", owner.userid, { uuid: axlUuid(owner.pkid) }) : x("ownerUserName", ""),
        ownerUserId: x("ownerUserId", owner?.userid ?? ""),
        presenceGroupName: fk(db, "presenceGroupName", "presenceGroups", row.presenceGroupPkid),
        outboundCallRollover: x("outboundCallRollover", row.outboundCallRollover ?? DEFAULT_OUTBOUND_CALL_ROLLOVER),
      };
      return x("", ordered(order, values), { ctiid: ctiid(row.pkid), uuid: axlUuid(row.pkid) });
    },
  };
}

/** A stable small integer per device, as CUCM's ctiid attribute. */
function ctiid(pkid: string): string {
  return String(Number.parseInt(pkid.replace(/-/g, "").slice(0, 6), 16) % 100000);
}

// --- SIP trunks ---------------------------------------------------------------------------------

const TRUNK_HANDLED = set(
  "name", "newName", "uuid", "description", "product", "model", "class", "protocol", "protocolSide", "devicePoolName",
  "locationName", "callingSearchSpaceName", "securityProfileName", "sipProfileName", "presenceGroupName", "destinations",
  "destinationaddress", "destinationport", "returnedTags",
);

/** 12.x: the destinations list; 7.0: one destination as destinationaddress/destinationport (either may be sent alone). */
function destinations(w: XEl): Pick<TrunkPatch, "destinations" | "firstDestination"> {
  const list = child(w, "destinations");
  if (list) {
    return {
      destinations: childrenNamed(list, "destination").map((d, i) => ({
        address: (strAny(d, "addressIpv4", "addressIpv6") ?? "").trim(),
        port: int(d, "port") ?? 5060,
        sortOrder: int(d, "sortOrder") ?? i + 1,
      })),
    };
  }
  const address = str(w, "destinationaddress")?.trim();
  const port = int(w, "destinationport");
  if (address === undefined && port === undefined) return {};
  return { firstDestination: { ...optional("address", address), ...optional("port", port) } };
}

function trunkFields(w: XEl): Omit<TrunkPatch, "newName"> {
  return {
    ...optional("description", str(w, "description")),
    ...optional("devicePoolName", refName(w, "devicePoolName") ?? undefined),
    ...optional("locationName", refName(w, "locationName") ?? undefined),
    ...optional("callingSearchSpaceName", refName(w, "callingSearchSpaceName")),
    ...optional("securityProfileName", refName(w, "securityProfileName") ?? undefined),
    ...optional("sipProfileName", refName(w, "sipProfileName") ?? undefined),
    ...optional("presenceGroupName", refName(w, "presenceGroupName")),
    ...destinations(w),
    settings: settingsOf(w, TRUNK_HANDLED),
  };
}

export const trunkCodec: KindCodec<TrunkInput, DeviceKey, TrunkPatch, TrunkRow> = {
  input(w) {
    const product = str(w, "product");
    if (product !== undefined && product !== SIP_TRUNK_PRODUCT) throw faults.invalid(`The product ${product} is not a SIP trunk`);
    checkDeviceClass(w, "Trunk", product);
    const f = trunkFields(w);
    return {
      ...f,
      name: (str(w, "name") ?? "").trim(),
      devicePoolName: f.devicePoolName ?? "",
      securityProfileName: f.securityProfileName ?? "",
      sipProfileName: f.sipProfileName ?? "",
      destinations: f.destinations ?? (f.firstDestination ? [{ address: "", port: 5060, sortOrder: 1, ...f.firstDestination }] : []),
    };
  },
  key: deviceKey,
  patch: (req) => ({ ...trunkFields(req), ...optional("newName", str(req, "newName")?.trim()) }),
  render(db, row, order) {
    const first = row.destinations[0];
    const values: Values = {
      callingAndCalledPartyInfoFormat: x("callingAndCalledPartyInfoFormat", "Deliver DN only in connected party"),
      ...settingValues(row.settings),
      name: x("name", row.name),
      description: x("description", row.description),
      product: x("product", SIP_TRUNK_PRODUCT),
      model: x("model", SIP_TRUNK_PRODUCT),
      class: x("class", "Trunk"),
      protocol: x("protocol", "SIP"),
      protocolSide: x("protocolSide", "Network"),
      callingSearchSpaceName: fk(db, "callingSearchSpaceName", "callingSearchSpaces", row.cssPkid),
      devicePoolName: fk(db, "devicePoolName", "devicePools", row.devicePoolPkid),
      locationName: fk(db, "locationName", "locations", row.locationPkid),
      securityProfileName: fk(db, "securityProfileName", "trunkSecurityProfiles", row.securityProfilePkid),
      sipProfileName: fk(db, "sipProfileName", "sipProfiles", row.sipProfilePkid),
      presenceGroupName: fk(db, "presenceGroupName", "presenceGroups", row.presenceGroupPkid),
      destinationaddress: text("destinationaddress", first?.address),
      destinationport: text("destinationport", first?.port),
      destinations: x(
        "destinations",
        row.destinations.map((d) =>
          x("destination", [x("addressIpv4", d.address), x("addressIpv6", ""), x("port", String(d.port)), x("sortOrder", String(d.sortOrder))]),
        ),
      ),
    };
    return x("", ordered(order, values), { ctiid: ctiid(row.pkid), uuid: axlUuid(row.pkid) });
  },
};

// --- application users --------------------------------------------------------------------------

const APP_USER_HANDLED = set("userid", "newUserid", "uuid", "password", "presenceGroupName", "associatedDevices", "associatedGroups", "returnedTags");

function members(w: XEl, list: string, item: string, name?: string): string[] | undefined {
  const c = child(w, list);
  if (!c) return undefined;
  return childrenNamed(c, item).map((m) => {
    const v = (name ? str(m, name) : m.text)?.trim();
    if (!v) throw faults.invalid(`${item} requires a name`);
    return v;
  });
}

function appUserFields(w: XEl): Omit<AppUserPatch, "newUserid"> {
  return {
    ...optional("password", str(w, "password")),
    ...optional("presenceGroupName", refName(w, "presenceGroupName")),
    ...optional("associatedDevices", members(w, "associatedDevices", "device")),
    ...optional("userGroups", members(w, "associatedGroups", "userGroup", "name")),
    settings: settingsOf(w, APP_USER_HANDLED),
  };
}

export const appUserCodec: KindCodec<AppUserInput, AppUserKey, AppUserPatch, AppUserRow> = {
  input: (w) => ({ ...appUserFields(w), userid: (str(w, "userid") ?? "").trim() }),
  key(req) {
    const userid = str(req, "userid");
    const uuid = str(req, "uuid");
    return { ...(userid !== undefined ? { userid: userid.trim() } : {}), ...(uuid !== undefined ? { uuid } : {}) };
  },
  patch: (req) => ({ ...appUserFields(req), ...optional("newUserid", str(req, "newUserid")?.trim()) }),
  render(db, row, order) {
    const values: Values = {
      ...settingValues(row.settings),
      userid: x("userid", row.userid),
      presenceGroupName: fk(db, "presenceGroupName", "presenceGroups", row.presenceGroupPkid),
      associatedDevices: x(
        "associatedDevices",
        row.devicePkids.map((p) => x("device", db.devices.get(p)?.name ?? "")),
      ),
      associatedGroups: x(
        "associatedGroups",
        row.groupPkids.map((p) => x("userGroup", [x("name", db.refName("userGroups", p) ?? "")], { uuid: axlUuid(p) })),
      ),
    };
    return x("", ordered(order, values), { uuid: axlUuid(row.pkid) });
  },
};

/** `{ [key]: value }` when value is defined, else `{}` (exactOptionalPropertyTypes-friendly spreads). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

// --- end users ----------------------------------------------------------------------------------

const USER_HANDLED = set(
  "userid", "newUserid", "uuid", "firstName", "firstname", "lastName", "lastname", "telephoneNumber", "password", "pin",
  "associatedDevices", "primaryExtension", "associatedGroups", "phoneProfiles", "ctiControlledDeviceProfiles", "defaultProfile",
  "presenceGroupName", "imAndPresenceEnable", "homeCluster", "returnedTags",
);

function primaryExtension(el: XEl | undefined): DnInput | null | undefined {
  if (!el) return undefined;
  const pattern = str(el, "pattern")?.trim();
  if (!pattern) return null;
  return { pattern, routePartitionName: refName(el, "routePartitionName") ?? null };
}

/** phoneProfiles / ctiControlledDeviceProfiles: profileName elements, or 7.0's profile elements (uuid attribute). */
function profileRefs(el: XEl | undefined): ProfileRef[] | undefined {
  if (!el) return undefined;
  return el.children.map((c) => {
    if (c.local === "profile") {
      const uuid = attr(c, "uuid");
      return uuid !== undefined ? { uuid } : { name: (str(c, "name") ?? "").trim() };
    }
    return { name: c.text.trim() };
  });
}

export interface UserCodecOptions {
  /** 7.0's XUser documents associatedGroups as read-only (groups are edited with updateUserGroup). */
  groupsWritable: boolean;
  /** XFkType references carry a uuid attribute (12.x). */
  fkUuids: boolean;
}

function userFields(w: XEl, opts: UserCodecOptions): Omit<EndUserPatch, "newUserid"> {
  return {
    ...optional("firstName", strAny(w, "firstName", "firstname")),
    ...optional("lastName", strAny(w, "lastName", "lastname")),
    ...optional("telephoneNumber", str(w, "telephoneNumber")),
    ...optional("password", str(w, "password")),
    ...optional("pin", str(w, "pin")),
    ...optional("associatedDevices", members(w, "associatedDevices", "device")),
    ...optional("primaryExtension", primaryExtension(child(w, "primaryExtension"))),
    ...(opts.groupsWritable ? optional("userGroups", members(w, "associatedGroups", "userGroup", "name")) : {}),
    ...optional("phoneProfiles", profileRefs(child(w, "phoneProfiles"))),
    ...optional("ctiControlledProfiles", profileRefs(child(w, "ctiControlledDeviceProfiles"))),
    ...optional("defaultProfile", refName(w, "defaultProfile")),
    ...optional("presenceGroupName", refName(w, "presenceGroupName")),
    ...optional("imAndPresenceEnable", bool(w, "imAndPresenceEnable")),
    ...optional("homeCluster", bool(w, "homeCluster")),
    settings: settingsOf(w, USER_HANDLED),
  };
}

export function userCodec(opts: UserCodecOptions): KindCodec<EndUserInput, EndUserKey, EndUserPatch, EndUserRow> {
  const name = (db: CucmDb, el: string, pkid: string | null | undefined): XNode => {
    const d = pkid ? db.devices.get(pkid) : undefined;
    return x(el, d?.name ?? "", d && opts.fkUuids ? { uuid: axlUuid(d.pkid) } : {});
  };
  return {
    input(w) {
      const f = userFields(w, opts);
      return { ...f, userid: (str(w, "userid") ?? "").trim(), lastName: f.lastName ?? "" };
    },
    key(req) {
      const userid = str(req, "userid");
      const uuid = str(req, "uuid");
      return { ...(userid !== undefined ? { userid: userid.trim() } : {}), ...(uuid !== undefined ? { uuid } : {}) };
    },
    patch: (req) => ({ ...userFields(req, opts), ...optional("newUserid", str(req, "newUserid")?.trim()) }),
    render(db, row, order) {
      const dn = row.primaryLinePkid ? db.lines.get(row.primaryLinePkid) : undefined;
      const profileList = (pkids: string[], el: string): XNode | undefined =>
        pkids.length ? x(el, pkids.map((p) => name(db, "profileName", p))) : undefined;
      const values: Values = {
        ...settingValues(row.settings),
        firstName: x("firstName", row.firstName ?? ""),
        firstname: x("firstname", row.firstName ?? ""),
        lastName: x("lastName", row.lastName),
        lastname: x("lastname", row.lastName),
        userid: x("userid", row.userid),
        telephoneNumber: x("telephoneNumber", row.telephoneNumber),
        associatedDevices: x("associatedDevices", row.devicePkids.map((p) => x("device", db.devices.get(p)?.name ?? ""))),
        primaryExtension: x(
          "primaryExtension",
          dn ? [x("pattern", dn.pattern), x("routePartitionName", db.refName("routePartitions", dn.partitionPkid) ?? "")] : [],
        ),
        associatedGroups: x("associatedGroups", row.groupPkids.map((g) => x("userGroup", [x("name", db.refName("userGroups", g) ?? "")]))),
        enableCti: x("enableCti", "true"),
        enableCTI: x("enableCTI", "true"),
        phoneProfiles: profileList(row.profilePkids, "phoneProfiles"),
        defaultProfile: row.defaultProfilePkid ? name(db, "defaultProfile", row.defaultProfilePkid) : x("defaultProfile", ""),
        presenceGroupName: fk(db, "presenceGroupName", "presenceGroups", row.presenceGroupPkid),
        ctiControlledDeviceProfiles: profileList(row.ctiProfilePkids, "ctiControlledDeviceProfiles"),
        homeCluster: x("homeCluster", tf(row.homeCluster)),
        imAndPresenceEnable: x("imAndPresenceEnable", tf(row.enableUps)),
      };
      return x("", ordered(order, values), { uuid: axlUuid(row.pkid) });
    },
  };
}

// --- Meet-Me numbers ----------------------------------------------------------------------------

function meetMeKey(req: XEl): MeetMeKey {
  const uuid = str(req, "uuid");
  if (uuid !== undefined) return { uuid };
  return { pattern: (str(req, "pattern") ?? "").trim(), routePartitionName: refName(req, "routePartitionName") ?? null };
}

export const meetMeCodec: KindCodec<MeetMeInput, MeetMeKey, MeetMePatch, MeetMeRow> = {
  input: (w) => ({
    pattern: (str(w, "pattern") ?? "").trim(),
    routePartitionName: refName(w, "routePartitionName") ?? null,
    ...optional("description", str(w, "description")),
    ...optional("usage", str(w, "usage")),
    minimumSecurityLevel: str(w, "minimumSecurityLevel") || "Non Secure",
  }),
  key: meetMeKey,
  patch: (req) => ({
    ...optional("newPattern", str(req, "newPattern")?.trim()),
    ...optional("newRoutePartitionName", refName(req, "newRoutePartitionName")),
    ...optional("description", str(req, "description")),
    ...optional("minimumSecurityLevel", str(req, "minimumSecurityLevel") || undefined),
  }),
  render(db, row, order) {
    const values: Values = {
      pattern: x("pattern", row.pattern),
      description: x("description", row.description),
      usage: x("usage", "Conference"),
      routePartitionName: fk(db, "routePartitionName", "routePartitions", row.partitionPkid),
      minimumSecurityLevel: x("minimumSecurityLevel", row.minimumSecurityLevel),
    };
    return x("", ordered(order, values), { uuid: axlUuid(row.pkid) });
  },
};

// --- application dial rules (12.x) --------------------------------------------------------------

/** XInteger: an integer, or "" (left out). */
function xint(el: XEl, name: string): number | undefined {
  const v = str(el, name);
  return v === undefined || v.trim() === "" ? undefined : Number.parseInt(v.trim(), 10);
}

const nameKey = (req: XEl): { name?: string; uuid?: string } => {
  const name = str(req, "name");
  const uuid = str(req, "uuid");
  return { ...(name !== undefined ? { name: name.trim() } : {}), ...(uuid !== undefined ? { uuid } : {}) };
};

export const dialRuleCodec: KindCodec<DialRuleInput, DialRuleKey, DialRulePatch, DialRuleRow> = {
  input: (w) => ({
    name: (str(w, "name") ?? "").trim(),
    ...optional("description", str(w, "description")),
    ...optional("numberBeginWith", str(w, "numberBeginWith")?.trim()),
    numberOfDigits: xint(w, "numberOfDigits") ?? 0,
    digitsToBeRemoved: xint(w, "digitsToBeRemoved") ?? 0,
    ...optional("prefixPattern", str(w, "prefixPattern")?.trim()),
    ...optional("priority", xint(w, "priority")),
  }),
  key: nameKey,
  patch: (req) => ({
    ...optional("newName", str(req, "newName")?.trim()),
    ...optional("description", str(req, "description")),
    ...optional("numberBeginWith", str(req, "numberBeginWith")?.trim()),
    ...optional("numberOfDigits", xint(req, "numberOfDigits")),
    ...optional("digitsToBeRemoved", xint(req, "digitsToBeRemoved")),
    ...optional("prefixPattern", str(req, "prefixPattern")?.trim()),
    ...optional("priority", xint(req, "priority")),
  }),
  render(_db, row, order) {
    const values: Values = {
      name: x("name", row.name),
      description: x("description", row.description),
      numberBeginWith: x("numberBeginWith", row.numberBeginWith),
      numberOfDigits: x("numberOfDigits", String(row.numberOfDigits)),
      digitsToBeRemoved: x("digitsToBeRemoved", String(row.digitsToBeRemoved)),
      prefixPattern: x("prefixPattern", row.prefixPattern),
      priority: x("priority", String(row.priority)),
    };
    return x("", ordered(order, values), { uuid: axlUuid(row.pkid) });
  },
};

// --- IP phone services (12.x) -------------------------------------------------------------------

function serviceFields(w: XEl): Omit<IpPhoneServicePatch, "newName"> {
  return {
    ...optional("asciiName", str(w, "asciiServiceName")),
    ...optional("description", str(w, "serviceDescription")),
    ...optional("url", str(w, "serviceUrl")?.trim()),
    ...optional("secureUrl", str(w, "secureServiceUrl")?.trim()),
    ...optional("category", str(w, "serviceCategory")),
    ...optional("serviceType", str(w, "serviceType")),
    ...optional("vendor", str(w, "serviceVendor")),
    ...optional("version", str(w, "serviceVersion")),
    ...optional("enabled", bool(w, "enabled")),
    ...optional("enterpriseSubscription", bool(w, "enterpriseSubscription")),
  };
}

export const ipPhoneServiceCodec: KindCodec<IpPhoneServiceInput, IpPhoneServiceKey, IpPhoneServicePatch, IpPhoneServiceRow> = {
  input: (w) => {
    const f = serviceFields(w);
    return { ...f, name: (str(w, "serviceName") ?? "").trim(), url: f.url ?? "" };
  },
  key(req) {
    const name = str(req, "serviceName");
    const uuid = str(req, "uuid");
    return { ...(name !== undefined ? { name: name.trim() } : {}), ...(uuid !== undefined ? { uuid } : {}) };
  },
  patch: (req) => ({ ...serviceFields(req), ...optional("newName", str(req, "newServiceName")?.trim()) }),
  render(_db, row, order) {
    const values: Values = {
      serviceName: x("serviceName", row.name),
      asciiServiceName: x("asciiServiceName", row.asciiName),
      serviceDescription: x("serviceDescription", row.description),
      serviceUrl: x("serviceUrl", row.url),
      secureServiceUrl: x("secureServiceUrl", row.secureUrl),
      serviceCategory: x("serviceCategory", row.category),
      serviceType: x("serviceType", row.serviceType),
      serviceVendor: x("serviceVendor", row.vendor),
      serviceVersion: x("serviceVersion", row.version),
      enabled: x("enabled", tf(row.enabled)),
      enterpriseSubscription: x("enterpriseSubscription", tf(row.enterpriseSubscription)),
      parameters: x("parameters", []),
    };
    return x("", ordered(order, values), { uuid: axlUuid(row.pkid) });
  },
};

// --- device profiles ----------------------------------------------------------------------------

const PROFILE_HANDLED = set(
  "name", "newName", "uuid", "profileName", "profileId", "description", "product", "model", "class", "protocol", "protocolSide",
  "phoneTemplateName", "lines", "services", "returnedTags", "presenceGroupName", "PresenceGroupName",
);

function profileKey(req: XEl): DeviceKey {
  const name = strAny(req, "name", "profileName");
  const uuid = strAny(req, "uuid", "profileId");
  return { ...(name !== undefined ? { name: name.trim() } : {}), ...(uuid !== undefined ? { uuid } : {}) };
}

function profileFields(w: XEl, orders: AppearanceOrders): Omit<ProfilePatch, "newName"> {
  return {
    ...optional("description", str(w, "description")),
    ...optional("phoneTemplateName", refName(w, "phoneTemplateName")),
    ...optional("lines", appearances(child(w, "lines"), orders)),
    ...optional("services", subscriptions(child(w, "services"))),
    settings: settingsOf(w, PROFILE_HANDLED),
  };
}

export function profileCodec(orders: AppearanceOrders): KindCodec<ProfileInput, DeviceKey, ProfilePatch, ProfileRow> {
  return {
    input(w) {
      const product = str(w, "product") ?? "";
      checkDeviceClass(w, "Device Profile", product);
      return {
        ...profileFields(w, orders),
        name: (str(w, "name") ?? "").trim(),
        product,
        protocol: (str(w, "protocol") ?? "") as ProfileInput["protocol"],
      };
    },
    key: profileKey,
    patch: (req) => ({ ...profileFields(req, orders), ...optional("newName", str(req, "newName")?.trim()) }),
    render(db, row, order) {
      const values: Values = {
        ...settingValues(row.settings),
        name: x("name", row.name),
        description: x("description", row.description),
        product: x("product", row.product),
        model: x("model", row.product),
        class: x("class", "Device Profile"),
        protocol: x("protocol", row.protocol),
        protocolSide: x("protocolSide", "User"),
        lines: x("lines", row.lines.map((l) => renderAppearance(db, row, l, orders))),
        phoneTemplateName: fk(db, "phoneTemplateName", "phoneTemplates", row.phoneTemplatePkid),
        services: renderServices(db, row.services, orders),
        presenceGroupName: fk(db, "presenceGroupName", "presenceGroups", db.findRef("presenceGroups", DEFAULTS.presenceGroup)?.pkid),
      };
      return x("", ordered(order, values), { ctiid: ctiid(row.pkid), uuid: axlUuid(row.pkid) });
    },
  };
}

// --- SIP trunk security profiles ----------------------------------------------------------------

/** The settings a request carries (absent ones left out; a nil/empty outgoingTransport or securityMode left out too). */
function trunkSecuritySettings(w: XEl): Partial<SipTrunkSecuritySettings> {
  const out: Partial<SipTrunkSecuritySettings> = {};
  for (const [k, d] of Object.entries(SIP_TRUNK_SECURITY_DEFAULTS) as [keyof SipTrunkSecuritySettings, unknown][]) {
    const v = typeof d === "boolean" ? bool(w, k) : typeof d === "number" ? int(w, k) : str(w, k) || undefined;
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

export const trunkSecurityProfileCodec: KindCodec<TrunkSecurityProfileInput, TrunkSecurityProfileKey, TrunkSecurityProfilePatch, TrunkSecurityProfileRow> = {
  input: (w) => ({ ...trunkSecuritySettings(w), name: (str(w, "name") ?? "").trim(), ...optional("description", str(w, "description")) }),
  key: nameKey,
  patch: (req) => ({ ...trunkSecuritySettings(req), ...optional("newName", str(req, "newName")?.trim()), ...optional("description", str(req, "description")) }),
  render(_db, row, order) {
    const values: Values = { name: x("name", row.name), description: x("description", row.description ?? "") };
    for (const k of Object.keys(SIP_TRUNK_SECURITY_DEFAULTS) as (keyof SipTrunkSecuritySettings)[]) values[k] = x(k, String(row[k]));
    return x("", ordered(order, values), { uuid: axlUuid(row.pkid) });
  },
};
