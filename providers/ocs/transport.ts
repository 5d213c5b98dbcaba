/**
 * What the OCS client needs from a way of reaching a front end (SSH + PowerShell, or WinRM). The
 * client (./client.ts) keeps the retries, the parsing, the "several entries match" rule, the lost
 * create check and the "never take over" rule; a transport only reads and writes entries of the
 * pool's back end, and answers rows keyed by the WMI property names.
 */
import type { ErrorCode, RcclabError } from "../core/errors";

/** The two pool-level classes rcclab manages. */
export type EntryKind = "route" | "host";

export interface WmiClass {
  /** The WMI class (namespace root\cimv2). */
  name: string;
  /** The property rcclab keys entries by (the natural key). */
  key: string;
  /** The properties rcclab sets, the key first. */
  managed: readonly string[];
  /** Every property of the class (OCS 2007 R2 WMI reference), in alphabetical order. */
  properties: readonly string[];
  /** Properties that are not strings (the rest are): boolean, uint32, uint8[]. */
  types: Record<string, "boolean" | "uint32" | "uint8[]">;
}

export const WMI_CLASSES: Record<EntryKind, WmiClass> = {
  route: {
    name: "MSFT_SIPRoutingTableData",
    key: "MatchURI",
    managed: ["MatchURI", "NextHop", "NextHopPort", "NextHopTransport", "ReplaceHostInRequestURI", "Enabled"],
    properties: ["Backend", "Enabled", "InstanceID", "MatchURI", "NextHop", "NextHopPort", "NextHopTransport", "ReplaceHostInRequestURI", "TLSCertIssuer", "TLSCertSN"],
    types: { Enabled: "boolean", NextHopPort: "uint32", ReplaceHostInRequestURI: "boolean", TLSCertIssuer: "uint8[]", TLSCertSN: "uint8[]" },
  },
  host: {
    name: "MSFT_SIPRemoteAddressData",
    key: "Server",
    managed: ["Server", "OutboundOnly", "ThrottleAsServer", "TreatAsAuthenticated"],
    properties: ["Backend", "InstanceID", "OutboundOnly", "Server", "ThrottleAsServer", "TreatAsAuthenticated"],
    types: { OutboundOnly: "boolean", ThrottleAsServer: "boolean", TreatAsAuthenticated: "boolean" },
  },
};

/** Property values by WMI property name (strings, uint32 as numbers, booleans). */
export type WmiValues = Record<string, string | number | boolean>;

/** A row as a transport answers it: WMI property names (InstanceID, Backend, the managed ones, maybe more). */
export type WmiRow = Record<string, unknown>;

export interface OcsTransport {
  /** "host:port", for messages. */
  readonly target: string;
  /** This pool's entries of a class; only those whose key equals `key` (case-insensitive) when given. */
  find(kind: EntryKind, key?: string): Promise<WmiRow[]>;
  /**
   * Create an entry (values carry the key); AlreadyExists when an entry with that key is there.
   * `instanceId` is the `{GUID}` the client chose for it, offered where the transport can send it.
   * Answers the entries with that key as the server has them afterwards (one, normally).
   */
  create(kind: EntryKind, values: WmiValues, instanceId: string): Promise<WmiRow[]>;
  /** Set the managed properties of the one entry with values' key (NotFound / Conflict otherwise); the entries after. */
  update(kind: EntryKind, values: WmiValues): Promise<WmiRow[]>;
  /** Remove the entry with this key (and InstanceID, when given); NotFound when there is none. */
  delete(kind: EntryKind, key: string, instanceId?: string): Promise<void>;
  close(): void;
}

/** Builds a typed error whose message can never carry the password. */
export type ErrorFactory = (code: ErrorCode, message: string, opts?: { systemCode?: string | number; cause?: unknown; retryable?: boolean }) => RcclabError;

const NAME = /^([^\\]*)(?:\\(.*))?$/;

/**
 * Whether two Backend values name the same SQL instance: case-insensitive; a short host name equals
 * an FQDN whose first label it is; a trailing dot is ignored; no instance part means the default
 * instance (MSSQLSERVER). "(local)" and "." are the same host.
 */
export function sameBackend(a: string, b: string): boolean {
  const parse = (s: string) => {
    const m = NAME.exec(s.trim().toLowerCase())!;
    let host = m[1] ?? "";
    host = host === "." ? "(local)" : host.replace(/\.$/, "");
    const instance = m[2] === undefined || m[2] === "" ? "mssqlserver" : m[2];
    return { host, instance };
  };
  const x = parse(a);
  const y = parse(b);
  if (x.instance !== y.instance) return false;
  if (x.host === y.host) return true;
  const short = (h: string) => h.split(".")[0]!;
  const isShort = (h: string) => !h.includes(".") && !/^\d+$/.test(h);
  if (isShort(x.host) && !isShort(y.host)) return x.host === short(y.host) && !/^[\d.]+$/.test(y.host);
  if (isShort(y.host) && !isShort(x.host)) return y.host === short(x.host) && !/^[\d.]+$/.test(x.host);
  return false;
}
