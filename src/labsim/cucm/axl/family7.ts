/**
 * AXL 7.0: operation names, wrapper elements and content models (the part of Cisco's 7.0
 * axlsoap.xsd / axl.xsd the simulator handles, in schema order). Where 7.0 offers a choice between
 * a referenced object, its uuid (xxxId) and its name (xxxName), the simulator takes the name only.
 * Nested optional groups ([ ... ]?) mirror the schema: once an element of such a group is present,
 * the group's required elements are required too (e.g. presenceGroupName on a phone).
 */
import { SECURITY_LEVELS } from "../model/meetme";
import { type Particle, choice, el, elementOrder, fields, many, opt, seq } from "../schema";
import type { Family } from "./operations";

// --- phone ----------------------------------------------------------------------------------------

const CALL_INFO = fields("callerName?:b callerNumber?:b redirectedNumber?:b dialedNumber?:b");

/** Elements of a directory number after its key (XNPDirectoryNumber's second group). */
const DN_SETTINGS = `aarNeighborhoodName? aarDestinationMask?~ aarKeepCallHistory?:b aarVoiceMailEnabled?:b
  callPickupGroupName? autoAnswer? networkHoldMOHAudioSourceId?~ userHoldMOHAudioSourceId?~ cfaCSSClause?
  alertingName?~ asciiAlertingName?~ presenceGroupName shareLineAppearanceCSSName? voiceMailProfileName?
  patternPrecedence? releaseCause? hrDuration?:i hrInterval?:i cfaCSSPolicy?~ defaultActivatedDeviceName?`;
/** XNPDirectoryNumber: the dirn of a line appearance and the newLine of addLine. */
const DIRECTORY_NUMBER = fields(`[ pattern description? usage routePartitionName? ]? [ ${DN_SETTINGS} ]?`);

const APPEARANCE = opt(
  fields(
    `label~ asciiLabel?~ display~ dirn=dirn ringSetting? consecutiveRingSetting? ringSettingIdlePickupAlert?
     ringSettingActivePickupAlert? displayASCII?~ e164Mask?~ dialPlanWizardId?:i mwlPolicy? maxNumCalls?:i busyTrigger?:i
     callInfoDisplay=callInfo recordingProfileName? monitoringCSSName? recordingFlag?~ audibleMWI?~ speedDial?
     partitionUsage?~`,
    { dirn: DIRECTORY_NUMBER, callInfo: CALL_INFO },
  ),
);
const LINE_IDENTIFIER = fields("directoryNumber routePartitionName");
/**
 * XIPPhone's lines (addPhone, addDeviceProfile): line, lineId, lineLabel or lineIdentifier. axl.xsd:
 * "When adding or updating a phone with the AXL API, only use the 'line' element"; the others are
 * accepted by the schema and refused by the simulator (kinds.ts).
 */
const LINES = choice(
  many(el("line", APPEARANCE)),
  many(el("lineId", { type: "uuid" })),
  many(el("lineLabel")),
  many(el("lineIdentifier", LINE_IDENTIFIER)),
);
/** updatePhone's / updateDeviceProfile's lines: line or lineIdentifier (axlsoap.xsd). */
const UPDATE_LINES = choice(many(el("line", APPEARANCE)), many(el("lineIdentifier", LINE_IDENTIFIER)));

const PHONE_DEVICE_SETTINGS = `mediaResourceListName? networkHoldMOHAudioSourceId? userHoldMOHAudioSourceId?
  automatedAlternateRoutingCSSName? aarNeighborhoodName? loadInformation?`;
const PHONE_URLS = `idleTimeout?~:i authenticationURL?~ directoryURL?~ idleURL?~ informationURL?~ messagesURL?~
  proxyServerURL?~ servicesURL?~ services?=services`;

/** XSubscribedService: the service by name (or its uuid on telecasterService), the subscription's own fields. */
const SUBSCRIBED_SERVICE = fields(
  `[ (telecasterService=telecaster|telecasterServiceName) name url? urlButtonIndex?:i urlLabel? urlLabelAscii?
     serviceNameAscii? phoneService? phoneServiceCategory? vendor? version? priority?:i ]?`,
  { telecaster: fields("[ name description? templateURL ]?") },
);
const SERVICES = fields("service*=service", { service: SUBSCRIBED_SERVICE });
const PHONE_FEATURES = `singleButtonBarge? joinAcrossLines? builtInBridgeStatus? callInfoPrivacyStatus? hlogStatus?
  ownerUserId?~ ignorePresentationIndicators?:b packetCaptureMode?`;
