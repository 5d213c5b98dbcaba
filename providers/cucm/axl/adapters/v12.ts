/**
 * AXL 12.5 / 14.0 / 15.0: one schema shape; the release appears only in the namespace and the
 * SOAPAction. Element names and order follow Cisco's 12.5/14.0 AXLSoap.xsd.
 */
import type {
  AxlRelease,
  DeviceProfileSpec,
  DialRuleSpec,
  DnRef,
  EndUserSpec,
  Got,
  IpPhoneServiceSpec,
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
  delta,
  deviceProfileDelta,
  devices,
  dnKey,
  dnUuidAttribute,
  endUserDelta,
  flag,
  groups,
  int,
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
        services: p.services?.length ? subscriptions(p.services) : undefined,
        enableExtensionMobility: String(p.enableExtensionMobility ?? false),
        builtInBridgeStatus: "Default",
        ownerUserName: p.ownerUserName,
        packetCaptureMode: "None",
        certificateOperation: "No Pending Operation",
        deviceMobilityMode: "Default",
        outboundCallRollover: p.outboundCallRollover,
      },
    }),
  get: (name) => request("getPhone", { name }),
  parse: (ret) => parsePhone(ret, "phone"),
  update(current, desired) {
    const { fields: f, lines: ls, services: ss } = phoneDelta(current, desired);
    if (isEmpty(f) && !ls && !ss) return [];
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
        // The whole subscription list; an empty <services/> unsubscribes everything.
        services: ss && subscriptions(ss),
        enableExtensionMobility: f.enableExtensionMobility,
        ownerUserName: f.ownerUserName,
        outboundCallRollover: f.outboundCallRollover,
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

// ---------------------------------------------------------------------------------------------
// End users and their IM and Presence capability

/** The primary extension: pattern and partition (optional; none = left out). */
const primaryExtension = (dn: DnRef) => ({ pattern: dn.pattern, routePartitionName: dn.routePartitionName || undefined });

/**
 * Controlled Profiles (the user page's Extension Mobility "Controlled Profiles") are phoneProfiles /
 * profileName: the profiles the user may log in with. ctiControlledDeviceProfiles is the page's
 * separate "CTI Controlled Device Profiles" (CTI control of a logged-in profile), not managed here.
 */
const phoneProfiles = (names: readonly string[]) => ({ profileName: [...names] });

/**
 * End users (addUser/user, getUser → user, updateUser/removeUser by userid; XUser / UpdateUserReq,
 * whose telephoneNumber comes near the end). The codec sends only the fields it manages: never
 * homeCluster or imAndPresenceEnable (the licenses codec's), nor anything else it does not model;
 * addUser's required presenceGroupName is CUCM's standard presence group. Each list (devices,
 * groups, controlled profiles) is replaced as a whole when it changes; an empty element empties it.
 */
const endUser: ObjectCodec<EndUserSpec, string> = {
  add: (u) =>
    request("addUser", {
      user: {
        firstName: u.firstName,
        lastName: u.lastName,
        userid: u.userid,
        password: u.password,
        pin: u.pin,
        associatedDevices: u.associatedDevices.length ? devices(u.associatedDevices) : undefined,
        primaryExtension: u.primaryExtension && primaryExtension(u.primaryExtension),
        associatedGroups: u.userGroups.length ? groups(u.userGroups) : undefined,
        phoneProfiles: u.controlledProfiles.length ? phoneProfiles(u.controlledProfiles) : undefined,
        defaultProfile: u.defaultProfile,
        presenceGroupName: STANDARD_PRESENCE_GROUP,
        telephoneNumber: u.telephoneNumber,
      },
    }),
  get: (userid) => request("getUser", { userid }),
  parse: (ret) => parseEndUser(ret, "user"),
  update(current, desired) {
    const d = endUserDelta(current, desired);
    const { defaultProfile } = delta(current, desired, ["defaultProfile"]);
    const user = compact({
      firstName: d.fields.firstName,
      lastName: d.fields.lastName,
      password: d.password,
      pin: d.pin,
      associatedDevices: d.associatedDevices && devices(d.associatedDevices),
      // No primary extension left: an empty <primaryExtension/>.
      primaryExtension: d.primaryExtension && (d.primaryExtension.to ? primaryExtension(d.primaryExtension.to) : {}),
      associatedGroups: d.userGroups && groups(d.userGroups),
      phoneProfiles: d.controlledProfiles && phoneProfiles(d.controlledProfiles),
      defaultProfile,
      telephoneNumber: d.fields.telephoneNumber,
    });
    return isEmpty(user) ? [] : [request("updateUser", { userid: desired.userid, ...user })];
  },
  remove: (userid) => request("removeUser", { userid }),
};

/**
 * 12.x has no separate CUP (UPS) and CUPC (UPC) licences: a user is enabled for IM and Presence
 * (imAndPresenceEnable), on its home cluster (homeCluster). So enableUps || enableUpc maps to
 * imAndPresenceEnable; enabling also sets homeCluster (presence needs it). Read back, the user is
 * enabled when imAndPresenceEnable is true and homeCluster not false, and both model flags carry
 * that one value; an update compares only the one value (a spec with UPC on and UPS off is no
 * change from one read back with both on). `remove` turns imAndPresenceEnable off and leaves
 * homeCluster alone. Only these two elements are ever sent (updateUser by userid).
 */
const imp = (on: boolean) => (on ? { homeCluster: "true", imAndPresenceEnable: "true" } : { imAndPresenceEnable: "false" });
const enabled = (l: LicenseCapabilitiesSpec) => l.enableUps || l.enableUpc;

const licenses: ObjectCodec<LicenseCapabilitiesSpec, string> = {
  addReturnsNoUuid: true,
  add: (l) => request("updateUser", { userid: l.userid, ...imp(enabled(l)) }),
  get: (userid) => request("getUser", { userid }),
  parse(ret) {
    const o = returned(ret, "user");
    const userid = o && text(o.userid);
    if (!o || userid === undefined) return undefined;
    const on = flag(o.imAndPresenceEnable) === true && flag(o.homeCluster) !== false;
    return { uuid: uuidOf(o), userid, enableUps: on, enableUpc: on };
  },
  update: (current, desired) => (enabled(current) === enabled(desired) ? [] : [request("updateUser", { userid: desired.userid, ...imp(enabled(desired)) })]),
  remove: (userid) => request("updateUser", { userid, ...imp(false) }),
};

// ---------------------------------------------------------------------------------------------
// Application dial rules and IP phone services

/**
 * add/get/update/removeApplicationDialRules (applicationDialRules; XApplicationDialRules).
 * numberOfDigits, digitsToBeRemoved and priority are required on add; priority left out of the
 * spec is the schema's default, 0, on add, and CUCM's to keep on update.
 */
const dialRule: ObjectCodec<DialRuleSpec, string> = {
  add: (r) =>
    request("addApplicationDialRules", {
      applicationDialRules: {
        name: r.name,
        description: r.description,
        numberBeginWith: r.numberBeginsWith || undefined,
        numberOfDigits: String(r.numberOfDigits),
        digitsToBeRemoved: String(r.digitsToBeRemoved),
        prefixPattern: r.prefixPattern || undefined,
        priority: String(r.priority ?? 0),
      },
    }),
  get: (name) => request("getApplicationDialRules", { name }),
  parse(ret): Got<DialRuleSpec> | undefined {
    const o = returned(ret, "applicationDialRules");
    const name = o && text(o.name);
    if (!o || name === undefined) return undefined;
    return compact({
      uuid: uuidOf(o),
      name,
      description: text(o.description),
      numberBeginsWith: text(o.numberBeginWith) ?? "",
      numberOfDigits: int(o.numberOfDigits) ?? 0,
      digitsToBeRemoved: int(o.digitsToBeRemoved) ?? 0,
      prefixPattern: text(o.prefixPattern) ?? "",
      priority: int(o.priority),
    });
  },
  update(current, desired) {
    const d = delta(current, desired, ["description", "numberBeginsWith", "numberOfDigits", "digitsToBeRemoved", "prefixPattern"]);
    const priority = desired.priority !== undefined && desired.priority !== current.priority ? String(desired.priority) : undefined;
    if (isEmpty(d) && priority === undefined) return [];
    return [
      request("updateApplicationDialRules", {
        name: desired.name,
        description: d.description,
        numberBeginWith: d.numberBeginsWith,
        numberOfDigits: d.numberOfDigits,
        digitsToBeRemoved: d.digitsToBeRemoved,
        prefixPattern: d.prefixPattern,
        priority,
      }),
    ];
  },
  remove: (name) => request("removeApplicationDialRules", { name }),
};

const DEFAULT_CATEGORY = "XML Service";
const DEFAULT_SERVICE_TYPE = "Standard IP Phone Service";

/** The ASCII service name CUCM requires beside the name (non-ASCII characters become "?"). */
const ascii = (s: string) => s.replace(/[^\x20-\x7e]/g, "?");

/** A service as compared: category and type left out are CUCM's defaults. */
const serviceFields = (s: IpPhoneServiceSpec) => ({
  ...s,
  category: s.category ?? DEFAULT_CATEGORY,
  serviceType: s.serviceType ?? DEFAULT_SERVICE_TYPE,
});

/**
 * add/get/update/removeIpPhoneServices (ipPhoneServices; XIpPhoneServices): serviceName and
 * asciiServiceName, serviceDescription, serviceUrl, serviceCategory and serviceType (required; left
 * out of the spec: "XML Service", "Standard IP Phone Service"), enabled. Vendor, version, secure URL,
 * enterprise subscription and parameters are not managed (left as CUCM has them).
 */
const ipPhoneService: ObjectCodec<IpPhoneServiceSpec, string> = {
  add: (s) =>
    request("addIpPhoneServices", {
      ipPhoneServices: {
        serviceName: s.name,
        asciiServiceName: ascii(s.name),
        serviceDescription: s.description,
        serviceUrl: s.url,
        serviceCategory: s.category ?? DEFAULT_CATEGORY,
        serviceType: s.serviceType ?? DEFAULT_SERVICE_TYPE,
        enabled: String(s.enabled),
      },
    }),
  get: (name) => request("getIpPhoneServices", { serviceName: name }),
  parse(ret): Got<IpPhoneServiceSpec> | undefined {
    const o = returned(ret, "ipPhoneServices");
    const name = o && text(o.serviceName);
    if (!o || name === undefined) return undefined;
    return compact({
      uuid: uuidOf(o),
      name,
      description: text(o.serviceDescription),
      url: text(o.serviceUrl) ?? "",
      category: text(o.serviceCategory) ?? DEFAULT_CATEGORY,
      serviceType: text(o.serviceType) ?? DEFAULT_SERVICE_TYPE,
      enabled: flag(o.enabled) ?? true,
    });
  },
  update(current, desired) {
    const d = delta(serviceFields(current), serviceFields(desired), ["description", "url", "category", "serviceType", "enabled"]);
    if (isEmpty(d)) return [];
    return [
      request("updateIpPhoneServices", {
        serviceName: desired.name,
        serviceDescription: d.description,
        serviceUrl: d.url,
        serviceCategory: d.category,
        serviceType: d.serviceType,
        enabled: d.enabled,
      }),
    ];
  },
  remove: (name) => request("removeIpPhoneServices", { serviceName: name }),
};

// ---------------------------------------------------------------------------------------------
// Device profiles

/**
 * Extension Mobility device profiles: addDeviceProfile/deviceProfile (XDeviceProfile: name,
 * product, class "Device Profile", protocol, protocolSide "User" and phoneTemplateName required),
 * get/update/removeDeviceProfile by name; get answers return/deviceProfile. Lines are the phone's
 * XPhoneLine appearances; updateDeviceProfile has no removeLines, so its last line cannot go.
 */
const deviceProfile: ObjectCodec<DeviceProfileSpec, string> = {
  add: (p) =>
    request("addDeviceProfile", {
      deviceProfile: {
        name: p.name,
        description: p.description,
        product: p.product,
        class: "Device Profile",
        protocol: p.protocol,
        protocolSide: "User",
        lines: p.lines.length ? lines(p.lines) : undefined,
        phoneTemplateName: p.phoneTemplateName,
        services: p.services.length ? subscriptions(p.services) : undefined,
      },
    }),
  get: (name) => request("getDeviceProfile", { name }),
  parse: (ret) => parseDeviceProfile(ret, "deviceProfile"),
  update(current, desired) {
    const { fields: f, lines: ls, services: ss } = deviceProfileDelta(current, desired);
    if (isEmpty(f) && !ls && !ss) return [];
    if (ls && !ls.length) throw new Error(`device profile ${desired.name}: updateDeviceProfile cannot remove a device profile's last line; replace the profile`);
    return [
      request("updateDeviceProfile", {
        name: desired.name,
        description: f.description,
        lines: ls && lines(ls),
        phoneTemplateName: f.phoneTemplateName,
        services: ss && subscriptions(ss),
      }),
    ];
  },
  remove: (name) => request("removeDeviceProfile", { name }),
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
    sipTrunkSecurityProfile: sipTrunkSecurityProfileCodec("12"),
    appUser: appUserCodec("appUser", "appUser"),
    endUser,
    licenses,
    meetMe: meetMeCodec((m) => ({
      pattern: m.pattern,
      description: m.description,
      routePartitionName: m.routePartitionName,
      minimumSecurityLevel: m.minimumSecurityLevel,
    })),
    dialRule,
    ipPhoneService,
    deviceProfile,
  };
}
