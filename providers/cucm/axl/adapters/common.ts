/**
 * What the AXL release families share: building request bodies, reading node-soap's parsed
 * responses, and deciding what an update must change. The family files (v7.ts, v12.ts) hold only
 * what differs between releases: operation and wrapper names, element names, required defaults.
 */
import type {
  AppUserSpec,
  AxlRequest,
  DeviceProfileSpec,
  DnRef,
  EndUserSpec,
  Got,
  LineAppearance,
  LineSpec,
  MeetMeSpec,
  ObjectCodec,
  PhoneSpec,
  ReleaseAdapter,
  ServiceSubscription,
  SipTrunkSecurityProfileSpec,
  SipTrunkSpec,
} from "../model";

/** CUCM's default presence group, for the requests whose schema requires one. */
export const STANDARD_PRESENCE_GROUP = "Standard Presence group";

// ---------------------------------------------------------------------------------------------
// Requests

type Body = Record<string, unknown>;

/** Drops undefined members (at any depth): a body lists only the elements that are sent. */
export function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map(compact) as T;
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = compact(v);
  return out as T;
}

/** A request; the body lists the elements in schema order (node-soap emits them in key order). */
export const request = (operation: string, body: Body): AxlRequest => ({ operation, body: compact(body) });

/** Numbers and booleans as element text. */
export const wire = (v: string | number | boolean | undefined): string | undefined => (v === undefined ? undefined : String(v));

/** A directory number's natural key; "" is the null partition (7.0 requires the element). */
export const dnKey = (dn: DnRef): Body => ({ pattern: dn.pattern, routePartitionName: dn.routePartitionName ?? "" });

/** The uuid attribute of a reference to a directory number, when its uuid is known. */
export const dnUuidAttribute = (dn: DnRef): { uuid: string } | undefined => (dn.uuid ? { uuid: dn.uuid } : undefined);

/** The same directory number by its natural key (pattern + partition; none = ""). */
export const sameDnKey = (a: DnRef, b: DnRef): boolean => a.pattern === b.pattern && (a.routePartitionName ?? "") === (b.routePartitionName ?? "");

/** CUCM spells uuids in braces, upper case in 12+ and either case in 7.0. */
const normalUuid = (uuid: string): string => uuid.replace(/^\{|\}$/g, "").toLowerCase();

/**
 * Two references name the same directory number: the same pattern and partition and, when both
 * sides know the uuid, the same uuid. A uuid known on one side only is no difference by itself.
 */
export const sameDn = (a: DnRef, b: DnRef): boolean =>
  sameDnKey(a, b) && (!a.uuid || !b.uuid || normalUuid(a.uuid) === normalUuid(b.uuid));

/** Line appearances in index order. */
export const byIndex = (lines: readonly LineAppearance[]): LineAppearance[] => [...lines].sort((a, b) => a.index - b.index);

// ---------------------------------------------------------------------------------------------
// Responses: node-soap gives text as a string, text with attributes as { $value, $attributes },
// an empty element as null, a repeated element as an array and a single one as itself.

type Raw = Record<string, unknown>;

export function record(v: unknown): Raw | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Raw) : undefined;
}

/** An element's text; empty or absent → undefined. */
export function text(v: unknown): string | undefined {
  if (typeof v === "string") return v === "" ? undefined : v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  const r = record(v);
  return r && "$value" in r ? text(r.$value) : undefined;
}

/** AXL booleans: xsd:boolean in 7.0; 12+'s schema also allows "t"/"f" (CUCM's database spelling). */
export function flag(v: unknown): boolean | undefined {
  const t = text(v)?.toLowerCase();
  return t === undefined ? undefined : t === "true" || t === "t" || t === "1";
}

