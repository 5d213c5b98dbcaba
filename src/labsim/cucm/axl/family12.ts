/**
 * AXL 12.5 / 14.0 / 15.0: operation names, wrapper elements and the content models (the part of
 * Cisco's AXLSoap.xsd the simulator handles, in schema order). Elements not listed here, such as
 * speed dials, busy lamp fields, call forwarding or confidential access, are rejected as
 * unexpected content.
 */
import { type ElementParticle, anyContent, choice, el, elementOrder, fields, many, opt, seq } from "../schema";
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

/** XInteger: an integer or the empty string. */
const xInteger = (name: string): ElementParticle => el(name, { type: { pattern: /^(\s*[+-]?\d+\s*)?$/, typeName: "XInteger" } });

/** XSubscribedService (12.x: the service by name only). */
const SUBSCRIBED_SERVICE = seq(
  opt(
    seq(
      fields("telecasterServiceName name url?~"),
      opt(xInteger("urlButtonIndex")),
      fields("urlLabel? serviceNameAscii?"),
    ),
  ),
);
const SERVICES = fields("[ service*=service ]?", { service: SUBSCRIBED_SERVICE });
/** RSubscribedService's element order (get responses). */
const SERVICE_RESPONSE = [
  "telecasterServiceName", "name", "url", "urlButtonIndex", "urlLabel", "serviceNameAscii", "phoneService", "phoneServiceCategory",
  "vendor", "version", "priority",
];
const LINES = choice(many(el("line", APPEARANCE)), many(el("lineIdentifier", LINE_IDENTIFIER)));

/** XPhone elements from devicePoolName on (the update request shares them, made optional). */
const PHONE_SETTINGS_HEAD = `mediaResourceListName?~ networkHoldMohAudioSourceId?~ userHoldMohAudioSourceId?~
  automatedAlternateRoutingCssName?~ aarNeighborhoodName?~ loadInformation?~ versionStamp?~ traceFlag?:b mlppDomainId?~
  mlppIndicationStatus? preemption?`;
const PHONE_SETTINGS_TAIL = `ringSettingIdleBlfAudibleAlert? ringSettingBusyBlfAudibleAlert? userLocale?~
  networkLocale?~ idleTimeout?~:i authenticationUrl? directoryUrl? idleUrl? informationUrl? messagesUrl? proxyServerUrl?
  servicesUrl? services?=services softkeyTemplateName?~ defaultProfileName?~ enableExtensionMobility?:b singleButtonBarge? joinAcrossLines?`;
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
  { lines: LINES, services: SERVICES },
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
    { services: SERVICES },
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

// --- end user -------------------------------------------------------------------------------------

const USER_MEMBERS = {
  devices: fields("[ device* ]?"),
  primary: fields("[ pattern routePartitionName? ]?"),
  groups: fields("[ userGroup*=group ]?", { group: fields("[ name userRoles?=roles ]?", { roles: fields("[ userRole* ]?") }) }),
  profiles: fields("[ profileName+ ]?"),
};
const USER_HEAD = `firstName? displayName? middleName?`;
const USER_CONTACT = `mailid? department? manager? userLocale?~ associatedDevices?=devices primaryExtension?=primary associatedPc?
  associatedGroups?=groups enableCti?:b digestCredentials?~ phoneProfiles?=profiles defaultProfile?`;
const USER_MOBILITY = `subscribeCallingSearchSpaceName?~ enableMobility?:b enableMobileVoiceAccess?:b maxDeskPickupWaitTime?
  remoteDestinationLimit?`;
const USER_TAIL = `enableEmcc?:b ctiControlledDeviceProfiles?=profiles patternPrecedence? numericUserId? mlppPassword?~
  homeCluster?:b imAndPresenceEnable?:b serviceProfile?~ directoryUri?~ telephoneNumber? title? mobileNumber? homeNumber?
  pagerNumber?`;
const USER_LAST = `selfService?~ userProfile?~ calendarPresence?:b ldapDirectoryName?~ userIdentity? nameDialing? ipccExtension?~
  ipccRoutePartition?~ convertUserAccount?~ enableUserToHostConferenceNow?:b attendeesAccessCode? zeroHop?:b customerName?~`;
/** XUser (presenceGroupName is required). Credentials, custom fields, extensions and headsets are not handled. */
const USER = fields(
  `[ ${USER_HEAD} lastName emMaxLoginTime?~ userid password? pin? ${USER_CONTACT} presenceGroupName ${USER_MOBILITY} ${USER_TAIL}
     ${USER_LAST} ]?`,
  USER_MEMBERS,
);
const UPDATE_USER = fields(
  `(uuid:u|userid) ${USER_HEAD} lastName? emMaxLoginTime?~ newUserid? password? pin? ${USER_CONTACT} presenceGroupName?
   ${USER_MOBILITY} ${USER_TAIL} ${USER_LAST}`,
  USER_MEMBERS,
);

// --- Meet-Me number -------------------------------------------------------------------------------

