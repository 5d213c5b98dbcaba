/**
 * The WinRM transport: OCS 2007 R2's WMI classes driven directly as WS-Management resources
 * (http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/<Class>), no script anywhere.
 *
 * - The pool's back end: the connection's `backend`, or MSFT_SIPPoolSetting's BackEndDBPath for the
 *   pool whose PoolFQDN is the connection's `pool` (the one pool, when `pool` is not given), found
 *   once per client.
 * - Reads: Enumerate (then Pull until the end of the sequence, Release when giving up half-way) with
 *   the WQL filter `SELECT * FROM <Class>` — no input reaches WQL at all. The Backend of every row is
 *   compared in the client, tolerantly (case, short host vs FQDN, a missing default instance), and so
 *   is the key (MatchURI, Server, case-insensitively): a row whose Backend is spelled otherwise than
 *   BackEndDBPath or the connection's `backend` is still this pool's, which a WHERE Backend = '…'
 *   (compared as a string by the server) would miss. The SSH script reads the same way.
 * - Writes: Create carries the whole new instance (Backend and an InstanceID `{GUID}` chosen by the
 *   client, the managed properties) and the new instance is read back with Get by the selectors its
 *   answer (wxf:ResourceCreated) names; Put and Delete name the instance by its keys as selectors,
 *   Backend and InstanceID, exactly as the server answered them. Put sends the whole instance back,
 *   properties rcclab does not manage (TLSCertIssuer, TLSCertSN) as they were.
 * - Faults become typed errors (./wsman/faults.ts); HTTP and TLS problems too (./wsman/http.ts).
 */
import { RcclabError } from "../core/errors";
import type { Logger } from "../core/kind";
import { BACKEND, type OcsConnection, portOf } from "./connection";
import { type EntryKind, type ErrorFactory, type OcsTransport, WMI_CLASSES, type WmiClass, type WmiRow, type WmiValues, sameBackend } from "./transport";
import { type Action, type PropertyValue, enumerateBody, envelope, instanceBody, pullBody, releaseBody, wmiResourceUri, wqlSelect } from "./wsman/envelope";
import { faultError } from "./wsman/faults";
import { WsmanHttp } from "./wsman/http";
import { type Node, type RawValue, WsmanParseError, bodyInstance, createdSelectors, enumerationBatch, soapBody, soapFault } from "./wsman/parse";

const POOL_CLASS = "MSFT_SIPPoolSetting";
/** Enough for any lab; a runaway enumeration stops here. */
const MAX_PULLS = 1000;

type RawRow = Record<string, RawValue>;

/** A row in the client's types: booleans, uint32 as numbers, null strings as "". */
export function typedRow(cls: WmiClass, raw: RawRow): WmiRow {
  const out: WmiRow = {};
  for (const [k, v] of Object.entries(raw)) {
    const t = cls.types[k];
    const one = Array.isArray(v) ? v[0] : v;
    if (t === "boolean") out[k] = typeof one === "string" && (one.trim().toLowerCase() === "true" || one.trim() === "1");
    else if (t === "uint32") out[k] = one === null || one === undefined || one.trim() === "" ? 0 : Number(one.trim());
    else if (t === "uint8[]") out[k] = v === null ? null : (Array.isArray(v) ? v : [v]).map((x) => Number(x));
    else out[k] = one ?? "";
  }
  return out;
}

const sortedKeys = (o: Record<string, unknown>): string[] => Object.keys(o).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));

export class WinRmTransport implements OcsTransport {
  readonly target: string;
  readonly url: URL;
  private readonly http: WsmanHttp;
  private backendValue?: Promise<string>;
  private readonly operationTimeoutMs: number;

  constructor(
    readonly connection: OcsConnection,
    log: Logger,
    private readonly error: ErrorFactory,
  ) {
    const c = connection;
    const port = portOf(c);
    this.target = `${c.host}:${port}`;
    this.url = new URL(`${c.https === false ? "http" : "https"}://${c.host}:${port}/wsman`);
    if (c.https === false) log.warn(`WinRM to ${this.target} over plain HTTP (allowHttp): the WS-Management traffic is not encrypted`);
    this.http = new WsmanHttp({
      url: this.url,
      auth: c.auth ?? "ntlm",
      username: c.username,
      password: c.password,
      ...(c.tls ? { tls: c.tls } : {}),
      timeoutMs: c.timeoutMs,
      warn: (m) => log.warn(m),
      error,
    });
    // WinRM refuses an OperationTimeout above its MaxTimeoutms (60 s by default); the HTTP timeout is longer.
    this.operationTimeoutMs = Math.min(60_000, Math.max(1_000, c.timeoutMs - 5_000));
  }