export function int(v: unknown): number | undefined {
  const t = text(v);
  const n = t === undefined ? NaN : Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** A repeated element as an array, however many times it occurred. */
export function list(v: unknown): unknown[] {
  if (v === undefined || v === null || v === "") return [];
  return Array.isArray(v) ? v : [v];
}

/** The object's uuid attribute, as CUCM sends it ("{...}"); "" if the response has none. */
export const uuidOf = (o: Raw): string => text(record(o.$attributes)?.uuid) ?? "";

/**
 * A reference by name. 12+ sends `fooName` (text, uuid attribute); 7.0's schema allows either
 * `fooName` or the referenced object `foo` with its own `name` child.
 */
export const ref = (o: Raw, name: string, object?: string): string | undefined =>
  text(o[name]) ?? (object ? text(record(o[object])?.name) : undefined);

/** The object a get response carries under `return`, by its wrapper element. */
export const returned = (ret: unknown, wrapper: string): Raw | undefined => record(record(ret)?.[wrapper]);

export function parseLine(ret: unknown, wrapper: string): Got<LineSpec> | undefined {
  const o = returned(ret, wrapper);
  const pattern = o && text(o.pattern);
  if (!o || pattern === undefined) return undefined;
  return compact({
    uuid: uuidOf(o),
    pattern,
    routePartitionName: ref(o, "routePartitionName", "routePartition"),
    description: text(o.description),
    alertingName: text(o.alertingName),
    asciiAlertingName: text(o.asciiAlertingName),
  });
}

function parseAppearance(v: unknown): LineAppearance | undefined {
  const l = record(v);
  const dirn = l && record(l.dirn);
  // 12+: <index> element; 7.0: index attribute.
  const index = l && (int(l.index) ?? int(record(l.$attributes)?.index));
  const pattern = dirn && text(dirn.pattern);
  if (!l || !dirn || index === undefined || pattern === undefined) return undefined;
  return compact({
    index,
    // The number's uuid attribute, when the response carries it (7.0 and 12+ both do on getPhone).
    dirn: compact({ pattern, routePartitionName: ref(dirn, "routePartitionName", "routePartition"), uuid: uuidOf(dirn) || undefined }),
    label: text(l.label),
    display: text(l.display),
    displayAscii: text(l.displayAscii ?? l.displayASCII), // 7.0 spells it displayASCII
    e164Mask: text(l.e164Mask),
    maxNumCalls: int(l.maxNumCalls),
    busyTrigger: int(l.busyTrigger),
  });
}

export function parsePhone(ret: unknown, wrapper: string): Got<PhoneSpec> | undefined {
  const o = returned(ret, wrapper);
  const name = o && text(o.name);
  if (!o || name === undefined) return undefined;
  return compact({
    uuid: uuidOf(o),
    name,
    description: text(o.description),
    product: text(o.product) ?? "",
    protocol: text(o.protocol) === "SIP" ? "SIP" : "SCCP",
    devicePoolName: ref(o, "devicePoolName", "devicePool") ?? "",
    locationName: ref(o, "locationName", "location") ?? "",
    securityProfileName: ref(o, "securityProfileName", "securityProfile") ?? "",
    phoneTemplateName: ref(o, "phoneTemplateName", "phoneTemplate") ?? "",
    sipProfileName: ref(o, "sipProfileName", "sipProfile"),
    ownerUserName: text(o.ownerUserName ?? o.ownerUserId), // 7.0: ownerUserId
    enableExtensionMobility: flag(o.enableExtensionMobility) ?? false,
    outboundCallRollover: text(o.outboundCallRollover),
    lines: parseAppearances(o.lines),
    services: parseServices(o.services),
  });
}

/** A device's line appearances (phone or device profile), in index order. */
const parseAppearances = (lines: unknown): LineAppearance[] =>
  byIndex(
    list(record(lines)?.line)
      .map(parseAppearance)
      .filter((l): l is LineAppearance => l !== undefined),
  );

/**
 * IP phone service subscriptions (services/service): the service by name (telecasterServiceName;
 * 7.0's schema also allows the service itself, telecasterService with its name), the subscription's
 * name and its URL. The same shape in 7.0 and 12+.
 */
export function parseServices(v: unknown): ServiceSubscription[] {
  return list(record(v)?.service)
    .map((s) => record(s) ?? {})
    .map((s) => compact({ serviceName: ref(s, "telecasterServiceName", "telecasterService") ?? "", name: text(s.name) ?? "", url: text(s.url) }))
    .filter((s) => s.serviceName !== "" || s.name !== "");
}

export function parseSipTrunk(ret: unknown, wrapper: string): Got<SipTrunkSpec> | undefined {
  const o = returned(ret, wrapper);
  const name = o && text(o.name);
  if (!o || name === undefined) return undefined;
  // 12+: destinations/destination (first by sortOrder); 7.0: destinationaddress/destinationport.
  const [first] = list(record(o.destinations)?.destination)
    .map((d) => record(d) ?? {})
    .sort((a, b) => (int(a.sortOrder) ?? 0) - (int(b.sortOrder) ?? 0));
  return compact({
    uuid: uuidOf(o),
    name,
    description: text(o.description),
    devicePoolName: ref(o, "devicePoolName", "devicePool") ?? "",
    locationName: ref(o, "locationName", "location") ?? "",
    callingSearchSpaceName: ref(o, "callingSearchSpaceName", "callingSearchSpace"),
    securityProfileName: ref(o, "securityProfileName", "securityProfile") ?? "",
    sipProfileName: ref(o, "sipProfileName", "sipProfile") ?? "",
    destinationAddress: text(first ? first.addressIpv4 : o.destinationaddress) ?? "",
    destinationPort: int(first ? first.port : o.destinationport) ?? 5060, // SIP's default port
  });
}

/** A reference list given by name (`<x><profileName>A</profileName>...</x>`); 7.0 also allows the object itself. */
const names = (v: unknown, element: string, object?: string): string[] => {
  const r = record(v);
  return [...list(r?.[element]).map(text), ...(object ? list(r?.[object]).map((o) => text(record(o)?.name)) : [])].filter(
    (n): n is string => n !== undefined,
  );
};

/**
 * An end user (7.0: getUser → user, XUser; 12+: getUser → user, RUser). 7.0 spells the names
 * firstname/lastname, 12+ firstName/lastName. Controlled profiles are phoneProfiles/profileName
 * (7.0 also allows phoneProfiles/profile with its name). The default profile is 12+'s
 * defaultProfile; 7.0's user has none (see v7.ts). Password and PIN are never returned.
 */
export function parseEndUser(ret: unknown, wrapper: string): Got<EndUserSpec> | undefined {
  const o = returned(ret, wrapper);
  const userid = o && text(o.userid);
  if (!o || userid === undefined) return undefined;
  const ext = record(o.primaryExtension);
  const extPattern = ext && text(ext.pattern);
  return compact({
    uuid: uuidOf(o),
    userid,
    firstName: text(o.firstName ?? o.firstname),
    lastName: text(o.lastName ?? o.lastname) ?? "",
    telephoneNumber: text(o.telephoneNumber),
    associatedDevices: names(o.associatedDevices, "device"),
    primaryExtension: extPattern === undefined ? undefined : compact({ pattern: extPattern, routePartitionName: ref(ext!, "routePartitionName") }),
    userGroups: list(record(o.associatedGroups)?.userGroup)
      .map((g) => text(record(g)?.name))
      .filter((g): g is string => g !== undefined),
    controlledProfiles: names(o.phoneProfiles, "profileName", "profile"),
    defaultProfile: text(o.defaultProfile),
  });
}

export function parseAppUser(ret: unknown, wrapper: string): Got<AppUserSpec> | undefined {
  const o = returned(ret, wrapper);
  const userid = o && text(o.userid);
  if (!o || userid === undefined) return undefined;
  return {
    uuid: uuidOf(o),
    userid,
    associatedDevices: list(record(o.associatedDevices)?.device)
      .map(text)
      .filter((d): d is string => d !== undefined),
    userGroups: list(record(o.associatedGroups)?.userGroup)
      .map((g) => text(record(g)?.name))
      .filter((g): g is string => g !== undefined),
  };
}

/** A Meet-Me number (7.0: XNPMeetMe; 12+: RMeetMe; both under return/meetMe). */
export function parseMeetMe(ret: unknown, wrapper: string): Got<MeetMeSpec> | undefined {
  const o = returned(ret, wrapper);
  const pattern = o && text(o.pattern);
  if (!o || pattern === undefined) return undefined;
  const level = text(o.minimumSecurityLevel);
  return compact({
    uuid: uuidOf(o),
    pattern,
    routePartitionName: ref(o, "routePartitionName", "routePartition"),
    description: text(o.description),
    // CUCM's default (the schema's XDeviceSecurityMode default too).
    minimumSecurityLevel: level === "Authenticated" || level === "Encrypted" ? level : "Non Secure",
  });
}

/** A device profile (7.0: return/profile, XPhoneProfile; 12+: return/deviceProfile, RDeviceProfile). */
export function parseDeviceProfile(ret: unknown, wrapper: string): Got<DeviceProfileSpec> | undefined {
  const o = returned(ret, wrapper);
  const name = o && text(o.name);
  if (!o || name === undefined) return undefined;
  return compact({
    uuid: uuidOf(o),
    name,
    description: text(o.description),
    product: text(o.product) ?? "",
    protocol: text(o.protocol) === "SIP" ? "SIP" : "SCCP",
    phoneTemplateName: ref(o, "phoneTemplateName", "phoneTemplate") ?? "",
    lines: parseAppearances(o.lines),
    services: parseServices(o.services),
  });
}

// ---------------------------------------------------------------------------------------------
// Updates

/**
 * The fields of `desired` that differ from `current`, as element text. An optional field left out
 * means "none": it compares equal to an empty value, and clearing it sends "".
 */
export function delta<T extends object, K extends keyof T & string>(current: T, desired: Pick<T, K>, keys: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const k of keys) {
    const want = wire(desired[k] as string | number | boolean | undefined) ?? "";
    if (want !== (wire(current[k] as string | number | boolean | undefined) ?? "")) out[k] = want;
  }
  return out;
}

