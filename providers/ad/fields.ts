/** zod fields shared by the AD kinds. */
import { z } from "zod";

/** Characters Active Directory refuses in a sAMAccountName. */
const SAM_INVALID = /["/\\[\]:;|=,+*?<>]/;

/**
 * The pre-Windows 2000 logon name: AD refuses " / \ [ ] : ; | = , + * ? < >, control characters and
 * names of only dots or blanks. (Windows' own tools keep it to 20 characters; AD stores up to 256.)
 */
export const samAccountName = z
  .string()
  .min(1)
  .max(64)
  .refine((s) => !SAM_INVALID.test(s), 'must not contain " / \\ [ ] : ; | = , + * ? < > (Active Directory refuses them)')
  // eslint-disable-next-line no-control-regex
  .refine((s) => !/[\x00-\x1f\x7f]/.test(s), "must not contain control characters")
  .refine((s) => !/^[. ]+$/.test(s), "must not consist only of dots or blanks")
  .refine((s) => s.trim() === s, "must not start or end with a blank");

const FQDN = /^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
export const fqdn = z.string().regex(FQDN, "must be a fully qualified domain name, e.g. cup.lab.example.com");
export const domain = z.string().regex(FQDN, "must be a DNS domain, e.g. lab.example.com");
export const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, "must be E.164, e.g. +14085551001");
export const poolName = z.string().regex(/^[A-Za-z0-9-]{1,15}$/, "must be a pool name (NetBIOS-like, up to 15 characters)");

/** The user part of a SIP URI (RFC 3261 unreserved and user-unreserved characters). */
export const SIP_USER = /^[A-Za-z0-9\-_.!~*'()&=+$,;?/]+$/;
