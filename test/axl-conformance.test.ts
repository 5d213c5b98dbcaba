/**
 * AXL conformance. For each release, every request the release adapter can emit is serialized
 * exactly as node-soap puts it on the wire (through rcclab's WSDL subsets, wsdl.ts) and validated
 * against Cisco's published AXL schema for that release, with one xmllint call per release. The
 * sample get responses that parse() is tested with are validated in the same call, so the shapes
 * parse() reads are the schema's.
 *
 * Validation is test/support/axl-schema.ts (xmllint; schema in $AXL_SCHEMA_DIR, or shared/axl-schema
 * beside the repository). Missing schema or xmllint fails the test; it never skips.
 *
 * 15.0: Cisco's 15.0 schema has 14.0's element names under the .../API/15.0 namespace and is not in
 * shared/. 15.0 requests are serialized with the 15.0 WSDL (their namespace is checked here); the
 * helper rewrites the namespace to .../API/14.0 and validates them against the 14.0 schema.
 *
 * Directory numbers on phone lines are covered with and without their uuid (DnRef.uuid): 7.0 reads
 * only the uuid attribute of a line's dirn, and 12.5/14.0's XDirn declares it too.
 */
import { spawnSync } from "node:child_process";
import type { WSDL } from "soap";
import { beforeAll, describe, expect, it } from "vitest";
import { adapterFor } from "../providers/cucm/axl/adapters";
import {
  AXL_RELEASES,
  type AppUserSpec,
  type AxlRelease,
  type AxlRequest,
  type Got,
  type LineSpec,
  type PhoneSpec,
  type ReleaseAdapter,
  type SipTrunkSpec,
  axlNamespace,
} from "../providers/cucm/axl/model";
import { envelope, loadWsdl, serializeRequest } from "../providers/cucm/axl/wsdl";
import { type AxlDocument, requireAxlValidation, validateAxlRequests } from "./support/axl-schema";

// ---------------------------------------------------------------------------------------------
// Realistic specs (the RCC lab: CUCM 7975/7971 phones controlled by CUP over a SIP trunk)

const LINE_PT: LineSpec = {
  pattern: "1001",
  routePartitionName: "Internal_PT",
  description: "Alice Example",
  alertingName: "Alice Example",
  asciiAlertingName: "Alice Example",
};
const LINE_NO_PT: LineSpec = { pattern: "1002" };

const SCCP_7975: PhoneSpec = {
  name: "SEP001122334455",
  description: "Alice RCC phone",
  product: "Cisco 7975",
  protocol: "SCCP",
  devicePoolName: "Default",
  locationName: "Hub_None",
  securityProfileName: "Cisco 7975 - Standard SCCP Non-Secure Profile",
  phoneTemplateName: "Standard 7975 SCCP",
  ownerUserName: "alice",
  enableExtensionMobility: true,
  lines: [
    {
      index: 1,
      dirn: { pattern: "1001", routePartitionName: "Internal_PT" },
      label: "Alice",
      display: "Alice Example",
      displayAscii: "Alice Example",
      e164Mask: "+1408555XXXX",
      maxNumCalls: 2,
      busyTrigger: 1,
    },
    { index: 2, dirn: { pattern: "1002" }, label: "Shared" },
  ],
};

/** The directory numbers' uuids, as CUCM spells them. */
const DN_UUID = { d1001: "{3E2D1C0B-9A8F-4E7D-8C6B-5A4F3E2D1C0B}", d1002: "{3E2D1C0B-9A8F-4E7D-8C6B-5A4F3E2D1C0C}", d1003: "{3E2D1C0B-9A8F-4E7D-8C6B-5A4F3E2D1C0D}" };

/** The same phone with its lines' directory numbers known by uuid (what the kinds send). */
const SCCP_7975_UUID: PhoneSpec = {
  ...SCCP_7975,
  lines: [
    { ...SCCP_7975.lines[0]!, dirn: { ...SCCP_7975.lines[0]!.dirn, uuid: DN_UUID.d1001 } },
    { ...SCCP_7975.lines[1]!, dirn: { ...SCCP_7975.lines[1]!.dirn, uuid: DN_UUID.d1002 } },
  ],
};

const SIP_7971: PhoneSpec = {
  name: "SEP00AABBCCDDEE",
  product: "Cisco 7971",
  protocol: "SIP",
  devicePoolName: "Default",
  locationName: "Hub_None",
  securityProfileName: "Cisco 7971 - Standard SIP Non-Secure Profile",
  phoneTemplateName: "Standard 7971 SIP",
  sipProfileName: "Standard SIP Profile",
  lines: [{ index: 1, dirn: { pattern: "1003", routePartitionName: "Internal_PT" } }],
};
const SIP_7971_UUID: PhoneSpec = { ...SIP_7971, lines: [{ ...SIP_7971.lines[0]!, dirn: { ...SIP_7971.lines[0]!.dirn, uuid: DN_UUID.d1003 } }] };

const TRUNK_CSS: SipTrunkSpec = {
  name: "CUP-SIP-Trunk",
  description: "SIP trunk to CUP",
  devicePoolName: "Default",
  locationName: "Hub_None",
  callingSearchSpaceName: "Internal_CSS",
  securityProfileName: "Non Secure SIP Trunk Profile",
  sipProfileName: "Standard SIP Profile",
  destinationAddress: "cup.lab.local",
  destinationPort: 5060,
};
const TRUNK_NO_CSS: SipTrunkSpec = {
  name: "CUP-SIP-Trunk-2",
  devicePoolName: "Default",
  locationName: "Hub_None",
  securityProfileName: "Non Secure SIP Trunk Profile",
  sipProfileName: "Standard SIP Profile",
  destinationAddress: "cup.lab.local",
  destinationPort: 5060,
};

const APP_USER: AppUserSpec = {
  userid: "cupappuser",
  password: "Rcc-Lab-2009",
  associatedDevices: ["SEP001122334455", "SEP00AABBCCDDEE"],
  userGroups: ["Standard CTI Enabled", "Standard CTI Allow Control of Phones supporting Connected Xfer and conf"],
};

