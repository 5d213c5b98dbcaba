/**
 * AXL 12.5 / 14.0 / 15.0: one schema shape; the release appears only in the namespace and the
 * SOAPAction. Element names and order follow Cisco's 12.5/14.0 AXLSoap.xsd.
 */
import type { AxlRelease, LineAppearance, ObjectCodec, PhoneSpec, ReleaseAdapter, SipTrunkSpec } from "../model";
import {
  STANDARD_PRESENCE_GROUP,
  appUserCodec,
  byIndex,
  dnKey,
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

/**
 * XPhoneLine: index is an element; dirn (XDirn) is pattern + routePartitionName (required, "" for
 * none), with the number's uuid attribute when it is known (XDirn declares it).
 */
const lines = (appearances: readonly LineAppearance[]) => ({
  line: byIndex(appearances).map((l) => ({
    index: String(l.index),
    label: l.label,
    display: l.display,
    dirn: { $attributes: dnUuidAttribute(l.dirn), ...dnKey(l.dirn) },
    displayAscii: l.displayAscii,
    e164Mask: l.e164Mask,
    maxNumCalls: wire(l.maxNumCalls),
    busyTrigger: wire(l.busyTrigger),
  })),
});

const phone: ObjectCodec<PhoneSpec, string> = {
  add: (p) =>
    request("addPhone", {
      phone: {
        name: p.name,
        description: p.description,
        product: p.product,
        class: "Phone",
        protocol: p.protocol,
        protocolSide: "User",
        devicePoolName: p.devicePoolName,
        commonPhoneConfigName: "Standard Common Phone Profile",
        locationName: p.locationName,
        useTrustedRelayPoint: "Default",
        securityProfileName: p.securityProfileName,
        sipProfileName: p.protocol === "SIP" ? p.sipProfileName : undefined,
        lines: p.lines.length ? lines(p.lines) : undefined,
        phoneTemplateName: p.phoneTemplateName,
        primaryPhoneName: "", // required (nillable); "" = none
        enableExtensionMobility: String(p.enableExtensionMobility ?? false),
        builtInBridgeStatus: "Default",
        ownerUserName: p.ownerUserName,
        packetCaptureMode: "None",
        certificateOperation: "No Pending Operation",
        deviceMobilityMode: "Default",
      },
    }),
  get: (name) => request("getPhone", { name }),
  parse: (ret) => parsePhone(ret, "phone"),
  update(current, desired) {
    const { fields: f, lines: ls } = phoneDelta(current, desired);
    if (isEmpty(f) && !ls) return [];
    return [
      request("updatePhone", {
        name: desired.name,
        description: f.description,
        devicePoolName: f.devicePoolName,
        locationName: f.locationName,
        securityProfileName: f.securityProfileName,
        sipProfileName: f.sipProfileName,
        // `lines` replaces the whole list but needs at least one line; no lines left = removeLines.
        ...(ls && (ls.length ? { lines: lines(ls) } : { removeLines: lines(current.lines) })),
        phoneTemplateName: f.phoneTemplateName,
        enableExtensionMobility: f.enableExtensionMobility,
        ownerUserName: f.ownerUserName,
      }),
    ];
  },
  remove: (name) => request("removePhone", { name }),
};

/** The trunk's one destination; `destinations` replaces the whole list. */
const destinations = (t: SipTrunkSpec) => ({
  destination: [{ addressIpv4: t.destinationAddress, port: String(t.destinationPort), sortOrder: "1" }],
});

const sipTrunk: ObjectCodec<SipTrunkSpec, string> = {
  add: (t) =>
    request("addSipTrunk", {
      sipTrunk: {
        name: t.name,
        description: t.description,
        product: "SIP Trunk",
        class: "Trunk",
        protocol: "SIP",
        protocolSide: "Network",
        callingSearchSpaceName: t.callingSearchSpaceName,
        devicePoolName: t.devicePoolName,
        locationName: t.locationName,
        securityProfileName: t.securityProfileName,
        sipProfileName: t.sipProfileName,
        presenceGroupName: STANDARD_PRESENCE_GROUP,
        destinations: destinations(t),
        callingAndCalledPartyInfoFormat: "Deliver DN only in connected party",
      },
    }),
  get: (name) => request("getSipTrunk", { name }),
  parse: (ret) => parseSipTrunk(ret, "sipTrunk"),
  update(current, desired) {
    const d = sipTrunkDelta(current, desired);
    if (isEmpty(d)) return [];
    const moved = d.destinationAddress !== undefined || d.destinationPort !== undefined;
    return [
      request("updateSipTrunk", {
        name: desired.name,
        description: d.description,
        callingSearchSpaceName: d.callingSearchSpaceName,
        devicePoolName: d.devicePoolName,
        locationName: d.locationName,
        securityProfileName: d.securityProfileName,
        sipProfileName: d.sipProfileName,
        destinations: moved ? destinations(desired) : undefined,
      }),
    ];
  },
  remove: (name) => request("removeSipTrunk", { name }),
};

export function v12Adapter(release: Exclude<AxlRelease, "7.0">): ReleaseAdapter {
  return {
    family: "12",
    release,
    ...versionAndSql(),
    line: lineCodec(
      (l) => ({
        line: {
          pattern: l.pattern,
          description: l.description,
          usage: "Device",
          routePartitionName: l.routePartitionName,
          alertingName: l.alertingName,
          asciiAlertingName: l.asciiAlertingName,
        },
      }),
      "line",
    ),
    phone,
    sipTrunk,
    appUser: appUserCodec("appUser", "appUser"),
  };
}
