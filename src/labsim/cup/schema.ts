/**
 * The simulated CUP 7.0's own database schema, services and AXL constants. Written here, from what
 * Cisco published, and NOT imported from providers/: the simulator and rcclab's CUP client are two
 * readings of the same sources and may disagree (that is what a preflight against the live
 * `systables` / `syscolumns` is for).
 *
 * Every table and column says whether it is DOCUMENTED (and where) or ASSUMED. Sources:
 *  - [IOG6] Cisco Unified Presence Interoperability Guide, Release 6.0(1), "Unified Communicator Change
 *    Notifier (UCCN)": the list of CUP database tables whose changes are notified (among them
 *    CUPSystemCfg, UcProxyProfile, UcCtiGatewayProfile, UcCtiGatewayHost, EndUser, UCEnduserCfg).
 *    https://www.cisco.com/c/en/us/td/docs/voice_ip_comm/cups/6_0_1/interoperability/developer/guide/cpsinter.html
 *    Documents that tables of those NAMES exist (in 6.0(1); 7.0 is the same database lineage). Their
 *    columns are not given in the text we could read.
 *  - [UPC1] CUPS 1.0(2) administration guide pages b04uctip / b04upxp: UcCtiGatewayProfile and
 *    UcProxyProfile back Unified Personal Communicator's "CTI Gateway Profile" / "Proxy Profile" pages,
 *    i.e. a different feature than MOC desk phone control (see /work/shared/sources.md "CUP 7.0").
 *  - [ADM7] Cisco Unified Presence Administration Guide, Release 7.0, "Configuring Incoming ACL"
 *    (b03iacl): System > Security > Incoming ACL, fields Address Pattern and Description. Documents the
 *    PAGE and its fields, not the table behind it.
 *    https://www.cisco.com/c/en/us/td/docs/voice_ip_comm/cups/7_0/english/config_maintenance/administration/guide/b03iacl.html
 *  - [RCC12] IM&P 12.5 remote call control guide, chapter 11 ("Application > Microsoft RCC > Settings /
 *    User Assignment"; "Application > Deskphone Control" in 7.x): application username and password,
 *    heartbeat interval, session timer, up to eight CTI (CUCM) addresses; per-user assignment. Fields,
 *    not columns.
 *  - [IFX] Informix Guide to SQL: Reference, SYSTABLES and SYSCOLUMNS (IBM Informix 12.10 / HCL 14.10
 *    knowledge center pages ids_sqr_072, ids_sqr_025): catalog columns, coltype codes (0 CHAR, 1 SMALLINT,
 *    2 INTEGER, 6 SERIAL, 13 VARCHAR, 41 fixed-length opaque, +256 when NOT NULL), VARCHAR collength =
 *    min * 256 + max, user tables from tabid 100, tabtype 'T' for a table. A BOOLEAN column is stored
 *    as the built-in fixed-length opaque type: coltype 41 (297 NOT NULL), collength 1, told apart by
 *    extended_id (45 = SQLBOOL is a client-side code only; sqltypes.h, as explained on
 *    dba.stackexchange.com/questions/289296). extended_id 5 for BOOLEAN is ASSUMED (sysxtdtypes).
 * No CUP/IM&P data dictionary was ever published: every COLUMN name below is ASSUMED (modelled on
 * CUCM's conventions: lower-case, `pkid` GUID primary key, `fk<table>` references, `tk<enum>` codes).
 * The tables and columns today are the ones rcclab's client reads and writes, so the embedded lab
 * works; they are spelled here, independently, and can be corrected here without touching the client.
 */

/** How the simulator stores a column (and which Informix type the catalog reports for it). */
export type SimColumnType =
  /** A GUID in CUCM/CUP's text form: Informix CHAR(36) (ASSUMED, as CUCM's pkid columns). */
  | "guid"
  /** VARCHAR(max). */
  | "string"
  /** INTEGER. */
  | "int"
  /** Informix BOOLEAN ('t' / 'f'). */
  | "boolean";

/** Where a name comes from. */
export interface Provenance {
  /** "documented": a published source names it; "assumed": our model, unconfirmed. */
  readonly status: "documented" | "assumed";
  /** The source key ([IOG6], [ADM7]…) and what it shows, or why we assume it. */
  readonly source: string;
}

