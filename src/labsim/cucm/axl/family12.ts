/**
 * AXL 12.5 / 14.0 / 15.0: operation names, wrapper elements and the content models (the part of
 * Cisco's AXLSoap.xsd the simulator handles, in schema order). Elements not listed here, such as
 * speed dials, busy lamp fields, call forwarding or confidential access, are rejected as
 * unexpected content.
 */
import { anyContent, choice, el, elementOrder, fields, many, opt, seq } from "../schema";
import { insertAfter } from "./io";
import type { Family } from "./operations";

const RETURNED_TAGS = opt(anyContent("returnedTags"));
const NAME_OR_UUID = fields("(name|uuid:u)");

// --- phone ----------------------------------------------------------------------------------------

const DIRN = fields("pattern routePartitionName~");
const CALL_INFO = fields("callerName?:b callerNumber?:b redirectedNumber?:b dialedNumber?:b");
const APPEARANCE = fields(
  `index:i label? display? dirn=dirn ringSetting? consecutiveRingSetting?~ ringSettingIdlePickupAlert?~
   ringSettingActivePickupAlert?~ displayAscii? e164Mask?~ mwlPolicy? maxNumCalls?:i busyTrigger?:i
   callInfoDisplay?=callInfo recordingProfileName?~ monitoringCssName?~ recordingFlag? audibleMwi? speedDial?~
   partitionUsage? missedCallLogging?:b recordingMediaSource?`,
  { dirn: DIRN, callInfo: CALL_INFO },
);
const LINE_IDENTIFIER = fields("directoryNumber routePartitionName~");
const LINES = choice(many(el("line", APPEARANCE)), many(el("lineIdentifier", LINE_IDENTIFIER)));

/** XPhone elements from devicePoolName on (the update request shares them, made optional). */
const PHONE_SETTINGS_HEAD = `mediaResourceListName?~ networkHoldMohAudioSourceId?~ userHoldMohAudioSourceId?~
  automatedAlternateRoutingCssName?~ aarNeighborhoodName?~ loadInformation?~ versionStamp?~ traceFlag?:b mlppDomainId?~
  mlppIndicationStatus? preemption?`;
const PHONE_SETTINGS_TAIL = `ringSettingIdleBlfAudibleAlert? ringSettingBusyBlfAudibleAlert? userLocale?~
  networkLocale?~ idleTimeout?~:i authenticationUrl? directoryUrl? idleUrl? informationUrl? messagesUrl? proxyServerUrl?
  servicesUrl? softkeyTemplateName?~ defaultProfileName?~ enableExtensionMobility?:b singleButtonBarge? joinAcrossLines?`;
const PHONE_SETTINGS_END = `callInfoPrivacyStatus? hlogStatus? ownerUserName?~ ignorePresentationIndicators?:b`;
const PHONE_SETTINGS_LAST = `subscribeCallingSearchSpaceName?~ rerouteCallingSearchSpaceName?~ allowCtiControlFlag?:b
  presenceGroupName? unattendedPort?:b requireDtmfReception?:b rfc2833Disabled?:b`;
const PHONE_SETTINGS_SECURITY = `authenticationMode? keySize? keyOrder? ecKeySize? authenticationString? upgradeFinishTime?`;
const PHONE_SETTINGS_MISC = `remoteDevice?:b dndOption? dndRingSetting?~ dndStatus?:b isActive?:b isDualMode?:b
  mobilityUserIdName?~ phoneSuite? phoneServiceDisplay? isProtected?:b mtpRequired?:b mtpPreferedCodec? dialRulesName?~
  sshUserId? sshPwd? digestUser? outboundCallRollover? hotlineDevice?:b secureInformationUrl? secureDirectoryUrl?
  secureMessageUrl? secureServicesUrl? secureAuthenticationUrl? secureIdleUrl? alwaysUsePrimeLine?
  alwaysUsePrimeLineForVoiceMessage? featureControlPolicy?~ deviceTrustMode? earlyOfferSupportForVoiceCall?:b
  requireThirdPartyRegistration?:b blockIncomingCallsWhenRoaming?:b homeNetworkId? AllowPresentationSharingUsingBfcp?:b`;
