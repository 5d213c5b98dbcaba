/**
 * The catalog of CUP (Cisco Unified Presence 7.0) database tables and columns rcclab reads and writes,
 * and the platform services that must reload them.
 *
 * This is the ONE place in rcclab's providers that names CUP's schema: providers/cup/sql.ts builds
 * every statement from it, so correcting a name against a real CUP box is a change here and nowhere
 * else. The CUP simulator keeps its own reading of the sources (src/labsim/cup/schema.ts), so the two
 * can disagree; today they name the same tables and columns.
 *
 * Honesty about sources. Cisco has never published a CUP 7.0 data dictionary (the published
 * dictionaries are CUCM's). The sources we could check are:
 *  - [IOG6] "Cisco Unified Presence Interoperability Guide, Release 6.0(1)", section "Unified Communicator
 *    Change Notifier (UCCN) → Example Notify Payloads", which lists CUP's change-notified tables:
 *    UcSystemCfg, EPASContacts, EPASContactGroup, ApplicationDialRule, UcAttributeMap, UcCtiGatewayProfile,
 *    UcCtiGatewayHost, EndUser, EpasDevice, UcLdapProfile, UcLdapHost, UcMeetingPlaceHost,
 *    UcMeetingPlaceProfile, ProcessConfig, UcProxyProfile, UcUnityHost, UcUnityProfile,
 *    VoiceMessagingPilot, EpasPrivacyPolicy, PeUriAcl, CUPSystemCfg, UCEnduserCfg, PEBackendGateway.
 *    (http://www.cisco.com/c/en/us/td/docs/voice_ip_comm/cups/6_0_1/interoperability/developer/guide/cpsinter.html)
 *    The table NAMES below that appear in that list are confirmed for CUP 6.0(1); 7.0 kept the same
 *    database lineage but we could not see 7.0's own list.
 *  - [ADM7] "Cisco Unified Presence Administration Guide, Release 7.0", chapter "Configuring Incoming ACL
 *    in Cisco Unified Presence Administration" (System > Security > Incoming ACL: an address pattern and
 *    a description per entry; IP, IP range/subnet, FQDN and wildcard domain patterns; "ALL"/"NONE").
 *    (https://www.cisco.com/c/en/us/td/docs/voice_ip_comm/cups/7_0/english/config_maintenance/administration/guide/b03iacl.html)
 *    This confirms the PAGE and its fields, not the table behind it.
 *  - [RCC7] DocWiki "Cisco Unified Presence, Release 7.x -- Overview of the Remote Call Control Feature":
 *    up to eight CTI connection addresses (CUCM nodes), used round-robin in the order configured.
 *
 * COLUMN names were not visible in any source we could read (the UCCN example payloads are not in
 * the text we could retrieve): every column name below is UNCONFIRMED, modelled on CUCM's conventions
 * (lower-case names, `pkid` GUID primary keys, `fk<table>` foreign keys, `tk<type>` enum codes) and
 * listed in `UNCONFIRMED`.
 */

/** A column's type in CUP's Informix database, as rcclab reads and writes it. */
export type ColumnType =
  /** A GUID in CUCM/CUP's textual form (lower-case hex, dashes, no braces). */
  | "guid"
  /** A character string of at most `max` characters. */
  | "string"
  /** A 32-bit integer (enum codes are integers too). */
  | "int"
  /** Informix boolean: 't' / 'f'. */
  | "boolean";

export interface ColumnSpec {
  readonly type: ColumnType;
  /** Maximum length for strings. */
  readonly max?: number;
  /** Integer bounds. */
  readonly min?: number;
  readonly maxValue?: number;
  /** NULL allowed (otherwise NOT NULL). */
  readonly nullable?: boolean;
  /** The value a new row gets when an INSERT leaves the column out (as it would be stored). */
  readonly default?: string | number | boolean | null;
  /** Unique on its own (case-insensitive for strings, as CUP's admin pages treat names). */
  readonly unique?: boolean;
  /** A foreign key: the referenced table (its `pkid`). */
  readonly references?: string;
}

