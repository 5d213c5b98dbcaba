/**
 * AXL 7.0 (the lab guide's release). Element names and order follow Cisco's 7.0 axlsoap.xsd /
 * axl.xsd. Where 7.0 differs from 12+:
 * - add wrappers are newLine / newPhone / trunk / newApplicationUser, and the SIP trunk operations
 *   are spelled addSIPTrunk/getSIPTrunk/...;
 * - getPhone/removePhone name the phone `phoneName` (updatePhone uses `name`);
 * - devices carry `model` (required) beside `product`; for phones and trunks it is the same name;
 * - a phone's owner is `ownerUserId`; a line appearance's index is an attribute, label, display and
 *   callInfoDisplay are required, and its dirn is a directory number (pattern, usage, partition)
 *   that CUCM reads by its uuid attribute only;
 * - a SIP trunk has a single destination (destinationaddress/destinationport, lower case);
 * - a phone (XIPPhone) and a directory number require a presence group once their later elements
 *   are present.
 * Application-user groups ride on the user (associatedGroups/userGroup/name) as in 12+, so no
 * separate user-group operation is needed. End users differ: see `endUser` below.
 *
 * 7.0 has no application dial rule or IP phone service operations: those two kinds are SQL on
 * CUCM's own tables (sql.ts), and so is an end user's default device profile.
 */
import type {
  AxlRequest,
  DeviceProfileSpec,
  DnRef,
  EndUserSpec,
  LicenseCapabilitiesSpec,
  LineAppearance,
  ObjectCodec,
  PhoneSpec,
  ReleaseAdapter,
  SipTrunkSpec,
} from "../model";
import {
  STANDARD_PRESENCE_GROUP,
  appUserCodec,
  byIndex,
  compact,
  deviceProfileDelta,
  devices,
  dnUuidAttribute,
  endUserDelta,
  flag,
  isEmpty,
  lineCodec,
  meetMeCodec,
  parseDeviceProfile,
  parseEndUser,
  parsePhone,
  parseSipTrunk,
  phoneDelta,
  request,
  returned,
  sipTrunkDelta,
  sipTrunkSecurityProfileCodec,
  subscriptions,
  text,
  uuidOf,
  versionAndSql,
  wire,
} from "./common";
import { defaultProfileSql, dialRuleSqlCodec, ipPhoneServiceSqlCodec } from "./sql";

/** CUCM's defaults for the caller information a line appearance shows (required in 7.0). */
const CALL_INFO_DISPLAY = { callerName: "true", callerNumber: "false", redirectedNumber: "false", dialedNumber: "true" };

/**
 * XLine. Cisco's 7.0 schema documents dirn as "Only the uuid attribute is read by the AXL API", so
 * every line is sent with its directory number's uuid attribute (the kinds look each line up right
 * before the request; an update takes the uuid the phone's own appearance of the number has). A line
 * without one is refused here: a real CUCM 7.0 cannot resolve it, whatever pattern it carries.
 * Pattern, usage and partition are sent too (the schema's XNPDirectoryNumber allows them, and they
 * name the number to a reader of the request). lineIdentifier, the schema's shorthand, is not used:
 * axl.xsd says not to when adding or updating a phone.
 */
const lines = (appearances: readonly LineAppearance[], owner: string) => ({
  line: byIndex(appearances).map((l) => ({
    $attributes: { index: String(l.index) },
    label: l.label ?? "",
    display: l.display ?? "",
    // Inside a directory number the partition is an xsd:Name (never empty): none = left out.
    dirn: {
      $attributes: dnUuidAttribute(l.dirn) ?? missingUuid(owner, l),
      pattern: l.dirn.pattern,
      usage: "Device",
      routePartitionName: l.dirn.routePartitionName || undefined,
    },
    displayASCII: l.displayAscii,
    e164Mask: l.e164Mask,
    maxNumCalls: wire(l.maxNumCalls),
    busyTrigger: wire(l.busyTrigger),
    callInfoDisplay: CALL_INFO_DISPLAY,
  })),
});

function missingUuid(owner: string, l: LineAppearance): never {
  const dn = `${l.dirn.pattern}${l.dirn.routePartitionName ? ` in ${l.dirn.routePartitionName}` : ""}`;
  throw new Error(`${owner}, line ${l.index} (${dn}): AXL 7.0 reads a line's directory number by its uuid only, and none is known; look the line up first`);
}