const PHONE_SETTINGS_FINAL = `requireOffPremiseLocation?:b allowiXApplicableMedia?:b cgpnIngressDN?~
  useDevicePoolCgpnIngressDN?:b msisdn?~ enableCallRoutingToRdWhenNoneIsActive?:b wifiHotspotProfile?~
  wirelessLanProfileGroup?~ elinGroup?~ enableActivationID?:b mraServiceDomain?~ allowMraMode?:b`;

const PHONE = fields(
  `name description? product class protocol protocolSide callingSearchSpaceName?~ devicePoolName~
   commonDeviceConfigName?~ commonPhoneConfigName networkLocation? locationName ${PHONE_SETTINGS_HEAD}
   useTrustedRelayPoint retryVideoCallAsAudio?:b securityProfileName?~ sipProfileName?~ cgpnTransformationCssName?~
   useDevicePoolCgpnTransformCss?:b geoLocationName?~ geoLocationFilterName?~ sendGeoLocation?:b lines?=lines
   phoneTemplateName~ primaryPhoneName~ ${PHONE_SETTINGS_TAIL} builtInBridgeStatus ${PHONE_SETTINGS_END}
   packetCaptureMode packetCaptureDuration?~:i ${PHONE_SETTINGS_LAST} certificateOperation ${PHONE_SETTINGS_SECURITY}
   deviceMobilityMode ${PHONE_SETTINGS_MISC} ${PHONE_SETTINGS_FINAL}`,
  { lines: LINES },
);

const UPDATE_PHONE = seq(
  fields(
    `(name|uuid:u) newName? description? callingSearchSpaceName?~ devicePoolName?~ commonDeviceConfigName?~
     commonPhoneConfigName? networkLocation? locationName? ${PHONE_SETTINGS_HEAD} useTrustedRelayPoint?
     retryVideoCallAsAudio?:b securityProfileName?~ sipProfileName?~ cgpnTransformationCssName?~
     useDevicePoolCgpnTransformCss?:b geoLocationName?~ geoLocationFilterName?~ sendGeoLocation?:b`,
  ),
  opt(choice(seq(opt(el("removeLines", LINES)), opt(el("addLines", LINES))), opt(el("lines", LINES)))),
  fields(
    `phoneTemplateName?~ primaryPhoneName?~ ${PHONE_SETTINGS_TAIL} builtInBridgeStatus? ${PHONE_SETTINGS_END}
     packetCaptureMode? packetCaptureDuration?~:i ${PHONE_SETTINGS_LAST} certificateOperation? ${PHONE_SETTINGS_SECURITY}
     deviceMobilityMode? ${PHONE_SETTINGS_MISC.replace("isDualMode?:b", "")} ${PHONE_SETTINGS_FINAL}`,
  ),
);

// --- line (directory number) ----------------------------------------------------------------------

const LINE_SETTINGS = `aarNeighborhoodName?~ aarDestinationMask?~ aarKeepCallHistory?:b aarVoiceMailEnabled?:b
  callPickupGroupName? autoAnswer? networkHoldMohAudioSourceId?~ userHoldMohAudioSourceId?~
  callingIdPresentationWhenDiverted? alertingName? asciiAlertingName? presenceGroupName? shareLineAppearanceCssName?~
  voiceMailProfileName?~ patternPrecedence? releaseClause? hrDuration?~:i hrInterval?~:i cfaCssPolicy?
  defaultActivatedDeviceName?~ parkMonForwardNoRetrieveDn?~ parkMonForwardNoRetrieveIntDn?~
  parkMonForwardNoRetrieveVmEnabled?:b parkMonForwardNoRetrieveIntVmEnabled?:b parkMonForwardNoRetrieveCssName?~
  parkMonForwardNoRetrieveIntCssName?~ parkMonReversionTimer?~:i partyEntranceTone? allowCtiControlFlag?:b
  rejectAnonymousCall?:b patternUrgency?:b externalCallControlProfile?~ pstnFailover? callControlAgentProfile?
  useEnterpriseAltNum?:b useE164AltNum?:b active?:b`;