export const isEmpty = (o: object): boolean => Object.keys(o).length === 0;

export const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");

/**
 * The line list an update sends (AXL replaces a phone's lines as a whole), in index order. B8:
 * maxNumCalls/busyTrigger left out of the model keep the phone's values, so they are taken over
 * from the current appearance of the same directory number at the same index. A directory number
 * whose uuid the desired appearance leaves out takes the uuid the phone's appearance of the same
 * number (pattern + partition, at any index) has, so that 7.0 can read the reference.
 */
export function mergedLines(current: readonly LineAppearance[], desired: readonly LineAppearance[]): LineAppearance[] {
  return byIndex(desired).map((d) => {
    const c = current.find((l) => l.index === d.index && sameDn(l.dirn, d.dirn));
    const uuid = d.dirn.uuid || current.find((l) => sameDnKey(l.dirn, d.dirn) && l.dirn.uuid)?.dirn.uuid;
    return compact({
      ...d,
      dirn: compact({ ...d.dirn, uuid: uuid || undefined }),
      maxNumCalls: d.maxNumCalls ?? c?.maxNumCalls,
      busyTrigger: d.busyTrigger ?? c?.busyTrigger,
    });
  });
}

/** An appearance's fields, uuid left out (sameDn compares it). */
const appearanceText = (l: LineAppearance): string =>
  JSON.stringify([l.index, l.dirn.pattern, l.dirn.routePartitionName, l.label, l.display, l.displayAscii, l.e164Mask, l.maxNumCalls, l.busyTrigger].map((v) => wire(v) ?? ""));