export interface SimColumn {
  readonly type: SimColumnType;
  readonly max?: number;
  readonly min?: number;
  readonly maxValue?: number;
  /** NULL allowed (otherwise NOT NULL). */
  readonly nullable?: boolean;
  /** Stored when an INSERT leaves the column out. */
  readonly default?: string | number | boolean | null;
  /** A unique index on this column alone (strings compare without case). */
  readonly unique?: boolean;
  /** A foreign key to that table's pkid. */
  readonly references?: string;
  /** Absent: the column name is assumed (see the module doc). */
  readonly provenance?: Provenance;
}

export interface SimTable {
  /** The name in SQL (Informix folds identifiers to lower case). */
  readonly table: string;
  /** The name as the source spells it (or as we model it). */
  readonly docName: string;
  readonly provenance: Provenance;
  readonly about: string;
  readonly columns: Readonly<Record<string, SimColumn>>;
  readonly uniqueTogether: readonly (readonly string[])[];
  /** One row only (a settings page): UPDATE only. */
  readonly singleton: boolean;
  /** The services that re-read this table only when they start (ASSUMED: see RELOADS). */
  readonly reloadServices: readonly CupSimService[];
}

/** CUP 7.0 service names as `utils service list` prints them (ASSUMED spelling, see services.ts). */
export const CUP_SIM_SERVICES = {
  sipProxy: "Cisco UP SIP Proxy",
  presenceEngine: "Cisco UP Presence Engine",
  syncAgent: "Cisco UP Sync Agent",
} as const;
export type CupSimService = (typeof CUP_SIM_SERVICES)[keyof typeof CUP_SIM_SERVICES];

const IOG6 = (name: string): Provenance => ({ status: "documented", source: `[IOG6] ${name} is in the UCCN change-notified table list (CUP 6.0(1))` });
const ASSUMED_COLUMN: Provenance = { status: "assumed", source: "no CUP data dictionary published; modelled on CUCM's naming" };
const field = (page: string): Provenance => ({ status: "assumed", source: `column name assumed; the field is documented on ${page}` });
const PKID: SimColumn = { type: "guid", provenance: { status: "assumed", source: "CUCM's pkid convention (CUP shares its database lineage)" } };

/** The name of the one desk phone control profile row a fresh CUP holds (ASSUMED). */
export const SIM_DESK_PHONE_CONTROL_PROFILE = "DeskPhoneControl";

const { sipProxy, presenceEngine, syncAgent } = CUP_SIM_SERVICES;

/**
 * CUP's tables as the simulator holds them, referenced tables first. reloadServices is the
 * simulator's own ASSUMED data: the 7.x guides say to restart the SIP Proxy after ACL, routing and
 * desk phone control changes; presence settings also reload the Presence Engine; the CUCM publisher
 * binding the Sync Agent.
 */