const LINE = fields(`pattern description? usage routePartitionName?~ ${LINE_SETTINGS}`);
const LINE_KEY = choice(el("uuid", { type: "uuid" }), fields("pattern routePartitionName?~"));

// --- SIP trunk ------------------------------------------------------------------------------------

const DESTINATIONS = fields("destination*=destination", { destination: fields("addressIpv4? addressIpv6? port?:i sortOrder:i") });
const TRUNK_SETTINGS_HEAD = `mediaResourceListName?~ networkHoldMohAudioSourceId?~ userHoldMohAudioSourceId?~
  automatedAlternateRoutingCssName?~ aarNeighborhoodName?~ packetCaptureMode? packetCaptureDuration?~:i`;
const TRUNK_SETTINGS_MID = `mlppDomainId?~ mlppIndicationStatus? preemption? useTrustedRelayPoint? retryVideoCallAsAudio?:b`;
const TRUNK_SETTINGS_SIP = `cgpnTransformationCssName?~ useDevicePoolCgpnTransformCss?:b geoLocationName?~
  geoLocationFilterName?~ sendGeoLocation?:b cdpnTransformationCssName?~ useDevicePoolCdpnTransformCss?:b
  unattendedPort?:b transmitUtf8?:b subscribeCallingSearchSpaceName?~ rerouteCallingSearchSpaceName?~
  referCallingSearchSpaceName?~ mtpRequired?:b`;
const TRUNK_SETTINGS_TAIL = `unknownPrefix? destAddrIsSrv?:b tkSipCodec? sigDigits?~ connectedNamePresentation?
  connectedPartyIdPresentation? callingPartySelection? callingname? callingLineIdPresentation? prefixDn?~
  acceptInboundRdnis?:b acceptOutboundRdnis?:b srtpAllowed?:b srtpFallbackAllowed?:b isPaiEnabled?:b sipPrivacy?
  isRpidEnabled?:b sipAssertedType? trustReceivedIdentity?~ dtmfSignalingMethod? routeClassSignalling? sipTrunkType?
  pstnAccess?:b imeE164TransformationName?~ useImePublicIpPort?:b useDevicePoolCntdPnTransformationCss?:b
  cntdPnTransformationCssName?~ useDevicePoolCgpnTransformCssUnkn?:b rdnTransformationCssName?~
  useDevicePoolRdnTransformCss?:b useOrigCallingPartyPresOnDivert?:b sipNormalizationScriptName?~ runOnEveryNode?:b
  destinations?=destinations unknownStripDigits?~:i cgpnTransformationUnknownCssName?~ tunneledProtocol?
  asn1RoseOidEncoding? qsigVariant? pathReplacementSupport?:b enableQsigUtf8?:b scriptParameters? scriptTraceEnabled?:b
  trunkTrafficSecure?`;
const TRUNK_SETTINGS_END = `useCallerIdCallerNameinUriOutgoingRequest?:b service? parameterLabel?
  originatingParameterValue? terminatingParameterValue? outboundUriRoutingInstructions? requestUriDomainName?
  enableCiscoRecordingQsigTunneling?:b recordingInformation? calledPartyUnknownTransformationCssName?~
  calledPartyUnknownPrefix? calledPartyUnknownStripDigits?~:i useDevicePoolCalledCssUnkn?:b`;

