/**
 * LDAP v3 on the wire for the embedded directory: message framing and request decoding with
 * ldapts's BER reader and request classes, search requests and filters decoded here, responses
 * encoded here.
 * Plain LDAP with StartTLS, and LDAPS. Simple bind only; an anonymous session may read the root
 * DSE and nothing else, as AD.
 */
import * as crypto from "node:crypto";
import * as net from "node:net";
import * as tls from "node:tls";
import { AddRequest, Ber, BerReader, BerWriter, BindRequest, CompareRequest, ExtendedRequest, ModifyDNRequest, ModifyRequest } from "ldapts";
import { normalizeDn } from "./dn";
import { filterToString, parseFilter, type Filter } from "./filter";
import { DirectoryStore, LdapError, RC, type RawAttribute, type SearchOptions, type SearchResultEntry } from "./store";

const OP = {
  bindRequest: 0x60,
  bindResponse: 0x61,
  unbindRequest: 0x42,
  searchRequest: 0x63,
  searchResEntry: 0x64,
  searchResDone: 0x65,
  searchResRef: 0x73,
  modifyRequest: 0x66,
  modifyResponse: 0x67,
  addRequest: 0x68,
  addResponse: 0x69,
  delRequest: 0x4a,
  delResponse: 0x6b,
  modDNRequest: 0x6c,
  modDNResponse: 0x6d,
  compareRequest: 0x6e,
  compareResponse: 0x6f,
  abandonRequest: 0x50,
  extendedRequest: 0x77,
  extendedResponse: 0x78,
} as const;

const START_TLS = "1.3.6.1.4.1.1466.20037";
/** The simple paged results control (RFC 2696), AD's LDAP_PAGED_RESULT_OID_STRING. */
const PAGED_RESULTS = "1.2.840.113556.1.4.319";
/** AD's default MaxPageSize and MaxResultSetsPerConn (LDAP policies): a page never holds more, and a connection keeps at most this many paged searches open. */
const MAX_PAGE_SIZE = 1000;
const MAX_RESULT_SETS = 10;
const WHO_AM_I = "1.3.6.1.4.1.4203.1.11.3";
const NOTICE_OF_DISCONNECTION = "1.3.6.1.4.1.1466.20036";
const MAX_MESSAGE = 4 * 1024 * 1024;

const NOT_BOUND = "000004DC: LdapErr: DSID-0C090A5C, comment: In order to perform this operation a successful bind must be completed on the connection., data 0, v4563";
const BAD_CREDENTIALS = "80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data 52e, v4563";

export interface DirectoryServerOptions {
  store: DirectoryStore;
  /** The configured administrator (bind DN and password), checked besides the accounts in the store. */
  bindDn: string;
  password: string;
  /** The directory's certificate and key (PEM). */
  certPem: string;
  keyPem: string;
  dnsName: string;
  /** Called with one line per request (tests, debugging). */
  onRequest?: (line: string) => void;
}

function ldapResult(w: BerWriter, code: number, matchedDn: string, message: string): void {
  w.writeEnumeration(code);
  w.writeString(matchedDn);
  w.writeString(message);
}

/** One LDAPMessage: its id and the protocol operation `body` writes under `tag`. */
function message(messageId: number, tag: number, body: (w: BerWriter) => void, controls?: (w: BerWriter) => void): Buffer {
  const w = new BerWriter();
  w.startSequence();
  w.writeInt(messageId);
  w.startSequence(tag);
  body(w);
  w.endSequence();
  controls?.(w);
  w.endSequence();
  return w.buffer;
}

/** A control of a request (RFC 4511 §4.1.11). */
interface RequestControl {
  type: string;
  critical: boolean;
  value?: Buffer;
}