const PHONE_TAIL = `unattendedPort?:b requireDTMFReception?:b RFC2833Disabled?:b phoneLoadName? certificateOperation?
  [ authenticationMode? keySize? ]? authenticationString? certificateStatus?`;
const PHONE_END = `deviceMobilityMode?`;
const PHONE_MISC = `remoteDevice?:b dndOption? dndRingSetting?~ dndStatus?:b isActive?:b`;
const PHONE_LAST = `mobilityUserIdName?~ phoneSuite? phoneServiceDisplay? isProtected?:b mobileSmartClientProfileName?
  mtpRequired?:b mtpPreferredCodec? dialRulesName? sshUser? sshPwd? digestUser? outboundCallRollover?`;

/** XIPPhone: XDevice's group, XPhone's group, XIPPhone's group (each optional as a whole). */
const PHONE = fields(
  `[ name description? product model class protocol protocolSide callingSearchSpaceName? devicePoolName?
     commonDeviceConfigName?~ commonPhoneConfigName? networkLocation? locationName? ${PHONE_DEVICE_SETTINGS}
     versionStamp? traceFlag?:b mlppDomainId?:i mlppIndicationStatus? preemption? useTrustedRelayPoint?
     retryVideoCallAsAudio?:b securityProfileName? sipProfileName? cgpnTransformationCSSName?~
     useDevicePoolCgpnTransformCSS?:b ]?
   [ associatedPC? lines?=lines numberOfButtons?:i phoneTemplateName? primaryPhoneName?~
     ringSettingIdleBLFAudibleAlert? ringSettingBusyBLFAudibleAlert? ]?
   [ userLocale?~ networkLocale?~ ${PHONE_URLS} softkeyTemplateName? loginUserId?
     [ defaultProfileName? enableExtensionMobility:b currentProfileName? loginTime?:i loginDuration?:i ]?
     ${PHONE_FEATURES} packetCaptureDuration?:i subscribeCallingSearchSpaceName?~ rerouteCallingSearchSpaceName?~
     allowCtiControlFlag?~:b presenceGroupName ${PHONE_TAIL} upgradeFinishTime? ${PHONE_END} roamingDevicePoolName?
     ${PHONE_MISC} isDualMode?:b ${PHONE_LAST} ]?`,
  { lines: LINES, services: SERVICES },
);

const UPDATE_PHONE = fields(
  `(name|uuid:u) newName? description? callingSearchSpaceName? devicePoolName? commonDeviceConfigName?~
   commonPhoneConfigName? locationName? ${PHONE_DEVICE_SETTINGS} traceFlag?:b mlppDomainId?:i mlppIndicationStatus?
   preemption? useTrustedRelayPoint? retryVideoCallAsAudio?:b associatedPC? lines?=lines phoneTemplateName?
   primaryPhoneName? ringSettingIdleBLFAudibleAlert? ringSettingBusyBLFAudibleAlert? userLocale?~ networkLocale?~
   cgpnTransformationCSSName?~ useDevicePoolCgpnTransformCSS?:b securityProfileName? sipProfileName? idleTimeout?:i
   authenticationURL? directoryURL? idleURL? informationURL? messagesURL? proxyServerURL? servicesURL? services?=services
   softkeyTemplateName? [ defaultProfileName? enableExtensionMobility:b ]? ${PHONE_FEATURES}
   packetCaptureDuration?~:i subscribeCallingSearchSpaceName?~ rerouteCallingSearchSpaceName?~ allowCtiControlFlag?~:b
   presenceGroupName? ${PHONE_TAIL} upgradeFinishTime?~ ${PHONE_END} ${PHONE_MISC} ${PHONE_LAST}`,
  { lines: UPDATE_LINES, services: SERVICES },
);

// --- line (directory number) ----------------------------------------------------------------------

/** getLine/updateLine/removeLine key: uuid, or pattern + partition (the partition is required, "" = none). */
const LINE_KEY = choice(el("uuid", { type: "uuid" }), fields("pattern routePartitionName"));
const UPDATE_LINE = fields(
  `newPattern? description? newRoutePartitionName? aarNeighborhoodName? aarDestinationMask? aarKeepCallHistory?:b
   aarVoiceMailEnabled?:b callPickupGroupName? autoAnswer? networkHoldMOHAudioSourceId? userHoldMOHAudioSourceId?
   alertingName?~ asciiAlertingName?~ presenceGroupName? shareLineAppearanceCSSName? voiceMailProfileName?
   patternPrecedence? releaseCause? hrDuration?:i hrInterval?:i cfaCSSPolicy?~ defaultActivatedDeviceName?`,
);

