/**
 * The simulator's zones: authoritative data, query answers, and RFC 2136 update processing
 * (prerequisites §3.2, prescan §3.4.1, application §3.4.2), with a JSON state file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  canonicalName,
  canonicalRdataBytes,
  CLASS,
  inZone,
  RCODE,
  rdataFromText,
  rdataToText,
  TYPE,
  typeCode,
  typeName,
  type Question,
  type Rr,
} from "../../../providers/dns/wire";

export interface SimRecord {
  name: string;
  type: string;
  ttl: number;
  /** RDATA in presentation form. */
  data: string;
}

interface RRsetData {
  ttl: number;
  /** Canonical (names lowercased, uncompressed) RDATA. */
  rdatas: Buffer[];
}

/** name → type → RRset. */
type Nodes = Map<string, Map<number, RRsetData>>;

interface Zone {
  name: string;
  nodes: Nodes;
}

/** Meta types that may not appear in updates (RFC 2136 §3.4.1.2). */
const META = new Set([TYPE.ANY, 252 /* AXFR */, 253 /* MAILB */, 254 /* MAILA */, 251 /* IXFR */]);

export interface UpdateResult {
  rcode: number;
  changed: boolean;
}

export class ZoneStore {
  private readonly zones = new Map<string, Zone>();

  constructor(
    zoneNames: readonly string[],
    private readonly stateFile?: string,
  ) {
    for (const z of zoneNames) this.zones.set(canonicalName(z), { name: canonicalName(z), nodes: new Map() });
  }

  /** The served zone holding `name` (the longest match), or undefined. */
  zoneOf(name: string): Zone | undefined {
    let best: Zone | undefined;
    for (const z of this.zones.values()) if (inZone(name, z.name) && (!best || z.name.length > best.name.length)) best = z;
    return best;
  }

  zone(name: string): Zone | undefined {
    return this.zones.get(canonicalName(name));
  }

  get zoneNames(): string[] {
    return [...this.zones.keys()];
  }

  // --- seeding and persistence ----------------------------------------------------------------

  /** Add a record (presentation form), as a zone file would. */
  addText(r: SimRecord): void {
    const name = canonicalName(r.name);
    const z = this.zoneOf(name);
    if (!z) throw new Error(`seed record ${r.name} ${r.type} is in none of the zones ${this.zoneNames.join(", ")}`);
    const t = typeCode(r.type);
    this.addRr(z, { name, type: t, class: CLASS.IN, ttl: r.ttl, rdata: rdataFromText(t, r.data) });
  }

  /** Every record, zone by zone, in presentation form. */
  records(zone?: string): SimRecord[] {
    const out: SimRecord[] = [];
    for (const z of this.zones.values()) {
      if (zone && z.name !== canonicalName(zone)) continue;
      for (const [name, types] of [...z.nodes].sort(([a], [b]) => a.localeCompare(b))) {
        for (const [type, set] of [...types].sort(([a], [b]) => a - b)) {
          for (const rd of set.rdatas) out.push({ name, type: typeName(type), ttl: set.ttl, data: rdataToText(type, rd) });
        }
      }
    }
    return out;
  }

  lookup(name: string, type: string): { ttl: number; records: string[] } | undefined {
    const n = canonicalName(name);
    const t = typeCode(type);
    const set = this.zoneOf(n)?.nodes.get(n)?.get(t);
    return set ? { ttl: set.ttl, records: set.rdatas.map((r) => rdataToText(t, r)).sort() } : undefined;
  }

  serial(zone: string): number {
    const z = this.zone(zone);
    const soa = z?.nodes.get(z.name)?.get(TYPE.SOA)?.rdatas[0];
    if (!soa) throw new Error(`no zone ${zone}`);
    return Number(rdataToText(TYPE.SOA, soa).split(" ")[2]);
  }