export const SIM_TABLES: readonly SimTable[] = [
  {
    table: "cupsystemcfg",
    docName: "CUPSystemCfg",
    provenance: IOG6("CUPSystemCfg"),
    about: "System-wide configuration; the simulator keeps the CUCM publisher binding here (ASSUMED placement).",
    columns: {
      pkid: PKID,
      ccmpublisheraddress: { type: "string", max: 255, default: "", provenance: field("System > CUCM Publisher (CUP 7.0 admin guide)") },
      ccmaxlusername: { type: "string", max: 128, default: "", provenance: ASSUMED_COLUMN },
      ccmaxlpassword: { type: "string", max: 128, default: "", provenance: ASSUMED_COLUMN },
    },
    uniqueTogether: [],
    singleton: true,
    reloadServices: [syncAgent],
  },
  {
    table: "ucproxyprofile",
    docName: "UcProxyProfile",
    provenance: IOG6("UcProxyProfile"),
    about:
      "Documented as a table name [IOG6] (Personal Communicator's Proxy Profile [UPC1]); that it holds the " +
      "Presence > Settings values is ASSUMED.",
    columns: {
      pkid: PKID,
      proxydomain: { type: "string", max: 255, default: "", provenance: ASSUMED_COLUMN },
      enableavailabilitysharing: { type: "boolean", default: true, provenance: ASSUMED_COLUMN },
      allowautoapproval: { type: "boolean", default: false, provenance: ASSUMED_COLUMN },
      maxcontactlistsize: { type: "int", min: 0, maxValue: 1000, default: 200, provenance: ASSUMED_COLUMN },
      maxwatchers: { type: "int", min: 0, maxValue: 1000, default: 200, provenance: ASSUMED_COLUMN },
    },
    uniqueTogether: [],
    singleton: true,
    reloadServices: [sipProxy, presenceEngine],
  },
  {
    table: "incomingacl",
    docName: "IncomingAcl",
    provenance: { status: "assumed", source: "[ADM7] documents the Incoming ACL page, not its table; not in [IOG6]'s list" },
    about: "SIP proxy incoming ACL: address patterns let in without digest authentication.",
    columns: {
      pkid: PKID,
      address: { type: "string", max: 255, unique: true, provenance: field("System > Security > Incoming ACL, Address Pattern [ADM7]") },
      description: { type: "string", max: 128, default: "", provenance: field("System > Security > Incoming ACL, Description [ADM7]") },
    },
    uniqueTogether: [["address"]],
    singleton: false,
    reloadServices: [sipProxy],
  },
  {
    table: "outgoingacl",
    docName: "OutgoingAcl",
    provenance: {
      status: "assumed",
      source: "the guide's C3 'destination ACL' entries; later RCC guides document System > Security > Outgoing ACL (address pattern, description); no source names its table",
    },
    about: "SIP proxy outgoing ACL: the destinations the proxy may send to (the OCS front ends).",
    columns: {
      pkid: PKID,
      address: { type: "string", max: 255, unique: true, provenance: field("System > Security > Outgoing ACL, Address Pattern (later RCC guides)") },
      description: { type: "string", max: 128, default: "", provenance: field("System > Security > Outgoing ACL, Description (later RCC guides)") },
    },
    uniqueTogether: [["address"]],
    singleton: false,
    reloadServices: [sipProxy],
  },
  {
    table: "staticroute",
    docName: "StaticRoute",
    provenance: { status: "assumed", source: "Presence > Routing > Static Routes page; no source names its table" },
    about: "SIP proxy static routes (destination pattern → next hop).",
    columns: {
      pkid: PKID,
      destinationpattern: { type: "string", max: 255, provenance: ASSUMED_COLUMN },
      description: { type: "string", max: 128, default: "", provenance: ASSUMED_COLUMN },
      nexthop: { type: "string", max: 255, provenance: ASSUMED_COLUMN },
      nexthopport: { type: "int", min: 1, maxValue: 65535, default: 5060, provenance: ASSUMED_COLUMN },
      tkroutetype: { type: "int", min: 0, maxValue: 1, default: 1, provenance: ASSUMED_COLUMN },
      tkprotocoltype: { type: "int", min: 1, maxValue: 3, default: 2, provenance: ASSUMED_COLUMN },
      priority: { type: "int", min: 1, maxValue: 65535, default: 1, provenance: ASSUMED_COLUMN },
      weight: { type: "int", min: 0, maxValue: 65535, default: 10, provenance: ASSUMED_COLUMN },
      inservice: { type: "boolean", default: true, provenance: ASSUMED_COLUMN },
    },
    uniqueTogether: [["destinationpattern", "nexthop", "nexthopport"]],
    singleton: false,
    reloadServices: [sipProxy],
  },
  {
    table: "ucctigatewayprofile",
    docName: "UcCtiGatewayProfile",
    provenance: IOG6("UcCtiGatewayProfile"),
    about:
      "Documented as a table name [IOG6] (Personal Communicator's CTI Gateway Profile [UPC1]); that MOC desk " +
      "phone control settings live here is ASSUMED.",
    columns: {
      pkid: PKID,
      name: { type: "string", max: 50, unique: true, provenance: ASSUMED_COLUMN },
      description: { type: "string", max: 128, default: "", provenance: ASSUMED_COLUMN },
      applicationusername: { type: "string", max: 128, default: "", provenance: field("Deskphone Control settings, Application Username [RCC12]") },
      applicationpassword: { type: "string", max: 128, default: "", provenance: field("Deskphone Control settings, Application Password [RCC12]") },
      heartbeatinterval: { type: "int", min: 1, maxValue: 3600, default: 60, provenance: field("Deskphone Control settings, Heartbeat Interval [RCC12]") },
      sessiontimer: { type: "int", min: 1, maxValue: 86400, default: 3600, provenance: field("Deskphone Control settings, Session Timer [RCC12]") },
    },
    uniqueTogether: [["name"]],
    singleton: false,
    reloadServices: [sipProxy],
  },
  {
    table: "ucctigatewayhost",
    docName: "UcCtiGatewayHost",
    provenance: IOG6("UcCtiGatewayHost"),
    about: "The CTI gateway's CUCM addresses, one row each, by priority (at most eight [RCC12]).",
    columns: {
      pkid: PKID,
      fkucctigatewayprofile: { type: "guid", references: "ucctigatewayprofile", provenance: ASSUMED_COLUMN },
      address: { type: "string", max: 255, provenance: field("Deskphone Control settings, CTI addresses [RCC12]") },
      priority: { type: "int", min: 1, maxValue: 8, provenance: ASSUMED_COLUMN },
    },
    uniqueTogether: [
      ["fkucctigatewayprofile", "priority"],
      ["fkucctigatewayprofile", "address"],
    ],
    singleton: false,
    reloadServices: [sipProxy],
  },
  {
    table: "enduser",
    docName: "EndUser",
    provenance: IOG6("EndUser"),
    about: "End users the Sync Agent copies from the CUCM publisher.",
    columns: {
      pkid: PKID,
      userid: { type: "string", max: 128, unique: true, provenance: { status: "assumed", source: "CUCM's enduser.userid (CUCM data dictionary), assumed the same on CUP" } },
      firstname: { type: "string", max: 64, default: "", provenance: { status: "assumed", source: "CUCM's enduser.firstname, assumed the same on CUP" } },
      lastname: { type: "string", max: 64, default: "", provenance: { status: "assumed", source: "CUCM's enduser.lastname, assumed the same on CUP" } },
    },
    uniqueTogether: [["userid"]],
    singleton: false,
    reloadServices: [],
  },
  {
    table: "ucendusercfg",
    docName: "UCEnduserCfg",
    provenance: IOG6("UCEnduserCfg"),
    about: "Per-user CUP settings; the desk phone control assignment as a profile reference is ASSUMED.",
    columns: {
      pkid: PKID,
      fkenduser: { type: "guid", unique: true, references: "enduser", provenance: ASSUMED_COLUMN },
      fkucctigatewayprofile: {
        type: "guid",
        nullable: true,
        default: null,
        references: "ucctigatewayprofile",
        provenance: field("Deskphone Control > Assign Users [RCC12]"),
      },
    },
    uniqueTogether: [["fkenduser"]],
    singleton: false,
    reloadServices: [sipProxy],
  },
];