export function sameLines(a: readonly LineAppearance[], b: readonly LineAppearance[]): boolean {
  const [x, y] = [byIndex(a), byIndex(b)];
  return x.length === y.length && x.every((l, i) => appearanceText(l) === appearanceText(y[i]!) && sameDn(l.dirn, y[i]!.dirn));
}

/**
 * The same subscriptions, in any order: the same services under the same names. A URL left out of
 * the desired subscription is CUCM's to choose (the service's own URL), so it is not compared.
 */
export function sameServices(current: readonly ServiceSubscription[], desired: readonly ServiceSubscription[]): boolean {
  if (current.length !== desired.length) return false;
  const rest = [...current];
  for (const d of desired) {
    const i = rest.findIndex((c) => c.serviceName === d.serviceName && c.name === d.name && (d.url === undefined || c.url === d.url));
    if (i < 0) return false;
    rest.splice(i, 1);
  }
  return true;
}

/**
 * Subscriptions as sent (7.0's XSubscribedService and 12+'s share these three elements, in this
 * order): the service by name, the subscription's name, and the URL only when the spec gives one.
 * `services` replaces the whole list; an empty list unsubscribes everything.
 */
export const subscriptions = (services: readonly ServiceSubscription[]) => ({
  service: services.map((s) => ({ telecasterServiceName: s.serviceName, name: s.name, url: s.url })),
});

/** Product and protocol cannot change in place: the device must be replaced. */
function fixedIdentity(kind: string, current: { product: string; protocol: string }, desired: { name: string; product: string; protocol: string }): void {
  for (const k of ["product", "protocol"] as const) {
    if (current[k] && current[k] !== desired[k]) {
      throw new Error(`${kind} ${desired.name}: ${k} cannot change from "${current[k]}" to "${desired[k]}" in place; replace the ${kind}`);
    }
  }
}

