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
  /**
   * XOutboundCallRollover ("No Rollover", "Rollover Within Same DN", "Rollover to any line"), for
   * phones with Automatic Outbound Call Rollover. Left out: not sent, not compared. The 7931G must be
   * in "No Rollover" for CTI (and so RCC) to control it.
   */
  outboundCallRollover?: string;
  lines: LineAppearance[];
  /**
   * IP phone service subscriptions (B11 step 4). Left out: keep what the phone has; given: the
   * whole list.
   */
  services?: ServiceSubscription[];
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

/**
 * B2: the SIP trunk security profile of the trunk to CUP. Natural key: name. rcclab's is a copy of
 * CUCM's stock "Non Secure SIP Trunk Profile" (non-secure, TCP out, TCP+UDP in on 5060) that accepts
 * what CUP needs from the trunk: presence subscriptions, out-of-dialog REFER, unsolicited
 * notifications and the Replaces header. AXL 7.0: add/get/update/removeSIPTrunkSecurityProfile
 * (XSIPTrunkSecurityProfile); 12.5+: …SipTrunkSecurityProfile (XSipTrunkSecurityProfile).
 */
export interface SipTrunkSecurityProfileSpec {
  name: string;
  description?: string;
  /** XDeviceSecurityMode; rcclab's profile is "Non Secure". */
  securityMode: string;
  /** XTransport: "TCP+UDP", "TCP", "UDP" ("TLS" belongs to secure profiles). */
  incomingTransport: string;
  outgoingTransport: string;
  incomingPort: number;
  acceptPresenceSubscription: boolean;
  acceptOutOfDialogRefer: boolean;
  acceptUnsolicitedNotification: boolean;
  allowReplaceHeader: boolean;
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

/** An IP phone service subscription on a phone or device profile (B11 step 4). */
export interface ServiceSubscription {
  /** The IP phone service's name (telecasterServiceName). */
  serviceName: string;
  /** The subscription's display name. */
  name: string;
  /** The service URL as subscribed (default: the service's own). */
  url?: string;
}

/** B11 step 3: an Extension Mobility device profile. Natural key: name. */
export interface DeviceProfileSpec {
  name: string;
  description?: string;
  /** AXL product name, e.g. "Cisco 7975". */
  product: string;
  protocol: PhoneProtocol;
  phoneTemplateName: string;
  lines: LineAppearance[];
  services: ServiceSubscription[];
}

/** B5: an end user. Natural key: userid. */
export interface EndUserSpec {
  userid: string;
  firstName?: string;
  lastName: string;
  /** E.164, e.g. "+14085551001". */
  telephoneNumber?: string;
  /** Write-only on CUCM. */
  password?: string;
  /** Write-only on CUCM. */
  pin?: string;
  /** Devices the user controls (their phones). */
  associatedDevices: string[];
  primaryExtension?: DnRef;
  /** User group names ("Standard CTI Enabled", "Standard CCM End Users", ...). */
  userGroups: string[];
  /** Extension Mobility device profiles the user controls (the user page's "Controlled Profiles"). */
  controlledProfiles: string[];
  /** The user's default device profile. */
  defaultProfile?: string;
}

/**
 * B6: a user's Cisco Unified Presence (UPS) and Personal Communicator (UPC) capabilities. Natural
 * key: userid. AXL 7.0: getLicenseCapabilities / updateLicenseCapabilities (enableUPS, enableUPC);
 * 12.5+: the end user's imAndPresenceEnable (and homeCluster). `remove` turns both off; the end
 * user's other fields are never touched by this codec.
 */
export interface LicenseCapabilitiesSpec {
  userid: string;
  enableUps: boolean;
  enableUpc: boolean;
}

/** B7: a Meet-Me conference number. Natural key: pattern + partition. */
export interface MeetMeSpec extends DnRef {
  description?: string;
  minimumSecurityLevel: "Non Secure" | "Authenticated" | "Encrypted";
}

/**
 * B9: an application dial rule (Call Routing > Dial Rules > Application Dial Rules). Natural key:
 * name. 12.5+: add/get/update/removeApplicationDialRules; 7.0 has no such operations: SQL on
 * CUCM's own table (named from Cisco's data dictionary), every literal escaped.
 */
export interface DialRuleSpec {
  name: string;
  description?: string;
  numberBeginsWith: string;
  numberOfDigits: number;
  digitsToBeRemoved: number;
  prefixPattern: string;
  priority?: number;
}

/**
 * B11 step 2: an IP phone service (the Extension Mobility service). Natural key: name.
 * 12.5+: add/get/update/removeIpPhoneServices; 7.0: SQL on CUCM's own table.
 */
export interface IpPhoneServiceSpec {
  name: string;
  description?: string;
  /** e.g. http://<cucm>:8080/emapp/EMAppServlet?device=#DEVICENAME# */
  url: string;
  /** "XML Service" (default) or "Java MIDlet". */
  category?: string;
  /** "Standard IP Phone Service" (default), "Directories" or "Messages". */
  serviceType?: string;
  enabled: boolean;
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
  /**
   * An SQL write's (executeSQLUpdate's) read-back, never sent: how the client learns whether the
   * statement took effect when its answer was lost, before it sends it again. `sql` is a SELECT:
   * - "insert": the inserted row, by the pkid the insert gives it; a row = it took effect;
   * - "change": the rows the statement's WHERE matches, read before it is sent and again after the
   *   lost answer; rows gone or different = it took effect.
   */
  readBack?: SqlReadBack;
  /**
   * The uuid the request gives the object it adds, when the request itself names it (an SQL
   * insert's pkid, as the model spells uuids): the client then needs no read-back to learn it.
   * Never sent.
   */
  uuid?: string;
}

export interface SqlReadBack {
  /**
   * - "insert": `sql` reads the inserted row by its pkid; a row = it took effect;
   * - "change": `sql` reads the rows the statement's WHERE matches, before it is sent and after the
   *   lost answer; rows gone or different = it took effect;
   * - "set": the statement only sets columns to fixed values (running it twice changes nothing
   *   more), and `sql` reads the rows it would still change; none = it took effect. Nothing is read
   *   before it is sent.
   */
  kind: "insert" | "change" | "set";
  sql: string;
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
  /**
   * True when the add response carries no uuid (an SQL insert, or 7.0's licensing update): the
   * client reads the object back with get to learn it.
   */
  readonly addReturnsNoUuid?: boolean;
  /**
   * What the add request cannot carry, as requests to send once the add has succeeded, given the
   * spec that was added and, when it was read (after a lost answer), the object as CUCM has it
   * (`now`); without `now` the object is as the add made it, so this follows from the spec alone.
   * Only AXL 7.0's end user has it: its addUser has no group membership (7.0's user groups are
   * read-only on the user; membership is updateUserGroup) and no default device profile. Left out:
   * the add is complete. An empty list: nothing more to send.
   */
  afterAdd?(spec: Spec, now?: Got<Spec>): AxlRequest[];
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
  /** doAuthenticateUser with a password: a login test (AuthenticateUserReq; nothing is changed). */
  authenticateUser(userid: string, password: string): AxlRequest;
  parseAuthenticated(ret: unknown): boolean;
  line: ObjectCodec<LineSpec, DnRef>;
  phone: ObjectCodec<PhoneSpec, string>;
  sipTrunk: ObjectCodec<SipTrunkSpec, string>;
  sipTrunkSecurityProfile: ObjectCodec<SipTrunkSecurityProfileSpec, string>;
  appUser: ObjectCodec<AppUserSpec, string>;
  endUser: ObjectCodec<EndUserSpec, string>;
  licenses: ObjectCodec<LicenseCapabilitiesSpec, string>;
  meetMe: ObjectCodec<MeetMeSpec, DnRef>;
  dialRule: ObjectCodec<DialRuleSpec, string>;
  ipPhoneService: ObjectCodec<IpPhoneServiceSpec, string>;
  deviceProfile: ObjectCodec<DeviceProfileSpec, string>;
}