// --- SIP trunk ------------------------------------------------------------------------------------

const TRUNK_SIP = `unknownPrefix? destinationaddress destAddrIsSRV?:b destinationport?:i tkSipCodec? sigDigits?`;
const TRUNK_PRESENTATION = `connectedNamePresentation? connectedPartyIdPresentation? callingPartySelection? callingname?
  callingLineIdPresentation? prefixDN? callerName? callerIdDN? acceptInboundRDNIS?:b acceptOutboundRDNIS?:b
  srtpAllowed?:b srtpFallbackAllowed?:b isPaiEnabled?:b sipPrivacy? isRpidEnabled?:b sipAssertedType? DTMFSignalingMethod?`;

const TRUNK = fields(
  `[ name description? product model class protocol protocolSide callingSearchSpaceName? devicePoolName?
     commonDeviceConfigName?~ commonPhoneConfigName? networkLocation? locationName? ${PHONE_DEVICE_SETTINGS}
     versionStamp? traceFlag?:b mlppDomainId?:i mlppIndicationStatus? preemption? useTrustedRelayPoint?
     retryVideoCallAsAudio?:b securityProfileName? sipProfileName? cgpnTransformationCSSName?~
     useDevicePoolCgpnTransformCSS?:b ]?
   cdpnTransformationCSSName?~ useDevicePoolCdpnTransformCSS?:b unattendedPort?:b subscribeCallingSearchSpaceName?
   rerouteCallingSearchSpaceName? referCallingSearchSpaceName? mtpRequired?:b ${TRUNK_SIP} ${TRUNK_PRESENTATION}`,
);
const UPDATE_TRUNK = fields(
  `(name|uuid:u)
   [ newName? description? callingSearchSpaceName? devicePoolName? commonDeviceConfigName? networkLocation?
     locationName? mediaResourceListName? networkHoldMOHAudioSourceId? userHoldMOHAudioSourceId?
     automatedAlternateRoutingCSSName? aarNeighborhoodName? mlppDomainId?:i mlppIndicationStatus? preemption?
     useTrustedRelayPoint? retryVideoCallAsAudio?:b subscribeCallingSearchSpaceName? rerouteCallingSearchSpaceName?
     referCallingSearchSpaceName? cgpnTransformationCSSName?~ useDevicePoolCgpnTransformCSS?:b
     cdpnTransformationCSSName?~ useDevicePoolCdpnTransformCSS?:b unattendedPort?:b mtpRequired?:b unknownPrefix?
     destinationaddress? destAddrIsSRV?:b destinationport?:i securityProfileName? tkSipCodec? sipProfileName? sigDigits?
     ${TRUNK_PRESENTATION} ]?`,
);

// --- application user -----------------------------------------------------------------------------

const MEMBERS = {
  devices: fields("[ device* ]?"),
  groups: fields("[ userGroup*=group ]?", { group: fields("[ name? ]?") }),
};
const APP_USER_SETTINGS = `password? digestCredentials?~ presenceGroupName? acceptPresenceSubscription?:b
  acceptOutOfDialogRefer?:b acceptUnsolicitedNotification?:b allowReplaceHeader?:b`;
const APP_USER = fields(`userid ${APP_USER_SETTINGS} isStandard?:b associatedDevices?=devices associatedGroups?=groups`, MEMBERS);
const USERID = fields("userid");

// --- end user ---------------------------------------------------------------------------------------

const USER_MEMBERS = {
  devices: fields("device*"),
  primary: fields("[ pattern routePartitionName? ]?"),
  groups: fields("[ userGroup*=group ]?", { group: fields("name userRoles*~=roles", { roles: fields("[ userRole*~ ]?") }) }),
  /** phoneProfiles: whole profiles (only the uuid attribute is read) or names. */
  profiles: fields("(profile+=profile|profileName+)", { profile: PHONE }),
};
/** XUser's pin: (\d{5,127})* — five digits or more (or none). */
const XUSER_PIN = el("pin", { type: { pattern: /^(\d{5,127})*$/, typeName: "#AnonType_pinXUser" } });
/**
 * updateUser's pin: Cisco's 7.0 schema gives the pattern '^\d+$'. In XML Schema regular
 * expressions ^ and $ are ordinary characters, so only a value written between a literal ^ and $
 * passes schema validation (xmllint agrees): a PIN cannot really be changed by updateUser.
 */
const UPDATE_USER_PIN = el("pin", { type: { pattern: /^\^\d+\$$/, typeName: "#AnonType_pinUpdateUserReq" } });