const phone: ObjectCodec<PhoneSpec, string> = {
  add: (p) =>
    request("addPhone", {
      newPhone: {
        name: p.name,
        description: p.description,
        product: p.product,
        model: p.product,
        class: "Phone",
        protocol: p.protocol,
        protocolSide: "User",
        devicePoolName: p.devicePoolName,
        locationName: p.locationName,
        securityProfileName: p.securityProfileName,
        sipProfileName: p.protocol === "SIP" ? p.sipProfileName : undefined,
        lines: p.lines.length ? lines(p.lines, `phone ${p.name}`) : undefined,
        phoneTemplateName: p.phoneTemplateName,
        // XIPPhone's services (XSubscribedService), between servicesURL and the softkey template.
        services: p.services?.length ? subscriptions(p.services) : undefined,
        enableExtensionMobility: String(p.enableExtensionMobility ?? false),
        ownerUserId: p.ownerUserName,
        presenceGroupName: STANDARD_PRESENCE_GROUP,
        // XIPPhone's last element.
        outboundCallRollover: p.outboundCallRollover,
      },
    }),
  get: (name) => request("getPhone", { phoneName: name }),
  parse: (ret) => parsePhone(ret, "device"),
  update(current, desired) {
    const { fields: f, lines: ls, services: ss } = phoneDelta(current, desired);
    if (isEmpty(f) && !ls && !ss) return [];
    // 7.0's `lines` needs at least one line and there is no removeLines.
    if (ls && !ls.length) throw new Error(`phone ${desired.name}: AXL 7.0 cannot remove a phone's last line in place; replace the phone`);
    return [
      request("updatePhone", {
        name: desired.name,
        description: f.description,
        devicePoolName: f.devicePoolName,
        locationName: f.locationName,
        lines: ls && lines(ls, `phone ${desired.name}`),
        phoneTemplateName: f.phoneTemplateName,
        securityProfileName: f.securityProfileName,
        sipProfileName: f.sipProfileName,
        // The whole subscription list; an empty <services/> unsubscribes everything.
        services: ss && subscriptions(ss),
        enableExtensionMobility: f.enableExtensionMobility,
        ownerUserId: f.ownerUserName,
        outboundCallRollover: f.outboundCallRollover,
      }),
    ];
  },
  remove: (name) => request("removePhone", { phoneName: name }),
};

// ---------------------------------------------------------------------------------------------
// End users

/** 7.0's primaryExtension: the partition is optional (String50): none = left out. */
const primaryExtension = (dn: DnRef) => ({ pattern: dn.pattern, routePartitionName: dn.routePartitionName || undefined });

/**
 * Controlled Profiles (the user page's Extension Mobility "Controlled Profiles"): 7.0's XUser has
 * exactly one such list, phoneProfiles (profileName, or the profile itself by uuid). It is the
 * same element 12+ keeps for them; 12+'s ctiControlledDeviceProfiles (CTI control of a profile,
 * the page's "CTI Controlled Device Profiles") does not exist in 7.0 and is not what EM login uses.
 */
const phoneProfiles = (names: readonly string[]) => ({ profileName: [...names] });

/**
 * User groups in 7.0: XUser's associatedGroups is documented "Read-Only" (getUser returns it;
 * addUser/updateUser cannot set it). Membership is the group's: updateUserGroup with addMembers /
 * removeMembers (member/userId), one request per group whose membership changes.
 */
function groupChanges(userid: string, from: readonly string[], to: readonly string[]): AxlRequest[] {
  const member = { member: [{ userId: userid }] };
  return [
    ...to.filter((g) => !from.includes(g)).map((name) => request("updateUserGroup", { name, addMembers: member })),
    ...from.filter((g) => !to.includes(g)).map((name) => request("updateUserGroup", { name, removeMembers: member })),
  ];
}

/**
 * End users (addUser/newUser, getUser/updateUser/removeUser by userid; XUser). In 7.0:
 * - names are firstname/lastname (lower case); the telephone number comes right after the PIN;
 * - group membership is not on the user (see groupChanges): `afterAdd` and `update` send
 *   updateUserGroup requests;
 * - there is no default-profile element: the default profile is SQL on enduserdevicemap
 *   (sql.ts, defaultProfileSql). getUser cannot return it, so for 7.0 it is write-only, like the
 *   password: `parse` leaves it out, and `update` sends it when the desired one is given and
 *   differs from `current.defaultProfile` (which the caller may fill in from what it last set);
 * - updateUser's phoneProfiles needs at least one profile, and its primaryExtension a pattern:
 *   neither can be emptied in place;
 * - Cisco's 7.0 schema gives updateUser's pin the pattern '^\d+$', which an XSD validator reads
 *   literally (XSD patterns have no anchors): no real PIN validates against it. addUser's pin
 *   ((\d{5,127})*) is fine. CUCM 7.0 itself accepts digits; rcclab sends the PIN as it is.
 */
