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
 * separate user-group operation is needed.
 */
import type { LineAppearance, ObjectCodec, PhoneSpec, ReleaseAdapter, SipTrunkSpec } from "../model";
import {
  STANDARD_PRESENCE_GROUP,
  appUserCodec,
  byIndex,
  dnUuidAttribute,
  isEmpty,
  lineCodec,
  parsePhone,
  parseSipTrunk,
  phoneDelta,
  request,
  sipTrunkDelta,
  versionAndSql,
  wire,
} from "./common";

/** CUCM's defaults for the caller information a line appearance shows (required in 7.0). */
const CALL_INFO_DISPLAY = { callerName: "true", callerNumber: "false", redirectedNumber: "false", dialedNumber: "true" };

/**
 * XLine. Cisco's 7.0 schema documents dirn as "Only the uuid attribute is read by the AXL API", so
 * the number is sent with its uuid attribute whenever the model knows it (the kinds look the line
 * up first); pattern, usage and partition are sent too (the schema's XNPDirectoryNumber allows both,
 * and they name the number to a reader of the request). Without a uuid a real CUCM 7.0 cannot
 * resolve the line.
 */
const lines = (appearances: readonly LineAppearance[]) => ({
  line: byIndex(appearances).map((l) => ({
    $attributes: { index: String(l.index) },
    label: l.label ?? "",
    display: l.display ?? "",
    // Inside a directory number the partition is an xsd:Name (never empty): none = left out.
    dirn: {
      $attributes: dnUuidAttribute(l.dirn),
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
        lines: p.lines.length ? lines(p.lines) : undefined,
        phoneTemplateName: p.phoneTemplateName,
        enableExtensionMobility: String(p.enableExtensionMobility ?? false),
        ownerUserId: p.ownerUserName,
        presenceGroupName: STANDARD_PRESENCE_GROUP,
      },
    }),
  get: (name) => request("getPhone", { phoneName: name }),
  parse: (ret) => parsePhone(ret, "device"),
  update(current, desired) {
    const { fields: f, lines: ls } = phoneDelta(current, desired);
    if (isEmpty(f) && !ls) return [];
    // 7.0's `lines` needs at least one line and there is no removeLines.
    if (ls && !ls.length) throw new Error(`phone ${desired.name}: AXL 7.0 cannot remove a phone's last line in place; replace the phone`);
    return [
      request("updatePhone", {
        name: desired.name,
        description: f.description,
        devicePoolName: f.devicePoolName,
        locationName: f.locationName,
        lines: ls && lines(ls),
        phoneTemplateName: f.phoneTemplateName,
        securityProfileName: f.securityProfileName,
        sipProfileName: f.sipProfileName,
        enableExtensionMobility: f.enableExtensionMobility,
        ownerUserId: f.ownerUserName,
      }),
    ];
  },
  remove: (name) => request("removePhone", { phoneName: name }),
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
  appUser: appUserCodec("newApplicationUser", "applicationUser"),
};