export interface TableSpec {
  /** The table name as used in SQL (Informix folds identifiers to lower case). */
  readonly table: string;
  /** The name as the source spells it (or as we model it when unconfirmed). */
  readonly docName: string;
  /** What the table holds, which admin page edits it, and where its name was confirmed. */
  readonly about: string;
  /** Whether the table name itself is confirmed by a source (columns never are; see the module doc). */
  readonly nameConfirmed: boolean;
  readonly columns: Readonly<Record<string, ColumnSpec>>;
  /** The primary key column. */
  readonly primaryKey: "pkid";
  /** Column sets that are unique together (the natural keys rcclab looks rows up by). */
  readonly uniqueTogether: readonly (readonly string[])[];
  /** True for tables CUP holds exactly one row of (settings pages); rcclab only updates them. */
  readonly singleton: boolean;
  /**
   * CUP platform services that read this table only when they start: a change to it takes effect after
   * `utils service restart "<name>"`. The client restarts them once per operation that changed a row.
   */
  readonly reloadServices: readonly CupServiceName[];
}

/**
 * CUP 7.0 service names as `utils service list` prints them (and as `utils service restart` takes them).
 * "Cisco UP SIP Proxy" and "Cisco UP Presence Engine" are the names the CUP 7.x documentation uses
 * (Serviceability > Control Center - Feature Services); in CUP 6.x/7.x the CTI gateway (desk phone control)
 * runs inside the SIP proxy, so desk phone control changes reload with the SIP proxy. "Cisco UP Sync
 * Agent" syncs users and devices from the CUCM publisher. These names come from the CUP 7.x
 * administration and serviceability guides' service lists; the mapping from table to service is our
 * reading of those guides (the guides say "restart the SIP Proxy service" after incoming ACL, static route
 * and desk phone control changes) and is listed in UNCONFIRMED.
 */
export const CUP_SERVICES = {
  sipProxy: "Cisco UP SIP Proxy",
  presenceEngine: "Cisco UP Presence Engine",
  syncAgent: "Cisco UP Sync Agent",
} as const;
export type CupServiceName = (typeof CUP_SERVICES)[keyof typeof CUP_SERVICES];

// ---------------------------------------------------------------------------------------------------
// Enum / type codes
// ---------------------------------------------------------------------------------------------------

/** Static route "Route Type" (Presence > Routing > Static Routes). Codes UNCONFIRMED. */
export const ROUTE_TYPE = { user: 0, domain: 1 } as const;
export type RouteType = keyof typeof ROUTE_TYPE;

/** Static route "Protocol Type". Codes UNCONFIRMED. */
export const PROTOCOL_TYPE = { UDP: 1, TCP: 2, TLS: 3 } as const;
export type ProtocolType = keyof typeof PROTOCOL_TYPE;

/** The CTI gateway profile rcclab manages: CUP 7.0 has one desk phone control profile. Name UNCONFIRMED. */
export const DESK_PHONE_CONTROL_PROFILE_NAME = "DeskPhoneControl";

/** At most eight CTI gateway (CUCM) addresses [RCC7]. */
export const MAX_CTI_GATEWAY_HOSTS = 8;

// ---------------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------------

/** CUCM publisher information (System > CUCM Publisher). C2. One row. */
export const CUP_SYSTEM_CFG: TableSpec = {
  table: "cupsystemcfg",
  docName: "CUPSystemCfg",
  about:
    "CUP system-wide configuration; rcclab keeps the CUCM publisher binding here (address, AXL user, AXL " +
    "password). Table name confirmed in [IOG6] (UCCN payload list); that the CUCM publisher lives in this " +
    "table, and every column name, are UNCONFIRMED.",
  nameConfirmed: true,
  columns: {
    pkid: { type: "guid" },
    ccmpublisheraddress: { type: "string", max: 255, default: "" },
    ccmaxlusername: { type: "string", max: 128, default: "" },
    ccmaxlpassword: { type: "string", max: 128, default: "" },
  },
  primaryKey: "pkid",
  uniqueTogether: [],
  singleton: true,
  reloadServices: [CUP_SERVICES.syncAgent],
};

