/**
 * What discover's parts share (./toConfig.ts, ./pools.ts, ./users.ts): the Misfit a left-out object
 * is listed as, the schema's defaults and rules (src/config.ts) the lab is compared with, and the
 * small helpers for names, sets and plain objects.
 */
import { ctiSchema, cupSchema, dialRuleSchema, extensionMobilitySchema, meetMeSchema, ocsSchema, trunkSchema, userSchema } from "../config";
import type { SystemName } from "../inventory/types";

/** An object that does not fit the guide's shape (left out), or a difference `up` would change. */
export interface Misfit {
  system: SystemName;
  /** What it is, e.g. "phone SEP00AA00BB0001". */
  object: string;
  why: string;
}

/** Lists an object as left out (a Misfit). */
export type Out = (system: SystemName, object: string, why: string) => void;

// The schema's defaults (src/config.ts), left out of the file where the lab has them.
export const DEFAULT_USER_GROUPS = userSchema.shape.userGroups.parse(undefined);
export const DEFAULT_CTI_GROUPS = ctiSchema.shape.userGroups.parse(undefined);
export const { securityProfile: DEFAULT_TRUNK_PROFILE, ...DEFAULT_TRUNK } = trunkSchema.parse(undefined);
export const EM_SERVICE = extensionMobilitySchema.parse(undefined).serviceName;
export const DEFAULT_PRESENCE = cupSchema.shape.presence.parse(undefined);
export const DEFAULT_DESK_PHONE_CONTROL = cupSchema.shape.deskPhoneControl.parse(undefined);
export const DEFAULT_MEET_ME = { description: meetMeSchema.shape.description.parse(undefined), minimumSecurityLevel: meetMeSchema.shape.minimumSecurityLevel.parse(undefined) };
export const DEFAULT_DIAL_RULE = { description: dialRuleSchema.shape.description.parse(undefined), prefixPattern: dialRuleSchema.shape.prefixPattern.parse(undefined) };
// The schema's rules for what rcclab can declare.
export const USERID = userSchema.shape.userid;
export const E164 = userSchema.shape.e164;
export const POOL_NAME = ocsSchema.shape.pools.element.shape.name;
export const MEET_ME_PATTERN = meetMeSchema.shape.pattern;

export const lc = (s: string) => s.toLowerCase();
export const noDot = (s: string) => s.replace(/\.$/, "");
export const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].map(lc).sort().join("\n") === [...b].map(lc).sort().join("\n");
/** A copy without the keys whose values are undefined. */
export const compact = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
export const omitDefaults = (o: Record<string, unknown>, defaults: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && JSON.stringify(v) !== JSON.stringify(defaults[k])));

export function getPath(o: Record<string, any>, p: string): unknown {
  return p.split(".").reduce<any>((v, k) => (v && typeof v === "object" ? v[k] : undefined), o);
}

export function withoutPath(o: Record<string, any>, p: string): void {
  const parts = p.split(".");
  const last = parts.pop()!;
  const parent = parts.reduce<any>((v, k) => (v && typeof v === "object" ? v[k] : undefined), o);
  if (parent && typeof parent === "object") delete parent[last];
}
