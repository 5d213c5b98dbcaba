/**
 * The slice of the Active Directory schema extension that Office Communications Server 2007 R2
 * setup (schema preparation) adds and that remote call control uses: the user attributes under
 * Microsoft's OIDs (arc 1.2.840.113556.1.6.24.1) and AD syntaxes. OCS adds them to the `mayContain`
 * of the User and Contact classes (there is no msRTCSIP auxiliary class for users; the
 * msRTCSIP-UserExtension name is an attribute, 1.2.840.113556.1.6.24.1.63, not a class).
 *
 * The Samba test fixture extends its schema from this table, the embedded directory enforces it,
 * and the RccSettings kind writes these attributes.
 */

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

/** The container of the OCS pools in the domain partition (OCS 2007 R2 "RTC Service" in the System container). */
export function poolsContainerDn(domainDn: string): string {
  return `CN=Pools,CN=RTC Service,CN=Microsoft,CN=System,${domainDn}`;
}

/** The home server DN of users homed on a pool: the pool's "LC Services" object. */
export function poolHomeServerDn(pool: string, domainDn: string): string {
  // Pool names are NetBIOS-like ([A-Za-z0-9-]); nothing to escape, but stay safe.
  const escaped = pool.replace(/[,+"\\<>;=]/g, (c) => `\\${c}`);
  return `CN=LC Services,CN=Microsoft,CN=${escaped},${poolsContainerDn(domainDn)}`;
}

/** The containers from the domain down to a pool's LC Services object, parents first. */
export function poolContainerDns(pool: string, domainDn: string): string[] {
  const system = `CN=System,${domainDn}`;
  const microsoft = `CN=Microsoft,${system}`;
  const rtc = `CN=RTC Service,${microsoft}`;
  const pools = `CN=Pools,${rtc}`;
  const poolDn = `CN=${pool},${pools}`;
  const poolMicrosoft = `CN=Microsoft,${poolDn}`;
  return [system, microsoft, rtc, pools, poolDn, poolMicrosoft, poolHomeServerDn(pool, domainDn)];
}
