/** The simulated Cisco Unified Presence 7.0(3): AXL over HTTPS and the platform CLI over SSH. */
export {
  CUP_DEFAULT_CLI_PASSWORD,
  CUP_DEFAULT_CLI_USER,
  CUP_DEFAULT_PASSWORD,
  CUP_DEFAULT_USER,
  CUP_DEFAULT_VERSION,
  type CupCommand,
  type CupEndUserSeed,
  type CupInjection,
  type CupInjectionKind,
  type CupRecordedRequest,
  type CupSeed,
  type CupSeedRow,
  type CupSim,
  type CupSimOptions,
  type CupUserEntry,
  DEFAULT_CUP_END_USERS,
  PRE_EXISTING_ASSIGNMENT,
  PRE_EXISTING_ROWS,
  startCupSim,
} from "./server";
export { CupAxlService, type CupAxlResult } from "./axl";
export { cliWords, cupBanner, runCupCli, type CupCliContext } from "./cli";
export { CupDb, STATE_FORMAT as CUP_STATE_FORMAT, type CupDbJson, type CupServiceRow } from "./db";
export { CUP_SERVICE_CATALOG, CupServices, type CupRestart, type CupServiceDef } from "./services";
export { cupQuery, cupSqlDatabase, cupUpdate } from "./sql";
export {
  BOOLEAN_EXTENDED_ID,
  CATALOG_TABLES,
  COLTYPE,
  CUP_SIM_AXL,
  CUP_SIM_SERVICES,
  FIRST_USER_TABID,
  RELOADS,
  SIM_DESK_PHONE_CONTROL_PROFILE,
  SIM_SEED_ROWS,
  SIM_TABLES,
  type CupSimService,
  type Provenance,
  type SchemaVariant,
  type SimColumn,
  type SimTable,
  catalogRows,
  informixType,
  simSoapAction,
  visibleTables,
} from "./schema";
