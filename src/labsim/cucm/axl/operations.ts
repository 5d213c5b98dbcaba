/**
 * The operation table of one release: generic add/get/update/remove for every object kind (from
 * the family's names and content models and the shared codecs), getCCMVersion and executeSQL*.
 */
import type { SimFamily } from "../releases";
import { appUsers } from "../model/appusers";
import { type Row, axlUuid, pkidOf } from "../model/db";
import { dialRules } from "../model/dialrules";
import { endUsers, userGroupMembers } from "../model/endusers";
import { ipPhoneServices } from "../model/ipphoneservices";
import { lines } from "../model/lines";
import { meetMes } from "../model/meetme";
import { phones } from "../model/phones";
import { profiles } from "../model/profiles";
import { executeQuery, executeUpdate, likeToRegExp } from "../model/sql";
import { trunks } from "../model/trunks";
import { trunkSecurityProfiles } from "../model/trunkSecurityProfiles";
import { faults } from "../faults";
import { type Particle, SchemaViolation, anyContent, el, fields, opt, seq, validateContent } from "../schema";
import { type XEl, type XNode, attr, child, childrenNamed, x } from "../xml";
import { bool, str } from "./io";
import {
  type AppearanceOrders,
  type UserCodecOptions,
  appUserCodec,
  dialRuleCodec,
  ipPhoneServiceCodec,
  lineCodec,
  meetMeCodec,
  phoneCodec,
  profileCodec,
  trunkCodec,
  trunkSecurityProfileCodec,
  userCodec,
} from "./kinds";
import type { KindCodec, KindModels, KindNames, KindStore, ListDef, OpContext, OpDef } from "./types";

export interface KindDef {
  names: KindNames;
  models: KindModels;
  /** 12.x only. */
  list?: ListDef;
}

/** What a release family declares; everything else is shared. */
export interface Family {
  family: SimFamily;
  line: KindDef;
  phone: KindDef;
  appearance: AppearanceOrders;
  sipTrunk: KindDef;
  sipTrunkSecurityProfile: KindDef;
  appUser: KindDef;
  endUser: KindDef;
  userOptions: UserCodecOptions;
  meetMe: KindDef;
  deviceProfile: KindDef;
  /** 12.x only (7.0: SQL on applicationdialrule). */
  dialRule?: KindDef;
  /** 12.x only (7.0: SQL on telecasterservice). */
  ipPhoneService?: KindDef;
  /** 7.0: getLicenseCapabilities / updateLicenseCapabilities. */
  licenses?: { get: Particle; update: Particle };
  /** 7.0: getUserGroup / updateUserGroup (end users join groups there; XUser's associatedGroups is read-only). */
  userGroup?: { get: Particle; update: Particle };
}

const uuidReturn = (pkid: string): XNode[] => [x("return", axlUuid(pkid))];

/**
 * Keeps only the elements `tags` names (12.x returnedTags). An empty tag keeps the whole element;
 * a tag with children filters inside it.
 */
function filterTags(node: XNode, tags: XEl): XNode {
  if (!tags.children.length) return node;
  const kids = (node.children ?? []).flatMap((c) => {
    const tag = tags.children.find((t) => t.local === c.name);
    return tag ? [filterTags(c, tag)] : [];
  });
  return { ...node, children: kids };
}

/** Text of a rendered element (a reference's name, a simple value). */
const textOf = (n: XNode | undefined): string => n?.text ?? "";

/**
 * listX (12.x): searchCriteria are LIKE patterns (% and _, case-insensitive) on the named elements;
 * returnedTags picks the elements of each object; skip/first page through the result.
 */
function listOp<R extends Row>(def: KindDef, list: ListDef, all: (ctx: OpContext) => R[], render: (ctx: OpContext, row: R) => XNode): OpDef {
  return {
    name: list.name,
    write: false,
    model: seq(el("searchCriteria", fields(list.criteria.map((c) => `${c}?`).join(" "))), anyContent("returnedTags"), opt(el("skip", { type: "int" })), opt(el("first", { type: "int" }))),
    run(ctx, req) {
      const criteria = child(req, "searchCriteria")!.children.map((c) => ({ name: c.local, re: likeToRegExp(c.text, "i") }));
      const tags = child(req, "returnedTags")!;
      const skip = Number(child(req, "skip")?.text ?? 0);
      const first = child(req, "first") ? Number(child(req, "first")!.text) : Number.POSITIVE_INFINITY;
      const hits = all(ctx)
        .map((row) => ({ ...render(ctx, row), name: def.names.getElement }))
        .filter((node) => criteria.every((c) => c.re.test(textOf(node.children?.find((k) => k.name === c.name)))))
        .slice(skip, skip + first);
      return [x("return", hits.map((n) => filterTags(n, tags)))];
    },
  };
}

