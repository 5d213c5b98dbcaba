/**
 * `rcclab discover --from X`: where the live lab's connections come from, checked before any network
 * call with the stack config's own schemas (src/config.ts), each problem named by its path in that
 * source ("lab.conn.yaml: cucm.host: must be a host name or an IPv4 address").
 *
 * X is an existing stack's name (its sections cucm, cup, directory, dns and ocs' access settings,
 * decrypted with its passphrase as every command does), or a connection file: a YAML file with the
 * same sections (see docs/discover.md). In that file a secret is given as `${ENV_VAR}` (the whole
 * value), or in plain text — with a warning when the file is readable by group or others.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { formatPath } from "../../providers/core/kind";
import { projectRoot } from "../../providers/core/provider";
import { CommandError, loadStack } from "../commands";
import { cucmSchema, cupSchema, directorySchema, dnsSchema, ocsSchema } from "../config";
import { stackConfigPath } from "../engine/stackConfig";
import { ACCESS_SECRETS, type Access, getPath } from "./toConfig";

export interface Source {
  /** "stack local" or the file's path, for messages. */
  label: string;
  kind: "stack" | "file";
  /** The stack's name, or the file's path. */
  name: string;
  /** The access sections as written (secrets decrypted or substituted). */
  access: Access;
  /** Warnings (a readable file holding passwords). */
  warnings: string[];
}

export class SourceInvalid extends CommandError {
  constructor(
    readonly label: string,
    readonly errors: { path: string; message: string }[],
  ) {
    super(`${label}: the connections are not valid:\n${errors.map((e) => `  ${e.path}: ${e.message}`).join("\n")}`);
  }
}

const SECTIONS = ["cucm", "cup", "directory", "dns", "ocs"] as const;
const OCS_ACCESS = ["transport", "winrm", "ssh"] as const;
/** A stand-in pool, so ocs' access settings are checked by ocsSchema without pools. */
const PLACEHOLDER_POOL = { name: "pool", fqdn: "pool.example.com", address: "192.0.2.1", frontEnds: [{ fqdn: "fe.example.com", address: "192.0.2.1" }] };

/** A stack name, or a file (a path with a separator or a .yaml/.yml name, or an existing file). */
export function isFile(from: string, stacksDir: string): boolean {
  if (/[\\/]/.test(from) || /\.ya?ml$/i.test(from)) return true;
  return !fs.existsSync(stackConfigPath(stacksDir, from)) && fs.existsSync(from);
}

/** Every problem of the access sections, by path (`prefix` + the setting's path). */
export function accessErrors(access: Partial<Record<(typeof SECTIONS)[number], unknown>>, prefix: string, secretHint: (p: string) => string): { path: string; message: string }[] {
  const errors: { path: string; message: string }[] = [];
  const add = (section: string, issues: readonly { path: readonly PropertyKey[]; message: string; code?: string; keys?: string[] }[]) => {
    for (const i of issues) {
      const inner = formatPath(i.path);
      const p = `${prefix}${section}${inner ? (inner.startsWith("[") ? inner : `.${inner}`) : ""}`;
      const message = i.code === "unrecognized_keys" ? `unknown setting(s): ${i.keys!.join(", ")}` : /^missing: set it with pulumi config set/.test(i.message) ? secretHint(`${section}.${inner}`) : i.message;
      errors.push({ path: p, message });
    }
  };
  const check = (section: (typeof SECTIONS)[number], schema: { safeParse(v: unknown): { success: boolean; error?: { issues: any[] } } }, value: unknown) => {
    if (value === undefined || value === null) return void errors.push({ path: `${prefix}${section}`, message: "missing: the lab's connection to it is needed" });
    const r = schema.safeParse(value);
    if (!r.success) add(section, r.error!.issues);
  };
  check("cucm", cucmSchema, access.cucm);
  check("cup", cupSchema, access.cup);
  // Discover's stacks adopt the AD users: no initial password is needed.
  const dir = access.directory as Record<string, unknown> | undefined;
  check("directory", directorySchema, dir && typeof dir === "object" ? { ...dir, users: "adopt" } : dir);
  check("dns", dnsSchema, access.dns);
  const ocs = access.ocs as Record<string, unknown> | undefined;
  if (ocs === undefined || ocs === null) errors.push({ path: `${prefix}ocs`, message: "missing: the lab's connection to the OCS front ends is needed (transport, winrm or ssh)" });
  else if (typeof ocs !== "object") errors.push({ path: `${prefix}ocs`, message: "must be a map" });
  else {
    const extra = Object.keys(ocs).filter((k) => !(OCS_ACCESS as readonly string[]).includes(k) && k !== "pools");
    if (extra.length) errors.push({ path: `${prefix}ocs`, message: `unknown setting(s): ${extra.join(", ")} (the pools are discovered)` });
    const r = ocsSchema.safeParse({ ...Object.fromEntries(OCS_ACCESS.filter((k) => k in ocs).map((k) => [k, ocs[k]])), pools: [PLACEHOLDER_POOL] });
    if (!r.success) add("ocs", r.error.issues.filter((i) => i.path[0] !== "pools"));
  }
  return errors;
}