/** Presence settings (Presence > Settings). C7. One row. */
export const UC_PROXY_PROFILE: TableSpec = {
  table: "ucproxyprofile",
  docName: "UcProxyProfile",
  about:
    "SIP proxy profile; rcclab keeps the values of the Presence > Settings page here (SIP proxy domain, " +
    "availability sharing, auto-approval, contact list and watcher limits). Table name confirmed in " +
    "[IOG6]; that the presence settings live in it, and every column name, are UNCONFIRMED.",
  nameConfirmed: true,
  columns: {
    pkid: { type: "guid" },
    proxydomain: { type: "string", max: 255, default: "" },
    enableavailabilitysharing: { type: "boolean", default: true },
    allowautoapproval: { type: "boolean", default: false },
    maxcontactlistsize: { type: "int", min: 0, maxValue: 1000, default: 200 },
    maxwatchers: { type: "int", min: 0, maxValue: 1000, default: 200 },
  },
  primaryKey: "pkid",
  uniqueTogether: [],
  singleton: true,
  reloadServices: [CUP_SERVICES.sipProxy, CUP_SERVICES.presenceEngine],
};

/** Incoming ACL entries (System > Security > Incoming ACL) [ADM7]. C3. */
export const INCOMING_ACL: TableSpec = {
  table: "incomingacl",
  docName: "IncomingAcl",
  about:
    "SIP proxy incoming access control list: address patterns allowed in without digest authentication. " +
    "The page and its fields (address pattern, description) are confirmed in [ADM7]; the TABLE NAME and " +
    "columns are UNCONFIRMED (not in [IOG6]'s list).",
  nameConfirmed: false,
  columns: {
    pkid: { type: "guid" },
    address: { type: "string", max: 255, unique: true },
    description: { type: "string", max: 128, default: "" },
  },
  primaryKey: "pkid",
  uniqueTogether: [["address"]],
  singleton: false,
  reloadServices: [CUP_SERVICES.sipProxy],
};

/**
 * Static routes (Presence > Routing > Static Routes): the "destination" entries. C3: each OCS front
 * end / pool is a destination pattern whose next hop is that server, so CUP's SIP proxy routes the
 * requests for the OCS domain (the NOTIFYs of a desk phone control session) back to OCS.
 */
export const STATIC_ROUTE: TableSpec = {
  table: "staticroute",
  docName: "StaticRoute",
  about:
    "SIP proxy static routes (destination pattern → next hop, port, protocol). The page exists in CUP " +
    "(Presence > Routing > Static Routes, fields Destination Pattern, Description, Next Hop, Next Hop Port, " +
    "Route Type, Protocol Type, Priority, Weight, In Service); the TABLE NAME and columns are UNCONFIRMED.",
  nameConfirmed: false,
  columns: {
    pkid: { type: "guid" },
    destinationpattern: { type: "string", max: 255 },
    description: { type: "string", max: 128, default: "" },
    nexthop: { type: "string", max: 255 },
    nexthopport: { type: "int", min: 1, maxValue: 65535, default: 5060 },
    tkroutetype: { type: "int", min: 0, maxValue: 1, default: ROUTE_TYPE.domain },
    tkprotocoltype: { type: "int", min: 1, maxValue: 3, default: PROTOCOL_TYPE.TCP },
    priority: { type: "int", min: 1, maxValue: 65535, default: 1 },
    weight: { type: "int", min: 0, maxValue: 65535, default: 10 },
    inservice: { type: "boolean", default: true },
  },
  primaryKey: "pkid",
  uniqueTogether: [["destinationpattern", "nexthop", "nexthopport"]],
  singleton: false,
  reloadServices: [CUP_SERVICES.sipProxy],
};

/** Desk phone control settings (Application > Desk Phone Control > Settings). C4. */
export const UC_CTI_GATEWAY_PROFILE: TableSpec = {
  table: "ucctigatewayprofile",
  docName: "UcCtiGatewayProfile",
  about:
    "The CTI gateway (desk phone control) profile: the CUCM application user CUP's CTI gateway signs in " +
    "as, its password, and the timers (heartbeat interval, session timer). Table name confirmed in " +
    "[IOG6]; columns UNCONFIRMED.",
  nameConfirmed: true,
  columns: {
    pkid: { type: "guid" },
    name: { type: "string", max: 50, unique: true },
    description: { type: "string", max: 128, default: "" },
    applicationusername: { type: "string", max: 128, default: "" },
    applicationpassword: { type: "string", max: 128, default: "" },
    heartbeatinterval: { type: "int", min: 1, maxValue: 3600, default: 60 },
    sessiontimer: { type: "int", min: 1, maxValue: 86400, default: 3600 },
  },
  primaryKey: "pkid",
  uniqueTogether: [["name"]],
  singleton: false,
  reloadServices: [CUP_SERVICES.sipProxy],
};