  close(): void {
    this.http.close();
  }

  // --- OcsTransport ------------------------------------------------------------------------------------

  async find(kind: EntryKind, key?: string): Promise<WmiRow[]> {
    const cls = WMI_CLASSES[kind];
    return (await this.rows(cls, key)).map((r) => typedRow(cls, r));
  }

  async create(kind: EntryKind, values: WmiValues, instanceId: string): Promise<WmiRow[]> {
    const cls = WMI_CLASSES[kind];
    const key = String(values[cls.key]);
    const backend = await this.backend();
    // WS-Management's Create has no "only if absent": look first (the client checks again on a retry).
    const there = await this.rows(cls, key);
    if (there.length > 0) throw this.error("AlreadyExists", `a ${cls.name} with ${cls.key} ${key} exists in back end ${backend}`);
    const props: Record<string, PropertyValue> = { Backend: backend, InstanceID: instanceId, ...values };
    const body = await this.exchange("create", cls.name, instanceBody(cls.name, wmiResourceUri(cls.name), this.ordered(props)));
    // The answer names the new instance (the server may have chosen its own InstanceID): read it by its selectors.
    const made = createdSelectors(body);
    if (made?.Backend !== undefined && made.InstanceID) {
      try {
        const got = bodyInstance(await this.exchange("get", cls.name, "", { Backend: made.Backend, InstanceID: made.InstanceID }));
        if (got?.InstanceID) return [typedRow(cls, got)];
      } catch (e) {
        if (!(e instanceof RcclabError && e.code === "NotFound")) throw e;
      }
    }
    return (await this.rows(cls, key)).map((r) => typedRow(cls, r));
  }

  async update(kind: EntryKind, values: WmiValues): Promise<WmiRow[]> {
    const cls = WMI_CLASSES[kind];
    const key = String(values[cls.key]);
    const current = this.single(cls, key, await this.rows(cls, key));
    // The whole instance back: the class's own properties only, those rcclab does not manage as they were.
    const props: Record<string, PropertyValue> = {};
    for (const k of cls.properties) if (k in current) props[k] = current[k]!;
    Object.assign(props, values);
    const body = await this.exchange("put", cls.name, instanceBody(cls.name, wmiResourceUri(cls.name), this.ordered(props)), this.selectors(current));
    const answered = bodyInstance(body);
    if (answered && answered.InstanceID !== undefined) return [typedRow(cls, answered)];
    return (await this.rows(cls, key)).map((r) => typedRow(cls, r));
  }

  async delete(kind: EntryKind, key: string, instanceId?: string): Promise<void> {
    const cls = WMI_CLASSES[kind];
    const rows = (await this.rows(cls, key)).filter((r) => !instanceId || String(r.InstanceID ?? "").toUpperCase() === instanceId.toUpperCase());
    const current = this.single(cls, key, rows);
    await this.exchange("delete", cls.name, "", this.selectors(current));
  }

  // --- the pool's back end -------------------------------------------------------------------------

  /** The Backend value of this front end's pool (found once). */
  backend(): Promise<string> {
    if (!this.backendValue) {
      const p = this.findBackend();
      this.backendValue = p;
      p.catch(() => {
        if (this.backendValue === p) this.backendValue = undefined;
      });
    }
    return this.backendValue;
  }

  private async findBackend(): Promise<string> {
    const c = this.connection;
    if (c.backend) return c.backend;
    const pools = (await this.enumerate(POOL_CLASS, wqlSelect(POOL_CLASS))).filter(
      (p) => !c.pool || String(p.PoolFQDN ?? "").toLowerCase().replace(/\.$/, "") === c.pool.toLowerCase().replace(/\.$/, ""),
    );
    if (pools.length !== 1) {
      throw this.error("InvalidRequest", `${pools.length} pools match ${c.pool ?? "(any pool)"} on ${this.target}; name the front end's pool (pool) or its back end (backend)`);
    }
    const path = pools[0]!.BackEndDBPath;
    if (typeof path !== "string" || !BACKEND.test(path)) {
      throw this.error("InvalidRequest", `the back end of pool ${String(pools[0]!.PoolFQDN)} on ${this.target} (${String(path)}) is not one rcclab can query; name it with backend`);
    }
    return path;
  }

  // --- WS-Management ---------------------------------------------------------------------------------