/** The phone fields an update can change (product and protocol cannot change: replace the phone). */
export function phoneDelta(current: Got<PhoneSpec>, desired: PhoneSpec) {
  fixedIdentity("phone", current, desired);
  // Extension Mobility left out = off.
  const have = { ...current, enableExtensionMobility: current.enableExtensionMobility ?? false };
  const want = { ...desired, enableExtensionMobility: desired.enableExtensionMobility ?? false };
  const fields = delta(have, want, [
    "description",
    "devicePoolName",
    "locationName",
    "securityProfileName",
    "phoneTemplateName",
    "enableExtensionMobility",
    "ownerUserName",
    // SCCP phones have no SIP profile.
    ...(desired.protocol === "SIP" ? (["sipProfileName"] as const) : []),
    // Managed only when the desired phone states it (the 7931G: No Rollover).
    ...(desired.outboundCallRollover !== undefined ? (["outboundCallRollover"] as const) : []),
  ]);
  const lines = mergedLines(current.lines, desired.lines);
  // Services left out of the desired phone: keep the phone's.
  const services = desired.services && !sameServices(current.services ?? [], desired.services) ? desired.services : undefined;
  return { fields, lines: sameLines(current.lines, lines) ? undefined : lines, services };
}

/** The device profile fields an update can change (product and protocol cannot change). */
export function deviceProfileDelta(current: Got<DeviceProfileSpec>, desired: DeviceProfileSpec) {
  fixedIdentity("device profile", current, desired);
  const fields = delta(current, desired, ["description", "phoneTemplateName"]);
  const lines = mergedLines(current.lines, desired.lines);
  return {
    fields,
    lines: sameLines(current.lines, lines) ? undefined : lines,
    services: sameServices(current.services, desired.services) ? undefined : desired.services,
  };
}

/**
 * What an end-user update changes, release-neutrally: the names and number (left out = none), the
 * write-only password and PIN (sent when the desired one is given and differs from what the caller
 * knows, as for application users), and each list as a whole when its members differ.
 */
export function endUserDelta(current: Got<EndUserSpec>, desired: EndUserSpec) {
  const writeOnly = (k: "password" | "pin") => (desired[k] !== undefined && desired[k] !== current[k] ? desired[k] : undefined);
  const ext = (dn?: DnRef) => (dn ? `${dn.pattern}\n${dn.routePartitionName ?? ""}` : "");
  return {
    fields: delta(current, desired, ["firstName", "lastName", "telephoneNumber"]),
    password: writeOnly("password"),
    pin: writeOnly("pin"),
    associatedDevices: sameSet(current.associatedDevices, desired.associatedDevices) ? undefined : desired.associatedDevices,
    primaryExtension: ext(current.primaryExtension) === ext(desired.primaryExtension) ? undefined : { to: desired.primaryExtension },
    userGroups: sameSet(current.userGroups, desired.userGroups) ? undefined : desired.userGroups,
    controlledProfiles: sameSet(current.controlledProfiles, desired.controlledProfiles) ? undefined : desired.controlledProfiles,
  };
}

export function sipTrunkDelta(current: Got<SipTrunkSpec>, desired: SipTrunkSpec) {
  return delta(current, desired, [
    "description",
    "callingSearchSpaceName",
    "devicePoolName",
    "locationName",
    "securityProfileName",
    "sipProfileName",
    "destinationAddress",
    "destinationPort",
  ]);
}

// ---------------------------------------------------------------------------------------------
// Codecs that differ between families only in wrapper names

/** Lines: 7.0 and 12+ differ in the add wrapper (newLine / line) and the get wrapper. */
export function lineCodec(addBody: (l: LineSpec) => Body, getWrapper: string): ObjectCodec<LineSpec, DnRef> {
  return {
    add: (l) => request("addLine", addBody(l)),
    get: (dn) => request("getLine", dnKey(dn)),
    parse: (ret) => parseLine(ret, getWrapper),
    update(current, desired) {
      const d = delta(current, desired, ["description", "alertingName", "asciiAlertingName"]);
      return isEmpty(d) ? [] : [request("updateLine", { ...dnKey(desired), ...d })];
    },
    remove: (dn) => request("removeLine", dnKey(dn)),
  };
}