const UUID = "{6F1C2A3B-4D5E-4F60-8A9B-0C1D2E3F4A5B}";
const got = <T extends object>(spec: T): Got<T> => ({ ...spec, uuid: UUID });

/** Desired states that each change one thing (or a few) of a current state. */
const LINE_UPDATES: [string, LineSpec, LineSpec][] = [
  ["description", LINE_PT, { ...LINE_PT, description: "Alice (RCC)" }],
  ["alertingName", LINE_PT, { ...LINE_PT, alertingName: "Alice E." }],
  ["asciiAlertingName", LINE_PT, { ...LINE_PT, asciiAlertingName: "Alice E." }],
  ["clear-all", LINE_PT, { pattern: "1001", routePartitionName: "Internal_PT" }],
  ["no-partition", LINE_NO_PT, { ...LINE_NO_PT, description: "Shared line" }],
];

const line1 = SCCP_7975.lines[0]!;
const PHONE_UPDATES: [string, PhoneSpec, PhoneSpec][] = [
  ["description", SCCP_7975, { ...SCCP_7975, description: "Alice" }],
  ["description-cleared", SCCP_7975, { ...SCCP_7975, description: undefined }],
  ["devicePool", SCCP_7975, { ...SCCP_7975, devicePoolName: "RCC_DP" }],
  ["location", SCCP_7975, { ...SCCP_7975, locationName: "RCC_Loc" }],
  ["securityProfile", SCCP_7975, { ...SCCP_7975, securityProfileName: "Cisco 7975 - Standard SCCP Secure" }],
  ["phoneTemplate", SCCP_7975, { ...SCCP_7975, phoneTemplateName: "RCC 7975 SCCP" }],
  ["owner", SCCP_7975, { ...SCCP_7975, ownerUserName: "bob" }],
  ["owner-cleared", SCCP_7975, { ...SCCP_7975, ownerUserName: undefined }],
  ["extensionMobility", SCCP_7975, { ...SCCP_7975, enableExtensionMobility: false }],
  ["line-label", SCCP_7975, { ...SCCP_7975, lines: [{ ...line1, label: "Alice 1" }, SCCP_7975.lines[1]!] }],
  ["line-maxNumCalls", SCCP_7975, { ...SCCP_7975, lines: [{ ...line1, maxNumCalls: 4, busyTrigger: 2 }, SCCP_7975.lines[1]!] }],
  ["line-partition", SCCP_7975, { ...SCCP_7975, lines: [line1, { index: 2, dirn: { pattern: "1002", routePartitionName: "Internal_PT" } }] }],
  ["line-added", SCCP_7975, { ...SCCP_7975, lines: [...SCCP_7975.lines, { index: 3, dirn: { pattern: "1004" }, e164Mask: "+14085551004" }] }],
  ["line-removed", SCCP_7975, { ...SCCP_7975, lines: [line1] }],
  ["sip-profile", SIP_7971, { ...SIP_7971, sipProfileName: "RCC SIP Profile" }],
  ["sip-line", SIP_7971, { ...SIP_7971, lines: [{ ...SIP_7971.lines[0]!, display: "Carol", maxNumCalls: 6, busyTrigger: 4 }] }],
  // The uuid form: known on both sides, on the desired side only, on the current side only.
  ["uuid.line-label", SCCP_7975_UUID, { ...SCCP_7975_UUID, lines: [{ ...SCCP_7975_UUID.lines[0]!, label: "Alice 1" }, SCCP_7975_UUID.lines[1]!] }],
  ["uuid.desired-only", SCCP_7975, { ...SCCP_7975_UUID, lines: [{ ...SCCP_7975_UUID.lines[0]!, maxNumCalls: 4 }, SCCP_7975_UUID.lines[1]!] }],
  ["uuid.current-only", SCCP_7975_UUID, { ...SCCP_7975, lines: [{ ...line1, display: "Alice E." }, SCCP_7975.lines[1]!] }],
  ["uuid.line-partition", SCCP_7975_UUID, { ...SCCP_7975_UUID, lines: [SCCP_7975_UUID.lines[0]!, { index: 2, dirn: { pattern: "1002", routePartitionName: "Internal_PT", uuid: "{3E2D1C0B-9A8F-4E7D-8C6B-5A4F3E2D1C1C}" } }] }],
  ["uuid.line-added", SIP_7971_UUID, { ...SIP_7971_UUID, lines: [...SIP_7971_UUID.lines, { index: 2, dirn: { pattern: "1004", uuid: "{3E2D1C0B-9A8F-4E7D-8C6B-5A4F3E2D1C0E}" } }] }],
  ["uuid.sip-line", SIP_7971_UUID, { ...SIP_7971_UUID, lines: [{ ...SIP_7971_UUID.lines[0]!, display: "Carol" }] }],
];

const TRUNK_UPDATES: [string, SipTrunkSpec, SipTrunkSpec][] = [
  ["description", TRUNK_CSS, { ...TRUNK_CSS, description: "To CUP 7.0" }],
  ["css-changed", TRUNK_CSS, { ...TRUNK_CSS, callingSearchSpaceName: "CUP_CSS" }],
  ["css-cleared", TRUNK_CSS, { ...TRUNK_CSS, callingSearchSpaceName: undefined }],
  ["css-set", TRUNK_NO_CSS, { ...TRUNK_NO_CSS, callingSearchSpaceName: "Internal_CSS" }],
  ["devicePool", TRUNK_CSS, { ...TRUNK_CSS, devicePoolName: "RCC_DP" }],
  ["location", TRUNK_CSS, { ...TRUNK_CSS, locationName: "RCC_Loc" }],
  ["securityProfile", TRUNK_CSS, { ...TRUNK_CSS, securityProfileName: "Non Secure SIP Trunk Profile TCP" }],
  ["sipProfile", TRUNK_CSS, { ...TRUNK_CSS, sipProfileName: "CUP SIP Profile" }],
  ["destination", TRUNK_CSS, { ...TRUNK_CSS, destinationAddress: "10.1.1.20" }],
  ["port", TRUNK_CSS, { ...TRUNK_CSS, destinationPort: 5070 }],
];

