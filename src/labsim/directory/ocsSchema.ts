/**
 * What Office Communications Server 2007 R2 adds to an Active Directory forest, as far as the lab's
 * directory needs it, written from Microsoft's published schema (the "Schema Attributes and
 * Descriptions", "Schema Classes and Descriptions" and "Changes Made by Forest Preparation" pages of
 * the OCS / Lync / Skype for Business Server schema reference) and kept apart from rcclab's client
 * code, so the directory judges the client by its own copy.
 *
 * Attributes: the user attributes remote call control uses, under Microsoft's OCS arc
 * 1.2.840.113556.1.6.24.1, with their AD attribute syntaxes; schema preparation adds them to the
 * mayContain of the User and Contact classes.
 *
 * Classes: where forest preparation and pool activation put a pool. The "RTC Service" object
 * (msRTCSIP-Service) lives under CN=Services in the Configuration partition (R2's default) or under
 * CN=Microsoft,CN=System of the forest root domain; below it CN=Pools (msRTCSIP-Pools), one object
 * per pool (msRTCSIP-Pool), and the pool's service control point CN=LC Services,CN=Microsoft,<pool>
 * (msRTCSIP-PoolService), the object a homed user's msRTCSIP-PrimaryHomeServer points to.
 */
import { childDn } from "./dn";

/** AD attribute syntaxes (attributeSyntax, oMSyntax) the OCS user attributes use. */
export const SYNTAX = {
  /** Object(DS-DN): a reference; AD refuses a reference to a missing object. */
  dn: { attributeSyntax: "2.5.5.1", oMSyntax: 127 },
  /** Boolean: TRUE or FALSE. */
  boolean: { attributeSyntax: "2.5.5.8", oMSyntax: 1 },
  /** Integer: 32-bit signed. */
  integer: { attributeSyntax: "2.5.5.9", oMSyntax: 2 },
  /** Unicode string, matched without regard to case. */
  unicode: { attributeSyntax: "2.5.5.12", oMSyntax: 64 },
} as const;

export type OcsSyntax = keyof typeof SYNTAX;

export interface OcsAttributeDef {
  lDAPDisplayName: string;
  attributeID: string;
  syntax: OcsSyntax;
  isSingleValued: boolean;
}

export const OCS_ATTRIBUTES: readonly OcsAttributeDef[] = [
  { lDAPDisplayName: "msRTCSIP-PrimaryUserAddress", attributeID: "1.2.840.113556.1.6.24.1.1", syntax: "unicode", isSingleValued: true },
  { lDAPDisplayName: "msRTCSIP-UserEnabled", attributeID: "1.2.840.113556.1.6.24.1.6", syntax: "boolean", isSingleValued: true },
  { lDAPDisplayName: "msRTCSIP-PrimaryHomeServer", attributeID: "1.2.840.113556.1.6.24.1.57", syntax: "dn", isSingleValued: true },
  { lDAPDisplayName: "msRTCSIP-OptionFlags", attributeID: "1.2.840.113556.1.6.24.1.87", syntax: "integer", isSingleValued: true },
  { lDAPDisplayName: "msRTCSIP-Line", attributeID: "1.2.840.113556.1.6.24.1.88", syntax: "unicode", isSingleValued: true },
  { lDAPDisplayName: "msRTCSIP-LineServer", attributeID: "1.2.840.113556.1.6.24.1.89", syntax: "unicode", isSingleValued: true },
];

/** The classes that carry the OCS user attributes (schema preparation's mayContain). */
export const OCS_USER_CLASSES = ["user", "contact"] as const;

/** The OCS classes of the pools' objects (named by lDAPDisplayName; all named by CN=). */
export const OCS_CLASSES = {
  service: "msRTCSIP-Service",
  pools: "msRTCSIP-Pools",
  pool: "msRTCSIP-Pool",
  poolService: "msRTCSIP-PoolService",
} as const;

/** Where forest preparation puts the RTC Service object. */
export type RtcServiceLocation = "configuration" | "system";

/** The RTC Service object's DN: in the Configuration partition, or in the forest root domain's System container. */
export function rtcServiceDnFor(where: RtcServiceLocation, forestRootDn: string): string {
  return where === "configuration" ? `CN=RTC Service,CN=Services,CN=Configuration,${forestRootDn}` : `CN=RTC Service,CN=Microsoft,CN=System,${forestRootDn}`;
}

/** The objects from the RTC Service object down to a pool's LC Services object, parents first, with their classes. */
export function poolObjects(rtcServiceDn: string, pool: string): { dn: string; objectClass: string }[] {
  const pools = `CN=Pools,${rtcServiceDn}`;
  const poolDn = childDn("CN", pool, pools);
  const microsoft = `CN=Microsoft,${poolDn}`;
  return [
    { dn: rtcServiceDn, objectClass: OCS_CLASSES.service },
    { dn: pools, objectClass: OCS_CLASSES.pools },
    { dn: poolDn, objectClass: OCS_CLASSES.pool },
    { dn: microsoft, objectClass: "container" },
    { dn: `CN=LC Services,${microsoft}`, objectClass: OCS_CLASSES.poolService },
  ];
}
