/** zod fields shared by the CUCM kinds. */
import { z } from "zod";

/** CUCM object names: no leading/trailing blanks, within AXL's 50/128 character limits. */
export const name = (max = 50) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => s.trim() === s, "must not start or end with a blank");

/**
 * A directory number pattern. E.164 numbers are written "+14085551001" in config and stored the way
 * CUCM needs them, with the plus escaped: "\+14085551001".
 */
export const dnPattern = z
  .string()
  .min(1)
  .max(50)
  .transform((s) => (s.startsWith("+") ? `\\${s}` : s))
  .refine((s) => /^(\\\+)?[0-9*#X\[\]\-^!.?]+$/.test(s), "must be a directory number such as +14085551001 or 1001");

/** A directory number as people write it: CUCM's escaped "\+14085551001" → "+14085551001" (dnPattern's inverse). */
export const plainDn = (pattern: string): string => pattern.replace(/^\\\+/, "+");

/** A sorted, de-duplicated list: CUCM keeps these as sets, so order is not a change. */
export const nameSet = z
  .array(name(128))
  .default([])
  .transform((l) => [...new Set(l)].sort());

export const optionalName = (max = 50) => name(max).optional();

/** CUCM's standard user groups remote call control relies on (the guide's B3 and B5). */
export const STANDARD_GROUPS = {
  ctiEnabled: "Standard CTI Enabled",
  ccmEndUsers: "Standard CCM End Users",
  ctiAllDevices: "Standard CTI Allow Control of All Devices",
} as const;
