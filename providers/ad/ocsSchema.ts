/**
 * The slice of the Active Directory schema extension that Office Communications Server 2007 R2
 * setup (schema preparation) adds and that remote call control uses: the user attributes under
 * Microsoft's OIDs (arc 1.2.840.113556.1.6.24.1) and AD syntaxes. OCS adds them to the `mayContain`
 * of the User and Contact classes (there is no msRTCSIP auxiliary class for users; the
 * msRTCSIP-UserExtension name is an attribute, 1.2.840.113556.1.6.24.1.63, not a class).
 *
 * The Samba test fixture extends its schema from this table and the RccSettings kind writes these
 * attributes (the embedded directory keeps its own copy, src/labsim/directory/ocsSchema.ts).
 */
import { childDn, parseDn } from "./dn";

/** AD attribute syntaxes used here: attributeSyntax and the matching oMSyntax. */
export const AD_SYNTAX = {
  /** Object(DS-DN): a reference to another object; AD requires the target to exist. */
  dn: { attributeSyntax: "2.5.5.1", oMSyntax: 127 },
  /** Boolean: the strings TRUE / FALSE. */
  boolean: { attributeSyntax: "2.5.5.8", oMSyntax: 1 },
  /** Integer (32-bit signed). */
  integer: { attributeSyntax: "2.5.5.9", oMSyntax: 2 },
  /** Unicode string (matched case-insensitively). */
  unicode: { attributeSyntax: "2.5.5.12", oMSyntax: 64 },
} as const;

export type AdSyntax = keyof typeof AD_SYNTAX;

export interface OcsAttribute {
  lDAPDisplayName: string;
  attributeID: string;
  syntax: AdSyntax;
  singleValued: true;
  /** searchFlags: 1 = indexed. */
  indexed: boolean;
}

/** The msRTCSIP attributes of a user that RCC needs. */
export const OCS_USER_ATTRIBUTES: readonly OcsAttribute[] = [
  { lDAPDisplayName: "msRTCSIP-PrimaryUserAddress", attributeID: "1.2.840.113556.1.6.24.1.1", syntax: "unicode", singleValued: true, indexed: true },
  { lDAPDisplayName: "msRTCSIP-UserEnabled", attributeID: "1.2.840.113556.1.6.24.1.6", syntax: "boolean", singleValued: true, indexed: false },
  { lDAPDisplayName: "msRTCSIP-PrimaryHomeServer", attributeID: "1.2.840.113556.1.6.24.1.57", syntax: "dn", singleValued: true, indexed: true },
  { lDAPDisplayName: "msRTCSIP-OptionFlags", attributeID: "1.2.840.113556.1.6.24.1.87", syntax: "integer", singleValued: true, indexed: false },
  { lDAPDisplayName: "msRTCSIP-Line", attributeID: "1.2.840.113556.1.6.24.1.88", syntax: "unicode", singleValued: true, indexed: false },
  { lDAPDisplayName: "msRTCSIP-LineServer", attributeID: "1.2.840.113556.1.6.24.1.89", syntax: "unicode", singleValued: true, indexed: false },
];

/** The attribute names, for code that reads and writes them. */
export const RTC = {
  primaryUserAddress: "msRTCSIP-PrimaryUserAddress",
  userEnabled: "msRTCSIP-UserEnabled",
  primaryHomeServer: "msRTCSIP-PrimaryHomeServer",
  optionFlags: "msRTCSIP-OptionFlags",
  line: "msRTCSIP-Line",
  lineServer: "msRTCSIP-LineServer",
} as const;

/** msRTCSIP-OptionFlags bits (a bit field: other bits belong to other OCS features and stay as they are). */
export const OPTION_FLAGS = {
  /** "Enable remote call control" (Telephony: Remote call control). */
  remoteCallControl: 16,
  /** "Enable enhanced presence". */
  enhancedPresence: 256,
} as const;

/**
 * Where OCS keeps its pools. Forest preparation puts the "RTC Service" object (class
 * msRTCSIP-Service) either in the Configuration partition, CN=RTC Service,CN=Services,
 * CN=Configuration,<forest root> (OCS 2007 R2's default and recommendation), or in the System
 * container of the forest root domain, CN=RTC Service,CN=Microsoft,CN=System,<forest root domain>
 * (older deployments). Below it: CN=Pools (msRTCSIP-Pools), CN=<pool> (msRTCSIP-Pool), and the
 * pool's service control point CN=LC Services,CN=Microsoft,CN=<pool> (msRTCSIP-PoolService), the
 * object a homed user's msRTCSIP-PrimaryHomeServer points to.
 */
export function rtcServiceInConfiguration(configurationNamingContext: string): string {
  return `CN=RTC Service,CN=Services,${configurationNamingContext}`;
}

export function rtcServiceInSystem(rootDomainNamingContext: string): string {
  return `CN=RTC Service,CN=Microsoft,CN=System,${rootDomainNamingContext}`;
}

/** The home server DN of users homed on a pool: the pool's LC Services object below an RTC Service object. */
export function lcServicesDn(pool: string, rtcServiceDn: string): string {
  return `CN=LC Services,CN=Microsoft,${childDn("CN", pool, `CN=Pools,${rtcServiceDn}`)}`;
}

/** The objects from an RTC Service object down to a pool's LC Services object, parents first. */
export function poolObjectDns(pool: string, rtcServiceDn: string): string[] {
  const pools = `CN=Pools,${rtcServiceDn}`;
  const poolDn = childDn("CN", pool, pools);
  return [rtcServiceDn, pools, poolDn, `CN=Microsoft,${poolDn}`, lcServicesDn(pool, rtcServiceDn)];
}

/**
 * The pool a home server DN names, when it has the shape of a pool's LC Services object
 * (CN=LC Services,CN=Microsoft,CN=<pool>,CN=Pools,CN=RTC Service,…), wherever that RTC Service is.
 */
export function poolOfHomeServer(dn: string): string | undefined {
  let rdns;
  try {
    rdns = parseDn(dn);
  } catch {
    return undefined;
  }
  if (rdns.length < 6 || rdns.slice(0, 5).some((r) => r.length !== 1 || r[0]!.type.toLowerCase() !== "cn")) return undefined;
  const names = rdns.slice(0, 5).map((r) => r[0]!.value);
  const expected = ["lc services", "microsoft", undefined, "pools", "rtc service"];
  if (!expected.every((e, i) => e === undefined || names[i]!.toLowerCase() === e)) return undefined;
  return names[2];
}