const USER = seq(
  fields("firstname? lastname userid password?"),
  opt(XUSER_PIN),
  fields(
    `telephoneNumber? extension? department? manager? userLocale? associatedDevices?=devices primaryExtension?=primary
     associatedPC? associatedGroups?=groups enableCTI?:b digestCredentials?~ iaqExtension? phoneProfiles?=profiles
     enableMobility?:b enableMobileVoiceAccess?:b maxDeskPickupWaitTime?:i remoteDestinationLimit?:i primaryDevice?`,
    USER_MEMBERS,
  ),
);
const UPDATE_USER = seq(
  fields("userid firstname? lastname? password?"),
  opt(UPDATE_USER_PIN),
  fields(
    `telephoneNumber? extension? department? manager? userLocale? associatedDevices?=devices primaryExtension?=primary
     associatedPC? authenticationProxyRights?:b enableCTI?:b digestCredentials?~ enableCTISuperProvider?:b
     allowCallParkRetrieval?:b callingNumberModAllowed?:b iaqExtension? phoneProfiles?=profiles enableMobility?:b
     enableMobileVoiceAccess?:b maxDeskPickupWaitTime?:i remoteDestinationLimit?:i primaryDevice?`,
    { ...USER_MEMBERS, primary: fields("pattern routePartitionName?") },
  ),
);

// --- Meet-Me number -------------------------------------------------------------------------------

const SECURITY_LEVEL = el("minimumSecurityLevel", { type: SECURITY_LEVELS });
/** XNPMeetMe: XNumPlan's optional group (pattern ... usage, partition by name), then minimumSecurityLevel. */
const MEET_ME = seq(opt(fields("pattern description? usage routePartitionName?")), SECURITY_LEVEL);
const NUMPLAN_KEY = choice(el("uuid", { type: "uuid" }), fields("pattern routePartitionName"));
const UPDATE_MEET_ME = seq(NUMPLAN_KEY, fields("newPattern? description?~ newRoutePartitionName?~"), opt(SECURITY_LEVEL));

// --- device profile (XPhoneProfile = XIPPhone) ----------------------------------------------------

const PROFILE_KEY = fields("(profileId:u|profileName)");
const UPDATE_PROFILE = fields(
  `(name|uuid:u) newName? description? networkHoldMOHAudioSourceId? userHoldMOHAudioSourceId? mlppDomainId?:i
   mlppIndicationStatus? preemption? subscribeCallingSearchSpaceName?~ allowCtiControlFlag?~:b PresenceGroupName?
   lines?=lines phoneTemplateName? ringSettingIdleBLFAudibleAlert? ringSettingBusyBLFAudibleAlert? userLocale?~
   services?=services softkeyTemplateName? loginUserId? singleButtonBarge? joinAcrossLines? callInfoPrivacyStatus?
   ignorePresentationIndicators?:b dndOption? dndRingSetting?~ dndStatus?:b`,
  { lines: UPDATE_LINES, services: SERVICES },
);

// --- SIP trunk security profile (XSIPTrunkSecurityProfile) -----------------------------------------

const TRANSPORTS = ["TCP", "UDP", "TLS", "TCP+UDP"] as const;
/** XSIPTrunkSecurityProfile's elements after the name (the update's too, after newName). */
const trunkSecuritySettings = (): Particle[] => [
  fields("description?"),
  opt(el("securityMode", { type: SECURITY_LEVELS, nillable: true })),
  opt(el("incomingTransport", { type: TRANSPORTS })),
  opt(el("outgoingTransport", { type: TRANSPORTS, nillable: true })),
  fields(`digestAuthentication?:b noncePolicyTime?:i x509SubjectName? incomingPort?:i applLevelAuthentication?:b
    acceptPresenceSubscription?:b acceptOutOfDialogRefer?:b acceptUnsolicitedNotification?:b allowReplaceHeader?:b
    transmitSecurityStatus?:b`),
];
const TRUNK_SECURITY_PROFILE = seq(fields("name"), ...trunkSecuritySettings());
const UPDATE_TRUNK_SECURITY_PROFILE = seq(fields("(name|uuid:u) newName?"), ...trunkSecuritySettings());

// --- user groups (7.0: end users join groups through updateUserGroup) -----------------------------

/** XUserGroupMember: a whole user (only its uuid attribute is read) or a userId. */
const MEMBER = fields("(user=user|userId)", { user: USER });
const MEMBER_LIST = fields("member*=member", { member: MEMBER });
const USER_GROUP_KEY = fields("(name|uuid:u)");
const UPDATE_USER_GROUP = seq(
  USER_GROUP_KEY,
  fields("newName?"),
  opt(choice(el("members", MEMBER_LIST, { nillable: true }), seq(opt(el("addMembers", MEMBER_LIST)), opt(el("removeMembers", MEMBER_LIST))))),
);