  save(): void {
    if (!this.stateFile) return;
    const state = { version: 1, zones: Object.fromEntries(this.zoneNames.map((z) => [z, this.records(z)])) };
    fs.mkdirSync(path.dirname(this.stateFile), { recursive: true });
    const tmp = `${this.stateFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
    fs.renameSync(tmp, this.stateFile);
  }

  /** Load the state file; false when there is none (then the caller seeds). */
  load(): boolean {
    if (!this.stateFile || !fs.existsSync(this.stateFile)) return false;
    const state = JSON.parse(fs.readFileSync(this.stateFile, "utf8")) as { version: number; zones: Record<string, SimRecord[]> };
    for (const [zone, records] of Object.entries(state.zones)) {
      if (!this.zone(zone)) continue; // a zone no longer served
      for (const r of records) this.addText(r);
    }
    for (const z of this.zones.values()) {
      if (!z.nodes.get(z.name)?.get(TYPE.SOA)) throw new Error(`state file ${this.stateFile} has no SOA for zone ${z.name}`);
    }
    return true;
  }

  // --- queries -------------------------------------------------------------------------------

  /** An authoritative answer to one question (RFC 1034 §4.3.2, without delegations). */
  answer(q: Question): { rcode: number; answers: Rr[]; authorities: Rr[] } {
    const z = this.zoneOf(q.name);
    if (!z || q.class !== CLASS.IN) return { rcode: RCODE.REFUSED, answers: [], authorities: [] };
    const name = canonicalName(q.name);
    const node = z.nodes.get(name);
    const soa = this.soaRr(z);
    const toRrs = (n: string, t: number, set: RRsetData): Rr[] => set.rdatas.map((rdata) => ({ name: n, type: t, class: CLASS.IN, ttl: set.ttl, rdata }));
    if (node) {
      if (q.type === TYPE.ANY) return { rcode: RCODE.NOERROR, answers: [...node].flatMap(([t, s]) => toRrs(name, t, s)), authorities: [] };
      const set = node.get(q.type);
      if (set) return { rcode: RCODE.NOERROR, answers: toRrs(name, q.type, set), authorities: [] };
      const cname = node.get(TYPE.CNAME);
      if (cname) return { rcode: RCODE.NOERROR, answers: toRrs(name, TYPE.CNAME, cname), authorities: [] };
      return { rcode: RCODE.NOERROR, answers: [], authorities: [soa] };
    }
    // An empty non-terminal exists (NOERROR, no data); anything else does not (NXDOMAIN).
    const below = [...z.nodes.keys()].some((n) => n.endsWith(`.${name}`));
    return { rcode: below ? RCODE.NOERROR : RCODE.NXDOMAIN, answers: [], authorities: [soa] };
  }

  /** A zone's records for a transfer: its SOA, every other record, its SOA again (RFC 5936 §2.2); undefined when not served. */
  transfer(zoneName: string): Rr[] | undefined {
    const z = this.zone(zoneName);
    if (!z) return undefined;
    const soaSet = z.nodes.get(z.name)!.get(TYPE.SOA)!;
    const soa: Rr = { name: z.name, type: TYPE.SOA, class: CLASS.IN, ttl: soaSet.ttl, rdata: soaSet.rdatas[0]! };
    const rest: Rr[] = [];
    for (const [name, node] of z.nodes) {
      for (const [type, set] of node) {
        if (type === TYPE.SOA) continue;
        for (const rdata of set.rdatas) rest.push({ name, type, class: CLASS.IN, ttl: set.ttl, rdata });
      }
    }
    return [soa, ...rest, soa];
  }

  private soaRr(z: Zone): Rr {
    const set = z.nodes.get(z.name)!.get(TYPE.SOA)!;
    const rdata = set.rdatas[0]!;
    const minimum = rdata.readUInt32BE(rdata.length - 4);
    return { name: z.name, type: TYPE.SOA, class: CLASS.IN, ttl: Math.min(set.ttl, minimum), rdata };
  }

  // --- updates (RFC 2136 §3) -----------------------------------------------------------------

  update(zoneSection: readonly Question[], prereqs: readonly Rr[], updates: readonly Rr[]): UpdateResult {
    // §3.1: one zone, type SOA, class IN.
    if (zoneSection.length !== 1 || zoneSection[0]!.type !== TYPE.SOA) return { rcode: RCODE.FORMERR, changed: false };
    const z = this.zone(zoneSection[0]!.name);
    if (!z || zoneSection[0]!.class !== CLASS.IN) return { rcode: RCODE.NOTAUTH, changed: false };

    const pre = this.checkPrerequisites(z, prereqs);
    if (pre !== RCODE.NOERROR) return { rcode: pre, changed: false };

    // §3.4.1 prescan.
    for (const u of updates) {
      if (!inZone(u.name, z.name)) return { rcode: RCODE.NOTZONE, changed: false };
      if (u.class === CLASS.IN) {
        if (META.has(u.type)) return { rcode: RCODE.FORMERR, changed: false };
      } else if (u.class === CLASS.ANY) {
        if (u.ttl !== 0 || u.rdata.length !== 0 || (META.has(u.type) && u.type !== TYPE.ANY)) return { rcode: RCODE.FORMERR, changed: false };
      } else if (u.class === CLASS.NONE) {
        if (u.ttl !== 0 || META.has(u.type)) return { rcode: RCODE.FORMERR, changed: false };
      } else {
        return { rcode: RCODE.FORMERR, changed: false };
      }
    }

    // §3.4.2 apply.
    let changed = false;
    for (const u of updates) changed = this.apply(z, u) || changed;
    if (changed) {
      this.bumpSerial(z);
      this.save();
    }
    return { rcode: RCODE.NOERROR, changed };
  }

  private nameInUse(z: Zone, name: string): boolean {
    const node = z.nodes.get(canonicalName(name));
    return !!node && node.size > 0;
  }

  /** §3.2: returns NOERROR or the rcode of the first failing prerequisite. */
  private checkPrerequisites(z: Zone, prereqs: readonly Rr[]): number {
    const temp = new Map<string, { name: string; type: number; rdatas: Buffer[] }>();
    for (const p of prereqs) {
      if (p.ttl !== 0) return RCODE.FORMERR;
      if (!inZone(p.name, z.name)) return RCODE.NOTZONE;
      const name = canonicalName(p.name);
      if (p.class === CLASS.ANY) {
        if (p.rdata.length !== 0) return RCODE.FORMERR;
        if (p.type === TYPE.ANY) {
          if (!this.nameInUse(z, name)) return RCODE.NXDOMAIN;
        } else if (!z.nodes.get(name)?.get(p.type)) {
          return RCODE.NXRRSET;
        }
      } else if (p.class === CLASS.NONE) {
        if (p.rdata.length !== 0) return RCODE.FORMERR;
        if (p.type === TYPE.ANY) {
          if (this.nameInUse(z, name)) return RCODE.YXDOMAIN;
        } else if (z.nodes.get(name)?.get(p.type)) {
          return RCODE.YXRRSET;
        }
      } else if (p.class === CLASS.IN) {
        const k = `${name}/${p.type}`;
        const e = temp.get(k) ?? { name, type: p.type, rdatas: [] };
        const rd = canonicalRdataBytes(p.type, p.rdata);
        if (!e.rdatas.some((r) => r.equals(rd))) e.rdatas.push(rd);
        temp.set(k, e);
      } else {
        return RCODE.FORMERR;
      }
    }
    for (const e of temp.values()) {
      const live = z.nodes.get(e.name)?.get(e.type)?.rdatas ?? [];
      if (live.length !== e.rdatas.length || !e.rdatas.every((r) => live.some((l) => l.equals(r)))) return RCODE.NXRRSET;
    }
    return RCODE.NOERROR;
  }

  private addRr(z: Zone, rr: Rr): boolean {
    const name = canonicalName(rr.name);
    const node = z.nodes.get(name) ?? new Map<number, RRsetData>();
    const rdata = canonicalRdataBytes(rr.type, rr.rdata);
    // A CNAME and other data never share a name (RFC 2136 §3.4.2.2): such an add is ignored.
    if (rr.type === TYPE.CNAME && [...node.keys()].some((t) => t !== TYPE.CNAME)) return false;
    if (rr.type !== TYPE.CNAME && node.has(TYPE.CNAME)) return false;
    if (rr.type === TYPE.CNAME || rr.type === TYPE.SOA) {
      if (rr.type === TYPE.SOA && name !== z.name) return false;
      const old = node.get(rr.type);
      if (old && old.rdatas[0]!.equals(rdata) && old.ttl === rr.ttl) return false;
      node.set(rr.type, { ttl: rr.ttl, rdatas: [rdata] });
      z.nodes.set(name, node);
      return true;
    }
    const set = node.get(rr.type);
    if (!set) {
      node.set(rr.type, { ttl: rr.ttl, rdatas: [rdata] });
      z.nodes.set(name, node);
      return true;
    }
    let changed = false;
    // Like BIND: the TTL of the newest record becomes the TTL of the whole RRset.
    if (set.ttl !== rr.ttl) {
      set.ttl = rr.ttl;
      changed = true;
    }
    if (!set.rdatas.some((r) => r.equals(rdata))) {
      set.rdatas.push(rdata);
      changed = true;
    }
    return changed;
  }

  private apply(z: Zone, u: Rr): boolean {
    const name = canonicalName(u.name);
    const node = z.nodes.get(name);
    const apex = name === z.name;
    const prune = () => {
      if (node && node.size === 0) z.nodes.delete(name);
    };
    if (u.class === CLASS.IN) return this.addRr(z, u);
    if (!node) return false;
    if (u.class === CLASS.ANY) {
      if (u.type === TYPE.ANY) {
        let changed = false;
        for (const t of [...node.keys()]) {
          if (apex && (t === TYPE.SOA || t === TYPE.NS)) continue;
          node.delete(t);
          changed = true;
        }
        prune();
        return changed;
      }
      if (apex && (u.type === TYPE.SOA || u.type === TYPE.NS)) return false;
      const had = node.delete(u.type);
      prune();
      return had;
    }
    // Class NONE: delete one record.
    if (u.type === TYPE.SOA) return false;
    const set = node.get(u.type);
    if (!set) return false;
    if (apex && u.type === TYPE.NS && set.rdatas.length === 1) return false;
    const rd = canonicalRdataBytes(u.type, u.rdata);
    const idx = set.rdatas.findIndex((r) => r.equals(rd));
    if (idx < 0) return false;
    set.rdatas.splice(idx, 1);
    if (set.rdatas.length === 0) node.delete(u.type);
    prune();
    return true;
  }

  private bumpSerial(z: Zone): void {
    const set = z.nodes.get(z.name)!.get(TYPE.SOA)!;
    const rd = Buffer.from(set.rdatas[0]!);
    const at = rd.length - 20;
    rd.writeUInt32BE((rd.readUInt32BE(at) + 1) >>> 0, at);
    set.rdatas[0] = rd;
  }
}
