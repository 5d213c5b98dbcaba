/**
 * The embedded directory's schema: the classes and attributes an AD forest of the lab needs, with
 * AD's rules where rcclab depends on them (syntaxes, single values, who may carry what, what only
 * the directory writes), and what OCS 2007 R2 adds (./ocsSchema.ts: the user attributes and the
 * classes of the pools' objects).
 */
import { OCS_ATTRIBUTES, OCS_CLASSES, OCS_USER_CLASSES, type OcsSyntax } from "./ocsSchema";

export type Syntax = OcsSyntax | "large" | "guid" | "time" | "oid" | "password";

export interface AttributeDef {
  /** The lDAPDisplayName, as the directory writes it in answers. */
  name: string;
  syntax: Syntax;
  single: boolean;
  /** Written by the directory only (objectGUID, whenCreated …). */
  system?: boolean;
  /** Never returned by a search (unicodePwd). */
  writeOnly?: boolean;
  /** Structural classes that may carry it (default: any). */
  classes?: readonly string[];
}

const USERS = ["user", "computer"] as const;
const PEOPLE = ["user", "computer", "contact"] as const;

const defs: AttributeDef[] = [
  { name: "objectClass", syntax: "oid", single: false },
  { name: "cn", syntax: "unicode", single: true },
  { name: "ou", syntax: "unicode", single: false },
  { name: "dc", syntax: "unicode", single: true },
  { name: "name", syntax: "unicode", single: true, system: true },
  { name: "distinguishedName", syntax: "dn", single: true, system: true },
  { name: "objectGUID", syntax: "guid", single: true, system: true },
  { name: "objectCategory", syntax: "dn", single: true, system: true },
  { name: "whenCreated", syntax: "time", single: true, system: true },
  { name: "whenChanged", syntax: "time", single: true, system: true },
  { name: "pwdLastSet", syntax: "large", single: true, system: true, classes: USERS },
  { name: "description", syntax: "unicode", single: true },
  { name: "showInAdvancedViewOnly", syntax: "boolean", single: true },
  { name: "sAMAccountName", syntax: "unicode", single: true, classes: [...USERS, "group"] },
  { name: "userPrincipalName", syntax: "unicode", single: true, classes: USERS },
  { name: "userAccountControl", syntax: "integer", single: true, classes: USERS },
  { name: "unicodePwd", syntax: "password", single: true, writeOnly: true, classes: USERS },
  { name: "givenName", syntax: "unicode", single: true, classes: PEOPLE },
  { name: "sn", syntax: "unicode", single: true, classes: PEOPLE },
  { name: "initials", syntax: "unicode", single: true, classes: PEOPLE },
  { name: "displayName", syntax: "unicode", single: true },
  { name: "mail", syntax: "unicode", single: true },
  { name: "telephoneNumber", syntax: "unicode", single: true, classes: PEOPLE },
  { name: "ipPhone", syntax: "unicode", single: true, classes: PEOPLE },
  { name: "mobile", syntax: "unicode", single: true, classes: PEOPLE },
  { name: "title", syntax: "unicode", single: true, classes: PEOPLE },
  { name: "department", syntax: "unicode", single: true, classes: PEOPLE },
  { name: "company", syntax: "unicode", single: true, classes: PEOPLE },
  { name: "member", syntax: "dn", single: false, classes: ["group"] },
  { name: "dnsHostName", syntax: "unicode", single: true },
  // OCS schema preparation adds these to the mayContain of User and Contact.
  ...OCS_ATTRIBUTES.map((a) => ({ name: a.lDAPDisplayName, syntax: a.syntax, single: a.isSingleValued, classes: OCS_USER_CLASSES })),
];

export const ATTRIBUTES = new Map(defs.map((d) => [d.name.toLowerCase(), d]));

export interface ClassDef {
  /** The class and its superclasses, as objectClass lists them. */
  chain: readonly string[];
  /** The RDN attribute of its objects. */
  rdn: "cn" | "ou" | "dc";
  /** objectCategory: the CN of the category's classSchema object. */
  category: string;
}

export const CLASSES: Record<string, ClassDef> = {
  domaindns: { chain: ["top", "domain", "domainDNS"], rdn: "dc", category: "Domain-DNS" },
  container: { chain: ["top", "container"], rdn: "cn", category: "Container" },
  organizationalunit: { chain: ["top", "organizationalUnit"], rdn: "ou", category: "Organizational-Unit" },
  user: { chain: ["top", "person", "organizationalPerson", "user"], rdn: "cn", category: "Person" },
  computer: { chain: ["top", "person", "organizationalPerson", "user", "computer"], rdn: "cn", category: "Computer" },
  contact: { chain: ["top", "person", "organizationalPerson", "contact"], rdn: "cn", category: "Person" },
  group: { chain: ["top", "group"], rdn: "cn", category: "Group" },
  // The head of the Configuration partition.
  configuration: { chain: ["top", "configuration"], rdn: "cn", category: "Configuration" },
  // OCS forest preparation and pool activation (their superclass here is top: the published class
  // descriptions do not say; the category is named after the class).
  ...Object.fromEntries(
    Object.values(OCS_CLASSES).map((name) => [name.toLowerCase(), { chain: ["top", name], rdn: "cn" as const, category: name }]),
  ),
};

/** The most specific known class among objectClass values (the structural class). */
export function structuralClass(objectClasses: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const c of objectClasses) {
    const def = CLASSES[c.toLowerCase()];
    if (def && (!best || def.chain.length > CLASSES[best]!.chain.length)) best = c.toLowerCase();
  }
  return best;
}

/** Characters AD refuses in a sAMAccountName. */
export const SAM_INVALID = /["/\\[\]:;|=,+*?<>]/;

export const UAC = { disabled: 0x2, passwordNotRequired: 0x20, normal: 0x200 } as const;