export const FAMILY_7: Family = {
  family: "7",
  line: {
    names: { add: "addLine", get: "getLine", update: "updateLine", remove: "removeLine", addWrapper: "newLine", getElement: "directoryNumber" },
    models: {
      object: DIRECTORY_NUMBER,
      get: seq(LINE_KEY),
      update: seq(LINE_KEY, UPDATE_LINE),
      remove: seq(LINE_KEY),
      response: elementOrder(DIRECTORY_NUMBER),
    },
  },
  phone: {
    names: { add: "addPhone", get: "getPhone", update: "updatePhone", remove: "removePhone", addWrapper: "newPhone", getElement: "device" },
    models: {
      object: PHONE,
      get: fields("(phoneId:u|phoneName)"),
      update: UPDATE_PHONE,
      remove: fields("(phoneId:u|phoneName)"),
      response: elementOrder(PHONE),
    },
  },
  appearance: {
    appearance: elementOrder(APPEARANCE),
    dirn: ["pattern", "usage", "routePartitionName"],
    service: elementOrder(SUBSCRIBED_SERVICE).filter((n) => n !== "telecasterService"),
    fkUuids: false,
    // "Only the uuid attribute is read by the AXL API" (axl.xsd, XLine's dirn).
    lineRefs: "uuid",
  },
  sipTrunk: {
    names: { add: "addSIPTrunk", get: "getSIPTrunk", update: "updateSIPTrunk", remove: "removeSIPTrunk", addWrapper: "trunk", getElement: "trunk" },
    models: { object: TRUNK, get: fields("(name|uuid:u)"), update: UPDATE_TRUNK, remove: fields("(name|uuid:u)"), response: elementOrder(TRUNK) },
  },
  appUser: {
    names: {
      add: "addAppUser",
      get: "getAppUser",
      update: "updateAppUser",
      remove: "removeAppUser",
      addWrapper: "newApplicationUser",
      getElement: "applicationUser",
    },
    models: {
      object: APP_USER,
      get: USERID,
      update: fields(`userid ${APP_USER_SETTINGS} associatedDevices?=devices associatedGroups?=groups`, MEMBERS),
      remove: USERID,
      response: elementOrder(APP_USER).filter((n) => n !== "password"),
    },
  },
  endUser: {
    names: { add: "addUser", get: "getUser", update: "updateUser", remove: "removeUser", addWrapper: "newUser", getElement: "user" },
    models: {
      object: USER,
      get: USERID,
      update: UPDATE_USER,
      remove: USERID,
      response: elementOrder(USER).filter((n) => n !== "password" && n !== "pin"),
    },
  },
  userOptions: { groupsWritable: false, fkUuids: false },
  meetMe: {
    names: { add: "addMeetMe", get: "getMeetMe", update: "updateMeetMe", remove: "removeMeetMe", addWrapper: "meetMe", getElement: "meetMe" },
    models: { object: MEET_ME, get: seq(NUMPLAN_KEY), update: UPDATE_MEET_ME, remove: seq(NUMPLAN_KEY), response: elementOrder(MEET_ME) },
  },
  deviceProfile: {
    names: {
      add: "addDeviceProfile",
      get: "getDeviceProfile",
      update: "updateDeviceProfile",
      remove: "removeDeviceProfile",
      addWrapper: "newProfile",
      getElement: "profile",
    },
    models: { object: PHONE, get: PROFILE_KEY, update: UPDATE_PROFILE, remove: PROFILE_KEY, response: elementOrder(PHONE) },
  },
  sipTrunkSecurityProfile: {
    names: {
      add: "addSIPTrunkSecurityProfile",
      get: "getSIPTrunkSecurityProfile",
      update: "updateSIPTrunkSecurityProfile",
      remove: "removeSIPTrunkSecurityProfile",
      addWrapper: "SIPTrunkSecurityProfile",
      getElement: "SIPTrunkSecurityProfile",
    },
    models: {
      object: TRUNK_SECURITY_PROFILE,
      get: fields("(name|uuid:u)"),
      update: UPDATE_TRUNK_SECURITY_PROFILE,
      remove: fields("(name|uuid:u)"),
      response: elementOrder(TRUNK_SECURITY_PROFILE),
    },
  },
  licenses: { get: USERID, update: fields("userid enableUPS?:b enableUPC?:b") },
  userGroup: { get: USER_GROUP_KEY, update: UPDATE_USER_GROUP },
};
