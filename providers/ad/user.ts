/**
 * A3: an Active Directory user of the lab. Natural key: sAMAccountName.
 *
 * - rcclab creates the user under the connection's usersDn (CN=<cn>), with the initial password set
 *   through unicodePwd over TLS, and deletes it again on delete.
 * - No user is taken over: without `adopt`, a create whose sAMAccountName exists fails
 *   (AlreadyExists, naming the stack setting that adopts existing users) — unless the user there is the one this very
 *   create made, found by its retry after an attempt whose answer was lost (same DN, name and
 *   attributes).
 * - Only what this stack created is deleted: the `owned` output, true only when create made the
 *   user. An adopted user (`adopt: true`: found anywhere in the domain, used as it is) and an
 *   imported one are not owned, and stay in the directory on delete; adopt: false later does not make
 *   them the stack's. With `adopt: true` a user that does not exist is created, and owned.
 * - Attributes left out of the config (cn, givenName, sn, displayName, userPrincipalName) are not
 *   managed: rcclab neither sets nor clears them on an existing user, and refresh does not report
 *   them. `enabled` is always managed (default true). The password is write-only: it is set when
 *   rcclab creates the user, and reset when it changes on a user rcclab owns.
 */
import { z } from "zod";
import { isCode, RcclabError } from "../core/errors";
import { defineKind } from "../core/kind";
import { AdClient, first, unicodePwd, type LdapEntry, type Modification } from "./client";
import { childDn, dnEquals, domainDnOf, escapeDnValue, rdnValue } from "./dn";
import { samAccountName } from "./fields";
import { ad } from "./system";

/** userAccountControl: ACCOUNTDISABLE and NORMAL_ACCOUNT. */
const UAC_DISABLED = 0x2;
const UAC_NORMAL = 0x200;

const OPTIONAL = ["cn", "givenName", "sn", "displayName", "userPrincipalName"] as const;
const ATTRS = ["sAMAccountName", "cn", "givenName", "sn", "displayName", "userPrincipalName", "userAccountControl", "objectGUID"];

const fields = z.object({
  sAMAccountName: samAccountName,
  /** The RDN under usersDn; default on create: displayName, else sAMAccountName. Renamed in place. */
  cn: z.string().min(1).max(64).optional(),
  givenName: z.string().min(1).max(64).optional(),
  sn: z.string().min(1).max(64).optional(),
  displayName: z.string().min(1).max(256).optional(),
  userPrincipalName: z
    .string()
    .max(1024)
    .regex(/^[^@\s]+@[^@\s]+$/, "must be name@domain, e.g. alice@lab.example.com")
    .optional(),
  /** The initial password (secret). AD's password policy applies (length, complexity). */
  password: z.string().min(1).max(256).optional(),
  enabled: z.boolean().default(true),
  /** Use an existing user without owning it (delete leaves it). */
  adopt: z.boolean().default(false),
});

type Fields = z.output<typeof fields>;

function uacOf(e: LdapEntry): number {
  return Number(first(e, "userAccountControl") ?? UAC_NORMAL);
}

function requireTls(client: AdClient, what: string): void {
  if (!client.secure) {
    throw new RcclabError("InvalidRequest", `${what} needs an encrypted connection (ldaps:// or startTls): AD takes passwords only over TLS`);
  }
}

/** The changes that bring a live user to the declared fields (undeclared optional attributes stay). */
function changesFor(live: LdapEntry, f: Fields): Modification[] {
  const mods: Modification[] = [];
  for (const name of ["givenName", "sn", "displayName", "userPrincipalName"] as const) {
    const want = f[name];
    if (want !== undefined && first(live, name) !== want) mods.push({ operation: "replace", type: name, values: [want] });
  }
  const uac = uacOf(live);
  const wantUac = f.enabled ? uac & ~UAC_DISABLED : uac | UAC_DISABLED;
  if (wantUac !== uac) mods.push({ operation: "replace", type: "userAccountControl", values: [String(wantUac)] });
  return mods;
}

/** Why an existing user is not taken, and how to use it. */
function notTakenOver(sam: string, dn: string): RcclabError {
  return new RcclabError(
    "AlreadyExists",
    `AD user ${sam} already exists (${dn}) and this stack did not create it; rcclab does not take over a user it did not create. To use the users that exist, set rcclab:directory.users: adopt in the stack (rcclab then sets only their RCC attributes and leaves them in place on destroy); otherwise remove the user first`,
  );
}