/** The Controls after the protocol operation, from `offset` of the message ([0] SEQUENCE OF Control). */
function parseControls(message: Buffer, offset: number): RequestControl[] {
  if (offset >= message.length) return [];
  const reader = new BerReader(message.subarray(offset));
  if (reader.readSequence(0xa0) === null) return [];
  const end = reader.offset + reader.length;
  const out: RequestControl[] = [];
  while (reader.offset < end) {
    reader.readSequence(0x30);
    const controlEnd = reader.offset + reader.length;
    const type = reader.readString() ?? "";
    let critical = false;
    let value: Buffer | undefined;
    if (reader.offset < controlEnd && reader.peek() === Ber.Boolean) critical = reader.readBoolean() ?? false;
    if (reader.offset < controlEnd) value = reader.readString(Ber.OctetString, true) ?? Buffer.alloc(0);
    reader.offset = controlEnd;
    out.push({ type, critical, value });
  }
  return out;
}

/** The paged results control's value (RFC 2696 §2): SEQUENCE { size INTEGER, cookie OCTET STRING }. */
function parsePagedValue(value: Buffer | undefined): { size: number; cookie: Buffer } {
  if (!value?.length) throw new LdapError(RC.protocolError, "00000057: LdapErr: the paged results control has no value");
  try {
    const reader = new BerReader(value);
    reader.readSequence(0x30);
    const size = reader.readInt() ?? 0;
    const cookie = reader.readString(Ber.OctetString, true) ?? Buffer.alloc(0);
    return { size, cookie };
  } catch {
    throw new LdapError(RC.protocolError, "00000057: LdapErr: malformed paged results control value");
  }
}

/** A searchResultDone's Controls holding the paged results control: the result set's size and the next cookie (empty: done). */
function writePagedControl(w: BerWriter, size: number, cookie: Buffer): void {
  const value = new BerWriter();
  value.startSequence();
  value.writeInt(size);
  value.writeBuffer(cookie, Ber.OctetString);
  value.endSequence();
  w.startSequence(0xa0);
  w.startSequence();
  w.writeString(PAGED_RESULTS);
  w.writeBuffer(value.buffer, Ber.OctetString);
  w.endSequence();
  w.endSequence();
}

/** A paged search under way: what is left to send, and the request it belongs to. */
interface PagedSearch {
  request: string;
  entries: SearchResultEntry[];
  references: string[];
  truncated: boolean;
  total: number;
}

/** Raw values of an ldapts Attribute as they came off the wire. */
function rawValues(a: { parsedBuffers: Buffer[]; values: (string | Buffer)[] }): Buffer[] {
  return a.parsedBuffers.length ? a.parsedBuffers : a.values.map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)));
}

class Connection {
  private socket: net.Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private secure: boolean;
  private bound: string | undefined; // the bound DN; undefined: anonymous
  private upgrading = false;
  /** Paged searches under way, by cookie (hex), oldest first. */
  private readonly paged = new Map<string, PagedSearch>();

  constructor(
    socket: net.Socket,
    secure: boolean,
    private readonly opts: DirectoryServerOptions,
  ) {
    this.socket = socket;
    this.secure = secure;
    this.attach(socket);
  }

  private attach(socket: net.Socket): void {
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", () => socket.destroy());
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    while (this.buffer.length > 0 && !this.upgrading) {
      const reader = new BerReader(this.buffer);
      let tag: number | null;
      try {
        tag = reader.readSequence();
      } catch {
        return this.disconnect("malformed BER");
      }
      if (tag === null) return; // length not complete yet
      if (tag !== 0x30) return this.disconnect("expected an LDAPMessage");
      const total = reader.offset + reader.length;
      if (reader.length > MAX_MESSAGE) return this.disconnect("message too large");
      if (this.buffer.length < total) return;
      const message = this.buffer.subarray(0, total);
      this.buffer = this.buffer.subarray(total);
      try {
        this.handle(message);
      } catch (e) {
        return this.disconnect((e as Error).message);
      }
    }
  }

  private disconnect(reason: string): void {
    try {
      this.send(0, OP.extendedResponse, (w) => {
        ldapResult(w, RC.protocolError, "", reason);
        w.writeString(NOTICE_OF_DISCONNECTION, 0x8a);
      });
    } catch {
      // the socket may be gone already
    }
    this.socket.end();
    this.socket.destroy();
  }