/**
 * Meet-Me numbers: 7.0 and 12+ differ in the add body only (7.0's XNPMeetMe carries the pattern
 * usage and takes the partition as an xsd:Name); get, update and remove name the number by pattern
 * and partition ("" = none) in both, and the get wrapper is meetMe in both.
 */
export function meetMeCodec(addBody: (m: MeetMeSpec) => Body): ObjectCodec<MeetMeSpec, DnRef> {
  return {
    add: (m) => request("addMeetMe", { meetMe: addBody(m) }),
    get: (dn) => request("getMeetMe", dnKey(dn)),
    parse: (ret) => parseMeetMe(ret, "meetMe"),
    update(current, desired) {
      const d = delta(current, desired, ["description", "minimumSecurityLevel"]);
      return isEmpty(d) ? [] : [request("updateMeetMe", { ...dnKey(desired), ...d })];
    },
    remove: (dn) => request("removeMeetMe", dnKey(dn)),
  };
}

/** The user's members; AXL replaces each list as a whole when it is present. */
export const devices = (names: readonly string[]) => ({ device: [...names] });
export const groups = (names: readonly string[]) => ({ userGroup: names.map((name) => ({ name })) });

/**
 * Application users: the element names inside are the same in 7.0 and 12+ (associatedDevices/device,
 * associatedGroups/userGroup/name); only the add and get wrappers differ.
 */
export function appUserCodec(addWrapper: string, getWrapper: string): ObjectCodec<AppUserSpec, string> {
  return {
    add: (u) =>
      request("addAppUser", {
        [addWrapper]: {
          userid: u.userid,
          password: u.password,
          associatedDevices: u.associatedDevices.length ? devices(u.associatedDevices) : undefined,
          associatedGroups: u.userGroups.length ? groups(u.userGroups) : undefined,
        },
      }),
    get: (userid) => request("getAppUser", { userid }),
    parse: (ret) => parseAppUser(ret, getWrapper),
    update(current, desired) {
      // The password is write-only: CUCM never returns it, so it is sent whenever the desired one
      // differs from current.password (undefined after a get, unless the caller knows it).
      const password = desired.password !== undefined && desired.password !== current.password ? desired.password : undefined;
      const devs = sameSet(current.associatedDevices, desired.associatedDevices) ? undefined : devices(desired.associatedDevices);
      const grps = sameSet(current.userGroups, desired.userGroups) ? undefined : groups(desired.userGroups);
      if (password === undefined && !devs && !grps) return [];
      return [request("updateAppUser", { userid: desired.userid, password, associatedDevices: devs, associatedGroups: grps })];
    },
    remove: (userid) => request("removeAppUser", { userid }),
  };
}

/**
 * SIP trunk security profiles: the same elements, in the same order, in 7.0 (XSIPTrunkSecurityProfile)
 * and 12.5+ (XSipTrunkSecurityProfile); the operation and wrapper names differ (7.0: …SIPTrunk…, the
 * wrapper SIPTrunkSecurityProfile; 12.5+: …SipTrunk…, sipTrunkSecurityProfile), and 12.5+ requires
 * sipV150OutboundSdpOfferFiltering on add (sent as the schema's default, "Use Default Filter"). The add
 * copies the stock non-secure profile: digest authentication off; what the spec leaves to CUCM (nonce
 * time, X.509 subject, application-level authorization, security status) keeps the schema's defaults.
 * get and remove name the profile (NameAndGUIDRequest).
 */
