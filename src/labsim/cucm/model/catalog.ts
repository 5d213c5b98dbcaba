/**
 * What a fresh CUCM ships with: the phone products the lab uses (with their protocols and type
 * codes from CUCM's data dictionary), and the standard rows every installation has.
 */
import { createHash } from "node:crypto";
import type { Protocol, RefTable } from "./db";

export interface ProductInfo {
  /** typemodel / typeproduct enum (CUCM data dictionary). */
  tk: number;
  protocols: Protocol[];
}

/** Phone products the simulator knows, by AXL product name. */
export const PRODUCTS: Record<string, ProductInfo> = {
  "Cisco 7975": { tk: 437, protocols: ["SCCP", "SIP"] },
  "Cisco 7971": { tk: 119, protocols: ["SCCP", "SIP"] },
  "Cisco 7970": { tk: 30006, protocols: ["SCCP", "SIP"] },
  "Cisco 7931": { tk: 348, protocols: ["SCCP"] },
};

export const SIP_TRUNK_PRODUCT = "SIP Trunk";
export const SIP_TRUNK_TK = 131;
/** typeclass: Phone = 1, Trunk = 18, Device Profile = 254. typedeviceprotocol: SCCP = 0, SIP = 11. */
export const CLASS_TK = { Phone: 1, Trunk: 18, "Device Profile": 254 } as const;
/** typepatternusage (numplan.tkpatternusage): Conference = 1 (Meet-Me), Device = 2 (directory numbers). */
export const PATTERN_USAGE_TK = { Conference: 1, Device: 2 } as const;
/** typephoneservice (telecasterservice.tkphoneservice), in AXL's XPhoneService order. */
export const PHONE_SERVICE_TK: Record<string, number> = { "Standard IP Phone Service": 0, Directories: 1, Messages: 2 };
/** typephoneservicecategory (telecasterservice.tkphoneservicecategory), in AXL's XPhoneServiceCategory order. */
export const PHONE_SERVICE_CATEGORY_TK: Record<string, number> = { "XML Service": 0, "Java MIDlet": 1, "Web Widget": 2, "Web Link": 3, "Android APK": 4 };
export const PROTOCOL_TK: Record<Protocol, number> = { SCCP: 0, SIP: 11 };

/** "Cisco 7975" → "7975". */
export function modelNumber(product: string): string {
  return product.replace(/^Cisco\s+/, "");
}
export function standardTemplateName(product: string, protocol: Protocol): string {
  return `Standard ${modelNumber(product)} ${protocol}`;
}
export function standardSecurityProfileName(product: string, protocol: Protocol): string {
  return `${product} - Standard ${protocol} Non-Secure Profile`;
}

/** A stable pkid derived from a name, for seeded rows without a well-known pkid. */
export function stablePkid(seed: string): string {
  const h = createHash("sha1").update(`rcclab-cucm-sim:${seed}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const DEFAULTS = {
  devicePool: "Default",
  location: "Hub_None",
  sipProfile: "Standard SIP Profile",
  commonPhoneConfig: "Standard Common Phone Profile",
  presenceGroup: "Standard Presence group",
  trunkSecurityProfile: "Non Secure SIP Trunk Profile",
} as const;

/** Pkids every CUCM installation shares for some standard rows. */
const WELL_KNOWN: Record<string, string> = {
  "devicePools:Default": "1b1b9eb6-7803-11d3-bdf0-00108302ead1",
  "locations:Hub_None": "29c5c1c4-8871-4d1e-8394-0b9181e8c54d",
  "sipProfiles:Standard SIP Profile": "fcbc7581-4d8d-48f3-917e-00b09fb39213",
  "commonPhoneConfigs:Standard Common Phone Profile": "ac243d17-98b4-4118-8feb-5ff2e1b781ac",
  "presenceGroups:Standard Presence group": "ad243d17-98b4-4118-8feb-5ff2e1b781ac",
};

export function seedPkid(table: RefTable, name: string): string {
  return WELL_KNOWN[`${table}:${name}`] ?? stablePkid(`${table}:${name}`);
}

export const STANDARD_USER_GROUPS = [
  "Standard Audit Users",
  "Standard CAR Admin Users",
  "Standard CCM Admin Users",
  "Standard CCM End Users",
  "Standard CCM Gateway Administration",
  "Standard CCM Phone Administration",
  "Standard CCM Read Only",
  "Standard CCM Server Maintenance",
  "Standard CCM Server Monitoring",
  "Standard CCM Super Users",
  "Standard CTI Allow Call Monitoring",
  "Standard CTI Allow Call Park Monitoring",
  "Standard CTI Allow Call Recording",
  "Standard CTI Allow Calling Number Modification",
  "Standard CTI Allow Control of All Devices",
  "Standard CTI Allow Control of Phones supporting Connected Xfer and conf",
  "Standard CTI Allow Control of Phones supporting Rollover Mode",
  "Standard CTI Allow Reception of SRTP Key Material",
  "Standard CTI Enabled",
  "Standard CTI Secure Connection",
  "Standard EM Authentication Proxy Rights",
  "Standard Packet Sniffer Users",
  "Standard RealtimeAndTraceCollection",
  "Standard TabSync User",
];

/** (product, protocol) pairs that get a standard template and non-secure security profile. */
export function standardPhoneVariants(): Array<{ product: string; protocol: Protocol }> {
  return Object.entries(PRODUCTS).flatMap(([product, info]) => info.protocols.map((protocol) => ({ product, protocol })));
}

/** The version string getCCMVersion reports per release. */
export const CCM_VERSIONS: Record<string, string> = {
  "7.0": "7.0.2.20000-5",
  "12.5": "12.5.1.11900-146",
  "14.0": "14.0.1.11900-132",
  "15.0": "15.0.1.10000-32",
};
