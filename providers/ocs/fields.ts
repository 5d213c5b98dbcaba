/**
 * Field validators for the OCS kinds. Everything that reaches the front end is a host name, an
 * IPv4 address or a match pattern made of host-name characters: validation refuses the rest before
 * any PowerShell is built (the script's literals are a second, independent guard).
 */
import { z } from "zod";

const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const HOSTNAME = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*$`);
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** A match URI label may carry * wildcards ("examp*.com", "*.example.com"). */
const WILD_LABEL = "[A-Za-z0-9*](?:[A-Za-z0-9*-]{0,61}[A-Za-z0-9*])?";
const MATCH_URI = new RegExp(`^(?=.{1,253}$)${WILD_LABEL}(?:\\.${WILD_LABEL})*$`);

export const isIpv4 = (s: string): boolean => IPV4.test(s);
export const isHostname = (s: string): boolean => HOSTNAME.test(s) && !/^[\d.]+$/.test(s);

/** A host name (FQDN) or an IPv4 address. */
export const hostOrAddress = () =>
  z
    .string()
    .trim()
    .refine((s) => isIpv4(s) || isHostname(s), "must be a host name (FQDN) or an IPv4 address");

/**
 * A static route's match URI: the domain the Request-URI's host must match, CUP's FQDN in the
 * guide; labels may use * wildcards. No scheme, user part, port or parameters.
 */
export const matchUri = () =>
  z
    .string()
    .trim()
    .refine((s) => MATCH_URI.test(s), "must be a domain name such as cup.example.com (labels may use * wildcards)");

/**
 * An authorized host: an FQDN or an IPv4 address. OCS refuses 0.0.0.0 and the multicast range
 * 224.0.0.0–239.255.255.255 ("Configuring Authorized Hosts", OCS 2007 R2).
 */
export const authorizedHost = () =>
  hostOrAddress().refine((s) => {
    if (!isIpv4(s)) return true;
    const first = Number(s.split(".")[0]);
    return s !== "0.0.0.0" && !(first >= 224 && first <= 239);
  }, "OCS does not allow 0.0.0.0 or a multicast address (224.0.0.0–239.255.255.255) as an authorized host");