/**
 * 12.x's enumerations (XDeviceSecurityMode, XPhoneServiceCategory, XPhoneService) are unions with
 * xsd:string: any text passes the schema, and CUCM itself refuses an unknown value (the model does).
 */
const SECURITY_LEVEL = el("minimumSecurityLevel", { nillable: true });
const MEET_ME = seq(opt(seq(fields("pattern description? routePartitionName?~"), SECURITY_LEVEL)));
const MEET_ME_KEY = choice(el("uuid", { type: "uuid" }), fields("pattern routePartitionName?~"));

// --- SIP trunk security profile (XSipTrunkSecurityProfile) -----------------------------------------

/** After the name (the update's: after newName); the enumerations are unions with xsd:string (the model checks them). */
const TRUNK_SECURITY_SETTINGS = `description?~ securityMode?~ incomingTransport? outgoingTransport?~ digestAuthentication?:b
  noncePolicyTime?:i x509SubjectName? incomingPort?:i applLevelAuthentication?:b acceptPresenceSubscription?:b
  acceptOutOfDialogRefer?:b acceptUnsolicitedNotification?:b allowReplaceHeader?:b transmitSecurityStatus?:b`;
/** XSipTrunkSecurityProfile: sipV150OutboundSdpOfferFiltering is required on add. */
const TRUNK_SECURITY_PROFILE = fields(`[ name ${TRUNK_SECURITY_SETTINGS} sipV150OutboundSdpOfferFiltering allowChargingHeader?:b ]?`);
const UPDATE_TRUNK_SECURITY_PROFILE = fields(`(name|uuid:u) newName? ${TRUNK_SECURITY_SETTINGS} sipV150OutboundSdpOfferFiltering? allowChargingHeader?:b`);

// --- application dial rules -----------------------------------------------------------------------

const DIAL_RULE = seq(
  opt(
    seq(
      fields("name description? numberBeginWith?"),
      xInteger("numberOfDigits"),
      xInteger("digitsToBeRemoved"),
      fields("prefixPattern?"),
      xInteger("priority"),
    ),
  ),
);
const UPDATE_DIAL_RULE = seq(
  NAME_OR_UUID,
  fields("newName? description? numberBeginWith?"),
  opt(xInteger("numberOfDigits")),
  opt(xInteger("digitsToBeRemoved")),
  fields("prefixPattern?"),
  opt(xInteger("priority")),
);

// --- IP phone services ----------------------------------------------------------------------------

const SERVICE_CATEGORY = el("serviceCategory");
const SERVICE_TYPE = el("serviceType");
/** XIpPhoneServices (service parameters are not handled). */
const IP_PHONE_SERVICE = seq(
  opt(
    seq(
      fields("serviceName asciiServiceName serviceDescription?~ serviceUrl~ secureServiceUrl?~"),
      SERVICE_CATEGORY,
      SERVICE_TYPE,
      fields("serviceVendor? serviceVersion? enabled?:b enterpriseSubscription?:b"),
    ),
  ),
);
const UPDATE_IP_PHONE_SERVICE = seq(
  fields("(uuid:u|serviceName) newServiceName? asciiServiceName? serviceDescription?~ serviceUrl?~ secureServiceUrl?~"),
  opt(SERVICE_CATEGORY),
  opt(SERVICE_TYPE),
  fields("serviceVendor? serviceVersion? enabled?:b"),
);
const SERVICE_KEY = fields("(serviceName|uuid:u)");

// --- device profile -------------------------------------------------------------------------------

const PROFILE_SETTINGS = `userLocale?~ singleButtonBarge? joinAcrossLines? loginUserId?~ ignorePresentationIndicators?:b dndOption?
  dndRingSetting?~ dndStatus?:b emccCallingSearchSpace?~ alwaysUsePrimeLine? alwaysUsePrimeLineForVoiceMessage?
  softkeyTemplateName?~ callInfoPrivacyStatus? services?=services featureControlPolicy?~`;
