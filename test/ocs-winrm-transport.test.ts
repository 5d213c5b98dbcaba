/**
 * The OCS kinds over the WinRM transport against a small WinRM listener written here from DSP0226 /
 * MS-WSMV / MS-NLMP (below): NTLM (NTLMv2, verified) and Basic, HTTPS with the lab CA and with a
 * pin, plain HTTP only when allowed, create / read / update / delete / import, Enumerate + Pull,
 * lost answers, entries not taken over, Backend compared tolerantly, faults, secrets kept out of
 * errors. The lab simulator's own tests are in ocs-winrm.test.ts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import type * as net from "node:net";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OcsClient, ocsConnectionSchema } from "../providers/ocs/client";
import { HostAuthorization } from "../providers/ocs/hostAuthorization";
import { StaticRoute } from "../providers/ocs/staticRoute";
import { ensureLabCa, issueServerCert, sha256Fingerprint } from "../src/labsim/ca";
import { checked, failure, quiet } from "./support/kinds";

const USER = "LAB\\rcclab-ocs";
const PASSWORD = "Ocs-P4ss;'\"<&> $x`";
const CUP = "cup.lab.example.com";
const CUP_IP = "10.10.20.30";
const POOL = "pool01.lab.example.com";
const BACKEND = "sql01.lab.example.com\\rtc";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-ocs-winrm-"));

const seed = (): Record<string, Row[]> => ({
  MSFT_SIPPoolSetting: [
    { InstanceID: "{P1}", PoolFQDN: POOL, BackEndDBPath: BACKEND },
    { InstanceID: "{P2}", PoolFQDN: "pool02.lab.example.com", BackEndDBPath: "sql02.lab.example.com\\rtc" },
  ],
  MSFT_SIPRoutingTableData: [
    // The gateway route, stored with the back end spelled in capitals: still this pool's.
    { Backend: "SQL01.LAB.EXAMPLE.COM\\RTC", Enabled: "true", InstanceID: "{GW}", MatchURI: "gw01.lab.example.com", NextHop: "192.0.2.10", NextHopPort: "5060", NextHopTransport: "TCP", ReplaceHostInRequestURI: "false", TLSCertIssuer: null, TLSCertSN: null },
    { Backend: "sql02.lab.example.com\\rtc", Enabled: "true", InstanceID: "{OTHER}", MatchURI: CUP, NextHop: "10.99.99.99", NextHopPort: "5060", NextHopTransport: "TCP", ReplaceHostInRequestURI: "true", TLSCertIssuer: null, TLSCertSN: null },
  ],
  MSFT_SIPRemoteAddressData: [{ Backend: BACKEND, InstanceID: "{H1}", OutboundOnly: "false", Server: "192.0.2.10", ThrottleAsServer: "true", TreatAsAuthenticated: "true" }],
});

let ca: ReturnType<typeof ensureLabCa>;
let cert: ReturnType<typeof issueServerCert>;
let ntlmTls: FakeWinRm;
let basicTls: FakeWinRm;
let plain: FakeWinRm;
let conn: Record<string, unknown>;
const clients: OcsClient[] = [];

function client(c: Record<string, unknown> = {}): OcsClient {
  const cl = new OcsClient(ocsConnectionSchema.parse({ ...conn, ...c }), quiet);
  clients.push(cl);
  return cl;
}

beforeAll(async () => {
  ca = ensureLabCa(path.join(tmp, "ca"));
  cert = issueServerCert(ca, ["fe01.lab.example.com"]);
  ntlmTls = await startFakeWinRm({ users: { [USER]: PASSWORD, "LAB\\helpdesk": "Help-desk1" }, nonAdmins: ["LAB\\helpdesk"], auth: ["Negotiate"], tls: cert, tables: seed() });
  basicTls = await startFakeWinRm({ users: { rcclab: PASSWORD }, auth: ["Basic"], tls: cert, tables: seed() });
  plain = await startFakeWinRm({ users: { [USER]: PASSWORD }, auth: ["Negotiate", "Basic"], tables: seed() });
  conn = {
    host: "127.0.0.1",
    port: ntlmTls.port,
    username: USER,
    password: PASSWORD,
    tls: { caPem: ca.caPem },
    pool: POOL,
    timeoutMs: 10_000,
    retries: 2,
    minRetryDelayMs: 5,
    maxRetryDelayMs: 20,
  };
});

afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all([ntlmTls?.stop(), basicTls?.stop(), plain?.stop()]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("StaticRoute and HostAuthorization over WinRM (NTLM, HTTPS with the lab CA)", () => {
  it("create, read, update, import, delete; the gateway route and the other pool's route are never touched", async () => {
    const inputs = checked(StaticRoute, { matchUri: CUP, nextHop: CUP_IP, connection: conn });
    expect(inputs.connection).toMatchObject({ transport: "winrm", port: ntlmTls.port });
    const before = ntlmTls.requests.length;
    const created = await StaticRoute.runtime.create(inputs);
    expect(created.outs).toMatchObject({ backend: BACKEND, instanceId: expect.stringMatching(/^\{[0-9A-F-]{36}\}$/) });
    const mine = () => ntlmTls.tables.MSFT_SIPRoutingTableData!.filter((r) => r.MatchURI === CUP && r.Backend === BACKEND);
    expect(mine()).toEqual([
      { Backend: BACKEND, Enabled: "true", InstanceID: created.outs.instanceId, MatchURI: CUP, NextHop: CUP_IP, NextHopPort: "5060", NextHopTransport: "TCP", ReplaceHostInRequestURI: "true" },
    ]);
    const sent = ntlmTls.requests.slice(before);
    // Pools (two: a Pull), the routes (two: a Pull), the create, the new instance read by its selectors.
    expect(sent.map((r) => r.action)).toEqual(["Enumerate", "Pull", "Enumerate", "Pull", "Create", "Get"]);
    expect(sent[5]!.selectors).toEqual({ Backend: BACKEND, InstanceID: created.outs.instanceId });
    expect(sent[0]).toMatchObject({ resourceUri: expect.stringMatching(/\/root\/cimv2\/MSFT_SIPPoolSetting$/), filter: "SELECT * FROM MSFT_SIPPoolSetting", user: USER });
    // No input in the query: every route, this pool's picked in the client (the other pool's is not).
    expect(sent[2]!.filter).toBe("SELECT * FROM MSFT_SIPRoutingTableData");

    const read = await StaticRoute.runtime.read(created.id, created.outs);
    expect(StaticRoute.runtime.changedFields(read.props!, inputs)).toEqual([]);

    // A property rcclab does not manage (set by hand in the admin tool) survives an update.
    mine()[0]!.TLSCertIssuer = ["48", "49"];
    const news = { ...inputs, nextHop: "cup-b.lab.example.com", port: 5070, enabled: false };
    const updated = await StaticRoute.runtime.update(created.id, created.outs, news);
    expect(updated.outs.instanceId).toBe(created.outs.instanceId);
    expect(mine()[0]).toMatchObject({ NextHop: "cup-b.lab.example.com", NextHopPort: "5070", Enabled: "false", TLSCertIssuer: ["48", "49"] });
    const put = ntlmTls.requests.filter((r) => r.action === "Put").at(-1)!;
    expect(put.selectors).toEqual({ Backend: BACKEND, InstanceID: created.outs.instanceId });

    const imported = await StaticRoute.runtime.read(CUP.toUpperCase(), { connection: inputs.connection });
    expect(imported.inputs).toMatchObject({ matchUri: CUP, nextHop: "cup-b.lab.example.com", port: 5070, enabled: false });

    await StaticRoute.runtime.delete(created.id, updated.outs);
    expect(mine()).toEqual([]);
    expect(ntlmTls.requests.filter((r) => r.action === "Delete").at(-1)!.selectors).toEqual({ Backend: BACKEND, InstanceID: created.outs.instanceId });
    await StaticRoute.runtime.delete(created.id, updated.outs); // already gone
    expect(await StaticRoute.runtime.read(created.id, updated.outs)).toEqual({});
    expect(ntlmTls.tables.MSFT_SIPRoutingTableData!.map((r) => r.InstanceID)).toEqual(["{GW}", "{OTHER}"]);
    expect(ntlmTls.tables.MSFT_SIPRoutingTableData![0]).toEqual(seed().MSFT_SIPRoutingTableData![0]);
  });

  it("host authorization: create, update, delete; the seeded host stays", async () => {
    const inputs = checked(HostAuthorization, { server: CUP_IP, connection: conn });
    const created = await HostAuthorization.runtime.create(inputs);
    const updated = await HostAuthorization.runtime.update(created.id, created.outs, { ...inputs, throttleAsServer: false });
    expect(ntlmTls.tables.MSFT_SIPRemoteAddressData!.find((h) => h.Server === CUP_IP)).toMatchObject({ ThrottleAsServer: "false", InstanceID: created.outs.instanceId });
    await HostAuthorization.runtime.delete(created.id, updated.outs);
    expect(ntlmTls.tables.MSFT_SIPRemoteAddressData!.map((h) => h.Server)).toEqual(["192.0.2.10"]);
  });

  it("an existing route is not taken over: AlreadyExists says how to adopt it; nothing is written", async () => {
    const before = ntlmTls.requests.length;
    const err = await failure(StaticRoute.runtime.create(checked(StaticRoute, { matchUri: "GW01.lab.example.com", nextHop: CUP_IP, connection: conn })));
    expect(err.code).toBe("AlreadyExists");
    expect(err.message).toMatch(/InstanceID \{GW\}.*does not take over.*remove it on the server first/);
    expect(ntlmTls.requests.slice(before).map((r) => r.action)).not.toContain("Create");
    expect(ntlmTls.tables.MSFT_SIPRoutingTableData![0]!.NextHop).toBe("192.0.2.10");
  });

  it("a create whose answer is lost is found by the retry's look-up, not made twice; a dropped read is retried", async () => {
    const c = client();
    const creates = () => ntlmTls.requests.filter((r) => r.action === "Create").length;
    const before = creates();
    ntlmTls.dropNext("after", "Create");
    const made = await c.createHost({ server: "cup-lost.lab.example.com", outboundOnly: false, throttleAsServer: true, treatAsAuthenticated: true });
    expect(ntlmTls.tables.MSFT_SIPRemoteAddressData!.filter((h) => h.Server === "cup-lost.lab.example.com")).toEqual([expect.objectContaining({ InstanceID: made.instanceId })]);
    expect(creates() - before).toBe(1);
    ntlmTls.dropNext("before", "Enumerate");
    expect(await c.getHost("CUP-LOST.lab.example.com")).toMatchObject({ instanceId: made.instanceId });
    await c.deleteHost("cup-lost.lab.example.com", made.instanceId);
  });

  it("an entry made by someone else while the create's answer was lost is not taken for this create's", async () => {
    const c = client();
    const other = { Backend: BACKEND, Enabled: "true", InstanceID: "{HAND}", MatchURI: "cup-race.lab.example.com", NextHop: "10.6.6.6", NextHopPort: "5060", NextHopTransport: "TCP", ReplaceHostInRequestURI: "true" };
    // The create never runs and its connection drops; meanwhile another admin adds a different route for the key.
    ntlmTls.dropNext("before", "Create", () => ntlmTls.tables.MSFT_SIPRoutingTableData!.push(other));
    const err = await failure(c.createRoute({ matchUri: "cup-race.lab.example.com", nextHop: CUP_IP, port: 5060, transport: "TCP", replaceHostInRequestUri: true, enabled: true }));
    expect(err.code).toBe("AlreadyExists");
    expect(err.message).toMatch(/InstanceID \{HAND\}/);
    expect(ntlmTls.tables.MSFT_SIPRoutingTableData!.filter((r) => r.MatchURI === "cup-race.lab.example.com")).toEqual([other]);
    ntlmTls.tables.MSFT_SIPRoutingTableData!.splice(ntlmTls.tables.MSFT_SIPRoutingTableData!.indexOf(other), 1);
  });

  it("the pool's back end: from its FQDN, or named; an unknown pool is refused; the other pool sees its own route", async () => {
    expect((await client({ pool: "pool02.lab.example.com" }).getRoute(CUP))?.nextHop).toBe("10.99.99.99");
    expect((await client({ pool: undefined, backend: "SQL02\\RTC" }).getRoute(CUP))?.nextHop).toBe("10.99.99.99");
    const none = await failure(client({ pool: "pool09.lab.example.com" }).listRoutes());
    expect(none).toMatchObject({ code: "InvalidRequest", message: expect.stringMatching(/0 pools match pool09/) });
    expect((await failure(client({ pool: undefined }).listRoutes())).message).toMatch(/2 pools match/);
  });
});

describe("authentication and TLS", () => {
  it("Basic over HTTPS, the certificate pinned (no CA)", async () => {
    const pin = sha256Fingerprint(cert.certPem);
    const c = client({ port: basicTls.port, username: "rcclab", auth: "basic", tls: { fingerprint256: pin } });
    expect((await c.listRoutes()).map((r) => r.matchUri)).toEqual(["gw01.lab.example.com"]);
    expect(basicTls.requests.at(-1)!.user).toBe("rcclab");
  });

  it("a wrong pin, or no way to trust the certificate → Tls, before any request is answered", async () => {
    const before = ntlmTls.requests.length;
    const wrong = await failure(client({ tls: { fingerprint256: "AB:".repeat(31) + "AB" } }).listRoutes());
    expect(wrong.code).toBe("Tls");
    const untrusted = await failure(client({ tls: undefined }).listRoutes());
    expect(untrusted.code).toBe("Tls");
    expect(untrusted.message).toMatch(/tls\.caFile \/ tls\.caPem/);
    expect(ntlmTls.requests.length).toBe(before);
  });

  it("a wrong password → Unauthorized (NTLM and Basic); no password in the error", async () => {
    for (const c of [client({ password: "Wr0ng-secret" }), client({ port: basicTls.port, username: "rcclab", auth: "basic", password: "Wr0ng-secret" })]) {
      const err = await failure(c.listRoutes());
      expect(err.code).toBe("Unauthorized");
      expect(err.message).toMatch(/refused the login/);
      expect(err.message).not.toContain("Wr0ng-secret");
      expect(JSON.stringify(err.cause ?? null)).not.toContain("Wr0ng-secret");
    }
    const viaKind = await failure(StaticRoute.runtime.read(CUP, { connection: { ...conn, password: "Wr0ng-secret" } }));
    expect(viaKind.code).toBe("Unauthorized");
    expect(`${viaKind.message} ${JSON.stringify(viaKind.cause)}`).not.toContain("Wr0ng-secret");
  });

  it("NTLM offered only as Basic → Unauthorized saying what the server offers", async () => {
    const err = await failure(client({ port: basicTls.port, tls: { caPem: ca.caPem } }).listRoutes());
    expect(err.code).toBe("Unauthorized");
    expect(err.message).toMatch(/offers Basic, not Negotiate/);
  });

  it("an account without OCS rights → Unauthorized (wsman AccessDenied), its code kept", async () => {
    const err = await failure(client({ username: "LAB\\helpdesk", password: "Help-desk1" }).listRoutes());
    expect(err).toMatchObject({ code: "Unauthorized", systemCode: 5 });
  });

  it("plain HTTP: refused unless allowed; NTLM over it when allowed; Basic over it only when that is allowed too", async () => {
    const viaHttp = { port: plain.port, https: false, tls: undefined };
    expect(StaticRoute.runtime.check({}, { matchUri: CUP, nextHop: CUP_IP, connection: { ...conn, ...viaHttp } }).failures).toEqual([
      { property: "connection.https", reason: expect.stringMatching(/allowHttp: true/) },
    ]);
    expect((await client({ ...viaHttp, allowHttp: true }).listRoutes()).map((r) => r.matchUri)).toEqual(["gw01.lab.example.com"]);
    expect(StaticRoute.runtime.check({}, { matchUri: CUP, nextHop: CUP_IP, connection: { ...conn, ...viaHttp, allowHttp: true, auth: "basic" } }).failures).toEqual([
      { property: "connection.auth", reason: expect.stringMatching(/clear text/) },
    ]);
  });

  it("a server without the OCS classes → VersionMismatch", async () => {
    const bare = await startFakeWinRm({ users: { [USER]: PASSWORD }, auth: ["Negotiate"], tables: {} });
    try {
      const err = await failure(client({ port: bare.port, https: false, allowHttp: true, tls: undefined, backend: BACKEND }).listRoutes());
      expect(err.code).toBe("VersionMismatch");
      expect(err.message).toMatch(/OCS 2007 R2 WMI classes are not on this server/);
    } finally {
      await bare.stop();
    }
  });

  it("an unreachable listener → Transport after the retries", async () => {
    const err = await failure(client({ host: "127.0.0.1", port: 1 }).listRoutes());
    expect(err.code).toBe("Transport");
  });
});

// --- a small WinRM listener (see the header) ----------------------------------------------------------

const md4 = (require("js-md4") as { arrayBuffer(b: Buffer): ArrayBuffer }).arrayBuffer;
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", removeNSPrefix: true, parseTagValue: false });
const WMI = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/";

export type Row = Record<string, string | string[] | null>;
export interface FakeOptions {
  users: Record<string, string>;
  auth: ("Basic" | "Negotiate")[];
  nonAdmins?: string[];
  tls?: { certPem: string; keyPem: string };
  tables: Record<string, Row[]>;
}

export interface FakeWinRm {
  url: string;
  port: number;
  requests: { action: string; resourceUri: string; selectors: Record<string, string>; filter?: string; user?: string }[];
  tables: Record<string, Row[]>;
  /** Close the connection instead of answering the next request of this action ("after": once it has run). */
  dropNext(when: "before" | "after", action: string, then?: () => void): void;
  stop(): Promise<void>;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const envelope = (action: string, body: string) =>
  `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:n="http://schemas.xmlsoap.org/ws/2004/09/enumeration" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:x="http://schemas.xmlsoap.org/ws/2004/09/transfer"><s:Header><a:Action>${action}</a:Action><a:MessageID>uuid:${randomUUID()}</a:MessageID></s:Header><s:Body>${body}</s:Body></s:Envelope>`;