  private send(messageId: number, tag: number, body: (w: BerWriter) => void): void {
    const buffer = message(messageId, tag, body);
    if (!this.socket.destroyed) this.socket.write(buffer);
  }

  private result(messageId: number, tag: number, code: number, message = "", matchedDn = ""): void {
    this.send(messageId, tag, (w) => ldapResult(w, code, matchedDn, message));
  }

  private handle(message: Buffer): void {
    const reader = new BerReader(message);
    reader.readSequence(0x30);
    const messageId = reader.readInt();
    if (messageId === null) throw new Error("no message id");
    const op = reader.peek();
    if (op === null) throw new Error("no protocol operation");
    reader.readSequence(op);
    const controlsAt = reader.offset + reader.length;
    const responseTag = op === OP.delRequest ? OP.delResponse : op + 1;
    try {
      const controls = parseControls(message, controlsAt);
      this.dispatch(messageId, op, reader, controls);
    } catch (e) {
      if (e instanceof LdapError) {
        this.opts.onRequest?.(`  -> ${e.code} ${e.message}`);
        if (op === OP.searchRequest) this.result(messageId, OP.searchResDone, e.code, e.message, e.matchedDn);
        else if (op === OP.extendedRequest) this.result(messageId, OP.extendedResponse, e.code, e.message, e.matchedDn);
        else this.result(messageId, responseTag, e.code, e.message, e.matchedDn);
        return;
      }
      throw e;
    }
  }

  private secureContext(): tls.SecureContext {
    return tls.createSecureContext({ key: this.opts.keyPem, cert: this.opts.certPem, minVersion: "TLSv1.2" });
  }

  private requireBound(): void {
    if (this.bound === undefined) throw new LdapError(RC.operationsError, NOT_BOUND);
  }

  /** Writes need the administrator; other accounts may read, as AD's default rights mostly allow. */
  private requireAdmin(): void {
    this.requireBound();
    if (!sameDn(this.bound!, this.opts.bindDn)) {
      throw new LdapError(RC.insufficientAccessRights, "00002098: SecErr: DSID-03150BC1, problem 4003 (INSUFF_ACCESS_RIGHTS), data 0");
    }
  }

