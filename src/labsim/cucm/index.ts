/**
 * An embedded CUCM AXL simulator for tests and the local lab: HTTPS with a lab-CA certificate,
 * Basic auth and session cookies, release-accurate request validation (7.0 and 12.5/14.0/15.0),
 * CUCM's faults, a persistent release-neutral model, SQL over CUCM's table names, throttling and
 * fault injection.
 */
export {
  type CucmSim,
  type CucmSimOptions,
  type Injection,
  type InjectionKind,
  type RecordedRequest,
  type MountedHandler,
  type UserEntry,
  DEFAULT_PASSWORD,
  DEFAULT_USER,
  startCucmSim,
} from "./server";
export { AxlService, type AxlResult } from "./service";
export { AxlCode, AxlFault, SoapFault } from "./faults";
export { CucmDb, axlUuid, pkidOf } from "./model/db";
export { type CucmSeed, DEFAULT_END_USERS, freshDb, seededDb } from "./model/seed";
export { CCM_VERSIONS, DEFAULTS, PRODUCTS, STANDARD_USER_GROUPS } from "./model/catalog";
export type { LineInput } from "./model/lines";
export type { PhoneInput, PhoneLineInput } from "./model/phones";
export type { TrunkInput } from "./model/trunks";
export type { SipTrunkSecuritySettings, TrunkSecurityProfileInput } from "./model/trunkSecurityProfiles";
export type { AppUserInput } from "./model/appusers";
export type { EndUserInput, EndUserPatch, ProfileRef } from "./model/endusers";
export type { MeetMeInput } from "./model/meetme";
export type { DialRuleInput } from "./model/dialrules";
export type { IpPhoneServiceInput } from "./model/ipphoneservices";
export type { ProfileInput } from "./model/profiles";
export type { SubscriptionInput } from "./model/subscriptions";
export { executeQuery, executeUpdate } from "./model/sql";