const fault = (subcode: string, code: number, text: string, detail = "") =>
  envelope(
    "http://schemas.xmlsoap.org/ws/2004/08/addressing/fault",
    `<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>${subcode}</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en-US">${esc(text)}</s:Text></s:Reason><s:Detail>${detail}<f:WSManFault xmlns:f="http://schemas.microsoft.com/wbem/wsman/1/wsmanfault" Code="${code}" Machine="fake"><f:Message>${esc(text)}</f:Message></f:WSManFault></s:Detail></s:Fault>`,
  );
const instance = (cls: string, row: Row) =>
  `<p:${cls} xmlns:p="${WMI}${cls}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${Object.entries(row)
    .map(([k, v]) => (v === null ? `<p:${k} xsi:nil="true"/>` : (Array.isArray(v) ? v : [v]).map((x) => `<p:${k}>${esc(x)}</p:${k}>`).join("")))
    .join("")}</p:${cls}>`;

function verifyNtlm(type3: Buffer, challenge: Buffer, users: Record<string, string>): string | undefined {
  const buf = (at: number) => type3.subarray(type3.readUInt32LE(at + 4), type3.readUInt32LE(at + 4) + type3.readUInt16LE(at));
  const nt = buf(20);
  const domain = buf(28).toString("utf16le");
  const user = buf(36).toString("utf16le");
  const account = Object.keys(users).find((a) => a.toLowerCase() === `${domain}\\${user}`.toLowerCase() || (!domain && a.toLowerCase() === user.toLowerCase()));
  if (!account || nt.length <= 24) return undefined;
  const ntHash = Buffer.from(md4(Buffer.from(users[account]!, "utf16le")));
  const key = createHmac("md5", ntHash).update(Buffer.from(user.toUpperCase() + domain, "utf16le")).digest();
  const proof = createHmac("md5", key).update(Buffer.concat([challenge, nt.subarray(16)])).digest();
  return proof.equals(nt.subarray(0, 16)) ? account : undefined;
}