  private dispatch(messageId: number, op: number, reader: BerReader, controls: readonly RequestControl[]): void {
    const { store } = this.opts;
    const log = (line: string) => this.opts.onRequest?.(line);
    // A critical control the server does not know fails the operation (RFC 4511 §4.1.11).
    const pagedControl = op === OP.searchRequest ? controls.find((c) => c.type === PAGED_RESULTS) : undefined;
    const unknown = controls.find((c) => c.critical && c !== pagedControl);
    if (unknown && op !== OP.unbindRequest && op !== OP.abandonRequest) {
      throw new LdapError(RC.unavailableCriticalExtension, `000020EF: LdapErr: unsupported critical control ${unknown.type}`);
    }
    switch (op) {
      case OP.bindRequest: {
        const req = new BindRequest({ messageId });
        try {
          req.parse(reader, []);
        } catch {
          throw new LdapError(RC.authMethodNotSupported, "00002027: LdapErr: only simple binds are supported");
        }
        log(`bind ${req.dn}`);
        this.bound = undefined;
        if (req.version !== 3) throw new LdapError(RC.protocolError, "00000057: LdapErr: only LDAP v3 is supported");
        if (req.dn === "" && req.password === "") {
          this.result(messageId, OP.bindResponse, RC.success);
          return;
        }
        const ok =
          req.password !== "" &&
          ((sameDn(req.dn, this.opts.bindDn) && req.password === this.opts.password) || store.authenticate(req.dn, req.password));
        if (!ok) throw new LdapError(RC.invalidCredentials, BAD_CREDENTIALS);
        this.bound = req.dn;
        this.result(messageId, OP.bindResponse, RC.success);
        return;
      }
      case OP.unbindRequest:
        log("unbind");
        this.socket.end();
        return;
      case OP.abandonRequest:
        return;
      case OP.extendedRequest: {
        const req = new ExtendedRequest({ messageId, oid: "" });
        req.parse(reader, []);
        log(`extended ${req.oid}`);
        if (req.oid === START_TLS) {
          if (this.secure) throw new LdapError(RC.operationsError, "00002024: TLS is already active on this connection");
          this.send(messageId, OP.extendedResponse, (w) => {
            ldapResult(w, RC.success, "", "");
            w.writeString(START_TLS, 0x8a);
          });
          this.startTls();
          return;
        }
        if (req.oid === WHO_AM_I) {
          this.send(messageId, OP.extendedResponse, (w) => {
            ldapResult(w, RC.success, "", "");
            w.writeString(this.bound ? `dn:${this.bound}` : "", 0x8b);
          });
          return;
        }
        throw new LdapError(RC.protocolError, `0000203D: LdapErr: unsupported extended operation ${req.oid}`);
      }
      case OP.searchRequest: {
        const req = parseSearch(reader);
        log(`search ${req.baseDn} ${req.scope} ${filterToString(req.filter)} [${req.attributes.join(",")}]${pagedControl ? " paged" : ""}`);
        if (pagedControl) return this.pagedSearch(messageId, req, parsePagedValue(pagedControl.value));
        let entries: SearchResultEntry[];
        let references: string[] = [];
        let truncated = false;
        if (req.baseDn === "" && req.scope === "base") {
          entries = [this.project(store.rootDse(this.opts.dnsName), req.attributes)];
        } else {
          this.requireBound();
          const r = store.search(req.baseDn, req);
          entries = r.entries;
          references = r.references;
          truncated = r.truncated;
        }
        // The whole answer in one write: entries, references and the done message written one by
        // one met Nagle's algorithm and the client's delayed ACK, ~40 ms per search (issue 13 §4).
        const answer = entries.map((e) => this.entryMessage(messageId, e));
        // SearchResultReference: [APPLICATION 19] SEQUENCE OF URI.
        for (const uri of references) answer.push(message(messageId, OP.searchResRef, (w) => w.writeString(uri)));
        const code = truncated ? RC.sizeLimitExceeded : RC.success;
        answer.push(message(messageId, OP.searchResDone, (w) => ldapResult(w, code, "", "")));
        if (!this.socket.destroyed) this.socket.write(Buffer.concat(answer));
        return;
      }
      case OP.addRequest: {
        this.requireAdmin();
        const req = new AddRequest({ messageId, dn: "", attributes: [] });
        req.parse(reader, []);
        log(`add ${req.dn}`);
        const attrs: RawAttribute[] = req.attributes.map((a) => ({ type: a.type, values: rawValues(a) }));
        store.add(req.dn, attrs, { secure: this.secure });
        this.result(messageId, OP.addResponse, RC.success);
        return;
      }
      case OP.modifyRequest: {
        this.requireAdmin();
        const req = new ModifyRequest({ messageId, dn: "", changes: [] });
        req.parse(reader, []);
        log(`modify ${req.dn} ${req.changes.map((c) => `${c.operation}:${c.modification.type}`).join(" ")}`);
        store.modify(
          req.dn,
          req.changes.map((c) => ({ operation: c.operation, type: c.modification.type, values: rawValues(c.modification) })),
          { secure: this.secure },
        );
        this.result(messageId, OP.modifyResponse, RC.success);
        return;
      }
      case OP.delRequest: {
        this.requireAdmin();
        const dn = delRequestDn(reader);
        log(`delete ${dn}`);
        store.delete(dn);
        this.result(messageId, OP.delResponse, RC.success);
        return;
      }
      case OP.modDNRequest: {
        this.requireAdmin();
        const req = new ModifyDNRequest({ messageId, dn: "", deleteOldRdn: true, newRdn: "" });
        req.parse(reader, []);
        log(`modifyDN ${req.dn} -> ${req.newRdn}${req.newSuperior ? ` under ${req.newSuperior}` : ""}`);
        store.modifyDn(req.dn, req.newRdn, req.newSuperior);
        this.result(messageId, OP.modDNResponse, RC.success);
        return;
      }
      case OP.compareRequest: {
        this.requireBound();
        const req = new CompareRequest({ messageId, dn: "", attribute: "", value: "" });
        req.parse(reader, []);
        log(`compare ${req.dn} ${req.attribute}`);
        const same = store.compare(req.dn, req.attribute, req.value);
        this.result(messageId, OP.compareResponse, same ? RC.compareTrue : RC.compareFalse);
        return;
      }
      default:
        throw new LdapError(RC.protocolError, `00000057: LdapErr: unsupported operation 0x${op.toString(16)}`);
    }
  }