/** The attributes a create sends besides the password, for telling its own user from someone else's. */
const CREATED_ATTRS = ["cn", "sAMAccountName", "givenName", "sn", "displayName", "userPrincipalName"] as const;

/** Rename when a declared cn differs from the live RDN; returns the (new) DN. */
async function renameIfNeeded(client: AdClient, live: LdapEntry, cn: string | undefined): Promise<string> {
  if (cn === undefined || rdnValue(live.dn) === cn) return live.dn;
  await client.rename(live.dn, `CN=${escapeDnValue(cn)}`);
  const moved = await client.findUser(first(live, "sAMAccountName") ?? "", ["sAMAccountName"]);
  return moved?.dn ?? live.dn;
}

interface Outputs extends Record<string, unknown> {
  dn: string;
  owned: boolean;
  objectGuid: string | undefined;
}

/** What a read of user `id` makes of its directory entry, given its last known state. */
function userOf(e: LdapEntry, id: string, olds: Partial<Fields & Outputs>): { fields: Fields; outputs: Outputs } {
  // Import (nothing known yet): every attribute the user has. Otherwise only the declared ones.
  const importing = olds.sAMAccountName === undefined;
  const liveSam = first(e, "sAMAccountName") ?? id;
  const live: Record<string, unknown> = {
    // AD matches sAMAccountName without regard to case: keep the declared spelling.
    sAMAccountName: olds.sAMAccountName && olds.sAMAccountName.toLowerCase() === liveSam.toLowerCase() ? olds.sAMAccountName : liveSam,
    cn: rdnValue(e.dn),
    givenName: first(e, "givenName"),
    sn: first(e, "sn"),
    displayName: first(e, "displayName"),
    userPrincipalName: first(e, "userPrincipalName"),
    enabled: (uacOf(e) & UAC_DISABLED) === 0,
    adopt: olds.adopt ?? false,
  };
  for (const name of OPTIONAL) if (!importing && olds[name] === undefined) live[name] = undefined;
  return {
    fields: live as Fields,
    // Imported: this stack did not create it, so it does not own it.
    outputs: { dn: e.dn, owned: importing ? false : (olds.owned ?? !(olds.adopt ?? false)), objectGuid: e.objectGuid },
  };
}

/** Everything of a user's last known state that userOf uses besides its name. */
function stateShape(olds: Partial<Fields & Outputs>) {
  const importing = olds.sAMAccountName === undefined;
  return {
    importing,
    declared: importing ? [] : OPTIONAL.filter((name) => olds[name] !== undefined),
    adopt: olds.adopt ?? false,
    owned: importing ? false : (olds.owned ?? !(olds.adopt ?? false)),
  };
}

