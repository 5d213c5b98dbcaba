/**
 * `rcclab discover --stack NEW --from X`: read a live lab (src/inventory) and write
 * stacks/Pulumi.NEW.yaml describing it in rcclab's config shape (./toConfig.ts), checked by the
 * round trip (./verify.ts) before anything is written. See docs/discover.md.
 *
 * Order: the target file must not exist and the source's connections must be valid (no network
 * until both hold); then CUCM, CUP, AD and DNS are read at once, the OCS pools derived from AD and
 * DNS, each pool's front end read; the config derived; the program planned on it and every declared
 * resource read back by its kind — users and list items whose objects `up` would replace are left
 * out (listed); fields `up` would change in place are listed as changes. Nothing is written to any system.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../../providers/core/provider";
import { CommandError } from "../commands";
import { cupConnection } from "../components/cup";
import { adConnection, dnsConnection, ocsConnection } from "../components/microsoft";
import { cucmSchema, cupSchema, directorySchema, dnsSchema, type LabConfig, parseConfig } from "../config";
import { stackConfigPath } from "../engine/stackConfig";
import { axlConnectionOf, type InventoryProgress, type LabConnections, readInventory } from "../inventory";
import type { LabInventory } from "../inventory/types";
import { loadSource, type Source } from "./connections";
import { discoverPools } from "./pools";
import { getPath, type Misfit } from "./shape";
import { ACCESS_SECRETS, type Access, inventoryToConfig } from "./toConfig";
import { describeDifference, type Difference, verifyConfig } from "./verify";
import { differenceMisfit, secretCommands, stackYaml } from "./yaml";

export interface DiscoverOptions {
  from: string;
  /** The new stack's name. */
  stack: string;
  stacksDir?: string;
  /** The source stack's passphrase (default: the environment's; the local stack's own). */
  passphrase?: string;
  env?: NodeJS.ProcessEnv;
  /** One line of what happens (reading each system, what was read). */
  print?: (line: string) => void;
  warn?: (line: string) => void;
  /** Fine-grained progress of the reads (a status line on a terminal). */
  onProgress?: (p: InventoryProgress | { system: "verify"; what: string; done: number; total?: number }) => void;
}

export interface DiscoverResult {
  stack: string;
  file: string;
  from: { kind: Source["kind"]; name: string };
  /** The config written ("rcclab:<section>" keys), without secrets. */
  config: Record<string, unknown>;
  secrets: string[];
  leftOut: Misfit[];
  changes: Misfit[];
  unread: LabInventory["unread"];
  counts: { users: number; pools: number; meetMe: number; dialRules: number };
}

