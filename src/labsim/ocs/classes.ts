/**
 * The OCS 2007 R2 WMI classes the simulated front end serves, written from Microsoft's Office
 * Communications Server 2007 R2 Server SDK WMI reference (namespace root\cimv2). Only what the
 * reference states is modelled: each class's properties, their CIM types, which are keys, which are
 * read-only, and the scope its instances live in.
 *
 * - MSFT_SIPRoutingTableData (dd167403): a static route of the pool (Front End Properties → Routing).
 *   [key] string Backend; boolean Enabled; [key] string InstanceID; string MatchURI; string NextHop;
 *   uint32 NextHopPort; string NextHopTransport; boolean ReplaceHostInRequestURI; uint8[] TLSCertIssuer;
 *   uint8[] TLSCertSN. Backend and InstanceID are read-only; Enabled is "Required". The other
 *   entries' "Required" remarks could not be retrieved; the simulator treats every property of the
 *   Routing tab except the certificate fields as required (a route without a match URI, next hop,
 *   port or transport cannot be entered in the Administration Tool either).
 * - MSFT_SIPRemoteAddressData (dd146524): an authorized host of the pool (Host Authorization).
 *   [key] string Backend; [key] string InstanceID; boolean OutboundOnly; string Server;
 *   boolean ThrottleAsServer; boolean TreatAsAuthenticated. OutboundOnly is "Required"; Server,
 *   ThrottleAsServer and TreatAsAuthenticated are treated as required too (not confirmed).
 * - MSFT_SIPPoolSetting (dd129963): a pool, stored in Active Directory (no Backend key).
 *   string[] Applications; string[] ApplicationServerList; string AppPoolType; string BackEndDBPath;
 *   string DefaultLocationProfile; string DomainFQDN; [key] string InstanceID; uint32 MajorVersion;
 *   string[] MCUFactoryList; uint32 MinorVersion; string PoolDisplayName; string PoolDN; string PoolFQDN;
 *   string[] PoolMemberList; string PoolType; boolean SupportIMPresence; boolean SupportMeeting;
 *   string TrustedMRASServer; string TrustedQoSServer; string[] WebComponentsServerList.
 *   BackEndDBPath is "a read-only value generated as part of the creation of a pool".
 *
 * "Using the Backend Property" (dd146574) and each pool-level class's Backend entry: Backend is
 * required when accessing data from any role that belongs to a pool, "(local)\rtc" for Standard
 * Edition, "computername\instancename" (or "computername") for Enterprise Edition; InstanceID is "a
 * GUID ... encapsulated between the { and } braces".
 */

export type CimType = "string" | "boolean" | "uint32" | "uint8[]" | "string[]";
export type CimScalar = string | boolean | number;
/** A property value as WMI hands it out: null when not set. */
export type CimValue = CimScalar | CimScalar[] | null;

export interface CimProperty {
  name: string;
  type: CimType;
  key?: boolean;
  /** "Access type: Read-only" in the reference. */
  readOnly?: boolean;
  /** "Required." in the reference: a Put without it fails. */
  required?: boolean;
}

export interface CimClass {
  name: string;
  /** Where instances live: the pool's SQL back end (needs Backend) or Active Directory. */
  scope: "pool" | "forest";
  /** Property definitions in alphabetical order, as the reference lists them. */
  properties: readonly CimProperty[];
  /** The reference page. */
  source: string;
}

export const WMI_NAMESPACE = "root\\cimv2";

const SDK = "https://learn.microsoft.com/en-us/previous-versions/office/developer/communication-server-2007-r2";

export const MSFT_SIPRoutingTableData: CimClass = {
  name: "MSFT_SIPRoutingTableData",
  scope: "pool",
  properties: [
    { name: "Backend", type: "string", key: true, readOnly: true },
    { name: "Enabled", type: "boolean", required: true },
    { name: "InstanceID", type: "string", key: true, readOnly: true },
    { name: "MatchURI", type: "string", required: true },
    { name: "NextHop", type: "string", required: true },
    { name: "NextHopPort", type: "uint32", required: true },
    { name: "NextHopTransport", type: "string", required: true },
    { name: "ReplaceHostInRequestURI", type: "boolean", required: true },
    { name: "TLSCertIssuer", type: "uint8[]" },
    { name: "TLSCertSN", type: "uint8[]" },
  ],
  source: `${SDK}/dd167403(v=office.13)`,
};

export const MSFT_SIPRemoteAddressData: CimClass = {
  name: "MSFT_SIPRemoteAddressData",
  scope: "pool",
  properties: [
    { name: "Backend", type: "string", key: true, readOnly: true },
    { name: "InstanceID", type: "string", key: true, readOnly: true },
    { name: "OutboundOnly", type: "boolean", required: true },
    { name: "Server", type: "string", required: true },
    { name: "ThrottleAsServer", type: "boolean", required: true },
    { name: "TreatAsAuthenticated", type: "boolean", required: true },
  ],
  source: `${SDK}/dd146524(v=office.13)`,
};

export const MSFT_SIPPoolSetting: CimClass = {
  name: "MSFT_SIPPoolSetting",
  scope: "forest",
  properties: [
    { name: "Applications", type: "string[]" },
    { name: "ApplicationServerList", type: "string[]" },
    { name: "AppPoolType", type: "string" },
    { name: "BackEndDBPath", type: "string", readOnly: true },
    { name: "DefaultLocationProfile", type: "string" },
    { name: "DomainFQDN", type: "string" },
    { name: "InstanceID", type: "string", key: true, readOnly: true },
    { name: "MajorVersion", type: "uint32", readOnly: true },
    { name: "MCUFactoryList", type: "string[]" },
    { name: "MinorVersion", type: "uint32", readOnly: true },
    { name: "PoolDisplayName", type: "string" },
    { name: "PoolDN", type: "string" },
    { name: "PoolFQDN", type: "string" },
    { name: "PoolMemberList", type: "string[]" },
    { name: "PoolType", type: "string" },
    { name: "SupportIMPresence", type: "boolean" },
    { name: "SupportMeeting", type: "boolean" },
    { name: "TrustedMRASServer", type: "string" },
    { name: "TrustedQoSServer", type: "string" },
    { name: "WebComponentsServerList", type: "string[]" },
  ],
  source: `${SDK}/dd129963(v=office.13)`,
};

export const CLASSES: readonly CimClass[] = [MSFT_SIPRoutingTableData, MSFT_SIPRemoteAddressData, MSFT_SIPPoolSetting];

/** A class by name, compared case-insensitively as WMI does. */
export function findClass(name: string): CimClass | undefined {
  const n = name.toLowerCase();
  return CLASSES.find((c) => c.name.toLowerCase() === n);
}

/** A property of a class by name, case-insensitively. */
export function findProperty(cls: CimClass, name: string): CimProperty | undefined {
  const n = name.toLowerCase();
  return cls.properties.find((p) => p.name.toLowerCase() === n);
}

export const keyNames = (cls: CimClass): string[] => cls.properties.filter((p) => p.key).map((p) => p.name);