export const User = defineKind({
  type: "rcclab:ad:User",
  file: __filename,
  exportName: "User",
  system: ad,
  fields,
  key: (f) => f.sAMAccountName,
  replaceOn: ["sAMAccountName"],
  secrets: ["password"],
  computed: ["dn", "owned", "objectGuid"],
  async create({ client, connection, log }, f) {
    const existing = await client.findUser(f.sAMAccountName, ATTRS);
    if (existing) {
      if (!f.adopt) throw notTakenOver(f.sAMAccountName, existing.dn);
      log.info(`adopting the existing user ${existing.dn}: rcclab does not own it and will leave it in place`);
      if (f.password !== undefined) log.info("the password of an adopted user is left as it is");
      const dn = await renameIfNeeded(client, existing, f.cn);
      await client.modify(dn, changesFor(existing, f));
      return { dn, owned: false, objectGuid: existing.objectGuid };
    }
    const cn = f.cn ?? f.displayName ?? f.sAMAccountName;
    const dn = childDn("CN", cn, connection.usersDn);
    const attrs: Record<string, string | Buffer | string[]> = {
      objectClass: ["top", "person", "organizationalPerson", "user"],
      cn,
      sAMAccountName: f.sAMAccountName,
      userAccountControl: String(f.enabled ? UAC_NORMAL : UAC_NORMAL | UAC_DISABLED),
    };
    for (const name of ["givenName", "sn", "displayName", "userPrincipalName"] as const) {
      const v = f[name];
      if (v !== undefined) attrs[name] = v;
    }
    if (f.password !== undefined) {
      requireTls(client, "setting the password");
      attrs.unicodePwd = unicodePwd(f.password);
    }
    // Taken (since the lookup above, or by a retry's own lost attempt): the name by a user, or the DN by another object.
    const cnTaken = (systemCode?: string | number) =>
      new RcclabError("AlreadyExists", `${dn} already exists: another object in ${connection.usersDn} is named CN=${cn}; give this user another cn`, { systemCode });
    let added: "added" | "existed";
    try {
      added = await client.add(dn, attrs);
    } catch (e) {
      if (!isCode(e, "AlreadyExists")) throw e;
      const other = await client.findUser(f.sAMAccountName, ["sAMAccountName"]);
      if (other) throw notTakenOver(f.sAMAccountName, other.dn);
      throw cnTaken(e.systemCode);
    }
    const created = await client.findUser(f.sAMAccountName, [...CREATED_ATTRS, "objectGUID"]);
    if (added === "existed") {
      // The retry found the name taken: by this create's lost attempt (the user there is the one it
      // sent: same DN, name and attributes), or by someone else meanwhile.
      if (!created) throw cnTaken(68);
      const mine = dnEquals(created.dn, dn) && CREATED_ATTRS.every((a) => (first(created, a) ?? "") === String(attrs[a] ?? ""));
      if (!mine) throw notTakenOver(f.sAMAccountName, created.dn);
      log.info(`${dn}: made by this create's earlier attempt (its answer was lost)`);
    }
    return { dn: created?.dn ?? dn, owned: true, objectGuid: created?.objectGuid };
  },
  async read({ client }, id, olds) {
    const e = await client.findUser(id, ATTRS);
    return e ? userOf(e, id, olds) : undefined;
  },
  /**
   * One paged search for every user of the domain (where read's findUser searches). What read makes
   * of a user depends on its last known state besides the directory: its declared attributes, adopt
   * and owned, or whether it is being imported. Users alike in those share a scope, so one search
   * answers each group exactly as read would (a lab's users are mostly declared alike: one or two
   * searches). A user is answered under the spelling the directory holds: read by another spelling,
   * it is read singly.
   */
  bulk: {
    scope: (olds, connection) => `${domainDnOf(connection.usersDn)}\u0000${JSON.stringify(stateShape(olds))}`,
    async readAll({ client }, olds) {
      const users = await client.listUsers(ATTRS);
      const out = new Map<string, { fields: Fields; outputs: Outputs }>();
      // The key (the Pulumi ID) is the declared sAMAccountName; read keeps it where it matches the live one.
      for (const [sam, e] of users) out.set(sam, userOf(e, sam, { ...olds, sAMAccountName: olds.sAMAccountName === undefined ? undefined : sam }));
      return out;
    },
  },
  async update({ client, log }, id, olds, news, changed) {
    const live = await client.findUser(id, ATTRS);
    if (!live) throw new RcclabError("NotFound", `user ${id} is gone from the directory; refresh to recreate it`);
    // Owned only when this stack created it: adopt: false later does not take a user over.
    const owned = olds.owned === true;
    if (!owned && !news.adopt && olds.adopt) {
      log.warn(`${id} was adopted, not created by this stack: it stays the directory's (rcclab sets its declared attributes and leaves it in place on destroy)`);
    }
    const dn = await renameIfNeeded(client, live, news.cn);
    const mods = changesFor(live, news);
    if (changed.includes("password") && news.password !== undefined) {
      if (owned) {
        requireTls(client, "resetting the password");
        mods.push({ operation: "replace", type: "unicodePwd", values: [unicodePwd(news.password)] });
      } else {
        log.info("the password of an adopted user is left as it is");
      }
    }
    await client.modify(dn, mods);
    return { dn, owned, objectGuid: live.objectGuid ?? olds.objectGuid };
  },
  async delete({ client, log }, id, olds) {
    if (olds.owned !== true) {
      log.info(`adopted, not created by rcclab: the user stays in the directory`);
      return;
    }
    const e = await client.findUser(id, []);
    if (!e) return;
    await client.remove(e.dn);
  },
});