  /**
   * One page of a paged search (RFC 2696 §3): the first request runs the search and keeps what is
   * left under a cookie; each later one (the same request with that cookie) gets the next page. The
   * last page carries an empty cookie, the references and the result code; a size of 0 with a cookie
   * abandons the search. A page holds at most MAX_PAGE_SIZE entries, as AD's MaxPageSize.
   */
  private pagedSearch(messageId: number, req: SearchOptions & { baseDn: string }, control: { size: number; cookie: Buffer }): void {
    const request = JSON.stringify([normalizeDn(req.baseDn), req.scope, filterToString(req.filter), req.attributes.map((a) => a.toLowerCase()), req.sizeLimit, req.typesOnly]);
    let state: PagedSearch;
    const cookie = control.cookie.toString("hex");
    if (cookie) {
      const held = this.paged.get(cookie);
      if (!held) throw new LdapError(RC.unwillingToPerform, "00002040: LdapErr: the paged results cookie is not valid (unknown or expired)");
      if (held.request !== request) throw new LdapError(RC.unwillingToPerform, "00002040: LdapErr: a paged results cookie must come with the request it was given for");
      this.paged.delete(cookie);
      state = held;
    } else {
      const rootDse = req.baseDn === "" && req.scope === "base";
      if (!rootDse) this.requireBound();
      const r = rootDse
        ? { entries: [this.project(this.opts.store.rootDse(this.opts.dnsName), req.attributes)], references: [], truncated: false }
        : this.opts.store.search(req.baseDn, req);
      state = { request, entries: r.entries, references: r.references, truncated: r.truncated, total: r.entries.length };
    }
    const done = (answer: Buffer[], code: number) => {
      answer.push(
        message(
          messageId,
          OP.searchResDone,
          (w) => ldapResult(w, code, "", ""),
          (w) => writePagedControl(w, state.total, Buffer.alloc(0)),
        ),
      );
      if (!this.socket.destroyed) this.socket.write(Buffer.concat(answer));
    };
    // Size 0 with a cookie: the client abandons the search.
    if (control.size <= 0) return done([], RC.success);
    const size = Math.min(control.size, MAX_PAGE_SIZE);
    const page = state.entries.slice(0, size);
    const rest = state.entries.slice(size);
    const answer = page.map((e) => this.entryMessage(messageId, e));
    if (rest.length > 0) {
      const next = crypto.randomBytes(8);
      this.paged.set(next.toString("hex"), { ...state, entries: rest });
      while (this.paged.size > MAX_RESULT_SETS) this.paged.delete(this.paged.keys().next().value!);
      answer.push(
        message(
          messageId,
          OP.searchResDone,
          (w) => ldapResult(w, RC.success, "", ""),
          (w) => writePagedControl(w, state.total, next),
        ),
      );
      if (!this.socket.destroyed) this.socket.write(Buffer.concat(answer));
      return;
    }
    for (const uri of state.references) answer.push(message(messageId, OP.searchResRef, (w) => w.writeString(uri)));
    done(answer, state.truncated ? RC.sizeLimitExceeded : RC.success);
  }

  private project(e: SearchResultEntry, attributes: string[]): SearchResultEntry {
    const wanted = attributes.map((a) => a.toLowerCase());
    if (wanted.length === 0 || wanted.includes("*")) return e;
    return { dn: e.dn, attributes: e.attributes.filter((a) => wanted.includes(a.type.toLowerCase())) };
  }