const TRUNK = fields(
  `name description? product class protocol protocolSide callingSearchSpaceName?~ devicePoolName~
   commonDeviceConfigName?~ networkLocation? locationName ${TRUNK_SETTINGS_HEAD} loadInformation?~ traceFlag?:b
   ${TRUNK_SETTINGS_MID} securityProfileName~ sipProfileName~ ${TRUNK_SETTINGS_SIP} presenceGroupName
   ${TRUNK_SETTINGS_TAIL} callingAndCalledPartyInfoFormat ${TRUNK_SETTINGS_END}`,
  { destinations: DESTINATIONS },
);
const UPDATE_TRUNK = fields(
  `(name|uuid:u) newName? description? callingSearchSpaceName?~ devicePoolName?~ commonDeviceConfigName?~
   networkLocation? locationName? ${TRUNK_SETTINGS_HEAD} ${TRUNK_SETTINGS_MID} securityProfileName?~ sipProfileName?~
   ${TRUNK_SETTINGS_SIP} presenceGroupName? ${TRUNK_SETTINGS_TAIL} callingAndCalledPartyInfoFormat?
   ${TRUNK_SETTINGS_END}`,
  { destinations: DESTINATIONS },
);

// --- application user -----------------------------------------------------------------------------

const MEMBERS = {
  devices: fields("device*"),
  groups: fields("userGroup*=group", { group: fields("name userRoles?=roles", { roles: fields("userRole*") }) }),
};
const APP_USER_SETTINGS = `digestCredentials? presenceGroupName? acceptPresenceSubscription?:b acceptOutOfDialogRefer?:b
  acceptUnsolicitedNotification?:b allowReplaceHeader?:b associatedDevices?=devices associatedGroups?=groups`;

export const FAMILY_12: Family = {
  family: "12",
  line: {
    names: { add: "addLine", get: "getLine", update: "updateLine", remove: "removeLine", addWrapper: "line", getElement: "line" },
    list: { name: "listLine", criteria: ["pattern", "description", "usage", "routePartitionName"] },
    models: {
      object: LINE,
      get: seq(LINE_KEY, RETURNED_TAGS),
      update: seq(LINE_KEY, fields(`newPattern? description? newRoutePartitionName?~ ${LINE_SETTINGS}`)),
      remove: seq(LINE_KEY),
      response: elementOrder(LINE),
    },
  },
  phone: {
    names: { add: "addPhone", get: "getPhone", update: "updatePhone", remove: "removePhone", addWrapper: "phone", getElement: "phone" },
    list: { name: "listPhone", criteria: ["name", "description", "protocol", "callingSearchSpaceName", "devicePoolName", "securityProfileName"] },
    models: {
      object: PHONE,
      get: seq(NAME_OR_UUID, RETURNED_TAGS),
      update: UPDATE_PHONE,
      remove: NAME_OR_UUID,
      response: insertAfter(elementOrder(PHONE), "product", "model"),
    },
  },
  appearance: { appearance: elementOrder(APPEARANCE), dirn: elementOrder(DIRN) },
  sipTrunk: {
    names: { add: "addSipTrunk", get: "getSipTrunk", update: "updateSipTrunk", remove: "removeSipTrunk", addWrapper: "sipTrunk", getElement: "sipTrunk" },
    list: { name: "listSipTrunk", criteria: ["name", "description", "callingSearchSpaceName", "devicePoolName"] },
    models: { object: TRUNK, get: seq(NAME_OR_UUID, RETURNED_TAGS), update: UPDATE_TRUNK, remove: NAME_OR_UUID, response: elementOrder(TRUNK) },
  },
  appUser: {
    names: { add: "addAppUser", get: "getAppUser", update: "updateAppUser", remove: "removeAppUser", addWrapper: "appUser", getElement: "appUser" },
    list: { name: "listAppUser", criteria: ["userid"] },
    models: {
      object: fields(`userid password? ${APP_USER_SETTINGS}`, MEMBERS),
      get: seq(fields("(userid|uuid:u)"), RETURNED_TAGS),
      update: fields(`(uuid:u|userid) newUserid? password? ${APP_USER_SETTINGS}`, MEMBERS),
      remove: fields("(userid|uuid:u)"),
      response: elementOrder(fields(`userid ${APP_USER_SETTINGS}`, MEMBERS)),
    },
  },
};
