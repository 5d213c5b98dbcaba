/**
 * The embedded directory's data: entries by DN with AD's rules where rcclab depends on them —
 * objectClass chains and naming, unique sAMAccountName / userPrincipalName, passwords only over an
 * encrypted connection and with AD's default complexity, an account enabled only with a password,
 * the msRTCSIP attributes' syntaxes and references, only leaves deleted — persisted to a JSON file
 * after every change (passwords as scrypt hashes, never in clear).
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { childDn, DnSyntaxError, dnsNameOf, formatDn, normalizeDn, parseDn, type Rdn } from "./dn";
import { poolObjects, rtcServiceDnFor, type RtcServiceLocation } from "./ocsSchema";
import { evaluate, type Filter } from "./filter";
import { ATTRIBUTES, CLASSES, SAM_INVALID, structuralClass, UAC, type AttributeDef } from "./schema";

/** LDAP result codes (RFC 4511 §4.1.9). */
export const RC = {
  success: 0,
  operationsError: 1,
  protocolError: 2,
  sizeLimitExceeded: 4,
  compareFalse: 5,
  compareTrue: 6,
  authMethodNotSupported: 7,
  unavailableCriticalExtension: 12,
  noSuchAttribute: 16,
  undefinedAttributeType: 17,
  constraintViolation: 19,
  attributeOrValueExists: 20,
  invalidAttributeSyntax: 21,
  noSuchObject: 32,
  invalidDNSyntax: 34,
  invalidCredentials: 49,
  insufficientAccessRights: 50,
  unwillingToPerform: 53,
  namingViolation: 64,
  objectClassViolation: 65,
  notAllowedOnNonLeaf: 66,
  notAllowedOnRDN: 67,
  entryAlreadyExists: 68,
  other: 80,
} as const;

export class LdapError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly matchedDn = "",
  ) {
    super(message);
  }
}

export interface Entry {
  dn: string;
  attrs: Map<string, string[]>;
  /** scrypt hash of unicodePwd. */
  password?: string;
}

/** One attribute of a request: its values as the client sent them. */
export interface RawAttribute {
  type: string;
  values: Buffer[];
}

export interface RequestContext {
  /** The connection is encrypted (LDAPS or after StartTLS). */
  secure: boolean;
}

export interface SearchOptions {
  scope: "base" | "one" | "sub" | "children";
  filter: Filter;
  attributes: string[];
  typesOnly: boolean;
  sizeLimit: number;
}

export interface SearchResult {
  entries: SearchResultEntry[];
  /** Continuation references (RFC 4511 §4.5.3): naming contexts below the search base that the search does not enter. */
  references: string[];
  truncated: boolean;
}

export interface SearchResultEntry {
  dn: string;
  attributes: { type: string; values: (string | Buffer)[] }[];
}

export interface SeedUser {
  sAMAccountName: string;
  cn?: string;
  givenName?: string;
  sn?: string;
  displayName?: string;
  userPrincipalName?: string;
  /** Set as the user's password (AD's complexity rules apply). */
  password?: string;
  enabled?: boolean;
  /** The container (default CN=Users,<base>). */
  parentDn?: string;
  /** Any other attributes, e.g. pre-existing msRTCSIP settings. */
  attributes?: Record<string, string | string[]>;
}

export interface DirectorySeed {
  users?: SeedUser[];
  /** OCS pools whose home server objects (CN=LC Services,…) users can reference. */
  pools?: string[];
  /**
   * Where OCS keeps them (the RTC Service object): "configuration" (OCS 2007 R2's default:
   * CN=RTC Service,CN=Services,CN=Configuration,<forest root>), "system" (older deployments:
   * CN=RTC Service,CN=Microsoft,CN=System,<forest root domain>), or any RTC Service DN in a partition
   * this directory holds (missing containers above it are created).
   */
  poolsIn?: RtcServiceLocation | { rtcServiceDn: string };
  /** More containers (DNs under the base), e.g. OU=Lab,DC=lab,DC=example,DC=com. */
  containers?: string[];
}

const lower = (s: string) => s.toLowerCase();

/** True when the character at `at` is not escaped (preceded by an even number of backslashes). */
function unescapedAt(s: string, at: number): boolean {
  let n = 0;
  for (let i = at - 1; i >= 0 && s[i] === "\\"; i--) n++;
  return n % 2 === 0;
}

/** The number of RDNs of a DN in its normalized form (escaped commas do not count). */
function depth(normalized: string): number {
  let d = 1;
  for (let i = 0; i < normalized.length; i++) {
    if (normalized[i] === "\\") i++;
    else if (normalized[i] === ",") d++;
  }
  return d;
}

/** The normalized DN of the parent (the text after the first unescaped comma); "" for a top RDN. */
function parentOf(normalized: string): string {
  for (let i = 0; i < normalized.length; i++) {
    if (normalized[i] === "\\") i++;
    else if (normalized[i] === ",") return normalized.slice(i + 1);
  }
  return "";
}

/**
 * Attributes whose values are indexed (lower case), for equality filters and the uniqueness checks:
 * rcclab looks users up by sAMAccountName, binds by userPrincipalName, and filters by objectClass.
 */
