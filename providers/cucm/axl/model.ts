/**
 * Release-neutral model of the CUCM objects rcclab manages over AXL, and the contract every
 * release adapter (7.0 family, 12.5+ family) implements. Object kinds speak only this model;
 * all knowledge of operation names, wrapper elements and element order lives in the adapters.
 */

/** AXL releases rcclab can speak. 7.0 is the guide's release; 12.5/14.0/15.0 share one family. */
export const AXL_RELEASES = ["7.0", "12.5", "14.0", "15.0"] as const;
export type AxlRelease = (typeof AXL_RELEASES)[number];
export type AxlFamily = "7" | "12";

export function familyOf(release: AxlRelease): AxlFamily {
  return release === "7.0" ? "7" : "12";
}

export function axlNamespace(release: AxlRelease): string {
  return `http://www.cisco.com/AXL/API/${release}`;
}

export function soapAction(release: AxlRelease, operation: string): string {
  return `CUCM:DB ver=${release} ${operation}`;
}

/** A directory number reference: pattern plus (optional) route partition. */
export interface DnRef {
  pattern: string;
  routePartitionName?: string;
  /**
   * The directory number's uuid as CUCM returns it, braces included ("{...}"); optional. In a phone's
   * line appearance it names the number for CUCM: Cisco's 7.0 schema says of `dirn` "Only the uuid
   * attribute is read by the AXL API", so the kinds fill it in by looking the line up before
   * addPhone/updatePhone. Phone gets return it. It is not part of the number's identity: a uuid
   * known on one side only is no change (pattern + partition are the key).
   */
  uuid?: string;
}

/** B4: a directory number (line). Natural key: pattern + partition. */
export interface LineSpec extends DnRef {
  description?: string;
  alertingName?: string;
  asciiAlertingName?: string;
}

/** One line appearance on a phone. */
export interface LineAppearance {
  index: number;
  dirn: DnRef;
  label?: string;
  display?: string;
  displayAscii?: string;
  e164Mask?: string;
  /** B8: call-per-line limit. Left out = keep what the phone has. */
  maxNumCalls?: number;
  busyTrigger?: number;
}

export type PhoneProtocol = "SCCP" | "SIP";

/** B4: an IP phone. Natural key: name (SEP + MAC). */
export interface PhoneSpec {
  name: string;
  description?: string;
  /** AXL product name, e.g. "Cisco 7975". */
  product: string;
  protocol: PhoneProtocol;
  devicePoolName: string;
  locationName: string;
  /** e.g. "Cisco 7975 - Standard SCCP Non-Secure Profile". */
  securityProfileName: string;
  /** Phone button template, e.g. "Standard 7975 SCCP". */
  phoneTemplateName: string;
  /** SIP phones only, e.g. "Standard SIP Profile". */
  sipProfileName?: string;
  ownerUserName?: string;
  /** Extension Mobility allowed on the phone (issue B11 uses it; default false). */
  enableExtensionMobility?: boolean;
  lines: LineAppearance[];
}

/** B2: a SIP trunk (to CUP). Natural key: name. */
export interface SipTrunkSpec {
  name: string;
  description?: string;
  devicePoolName: string;
  locationName: string;
  callingSearchSpaceName?: string;
  /** SIP trunk security profile; it carries the transport (e.g. "Non Secure SIP Trunk Profile"). */
  securityProfileName: string;
  sipProfileName: string;
  destinationAddress: string;
  destinationPort: number;
}

/** B3: an application user (the CTI user CUP logs in with). Natural key: userid. */
export interface AppUserSpec {
  userid: string;
  /** Write-only on CUCM: never returned by get. */
  password?: string;
  /** Device names the user controls (the RCC phones). */
  associatedDevices: string[];
  /** User group names (e.g. "Standard CTI Enabled"). */
  userGroups: string[];
}

/** What a get returns: the spec plus CUCM's UUID (braces kept as CUCM sends them). */
export type Got<T> = T & { uuid: string };

/** One AXL request: the operation and the ordered content of its request element. */
export interface AxlRequest {
  operation: string;
  /**
   * The children of the operation element, as plain JS in schema order (key order is emission
   * order). Arrays repeat an element; `{ $attributes: {...} }` sets XML attributes (soap's convention);
   * `{ $value: "x", $attributes: {...} }` is text with attributes.
   */
  body: Record<string, unknown>;
}

/**
 * The operations on one object kind, for one release family.
 * `parse` takes the soap client's parsed response of the get operation (the object under
 * `return`) and returns the model, or undefined when the response holds no object.
 */
export interface ObjectCodec<Spec, Key> {
  add(spec: Spec): AxlRequest;
  get(key: Key): AxlRequest;
  parse(ret: unknown): Got<Spec> | undefined;
  /**
   * The requests that bring the live object from `current` to `desired` (no-op fields left out;
   * an empty list means nothing to change). 7.0 sometimes needs more than one request.
   */
  update(current: Got<Spec>, desired: Spec): AxlRequest[];
  remove(key: Key): AxlRequest;
}

export interface ReleaseAdapter {
  readonly family: AxlFamily;
  readonly release: AxlRelease;
  /** getCCMVersion request, and the version string from its parsed response (e.g. "7.0.2.20000-5"). */
  getVersion(): AxlRequest;
  parseVersion(ret: unknown): string;
  /** executeSQLQuery; rows come back as a list of flat objects of strings. */
  sqlQuery(sql: string): AxlRequest;
  parseSqlRows(ret: unknown): Record<string, string>[];
  sqlUpdate(sql: string): AxlRequest;
  parseSqlUpdate(ret: unknown): number;
  line: ObjectCodec<LineSpec, DnRef>;
  phone: ObjectCodec<PhoneSpec, string>;
  sipTrunk: ObjectCodec<SipTrunkSpec, string>;
  appUser: ObjectCodec<AppUserSpec, string>;
}
