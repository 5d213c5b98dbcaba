/**
 * OCS (A2), per pool: a static route whose match URI is CUP's FQDN, to CUP, on CUP's SIP port and
 * transport, enabled; CUP authorized as a host (throttle as server, treat as authenticated).
 */
import { type AuditContext, finding, fix, isCup, sameHost, unreadReason } from "../context";
import type { CheckDef, Finding } from "../types";

export const OCS_CHECKS: CheckDef[] = [
  { id: "ocs.staticRoute", system: "ocs", scope: "system", step: "A2", title: "Static route to CUP", rule: "every pool has an enabled static route whose match URI is CUP's FQDN, next hop CUP, on CUP's SIP port and transport" },
  { id: "ocs.hostAuthorization", system: "ocs", scope: "system", step: "A2", title: "Host authorization", rule: "every pool authorizes CUP as a host (throttle as server, treat as authenticated)" },
];

/** The pools of the lab by FQDN: the stack's, AD's and those OCS answered for. */
export function poolsOf(ctx: AuditContext): { fqdn: string; name?: string; stackIndex?: number }[] {
  const out: { fqdn: string; name?: string; stackIndex?: number }[] = [];
  const add = (fqdn: string, name?: string, stackIndex?: number) => {
    if (!out.some((p) => sameHost(p.fqdn, fqdn))) out.push({ fqdn, ...(name ? { name } : {}), ...(stackIndex !== undefined ? { stackIndex } : {}) });
  };
  ctx.cfg.ocs.pools.forEach((p, i) => add(p.fqdn, p.name, i));
  // AD's pools by name (AD may not hold a pool's FQDN): a pool the stack does not name, with its FQDN.
  for (const p of ctx.inv.ad?.pools ?? []) if (p.fqdn && !out.some((o) => o.name?.toLowerCase() === p.name.toLowerCase())) add(p.fqdn, p.name);
  for (const p of ctx.inv.ocs?.pools ?? []) add(p.pool);
  return out;
}

export function ocsChecks(ctx: AuditContext): Finding[] {
  const { cfg, inv } = ctx;
  const out: Finding[] = [];
  const cup = cfg.cup;
  const page = (pool: string, what: string) => `OCS 2007 R2 administrative tool > Enterprise pools > ${pool} > Front End Properties > ${what}`;
  for (const p of poolsOf(ctx)) {
    const obj = `OCS pool ${p.fqdn}`;
    const live = inv.ocs?.pools.find((x) => sameHost(x.pool, p.fqdn));
    const f = (check: string, status: Finding["status"], message: string, fixText?: string) => out.push(finding("ocs", check, status, obj, message, fixText ? { fix: fixText } : {}));
    if (!live) {
      // This pool's own reason when the inventory gives one, else everything OCS could not read.
      const own = inv.unread.filter((u) => u.system === "ocs" && u.what.toLowerCase().includes(p.fqdn.toLowerCase()));
      const why = own.length ? `pool ${p.fqdn} not read: ${own.map((u) => u.message).join("; ")}` : `pool ${p.fqdn} ${unreadReason(inv, "ocs")}`;
      f("ocs.staticRoute", "unverified", why);
      f("ocs.hostAuthorization", "unverified", why);
      continue;
    }
    const routeKey = p.stackIndex !== undefined ? "rcclab:cup.host, rcclab:cup.address, rcclab:cup.sipPort, rcclab:cup.transport" : undefined;
    const routeFix = fix(routeKey, page(p.fqdn, `Routing > Add: Matching URI ${cup.host}, Next hop ${cup.address} port ${cup.sipPort} ${cup.transport}`));
    const route = live.routes.find((r) => sameHost(r.matchUri, cup.host));
    if (!route) {
      const others = live.routes.map((r) => `${r.matchUri} → ${r.nextHop}:${r.port}`).join(", ");
      f("ocs.staticRoute", "fail", `no static route matches CUP's FQDN ${cup.host} (routes: ${others || "none"})`, routeFix);
    } else {
      const wrong: string[] = [];
      if (!isCup(cfg, route.nextHop)) wrong.push(`next hop ${route.nextHop} is not CUP (${cup.address} / ${cup.host})`);
      if (route.port !== cup.sipPort) wrong.push(`port ${route.port}, but CUP listens on ${cup.sipPort}`);
      if (route.transport.toUpperCase() !== cup.transport) wrong.push(`transport ${route.transport}, but CUP listens on ${cup.transport}`);
      if (!route.enabled) wrong.push("the route is disabled");
      const what = `${route.matchUri} → ${route.nextHop}:${route.port} ${route.transport}`;
      if (wrong.length) f("ocs.staticRoute", "fail", `static route ${what}: ${wrong.join("; ")}`, routeFix);
      else f("ocs.staticRoute", "pass", `static route ${what}`);
    }

    const hostFix = fix(p.stackIndex !== undefined ? "rcclab:cup.address" : undefined, page(p.fqdn, `Host Authorization > Add: ${cup.address}, Throttle as server, Treat as authenticated`));
    const host = live.hosts.find((h) => isCup(cfg, h.server));
    if (!host) f("ocs.hostAuthorization", "fail", `CUP (${cup.address} / ${cup.host}) is not an authorized host (authorized: ${live.hosts.map((h) => h.server).join(", ") || "none"})`, hostFix);
    else {
      const wrong = [host.outboundOnly && "outbound only", !host.throttleAsServer && "not throttled as server", !host.treatAsAuthenticated && "not treated as authenticated"].filter(Boolean);
      if (wrong.length) f("ocs.hostAuthorization", "fail", `authorized host ${host.server} is ${wrong.join(", ")}`, hostFix);
      else f("ocs.hostAuthorization", "pass", `CUP authorized as ${host.server} (throttle as server, treat as authenticated)`);
    }
  }
  return out;
}