const endUser: ObjectCodec<EndUserSpec, string> = {
  add: (u) =>
    request("addUser", {
      newUser: {
        firstname: u.firstName,
        lastname: u.lastName,
        userid: u.userid,
        password: u.password,
        pin: u.pin,
        telephoneNumber: u.telephoneNumber,
        associatedDevices: u.associatedDevices.length ? devices(u.associatedDevices) : undefined,
        primaryExtension: u.primaryExtension && primaryExtension(u.primaryExtension),
        phoneProfiles: u.controlledProfiles.length ? phoneProfiles(u.controlledProfiles) : undefined,
      },
    }),
  // addUser cannot carry groups: a user it made is in none.
  afterAdd: (spec, now) => [
    ...groupChanges(spec.userid, now?.userGroups ?? [], spec.userGroups),
    ...(spec.defaultProfile !== undefined ? defaultProfileSql(spec.userid, spec.defaultProfile) : []),
  ],
  get: (userid) => request("getUser", { userid }),
  parse: (ret) => {
    const u = parseEndUser(ret, "user");
    if (u) delete u.defaultProfile; // not in 7.0's XUser
    return u;
  },
  update(current, desired) {
    const d = endUserDelta(current, desired);
    const who = `end user ${desired.userid}`;
    if (d.primaryExtension && !d.primaryExtension.to) throw new Error(`${who}: AXL 7.0 cannot clear a user's primary extension in place`);
    if (d.controlledProfiles && !d.controlledProfiles.length) throw new Error(`${who}: AXL 7.0 cannot remove a user's last controlled profile in place`);
    const user = compact({
      firstname: d.fields.firstName,
      lastname: d.fields.lastName,
      password: d.password,
      pin: d.pin,
      telephoneNumber: d.fields.telephoneNumber,
      associatedDevices: d.associatedDevices && devices(d.associatedDevices),
      primaryExtension: d.primaryExtension?.to && primaryExtension(d.primaryExtension.to),
      phoneProfiles: d.controlledProfiles && phoneProfiles(d.controlledProfiles),
    });
    const defaultProfile = desired.defaultProfile !== undefined && desired.defaultProfile !== current.defaultProfile;
    return [
      ...(isEmpty(user) ? [] : [request("updateUser", { userid: desired.userid, ...user })]),
      ...(d.userGroups ? groupChanges(desired.userid, current.userGroups, d.userGroups) : []),
      ...(defaultProfile ? defaultProfileSql(desired.userid, desired.defaultProfile) : []),
    ];
  },
  remove: (userid) => request("removeUser", { userid }),
};

// ---------------------------------------------------------------------------------------------
// CUP / CUPC licensing

/**
 * getLicenseCapabilities / updateLicenseCapabilities (userid, enableUPS, enableUPC). There is no
 * add: `add` is the update with the spec's values and `remove` turns both off. The update's
 * response need not carry a uuid (StandardResponse allows "true"), so the client reads the
 * capabilities back; their uuid attribute is optional in the schema ("" when CUCM leaves it out).
 */
const licenses: ObjectCodec<LicenseCapabilitiesSpec, string> = {
  addReturnsNoUuid: true,
  add: (l) => request("updateLicenseCapabilities", { userid: l.userid, enableUPS: String(l.enableUps), enableUPC: String(l.enableUpc) }),
  get: (userid) => request("getLicenseCapabilities", { userid }),
  parse(ret) {
    const o = returned(ret, "licenseCapabilities");
    const userid = o && text(o.userid);
    if (!o || userid === undefined) return undefined;
    return { uuid: uuidOf(o), userid, enableUps: flag(o.enableUPS) ?? false, enableUpc: flag(o.enableUPC) ?? false };
  },
  update(current, desired) {
    const ups = current.enableUps === desired.enableUps ? undefined : String(desired.enableUps);
    const upc = current.enableUpc === desired.enableUpc ? undefined : String(desired.enableUpc);
    return ups === undefined && upc === undefined ? [] : [request("updateLicenseCapabilities", { userid: desired.userid, enableUPS: ups, enableUPC: upc })];
  },
  remove: (userid) => request("updateLicenseCapabilities", { userid, enableUPS: "false", enableUPC: "false" }),
};

// ---------------------------------------------------------------------------------------------
// Device profiles