/** XDeviceProfile (speed dials, BLFs, add-on modules and vendor configuration are not handled). */
const PROFILE = fields(
  `[ name description? product class protocol protocolSide userHoldMohAudioSourceId?~ traceFlag?:b mlppDomainId?~
     mlppIndicationStatus? preemption? lines?=lines phoneTemplateName ${PROFILE_SETTINGS} ]?`,
  { lines: LINES, services: SERVICES },
);
const UPDATE_PROFILE = fields(
  `(name|uuid:u) newName? description? userHoldMohAudioSourceId?~ mlppDomainId?~ mlppIndicationStatus? preemption?
   lines?=lines phoneTemplateName? ${PROFILE_SETTINGS}`,
  { lines: LINES, services: SERVICES },
);
/** RDeviceProfile's element order. */
const PROFILE_RESPONSE = [
  "name", "description", "product", "model", "class", "protocol", "protocolSide", "type", "userHoldMohAudioSourceId", "traceFlag",
  "mlppDomainId", "mlppIndicationStatus", "preemption", "lines", "numberOfButtons", "phoneTemplateName", "userLocale",
  "defaultProfileName", "singleButtonBarge", "joinAcrossLines", "loginUserId", "ignorePresentationIndicators", "dndOption",
  "dndRingSetting", "dndStatus", "emccCallingSearchSpace", "alwaysUsePrimeLine", "alwaysUsePrimeLineForVoiceMessage",
  "softkeyTemplateName", "callInfoPrivacyStatus", "services", "featureControlPolicy",
];

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
  appearance: { appearance: elementOrder(APPEARANCE), dirn: elementOrder(DIRN), service: SERVICE_RESPONSE, fkUuids: true, lineRefs: "pattern" },
  sipTrunk: {
    names: { add: "addSipTrunk", get: "getSipTrunk", update: "updateSipTrunk", remove: "removeSipTrunk", addWrapper: "sipTrunk", getElement: "sipTrunk" },
    list: { name: "listSipTrunk", criteria: ["name", "description", "callingSearchSpaceName", "devicePoolName"] },
    models: { object: TRUNK, get: seq(NAME_OR_UUID, RETURNED_TAGS), update: UPDATE_TRUNK, remove: NAME_OR_UUID, response: elementOrder(TRUNK) },
  },
  sipTrunkSecurityProfile: {
    names: {
      add: "addSipTrunkSecurityProfile",
      get: "getSipTrunkSecurityProfile",
      update: "updateSipTrunkSecurityProfile",
      remove: "removeSipTrunkSecurityProfile",
      addWrapper: "sipTrunkSecurityProfile",
      getElement: "sipTrunkSecurityProfile",
    },
    list: { name: "listSipTrunkSecurityProfile", criteria: ["name", "description"] },
    models: {
      object: TRUNK_SECURITY_PROFILE,
      get: seq(NAME_OR_UUID, RETURNED_TAGS),
      update: UPDATE_TRUNK_SECURITY_PROFILE,
      remove: NAME_OR_UUID,
      response: elementOrder(TRUNK_SECURITY_PROFILE),
    },
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
  endUser: {
    names: { add: "addUser", get: "getUser", update: "updateUser", remove: "removeUser", addWrapper: "user", getElement: "user" },
    models: {
      object: USER,
      get: seq(fields("(userid|uuid:u)"), RETURNED_TAGS),
      update: UPDATE_USER,
      remove: fields("(userid|uuid:u)"),
      response: elementOrder(USER).filter((n) => n !== "password" && n !== "pin"),
    },
  },
  userOptions: { groupsWritable: true, fkUuids: true },
  meetMe: {
    names: { add: "addMeetMe", get: "getMeetMe", update: "updateMeetMe", remove: "removeMeetMe", addWrapper: "meetMe", getElement: "meetMe" },
    models: {
      object: MEET_ME,
      get: seq(MEET_ME_KEY, RETURNED_TAGS),
      update: seq(MEET_ME_KEY, fields("newPattern? description? newRoutePartitionName?~"), opt({ ...SECURITY_LEVEL })),
      remove: seq(MEET_ME_KEY),
      response: ["pattern", "description", "usage", "routePartitionName", "minimumSecurityLevel"],
    },
  },
  deviceProfile: {
    names: {
      add: "addDeviceProfile",
      get: "getDeviceProfile",
      update: "updateDeviceProfile",
      remove: "removeDeviceProfile",
      addWrapper: "deviceProfile",
      getElement: "deviceProfile",
    },
    models: { object: PROFILE, get: seq(NAME_OR_UUID, RETURNED_TAGS), update: UPDATE_PROFILE, remove: NAME_OR_UUID, response: PROFILE_RESPONSE },
  },
  dialRule: {
    names: {
      add: "addApplicationDialRules",
      get: "getApplicationDialRules",
      update: "updateApplicationDialRules",
      remove: "removeApplicationDialRules",
      addWrapper: "applicationDialRules",
      getElement: "applicationDialRules",
    },
    models: { object: DIAL_RULE, get: seq(NAME_OR_UUID, RETURNED_TAGS), update: UPDATE_DIAL_RULE, remove: NAME_OR_UUID, response: elementOrder(DIAL_RULE) },
  },
  ipPhoneService: {
    names: {
      add: "addIpPhoneServices",
      get: "getIpPhoneServices",
      update: "updateIpPhoneServices",
      remove: "removeIpPhoneServices",
      addWrapper: "ipPhoneServices",
      getElement: "ipPhoneServices",
    },
    models: {
      object: IP_PHONE_SERVICE,
      get: seq(SERVICE_KEY, RETURNED_TAGS),
      update: UPDATE_IP_PHONE_SERVICE,
      remove: SERVICE_KEY,
      response: [...elementOrder(IP_PHONE_SERVICE), "enterpriseSubscription", "parameters"].filter((n, i, a) => a.indexOf(n) === i),
    },
  },
};
