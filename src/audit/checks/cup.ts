/**
 * CUP (C3, C4, C6): per RCC user, the desk phone control user assignment; per system, desk phone
 * control's application user (= the CUCM CTI application user, and it exists there) and its password
 * (a login test, probes.ts: CUP keeps it write-only), and an incoming ACL entry covering every OCS
 * front end.
 */
import { type AuditContext, finding, fix, unreadReason, userKey } from "../context";
import type { CheckDef, Finding } from "../types";

export const CUP_CHECKS: CheckDef[] = [
  { id: "cup.userAssigned", system: "cup", scope: "user", step: "C6", title: "Desk phone control", rule: "the user is assigned to desk phone control on CUP" },
  { id: "cup.ctiUser", system: "cup", scope: "system", step: "C4", title: "Desk phone control user", rule: "desk phone control's application user is the CUCM CTI application user (rcclab:cti.userid), which exists on CUCM" },
  { id: "cup.ctiPassword", system: "cup", scope: "system", step: "C4", title: "Desk phone control password", rule: "desk phone control's password is the CTI application user's (a login test)" },
  { id: "cup.incomingAcl", system: "cup", scope: "system", step: "C3", title: "Incoming ACL", rule: "an incoming ACL entry covers every OCS front end (its FQDN or address)" },
];

const SETTINGS = "CUP Administration > Application > Deskphone Control > Settings";

/** Whether an ACL address pattern (ALL, an FQDN, *.domain, 10.1.*.*, 10.1.0.0/16) covers a host or address. */
export function aclCovers(pattern: string, target: string): boolean {
  const p = pattern.trim().toLowerCase();
  const t = target.toLowerCase().replace(/\.$/, "");
  if (p === "all") return true;
  if (p === t) return true;
  if (p.startsWith("*.")) return t.endsWith(p.slice(1));
  const ip = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(t);
  if (!ip) return false;
  const cidr = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(p);
  if (cidr) {
    const n = (s: string) => s.split(".").reduce((a, o) => (a << 8) + Number(o), 0) >>> 0;
    const bits = Number(cidr[2]);
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return ((n(cidr[1]!) & mask) >>> 0) === ((n(t) & mask) >>> 0);
  }
  const parts = p.split(".");
  return parts.length === 4 && parts.every((o, i) => o === "*" || o === ip[i + 1]);
}

/** The OCS front ends the lab has: the stack's and those the live OCS answered from. */
export function frontEndsOf(ctx: AuditContext): { fqdn?: string; address?: string; pool: string }[] {
  const out: { fqdn?: string; address?: string; pool: string }[] = [];
  for (const p of ctx.cfg.ocs.pools) for (const fe of p.frontEnds) out.push({ fqdn: fe.fqdn, address: fe.address, pool: p.fqdn });
  for (const p of ctx.inv.ocs?.pools ?? []) {
    const known = out.some((fe) => fe.fqdn?.toLowerCase() === p.frontEnd.toLowerCase() || fe.address === p.frontEnd);
    if (!known) out.push({ fqdn: p.frontEnd, pool: p.pool });
  }
  return out;
}

export function cupChecks(ctx: AuditContext): Finding[] {
  const { cfg, inv } = ctx;
  const out: Finding[] = [];
  const c = inv.cup;
  if (!c) {
    const why = `CUP ${unreadReason(inv, "cup")}`;
    for (const u of ctx.users) out.push(finding("cup", "cup.userAssigned", "unverified", `CUP user ${u.userid}`, why, { user: u.userid }));
    for (const d of CUP_CHECKS.filter((d) => d.scope === "system")) out.push(finding("cup", d.id, "unverified", "CUP", why));
    return out;
  }
  const assigned = new Set(c.deskPhoneControlUsers.map((u) => u.toLowerCase()));
  for (const u of ctx.users) {
    const obj = `CUP user ${u.userid}`;
    if (assigned.has(u.userid.toLowerCase())) out.push(finding("cup", "cup.userAssigned", "pass", obj, "assigned to desk phone control", { user: u.userid }));
    else {
      out.push(
        finding("cup", "cup.userAssigned", "fail", obj, `${u.userid} is not assigned to desk phone control`, {
          user: u.userid,
          fix: fix(userKey(u, "rcc"), `CUP Administration > Application > Deskphone Control > User Assignment: assign ${u.userid}`),
        }),
      );
    }
  }

  const sys = (check: string, status: Finding["status"], object: string, message: string, fixText?: string) => out.push(finding("cup", check, status, object, message, fixText ? { fix: fixText } : {}));
  const dpc = c.deskPhoneControl;
  const obj = "CUP desk phone control";
  const userFix = fix("rcclab:cti.userid", `${SETTINGS}: Application Username ${cfg.cti.userid}`);
  if (!dpc || !dpc.applicationUsername) sys("cup.ctiUser", "fail", obj, "desk phone control has no application user", userFix);
  else if (dpc.applicationUsername.toLowerCase() !== cfg.cti.userid.toLowerCase()) {
    sys("cup.ctiUser", "fail", obj, `desk phone control signs in as ${dpc.applicationUsername}, not as the CTI application user ${cfg.cti.userid}`, userFix);
  } else if (inv.cucm && !inv.cucm.appUsers.some((a) => a.userid.toLowerCase() === dpc.applicationUsername.toLowerCase())) {
    sys("cup.ctiUser", "fail", obj, `desk phone control signs in as ${dpc.applicationUsername}, which is not an application user on CUCM`, fix("rcclab:cti.userid", "CUCM Administration > User Management > Application User > Add New"));
  } else sys("cup.ctiUser", "pass", obj, `desk phone control signs in as ${dpc.applicationUsername}${inv.cucm ? ", an application user on CUCM" : ""}`);

  const probe = ctx.probes.ctiPassword;
  // A password is write-only: rcclab up re-sends it only when rcclab:cti.password changes, so the fix
  // is to make the stack's value the one CUCM has, or to set both by hand.
  const pwFix =
    `set rcclab:cti.password to ${cfg.cti.userid}'s password on CUCM (rcclab up then writes it to desk phone control too; an unchanged ` +
    `password is never re-sent), or by hand: CUCM Administration > User Management > Application User > ${cfg.cti.userid}: Password, and the same in ${SETTINGS}: Application Password`;
  if (!probe) sys("cup.ctiPassword", "unverified", obj, "password not verifiable: no login test was made", pwFix);
  else sys("cup.ctiPassword", probe.status, obj, probe.message, probe.status === "pass" ? undefined : pwFix);

  const acl = c.incomingAcl.map((a) => a.address);
  for (const fe of frontEndsOf(ctx)) {
    const name = fe.fqdn ?? fe.address!;
    const hit = acl.find((p) => (fe.fqdn && aclCovers(p, fe.fqdn)) || (fe.address && aclCovers(p, fe.address)));
    const o = `OCS front end ${name}`;
    if (hit) sys("cup.incomingAcl", "pass", o, `covered by incoming ACL entry ${hit}`);
    else sys("cup.incomingAcl", "fail", o, `no incoming ACL entry covers ${[fe.fqdn, fe.address].filter(Boolean).join(" / ")} (entries: ${acl.join(", ") || "none"}): CUP refuses its SIP traffic`, fix("rcclab:cup.acl", `CUP Administration > System > Security > Incoming ACL > Add New: ${name}`));
  }
  return out;
}