const INDEXED = ["samaccountname", "userprincipalname", "objectclass"] as const;

function norm(dn: string): string {
  try {
    return normalizeDn(dn);
  } catch (e) {
    if (e instanceof DnSyntaxError) throw new LdapError(RC.invalidDNSyntax, `00002081: NameErr: ${e.message}`);
    throw e;
  }
}

function parse(dn: string): Rdn[] {
  try {
    return parseDn(dn);
  } catch (e) {
    if (e instanceof DnSyntaxError) throw new LdapError(RC.invalidDNSyntax, `00002081: NameErr: ${e.message}`);
    throw e;
  }
}

function generalizedTime(d = new Date()): string {
  return `${d.toISOString().replace(/[-:T]/g, "").slice(0, 14)}.0Z`;
}

/** Windows FILETIME (100 ns since 1601) as AD writes pwdLastSet. */
function fileTime(d = new Date()): string {
  return String(BigInt(d.getTime()) * 10_000n + 116_444_736_000_000_000n);
}

function guidBytes(guid: string): Buffer {
  const h = guid.replace(/-/g, "");
  const b = Buffer.from(h, "hex");
  // AD's string form has the first three groups little-endian.
  return Buffer.concat([Buffer.from(b.subarray(0, 4)).reverse(), Buffer.from(b.subarray(4, 6)).reverse(), Buffer.from(b.subarray(6, 8)).reverse(), b.subarray(8)]);
}

const SCRYPT = { N: 1024, r: 8, p: 1 };

function hashPassword(password: string): string {
  const salt = crypto.randomBytes(16);
  const hash = crypto.scryptSync(password, salt, 32, SCRYPT);
  return `scrypt$${salt.toString("base64")}$${hash.toString("base64")}`;
}

function checkPassword(password: string, stored: string | undefined): boolean {
  if (!stored) return false;
  const [, salt, hash] = stored.split("$");
  if (!salt || !hash) return false;
  const got = crypto.scryptSync(password, Buffer.from(salt, "base64"), 32, SCRYPT);
  return crypto.timingSafeEqual(got, Buffer.from(hash, "base64"));
}

/** AD's default policy: 7 characters or more, three of upper case, lower case, digits, others. */
export function meetsComplexity(password: string): boolean {
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  return password.length >= 7 && classes >= 3;
}

/** unicodePwd's value: the password in double quotes, UTF-16LE. */
function decodeUnicodePwd(v: Buffer): string {
  const s = v.length % 2 === 0 ? v.toString("utf16le") : "";
  if (s.length < 2 || !s.startsWith('"') || !s.endsWith('"')) {
    throw new LdapError(RC.constraintViolation, "0000052D: Constraint violation - the password must be in double quotes and UTF-16LE encoded (unicodePwd)");
  }
  return s.slice(1, -1);
}

const WILL_NOT_PERFORM = "0000001F: SvcErr: DSID-031A12D2, problem 5003 (WILL_NOT_PERFORM), data 0";

export interface DirectoryStoreOptions {
  /**
   * The forest root domain (default: this domain, the forest's only one). The Configuration
   * partition is CN=Configuration,<forest root>; when the forest root is another domain, this
   * directory holds its own domain and the Configuration partition, not the forest root domain.
   */
  forestRootDn?: string;
}

/**
 * The directory's data. It holds naming contexts (partitions), as a domain controller does: its
 * domain's and the forest's Configuration partition. A search stays inside the partition of its
 * base and answers a continuation reference for a partition below it, as AD does.
 */
export class DirectoryStore {
  readonly baseDn: string;
  readonly baseNorm: string;
  readonly forestRootDn: string;
  /** CN=Configuration,<forest root>. */
  readonly configurationDn: string;
  /** The heads of the naming contexts this directory holds (normalized). */
  private readonly heads: string[];
  private readonly entries = new Map<string, Entry>();
  /*
   * Indexes over `entries`, kept by put() / unput(): the children of each DN, and the entries by the
   * values of the INDEXED attributes. Why: a search used to scan every entry (and the uniqueness
   * checks of each write too); with 1,000 users a one-level or subtree search now walks its subtree
   * only, a base search is a lookup, and an equality filter on an indexed attribute reads its index
   * (issue 13 §4).
   */
  private readonly children = new Map<string, Set<string>>();
  private readonly byValue = new Map<string, Map<string, Set<string>>>(INDEXED.map((a) => [a, new Map()]));

  constructor(
    baseDn: string,
    private readonly stateFile: string,
    opts: DirectoryStoreOptions = {},
  ) {
    this.baseDn = formatDn(parse(baseDn));
    this.baseNorm = norm(baseDn);
    this.forestRootDn = formatDn(parse(opts.forestRootDn ?? baseDn));
    const forestNorm = norm(this.forestRootDn);
    if (forestNorm !== this.baseNorm && !this.isUnder(this.baseNorm, forestNorm)) {
      throw new Error(`the domain ${this.baseDn} is not below the forest root ${this.forestRootDn} (a tree of its own is not supported)`);
    }
    this.configurationDn = `CN=Configuration,${this.forestRootDn}`;
    this.heads = [this.baseNorm, norm(this.configurationDn)];
    this.load();
  }

