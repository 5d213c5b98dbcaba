/**
 * A live lab's inventory: what `rcclab discover` turns into a stack and `rcclab audit` checks, read
 * once from the five systems (./index.ts readInventory). Objects rcclab manages are in the shape of
 * their kind's own read(): the fields and outputs a stack's resource would compare with, so a stack
 * written from an inventory adopts with no changes. Everything here was read; nothing is derived
 * from a stack or from rcclab's state.
 */
import type { z } from "zod";
import type { Kind } from "../../providers/core/kind";
import type { AppUser } from "../../providers/cucm/appUser";
import type { CallPerLineLimit } from "../../providers/cucm/callPerLineLimit";
import type { DeviceProfile } from "../../providers/cucm/deviceProfile";
import type { ApplicationDialRule } from "../../providers/cucm/dialRule";
import type { EndUser } from "../../providers/cucm/endUser";
import type { IpPhoneService } from "../../providers/cucm/ipPhoneService";
import type { LicenseCapabilities } from "../../providers/cucm/licenseCapabilities";
import type { Line } from "../../providers/cucm/line";
import type { MeetMe } from "../../providers/cucm/meetMe";
import type { Phone } from "../../providers/cucm/phone";
import type { SipTrunk } from "../../providers/cucm/sipTrunk";
import type { SipTrunkSecurityProfile } from "../../providers/cucm/sipTrunkSecurityProfile";
import type { DeskPhoneControl } from "../../providers/cup/deskPhoneControl";
import type { IncomingAcl } from "../../providers/cup/incomingAcl";
import type { OutgoingAcl } from "../../providers/cup/outgoingAcl";
import type { PresenceSettings } from "../../providers/cup/presenceSettings";
import type { RouteEntry, HostEntry } from "../../providers/ocs/client";
import type { RRset } from "../../providers/dns/client";

/** A kind's fields and outputs as its read() answers them (secrets it cannot read left out). */
export type Live<K> = K extends Kind<infer S, infer Out, any, any> ? Omit<z.output<S> & Out, "connection"> : never;

export type SystemName = "cucm" | "cup" | "ad" | "dns" | "ocs";

export interface CucmInventory {
  /** The full version CUCM reports (7.0.2.20000-5). */
  version: string;
  phones: Live<typeof Phone>[];
  lines: Live<typeof Line>[];
  /** The call-per-line limit of each phone's appearances (phoneName, lineIndex). */
  callLimits: Live<typeof CallPerLineLimit>[];
  endUsers: Live<typeof EndUser>[];
  /** Licence capabilities of each end user. */
  licenses: Live<typeof LicenseCapabilities>[];
  appUsers: Live<typeof AppUser>[];
  trunks: Live<typeof SipTrunk>[];
  trunkSecurityProfiles: Live<typeof SipTrunkSecurityProfile>[];
  meetMe: Live<typeof MeetMe>[];
  dialRules: Live<typeof ApplicationDialRule>[];
  ipPhoneServices: Live<typeof IpPhoneService>[];
  deviceProfiles: Live<typeof DeviceProfile>[];
  /** CTIManager and Extension Mobility on each node Serviceability answers for. */
  services: { node: string; service: string; activated: boolean; running?: boolean }[];
}

export interface CupInventory {
  version: string;
  /** C2: the CUCM publisher CUP syncs from (address, AXL user). */
  publisher?: { address: string; axlUsername?: string };
  incomingAcl: Live<typeof IncomingAcl>[];
  outgoingAcl: Live<typeof OutgoingAcl>[];
  /** C4 (the application password is not readable: audit tries a login instead). */
  deskPhoneControl?: Omit<Live<typeof DeskPhoneControl>, "applicationPassword">;
  /** C5–C6: the end users assigned to desk phone control. */
  deskPhoneControlUsers: string[];
  presence?: Live<typeof PresenceSettings>;
}

/** An AD user with the OCS attributes it has (raw, as AD holds them: audit shows what is wrong). */
export interface AdUserInventory {
  dn: string;
  sAMAccountName: string;
  givenName?: string;
  sn?: string;
  displayName?: string;
  userPrincipalName?: string;
  /** msRTCSIP-PrimaryUserAddress, "sip:asmith@lab.example.com". */
  sipAddress?: string;
  /** msRTCSIP-Line, "tel:+14085551001". */
  lineUri?: string;
  /** msRTCSIP-LineServer, "sip:asmith@cup.lab.example.com". */
  lineServer?: string;
  /** msRTCSIP-PrimaryHomeServer: the DN, and the pool it names when it is one (pools[].name). */
  homeServerDn?: string;
  pool?: string;
  /** msRTCSIP-OptionFlags (bit 16: remote call control, bit 256: enhanced presence). */
  optionFlags?: number;
  /** msRTCSIP-UserEnabled. */
  enabled?: boolean;
}

export interface AdInventory {
  /** OCS pools in AD (the RTC Service's pool objects). */
  pools: { name: string; fqdn: string; dn: string }[];
  users: AdUserInventory[];
}

export interface DnsInventory {
  zone: string;
  reverseZone: string;
  /** Every RRset of both zones (by zone transfer, or by queries when transfers are refused). */
  records: RRset[];
  /** Zones whose transfer was refused: only the guide's names were read, by query (./dns.ts). */
  byQuery?: string[];
}

export interface OcsPoolInventory {
  /** The pool's FQDN, and the front end that answered for it. */
  pool: string;
  frontEnd: string;
  routes: RouteEntry[];
  hosts: HostEntry[];
}

export interface LabInventory {
  /** When it was read (ISO 8601). */
  readAt: string;
  cucm?: CucmInventory;
  cup?: CupInventory;
  ad?: AdInventory;
  dns?: DnsInventory;
  ocs?: { pools: OcsPoolInventory[] };
  /** What could not be read, and why (a system that refused, a table missing): never silent. */
  unread: { system: SystemName; what: string; message: string }[];
}
