/**
 * The live lab's inventory (./types.ts): what `rcclab discover` turns into a stack and `rcclab audit`
 * checks. READ ONLY: nothing here writes to any system.
 *
 * - connectionsOf(cfg): the connections of a checked stack config, built exactly as the program's
 *   components build them (src/components/*), so the inventory reads what the stack's resources read.
 * - readInventory(conns): every system at once, each with one listing per object type (one SQL
 *   query, one paged search, one zone transfer, one WMI enumeration) and each kind's own read()
 *   where the kind's shape needs it (bounded concurrency). What cannot be read lands in `unread`
 *   with its reason; only a connection that is not valid (checked first, before any network call)
 *   throws, as an InventoryConnectionError naming each bad setting by its path.
 */
import { z } from "zod";
import { formatPath } from "../../providers/core/kind";
import { type AdConnection, adConnectionSchema } from "../../providers/ad/client";
import { type AxlConnection, axlConnectionSchema } from "../../providers/cucm/axl/client";
import { type CupConnection, cupConnectionSchema } from "../../providers/cup/client";
import { type DnsConnection, dnsConnectionSchema } from "../../providers/dns/client";
import { type OcsConnection, ocsConnectionSchema } from "../../providers/ocs/client";
import { axlConnection } from "../components/cucm";
import { cupConnection } from "../components/cup";
import { adConnection, dnsConnection, ocsConnection } from "../components/microsoft";
import type { LabConfig } from "../config";
import { readAd } from "./ad";
import { readCucm } from "./cucm";
import { readCup } from "./cup";
import { type DnsNames, readDns } from "./dns";
import { readOcs } from "./ocs";
import type { LabInventory, SystemName } from "./types";
import { messageOf, quietLog, type ReaderContext } from "./util";

export type * from "./types";

export const SYSTEMS: readonly SystemName[] = ["cucm", "cup", "ad", "dns", "ocs"];

export interface LabConnections {
  cucm?: AxlConnection;
  cup?: CupConnection & { fqdn: string };
  ad?: AdConnection;
  dns?: DnsConnection & { zone: string; reverseZone: string };
  ocs?: { pool: string /* fqdn */; connection: OcsConnection }[];
}

/** CUCM's AXL connection as the program builds it (src/components/cucm.ts), checked. */
export const axlConnectionOf = (cfg: LabConfig): AxlConnection => axlConnectionSchema.parse(axlConnection(cfg));

/** The connections of a checked stack config, built exactly as src/components build them. */
export function connectionsOf(cfg: LabConfig): LabConnections {
  return {
    cucm: axlConnectionOf(cfg),
    cup: { ...cupConnection(cfg), fqdn: cfg.cup.host },
    ad: adConnection(cfg),
    dns: { ...dnsConnection(cfg), zone: cfg.dns.zone, reverseZone: cfg.dns.reverseZone },
    ocs: cfg.ocs.pools.map((p) => ({ pool: p.fqdn, connection: ocsConnection(cfg, p) })),
  };
}

/** A connection that is not valid: each problem by its path ("cucm.host: …"), found before any network call. */
export class InventoryConnectionError extends Error {
  constructor(readonly errors: { path: string; message: string }[]) {
    super(`the lab's connections are not valid:\n${errors.map((e) => `  ${e.path}: ${e.message}`).join("\n")}`);
    this.name = "InventoryConnectionError";
  }
}

const zone = z.string().min(1, "must be a DNS zone");

