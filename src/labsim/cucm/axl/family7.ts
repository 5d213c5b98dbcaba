/**
 * AXL 7.0: operation names, wrapper elements and content models (the part of Cisco's 7.0
 * axlsoap.xsd / axl.xsd the simulator handles, in schema order). Where 7.0 offers a choice between
 * a referenced object, its uuid (xxxId) and its name (xxxName), the simulator takes the name only.
 * Nested optional groups ([ ... ]?) mirror the schema: once an element of such a group is present,
 * the group's required elements are required too (e.g. presenceGroupName on a phone).
 */
import { choice, el, elementOrder, fields, many, opt, seq } from "../schema";
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
const LINES = choice(many(el("line", APPEARANCE)), many(el("lineIdentifier", fields("directoryNumber routePartitionName"))));

const PHONE_DEVICE_SETTINGS = `mediaResourceListName? networkHoldMOHAudioSourceId? userHoldMOHAudioSourceId?
  automatedAlternateRoutingCSSName? aarNeighborhoodName? loadInformation?`;
const PHONE_URLS = `idleTimeout?~:i authenticationURL?~ directoryURL?~ idleURL?~ informationURL?~ messagesURL?~
  proxyServerURL?~ servicesURL?~`;
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
  { lines: LINES },
);

const UPDATE_PHONE = fields(
  `(name|uuid:u) newName? description? callingSearchSpaceName? devicePoolName? commonDeviceConfigName?~
   commonPhoneConfigName? locationName? ${PHONE_DEVICE_SETTINGS} traceFlag?:b mlppDomainId?:i mlppIndicationStatus?
   preemption? useTrustedRelayPoint? retryVideoCallAsAudio?:b associatedPC? lines?=lines phoneTemplateName?
   primaryPhoneName? ringSettingIdleBLFAudibleAlert? ringSettingBusyBLFAudibleAlert? userLocale?~ networkLocale?~
   cgpnTransformationCSSName?~ useDevicePoolCgpnTransformCSS?:b securityProfileName? sipProfileName? idleTimeout?:i
   authenticationURL? directoryURL? idleURL? informationURL? messagesURL? proxyServerURL? servicesURL?
   softkeyTemplateName? [ defaultProfileName? enableExtensionMobility:b ]? ${PHONE_FEATURES}
   packetCaptureDuration?~:i subscribeCallingSearchSpaceName?~ rerouteCallingSearchSpaceName?~ allowCtiControlFlag?~:b
   presenceGroupName? ${PHONE_TAIL} upgradeFinishTime?~ ${PHONE_END} ${PHONE_MISC} ${PHONE_LAST}`,
  { lines: LINES },
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
  appearance: { appearance: elementOrder(APPEARANCE), dirn: ["pattern", "usage", "routePartitionName"] },
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
};