/**
 * Extension Mobility device profiles: addDeviceProfile/newProfile (XPhoneProfile, an XIPPhone),
 * getDeviceProfile/removeDeviceProfile by profileName, updateDeviceProfile by name. As for phones:
 * model beside product, the same XLine appearances, and presenceGroupName once XIPPhone's part is
 * present (services is in it). The class is "Device Profile"; the protocol side "User".
 * updateDeviceProfile's lines need at least one line.
 */
const deviceProfile: ObjectCodec<DeviceProfileSpec, string> = {
  add: (p) =>
    request("addDeviceProfile", {
      newProfile: {
        name: p.name,
        description: p.description,
        product: p.product,
        model: p.product,
        class: "Device Profile",
        protocol: p.protocol,
        protocolSide: "User",
        lines: p.lines.length ? lines(p.lines, `device profile ${p.name}`) : undefined,
        phoneTemplateName: p.phoneTemplateName,
        services: p.services.length ? subscriptions(p.services) : undefined,
        presenceGroupName: STANDARD_PRESENCE_GROUP,
      },
    }),
  get: (name) => request("getDeviceProfile", { profileName: name }),
  parse: (ret) => parseDeviceProfile(ret, "profile"),
  update(current, desired) {
    const { fields: f, lines: ls, services: ss } = deviceProfileDelta(current, desired);
    if (isEmpty(f) && !ls && !ss) return [];
    if (ls && !ls.length) throw new Error(`device profile ${desired.name}: AXL 7.0 cannot remove a device profile's last line in place; replace the profile`);
    return [
      request("updateDeviceProfile", {
        name: desired.name,
        description: f.description,
        lines: ls && lines(ls, `device profile ${desired.name}`),
        phoneTemplateName: f.phoneTemplateName,
        services: ss && subscriptions(ss),
      }),
    ];
  },
  remove: (name) => request("removeDeviceProfile", { profileName: name }),
};

const sipTrunk: ObjectCodec<SipTrunkSpec, string> = {
  add: (t) =>
    request("addSIPTrunk", {
      trunk: {
        name: t.name,
        description: t.description,
        product: "SIP Trunk",
        model: "SIP Trunk",
        class: "Trunk",
        protocol: "SIP",
        protocolSide: "Network",
        callingSearchSpaceName: t.callingSearchSpaceName,
        devicePoolName: t.devicePoolName,
        locationName: t.locationName,
        securityProfileName: t.securityProfileName,
        sipProfileName: t.sipProfileName,
        destinationaddress: t.destinationAddress,
        destinationport: String(t.destinationPort),
      },
    }),
  get: (name) => request("getSIPTrunk", { name }),
  parse: (ret) => parseSipTrunk(ret, "trunk"),
  update(current, desired) {
    const d = sipTrunkDelta(current, desired);
    if (isEmpty(d)) return [];
    // updateSIPTrunk orders the profiles after the destination (addSIPTrunk has them before).
    return [
      request("updateSIPTrunk", {
        name: desired.name,
        description: d.description,
        callingSearchSpaceName: d.callingSearchSpaceName,
        devicePoolName: d.devicePoolName,
        locationName: d.locationName,
        destinationaddress: d.destinationAddress,
        destinationport: d.destinationPort,
        securityProfileName: d.securityProfileName,
        sipProfileName: d.sipProfileName,
      }),
    ];
  },
  remove: (name) => request("removeSIPTrunk", { name }),
};

export const v7Adapter: ReleaseAdapter = {
  family: "7",
  release: "7.0",
  ...versionAndSql(),
  line: lineCodec(
    (l) => ({
      newLine: {
        pattern: l.pattern,
        description: l.description,
        usage: "Device",
        routePartitionName: l.routePartitionName || undefined, // an xsd:Name here: none = left out
        alertingName: l.alertingName,
        asciiAlertingName: l.asciiAlertingName,
        presenceGroupName: STANDARD_PRESENCE_GROUP,
      },
    }),
    "directoryNumber",
  ),
  phone,
  sipTrunk,
  sipTrunkSecurityProfile: sipTrunkSecurityProfileCodec("7"),
  appUser: appUserCodec("newApplicationUser", "applicationUser"),
  endUser,
  licenses,
  meetMe: meetMeCodec((m) => ({
    pattern: m.pattern,
    description: m.description,
    usage: "Conference",
    routePartitionName: m.routePartitionName || undefined, // an xsd:Name here: none = left out
    minimumSecurityLevel: m.minimumSecurityLevel,
  })),
  dialRule: dialRuleSqlCodec,
  ipPhoneService: ipPhoneServiceSqlCodec,
  deviceProfile,
};
