/**
 * SIP trunk security profiles (CUCM's securityprofile rows of the SIP trunk model). They live in the
 * reference table a SIP trunk names by securityProfileName, so a trunk can name only one that
 * exists (5007). A fresh CUCM has the stock "Non Secure SIP Trunk Profile", which cannot be removed.
 * Natural key: name.
 *
 * The settings and their defaults are those of Cisco's AXL schema (7.0 XSIPTrunkSecurityProfile,
 * 12.5/14.0 XSipTrunkSecurityProfile: incomingTransport TCP+UDP, digest off, nonce 600 s, incoming
 * port 5060, the accept flags off, sipV150 "Use Default Filter"). The stock profile's outgoing
 * transport is TCP (the Non Secure SIP Trunk Profile sends TCP).
 */
import { faults } from "../faults";
import { type CucmDb, type NamedRow, newPkid, pkidOf } from "./db";
import { DEFAULTS, seedPkid } from "./catalog";

export interface SipTrunkSecuritySettings {
  securityMode: string;
  incomingTransport: string;
  outgoingTransport: string;
  digestAuthentication: boolean;
  noncePolicyTime: number;
  x509SubjectName: string;
  incomingPort: number;
  applLevelAuthentication: boolean;
  acceptPresenceSubscription: boolean;
  acceptOutOfDialogRefer: boolean;
  acceptUnsolicitedNotification: boolean;
  allowReplaceHeader: boolean;
  transmitSecurityStatus: boolean;
  /** 12.5+ only (required there). */
  sipV150OutboundSdpOfferFiltering: string;
  /** 12.5+ only. */
  allowChargingHeader: boolean;
}

export type TrunkSecurityProfileRow = NamedRow & SipTrunkSecuritySettings;

export interface TrunkSecurityProfileKey {
  name?: string;
  uuid?: string;
}

export type TrunkSecurityProfileInput = { name: string; description?: string } & Partial<SipTrunkSecuritySettings>;
export type TrunkSecurityProfilePatch = { newName?: string; description?: string } & Partial<SipTrunkSecuritySettings>;

/** The schema's defaults, and the stock profile's outgoing TCP. */
export const SIP_TRUNK_SECURITY_DEFAULTS: SipTrunkSecuritySettings = {
  securityMode: "Non Secure",
  incomingTransport: "TCP+UDP",
  outgoingTransport: "TCP",
  digestAuthentication: false,
  noncePolicyTime: 600,
  x509SubjectName: "",
  incomingPort: 5060,
  applLevelAuthentication: false,
  acceptPresenceSubscription: false,
  acceptOutOfDialogRefer: false,
  acceptUnsolicitedNotification: false,
  allowReplaceHeader: false,
  transmitSecurityStatus: false,
  sipV150OutboundSdpOfferFiltering: "Use Default Filter",
  allowChargingHeader: false,
};

const LABEL = "SIP Trunk Security Profile";

/** A row with every setting (rows from older state files and seeds carry the name only). */
export function normalizeTrunkSecurityProfile(r: NamedRow): TrunkSecurityProfileRow {
  const row = r as unknown as Record<string, unknown>;
  const missing = Object.entries(SIP_TRUNK_SECURITY_DEFAULTS).filter(([k]) => row[k] === undefined);
  // A copy: stored rows are frozen (see Table in ./db.ts).
  return (missing.length ? { ...r, ...Object.fromEntries(missing) } : r) as TrunkSecurityProfileRow;
}

function checkName(name: string): void {
  if (!name.trim()) throw faults.invalid("Name is required");
  if (name.length > 75) throw faults.invalid(`Name (${name}) can contain up to 75 characters`);
}

/** Names of security profiles (phone and trunk) are one name space: CUCM keeps both in securityprofile. */
function checkUnique(db: CucmDb, name: string, self?: string): void {
  const clash = db.findRef("trunkSecurityProfiles", name) ?? db.findRef("phoneSecurityProfiles", name);
  if (clash && clash.pkid !== self) throw faults.duplicate("securityprofile.name");
}

/** The enumerations of Cisco's schema (12.5+ declares them as unions with xsd:string: CUCM refuses other text). */
const ENUMS: Partial<Record<keyof SipTrunkSecuritySettings, readonly string[]>> = {
  securityMode: ["Non Secure", "Authenticated", "Encrypted"],
  incomingTransport: ["TCP", "UDP", "TLS", "TCP+UDP"],
  outgoingTransport: ["TCP", "UDP", "TLS", "TCP+UDP"],
  sipV150OutboundSdpOfferFiltering: ["No Filtering", "Remove MER V.150", "Remove Pre-MER V.150", "Use Default Filter"],
};