export function sipTrunkSecurityProfileCodec(family: "7" | "12"): ObjectCodec<SipTrunkSecurityProfileSpec, string> {
  const op = (verb: string) => `${verb}${family === "7" ? "SIPTrunkSecurityProfile" : "SipTrunkSecurityProfile"}`;
  const wrapper = family === "7" ? "SIPTrunkSecurityProfile" : "sipTrunkSecurityProfile";
  const settings = (p: Partial<Record<"description" | "securityMode" | "incomingTransport" | "outgoingTransport", string>>) => ({
    description: p.description,
    securityMode: p.securityMode,
    incomingTransport: p.incomingTransport,
    outgoingTransport: p.outgoingTransport,
  });
  const flags = (p: Partial<Record<keyof SipTrunkSecurityProfileSpec, string | undefined>>) => ({
    incomingPort: p.incomingPort,
    acceptPresenceSubscription: p.acceptPresenceSubscription,
    acceptOutOfDialogRefer: p.acceptOutOfDialogRefer,
    acceptUnsolicitedNotification: p.acceptUnsolicitedNotification,
    allowReplaceHeader: p.allowReplaceHeader,
  });
  return {
    add: (p) =>
      request(op("add"), {
        [wrapper]: {
          name: p.name,
          ...settings(p),
          digestAuthentication: "false",
          ...flags({
            incomingPort: wire(p.incomingPort),
            acceptPresenceSubscription: wire(p.acceptPresenceSubscription),
            acceptOutOfDialogRefer: wire(p.acceptOutOfDialogRefer),
            acceptUnsolicitedNotification: wire(p.acceptUnsolicitedNotification),
            allowReplaceHeader: wire(p.allowReplaceHeader),
          }),
          ...(family === "12" ? { sipV150OutboundSdpOfferFiltering: "Use Default Filter" } : {}),
        },
      }),
    get: (name) => request(op("get"), { name }),
    parse: (ret) => parseSipTrunkSecurityProfile(ret, wrapper),
    update(current, desired) {
      const d = delta(current, desired, [
        "description",
        "securityMode",
        "incomingTransport",
        "outgoingTransport",
        "incomingPort",
        "acceptPresenceSubscription",
        "acceptOutOfDialogRefer",
        "acceptUnsolicitedNotification",
        "allowReplaceHeader",
      ]);
      if (isEmpty(d)) return [];
      return [request(op("update"), { name: desired.name, ...settings(d), ...flags(d) })];
    },
    remove: (name) => request(op("remove"), { name }),
  };
}

export function parseSipTrunkSecurityProfile(ret: unknown, wrapper: string): Got<SipTrunkSecurityProfileSpec> | undefined {
  const o = returned(ret, wrapper);
  const name = o && text(o.name);
  if (!o || name === undefined) return undefined;
  // What CUCM leaves out is the schema's default.
  return compact({
    uuid: uuidOf(o),
    name,
    description: text(o.description),
    securityMode: text(o.securityMode) ?? "Non Secure",
    incomingTransport: text(o.incomingTransport) ?? "TCP+UDP",
    outgoingTransport: text(o.outgoingTransport) ?? "",
    incomingPort: int(o.incomingPort) ?? 5060,
    acceptPresenceSubscription: flag(o.acceptPresenceSubscription) ?? false,
    acceptOutOfDialogRefer: flag(o.acceptOutOfDialogRefer) ?? false,
    acceptUnsolicitedNotification: flag(o.acceptUnsolicitedNotification) ?? false,
    allowReplaceHeader: flag(o.allowReplaceHeader) ?? false,
  });
}

/** getCCMVersion, executeSQL* and doAuthenticateUser: identical in every release rcclab speaks. */
export function versionAndSql(): Pick<
  ReleaseAdapter,
  "getVersion" | "parseVersion" | "sqlQuery" | "parseSqlRows" | "sqlUpdate" | "parseSqlUpdate" | "authenticateUser" | "parseAuthenticated"
> {
  return {
    getVersion: () => request("getCCMVersion", {}),
    parseVersion(ret) {
      const version = text(record(record(ret)?.componentVersion)?.version);
      if (version === undefined) throw new Error(`getCCMVersion: no componentVersion/version in the response`);
      return version;
    },
    sqlQuery: (sql) => request("executeSQLQuery", { sql }),
    parseSqlRows: (ret) =>
      list(record(ret)?.row).map((row) =>
        Object.fromEntries(
          Object.entries(record(row) ?? {})
            .filter(([column]) => column !== "$attributes")
            .map(([column, value]) => [column, text(value) ?? ""]),
        ),
      ),
    sqlUpdate: (sql) => request("executeSQLUpdate", { sql }),
    parseSqlUpdate: (ret) => int(record(ret)?.rowsUpdated) ?? 0,
    authenticateUser: (userid, password) => request("doAuthenticateUser", { userid, password }),
    parseAuthenticated(ret) {
      const ok = flag(record(ret)?.userAuthenticated);
      if (ok === undefined) throw new Error("doAuthenticateUser: no userAuthenticated in the response");
      return ok;
    },
  };
}