function crud<I, K, P, R extends Row>(def: KindDef, store: KindStore<I, K, P, R>, codec: KindCodec<I, K, P, R>): OpDef[] {
  const { names, models } = def;
  const render = (ctx: OpContext, row: R): XNode => codec.render(ctx.db, row, models.response);
  return [
    ...(def.list ? [listOp(def, def.list, (ctx) => store.all(ctx.db), render)] : []),
    {
      name: names.add,
      write: true,
      model: el(names.addWrapper, models.object),
      run: (ctx, req) => uuidReturn(store.add(ctx.db, codec.input(child(req, names.addWrapper)!)).pkid),
    },
    {
      name: names.get,
      write: false,
      model: models.get,
      run(ctx, req) {
        const row = store.get(ctx.db, codec.key(req));
        let obj: XNode = { ...render(ctx, row), name: names.getElement };
        const tags = child(req, "returnedTags");
        if (tags) obj = filterTags(obj, tags);
        return [x("return", [obj])];
      },
    },
    {
      name: names.update,
      write: true,
      model: models.update,
      run: (ctx, req) => uuidReturn(store.update(ctx.db, codec.key(req), codec.patch(req)).pkid),
    },
    {
      name: names.remove,
      write: true,
      model: models.remove,
      run: (ctx, req) => uuidReturn(store.remove(ctx.db, codec.key(req)).pkid),
    },
  ];
}

const SQL: Particle = fields("sql");

function sqlText(req: XEl): string {
  return child(req, "sql")?.text ?? "";
}

/** Operations every release serves with the same shapes. */
const COMMON_OPS: OpDef[] = [
  {
    name: "getCCMVersion",
    write: false,
    model: fields("processNodeName?"),
    run: (ctx) => [x("return", [x("componentVersion", [x("version", ctx.version)])])],
  },
  {
    name: "executeSQLQuery",
    write: false,
    model: SQL,
    run(ctx, req) {
      const rows = executeQuery(ctx.db, sqlText(req), ctx.family);
      return [x("return", rows.map((r) => x("row", Object.entries(r).map(([k, v]) => x(k, v ?? "")))))];
    },
  },
  {
    name: "executeSQLUpdate",
    write: true,
    model: SQL,
    run: (ctx, req) => [x("return", [x("rowsUpdated", String(executeUpdate(ctx.db, sqlText(req), ctx.family)))])],
  },
  {
    // AuthenticateUserReq (AXL 7.0 … 14.0 alike): userid and a password, or a PIN ("applicable for
    // end users only"), checked against CUCM's users — application users by password, end users by
    // password or PIN. `code` is IMS's result code, whose values Cisco does not publish: 0 here when
    // authenticated, 1 otherwise.
    name: "doAuthenticateUser",
    write: false,
    model: fields("userid (password|pin)"),
    run(ctx, req) {
      const userid = (str(req, "userid") ?? "").trim();
      const password = str(req, "password");
      const pin = str(req, "pin");
      const app = password !== undefined ? appUsers.find(ctx.db, { userid }) : undefined;
      const end = app ? undefined : endUsers.find(ctx.db, { userid });
      const ok = app ? app.password === password : !!end && (password !== undefined ? end.password === password : end.pin === pin);
      return [x("return", [x("userAuthenticated", tf(ok)), x("code", ok ? "0" : "1")])];
    },
  },
];

const tf = (b: boolean): string => (b ? "true" : "false");

/** 7.0's license capabilities of an end user (CUP = UPS, CUPC = UPC). */
function licenseOps(models: NonNullable<Family["licenses"]>): OpDef[] {
  return [
    {
      name: "getLicenseCapabilities",
      write: false,
      model: models.get,
      run(ctx, req) {
        const u = endUsers.get(ctx.db, { userid: (str(req, "userid") ?? "").trim() });
        return [
          x("return", [
            x("licenseCapabilities", [x("userid", u.userid), x("enableUPS", tf(u.enableUps)), x("enableUPC", tf(u.enableUpc))], {
              uuid: axlUuid(u.pkid),
            }),
          ]),
        ];
      },
    },
    {
      name: "updateLicenseCapabilities",
      write: true,
      model: models.update,
      run(ctx, req) {
        const flags = {
          ...(bool(req, "enableUPS") !== undefined ? { enableUps: bool(req, "enableUPS")! } : {}),
          ...(bool(req, "enableUPC") !== undefined ? { enableUpc: bool(req, "enableUPC")! } : {}),
        };
        return [x("return", axlUuid(endUsers.setLicenses(ctx.db, (str(req, "userid") ?? "").trim(), flags).pkid))];
      },
    },
  ];
}