  /** This pool's rows of a class (raw), only those whose key equals `key` when given. */
  private async rows(cls: WmiClass, key?: string): Promise<RawRow[]> {
    const backend = await this.backend();
    const all = await this.enumerate(cls.name, wqlSelect(cls.name));
    return all.filter((r) => {
      if (typeof r.Backend !== "string" || !sameBackend(r.Backend, backend)) return false;
      return key === undefined || String(r[cls.key] ?? "").toLowerCase() === key.toLowerCase();
    });
  }

  private single(cls: WmiClass, key: string, rows: RawRow[]): RawRow {
    if (rows.length === 0) throw this.error("NotFound", `no ${cls.name} with ${cls.key} ${key} in ${this.target}'s pool`);
    if (rows.length > 1) throw this.error("Conflict", `${rows.length} ${cls.name} entries with ${cls.key} ${key} in ${this.target}'s pool; remove the extra ones`);
    return rows[0]!;
  }

  private selectors(row: RawRow): Record<string, string> {
    const backend = row.Backend;
    const id = row.InstanceID;
    if (typeof backend !== "string" || typeof id !== "string" || !id) throw this.error("InvalidRequest", `an entry on ${this.target} has no Backend or InstanceID`);
    return { Backend: backend, InstanceID: id };
  }

  /** Properties in the order WinRM renders WMI instances (alphabetical). */
  private ordered(props: Record<string, PropertyValue>): Record<string, PropertyValue> {
    const out: Record<string, PropertyValue> = {};
    for (const k of sortedKeys(props)) out[k] = props[k]!;
    return out;
  }

  /** Enumerate with a WQL filter, pulling to the end; the items' properties. */
  private async enumerate(className: string, wql: string): Promise<RawRow[]> {
    const first = enumerationBatch(await this.exchange("enumerate", className, enumerateBody(wql)), "EnumerateResponse");
    const items = [...first.items];
    let context = first.context;
    let end = first.end;
    try {
      for (let pulls = 0; !end; pulls++) {
        if (!context) throw this.error("InvalidRequest", `WinRM on ${this.target} left the enumeration of ${className} open without a context`);
        if (pulls >= MAX_PULLS) throw this.error("InvalidRequest", `the enumeration of ${className} on ${this.target} does not end`);
        const next = enumerationBatch(await this.exchange("pull", className, pullBody(context)), "PullResponse");
        items.push(...next.items);
        context = next.context ?? context;
        end = next.end;
      }
    } catch (e) {
      if (context && !end) await this.exchange("release", className, releaseBody(context)).catch(() => undefined);
      throw e;
    }
    return items;
  }

  /** One request; the SOAP body of a success, typed errors for faults and HTTP failures. */
  private async exchange(action: Action, className: string, body: string, selectors?: Record<string, string>): Promise<Node> {
    const what = `${className} on ${this.target}`;
    let xml: string;
    try {
      xml = envelope({ to: this.url.href, resourceUri: wmiResourceUri(className), action, operationTimeoutMs: this.operationTimeoutMs, ...(selectors ? { selectors } : {}) }, body);
    } catch (e) {
      throw this.error("InvalidRequest", `${action} ${what}: ${(e as Error).message}`);
    }
    const a = await this.http.post(xml);
    let soap: Node | undefined;
    let parseProblem: string | undefined;
    if (a.body.trim()) {
      try {
        soap = soapBody(a.body);
      } catch (e) {
        if (!(e instanceof WsmanParseError)) throw e;
        parseProblem = e.message;
      }
    }
    const fault = soap && soapFault(soap);
    if (fault) throw faultError(fault, { action, what, host: this.connection.host }, this.error);
    if (a.status >= 200 && a.status < 300) {
      if (!soap) throw this.error("InvalidRequest", `${action} ${what}: ${parseProblem ?? "an empty answer"}`);
      return soap;
    }
    throw this.statusError(action, what, a.status);
  }

  private statusError(action: Action, what: string, status: number): RcclabError {
    const m = `${action} ${what}: HTTP ${status}`;
    if (status === 429 || status === 503) return this.error("Throttled", `${m} (the WinRM service is busy)`, { systemCode: status });
    if (status === 502 || status === 504) return this.error("Transport", m, { systemCode: status });
    if (status === 403) return this.error("Unauthorized", `${m} (forbidden: does the listener require HTTPS, or the account rights to use WinRM?)`, { systemCode: status });
    if (status === 404) return this.error("InvalidRequest", `${m} (no WS-Management listener at ${this.url.href})`, { systemCode: status });
    return this.error("InvalidRequest", m, { systemCode: status });
  }
}