/** Which service re-reads which table (the simulator's own ASSUMED data), by table. */
export const RELOADS: Readonly<Record<string, readonly CupSimService[]>> = Object.fromEntries(SIM_TABLES.map((t) => [t.table, t.reloadServices]));

/** A fresh CUP 7.0's rows in these tables (fixed pkids for reproducible states). */
export const SIM_SEED_ROWS: Readonly<Record<string, readonly Readonly<Record<string, string | number | boolean | null>>[]>> = {
  cupsystemcfg: [{ pkid: "8c6d2a10-0c1d-4a4e-9d7e-5b1f0a000001", ccmpublisheraddress: "", ccmaxlusername: "", ccmaxlpassword: "" }],
  ucproxyprofile: [
    { pkid: "8c6d2a10-0c1d-4a4e-9d7e-5b1f0a000002", proxydomain: "", enableavailabilitysharing: true, allowautoapproval: false, maxcontactlistsize: 200, maxwatchers: 200 },
  ],
  ucctigatewayprofile: [
    {
      pkid: "8c6d2a10-0c1d-4a4e-9d7e-5b1f0a000003",
      name: SIM_DESK_PHONE_CONTROL_PROFILE,
      description: "",
      applicationusername: "",
      applicationpassword: "",
      heartbeatinterval: 60,
      sessiontimer: 3600,
    },
  ],
};

/**
 * CUP's AXL endpoint as the simulator serves it. ASSUMED: CUP 7.0's AXL WSDL was not readable; the
 * simulator answers the original AXL namespace and CUCM's SOAPAction form `CUCM:DB ver=1.0 <op>`.
 */