/** The connections of the access sections (built as the components build them). */
function connectionsFrom(access: Access): LabConnections {
  // Each section parsed with its own schema, defaults filled in (checked already: see connections.ts).
  const cfg = {
    cucm: cucmSchema.parse(access.cucm),
    cup: cupSchema.parse(access.cup),
    directory: directorySchema.parse({ ...access.directory, users: "adopt" }),
    dns: dnsSchema.parse(access.dns),
  } as unknown as LabConfig;
  return {
    cucm: axlConnectionOf(cfg),
    cup: { ...cupConnection(cfg), fqdn: cfg.cup.host },
    ad: adConnection(cfg),
    dns: { ...dnsConnection(cfg), zone: cfg.dns.zone, reverseZone: cfg.dns.reverseZone },
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function summaryOf(system: string, inv: LabInventory): string | undefined {
  switch (system) {
    case "cucm":
      return inv.cucm
        ? `CUCM ${inv.cucm.version}: ${plural(inv.cucm.phones.length, "phone")}, ${plural(inv.cucm.lines.length, "line")}, ${plural(inv.cucm.endUsers.length, "end user")}, ${plural(inv.cucm.appUsers.length, "application user")}, ${plural(inv.cucm.trunks.length, "SIP trunk")}, ${plural(inv.cucm.meetMe.length, "Meet-Me number")}, ${plural(inv.cucm.dialRules.length, "dial rule")}, ${plural(inv.cucm.deviceProfiles.length, "device profile")}`
        : undefined;
    case "cup":
      return inv.cup ? `CUP ${inv.cup.version}: ${plural(inv.cup.incomingAcl.length, "incoming ACL entry", "incoming ACL entries")}, desk phone control for ${plural(inv.cup.deskPhoneControlUsers.length, "user")}` : undefined;
    case "ad":
      return inv.ad ? `AD: ${plural(inv.ad.pools.length, "OCS pool")}, ${plural(inv.ad.users.length, "user")} (${inv.ad.users.filter((u) => u.lineUri).length} with a Line URI)` : undefined;
    case "dns":
      return inv.dns
        ? `DNS: ${plural(inv.dns.records.length, "record set")} in ${inv.dns.zone} and ${inv.dns.reverseZone}${inv.dns.byQuery ? ` (${inv.dns.byQuery.join(" and ")} refused the transfer: the guide's names read by query)` : ""}`
        : undefined;
    case "ocs":
      return inv.ocs ? `OCS: ${inv.ocs.pools.map((p) => `${p.pool} (${plural(p.routes.length, "static route")}, ${plural(p.hosts.length, "authorized host")})`).join(", ") || "no pool"}` : undefined;
  }
  return undefined;
}

/** The config with the source's secrets filled in (and a stand-in CTI password: CUCM never returns it). */
function withSecrets(config: Record<string, unknown>, access: Access): Record<string, unknown> {
  const out = structuredClone(config) as Record<string, any>;
  for (const p of ACCESS_SECRETS) {
    const v = getPath(access as unknown as Record<string, any>, p);
    if (v === undefined) continue;
    const [section, ...rest] = p.split(".");
    let at = out[`rcclab:${section}`];
    for (const k of rest.slice(0, -1)) at = at[k] ??= {};
    at[rest[rest.length - 1]!] = v;
  }
  out["rcclab:cti"] = { ...(out["rcclab:cti"] ?? {}), password: "(unknown: CUCM never returns it)" };
  return out;
}

const DROPPABLE = /^rcclab:(users|meetMe|dialRules)\[(\d+)\]$/;

export async function discover(opts: DiscoverOptions): Promise<DiscoverResult> {
  const print = opts.print ?? (() => {});
  const stacksDir = path.resolve(opts.stacksDir ?? path.join(projectRoot(), "stacks"));
  const file = stackConfigPath(stacksDir, opts.stack);
  const rel = path.relative(process.cwd(), file);
  const shown = rel && !rel.startsWith("..") ? rel : file;
  if (fs.existsSync(file)) {
    throw new CommandError(`${shown} exists already: discover writes a new stack and never overwrites one; choose another --stack, or remove the file`);
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(opts.stack)) throw new CommandError(`--stack ${opts.stack}: must be a stack name (letters, digits, '.', '_', '-')`);
  // The CUP mapping override a stack names is a file in the stacks folder (the program reads it from there).
  process.env.RCCLAB_STACKS_DIR = stacksDir;
  const source = loadSource(opts.from, { stacksDir, ...(opts.passphrase !== undefined ? { passphrase: opts.passphrase } : {}), ...(opts.env ? { env: opts.env } : {}) });
  for (const w of source.warnings) (opts.warn ?? print)(w);
  const access = source.access;
  const conns = connectionsFrom(access);

  // 1. CUCM, CUP, AD and DNS at once.
  print(`reading CUCM at ${conns.cucm!.host}, CUP at ${conns.cup!.fqdn}, AD at ${conns.ad!.url}, DNS at ${conns.dns!.server} (${source.label})`);
  const inv = await readInventory(conns, { ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
  for (const s of ["cucm", "cup", "ad", "dns"]) {
    const line = summaryOf(s, inv);
    if (line) print(line);
  }
  const missing = (["cucm", "cup", "ad", "dns"] as const).filter((s) => !inv[s]);
  if (missing.length) {
    throw new CommandError(
      `cannot describe the lab: ${missing.join(", ")} could not be read (nothing was written):\n${inv.unread.map((u) => `  ${u.system}: ${u.what}: ${u.message}`).join("\n")}`,
    );
  }

  // 2. The OCS pools (AD + DNS), then each pool's front end.
  const poolMisfits: Misfit[] = [];
  const pools = discoverPools(inv, { cup: access.cup.host, cucm: access.cucm.host }, (system, object, why) => void poolMisfits.push({ system, object, why }));
  if (pools.length) {
    const ocsCfg = { ocs: { ...access.ocs, transport: access.ocs.transport ?? "winrm", pools } } as unknown as LabConfig;
    print(`reading OCS on ${pools.map((p) => `${p.name} (${p.frontEnds[0]!.fqdn})`).join(", ")}`);
    const ocs = await readInventory({ ocs: pools.map((p) => ({ pool: p.fqdn, connection: ocsConnection(ocsCfg, p) })) }, { ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
    if (ocs.ocs) inv.ocs = ocs.ocs;
    inv.unread.push(...ocs.unread);
    const line = summaryOf("ocs", inv);
    if (line) print(line);
  }

  // 3. The config, and what does not fit.
  const d = inventoryToConfig(inv, access, opts.stack);
  let config = d.config;
  const leftOut = d.leftOut;
  let changes: Misfit[] = [];
  for (const u of inv.unread) leftOut.push({ system: u.system, object: u.what, why: `could not be read: ${u.message}` });

  // 4. The round trip: plan the program on it, read every declared object back, diff as up does.
  for (let round = 0; ; round++) {
    if (!(config["rcclab:users"] as unknown[]).length) {
      throw new CommandError(`no user fits the guide's shape (nothing was written):\n${leftOut.map((m) => `  ${m.system}: ${m.object}: ${m.why}`).join("\n")}`);
    }
    const filled = withSecrets(config, access);
    const parsed = parseConfig(filled);
    if (!parsed.config) throw new CommandError(`the discovered config is not valid (nothing was written):\n${parsed.errors.map((e) => `  ${e.path}: ${e.message}`).join("\n")}`);
    print(round === 0 ? "checking the round trip: planning the stack and reading back every object it declares" : "checking the round trip again");
    const diffs = await verifyConfig(filled, { onProgress: (done, total) => opts.onProgress?.({ system: "verify", what: "objects", done, total }) });
    const byItem = new Map<string, Difference[]>();
    for (const diff of diffs) {
      // Only a replacement (a live object deleted and made again) leaves its item out: a field changed
      // in place (a description rcclab derives) is reported, and the user stays — leaving a user out
      // would make up take their phone from the CTI user and them from desk phone control.
      if (round < 3 && diff.origin && DROPPABLE.test(diff.origin) && !diff.error && diff.replaces) byItem.set(diff.origin, [...(byItem.get(diff.origin) ?? []), diff]);
    }
    if (!byItem.size) {
      changes = diffs.map((x) => differenceMisfit(x, describeDifference));
      break;
    }
    // Leave those items out (highest index first, so the others keep theirs), and check again.
    config = structuredClone(config);
    const items = [...byItem.entries()].map(([origin, ds]) => ({ origin, ds, m: DROPPABLE.exec(origin)! })).sort((a, b) => Number(b.m[2]) - Number(a.m[2]));
    for (const { m, ds } of items) {
      const list = config[`rcclab:${m[1]}`] as Record<string, unknown>[];
      const item = list[Number(m[2])]!;
      list.splice(Number(m[2]), 1);
      const object = m[1] === "users" ? `user ${String(item.userid)}` : m[1] === "meetMe" ? `Meet-Me number ${String(item.pattern)}` : `dial rule ${String(item.name)}`;
      leftOut.push({ system: "cucm", object, why: `up would replace its objects (delete and create them again): ${ds.map(describeDifference).join("; ")}` });
    }
    for (const k of ["rcclab:meetMe", "rcclab:dialRules"]) if (Array.isArray(config[k]) && !(config[k] as unknown[]).length) delete config[k];
  }
  leftOut.push(...poolMisfits);

  // 5. The file (never over another).
  const text = stackYaml(config, {
    stack: opts.stack,
    from: opts.from,
    readAt: inv.readAt,
    cucmVersion: inv.cucm?.version,
    cupVersion: inv.cup?.version,
    secrets: d.secrets,
    leftOut,
    changes,
    unread: [],
  });
  fs.mkdirSync(stacksDir, { recursive: true });
  fs.writeFileSync(file, text, { flag: "wx" });
  const ocs = config["rcclab:ocs"] as { pools: unknown[] };
  return {
    stack: opts.stack,
    file,
    from: { kind: source.kind, name: source.name },
    config,
    secrets: d.secrets,
    leftOut,
    changes,
    unread: inv.unread,
    counts: {
      users: (config["rcclab:users"] as unknown[]).length,
      pools: ocs.pools.length,
      meetMe: ((config["rcclab:meetMe"] as unknown[]) ?? []).length,
      dialRules: ((config["rcclab:dialRules"] as unknown[]) ?? []).length,
    },
  };
}

export { secretCommands };
