/** Every check, in the report's order: AD, CUCM, CUP, OCS, DNS. */
import type { AuditContext } from "../context";
import type { CheckDef, Finding } from "../types";
import { AD_CHECKS, adChecks } from "./ad";
import { CUCM_CHECKS, cucmChecks } from "./cucm";
import { CUP_CHECKS, cupChecks } from "./cup";
import { DNS_CHECKS, dnsChecks } from "./dns";
import { OCS_CHECKS, ocsChecks } from "./ocs";

export const CHECKS: CheckDef[] = [...AD_CHECKS, ...CUCM_CHECKS, ...CUP_CHECKS, ...OCS_CHECKS, ...DNS_CHECKS];

export function runChecks(ctx: AuditContext): Finding[] {
  return [...adChecks(ctx), ...cucmChecks(ctx), ...cupChecks(ctx), ...ocsChecks(ctx), ...dnsChecks(ctx)];
}
