/**
 * What the AXL release families share: building request bodies, reading node-soap's parsed
 * responses, and deciding what an update must change. The family files (v7.ts, v12.ts) hold only
 * what differs between releases: operation and wrapper names, element names, required defaults.
 */
import type {
  AppUserSpec,
  AxlRequest,
  DnRef,
  Got,
  LineAppearance,
  LineSpec,
  ObjectCodec,
  PhoneSpec,
  ReleaseAdapter,
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
    lines: byIndex(
      list(record(o.lines)?.line)
        .map(parseAppearance)
        .filter((l): l is LineAppearance => l !== undefined),
    ),
  });
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

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
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

/** The phone fields an update can change (product and protocol cannot change: replace the phone). */
export function phoneDelta(current: Got<PhoneSpec>, desired: PhoneSpec) {
  for (const k of ["product", "protocol"] as const) {
    if (current[k] && current[k] !== desired[k]) {
      throw new Error(`phone ${desired.name}: ${k} cannot change from "${current[k]}" to "${desired[k]}" in place; replace the phone`);
    }
  }
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
  ]);
  const lines = mergedLines(current.lines, desired.lines);
  return { fields, lines: sameLines(current.lines, lines) ? undefined : lines };
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

/** The user's members; AXL replaces each list as a whole when it is present. */
const devices = (names: readonly string[]) => ({ device: [...names] });
const groups = (names: readonly string[]) => ({ userGroup: names.map((name) => ({ name })) });

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

/** getCCMVersion and executeSQL*: identical in every release rcclab speaks. */
export function versionAndSql(): Pick<ReleaseAdapter, "getVersion" | "parseVersion" | "sqlQuery" | "parseSqlRows" | "sqlUpdate" | "parseSqlUpdate"> {
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
  };
}
