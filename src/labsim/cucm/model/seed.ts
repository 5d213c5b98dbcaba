/**
 * A fresh CUCM's database, plus whatever a test wants to exist beforehand (seeded objects go
 * through the same rules as AXL writes, so a bad seed fails loudly).
 */
import { appUsers, type AppUserInput } from "./appusers";
import {
  DEFAULTS,
  STANDARD_USER_GROUPS,
  seedPkid,
  standardPhoneVariants,
  standardSecurityProfileName,
  standardTemplateName,
  stablePkid,
} from "./catalog";
import { CucmDb, type RefTable, normalizeEndUser } from "./db";
import { lines, type LineInput } from "./lines";
import { phones, type PhoneInput } from "./phones";
import { trunks, type TrunkInput } from "./trunks";
import { dialRules, type DialRuleInput } from "./dialrules";
import { ipPhoneServices, type IpPhoneServiceInput } from "./ipphoneservices";
import { meetMes, type MeetMeInput } from "./meetme";
import { profiles, type ProfileInput } from "./profiles";
import { addStockTrunkSecurityProfile } from "./trunkSecurityProfiles";

export interface EndUserSeed {
  userid: string;
  firstName?: string;
  lastName?: string;
  telephoneNumber?: string;
  userGroups?: string[];
}

type NameOrRow = string | { name: string; description?: string };

/** Extra pre-existing objects (a lab CUCM that is not empty). */
export interface CucmSeed {
  devicePools?: NameOrRow[];
  locations?: NameOrRow[];
  sipProfiles?: NameOrRow[];
  routePartitions?: NameOrRow[];
  callingSearchSpaces?: NameOrRow[];
  userGroups?: NameOrRow[];
  presenceGroups?: NameOrRow[];
  trunkSecurityProfiles?: NameOrRow[];
  /** End users (normally synchronized from LDAP). Given → replaces DEFAULT_END_USERS. */
  endUsers?: EndUserSeed[];
  lines?: LineInput[];
  phones?: PhoneInput[];
  sipTrunks?: TrunkInput[];
  appUsers?: AppUserInput[];
  meetMes?: MeetMeInput[];
  dialRules?: DialRuleInput[];
  /** None by default: a fresh CUCM 7.0 has no Extension Mobility service (rcclab adds it). */
  ipPhoneServices?: IpPhoneServiceInput[];
  deviceProfiles?: ProfileInput[];
}

/** End users the simulator has unless the seed says otherwise (phone owners in tests). */
export const DEFAULT_END_USERS: EndUserSeed[] = [
  { userid: "jdoe", firstName: "John", lastName: "Doe" },
  { userid: "asmith", firstName: "Alice", lastName: "Smith" },
];

function addStandard(db: CucmDb, table: RefTable, name: string, extra: { product?: string; protocol?: "SCCP" | "SIP" } = {}): void {
  db.addRef(table, { pkid: seedPkid(table, name), name, standard: true, ...extra });
}

export function freshDb(): CucmDb {
  const db = new CucmDb();
  addStandard(db, "devicePools", DEFAULTS.devicePool);
  addStandard(db, "locations", DEFAULTS.location);
  addStandard(db, "sipProfiles", DEFAULTS.sipProfile);
  addStandard(db, "commonPhoneConfigs", DEFAULTS.commonPhoneConfig);
  addStandard(db, "presenceGroups", DEFAULTS.presenceGroup);
  addStockTrunkSecurityProfile(db);
  for (const g of STANDARD_USER_GROUPS) addStandard(db, "userGroups", g);
  for (const { product, protocol } of standardPhoneVariants()) {
    addStandard(db, "phoneTemplates", standardTemplateName(product, protocol), { product, protocol });
    addStandard(db, "phoneSecurityProfiles", standardSecurityProfileName(product, protocol), { product, protocol });
  }
  return db;
}

const SEED_REF_TABLES: Array<[keyof CucmSeed, RefTable]> = [
  ["devicePools", "devicePools"],
  ["locations", "locations"],
  ["sipProfiles", "sipProfiles"],
  ["routePartitions", "routePartitions"],
  ["callingSearchSpaces", "callingSearchSpaces"],
  ["userGroups", "userGroups"],
  ["presenceGroups", "presenceGroups"],
  ["trunkSecurityProfiles", "trunkSecurityProfiles"],
];

export function seededDb(seed: CucmSeed = {}): CucmDb {
  const db = freshDb();
  for (const [key, table] of SEED_REF_TABLES) {
    for (const item of (seed[key] ?? []) as NameOrRow[]) {
      const row = typeof item === "string" ? { name: item } : item;
      db.addRef(table, { ...row, pkid: stablePkid(`${table}:${row.name}`) });
    }
  }
  for (const u of seed.endUsers ?? DEFAULT_END_USERS) {
    db.endUsers.set(
      stablePkid(`enduser:${u.userid}`),
      normalizeEndUser({
        pkid: stablePkid(`enduser:${u.userid}`),
        userid: u.userid,
        ...(u.firstName !== undefined ? { firstName: u.firstName } : {}),
        lastName: u.lastName ?? u.userid,
        ...(u.telephoneNumber !== undefined ? { telephoneNumber: u.telephoneNumber } : {}),
        groupPkids: (u.userGroups ?? []).map((g) => db.ref("userGroups", g).pkid),
      }),
    );
  }
  for (const s of seed.ipPhoneServices ?? []) ipPhoneServices.add(db, s);
  for (const l of seed.lines ?? []) lines.add(db, l);
  for (const m of seed.meetMes ?? []) meetMes.add(db, m);
  for (const p of seed.phones ?? []) phones.add(db, p);
  for (const p of seed.deviceProfiles ?? []) profiles.add(db, p);
  for (const t of seed.sipTrunks ?? []) trunks.add(db, t);
  for (const a of seed.appUsers ?? []) appUsers.add(db, a);
  for (const r of seed.dialRules ?? []) dialRules.add(db, r);
  return db;
}