  /** The naming context (its normalized head) an entry belongs to, or undefined outside them all. */
  private partitionOf(key: string): string | undefined {
    let best: string | undefined;
    for (const h of this.heads) if (this.isUnder(key, h) && (!best || depth(h) > depth(best))) best = h;
    return best;
  }

  // ---------------------------------------------------------------------------------------------
  // Persistence

  private load(): void {
    if (!fs.existsSync(this.stateFile)) return;
    const state = JSON.parse(fs.readFileSync(this.stateFile, "utf8")) as {
      version: number;
      entries: { dn: string; attributes: Record<string, string[]>; password?: string }[];
    };
    for (const e of state.entries ?? []) {
      const attrs = new Map<string, string[]>();
      for (const [k, v] of Object.entries(e.attributes)) attrs.set(lower(k), v);
      this.put(norm(e.dn), { dn: e.dn, attrs, password: e.password });
    }
  }

  private save(): void {
    const list = this.sorted([...this.entries])
      .map((e) => ({
        dn: e.dn,
        attributes: Object.fromEntries([...e.attrs].map(([k, v]) => [ATTRIBUTES.get(k)?.name ?? k, v])),
        ...(e.password ? { password: e.password } : {}),
      }));
    fs.mkdirSync(path.dirname(this.stateFile), { recursive: true });
    const tmp = `${this.stateFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify({ version: 1, entries: list }, null, 1)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, this.stateFile);
  }

  /** Entries parents first (by depth), then by DN: the state file's and the search results' order. */
  private sorted(list: Array<[string, Entry]>): Entry[] {
    return list
      .map(([k, e]) => ({ e, d: depth(k) }))
      .sort((a, b) => a.d - b.d || a.e.dn.localeCompare(b.e.dn))
      .map(({ e }) => e);
  }

  // ---------------------------------------------------------------------------------------------
  // The entries and their indexes: every change goes through put / unput

  private put(key: string, entry: Entry): void {
    this.unput(key);
    this.entries.set(key, entry);
    const parent = parentOf(key);
    let siblings = this.children.get(parent);
    if (!siblings) this.children.set(parent, (siblings = new Set()));
    siblings.add(key);
    for (const a of INDEXED) {
      const index = this.byValue.get(a)!;
      for (const v of entry.attrs.get(a) ?? []) {
        let keys = index.get(lower(v));
        if (!keys) index.set(lower(v), (keys = new Set()));
        keys.add(key);
      }
    }
  }

  private unput(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.children.get(parentOf(key))?.delete(key);
    for (const a of INDEXED) {
      const index = this.byValue.get(a)!;
      for (const v of entry.attrs.get(a) ?? []) index.get(lower(v))?.delete(key);
    }
  }

  /** The entries whose indexed attribute has this value (any case). */
  private withValue(attribute: (typeof INDEXED)[number], value: string): Entry[] {
    return [...(this.byValue.get(attribute)!.get(lower(value)) ?? [])].map((k) => this.entries.get(k)!);
  }

  /**
   * The keys an equality filter on an indexed attribute narrows a search to (for an AND, its
   * narrowest such part); undefined when no index applies. A superset of the matches: the filter
   * is still evaluated on each.
   */
  private narrowed(f: Filter): Set<string> | undefined {
    if (f.op === "eq") {
      const a = lower(f.attribute);
      return (INDEXED as readonly string[]).includes(a) ? (this.byValue.get(a)!.get(lower(f.value)) ?? new Set()) : undefined;
    }
    if (f.op !== "and") return undefined;
    let best: Set<string> | undefined;
    for (const part of f.filters) {
      const keys = this.narrowed(part);
      if (keys && (!best || keys.size < best.size)) best = keys;
    }
    return best;
  }

  /** The keys below `key` (not itself), depth first, not entering the heads of other naming contexts. */
  private *descendants(key: string, partition: string | undefined): Generator<string> {
    for (const child of this.children.get(key) ?? []) {
      if (this.partitionOf(child) !== partition) continue;
      yield child;
      yield* this.descendants(child, partition);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Lookups

  get(dn: string): Entry | undefined {
    return this.entries.get(norm(dn));
  }

  /** The nearest existing ancestor of a DN (LDAP's matchedDN). */
  private matched(dn: string): string {
    const rdns = parse(dn);
    for (let i = 1; i < rdns.length; i++) {
      const e = this.entries.get(norm(formatDn(rdns.slice(i))));
      if (e) return e.dn;
    }
    return "";
  }

  private require(dn: string): Entry {
    const e = this.get(dn);
    if (!e) throw new LdapError(RC.noSuchObject, `0000208D: NameErr: DSID-0310028D, problem 2001 (NO_OBJECT), data 0, best match of: '${this.matched(dn)}'`, this.matched(dn));
    return e;
  }

  private isUnder(n: string, ancestor: string): boolean {
    if (n === ancestor) return true;
    if (!n.endsWith(`,${ancestor}`)) return false;
    return unescapedAt(n, n.length - ancestor.length - 1);
  }

  private childrenOf(n: string): Entry[] {
    return [...(this.children.get(n) ?? [])].map((k) => this.entries.get(k)!);
  }

  findBySam(sam: string): Entry | undefined {
    return this.withValue("samaccountname", sam)[0];
  }

  // ---------------------------------------------------------------------------------------------
  // Authentication

  /** A simple bind: true when the name (DN or userPrincipalName) and password match an enabled account. */
  authenticate(name: string, password: string): boolean {
    let entry: Entry | undefined;
    if (name.includes("=")) {
      try {
        entry = this.get(name);
      } catch {
        return false;
      }
    } else {
      entry = this.withValue("userprincipalname", name)[0];
    }
    if (!entry || !checkPassword(password, entry.password)) return false;
    const uac = Number(entry.attrs.get("useraccountcontrol")?.[0] ?? UAC.normal);
    return (uac & UAC.disabled) === 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Validation shared by add and modify

  private attributeDef(type: string): AttributeDef {
    const def = ATTRIBUTES.get(lower(type));
    if (!def) throw new LdapError(RC.undefinedAttributeType, `00000057: LdapErr: DSID-0C090D8A, comment: Error in attribute conversion operation, data 0 (${type} is not in the schema)`);
    return def;
  }

  private checkValue(def: AttributeDef, value: string, dn: string): void {
    const bad = () =>
      new LdapError(RC.invalidAttributeSyntax, `0000200B: objectclass_attrs: attribute '${def.name}' on entry '${dn}' contains at least one invalid value!`);
    switch (def.syntax) {
      case "integer":
        if (!/^-?\d+$/.test(value) || Number(value) > 2 ** 31 - 1 || Number(value) < -(2 ** 31)) {
          // userAccountControl is written unsigned by some tools
          if (!(def.name === "userAccountControl" && /^\d+$/.test(value) && Number(value) <= 2 ** 32 - 1)) throw bad();
        }
        return;
      case "boolean":
        if (value !== "TRUE" && value !== "FALSE") throw bad();
        return;
      case "dn": {
        try {
          parseDn(value);
        } catch {
          throw bad();
        }
        if (def.system) return;
        if (!this.entries.has(norm(value))) {
          throw new LdapError(RC.constraintViolation, `000020B5: AtrErr: Referenced object not found: ${def.name}: ${value}`);
        }
        return;
      }
      default:
        return;
    }
  }

  /** Every rule an entry must satisfy after a write. `self` is its normalized DN. */
  private validate(entry: Entry, self: string): void {
    const struct = structuralClass(entry.attrs.get("objectclass") ?? []);
    if (!struct) throw new LdapError(RC.objectClassViolation, `00002014: objectclass_attrs: no structural objectClass on '${entry.dn}'`);
    for (const [key, values] of entry.attrs) {
      const def = this.attributeDef(key);
      if (def.classes && !def.classes.includes(struct)) {
        throw new LdapError(RC.objectClassViolation, `00002014: objectclass_attrs: attribute '${def.name}' on entry '${entry.dn}' does not exist in the specified objectclasses!`);
      }
      if (def.single && values.length > 1) {
        throw new LdapError(RC.constraintViolation, `00002081: AtrErr: attribute '${def.name}' is single-valued; ${values.length} values given`);
      }
      for (const v of values) this.checkValue(def, v, entry.dn);
    }
    if (struct === "user" || struct === "computer" || struct === "group") {
      const sam = entry.attrs.get("samaccountname")?.[0];
      if (sam === undefined) throw new LdapError(RC.constraintViolation, "samldb: sAMAccountName is required");
      const badChar = SAM_INVALID.exec(sam);
      if (badChar) throw new LdapError(RC.constraintViolation, `0000202F: samldb: sAMAccountName contains invalid '${badChar[0]}' character`);
      const clash = this.findBySam(sam);
      if (clash && norm(clash.dn) !== self) {
        throw new LdapError(RC.entryAlreadyExists, `00002071: samldb: Account name (sAMAccountName) '${sam}' already in use!`);
      }
    }
    const upn = entry.attrs.get("userprincipalname")?.[0];
    if (upn !== undefined) {
      for (const e of this.withValue("userprincipalname", upn)) {
        if (norm(e.dn) !== self) {
          throw new LdapError(RC.constraintViolation, `0000202F: samldb: userPrincipalName ${upn} is already in use by ${e.dn}`);
        }
      }
    }
    if (struct === "user" || struct === "computer") {
      const uac = Number(entry.attrs.get("useraccountcontrol")?.[0] ?? UAC.normal | UAC.disabled);
      if ((uac & UAC.disabled) === 0 && !entry.password && (uac & UAC.passwordNotRequired) === 0) {
        throw new LdapError(RC.unwillingToPerform, `0000052D: SvcErr: DSID-031A124C, problem 5003 (WILL_NOT_PERFORM): ${entry.dn} cannot be enabled without a password`);
      }
    }
  }

  private setPassword(entry: Entry, value: Buffer, ctx: RequestContext): void {
    if (!ctx.secure) throw new LdapError(RC.unwillingToPerform, `${WILL_NOT_PERFORM} (unicodePwd can only be set over an encrypted connection)`);
    const password = decodeUnicodePwd(value);
    if (!meetsComplexity(password)) {
      throw new LdapError(RC.constraintViolation, "0000052D: Constraint violation - check_password_restrictions: the password does not meet the complexity criteria!");
    }
    entry.password = hashPassword(password);
    entry.attrs.set("pwdlastset", [fileTime()]);
  }

  private commit(key: string, entry: Entry): void {
    this.put(key, entry);
  }

  // ---------------------------------------------------------------------------------------------
  // Operations

  add(dn: string, input: RawAttribute[], ctx: RequestContext): void {
    const rdns = parse(dn);
    const key = norm(dn);
    if (rdns.length === 0) throw new LdapError(RC.invalidDNSyntax, "00002081: NameErr: empty DN");
    if (this.entries.has(key)) throw new LdapError(RC.entryAlreadyExists, `00002071: UpdErr: DSID-0305038D, problem 6005 (ENTRY_EXISTS), data 0 (${dn})`);
    if (!this.partitionOf(key)) {
      throw new LdapError(RC.noSuchObject, `0000208D: NameErr: ${dn} is in none of this directory's naming contexts (${this.baseDn}, ${this.configurationDn})`);
    }
    if (!this.heads.includes(key) && !this.entries.has(norm(formatDn(rdns.slice(1))))) {
      const matched = this.matched(dn);
      throw new LdapError(RC.noSuchObject, `0000208D: NameErr: DSID-0310028D, problem 2001 (NO_OBJECT), data 0, best match of: '${matched}'`, matched);
    }
    const canonical = formatDn(rdns);
    const entry: Entry = { dn: canonical, attrs: new Map() };
    let password: Buffer | undefined;
    for (const a of input) {
      const def = this.attributeDef(a.type);
      if (def.system) throw new LdapError(RC.constraintViolation, `00002082: AtrErr: ${def.name} is set by the directory`);
      if (def.syntax === "password") {
        password = a.values[0];
        continue;
      }
      const key2 = lower(def.name);
      const values = [...(entry.attrs.get(key2) ?? [])];
      for (const raw of a.values) {
        const v = raw.toString("utf8");
        if (values.some((x) => lower(x) === lower(v))) throw new LdapError(RC.attributeOrValueExists, `00002083: AtrErr: ${def.name}: value ${v} given twice`);
        values.push(v);
      }
      entry.attrs.set(key2, values);
    }
    const struct = structuralClass(entry.attrs.get("objectclass") ?? []);
    if (!struct) throw new LdapError(RC.objectClassViolation, `00002014: objectclass_attrs: no structural objectClass (one of ${Object.values(CLASSES).map((c) => c.chain.at(-1)).join(", ")})`);
    const cls = CLASSES[struct]!;
    const first = rdns[0]!;
    if (first.length !== 1 || lower(first[0]!.type) !== cls.rdn) {
      throw new LdapError(RC.namingViolation, `00002073: NameErr: the RDN of a ${cls.chain.at(-1)} must be ${cls.rdn.toUpperCase()}=…`);
    }
    const rdnValue = first[0]!.value;
    entry.attrs.set("objectclass", [...cls.chain]);
    entry.attrs.set(cls.rdn, [rdnValue]);
    entry.attrs.set("name", [rdnValue]);
    entry.attrs.set("distinguishedname", [canonical]);
    entry.attrs.set("objectguid", [crypto.randomUUID()]);
    entry.attrs.set("objectcategory", [`CN=${cls.category},CN=Schema,${this.configurationDn}`]);
    const now = generalizedTime();
    entry.attrs.set("whencreated", [now]);
    entry.attrs.set("whenchanged", [now]);
    if (struct === "user" || struct === "computer") {
      if (!entry.attrs.has("samaccountname")) {
        entry.attrs.set("samaccountname", [`$${crypto.randomBytes(4).toString("hex").toUpperCase()}-${crypto.randomBytes(6).toString("hex").toUpperCase()}`]);
      }
      if (!entry.attrs.has("useraccountcontrol")) entry.attrs.set("useraccountcontrol", [String(UAC.normal | UAC.disabled | UAC.passwordNotRequired)]);
      entry.attrs.set("pwdlastset", ["0"]);
      if (password) this.setPassword(entry, password, ctx);
    } else if (password) {
      throw new LdapError(RC.objectClassViolation, `00002014: objectclass_attrs: unicodePwd is not allowed on a ${cls.chain.at(-1)}`);
    }
    this.validate(entry, key);
    this.commit(key, entry);
    this.save();
  }

  modify(dn: string, changes: { operation: "add" | "delete" | "replace"; type: string; values: Buffer[] }[], ctx: RequestContext): void {
    const current = this.require(dn);
    const key = norm(current.dn);
    const entry: Entry = { dn: current.dn, attrs: new Map([...current.attrs].map(([k, v]) => [k, [...v]])), password: current.password };
    const struct = structuralClass(entry.attrs.get("objectclass") ?? []) ?? "";
    const rdnAttr = CLASSES[struct]?.rdn ?? "cn";
    for (const ch of changes) {
      const def = this.attributeDef(ch.type);
      const k = lower(def.name);
      if (def.system) throw new LdapError(RC.constraintViolation, `00002082: AtrErr: ${def.name} is set by the directory`);
      if (k === rdnAttr) throw new LdapError(RC.notAllowedOnRDN, `000020B1: UpdErr: ${def.name} is the RDN; rename the object instead`);
      if (k === "objectclass") throw new LdapError(RC.unwillingToPerform, `${WILL_NOT_PERFORM} (objectClass cannot be changed here)`);
      if (def.syntax === "password") {
        if (ch.operation === "delete") {
          const old = ch.values[0];
          if (!old || !checkPassword(decodeUnicodePwd(old), entry.password)) {
            throw new LdapError(RC.constraintViolation, "00000056: AtrErr: DSID-03190F80, #1: the old password does not match");
          }
          continue;
        }
        const v = ch.values[0];
        if (!v) throw new LdapError(RC.constraintViolation, "0000052D: unicodePwd needs a value");
        this.setPassword(entry, v, ctx);
        continue;
      }
      const values = ch.values.map((b) => b.toString("utf8"));
      const have = entry.attrs.get(k) ?? [];
      const same = (a: string, b: string) => (def.syntax === "dn" ? norm(a) === norm(b) : lower(a) === lower(b));
      switch (ch.operation) {
        case "add":
          for (const v of values) {
            if (have.some((x) => same(x, v))) throw new LdapError(RC.attributeOrValueExists, `00002083: AtrErr: ${def.name} already has the value ${v}`);
            have.push(v);
          }
          entry.attrs.set(k, have);
          break;
        case "delete":
          if (values.length === 0) {
            if (!entry.attrs.has(k)) throw new LdapError(RC.noSuchAttribute, `0000216C: AtrErr: ${def.name} is not on ${entry.dn}`);
            entry.attrs.delete(k);
            break;
          }
          for (const v of values) {
            const i = have.findIndex((x) => same(x, v));
            if (i < 0) throw new LdapError(RC.noSuchAttribute, `0000216C: AtrErr: ${def.name} has no value ${v}`);
            have.splice(i, 1);
          }
          if (have.length) entry.attrs.set(k, have);
          else entry.attrs.delete(k);
          break;
        case "replace":
          if (values.length) entry.attrs.set(k, values);
          else entry.attrs.delete(k);
          break;
      }
    }
    this.validate(entry, key);
    entry.attrs.set("whenchanged", [generalizedTime()]);
    this.commit(key, entry);
    this.save();
  }

  modifyDn(dn: string, newRdn: string, newSuperior: string | undefined): void {
    const current = this.require(dn);
    const oldKey = norm(current.dn);
    if (this.heads.includes(oldKey)) throw new LdapError(RC.unwillingToPerform, `${WILL_NOT_PERFORM} (the head of a naming context cannot be renamed)`);
    const rdns = parse(newRdn);
    if (rdns.length !== 1 || rdns[0]!.length !== 1) throw new LdapError(RC.invalidDNSyntax, `00002081: NameErr: new RDN must be one attribute=value, got ${newRdn}`);
    const struct = structuralClass(current.attrs.get("objectclass") ?? []) ?? "";
    const rdnAttr = CLASSES[struct]?.rdn ?? "cn";
    const ava = rdns[0]![0]!;
    if (lower(ava.type) !== rdnAttr) throw new LdapError(RC.namingViolation, `00002073: NameErr: the RDN must be ${rdnAttr.toUpperCase()}=…`);
    const parentDn = newSuperior !== undefined && newSuperior !== "" ? this.require(newSuperior).dn : formatDn(parseDn(current.dn).slice(1));
    const newDn = childDn(rdnAttr.toUpperCase(), ava.value, parentDn);
    const newKey = norm(newDn);
    if (newKey !== oldKey && this.entries.has(newKey)) throw new LdapError(RC.entryAlreadyExists, `00002071: UpdErr: ${newDn} already exists`);
    if (this.isUnder(newKey, oldKey) && newKey !== oldKey) throw new LdapError(RC.unwillingToPerform, `${WILL_NOT_PERFORM} (cannot move an object below itself)`);
    if (this.partitionOf(newKey) !== this.partitionOf(oldKey)) {
      throw new LdapError(RC.unwillingToPerform, `${WILL_NOT_PERFORM} (${current.dn} cannot move to another naming context)`);
    }
    const oldRdnCount = parseDn(current.dn).length;
    const moved = new Map<string, string>(); // old normalized DN → new DN
    for (const [k, e] of [...this.entries]) {
      if (!this.isUnder(k, oldKey)) continue;
      const own = parseDn(e.dn);
      const dnNew = formatDn([...own.slice(0, own.length - oldRdnCount), ...parseDn(newDn)]);
      moved.set(k, dnNew);
    }
    const now = generalizedTime();
    for (const [k, dnNew] of moved) {
      const e = this.entries.get(k)!;
      this.unput(k);
      e.dn = dnNew;
      e.attrs.set("distinguishedname", [dnNew]);
      if (k === oldKey) {
        e.attrs.set(rdnAttr, [ava.value]);
        e.attrs.set("name", [ava.value]);
        e.attrs.set("whenchanged", [now]);
      }
      this.put(norm(dnNew), e);
    }
    // References to moved objects follow them, as AD's DN-valued attributes do.
    for (const e of this.entries.values()) {
      for (const [k, values] of e.attrs) {
        const def = ATTRIBUTES.get(k);
        if (def?.syntax !== "dn" || def.system) continue;
        e.attrs.set(
          k,
          values.map((v) => moved.get(norm(v)) ?? v),
        );
      }
    }
    this.save();
  }

  delete(dn: string): void {
    const e = this.require(dn);
    const key = norm(e.dn);
    if (this.heads.includes(key)) throw new LdapError(RC.unwillingToPerform, `${WILL_NOT_PERFORM} (the head of a naming context cannot be deleted)`);
    if (this.childrenOf(key).length > 0) throw new LdapError(RC.notAllowedOnNonLeaf, `00002015: UpdErr: DSID-031A1236, problem 6003 (CANT_ON_NON_LEAF), data 0 (${e.dn})`);
    this.unput(key);
    this.save();
  }

  compare(dn: string, type: string, value: string): boolean {
    const e = this.require(dn);
    const def = this.attributeDef(type);
    if (def.writeOnly) throw new LdapError(RC.insufficientAccessRights, `00002098: SecErr: ${def.name} cannot be compared`);
    return (e.attrs.get(lower(def.name)) ?? []).some((v) => (def.syntax === "dn" ? norm(v) === norm(value) : lower(v) === lower(value)));
  }

  /** The root DSE: what the directory is and where its naming contexts are. */
  rootDse(dnsName: string): SearchResultEntry {
    const config = this.configurationDn;
    const attrs: Record<string, string[]> = {
      namingContexts: [this.baseDn, config, `CN=Schema,${config}`],
      defaultNamingContext: [this.baseDn],
      rootDomainNamingContext: [this.forestRootDn],
      configurationNamingContext: [config],
      schemaNamingContext: [`CN=Schema,${config}`],
      supportedLDAPVersion: ["3"],
      supportedExtension: ["1.3.6.1.4.1.1466.20037", "1.3.6.1.4.1.4203.1.11.3"],
      // The simple paged results control (RFC 2696), as AD lists it.
      supportedControl: ["1.2.840.113556.1.4.319"],
      supportedSASLMechanisms: [],
      dnsHostName: [dnsName],
      isGlobalCatalogReady: ["FALSE"],
      domainFunctionality: ["2"],
      forestFunctionality: ["2"],
      domainControllerFunctionality: ["2"],
      vendorName: ["rcclab embedded directory"],
      currentTime: [generalizedTime()],
    };
    return { dn: "", attributes: Object.entries(attrs).map(([type, values]) => ({ type, values })) };
  }

  search(base: string, opts: SearchOptions): SearchResult {
    const baseEntry = this.require(base);
    const baseKey = norm(baseEntry.dn);
    const partition = this.partitionOf(baseKey);
    const baseDepth = depth(baseKey);
    const inScope = (d: number) => (opts.scope === "base" ? d === 0 : opts.scope === "one" ? d === 1 : opts.scope === "children" ? d > 0 : true);
    // Another partition below the base is not entered; its head, when in scope, is answered with a reference.
    const references = this.heads
      .filter((h) => h !== partition && this.entries.has(h) && this.isUnder(h, baseKey) && inScope(depth(h) - baseDepth))
      .map((h) => `ldap://${dnsNameOf(this.forestRootDn)}/${this.entries.get(h)!.dn}`);
    let keys: Iterable<string>;
    const narrowed = this.narrowed(opts.filter);
    if (narrowed) {
      keys = [...narrowed].filter((k) => this.isUnder(k, baseKey) && inScope(depth(k) - baseDepth) && this.partitionOf(k) === partition);
    } else if (opts.scope === "base") {
      keys = [baseKey];
    } else if (opts.scope === "one") {
      keys = [...(this.children.get(baseKey) ?? [])].filter((k) => this.partitionOf(k) === partition);
    } else {
      keys = this.descendants(baseKey, partition);
      if (opts.scope === "sub") keys = [baseKey, ...keys];
    }
    const candidates = this.sorted([...keys].map((k) => [k, this.entries.get(k)!]));
    const out: SearchResultEntry[] = [];
    for (const e of candidates) {
      if (evaluate(opts.filter, e) !== true) continue;
      if (opts.sizeLimit > 0 && out.length >= opts.sizeLimit) return { entries: out, references, truncated: true };
      out.push(this.project(e, opts.attributes, opts.typesOnly));
    }
    return { entries: out, references, truncated: false };
  }

  private project(e: Entry, requested: string[], typesOnly: boolean): SearchResultEntry {
    const wanted = requested.map(lower);
    const all = wanted.length === 0 || wanted.includes("*");
    const none = wanted.length === 1 && wanted[0] === "1.1";
    const attributes: SearchResultEntry["attributes"] = [];
    if (none) return { dn: e.dn, attributes };
    for (const [k, values] of e.attrs) {
      const def = ATTRIBUTES.get(k);
      if (def?.writeOnly) continue;
      if (!all && !wanted.includes(k)) continue;
      const out = def?.syntax === "guid" ? values.map(guidBytes) : values;
      attributes.push({ type: def?.name ?? k, values: typesOnly ? [] : out });
    }
    return { dn: e.dn, attributes };
  }

  // ---------------------------------------------------------------------------------------------
  // Set-up: the domain's skeleton, the bind account, pools and seeded users (none of it overwritten)

  /** Add an entry unless it exists (set-up writes: encrypted, trusted). */
  ensure(dn: string, attributes: Record<string, string | string[]>, password?: string): Entry {
    const existing = this.get(dn);
    if (existing) return existing;
    const input: RawAttribute[] = Object.entries(attributes).map(([type, v]) => ({
      type,
      values: (Array.isArray(v) ? v : [v]).map((x) => Buffer.from(x)),
    }));
    if (password !== undefined) input.push({ type: "unicodePwd", values: [Buffer.from(`"${password}"`, "utf16le")] });
    this.add(dn, input, { secure: true });
    return this.get(dn)!;
  }

  initialize(opts: { bindDn: string; password: string; seed?: DirectorySeed }): void {
    const dc = parseDn(this.baseDn)[0]![0]!.value;
    this.ensure(this.baseDn, { objectClass: "domainDNS", dc });
    for (const c of ["Users", "Computers", "System"]) this.ensure(`CN=${c},${this.baseDn}`, { objectClass: "container" });
    this.ensure(this.configurationDn, { objectClass: "configuration" });
    this.ensure(`CN=Services,${this.configurationDn}`, { objectClass: "container" });
    for (const dn of opts.seed?.containers ?? []) this.ensureContainer(dn);
    const where = opts.seed?.poolsIn ?? "configuration";
    const rtcServiceDn = typeof where === "string" ? rtcServiceDnFor(where, this.forestRootDn) : where.rtcServiceDn;
    for (const pool of opts.seed?.pools ?? []) this.seedPool(rtcServiceDn, pool);
    // The bind account: created when it lives in this domain; its password always the configured one.
    const bindKey = norm(opts.bindDn);
    if (this.isUnder(bindKey, this.baseNorm) && bindKey !== this.baseNorm) {
      const bindRdns = parseDn(opts.bindDn);
      if (!this.entries.has(norm(formatDn(bindRdns.slice(1))))) {
        this.ensure(formatDn(bindRdns.slice(1)), { objectClass: "container" });
      }
      const name = bindRdns[0]![0]!.value;
      const existing = this.get(opts.bindDn);
      if (!existing) {
        this.ensure(opts.bindDn, {
          objectClass: "user",
          sAMAccountName: name.replace(SAM_INVALID, "_").slice(0, 20),
          userAccountControl: String(UAC.normal | UAC.passwordNotRequired),
          description: "Built-in account for administering the domain",
        });
        this.get(opts.bindDn)!.password = hashPassword(opts.password);
      } else {
        existing.password = hashPassword(opts.password);
      }
      this.save();
    }
    for (const u of opts.seed?.users ?? []) this.seedUser(u);
  }

  /** A container (or OU, by its RDN) with any missing containers above it, inside a partition this directory holds. */
  private ensureContainer(dn: string): void {
    if (this.get(dn)) return;
    const key = norm(dn);
    if (!this.partitionOf(key)) throw new Error(`${dn} is in none of this directory's naming contexts (${this.baseDn}, ${this.configurationDn})`);
    const rdns = parse(dn);
    if (!this.heads.includes(key)) this.ensureContainer(formatDn(rdns.slice(1)));
    const first = rdns[0]?.[0];
    this.ensure(dn, { objectClass: first && lower(first.type) === "ou" ? "organizationalUnit" : "container" });
  }

  /** A pool's objects, as OCS setup leaves them: the RTC Service object down to CN=LC Services. */
  private seedPool(rtcServiceDn: string, pool: string): void {
    this.ensureContainer(formatDn(parse(rtcServiceDn).slice(1)));
    for (const o of poolObjects(rtcServiceDn, pool)) this.ensure(o.dn, { objectClass: o.objectClass });
  }

  private seedUser(u: SeedUser): void {
    if (this.findBySam(u.sAMAccountName)) return;
    const parent = u.parentDn ?? `CN=Users,${this.baseDn}`;
    const cn = u.cn ?? u.displayName ?? u.sAMAccountName;
    const enabled = u.enabled ?? u.password !== undefined;
    const attrs: Record<string, string | string[]> = {
      objectClass: "user",
      sAMAccountName: u.sAMAccountName,
      userAccountControl: String(enabled ? UAC.normal : UAC.normal | UAC.disabled),
      ...(u.givenName !== undefined ? { givenName: u.givenName } : {}),
      ...(u.sn !== undefined ? { sn: u.sn } : {}),
      ...(u.displayName !== undefined ? { displayName: u.displayName } : {}),
      ...(u.userPrincipalName !== undefined ? { userPrincipalName: u.userPrincipalName } : {}),
      ...(u.attributes ?? {}),
    };
    this.ensure(childDn("CN", cn, parent), attrs, u.password);
  }

  /** The DNS name of the domain (lab.example.com). */
  get domainName(): string {
    return dnsNameOf(this.baseDn);
  }

  /** Every entry (tests). */
  all(): Entry[] {
    return [...this.entries.values()];
  }
}