/** 7.0's user groups: read members, replace them, or add / remove some. */
function userGroupOps(models: NonNullable<Family["userGroup"]>): OpDef[] {
  const group = (ctx: OpContext, req: XEl) => {
    const uuid = str(req, "uuid");
    const g = uuid !== undefined ? ctx.db.refs.userGroups.get(pkidOf(uuid)) : ctx.db.findRef("userGroups", (str(req, "name") ?? "").trim());
    if (!g) throw faults.notFound("User Group");
    return g;
  };
  const memberOf = (ctx: OpContext, m: XEl) => {
    const u = child(m, "user");
    if (u) {
      const uuid = attr(u, "uuid");
      const byUuid = uuid ? (ctx.db.endUsers.get(pkidOf(uuid)) ?? ctx.db.appUsers.get(pkidOf(uuid))) : undefined;
      return userGroupMembers.member(ctx.db, byUuid?.userid ?? (str(u, "userid") ?? "").trim());
    }
    return userGroupMembers.member(ctx.db, (str(m, "userId") ?? "").trim());
  };
  return [
    {
      name: "getUserGroup",
      write: false,
      model: models.get,
      run(ctx, req) {
        const g = group(ctx, req);
        const members = userGroupMembers.list(ctx.db, g.pkid).map((m) => x("member", [x("userId", m.userid)], { uuid: axlUuid(m.pkid) }));
        return [x("return", [x("userGroup", [x("name", g.name), x("members", members)], { uuid: axlUuid(g.pkid) })])];
      },
    },
    {
      name: "updateUserGroup",
      write: true,
      model: models.update,
      run(ctx, req) {
        let g = group(ctx, req);
        const newName = str(req, "newName")?.trim();
        if (newName !== undefined && newName !== g.name) {
          if (g.standard) throw faults.invalid(`The standard user group ${g.name} cannot be renamed`);
          if (ctx.db.findRef("userGroups", newName)) throw faults.duplicate();
          g = { ...g, name: newName };
          ctx.db.refs.userGroups.set(g.pkid, g);
        }
        const replace = child(req, "members");
        if (replace) {
          const wanted = childrenNamed(replace, "member").map((m) => memberOf(ctx, m));
          for (const m of userGroupMembers.list(ctx.db, g.pkid)) {
            const current = userGroupMembers.member(ctx.db, m.userid);
            if (!wanted.some((w) => w.pkid === current.pkid)) userGroupMembers.remove(ctx.db, g.pkid, current);
          }
          for (const w of wanted) userGroupMembers.add(ctx.db, g.pkid, w);
        }
        for (const m of childrenNamed(child(req, "addMembers") ?? { children: [] } as unknown as XEl, "member")) {
          const member = memberOf(ctx, m);
          if (userGroupMembers.has(ctx.db, g.pkid, member)) throw faults.invalid(`${str(m, "userId") ?? "The user"} is already a member of ${g.name}`);
          userGroupMembers.add(ctx.db, g.pkid, member);
        }
        for (const m of childrenNamed(child(req, "removeMembers") ?? { children: [] } as unknown as XEl, "member")) {
          const member = memberOf(ctx, m);
          if (!userGroupMembers.has(ctx.db, g.pkid, member)) throw faults.invalid(`${str(m, "userId") ?? "The user"} is not a member of ${g.name}`);
          userGroupMembers.remove(ctx.db, g.pkid, member);
        }
        return [x("return", axlUuid(g.pkid))];
      },
    },
  ];
}

export function operationTable(family: Family): Map<string, OpDef> {
  const ops = [
    ...COMMON_OPS,
    ...crud(family.line, lines, lineCodec),
    ...crud(family.phone, phones, phoneCodec(family.appearance)),
    ...crud(family.sipTrunk, trunks, trunkCodec),
    ...crud(family.sipTrunkSecurityProfile, trunkSecurityProfiles, trunkSecurityProfileCodec),
    ...crud(family.appUser, appUsers, appUserCodec),
    ...crud(family.endUser, endUsers, userCodec(family.userOptions)),
    ...crud(family.meetMe, meetMes, meetMeCodec),
    ...crud(family.deviceProfile, profiles, profileCodec(family.appearance)),
    ...(family.dialRule ? crud(family.dialRule, dialRules, dialRuleCodec) : []),
    ...(family.ipPhoneService ? crud(family.ipPhoneService, ipPhoneServices, ipPhoneServiceCodec) : []),
    ...(family.licenses ? licenseOps(family.licenses) : []),
    ...(family.userGroup ? userGroupOps(family.userGroup) : []),
  ];
  return new Map(ops.map((op) => [op.name, op]));
}

/** Validates the operation element against the operation's content model (schema faults). */
export function validateRequest(op: OpDef, req: XEl): void {
  try {
    validateContent(op.model, req);
  } catch (e) {
    if (e instanceof SchemaViolation) throw faults.unmarshal(e.message);
    throw e;
  }
}