  private entryMessage(messageId: number, e: SearchResultEntry): Buffer {
    return message(messageId, OP.searchResEntry, (w) => {
      w.writeString(e.dn);
      w.startSequence();
      for (const a of e.attributes) {
        w.startSequence();
        w.writeString(a.type);
        w.startSequence(0x31);
        for (const v of a.values) {
          if (Buffer.isBuffer(v)) w.writeBuffer(v, Ber.OctetString);
          else w.writeString(v);
        }
        w.endSequence();
        w.endSequence();
      }
      w.endSequence();
    });
  }

  /** Switch the connection to TLS right after the StartTLS response (RFC 4511 §4.14). */
  private startTls(): void {
    this.upgrading = true;
    const raw = this.socket;
    raw.removeAllListeners("data");
    raw.removeAllListeners("error");
    const secure = new tls.TLSSocket(raw, { isServer: true, secureContext: this.secureContext() });
    secure.on("secure", () => {
      this.upgrading = false;
      if (this.buffer.length) this.onData(Buffer.alloc(0));
    });
    this.socket = secure;
    this.secure = true;
    this.attach(secure);
  }
}

const SCOPES = ["base", "one", "sub", "children"] as const;

/** SearchRequest (RFC 4511 §4.5.1), decoded here: ldapts's own decoder misreads presence filters. */
function parseSearch(reader: BerReader): SearchOptions & { baseDn: string } {
  const baseDn = reader.readString() ?? "";
  const scope = SCOPES[reader.readEnumeration() ?? -1];
  if (!scope) throw new LdapError(RC.protocolError, "00000057: LdapErr: invalid search scope");
  reader.readEnumeration(); // derefAliases: AD has no aliases
  const sizeLimit = reader.readInt() ?? 0;
  reader.readInt(); // timeLimit
  const typesOnly = reader.readBoolean() ?? false;
  let filter: Filter;
  try {
    filter = parseFilter(reader);
  } catch (e) {
    throw new LdapError(RC.protocolError, `00000057: LdapErr: malformed filter: ${(e as Error).message}`);
  }
  const attributes: string[] = [];
  if (reader.peek() === 0x30) {
    reader.readSequence(0x30);
    const end = reader.offset + reader.length;
    while (reader.offset < end) attributes.push(reader.readString() ?? "");
  }
  return { baseDn, scope, sizeLimit, typesOnly, filter, attributes };
}

/** A DelRequest is a primitive LDAPDN: its content bytes are the DN. */
function delRequestDn(reader: BerReader): string {
  return reader.remainingBuffer.subarray(0, reader.length).toString("utf8");
}

function sameDn(a: string, b: string): boolean {
  try {
    return normalizeDn(a) === normalizeDn(b);
  } catch {
    return false;
  }
}

export interface RunningServers {
  port: number;
  ldapsPort?: number;
  close(): Promise<void>;
}

/** Listen on host: plain LDAP with StartTLS on `port`, LDAPS on `ldapsPort` when given (0 = any free port). */
export async function listen(opts: DirectoryServerOptions, host: string, port: number, ldapsPort?: number): Promise<RunningServers> {
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  };
  // No Nagle: each answer is one write, and must not wait for the client's delayed ACK (issue 13 §4).
  const plain = net.createServer({ noDelay: true }, (s) => {
    track(s);
    new Connection(s, false, opts);
  });
  const servers: net.Server[] = [plain];
  await new Promise<void>((resolve, reject) => {
    plain.once("error", reject);
    plain.listen(port, host, () => resolve());
  });
  let securePort: number | undefined;
  if (ldapsPort !== undefined) {
    const secure = tls.createServer({ key: opts.keyPem, cert: opts.certPem, minVersion: "TLSv1.2", noDelay: true }, (s) => {
      track(s);
      new Connection(s, true, opts);
    });
    servers.push(secure);
    await new Promise<void>((resolve, reject) => {
      secure.once("error", reject);
      secure.listen(ldapsPort, host, () => resolve());
    });
    securePort = (secure.address() as net.AddressInfo).port;
  }
  return {
    port: (plain.address() as net.AddressInfo).port,
    ldapsPort: securePort,
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((srv) => new Promise<void>((r) => srv.close(() => r()))));
    },
  };
}
