/**
 * CUP's database as rcclab maps it: the data of providers/cup/mapping.yaml (the one place that names
 * CUP's tables and columns, each with its evidence), typed and checked, plus a lab's override file.
 *
 * Statements (sql.ts) name tables and columns by their KEYS (`incomingAcl`, `address`); a Catalog
 * says what they are called on a given CUP (`incomingacl`, `address`, or what an override renames them
 * to). The client renders every statement against its connection's catalog, and preflight
 * (preflight.ts) checks each name and type against the live CUP before anything is written.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { projectRoot } from "../core/provider";

export const STEPS = ["C1", "C2", "C3", "C4", "C5", "C6", "C7"] as const;
export type Step = (typeof STEPS)[number];

const evidenceSchema = z
  .object({ status: z.enum(["confirmed", "assumed"]), source: z.string().min(1) })
  .strict();
export type Evidence = z.infer<typeof evidenceSchema>;

/** An Informix identifier (folded to lower case, as Informix does). */
const identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a plain SQL name (letters, digits, _)")
  .max(128)
  .transform((s) => s.toLowerCase());

const columnSchema = z
  .object({
    type: z.enum(["guid", "string", "int", "boolean"]),
    max: z.number().int().positive().optional(),
    min: z.number().int().optional(),
    maxValue: z.number().int().optional(),
    nullable: z.boolean().optional(),
    default: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
    secret: z.boolean().optional(),
    references: z.string().optional(),
    name: identifier.optional(),
    evidence: evidenceSchema.optional(),
  })
  .strict();

const tableSchema = z
  .object({
    name: identifier,
    step: z.enum(STEPS),
    about: z.string(),
    evidence: evidenceSchema,
    singleton: z.boolean().default(false),
    key: z.array(z.string()).default([]),
    reload: z.array(z.string()),
    profileName: z.string().optional(),
    columns: z.record(z.string(), columnSchema),
  })
  .strict();

const mappingSchema = z
  .object({
    sources: z.record(z.string(), z.string()),
    defaults: z.object({ columnEvidence: evidenceSchema }).strict(),
    services: z.record(z.string(), z.string()),
    steps: z.record(z.enum(STEPS), z.object({ title: z.string(), page: z.string() }).strict()),
    tables: z.record(z.string(), tableSchema),
  })
  .strict();

/** A column's type in CUP's Informix database, as rcclab reads and writes it. */
export type ColumnType = "guid" | "string" | "int" | "boolean";

export interface ColumnSpec {
  /** The column's name on this CUP. */
  readonly name: string;
  readonly type: ColumnType;
  /** Maximum length for strings. */
  readonly max?: number;
  readonly min?: number;
  readonly maxValue?: number;
  /** NULL allowed (otherwise NOT NULL). */
  readonly nullable?: boolean;
  readonly default?: string | number | boolean | null;
  /** Holds a password: written only when confirmed, or trusted (see Catalog.maySetSecret). */
  readonly secret?: boolean;
  /** A reference to another table's pkid (by table key). */
  readonly references?: string;
  readonly evidence: Evidence;
}

export interface TableSpec {
  /** The key statements use. */
  readonly key: string;
  /** The table's name on this CUP. */
  readonly table: string;
  readonly step: Step;
  /** The guide step's admin page (where the step is done by hand). */
  readonly page: string;
  readonly about: string;
  readonly evidence: Evidence;
  /** Exactly one row (a settings page): rcclab only updates it. */
  readonly singleton: boolean;
  /** The natural key rcclab looks rows up by (column keys). */
  readonly naturalKey: readonly string[];
  /** CUP services that re-read this table only when they start. */
  readonly reloadServices: readonly CupServiceName[];
  readonly columns: Readonly<Record<string, ColumnSpec>>;
  readonly profileName?: string;
}

export type CupServiceName = string;

const MAPPING_FILE = path.join(projectRoot(__dirname), "providers", "cup", "mapping.yaml");