function checkSettings(s: SipTrunkSecuritySettings): void {
  for (const [k, allowed] of Object.entries(ENUMS) as [keyof SipTrunkSecuritySettings, readonly string[]][]) {
    if (!allowed.includes(String(s[k]))) throw faults.invalid(`${k} ${String(s[k])} is not valid (${allowed.join(", ")})`);
  }
  if (!(s.incomingPort >= 1024 && s.incomingPort <= 65535)) throw faults.invalid(`Incoming Port ${s.incomingPort} is not valid (1024-65535)`);
  if (s.noncePolicyTime < 0) throw faults.invalid(`Nonce Validity Time ${s.noncePolicyTime} is not valid`);
}

const settingsOf = (v: Partial<SipTrunkSecuritySettings>): Partial<SipTrunkSecuritySettings> =>
  Object.fromEntries(Object.entries(v).filter(([k, x]) => k in SIP_TRUNK_SECURITY_DEFAULTS && x !== undefined)) as Partial<SipTrunkSecuritySettings>;

export const trunkSecurityProfiles = {
  label: LABEL,

  all: (db: CucmDb): TrunkSecurityProfileRow[] => [...db.refs.trunkSecurityProfiles.values()].map(normalizeTrunkSecurityProfile),

  find(db: CucmDb, key: TrunkSecurityProfileKey): TrunkSecurityProfileRow | undefined {
    const row = key.uuid ? db.refs.trunkSecurityProfiles.get(pkidOf(key.uuid)) : key.name !== undefined ? db.findRef("trunkSecurityProfiles", key.name) : undefined;
    return row && normalizeTrunkSecurityProfile(row);
  },

  get(db: CucmDb, key: TrunkSecurityProfileKey): TrunkSecurityProfileRow {
    const row = trunkSecurityProfiles.find(db, key);
    if (!row) throw faults.notFound(LABEL);
    return row;
  },

  add(db: CucmDb, input: TrunkSecurityProfileInput): TrunkSecurityProfileRow {
    checkName(input.name);
    checkUnique(db, input.name);
    const row: TrunkSecurityProfileRow = {
      ...SIP_TRUNK_SECURITY_DEFAULTS,
      ...settingsOf(input),
      pkid: newPkid(),
      name: input.name,
      description: input.description ?? "",
    };
    checkSettings(row);
    db.refs.trunkSecurityProfiles.set(row.pkid, row);
    return row;
  },

  update(db: CucmDb, key: TrunkSecurityProfileKey, patch: TrunkSecurityProfilePatch): TrunkSecurityProfileRow {
    const current = trunkSecurityProfiles.find(db, key);
    if (!current) throw faults.updateNotFound(LABEL);
    const next: TrunkSecurityProfileRow = { ...current, ...settingsOf(patch) };
    if (patch.newName !== undefined && patch.newName !== current.name) {
      if (current.standard) throw faults.invalid(`The standard ${LABEL} ${current.name} cannot be renamed`);
      checkName(patch.newName);
      checkUnique(db, patch.newName, current.pkid);
      next.name = patch.newName;
    }
    if (patch.description !== undefined) next.description = patch.description;
    checkSettings(next);
    db.refs.trunkSecurityProfiles.set(next.pkid, next);
    return next;
  },

  remove(db: CucmDb, key: TrunkSecurityProfileKey): TrunkSecurityProfileRow {
    const row = trunkSecurityProfiles.get(db, key);
    if (row.standard) throw faults.invalid(`The standard ${LABEL} ${row.name} cannot be deleted`);
    // A trunk still names it (the constraint's name is not published: CUCM's style is assumed).
    if (db.trunks().some((t) => t.securityProfilePkid === row.pkid)) throw faults.stillReferenced("fk_device_fksecurityprofile");
    db.refs.trunkSecurityProfiles.delete(row.pkid);
    return row;
  },
};

/** The stock profile every CUCM has. */
export function addStockTrunkSecurityProfile(db: CucmDb): void {
  const row: TrunkSecurityProfileRow = {
    ...SIP_TRUNK_SECURITY_DEFAULTS,
    pkid: seedPkid("trunkSecurityProfiles", DEFAULTS.trunkSecurityProfile),
    name: DEFAULTS.trunkSecurityProfile,
    description: "Non Secure SIP Trunk Profile authenticated by null String",
    standard: true,
  };
  db.refs.trunkSecurityProfiles.set(row.pkid, row);
}