function type2(challenge: Buffer): string {
  const targetInfo = Buffer.from([0, 0, 0, 0]); // MsvAvEOL
  const name = Buffer.from("LAB", "utf16le");
  const b = Buffer.alloc(48 + name.length + targetInfo.length);
  b.write("NTLMSSP\0", 0, "ascii");
  b.writeUInt32LE(2, 8);
  b.writeUInt16LE(name.length, 12);
  b.writeUInt16LE(name.length, 14);
  b.writeUInt32LE(48, 16);
  b.writeUInt32LE(0x00000001 | 0x00000200 | 0x00080000 | 0x00800000 | 0x00010000, 20); // unicode, NTLM, extended security, target info, target type domain
  challenge.copy(b, 24);
  b.writeUInt16LE(targetInfo.length, 40);
  b.writeUInt16LE(targetInfo.length, 42);
  b.writeUInt32LE(48 + name.length, 44);
  name.copy(b, 48);
  targetInfo.copy(b, 48 + name.length);
  return b.toString("base64");
}

export async function startFakeWinRm(o: FakeOptions): Promise<FakeWinRm> {
  const challenges = new WeakMap<net.Socket, Buffer>();
  const enumerations = new Map<string, { cls: string; rows: Row[] }>();
  const drops: { when: "before" | "after"; action: string; then?: () => void }[] = [];
  const requests: FakeWinRm["requests"] = [];
  const tables = o.tables;

  const authenticate = (req: http.IncomingMessage, res: http.ServerResponse): string | undefined => {
    const h = req.headers.authorization ?? "";
    const offer = () => {
      res.writeHead(401, { "WWW-Authenticate": o.auth.map((a) => (a === "Basic" ? 'Basic realm="WSMAN"' : a)), "Content-Length": "0" });
      res.end();
    };
    const basic = /^Basic (.+)$/i.exec(h);
    if (basic && o.auth.includes("Basic")) {
      const [u, ...p] = Buffer.from(basic[1]!, "base64").toString("utf8").split(":");
      if (u && o.users[u] !== undefined && o.users[u] === p.join(":")) return u;
      return void offer();
    }
    const neg = /^Negotiate (.+)$/i.exec(h);
    if (neg && o.auth.includes("Negotiate")) {
      const msg = Buffer.from(neg[1]!, "base64");
      const type = msg.readUInt32LE(8);
      if (type === 1) {
        const c = randomBytes(8);
        challenges.set(req.socket, c);
        res.writeHead(401, { "WWW-Authenticate": `Negotiate ${type2(c)}`, "Content-Length": "0" });
        return void res.end();
      }
      const c = challenges.get(req.socket);
      const who = type === 3 && c ? verifyNtlm(msg, c, o.users) : undefined;
      challenges.delete(req.socket);
      if (who) return who;
    }
    return void offer();
  };

  const handle = (xml: string, user: string): string | "drop" => {
    const env = parser.parse(xml).Envelope;
    const h = env.Header;
    const action = String(h.Action["#text"] ?? h.Action).replace(/^.*\//, "");
    const resourceUri = String(h.ResourceURI["#text"] ?? h.ResourceURI);
    const cls = resourceUri.slice(WMI.length);
    const selectors: Record<string, string> = {};
    for (const s of [h.SelectorSet?.Selector ?? []].flat()) selectors[s["@_Name"]] = String(s["#text"] ?? "");
    const body = env.Body ?? {};
    const filter = body.Enumerate?.Filter?.["#text"];
    requests.push({ action, resourceUri, selectors, ...(filter ? { filter } : {}), user });
    const d = drops.findIndex((x) => x.action === action);
    const drop = d >= 0 ? drops.splice(d, 1)[0] : undefined;
    if (drop?.when === "before") {
      drop.then?.();
      return "drop";
    }
    const answer = run(action, cls, selectors, body, filter, user);
    drop?.then?.();
    return drop ? "drop" : answer;
  };

  const run = (action: string, cls: string, selectors: Record<string, string>, body: Record<string, any>, filter: string | undefined, user: string): string => {
    if (o.nonAdmins?.includes(user)) return fault("w:AccessDenied", 5, "Access is denied.");
    const table = tables[cls];
    const gone = () => fault("a:DestinationUnreachable", 2150858752, "The service cannot find the resource identified by the resource URI and selectors.", "<w:FaultDetail>http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/InvalidResourceURI</w:FaultDetail>");
    if (!table) return gone();
    const find = () => table.findIndex((r) => r.Backend === selectors.Backend && r.InstanceID === selectors.InstanceID);
    const next = (id: string) => {
      const e = enumerations.get(id)!;
      const item = e.rows.shift();
      const end = e.rows.length === 0;
      if (end) enumerations.delete(id);
      return { items: item ? instance(e.cls, item) : "", end };
    };
    switch (action) {
      case "Enumerate": {
        const m = /^SELECT \* FROM (\w+)(?: WHERE Backend = '((?:[^'\\]|\\.)*)')?$/.exec(filter ?? "");
        if (!m || m[1] !== cls) return fault("w:CannotProcessFilter", 2150858793, "The filter is not supported.");
        const backend = m[2]?.replace(/\\(.)/g, "$1");
        const id = `uuid:${randomUUID()}`;
        enumerations.set(id, { cls, rows: table.filter((r) => backend === undefined || String(r.Backend).toLowerCase() === backend.toLowerCase()).map((r) => ({ ...r })) });
        const b = next(id);
        return envelope(
          "http://schemas.xmlsoap.org/ws/2004/09/enumeration/EnumerateResponse",
          `<n:EnumerateResponse><n:EnumerationContext>${b.end ? "" : id}</n:EnumerationContext><w:Items>${b.items}</w:Items>${b.end ? "<w:EndOfSequence/>" : ""}</n:EnumerateResponse>`,
        );
      }
      case "Pull": {
        const id = String(body.Pull?.EnumerationContext ?? "");
        if (!enumerations.has(id)) return fault("n:InvalidEnumerationContext", 2150858777, "The enumeration context is not valid.");
        const b = next(id);
        return envelope("http://schemas.xmlsoap.org/ws/2004/09/enumeration/PullResponse", `<n:PullResponse>${b.end ? "" : `<n:EnumerationContext>${id}</n:EnumerationContext>`}<n:Items>${b.items}</n:Items>${b.end ? "<n:EndOfSequence/>" : ""}</n:PullResponse>`);
      }
      case "Release":
        enumerations.delete(String(body.Release?.EnumerationContext ?? ""));
        return envelope("http://schemas.xmlsoap.org/ws/2004/09/enumeration/ReleaseResponse", "");
      case "Get": {
        const i = find();
        return i < 0 ? gone() : envelope("http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse", instance(cls, table[i]!));
      }
      case "Put": {
        const i = find();
        if (i < 0) return gone();
        const props = rowOf(body[cls]);
        table[i] = { ...table[i]!, ...props, Backend: table[i]!.Backend!, InstanceID: table[i]!.InstanceID! };
        return envelope("http://schemas.xmlsoap.org/ws/2004/09/transfer/PutResponse", instance(cls, table[i]!));
      }
      case "Create": {
        const props = rowOf(body[cls]);
        if (table.some((r) => r.Backend === props.Backend && r.InstanceID === props.InstanceID)) return fault("w:AlreadyExists", 2150858803, "The resource already exists.");
        table.push(props);
        return envelope(
          "http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse",
          `<x:ResourceCreated><a:Address>x</a:Address><a:ReferenceParameters><w:ResourceURI>${WMI}${cls}</w:ResourceURI><w:SelectorSet><w:Selector Name="Backend">${esc(String(props.Backend))}</w:Selector><w:Selector Name="InstanceID">${esc(String(props.InstanceID))}</w:Selector></w:SelectorSet></a:ReferenceParameters></x:ResourceCreated>`,
        );
      }
      case "Delete": {
        const i = find();
        if (i < 0) return gone();
        table.splice(i, 1);
        return envelope("http://schemas.xmlsoap.org/ws/2004/09/transfer/DeleteResponse", "");
      }
    }
    return fault("a:ActionNotSupported", 2150858771, "The action is not supported by the service.");
  };

  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const user = authenticate(req, res);
      if (!user) return;
      const out = handle(Buffer.concat(chunks).toString("utf8"), user);
      if (out === "drop") return void req.socket.destroy();
      const isFault = out.includes("<s:Fault>");
      res.writeHead(isFault ? 500 : 200, { "Content-Type": "application/soap+xml;charset=UTF-8" });
      res.end(out);
    });
  };
  const server = o.tls ? https.createServer({ cert: o.tls.certPem, key: o.tls.keyPem }, listener) : http.createServer(listener);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${o.tls ? "https" : "http"}://127.0.0.1:${port}/wsman`,
    port,
    requests,
    tables,
    dropNext: (when, action, then) => void drops.push({ when, action, ...(then ? { then } : {}) }),
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function rowOf(el: Record<string, unknown> | undefined): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(el ?? {})) {
    if (k.startsWith("@_") || k === "#text") continue;
    const one = (x: unknown) => (x && typeof x === "object" ? ((x as Record<string, unknown>)["@_nil"] === "true" ? null : String((x as Record<string, unknown>)["#text"] ?? "")) : String(x));
    out[k] = Array.isArray(v) ? v.map((x) => one(x) ?? "") : one(v);
  }
  return out;
}