const { password: _p, ...APP_USER_NO_PASSWORD } = APP_USER;
const APP_USER_UPDATES: [string, AppUserSpec, AppUserSpec][] = [
  ["password", APP_USER, { ...APP_USER, password: "Rcc-Lab-2010" }],
  ["devices", APP_USER_NO_PASSWORD, { ...APP_USER_NO_PASSWORD, associatedDevices: ["SEP001122334455"] }],
  ["devices-cleared", APP_USER_NO_PASSWORD, { ...APP_USER_NO_PASSWORD, associatedDevices: [] }],
  ["groups", APP_USER_NO_PASSWORD, { ...APP_USER_NO_PASSWORD, userGroups: ["Standard CTI Enabled"] }],
  ["groups-cleared", APP_USER_NO_PASSWORD, { ...APP_USER_NO_PASSWORD, userGroups: [] }],
];

/** Every request an adapter can emit, for the specs above. */
function requestsOf(a: ReleaseAdapter): { label: string; req: AxlRequest }[] {
  const out: { label: string; req: AxlRequest }[] = [];
  const push = (label: string, reqs: AxlRequest | AxlRequest[]) => {
    const list = Array.isArray(reqs) ? reqs : [reqs];
    expect(list.length, `${label} emits a request`).toBeGreaterThan(0);
    list.forEach((req, i) => out.push({ label: list.length > 1 ? `${label}.${i}` : label, req }));
  };
  push("getCCMVersion", a.getVersion());
  push("sqlQuery", a.sqlQuery("select d.name, d.description, n.dnorpattern from device d, devicenumplanmap m, numplan n where d.pkid = m.fkdevice and m.fknumplan = n.pkid and d.name like 'SEP%'"));
  push("sqlUpdate", a.sqlUpdate("update devicenumplanmap set maxnumcalls = 2, busytrigger = 1 where numplanindex = 1"));
  for (const [label, spec] of [["pt", LINE_PT], ["no-pt", LINE_NO_PT]] as const) {
    push(`line.add.${label}`, a.line.add(spec));
    push(`line.get.${label}`, a.line.get(spec));
    push(`line.remove.${label}`, a.line.remove(spec));
  }
  for (const [label, from, to] of LINE_UPDATES) push(`line.update.${label}`, a.line.update(got(from), to));
  for (const [label, spec] of [["sccp7975", SCCP_7975], ["sip7971", SIP_7971]] as const) {
    push(`phone.add.${label}`, a.phone.add(spec));
    push(`phone.add.${label}.uuid`, a.phone.add({ sccp7975: SCCP_7975_UUID, sip7971: SIP_7971_UUID }[label]));
    push(`phone.get.${label}`, a.phone.get(spec.name));
    push(`phone.remove.${label}`, a.phone.remove(spec.name));
  }
  for (const [label, from, to] of PHONE_UPDATES) push(`phone.update.${label}`, a.phone.update(got(from), to));
  if (a.family === "12") {
    push("phone.update.lines-cleared", a.phone.update(got(SIP_7971), { ...SIP_7971, lines: [] }));
    push("phone.update.lines-cleared.uuid", a.phone.update(got(SIP_7971_UUID), { ...SIP_7971, lines: [] }));
  }
  for (const [label, spec] of [["css", TRUNK_CSS], ["no-css", TRUNK_NO_CSS]] as const) {
    push(`sipTrunk.add.${label}`, a.sipTrunk.add(spec));
    push(`sipTrunk.get.${label}`, a.sipTrunk.get(spec.name));
    push(`sipTrunk.remove.${label}`, a.sipTrunk.remove(spec.name));
  }
  for (const [label, from, to] of TRUNK_UPDATES) push(`sipTrunk.update.${label}`, a.sipTrunk.update(got(from), to));
  push("appUser.add", a.appUser.add(APP_USER));
  push("appUser.add.bare", a.appUser.add({ userid: "rcc-bare", associatedDevices: [], userGroups: [] }));
  push("appUser.get", a.appUser.get(APP_USER.userid));
  push("appUser.remove", a.appUser.remove(APP_USER.userid));
  for (const [label, from, to] of APP_USER_UPDATES) push(`appUser.update.${label}`, a.appUser.update(got(from), to));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sample get responses, as CUCM shapes them (validated against the schema below)

const U = {
  phone: "{8F1D0D9A-2C4B-4C8E-9A61-3B7E0F5D2C11}",
  pool: "{1B1B9EB6-7803-11D3-BDF0-00108302EAD1}",
  loc: "{29C5C1C4-8871-4D1E-8394-0B9181E8C54D}",
  pt: "{A7C4D1E2-5B6F-4A3C-9D8E-7F6A5B4C3D2E}",
  dn: DN_UUID.d1001,
  user: "{0B1C2D3E-4F5A-4B6C-8D7E-9F0A1B2C3D4E}",
};

const responses12 = (ns: string) => ({
  phone2lines: `<ns:getPhoneResponse xmlns:ns="${ns}"><return><phone ctiid="12" uuid="${U.phone}">
<name>SEP001122334455</name><description>Alice RCC phone</description><product>Cisco 7975</product><model>Cisco 7975</model>
<class>Phone</class><protocol>SCCP</protocol><protocolSide>User</protocolSide><callingSearchSpaceName/>
<devicePoolName uuid="${U.pool}">Default</devicePoolName>
<commonPhoneConfigName uuid="{AC243D17-98B4-4118-8FEB-5FF2E1B781AC}">Standard Common Phone Profile</commonPhoneConfigName>
<locationName uuid="${U.loc}">Hub_None</locationName>
<securityProfileName uuid="{F3A2B1C0-1D2E-4F3A-8B4C-5D6E7F8A9B0C}">Cisco 7975 - Standard SCCP Non-Secure Profile</securityProfileName>
<sipProfileName/>
<lines>
<line><index>1</index><label>Alice</label><display>Alice Example</display><dirn uuid="${U.dn}"><pattern>1001</pattern><routePartitionName uuid="${U.pt}">Internal_PT</routePartitionName></dirn><displayAscii>Alice Example</displayAscii><e164Mask>+1408555XXXX</e164Mask><maxNumCalls>2</maxNumCalls><busyTrigger>1</busyTrigger></line>
<line><index>2</index><label>Shared</label><display/><dirn uuid="{3E2D1C0B-9A8F-4E7D-8C6B-5A4F3E2D1C0C}"><pattern>1002</pattern><routePartitionName/></dirn><displayAscii/><e164Mask/><maxNumCalls>4</maxNumCalls><busyTrigger>2</busyTrigger></line>
</lines>
<phoneTemplateName uuid="{C1D2E3F4-A5B6-4C7D-8E9F-0A1B2C3D4E5F}">Standard 7975 SCCP</phoneTemplateName>
<enableExtensionMobility>true</enableExtensionMobility><ownerUserName uuid="${U.user}">alice</ownerUserName>
</phone></return></ns:getPhoneResponse>`,
  phone1line: `<ns:getPhoneResponse xmlns:ns="${ns}"><return><phone uuid="{8F1D0D9A-2C4B-4C8E-9A61-3B7E0F5D2C12}">
<name>SEP00AABBCCDDEE</name><description/><product>Cisco 7971</product><model>Cisco 7971</model><class>Phone</class><protocol>SIP</protocol><protocolSide>User</protocolSide>
<devicePoolName uuid="${U.pool}">Default</devicePoolName><locationName uuid="${U.loc}">Hub_None</locationName>
<securityProfileName>Cisco 7971 - Standard SIP Non-Secure Profile</securityProfileName><sipProfileName>Standard SIP Profile</sipProfileName>
<lines><line><index>1</index><label/><display/><dirn><pattern>1003</pattern><routePartitionName uuid="${U.pt}">Internal_PT</routePartitionName></dirn><maxNumCalls>4</maxNumCalls><busyTrigger>2</busyTrigger></line></lines>
<phoneTemplateName>Standard 7971 SIP</phoneTemplateName><enableExtensionMobility>f</enableExtensionMobility><ownerUserName/>
</phone></return></ns:getPhoneResponse>`,
  linePt: `<ns:getLineResponse xmlns:ns="${ns}"><return><line uuid="${U.dn}"><pattern>1001</pattern><description>Alice Example</description><usage>Device</usage>
<routePartitionName uuid="${U.pt}">Internal_PT</routePartitionName><alertingName>Alice Example</alertingName><asciiAlertingName>Alice Example</asciiAlertingName>
</line></return></ns:getLineResponse>`,
  lineNoPt: `<ns:getLineResponse xmlns:ns="${ns}"><return><line uuid="{3E2D1C0B-9A8F-4E7D-8C6B-5A4F3E2D1C0C}"><pattern>1002</pattern><description/><usage>Device</usage><routePartitionName/><alertingName/><asciiAlertingName/></line></return></ns:getLineResponse>`,
  trunk: `<ns:getSipTrunkResponse xmlns:ns="${ns}"><return><sipTrunk uuid="{5A6B7C8D-9E0F-4A1B-8C2D-3E4F5A6B7C8D}">
<name>CUP-SIP-Trunk</name><description>SIP trunk to CUP</description><product>SIP Trunk</product><class>Trunk</class><protocol>SIP</protocol><protocolSide>Network</protocolSide>
<callingSearchSpaceName uuid="{6B7C8D9E-0F1A-4B2C-9D3E-4F5A6B7C8D9E}">Internal_CSS</callingSearchSpaceName>
<devicePoolName uuid="${U.pool}">Default</devicePoolName><locationName uuid="${U.loc}">Hub_None</locationName>
<securityProfileName>Non Secure SIP Trunk Profile</securityProfileName><sipProfileName>Standard SIP Profile</sipProfileName>
<presenceGroupName>Standard Presence group</presenceGroupName>
<destinations><destination><addressIpv4>cup.lab.local</addressIpv4><port>5060</port><sortOrder>1</sortOrder></destination></destinations>
</sipTrunk></return></ns:getSipTrunkResponse>`,
  trunkNoCss: `<ns:getSipTrunkResponse xmlns:ns="${ns}"><return><sipTrunk uuid="{5A6B7C8D-9E0F-4A1B-8C2D-3E4F5A6B7C8E}">
<name>CUP-SIP-Trunk-2</name><product>SIP Trunk</product><class>Trunk</class><protocol>SIP</protocol><protocolSide>Network</protocolSide><callingSearchSpaceName/>
<devicePoolName>Default</devicePoolName><locationName>Hub_None</locationName>
<securityProfileName>Non Secure SIP Trunk Profile</securityProfileName><sipProfileName>Standard SIP Profile</sipProfileName>
<destinations><destination><addressIpv4>cup2.lab.local</addressIpv4><port>5060</port><sortOrder>2</sortOrder></destination><destination><addressIpv4>cup.lab.local</addressIpv4><port>5060</port><sortOrder>1</sortOrder></destination></destinations>
</sipTrunk></return></ns:getSipTrunkResponse>`,
  appUser: `<ns:getAppUserResponse xmlns:ns="${ns}"><return><appUser uuid="${U.user}"><userid>cupappuser</userid>
<associatedDevices><device>SEP001122334455</device><device>SEP00AABBCCDDEE</device></associatedDevices>
<associatedGroups><userGroup><name>Standard CTI Enabled</name><userRoles><userRole>Standard CTI Enabled</userRole></userRoles></userGroup>
<userGroup><name>Standard CTI Allow Control of Phones supporting Connected Xfer and conf</name></userGroup></associatedGroups>
</appUser></return></ns:getAppUserResponse>`,
  appUserSingle: `<ns:getAppUserResponse xmlns:ns="${ns}"><return><appUser uuid="${U.user}"><userid>cupappuser</userid>
<associatedDevices><device>SEP001122334455</device></associatedDevices><associatedGroups><userGroup><name>Standard CTI Enabled</name></userGroup></associatedGroups>
</appUser></return></ns:getAppUserResponse>`,
  appUserBare: `<ns:getAppUserResponse xmlns:ns="${ns}"><return><appUser uuid="${U.user}"><userid>rcc-bare</userid><associatedDevices/><associatedGroups/></appUser></return></ns:getAppUserResponse>`,
  version: `<ns:getCCMVersionResponse xmlns:ns="${ns}"><return><componentVersion><version>14.0.1.13900-155</version></componentVersion></return></ns:getCCMVersionResponse>`,
  ...sqlResponses(ns),
});

const responses7 = (ns: string) => ({
  phone2lines: `<axl:getPhoneResponse xmlns:axl="${ns}"><return><device ctiid="12" uuid="${U.phone}">
<name>SEP001122334455</name><description>Alice RCC phone</description><product>Cisco 7975</product><model>Cisco 7975</model>
<class>Phone</class><protocol>SCCP</protocol><protocolSide>User</protocolSide>
<devicePoolName>Default</devicePoolName><locationName>Hub_None</locationName>
<securityProfileName>Cisco 7975 - Standard SCCP Non-Secure Profile</securityProfileName>
<lines>
<line index="1" uuid="{7A8B9C0D-1E2F-4A3B-8C4D-5E6F7A8B9C0D}"><label>Alice</label><display>Alice Example</display>
<dirn uuid="${U.dn}"><pattern>1001</pattern><usage>Device</usage><routePartitionName>Internal_PT</routePartitionName></dirn>
<displayASCII>Alice Example</displayASCII><e164Mask>+1408555XXXX</e164Mask><maxNumCalls>2</maxNumCalls><busyTrigger>1</busyTrigger>
<callInfoDisplay><callerName>true</callerName><callerNumber>false</callerNumber><redirectedNumber>false</redirectedNumber><dialedNumber>true</dialedNumber></callInfoDisplay></line>
<line index="2"><label>Shared</label><display/>
<dirn uuid="{3E2D1C0B-9A8F-4E7D-8C6B-5A4F3E2D1C0C}"><pattern>1002</pattern><usage>Device</usage></dirn><maxNumCalls>4</maxNumCalls><busyTrigger>2</busyTrigger>
<callInfoDisplay><callerName>true</callerName><callerNumber>false</callerNumber><redirectedNumber>false</redirectedNumber><dialedNumber>true</dialedNumber></callInfoDisplay></line>
</lines>
<phoneTemplateName>Standard 7975 SCCP</phoneTemplateName>
<enableExtensionMobility>true</enableExtensionMobility><ownerUserId>alice</ownerUserId><presenceGroupName>Standard Presence group</presenceGroupName>
</device></return></axl:getPhoneResponse>`,
  phone1line: `<axl:getPhoneResponse xmlns:axl="${ns}"><return><device uuid="{8F1D0D9A-2C4B-4C8E-9A61-3B7E0F5D2C12}">
<name>SEP00AABBCCDDEE</name><product>Cisco 7971</product><model>Cisco 7971</model><class>Phone</class><protocol>SIP</protocol><protocolSide>User</protocolSide>
<devicePoolName>Default</devicePoolName><locationName>Hub_None</locationName>
<securityProfileName>Cisco 7971 - Standard SIP Non-Secure Profile</securityProfileName><sipProfileName>Standard SIP Profile</sipProfileName>
<lines><line index="1"><label/><display/><dirn><pattern>1003</pattern><usage>Device</usage><routePartitionName>Internal_PT</routePartitionName></dirn><maxNumCalls>4</maxNumCalls><busyTrigger>2</busyTrigger>
<callInfoDisplay><callerName>true</callerName><callerNumber>false</callerNumber><redirectedNumber>false</redirectedNumber><dialedNumber>true</dialedNumber></callInfoDisplay></line></lines>
<phoneTemplateName>Standard 7971 SIP</phoneTemplateName><enableExtensionMobility>false</enableExtensionMobility><presenceGroupName>Standard Presence group</presenceGroupName>
</device></return></axl:getPhoneResponse>`,
  linePt: `<axl:getLineResponse xmlns:axl="${ns}"><return><directoryNumber uuid="${U.dn}"><pattern>1001</pattern><description>Alice Example</description><usage>Device</usage>
<routePartitionName>Internal_PT</routePartitionName><alertingName>Alice Example</alertingName><asciiAlertingName>Alice Example</asciiAlertingName>
<presenceGroupName>Standard Presence group</presenceGroupName></directoryNumber></return></axl:getLineResponse>`,
  lineNoPt: `<axl:getLineResponse xmlns:axl="${ns}"><return><directoryNumber uuid="{3E2D1C0B-9A8F-4E7D-8C6B-5A4F3E2D1C0C}"><pattern>1002</pattern><usage>Device</usage></directoryNumber></return></axl:getLineResponse>`,
  trunk: `<axl:getSIPTrunkResponse xmlns:axl="${ns}"><return><trunk uuid="{5A6B7C8D-9E0F-4A1B-8C2D-3E4F5A6B7C8D}">
<name>CUP-SIP-Trunk</name><description>SIP trunk to CUP</description><product>SIP Trunk</product><model>SIP Trunk</model><class>Trunk</class><protocol>SIP</protocol><protocolSide>Network</protocolSide>
<callingSearchSpaceName>Internal_CSS</callingSearchSpaceName><devicePoolName>Default</devicePoolName><locationName>Hub_None</locationName>
<securityProfileName>Non Secure SIP Trunk Profile</securityProfileName><sipProfileName>Standard SIP Profile</sipProfileName>
<destinationaddress>cup.lab.local</destinationaddress><destinationport>5060</destinationport>
</trunk></return></axl:getSIPTrunkResponse>`,
  trunkNoCss: `<axl:getSIPTrunkResponse xmlns:axl="${ns}"><return><trunk uuid="{5A6B7C8D-9E0F-4A1B-8C2D-3E4F5A6B7C8E}">
<name>CUP-SIP-Trunk-2</name><product>SIP Trunk</product><model>SIP Trunk</model><class>Trunk</class><protocol>SIP</protocol><protocolSide>Network</protocolSide>
<devicePoolName>Default</devicePoolName><locationName>Hub_None</locationName>
<securityProfileName>Non Secure SIP Trunk Profile</securityProfileName><sipProfileName>Standard SIP Profile</sipProfileName>
<destinationaddress>cup.lab.local</destinationaddress><destinationport>5060</destinationport>
</trunk></return></axl:getSIPTrunkResponse>`,
  appUser: `<axl:getAppUserResponse xmlns:axl="${ns}"><return><applicationUser uuid="${U.user}"><userid>cupappuser</userid>
<associatedDevices><device>SEP001122334455</device><device>SEP00AABBCCDDEE</device></associatedDevices>
<associatedGroups><userGroup uuid="{D1E2F3A4-B5C6-4D7E-8F9A-0B1C2D3E4F5A}"><name>Standard CTI Enabled</name></userGroup>
<userGroup><name>Standard CTI Allow Control of Phones supporting Connected Xfer and conf</name></userGroup></associatedGroups>
</applicationUser></return></axl:getAppUserResponse>`,
  appUserSingle: `<axl:getAppUserResponse xmlns:axl="${ns}"><return><applicationUser uuid="${U.user}"><userid>cupappuser</userid>
<associatedDevices><device>SEP001122334455</device></associatedDevices><associatedGroups><userGroup><name>Standard CTI Enabled</name></userGroup></associatedGroups>
</applicationUser></return></axl:getAppUserResponse>`,
  appUserBare: `<axl:getAppUserResponse xmlns:axl="${ns}"><return><applicationUser uuid="${U.user}"><userid>rcc-bare</userid></applicationUser></return></axl:getAppUserResponse>`,
  version: `<axl:getCCMVersionResponse xmlns:axl="${ns}"><return><componentVersion><version>7.0.2.20000-5</version></componentVersion></return></axl:getCCMVersionResponse>`,
  ...sqlResponses(ns),
});

function sqlResponses(ns: string) {
  return {
    sqlRows: `<ns:executeSQLQueryResponse xmlns:ns="${ns}"><return>
<row><name>SEP001122334455</name><description>Alice RCC phone</description><dnorpattern>1001</dnorpattern></row>
<row><name>SEP00AABBCCDDEE</name><description/><dnorpattern>1003</dnorpattern></row></return></ns:executeSQLQueryResponse>`,
    sqlRow: `<ns:executeSQLQueryResponse xmlns:ns="${ns}"><return><row><count>2</count></row></return></ns:executeSQLQueryResponse>`,
    sqlNone: `<ns:executeSQLQueryResponse xmlns:ns="${ns}"><return/></ns:executeSQLQueryResponse>`,
    sqlUpdate: `<ns:executeSQLUpdateResponse xmlns:ns="${ns}"><return><rowsUpdated>2</rowsUpdated></return></ns:executeSQLUpdateResponse>`,
  };
}

type Responses = ReturnType<typeof responses12>;
const responsesFor = (release: AxlRelease): Responses =>
  (release === "7.0" ? responses7 : responses12)(axlNamespace(release === "15.0" ? "14.0" : release));

/** What the client hands parse(): the `return` of the response element, as node-soap parses it. */
function returnOf(wsdl: WSDL, body: string): unknown {
  const env = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
  const parsed = wsdl.xmlToObject(env) as { Body: Record<string, { return: unknown }> };
  const [response] = Object.values(parsed.Body);
  return response!.return;
}

// ---------------------------------------------------------------------------------------------

it("has Cisco's AXL schema and xmllint (a conformance test that cannot validate fails)", () => requireAxlValidation(AXL_RELEASES));

describe.each(AXL_RELEASES)("AXL %s", (release) => {
  const adapter = adapterFor(release);
  const namespace = axlNamespace(release);
  let wsdl: WSDL;
  let requests: { label: string; req: AxlRequest; xml: string }[];

  beforeAll(async () => {
    wsdl = await loadWsdl(release);
    requests = requestsOf(adapter).map((r) => ({ ...r, xml: serializeRequest(wsdl, r.req) }));
  });

  it("serializes every request into the release's namespace", () => {
    for (const { label, xml } of requests) expect(xml, label).toMatch(new RegExp(`^<(\\w+):\\w+ xmlns:\\1="${namespace.replaceAll(".", "\\.")}"`));
  });

  it("emits every operation of its WSDL subset", () => {
    const services = wsdl.describeServices() as Record<string, Record<string, Record<string, unknown>>>;
    const operations = Object.values(Object.values(services)[0]!)[0]!;
    expect(new Set(requests.map((r) => r.req.operation))).toEqual(new Set(Object.keys(operations)));
  });

  it("emits requests (and reads responses) that validate against Cisco's schema", () => {
    const docs: AxlDocument[] = requests.map(({ label, xml }) => ({ label, xml }));
    // The sample responses parse() is tested with (15.0 shares 14.0's).
    if (release !== "15.0") for (const [label, xml] of Object.entries(responsesFor(release))) docs.push({ label: `response.${label}`, xml });
    expect(validateAxlRequests(release, docs).join("\n")).toBe("");
  });

  it("reports what does not validate (the helper is not vacuous)", () => {
    const bad = serializeRequest(wsdl, adapter.phone.add(SCCP_7975)).replace("<name>SEP001122334455</name>", "");
    const [problem, ...more] = validateAxlRequests(release, [{ label: "phone.add.without-name", xml: bad }, serializeRequest(wsdl, adapter.getVersion())]);
    expect(more).toEqual([]);
    expect(problem).toMatch(/^phone\.add\.without-name:\n {2}line \d+: .*Schemas validity error/);
  });

  it("serializes exactly what node-soap's client sends", async () => {
    const soap = await import("soap");
    let sent: { xml: string; soapAction: unknown } | undefined;
    // An HTTP client that records the request and answers nothing.
    const httpClient = {
      request: (_url: string, xml: string, callback: (err: Error) => void, headers: Record<string, unknown>) => {
        sent = { xml, soapAction: headers.SOAPAction };
        callback(new Error("offline"));
      },
    };
    const client = new soap.Client(wsdl, "https://cucm.invalid:8443/axl/", { attributesKey: "$attributes", httpClient } as never);
    for (const req of [adapter.phone.add(SCCP_7975), adapter.phone.add(SCCP_7975_UUID), adapter.appUser.update(got(APP_USER), { ...APP_USER, userGroups: [] })[0]!]) {
      const call = (client as unknown as Record<string, (body: unknown) => Promise<unknown>>)[`${req.operation}Async`]!;
      await expect(call.call(client, req.body)).rejects.toThrow("offline");
      expect(sent?.xml).toBe(await envelope(release, req));
      expect(sent?.soapAction).toBe(`"CUCM:DB ver=${release} ${req.operation}"`);
    }
  });

  it("builds a well-formed envelope, whose body validates", async () => {
    const env = await envelope(release, adapter.phone.get(SCCP_7975.name));
    expect(env).toContain(`<soap:Body>${serializeRequest(wsdl, adapter.phone.get(SCCP_7975.name))}</soap:Body>`);
    const r = spawnSync("xmllint", ["--noout", "-"], { input: env, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    // As the simulator tests validate what it received: whole envelopes.
    const envelopes = [env, await envelope(release, adapter.phone.add(SCCP_7975_UUID))];
    expect(validateAxlRequests(release, envelopes)).toEqual([]);
  });

  it("writes what the model says, where the schema wants it", () => {
    const xml = (req: AxlRequest) => serializeRequest(wsdl, req);
    const sccp = xml(adapter.phone.add(SCCP_7975));
    const sip = xml(adapter.phone.add(SIP_7971));
    expect(sccp).not.toContain("sipProfileName");
    expect(sip).toContain("<sipProfileName>Standard SIP Profile</sipProfileName>");
    expect(sccp).toContain("<maxNumCalls>2</maxNumCalls><busyTrigger>1</busyTrigger>");
    expect(sccp).toContain("<routePartitionName>Internal_PT</routePartitionName>");
    // The update sends the whole line list, keeping line 2 as it is and changing line 1's limits.
    const [update] = adapter.phone.update(got(SCCP_7975), PHONE_UPDATES.find(([l]) => l === "line-maxNumCalls")![2]);
    const sent = xml(update!);
    expect(sent).toContain("<maxNumCalls>4</maxNumCalls><busyTrigger>2</busyTrigger>");
    expect(sent).toContain("<pattern>1002</pattern>");
    expect(sent).not.toContain("<description>");
    // A directory number known by uuid carries it as the dirn's uuid attribute (7.0 reads only that).
    expect(sccp).toContain("<dirn><pattern>1001</pattern>");
    const byUuid = xml(adapter.phone.add(SCCP_7975_UUID));
    expect(byUuid).toContain(`<dirn uuid="${DN_UUID.d1001}"><pattern>1001</pattern>`);
    expect(byUuid).toContain(`<dirn uuid="${DN_UUID.d1002}"><pattern>1002</pattern>`);
    // An update keeps the uuids the phone's lines have when the desired lines leave them out...
    const [relabel] = adapter.phone.update(got(SCCP_7975_UUID), { ...SCCP_7975, lines: [{ ...line1, label: "Alice 1" }, SCCP_7975.lines[1]!] });
    expect(xml(relabel!)).toContain(`<dirn uuid="${DN_UUID.d1001}">`);
    expect(xml(relabel!)).toContain(`<dirn uuid="${DN_UUID.d1002}">`);
    // ...but not for a line that now names another number (another partition).
    const [moved] = adapter.phone.update(got(SCCP_7975_UUID), { ...SCCP_7975, lines: [line1, { index: 2, dirn: { pattern: "1002", routePartitionName: "Internal_PT" } }] });
    expect(xml(moved!)).toContain(`<dirn uuid="${DN_UUID.d1001}">`);
    expect(xml(moved!)).not.toContain(DN_UUID.d1002);
    if (release === "7.0") {
      expect(sccp).toContain('<line index="1">');
      expect(xml(adapter.appUser.add(APP_USER))).toMatch(/^<\w+:addAppUser [^>]*><newApplicationUser><userid>cupappuser<\/userid>/);
    } else {
      expect(sccp).toContain("<line><index>1</index>");
      expect(xml(adapter.appUser.add(APP_USER))).toMatch(/^<\w+:addAppUser [^>]*><appUser><userid>cupappuser<\/userid>/);
    }
  });

  it("returns no request when nothing differs", () => {
    expect(adapter.line.update(got(LINE_PT), LINE_PT)).toEqual([]);
    expect(adapter.line.update(got(LINE_NO_PT), { ...LINE_NO_PT, description: "" })).toEqual([]);
    expect(adapter.phone.update(got(SCCP_7975), SCCP_7975)).toEqual([]);
    expect(adapter.phone.update(got(SIP_7971), { ...SIP_7971, enableExtensionMobility: false })).toEqual([]);
    // B8: limits left out of the model keep the phone's.
    const live = got({ ...SIP_7971, lines: [{ ...SIP_7971.lines[0]!, maxNumCalls: 4, busyTrigger: 2 }] });
    expect(adapter.phone.update(live, SIP_7971)).toEqual([]);
    expect(adapter.sipTrunk.update(got(TRUNK_CSS), TRUNK_CSS)).toEqual([]);
    expect(adapter.appUser.update(got(APP_USER_NO_PASSWORD), APP_USER_NO_PASSWORD)).toEqual([]);
    const reordered = { ...APP_USER_NO_PASSWORD, associatedDevices: [...APP_USER.associatedDevices].reverse() };
    expect(adapter.appUser.update(got(APP_USER_NO_PASSWORD), reordered)).toEqual([]);
    expect(adapter.appUser.update(got(APP_USER), APP_USER)).toEqual([]);
  });

  it("does not count a directory number's uuid known on one side only as a change", () => {
    expect(adapter.phone.update(got(SCCP_7975_UUID), SCCP_7975)).toEqual([]);
    expect(adapter.phone.update(got(SCCP_7975), SCCP_7975_UUID)).toEqual([]);
    expect(adapter.phone.update(got(SCCP_7975_UUID), SCCP_7975_UUID)).toEqual([]);
    // CUCM's spelling of a uuid (case) is no change either.
    const lower = { ...SIP_7971, lines: [{ ...SIP_7971.lines[0]!, dirn: { ...SIP_7971.lines[0]!.dirn, uuid: DN_UUID.d1003.toLowerCase() } }] };
    expect(adapter.phone.update(got(SIP_7971_UUID), lower)).toEqual([]);
    // Different uuids on both sides: the line now points at another directory number.
    const other = { ...SIP_7971, lines: [{ ...SIP_7971.lines[0]!, dirn: { ...SIP_7971.lines[0]!.dirn, uuid: "{3E2D1C0B-9A8F-4E7D-8C6B-5A4F3E2D1CFF}" } }] };
    expect(adapter.phone.update(got(SIP_7971_UUID), other)).toHaveLength(1);
  });

  it("refuses in-place changes that need a replacement", () => {
    expect(() => adapter.phone.update(got(SCCP_7975), { ...SCCP_7975, product: "Cisco 7971" })).toThrow(/replace/);
    if (release === "7.0") expect(() => adapter.phone.update(got(SIP_7971), { ...SIP_7971, lines: [] })).toThrow(/replace/);
  });

  if (release === "15.0") return; // parsed with 14.0's samples: same shapes, different namespace only

  describe("parse", () => {
    let r: Responses;
    beforeAll(() => {
      r = responsesFor(release);
    });

    it("reads a phone with two lines back into its spec", () => {
      const phone = adapter.phone.parse(returnOf(wsdl, r.phone2lines));
      // The lines' directory numbers come back with their uuid attributes.
      expect(phone).toEqual({
        ...SCCP_7975_UUID,
        uuid: U.phone,
        lines: [SCCP_7975_UUID.lines[0], { ...SCCP_7975_UUID.lines[1], maxNumCalls: 4, busyTrigger: 2 }],
      });
      expect(adapter.phone.update(phone!, SCCP_7975)).toEqual([]);
      expect(adapter.phone.update(phone!, SCCP_7975_UUID)).toEqual([]);
    });

    it("reads a phone with a single line (not an array) and false booleans", () => {
      const phone = adapter.phone.parse(returnOf(wsdl, r.phone1line));
      expect(phone).toEqual({
        ...SIP_7971,
        uuid: "{8F1D0D9A-2C4B-4C8E-9A61-3B7E0F5D2C12}",
        enableExtensionMobility: false,
        lines: [{ ...SIP_7971.lines[0], maxNumCalls: 4, busyTrigger: 2 }],
      });
      // No uuid attribute on the dirn: none in the model.
      expect(phone!.lines[0]!.dirn).not.toHaveProperty("uuid");
      expect(adapter.phone.update(phone!, SIP_7971)).toEqual([]);
      expect(adapter.phone.update(phone!, SIP_7971_UUID)).toEqual([]);
    });

    it("reads lines with and without a partition", () => {
      const pt = adapter.line.parse(returnOf(wsdl, r.linePt));
      expect(pt).toEqual({ ...LINE_PT, uuid: U.dn });
      expect(adapter.line.update(pt!, LINE_PT)).toEqual([]);
      const noPt = adapter.line.parse(returnOf(wsdl, r.lineNoPt));
      expect(noPt).toEqual({ ...LINE_NO_PT, uuid: "{3E2D1C0B-9A8F-4E7D-8C6B-5A4F3E2D1C0C}" });
      expect(noPt).not.toHaveProperty("routePartitionName");
    });

    it("reads SIP trunks", () => {
      const trunk = adapter.sipTrunk.parse(returnOf(wsdl, r.trunk));
      expect(trunk).toEqual({ ...TRUNK_CSS, uuid: "{5A6B7C8D-9E0F-4A1B-8C2D-3E4F5A6B7C8D}" });
      expect(adapter.sipTrunk.update(trunk!, TRUNK_CSS)).toEqual([]);
      // 12+: the destination with the lowest sortOrder, wherever it is in the list.
      const second = adapter.sipTrunk.parse(returnOf(wsdl, r.trunkNoCss));
      expect(second).toEqual({ ...TRUNK_NO_CSS, uuid: "{5A6B7C8D-9E0F-4A1B-8C2D-3E4F5A6B7C8E}" });
    });

    it("reads application users with several, one or no devices and groups", () => {
      const user = adapter.appUser.parse(returnOf(wsdl, r.appUser));
      expect(user).toEqual({ ...APP_USER_NO_PASSWORD, uuid: U.user });
      expect(adapter.appUser.update(user!, APP_USER_NO_PASSWORD)).toEqual([]);
      expect(adapter.appUser.parse(returnOf(wsdl, r.appUserSingle))).toEqual({
        uuid: U.user,
        userid: "cupappuser",
        associatedDevices: ["SEP001122334455"],
        userGroups: ["Standard CTI Enabled"],
      });
      expect(adapter.appUser.parse(returnOf(wsdl, r.appUserBare))).toEqual({ uuid: U.user, userid: "rcc-bare", associatedDevices: [], userGroups: [] });
    });

    it("reads the version, SQL rows and SQL update counts", () => {
      expect(adapter.parseVersion(returnOf(wsdl, r.version))).toBe(release === "7.0" ? "7.0.2.20000-5" : "14.0.1.13900-155");
      expect(adapter.parseSqlRows(returnOf(wsdl, r.sqlRows))).toEqual([
        { name: "SEP001122334455", description: "Alice RCC phone", dnorpattern: "1001" },
        { name: "SEP00AABBCCDDEE", description: "", dnorpattern: "1003" },
      ]);
      expect(adapter.parseSqlRows(returnOf(wsdl, r.sqlRow))).toEqual([{ count: "2" }]);
      expect(adapter.parseSqlRows(returnOf(wsdl, r.sqlNone))).toEqual([]);
      expect(adapter.parseSqlUpdate(returnOf(wsdl, r.sqlUpdate))).toBe(2);
    });

    it("reads a reference given as the object itself (7.0's schema allows either)", () => {
      const ret = returnOf(wsdl, r.phone1line) as Record<string, Record<string, unknown>>;
      const wrapper = Object.keys(ret)[0]!;
      const { devicePoolName: _dp, locationName: _loc, ...rest } = ret[wrapper]!;
      const phone = adapter.phone.parse({
        [wrapper]: { ...rest, devicePool: { $attributes: { uuid: U.pool }, name: "Default" }, location: { name: "Hub_None" } },
      });
      expect(phone).toMatchObject({ devicePoolName: "Default", locationName: "Hub_None" });
    });

    it("returns undefined for a response without the object", () => {
      expect(adapter.phone.parse(undefined)).toBeUndefined();
      expect(adapter.line.parse({})).toBeUndefined();
      expect(adapter.appUser.parse(null)).toBeUndefined();
    });
  });
});