/** CTI gateway addresses (CUCM nodes, up to eight, in priority order) [RCC7]. C4. */
export const UC_CTI_GATEWAY_HOST: TableSpec = {
  table: "ucctigatewayhost",
  docName: "UcCtiGatewayHost",
  about:
    "The CTI gateway's CUCM (CTI Manager) addresses, one row per address, ordered by priority. Table name " +
    "confirmed in [IOG6]; columns UNCONFIRMED.",
  nameConfirmed: true,
  columns: {
    pkid: { type: "guid" },
    fkucctigatewayprofile: { type: "guid", references: "ucctigatewayprofile" },
    address: { type: "string", max: 255 },
    priority: { type: "int", min: 1, maxValue: MAX_CTI_GATEWAY_HOSTS },
  },
  primaryKey: "pkid",
  uniqueTogether: [
    ["fkucctigatewayprofile", "priority"],
    ["fkucctigatewayprofile", "address"],
  ],
  singleton: false,
  reloadServices: [CUP_SERVICES.sipProxy],
};

/** End users, synced from the CUCM publisher by the Sync Agent. C5 (read-only for rcclab). */
export const END_USER: TableSpec = {
  table: "enduser",
  docName: "EndUser",
  about:
    "End users CUP knows, synced from CUCM (rcclab never writes them: C5 checks the stack's RCC users are " +
    "here). Table name confirmed in [IOG6]; columns modelled on CUCM's enduser table (pkid, userid, " +
    "firstname, lastname), UNCONFIRMED for CUP.",
  nameConfirmed: true,
  columns: {
    pkid: { type: "guid" },
    userid: { type: "string", max: 128, unique: true },
    firstname: { type: "string", max: 64, default: "" },
    lastname: { type: "string", max: 64, default: "" },
  },
  primaryKey: "pkid",
  uniqueTogether: [["userid"]],
  singleton: false,
  reloadServices: [],
};

/** Per-user CUP configuration, including the desk phone control assignment. C5–C6. */
export const UC_ENDUSER_CFG: TableSpec = {
  table: "ucendusercfg",
  docName: "UCEnduserCfg",
  about:
    "Per-end-user CUP settings; rcclab uses the desk phone control assignment (a reference to the CTI " +
    "gateway profile: set = assigned, NULL = not assigned; Application > Desk Phone Control > Assign " +
    "Users). Table name confirmed in [IOG6]; columns, and that the assignment lives here, UNCONFIRMED.",
  nameConfirmed: true,
  columns: {
    pkid: { type: "guid" },
    fkenduser: { type: "guid", unique: true, references: "enduser" },
    fkucctigatewayprofile: { type: "guid", nullable: true, default: null, references: "ucctigatewayprofile" },
  },
  primaryKey: "pkid",
  uniqueTogether: [["fkenduser"]],
  singleton: false,
  reloadServices: [CUP_SERVICES.sipProxy],
};

/**
 * Every table rcclab touches, in dependency order (referenced tables first).
 */
export const TABLES: readonly TableSpec[] = [
  CUP_SYSTEM_CFG,
  UC_PROXY_PROFILE,
  INCOMING_ACL,
  STATIC_ROUTE,
  UC_CTI_GATEWAY_PROFILE,
  UC_CTI_GATEWAY_HOST,
  END_USER,
  UC_ENDUSER_CFG,
];

export function tableByName(name: string): TableSpec | undefined {
  const n = name.toLowerCase();
  return TABLES.find((t) => t.table === n);
}

/**
 * What a fresh CUP 7.0 install holds in the tables rcclab uses (as rcclab assumes it): one row
 * in each singleton table and the (empty) desk phone control profile. The pkids are fixed so seed
 * states are reproducible.
 */