/** The access sections of an existing stack. */
function fromStack(name: string, stacksDir: string, passphrase?: string): Source {
  const file = stackConfigPath(stacksDir, name);
  const stack = loadStack({ stack: name, stacksDir, ...(passphrase !== undefined ? { passphrase } : {}) });
  const c = stack.config;
  const ocs = (c["rcclab:ocs"] ?? undefined) as Record<string, unknown> | undefined;
  const access = {
    cucm: c["rcclab:cucm"],
    cup: c["rcclab:cup"],
    directory: c["rcclab:directory"],
    dns: c["rcclab:dns"],
    ocs: ocs && typeof ocs === "object" ? Object.fromEntries(OCS_ACCESS.filter((k) => k in ocs).map((k) => [k, ocs[k]])) : ocs,
  };
  const rel = path.relative(process.cwd(), file);
  const label = rel && !rel.startsWith("..") ? rel : file;
  const errors = accessErrors(access, "rcclab:", (p) => `missing: set it with pulumi config set --stack ${name} --secret --path 'rcclab:${p}' <value>`);
  if (errors.length) throw new SourceInvalid(label, errors);
  return { label, kind: "stack", name, access: access as Access, warnings: [] };
}

const ENV_REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** A connection file: YAML with the sections cucm, cup, directory, dns and ocs; secrets as ${ENV_VAR} or plain. */
function fromFile(file: string, env: NodeJS.ProcessEnv): Source {
  const label = file;
  if (!fs.existsSync(file)) throw new CommandError(`${label}: no such file (--from names a stack in the stacks folder, or a connection file)`);
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new SourceInvalid(label, [{ path: "(file)", message: `not YAML: ${(e as Error).message.split("\n")[0]}` }]);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new SourceInvalid(label, [{ path: "(file)", message: "must be a map with the sections cucm, cup, directory, dns and ocs" }]);
  const errors: { path: string; message: string }[] = [];
  const unknown = Object.keys(doc).filter((k) => !(SECTIONS as readonly string[]).includes(k));
  if (unknown.length) errors.push({ path: "(file)", message: `unknown section(s): ${unknown.join(", ")} (cucm, cup, directory, dns, ocs)` });
  // ${ENV_VAR} values, anywhere.
  const plainSecrets: string[] = [];
  const substitute = (v: unknown, at: string): unknown => {
    if (typeof v === "string") {
      const m = ENV_REF.exec(v);
      if (!m) return v;
      const value = env[m[1]!];
      if (value === undefined || value === "") errors.push({ path: at, message: `the environment variable ${m[1]} is not set` });
      return value ?? "";
    }
    if (Array.isArray(v)) return v.map((x, i) => substitute(x, `${at}[${i}]`));
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x, at ? `${at}.${k}` : k)]));
    return v;
  };
  for (const p of ACCESS_SECRETS) {
    const v = getPath(doc as Record<string, any>, p);
    if (typeof v === "string" && !ENV_REF.test(v)) plainSecrets.push(p);
  }
  const access = substitute(doc, "") as Record<string, unknown>;
  errors.push(...accessErrors(access, "", (p) => `missing: give it in the file, as \${ENV_VAR} (e.g. ${p.toUpperCase().replace(/\W+/g, "_")}: \${RCCLAB_${p.toUpperCase().replace(/\W+/g, "_")}}) or in plain text`));
  if (errors.length) throw new SourceInvalid(label, errors);
  const warnings: string[] = [];
  const mode = fs.statSync(file).mode;
  if (plainSecrets.length && mode & 0o044) {
    warnings.push(`warning: ${label} holds ${plainSecrets.join(", ")} in plain text and is readable by others: chmod 600 it, or give them as \${ENV_VAR}`);
  }
  const ocs = access.ocs as Record<string, unknown>;
  return {
    label,
    kind: "file",
    name: file,
    access: { ...(access as unknown as Access), ocs: Object.fromEntries(OCS_ACCESS.filter((k) => k in ocs).map((k) => [k, ocs[k]])) },
    warnings,
  };
}

/** The source --from names: a stack of `stacksDir`, or a connection file. */
export function loadSource(from: string, opts: { stacksDir?: string; passphrase?: string; env?: NodeJS.ProcessEnv } = {}): Source {
  const stacksDir = path.resolve(opts.stacksDir ?? path.join(projectRoot(), "stacks"));
  return isFile(from, stacksDir) ? fromFile(from, opts.env ?? process.env) : fromStack(from, stacksDir, opts.passphrase);
}