/** Every problem of the connections, by path; none when they are all valid. */
export function connectionErrors(conns: LabConnections): { path: string; message: string }[] {
  const errors: { path: string; message: string }[] = [];
  const check = (where: string, schema: z.ZodType, value: unknown) => {
    const r = schema.safeParse(value);
    if (!r.success) for (const i of r.error.issues) errors.push({ path: [where, formatPath(i.path)].filter(Boolean).join(".").replace(/\.\[/g, "["), message: i.message });
  };
  if (conns.cucm) check("cucm", axlConnectionSchema, conns.cucm);
  if (conns.cup) {
    const { fqdn, ...c } = conns.cup;
    check("cup", cupConnectionSchema, c);
    check("cup.fqdn", zone, fqdn);
  }
  if (conns.ad) check("ad", adConnectionSchema, conns.ad);
  if (conns.dns) {
    const { zone: z1, reverseZone, ...c } = conns.dns;
    check("dns", dnsConnectionSchema, c);
    check("dns.zone", zone, z1);
    check("dns.reverseZone", zone, reverseZone);
  }
  conns.ocs?.forEach((p, i) => {
    check(`ocs[${i}].pool`, zone, p.pool);
    check(`ocs[${i}].connection`, ocsConnectionSchema, p.connection);
  });
  return errors;
}

export interface InventoryProgress {
  system: SystemName;
  what: string;
  done: number;
  total?: number;
}

export interface InventoryOptions {
  onProgress?: (p: InventoryProgress) => void;
  /** Only these systems (default: every system the connections name). */
  only?: SystemName[];
  /** The clients' notices and warnings (default: none). */
  log?: { info(m: string): void; warn(m: string): void };
}

/** Read the whole live lab (read only), every system at once; what fails to read goes to `unread`, never thrown, except bad connections. */
export async function readInventory(conns: LabConnections, opts: InventoryOptions = {}): Promise<LabInventory> {
  const errors = connectionErrors(conns);
  if (errors.length) throw new InventoryConnectionError(errors);
  const inv: LabInventory = { readAt: new Date().toISOString(), unread: [] };
  const wanted = (s: SystemName) => (!opts.only || opts.only.includes(s)) && conns[s] !== undefined;
  const ctx = (system: SystemName): ReaderContext => ({
    system,
    unread: inv.unread,
    log: opts.log ?? quietLog,
    progress: (what, done, total) => opts.onProgress?.({ system, what, done, ...(total !== undefined ? { total } : {}) }),
  });
  // Each system on its own: one failing (unexpectedly) is that system unread, never the others.
  const run = async <T>(system: SystemName, read: () => Promise<T | undefined>, store: (v: T) => void) => {
    if (!wanted(system)) return;
    try {
      const v = await read();
      if (v !== undefined) store(v);
    } catch (e) {
      inv.unread.push({ system, what: "everything", message: messageOf(e) });
    }
  };
  const adRead = run("ad", () => readAd(conns.ad!, ctx("ad")), (v) => (inv.ad = v));
  await Promise.all([
    run("cucm", () => readCucm(conns.cucm!, ctx("cucm")), (v) => (inv.cucm = v)),
    run("cup", () => readCup(stripFqdn(conns.cup!), ctx("cup")), (v) => (inv.cup = v)),
    adRead,
    // A zone that refuses transfers is read by the guide's names, which AD's pools complete.
    run("dns", () => readDns(conns.dns!, ctx("dns"), () => adRead.then(() => dnsNames(conns, inv))), (v) => (inv.dns = v)),
    run("ocs", () => readOcs(conns.ocs!, ctx("ocs")), (v) => (inv.ocs = v)),
  ]);
  // A stable order, whatever finished first.
  inv.unread.sort((a, b) => SYSTEMS.indexOf(a.system) - SYSTEMS.indexOf(b.system));
  return inv;
}

/** The names the guide's DNS records use (A1): CUP, CUCM and the pools; the SIP domains of AD's users. */
function dnsNames(conns: LabConnections, inv: LabInventory): DnsNames {
  const zone = conns.dns!.zone.replace(/\.$/, "").toLowerCase();
  const pools = (inv.ad?.pools ?? []).map((p) => p.fqdn || `${p.name}.${zone}`);
  const cucm = conns.cucm?.host && !/^[\d.]+$/.test(conns.cucm.host) ? [conns.cucm.host] : [];
  const domains = (inv.ad?.users ?? []).flatMap((u) => /^sip:[^@]+@(.+)$/i.exec(u.sipAddress ?? "")?.[1] ?? []);
  return { hosts: [...(conns.cup ? [conns.cup.fqdn] : []), ...cucm, ...pools], sipDomains: [zone, ...domains] };
}

function stripFqdn(c: CupConnection & { fqdn: string }): CupConnection {
  const { fqdn: _f, ...rest } = c;
  return rest as CupConnection;
}