export const SEED_ROWS: Readonly<Record<string, readonly Readonly<Record<string, string | number | boolean | null>>[]>> = {
  cupsystemcfg: [{ pkid: "8c6d2a10-0c1d-4a4e-9d7e-5b1f0a000001", ccmpublisheraddress: "", ccmaxlusername: "", ccmaxlpassword: "" }],
  ucproxyprofile: [
    {
      pkid: "8c6d2a10-0c1d-4a4e-9d7e-5b1f0a000002",
      proxydomain: "",
      enableavailabilitysharing: true,
      allowautoapproval: false,
      maxcontactlistsize: 200,
      maxwatchers: 200,
    },
  ],
  ucctigatewayprofile: [
    {
      pkid: "8c6d2a10-0c1d-4a4e-9d7e-5b1f0a000003",
      name: DESK_PHONE_CONTROL_PROFILE_NAME,
      description: "",
      applicationusername: "",
      applicationpassword: "",
      heartbeatinterval: 60,
      sessiontimer: 3600,
    },
  ],
};

/**
 * Names rcclab uses that no source we could read confirms. The README lists them; correct them here
 * (and only here) against a real CUP 7.0 (`run sql select tabname from systables where tabid > 99` on
 * the CUP CLI, or `executeSQLQuery` on `systables` / `syscolumns`).
 */
export const UNCONFIRMED: readonly string[] = [
  "table incomingacl (System > Security > Incoming ACL; the page is confirmed, the table name is not)",
  "table staticroute (Presence > Routing > Static Routes; the page is confirmed, the table name is not)",
  "every column name in every table (cupsystemcfg, ucproxyprofile, incomingacl, staticroute, ucctigatewayprofile, ucctigatewayhost, enduser, ucendusercfg)",
  "cupsystemcfg holds the CUCM publisher binding (address, AXL user, AXL password)",
  "ucproxyprofile holds the Presence > Settings values (SIP proxy domain and the page's other values)",
  "ucendusercfg.fkucctigatewayprofile is the desk phone control user assignment",
  "static route enum codes: tkroutetype (user 0, domain 1), tkprotocoltype (UDP 1, TCP 2, TLS 3)",
  `the desk phone control profile row name "${DESK_PHONE_CONTROL_PROFILE_NAME}"`,
  "which service reloads which table (SIP Proxy: ACL, static routes, desk phone control, assignments; SIP Proxy + Presence Engine: presence settings; Sync Agent: CUCM publisher)",
  'CUP AXL namespace http://www.cisco.com/AXL/API/1.0 and SOAPAction "CUCM:DB ver=1.0 <operation>" (see CUP_AXL)',
  "getCUPVersion's answer shape (return/componentVersion/version, as CUCM's getCCMVersion)",
];

// ---------------------------------------------------------------------------------------------------
// CUP's AXL interface
// ---------------------------------------------------------------------------------------------------

/**
 * CUP's AXL endpoint, namespace and SOAPAction. CUP 6.x/7.x serve AXL at https://<cup>:8443/axl/ with
 * a schema of their own, much smaller than CUCM's ([IOG6] "Network Management Interface → AXL
 * Versioning Support / AXL Configuration APIs"; the section text itself could not be retrieved).
 *
 * UNCONFIRMED: the namespace and SOAPAction. We could not read CUP 7.0's AXL WSDL or an example request.
 * Assuming CUP's small schema was not versioned per CUCM release, rcclab uses the original AXL
 * namespace `http://www.cisco.com/AXL/API/1.0` and the versioned SOAPAction form CUCM's AXL uses
 * (`CUCM:DB ver=1.0 <operation>`). Both are constants here (and in providers/cup/cup-axl.wsdl) so a
 * capture from a real CUP corrects them in one place. The getCUPVersion answer is modelled on
 * getCCMVersion's (`return/componentVersion/version`), also UNCONFIRMED.
 */
export const CUP_AXL = {
  path: "/axl/",
  namespace: "http://www.cisco.com/AXL/API/1.0",
  schemaVersion: "1.0",
  operations: ["getCUPVersion", "executeSQLQuery", "executeSQLUpdate"] as const,
} as const;
export type CupAxlOperation = (typeof CUP_AXL.operations)[number];

/** The SOAPAction header of a CUP AXL request. */
export const cupSoapAction = (operation: CupAxlOperation): string => `CUCM:DB ver=${CUP_AXL.schemaVersion} ${operation}`;