function loadBase(): z.infer<typeof mappingSchema> {
  const parsed = mappingSchema.safeParse(parseYaml(fs.readFileSync(MAPPING_FILE, "utf8")));
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`${MAPPING_FILE}: ${i.path.join(".")}: ${i.message}`);
  }
  const m = parsed.data;
  for (const [key, t] of Object.entries(m.tables)) {
    for (const s of t.reload) if (!(s in m.services)) throw new Error(`${MAPPING_FILE}: tables.${key}.reload: no service ${s}`);
    for (const k of t.key) if (!(k in t.columns)) throw new Error(`${MAPPING_FILE}: tables.${key}.key: no column ${k}`);
    for (const [c, col] of Object.entries(t.columns)) {
      if (col.references && !(col.references in m.tables)) throw new Error(`${MAPPING_FILE}: tables.${key}.columns.${c}.references: no table ${col.references}`);
    }
  }
  return m;
}

/** The mapping as published in providers/cup/mapping.yaml. */
export const MAPPING = loadBase();

/** The services CUP restarts, by key (sipProxy, presenceEngine, syncAgent). */
export const CUP_SERVICES = MAPPING.services as { readonly sipProxy: string; readonly presenceEngine: string; readonly syncAgent: string };

// ---------------------------------------------------------------------------------------------------
// A lab's override file

const overrideColumn = z.object({ name: identifier.optional(), evidence: evidenceSchema.optional() }).strict();

/**
 * What a lab's override file may say: per table a new name, evidence, the profile row's name, and per
 * column a new name and evidence; `manual` lists the steps rcclab must leave to the admin pages.
 * Built from the mapping, so an unknown table or column is an error naming its path.
 */
export const mappingOverrideSchema = z
  .object({
    tables: z
      .object(
        Object.fromEntries(
          Object.entries(MAPPING.tables).map(([key, t]) => [
            key,
            z
              .object({
                name: identifier.optional(),
                evidence: evidenceSchema.optional(),
                ...(t.profileName !== undefined ? { profileName: z.string().min(1).max(50).optional() } : {}),
                columns: z
                  .object(Object.fromEntries(Object.keys(t.columns).map((c) => [c, overrideColumn.optional()])))
                  .strict()
                  .optional(),
              })
              .strict()
              .optional(),
          ]),
        ),
      )
      .strict()
      .optional(),
    manual: z.array(z.enum(STEPS.filter((s) => s !== "C1") as [Step, ...Step[]])).optional(),
  })
  .strict();
export type MappingOverride = z.infer<typeof mappingOverrideSchema>;

// ---------------------------------------------------------------------------------------------------
// The catalog a client works with

export interface CatalogOptions {
  override?: MappingOverride;
  /** Write secrets into assumed columns (cup.trustAssumedMapping). */
  trustAssumedMapping?: boolean;
}

export class Catalog {
  readonly tables: Readonly<Record<string, TableSpec>>;
  readonly manual: ReadonlySet<Step>;
  readonly trustAssumed: boolean;

  constructor(opts: CatalogOptions = {}) {
    const o = opts.override ?? {};
    this.trustAssumed = opts.trustAssumedMapping ?? false;
    this.manual = new Set(o.manual ?? []);
    const tables: Record<string, TableSpec> = {};
    for (const [key, t] of Object.entries(MAPPING.tables)) {
      const to = (o.tables as Record<string, any> | undefined)?.[key] ?? {};
      const columns: Record<string, ColumnSpec> = {};
      for (const [c, col] of Object.entries(t.columns)) {
        const co = to.columns?.[c] ?? {};
        const { name, evidence, ...rest } = col;
        columns[c] = { ...rest, name: co.name ?? name ?? c.toLowerCase(), evidence: co.evidence ?? evidence ?? MAPPING.defaults.columnEvidence };
      }
      tables[key] = {
        key,
        table: to.name ?? t.name,
        step: t.step,
        page: MAPPING.steps[t.step]!.page,
        about: t.about,
        evidence: to.evidence ?? t.evidence,
        singleton: t.singleton,
        naturalKey: t.key,
        reloadServices: t.reload.map((s) => MAPPING.services[s]!),
        columns,
        ...(t.profileName !== undefined ? { profileName: to.profileName ?? t.profileName } : {}),
      };
    }
    this.tables = tables;
  }

  table(key: string): TableSpec {
    const t = this.tables[key];
    if (!t) throw new Error(`no table ${key} in rcclab's CUP mapping`);
    return t;
  }

  /** The tables a step uses. */
  tablesOf(step: Step): TableSpec[] {
    return Object.values(this.tables).filter((t) => t.step === step);
  }

  /** Whether the lab does this step by hand (the override's `manual`). */
  isManual(step: Step): boolean {
    return this.manual.has(step);
  }