export const CUP_SIM_AXL = {
  path: "/axl/",
  namespace: "http://www.cisco.com/AXL/API/1.0",
  schemaVersion: "1.0",
  operations: ["getCUPVersion", "executeSQLQuery", "executeSQLUpdate"] as const,
} as const;
export type CupSimAxlOperation = (typeof CUP_SIM_AXL.operations)[number];
export const simSoapAction = (operation: CupSimAxlOperation): string => `CUCM:DB ver=${CUP_SIM_AXL.schemaVersion} ${operation}`;

// ---------------------------------------------------------------------------------------------------
// Variants (for tests: a CUP whose schema is not the one the client expects)
// ---------------------------------------------------------------------------------------------------

/**
 * A schema variant: one column renamed, or one table missing. It changes what SQL and the catalog
 * (systables / syscolumns) show; the simulator's own bookkeeping (seeds, the Sync Agent, keys) keeps
 * working on the stored rows underneath.
 */
export type SchemaVariant = { renameColumn: { table: string; from: string; to: string } } | { dropTable: string };

/** A table as SQL sees it: its name, and its visible column names → stored column names. */
export interface VisibleTable {
  readonly spec: SimTable;
  /** Visible name → stored name, in column order. */
  readonly columns: ReadonlyMap<string, string>;
}

/** The tables SQL and the catalog show under a variant (validated: the names must exist). */
export function visibleTables(variant?: SchemaVariant): VisibleTable[] {
  if (variant && "dropTable" in variant && !SIM_TABLES.some((t) => t.table === variant.dropTable.toLowerCase())) {
    throw new Error(`schemaVariant.dropTable: no table ${variant.dropTable}`);
  }
  if (variant && "renameColumn" in variant) {
    const { table, from, to } = variant.renameColumn;
    const spec = SIM_TABLES.find((t) => t.table === table.toLowerCase());
    if (!spec || !(from.toLowerCase() in spec.columns)) throw new Error(`schemaVariant.renameColumn: no column ${table}.${from}`);
    if (to.toLowerCase() in spec.columns || !/^[a-z_][a-z0-9_]*$/i.test(to)) throw new Error(`schemaVariant.renameColumn: bad new name ${to}`);
  }
  return SIM_TABLES.filter((t) => !(variant && "dropTable" in variant && t.table === variant.dropTable.toLowerCase())).map((spec) => {
    const columns = new Map<string, string>();
    for (const c of Object.keys(spec.columns)) {
      const renamed = variant && "renameColumn" in variant && variant.renameColumn.table.toLowerCase() === spec.table && variant.renameColumn.from.toLowerCase() === c;
      columns.set(renamed ? variant.renameColumn.to.toLowerCase() : c, c);
    }
    return { spec, columns };
  });
}

// ---------------------------------------------------------------------------------------------------
// The Informix system catalog [IFX]
// ---------------------------------------------------------------------------------------------------

/** syscolumns.coltype codes [IFX]. */
export const COLTYPE = { CHAR: 0, SMALLINT: 1, INTEGER: 2, SERIAL: 6, VARCHAR: 13, UDTFIXED: 41, NOT_NULL: 256 } as const;
/** syscolumns.extended_id of the built-in BOOLEAN (its sysxtdtypes row; ASSUMED value); 0 for the other built-ins. */
export const BOOLEAN_EXTENDED_ID = 5;
/** The first tabid of a user table; the catalog's own tables are below it [IFX]. */
export const FIRST_USER_TABID = 100;

/** One catalog column: its Informix type, and the engine's view of it. */
interface CatalogColumn {
  name: string;
  coltype: number;
  collength: number;
  int: boolean;
}