  /** Whether rcclab may write a secret into this column: confirmed (table and column), or trusted. */
  maySetSecret(table: TableSpec, column: string): boolean {
    const c = table.columns[column];
    if (!c?.secret) return true;
    return this.trustAssumed || (table.evidence.status === "confirmed" && c.evidence.status === "confirmed");
  }

  /** "C3 incoming and destination ... (System > Security > Incoming ACL ...)". */
  describeStep(step: Step): string {
    const s = MAPPING.steps[step]!;
    return `${step} ${s.title} (${s.page})`;
  }
}

/** The mapping as published, with no override (what the embedded lab and the tests use). */
export const DEFAULT_CATALOG = new Catalog();

/** Every table, as published, in the mapping file's order. */
export const TABLES: readonly TableSpec[] = Object.values(DEFAULT_CATALOG.tables);

/** The published tables by name, for tests and tools that talk to CUP outside a kind. */
export const INCOMING_ACL = DEFAULT_CATALOG.table("incomingAcl");
export const OUTGOING_ACL = DEFAULT_CATALOG.table("outgoingAcl");
export const CTI_GATEWAY_PROFILE = DEFAULT_CATALOG.table("ctiGatewayProfile");
export const END_USER_CFG = DEFAULT_CATALOG.table("endUserCfg");

/** At most eight CTI gateway (CUCM) addresses [RCC7]. */
export const MAX_CTI_GATEWAY_HOSTS = 8;

/** The items no source confirms (README and `rcclab discover cup` list them). */
export function assumedItems(catalog: Catalog = DEFAULT_CATALOG): string[] {
  const out: string[] = [];
  for (const t of Object.values(catalog.tables)) {
    if (t.evidence.status === "assumed") out.push(`${t.step} table ${t.table} (${t.key}): ${t.evidence.source}`);
    const cols = Object.values(t.columns).filter((c) => c.evidence.status === "assumed").map((c) => c.name);
    if (cols.length) out.push(`${t.step} columns of ${t.table}: ${cols.join(", ")}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// CUP's AXL interface

/**
 * CUP's AXL endpoint, namespace and SOAPAction. CUP 6.x/7.x serve AXL at https://<cup>:8443/axl/ with a
 * schema of their own ([IOG6] "AXL Configuration APIs"). ASSUMED: the namespace
 * `http://www.cisco.com/AXL/API/1.0` and CUCM's SOAPAction form `CUCM:DB ver=1.0 <operation>`; the
 * getCUPVersion answer modelled on getCCMVersion's (`return/componentVersion/version`). Constants
 * here and in providers/cup/cup-axl.wsdl, so a capture from a real CUP corrects them in one place.
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

/** An override file (YAML) read and checked; each problem by its path in the file. */
export function readMappingOverride(file: string): { override?: MappingOverride; errors: { path: string; message: string }[] } {
  let raw: unknown;
  try {
    raw = parseYaml(fs.readFileSync(file, "utf8")) ?? {};
  } catch (e) {
    return { errors: [{ path: "", message: `cannot read ${file}: ${(e as Error).message}` }] };
  }
  const r = mappingOverrideSchema.safeParse(raw);
  if (r.success) return { override: r.data, errors: [] };
  return { errors: r.error.issues.map((i) => ({ path: i.path.join("."), message: overrideMessage(i) })) };
}

function overrideMessage(i: z.core.$ZodIssue): string {
  if (i.code === "unrecognized_keys") {
    const where = i.path.length ? i.path.join(".") : "the file";
    const known = knownKeys(i.path.map(String));
    return `unknown key(s) ${i.keys.join(", ")} in ${where}${known.length ? ` (known: ${known.join(", ")})` : ""}`;
  }
  return i.message;
}

function knownKeys(p: string[]): string[] {
  if (p.length === 0) return ["tables", "manual"];
  if (p.length === 1 && p[0] === "tables") return Object.keys(MAPPING.tables);
  if (p.length === 2 && p[0] === "tables") return ["name", "evidence", "columns", ...(MAPPING.tables[p[1]!]?.profileName !== undefined ? ["profileName"] : [])];
  if (p.length === 3 && p[2] === "columns") return Object.keys(MAPPING.tables[p[1]!]?.columns ?? {});
  if (p.length === 4) return ["name", "evidence"];
  return [];
}