/** The columns of systables and syscolumns the simulator serves (a subset of Informix's) [IFX]. */
const SYSTABLES_COLUMNS: CatalogColumn[] = [
  { name: "tabname", coltype: COLTYPE.VARCHAR, collength: 128, int: false },
  { name: "owner", coltype: COLTYPE.CHAR, collength: 32, int: false },
  { name: "tabid", coltype: COLTYPE.SERIAL + COLTYPE.NOT_NULL, collength: 4, int: true },
  { name: "rowsize", coltype: COLTYPE.SMALLINT, collength: 2, int: true },
  { name: "ncols", coltype: COLTYPE.SMALLINT, collength: 2, int: true },
  { name: "nindexes", coltype: COLTYPE.SMALLINT, collength: 2, int: true },
  { name: "tabtype", coltype: COLTYPE.CHAR, collength: 1, int: false },
  { name: "locklevel", coltype: COLTYPE.CHAR, collength: 1, int: false },
];
const SYSCOLUMNS_COLUMNS: CatalogColumn[] = [
  { name: "colname", coltype: COLTYPE.VARCHAR, collength: 128, int: false },
  { name: "tabid", coltype: COLTYPE.INTEGER, collength: 4, int: true },
  { name: "colno", coltype: COLTYPE.SMALLINT, collength: 2, int: true },
  { name: "coltype", coltype: COLTYPE.SMALLINT, collength: 2, int: true },
  { name: "collength", coltype: COLTYPE.SMALLINT, collength: 2, int: true },
  { name: "extended_id", coltype: COLTYPE.INTEGER, collength: 4, int: true },
];
export const CATALOG_TABLES = {
  systables: { tabid: 1, columns: SYSTABLES_COLUMNS },
  syscolumns: { tabid: 2, columns: SYSCOLUMNS_COLUMNS },
} as const;

/** A simulator column's Informix type: coltype (with +256 for NOT NULL) and collength [IFX]. */
export function informixType(c: SimColumn): { coltype: number; collength: number; extendedId: number } {
  const notNull = c.nullable ? 0 : COLTYPE.NOT_NULL;
  switch (c.type) {
    case "guid":
      return { coltype: COLTYPE.CHAR + notNull, collength: 36, extendedId: 0 };
    case "string":
      // VARCHAR: collength = min * 256 + max; no minimum reserved.
      return { coltype: COLTYPE.VARCHAR + notNull, collength: c.max ?? 255, extendedId: 0 };
    case "int":
      return { coltype: COLTYPE.INTEGER + notNull, collength: 4, extendedId: 0 };
    case "boolean":
      return { coltype: COLTYPE.UDTFIXED + notNull, collength: 1, extendedId: BOOLEAN_EXTENDED_ID };
  }
}

type CatalogRow = Record<string, string | null>;

/** The rows of systables and syscolumns for these visible tables (and for the two catalog tables). */
export function catalogRows(tables: readonly VisibleTable[]): { systables: CatalogRow[]; syscolumns: CatalogRow[] } {
  const systables: CatalogRow[] = [];
  const syscolumns: CatalogRow[] = [];
  const addColumns = (tabid: number, cols: { name: string; coltype: number; collength: number; extendedId?: number }[]): void =>
    cols.forEach((c, i) =>
      syscolumns.push({ colname: c.name, tabid: String(tabid), colno: String(i + 1), coltype: String(c.coltype), collength: String(c.collength), extended_id: String(c.extendedId ?? 0) }),
    );
  const rowsize = (cols: { coltype: number; collength: number }[]): number =>
    cols.reduce((n, c) => n + ((c.coltype & 0xff) === COLTYPE.VARCHAR ? (c.collength & 0xff) + 1 : c.collength), 0);
  for (const [name, t] of Object.entries(CATALOG_TABLES)) {
    systables.push({ tabname: name, owner: "informix", tabid: String(t.tabid), rowsize: String(rowsize([...t.columns])), ncols: String(t.columns.length), nindexes: "1", tabtype: "T", locklevel: "R" });
    addColumns(t.tabid, [...t.columns]);
  }
  for (const t of tables) {
    const tabid = FIRST_USER_TABID + SIM_TABLES.indexOf(t.spec);
    const cols = [...t.columns].map(([visible, stored]) => ({ name: visible, ...informixType(t.spec.columns[stored]!) }));
    const indexes = new Set([["pkid"], ...Object.entries(t.spec.columns).filter(([, c]) => c.unique).map(([n]) => [n]), ...t.spec.uniqueTogether].map((c) => c.join(",")));
    systables.push({ tabname: t.spec.table, owner: "informix", tabid: String(tabid), rowsize: String(rowsize(cols)), ncols: String(cols.length), nindexes: String(indexes.size), tabtype: "T", locklevel: "R" });
    addColumns(tabid, cols);
  }
  return { systables, syscolumns };
}
