/**
 * The simulated OCS front end's WinRM endpoint: Identify; Enumerate / Pull / Release with WQL and
 * selector filters; Get / Put / Create / Delete with Backend + InstanceID selectors; WinRM's faults;
 * HTTPS with the lab CA; Basic and NTLM (driven by curl, a client written by others); fault
 * injection; and Debian's `wsl` (Dell's WS-Management shell client) identifying, enumerating,
 * getting and putting a route.
 */
import { execFile } from "node:child_process";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OcsWinRm, startOcsWinRm } from "../src/labsim/ocs/winrm";
import { md4 } from "../src/labsim/ocs/winrm/md4";
import { type XmlElement, kid, kids, parseXml, text } from "../src/labsim/ocs/winrm/xml";

const NS = {
  s: "http://www.w3.org/2003/05/soap-envelope",
  wsa: "http://schemas.xmlsoap.org/ws/2004/08/addressing",
  wsman: "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd",
  wsen: "http://schemas.xmlsoap.org/ws/2004/09/enumeration",
  wst: "http://schemas.xmlsoap.org/ws/2004/09/transfer",
  f: "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault",
  xsi: "http://www.w3.org/2001/XMLSchema-instance",
};
const WMI = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/";
const ROUTE = `${WMI}MSFT_SIPRoutingTableData`;
const HOST = `${WMI}MSFT_SIPRemoteAddressData`;
const T = "http://schemas.xmlsoap.org/ws/2004/09/transfer/";
const E = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/";
const WQL = "http://schemas.microsoft.com/wbem/wsman/1/WQL";
const BACKEND = "sql01.lab.example.com\\rtc";
const ADMIN = { user: "LAB\\rcclab-ocs", password: "Ocs-Adm1n;'\"<&>" };
const PLAIN = { user: "winrmuser", password: "Winrm-Pa55" };
const HELPDESK = { user: "LAB\\helpdesk", password: "Help-desk1" };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-winrm-"));
let w: OcsWinRm;
let gwId: string;

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function envelope(o: { action: string; resourceUri?: string; selectors?: Record<string, string>; body?: string; timeout?: string; extraHeaders?: string; replyTo?: boolean }): string {
  const sel = o.selectors ? `<wsman:SelectorSet>${Object.entries(o.selectors).map(([k, v]) => `<wsman:Selector Name="${k}">${esc(v)}</wsman:Selector>`).join("")}</wsman:SelectorSet>` : "";
  return (
    `<s:Envelope xmlns:s="${NS.s}" xmlns:wsa="${NS.wsa}" xmlns:wsman="${NS.wsman}" xmlns:wsen="${NS.wsen}"><s:Header>` +
    `<wsa:To>${w.url}</wsa:To>` +
    (o.resourceUri ? `<wsman:ResourceURI s:mustUnderstand="true">${o.resourceUri}</wsman:ResourceURI>` : "") +
    (o.replyTo === false ? "" : `<wsa:ReplyTo><wsa:Address s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:Address></wsa:ReplyTo>`) +
    `<wsa:Action s:mustUnderstand="true">${o.action}</wsa:Action><wsman:MaxEnvelopeSize s:mustUnderstand="true">153600</wsman:MaxEnvelopeSize>` +
    `<wsa:MessageID>uuid:${randomUUID()}</wsa:MessageID><wsman:Locale xml:lang="en-US" s:mustUnderstand="false"/>` +
    `${sel}<wsman:OperationTimeout>${o.timeout ?? "PT60.000S"}</wsman:OperationTimeout>${o.extraHeaders ?? ""}</s:Header><s:Body>${o.body ?? ""}</s:Body></s:Envelope>`
  );
}

interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
  xml?: XmlElement;
}

function post(xml: string, o: { auth?: { user: string; password: string } | null; headers?: Record<string, string>; url?: string; ca?: string | null; agent?: https.Agent } = {}): Promise<Reply> {
  const url = new URL(o.url ?? w.url);
  const auth = o.auth === undefined ? ADMIN : o.auth;
  const headers: Record<string, string> = { "Content-Type": "application/soap+xml;charset=UTF-8", ...(o.headers ?? {}) };
  if (auth) headers.Authorization = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString("base64")}`;
  const lib = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      url,
      { method: "POST", headers, ...(url.protocol === "https:" ? { ...(o.ca === null ? {} : { ca: o.ca ?? w.caPem }), ...(o.agent ? { agent: o.agent } : {}) } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const body = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, body, headers: res.headers, ...(body.startsWith("<") ? { xml: parseXml(body) } : {}) });
        });
      },
    );
    req.on("error", reject);
    req.end(xml);
  });
}

const bodyOf = (r: Reply): XmlElement => kid(r.xml!, NS.s, "Body")!;
function faultOf(r: Reply): { code: string; subcode?: string; detail?: string; wsmanCode: number; message: string } {
  const f = kid(bodyOf(r), NS.s, "Fault")!;
  const code = kid(f, NS.s, "Code")!;
  const sub = kid(code, NS.s, "Subcode");
  const detail = kid(f, NS.s, "Detail")!;
  const wf = kid(detail, NS.f, "WSManFault")!;
  const fd = kid(detail, NS.wsman, "FaultDetail");
  return {
    code: text(kid(code, NS.s, "Value")!),
    ...(sub ? { subcode: text(kid(sub, NS.s, "Value")!) } : {}),
    ...(fd ? { detail: text(fd) } : {}),
    wsmanCode: Number(wf.attrs.find((a) => a.local === "Code")!.value),
    message: text(wf),
  };
}
/** An instance element → property name → text (null for xsi:nil). */
function props(el: XmlElement): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const c of kids(el, el.ns)) out[c.local] = c.attrs.some((a) => a.local === "nil" && a.ns === NS.xsi && a.value === "true") ? null : text(c);
  return out;
}

const get = (uri: string, selectors: Record<string, string>, auth?: { user: string; password: string } | null) => post(envelope({ action: `${T}Get`, resourceUri: uri, selectors }), { auth });

async function enumerateAll(uri: string, o: { filter?: string; dialect?: string; max?: number; mode?: string; optimize?: boolean } = {}): Promise<{ items: XmlElement[]; replies: Reply[] }> {
  const filter = o.filter !== undefined ? `<wsman:Filter Dialect="${o.dialect ?? WQL}">${esc(o.filter)}</wsman:Filter>` : "";
  const opt = o.optimize === false ? "" : `<wsman:OptimizeEnumeration/><wsman:MaxElements>${o.max ?? 1}</wsman:MaxElements>`;
  const mode = o.mode ? `<wsman:EnumerationMode>${o.mode}</wsman:EnumerationMode>` : "";
  const replies: Reply[] = [];
  let r = await post(envelope({ action: `${E}Enumerate`, resourceUri: uri, body: `<wsen:Enumerate>${opt}${mode}${filter}</wsen:Enumerate>` }));
  replies.push(r);
  const items: XmlElement[] = [];
  for (;;) {
    if (r.status !== 200) return { items, replies };
    const resp = kids(bodyOf(r))[0]!;
    const box = kid(resp, NS.wsman, "Items") ?? kid(resp, NS.wsen, "Items");
    if (box) items.push(...kids(box));
    const ctx = kid(resp, NS.wsen, "EnumerationContext");
    if (!ctx) return { items, replies };
    r = await post(envelope({ action: `${E}Pull`, resourceUri: uri, body: `<wsen:Pull><wsen:EnumerationContext>${text(ctx)}</wsen:EnumerationContext><wsen:MaxElements>${o.max ?? 1}</wsen:MaxElements></wsen:Pull>` }));
    replies.push(r);
  }
}

const routeBody = (p: Record<string, string | null>, uri = ROUTE) =>
  `<p:MSFT_SIPRoutingTableData xmlns:p="${uri}" xmlns:xsi="${NS.xsi}">${Object.entries(p)
    .map(([k, v]) => (v === null ? `<p:${k} xsi:nil="true"/>` : `<p:${k}>${esc(v)}</p:${k}>`))
    .join("")}</p:MSFT_SIPRoutingTableData>`;

beforeAll(async () => {
  w = await startOcsWinRm({
    port: 0,
    caDir: path.join(tmp, "ca"),
    users: { [ADMIN.user]: ADMIN.password, [PLAIN.user]: PLAIN.password, [HELPDESK.user]: HELPDESK.password },
    nonAdmins: [HELPDESK.user],
    stateFile: path.join(tmp, "state.json"),
    seed: {
      pools: [
        { fqdn: "pool01.lab.example.com", backend: BACKEND },
        { fqdn: "pool02.lab.example.com", backend: "sql02.lab.example.com\\rtc" },
      ],
      routes: [
        { MatchURI: "gw01.lab.example.com", NextHop: "192.0.2.10", NextHopPort: 5060, NextHopTransport: "TCP", ReplaceHostInRequestURI: false, Enabled: true },
        { Backend: "sql02.lab.example.com\\rtc", MatchURI: "cup.lab.example.com", NextHop: "10.99.99.99", Enabled: false },
      ],
    },
  });
  gwId = w.state().routes[0]!.InstanceID;
});

afterAll(async () => {
  await w?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("Identify and transport", () => {
  it("answers Identify authenticated, and unauthenticated only with WSMANIDENTIFY", async () => {
    const identify = `<s:Envelope xmlns:s="${NS.s}" xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"><s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>`;
    const r = await post(identify);
    expect(r.status).toBe(200);
    expect(r.body).toContain("<wsmid:ProductVendor>Microsoft Corporation</wsmid:ProductVendor>");
    expect(r.body).toContain("<wsmid:ProductVersion>OS: 6.0.6002 SP: 2.0 Stack: 2.0</wsmid:ProductVersion>");
    expect(r.body).toContain("<wsmid:ProtocolVersion>http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd</wsmid:ProtocolVersion>");
    expect(r.body).not.toContain("SecurityProfiles");
    const anon = await post(identify, { auth: null, headers: { WSMANIDENTIFY: "unauthenticated" } });
    expect(anon.body).toContain("OS: 0.0.0 SP: 0.0 Stack: 2.0");
    const none = await post(identify, { auth: null });
    expect(none.status).toBe(401);
    expect(none.headers["www-authenticate"]).toEqual(expect.stringMatching(/Negotiate, Basic realm="WSMAN"|Negotiate/));
    // Anything but Identify needs credentials even with the header.
    expect((await post(envelope({ action: `${T}Get`, resourceUri: ROUTE, selectors: { Backend: BACKEND, InstanceID: gwId } }), { auth: null, headers: { WSMANIDENTIFY: "unauthenticated" } })).status).toBe(401);
  });

  it("serves HTTPS with a certificate from the lab CA; other paths, methods and media types as HTTP.sys", async () => {
    await expect(post(envelope({ action: `${T}Get`, resourceUri: ROUTE }), { ca: null })).rejects.toThrow(/self.signed|certificate/i);
    const ca = fs.readFileSync(path.join(tmp, "ca", "ca.pem"), "utf8");
    expect(w.caPem).toBe(ca);
    expect(w.url).toBe(`https://127.0.0.1:${w.port}/wsman`);
    expect((await post("x", { url: w.url.replace("/wsman", "/other") })).status).toBe(404);
    expect((await post("<x/>", { headers: { "Content-Type": "text/xml" } })).status).toBe(415);
  });

  it("Basic: DOMAIN\\user and user accounts; a wrong password is 401", async () => {
    expect((await get(ROUTE, { Backend: BACKEND, InstanceID: gwId }, PLAIN)).status).toBe(200);
    expect((await get(ROUTE, { Backend: BACKEND, InstanceID: gwId }, { user: "rcclab-ocs", password: ADMIN.password })).status).toBe(200);
    const bad = await get(ROUTE, { Backend: BACKEND, InstanceID: gwId }, { user: ADMIN.user, password: "wrong" });
    expect(bad.status).toBe(401);
    expect(w.requests.at(-1)).toMatchObject({ status: 401, authError: expect.stringMatching(/bad credentials/) });
  });
});

describe("WS-Transfer", () => {
  it("Get renders the instance in the class's namespace (xsi:nil, true/false, decimal uint32) with its EPR", async () => {
    const r = await get(ROUTE, { backend: BACKEND.toUpperCase(), instanceid: gwId.toLowerCase() });
    expect(r.status).toBe(200);
    expect(r.body).toContain(`<wsa:Action s:mustUnderstand="true">${T}GetResponse</wsa:Action>`);
    const inst = kids(bodyOf(r))[0]!;
    expect(inst.ns).toBe(ROUTE);
    expect(inst.local).toBe("MSFT_SIPRoutingTableData");
    expect(r.body).toContain(`<p:MSFT_SIPRoutingTableData xmlns:p="${ROUTE}">`);
    expect(props(inst)).toEqual({
      Backend: BACKEND,
      Enabled: "true",
      InstanceID: gwId,
      MatchURI: "gw01.lab.example.com",
      NextHop: "192.0.2.10",
      NextHopPort: "5060",
      NextHopTransport: "TCP",
      ReplaceHostInRequestURI: "false",
      TLSCertIssuer: null,
      TLSCertSN: null,
    });
    expect(r.body).toMatch(/<cim:Location [^>]*><wsa:Address>[^<]*<\/wsa:Address><wsa:ReferenceParameters><wsman:ResourceURI>[^<]*MSFT_SIPRoutingTableData<\/wsman:ResourceURI><wsman:SelectorSet><wsman:Selector Name="Backend">sql01\.lab\.example\.com\\rtc<\/wsman:Selector>/);
  });

  it("Put changes the given properties and answers the instance; refuses bad values and other keys", async () => {
    const r = await post(envelope({ action: `${T}Put`, resourceUri: ROUTE, selectors: { Backend: BACKEND, InstanceID: gwId }, body: routeBody({ NextHopPort: "5070", Enabled: "false" }) }));
    expect(r.status).toBe(200);
    expect(props(kids(bodyOf(r))[0]!)).toMatchObject({ NextHopPort: "5070", Enabled: "false", NextHop: "192.0.2.10" });
    expect(w.state().routes[0]).toMatchObject({ NextHopPort: 5070, Enabled: false });
    const bad = await post(envelope({ action: `${T}Put`, resourceUri: ROUTE, selectors: { Backend: BACKEND, InstanceID: gwId }, body: routeBody({ NextHopPort: "port" }) }));
    expect(faultOf(bad)).toMatchObject({ code: "s:Sender", subcode: "wst:InvalidRepresentation", wsmanCode: 0x80338056 });
    const outOfRange = await post(envelope({ action: `${T}Put`, resourceUri: ROUTE, selectors: { Backend: BACKEND, InstanceID: gwId }, body: routeBody({ NextHopPort: "70000" }) }));
    expect(faultOf(outOfRange)).toMatchObject({ wsmanCode: 0x80041008, message: "Invalid parameter " });
    const otherKey = await post(envelope({ action: `${T}Put`, resourceUri: ROUTE, selectors: { Backend: BACKEND, InstanceID: gwId }, body: routeBody({ Backend: "sql02.lab.example.com\\rtc" }) }));
    expect(faultOf(otherKey).subcode).toBe("wst:InvalidRepresentation");
    const wrongNs = await post(envelope({ action: `${T}Put`, resourceUri: ROUTE, selectors: { Backend: BACKEND, InstanceID: gwId }, body: routeBody({ NextHopPort: "5060" }, HOST) }));
    expect(faultOf(wrongNs)).toMatchObject({ detail: expect.stringMatching(/InvalidNamespace$/) });
    await post(envelope({ action: `${T}Put`, resourceUri: ROUTE, selectors: { Backend: BACKEND, InstanceID: gwId }, body: routeBody({ NextHopPort: "5060", Enabled: "true" }) }));
    expect(w.state().routes[0]).toMatchObject({ NextHopPort: 5060, Enabled: true });
  });

  it("Create needs Backend (WMI: invalid parameter), answers ResourceCreated with a {GUID}; an existing key is AlreadyExists; Delete removes it", async () => {
    const full = { MatchURI: "cup.lab.example.com", NextHop: "10.10.20.30", NextHopPort: "5060", NextHopTransport: "TCP", ReplaceHostInRequestURI: "true", Enabled: "true" };
    const noBackend = await post(envelope({ action: `${T}Create`, resourceUri: ROUTE, body: routeBody(full) }));
    expect(noBackend.status).toBe(500);
    expect(faultOf(noBackend)).toMatchObject({ code: "s:Receiver", subcode: "wsman:InternalError", wsmanCode: 2147749896, message: "Invalid parameter " });
    const unknownBackend = await post(envelope({ action: `${T}Create`, resourceUri: ROUTE, body: routeBody({ Backend: "sql09\\rtc", ...full }) }));
    expect(faultOf(unknownBackend).wsmanCode).toBe(2147749896);
    const made = await post(envelope({ action: `${T}Create`, resourceUri: ROUTE, body: routeBody({ Backend: BACKEND.toUpperCase(), ...full }) }));
    expect(made.status).toBe(200);
    expect(made.body).toContain(`<wsa:Action s:mustUnderstand="true">${T}CreateResponse</wsa:Action>`);
    const created = kid(bodyOf(made), NS.wst, "ResourceCreated")!;
    const set = kid(kid(created, NS.wsa, "ReferenceParameters")!, NS.wsman, "SelectorSet")!;
    const sel = Object.fromEntries(kids(set).map((s) => [s.attrs[0]!.value, text(s)]));
    expect(sel.InstanceID).toMatch(/^\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}$/);
    expect(w.state().routes.filter((r) => r.MatchURI === "cup.lab.example.com").map((r) => r.Backend)).toEqual(["sql02.lab.example.com\\rtc", BACKEND.toUpperCase()]);
    const again = await post(envelope({ action: `${T}Create`, resourceUri: ROUTE, body: routeBody({ Backend: BACKEND, InstanceID: sel.InstanceID!, ...full }) }));
    expect(faultOf(again)).toMatchObject({ code: "s:Sender", subcode: "wsman:AlreadyExists", wsmanCode: 0x80338033 });
    const del = await post(envelope({ action: `${T}Delete`, resourceUri: ROUTE, selectors: { Backend: BACKEND, InstanceID: sel.InstanceID! } }));
    expect(del.status).toBe(200);
    expect(del.body).toContain(`${T}DeleteResponse`);
    const gone = await post(envelope({ action: `${T}Delete`, resourceUri: ROUTE, selectors: { Backend: BACKEND, InstanceID: sel.InstanceID! } }));
    expect(faultOf(gone)).toMatchObject({ subcode: "wsa:DestinationUnreachable", wsmanCode: 0x80338000 });
    expect(w.state().routes.map((r) => r.MatchURI)).toEqual(["gw01.lab.example.com", "cup.lab.example.com"]);
  });
});

describe("WS-Enumeration", () => {
  it("enumerates with OptimizeEnumeration and Pull until EndOfSequence; contexts are single-use; Release", async () => {
    const all = await enumerateAll(ROUTE, { max: 1 });
    expect(all.items.map((i) => props(i).MatchURI)).toEqual(["gw01.lab.example.com", "cup.lab.example.com"]);
    expect(all.replies).toHaveLength(2);
    expect(all.replies[1]!.body).toContain("<wsen:EndOfSequence/>");
    const first = await post(envelope({ action: `${E}Enumerate`, resourceUri: ROUTE, body: "<wsen:Enumerate/>" }));
    const ctx = text(kid(kids(bodyOf(first))[0]!, NS.wsen, "EnumerationContext")!);
    const rel = await post(envelope({ action: `${E}Release`, resourceUri: ROUTE, body: `<wsen:Release><wsen:EnumerationContext>${ctx}</wsen:EnumerationContext></wsen:Release>` }));
    expect(rel.status).toBe(200);
    const stale = await post(envelope({ action: `${E}Pull`, resourceUri: ROUTE, body: `<wsen:Pull><wsen:EnumerationContext>${ctx}</wsen:EnumerationContext></wsen:Pull>` }));
    expect(faultOf(stale)).toMatchObject({ code: "s:Receiver", subcode: "wsen:InvalidEnumerationContext" });
  });

  it("filters with WQL: case-insensitive strings, booleans with AND, an escaped backslash, LIKE, the * resource URI", async () => {
    const one = await enumerateAll(ROUTE, { filter: "select * from msft_siproutingtabledata where MatchURI = 'GW01.LAB.EXAMPLE.COM' and Enabled = TRUE", max: 10 });
    expect(one.items.map((i) => props(i).InstanceID)).toEqual([gwId]);
    const backend = await enumerateAll(ROUTE, { filter: "SELECT * FROM MSFT_SIPRoutingTableData WHERE Backend = 'sql02.lab.example.com\\\\rtc'", max: 10 });
    expect(backend.items.map((i) => props(i).MatchURI)).toEqual(["cup.lab.example.com"]);
    const none = await enumerateAll(ROUTE, { filter: "SELECT * FROM MSFT_SIPRoutingTableData WHERE Enabled = FALSE AND MatchURI LIKE 'gw%'", max: 10 });
    expect(none.items).toEqual([]);
    expect(none.replies[0]!.body).toContain("<wsman:EndOfSequence/>");
    const star = await enumerateAll(`${WMI}*`, { filter: "SELECT * FROM MSFT_SIPRemoteAddressData WHERE Server = '192.0.2.10'", max: 10 });
    expect(star.items.map((i) => [i.ns, props(i).Server])).toEqual([[HOST, "192.0.2.10"]]);
    const pools = await enumerateAll(`${WMI}MSFT_SIPPoolSetting`, { filter: "SELECT * FROM MSFT_SIPPoolSetting WHERE PoolFQDN = 'pool02.lab.example.com'", max: 10 });
    expect(pools.items.map((i) => props(i).BackEndDBPath)).toEqual(["sql02.lab.example.com\\rtc"]);
    for (const bad of ["SELECT * FROM MSFT_SIPRoutingTableData WHERE Nope = 1", "SELECT * FROM", "SELECT * FROM MSFT_SIPRemoteAddressData"]) {
      const r = await enumerateAll(ROUTE, { filter: bad });
      expect(faultOf(r.replies[0]!).subcode, bad).toBe("wsen:CannotProcessFilter");
    }
    const dialect = await enumerateAll(ROUTE, { filter: "x", dialect: "http://example.com/unknown" });
    expect(faultOf(dialect.replies[0]!).subcode).toBe("wsen:FilterDialectRequestedUnavailable");
  });

  it("EnumerateEPR and EnumerateObjectAndEPR; the SelectorFilter dialect", async () => {
    const eprs = await enumerateAll(ROUTE, { mode: "EnumerateEPR", max: 5 });
    expect(eprs.items.map((i) => i.local)).toEqual(["EndpointReference", "EndpointReference"]);
    const raw = await post(
      envelope({
        action: `${E}Enumerate`,
        resourceUri: ROUTE,
        body: `<wsen:Enumerate><wsman:OptimizeEnumeration/><wsman:MaxElements>5</wsman:MaxElements><wsman:EnumerationMode>EnumerateObjectAndEPR</wsman:EnumerationMode><wsman:Filter Dialect="http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter"><wsman:SelectorSet><wsman:Selector Name="MatchURI">GW01.lab.example.com</wsman:Selector></wsman:SelectorSet></wsman:Filter></wsen:Enumerate>`,
      }),
    );
    const items = kids(kid(kids(bodyOf(raw))[0]!, NS.wsman, "Items")!);
    expect(items.map((i) => [i.local, kids(i).map((c) => c.local)])).toEqual([["Item", ["MSFT_SIPRoutingTableData", "EndpointReference"]]]);
  });
});

describe("faults", () => {
  it("selectors: Backend is required, unknown names are unexpected; an unknown instance or class is DestinationUnreachable", async () => {
    expect(faultOf(await get(ROUTE, { InstanceID: gwId }))).toMatchObject({ code: "s:Sender", subcode: "wsman:InvalidSelectors", detail: expect.stringMatching(/InsufficientSelectors$/), wsmanCode: 0x8033805a });
    expect(faultOf(await get(ROUTE, { Backend: BACKEND, InstanceID: gwId, Color: "red" }))).toMatchObject({ subcode: "wsman:InvalidSelectors", detail: expect.stringMatching(/UnexpectedSelectors$/) });
    expect(faultOf(await get(ROUTE, { Backend: "sql02.lab.example.com\\rtc", InstanceID: gwId }))).toMatchObject({ subcode: "wsa:DestinationUnreachable", detail: expect.stringMatching(/ResourceNotFound$/), wsmanCode: 0x80338000 });
    expect(faultOf(await get(`${WMI}Win32_NoSuchClass`, { Name: "x" }))).toMatchObject({ subcode: "wsa:DestinationUnreachable", detail: expect.stringMatching(/ResourceNotFound$/) });
    expect(faultOf(await get("http://example.com/not-a-resource", { Name: "x" }))).toMatchObject({ subcode: "wsa:DestinationUnreachable", detail: expect.stringMatching(/InvalidResourceURI$/), wsmanCode: 0x8033803b });
    const dup = envelope({ action: `${T}Get`, resourceUri: ROUTE, selectors: { Backend: BACKEND, InstanceID: gwId } }).replace("</wsman:SelectorSet>", `<wsman:Selector Name="backend">x</wsman:Selector></wsman:SelectorSet>`);
    expect(faultOf(await post(dup)).detail).toMatch(/DuplicateSelectors$/);
  });

  it("a logged-in account that is not an OCS administrator: wsman:AccessDenied, code 5", async () => {
    const r = await get(ROUTE, { Backend: BACKEND, InstanceID: gwId }, HELPDESK);
    expect(r.status).toBe(500);
    expect(faultOf(r)).toMatchObject({ code: "s:Sender", subcode: "wsman:AccessDenied", wsmanCode: 5, message: "Access is denied." });
    const e = await enumerateAll(ROUTE);
    expect(e.items.length).toBeGreaterThan(0);
    const denied = await post(envelope({ action: `${E}Enumerate`, resourceUri: ROUTE, body: "<wsen:Enumerate/>" }), { auth: HELPDESK });
    expect(faultOf(denied).subcode).toBe("wsman:AccessDenied");
  });

  it("headers: an unknown action, a missing ReplyTo, an unknown mustUnderstand header, SOAP 1.1", async () => {
    expect(faultOf(await post(envelope({ action: `${T}Rename`, resourceUri: ROUTE })))).toMatchObject({ subcode: "wsa:ActionNotSupported", wsmanCode: 0x80338013 });
    expect(faultOf(await post(envelope({ action: `${T}Get`, resourceUri: ROUTE, replyTo: false })))).toMatchObject({ subcode: "wsa:MessageInformationHeaderRequired" });
    expect(faultOf(await post(envelope({ action: `${T}Get`, resourceUri: ROUTE, extraHeaders: `<x:Odd xmlns:x="urn:x" s:mustUnderstand="true"/>` })))).toMatchObject({ code: "s:MustUnderstand" });
    const soap11 = await post(`<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body/></e:Envelope>`);
    expect(faultOf(soap11).code).toBe("s:VersionMismatch");
    expect(faultOf(await post("<not xml"))).toMatchObject({ subcode: "wsman:SchemaValidationError" });
  });

  it("Create / Delete refused as on Windows Server 2008 when cimCreateDelete is false", async () => {
    const w2008 = await startOcsWinRm({ port: 0, https: false, users: { [ADMIN.user]: ADMIN.password }, cimCreateDelete: false, seed: { pools: [{ fqdn: "pool01.lab.example.com", backend: BACKEND }] } });
    try {
      expect(w2008.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/wsman$/);
      const id = w2008.state().routes[0]!.InstanceID;
      const del = await post(envelope({ action: `${T}Delete`, resourceUri: ROUTE, selectors: { Backend: BACKEND, InstanceID: id } }), { url: w2008.url });
      expect(faultOf(del).subcode).toBe("wsa:ActionNotSupported");
      expect((await post(envelope({ action: `${T}Get`, resourceUri: ROUTE, selectors: { Backend: BACKEND, InstanceID: id } }), { url: w2008.url })).status).toBe(200);
      expect(w2008.state().routes).toHaveLength(1);
    } finally {
      await w2008.stop();
    }
  });
});

describe("fault injection", () => {
  const put = (port: string) => post(envelope({ action: `${T}Put`, resourceUri: ROUTE, selectors: { Backend: BACKEND, InstanceID: gwId }, body: routeBody({ NextHopPort: port }) }));

  it("dropNext before: nothing happens; after: the change is committed and the answer lost", async () => {
    w.dropNext("before", "Put");
    await expect(put("5071")).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(w.state().routes[0]!.NextHopPort).toBe(5060);
    w.dropNext("after", "Put");
    await expect(put("5072")).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(w.state().routes[0]!.NextHopPort).toBe(5072);
    expect(w.requests.slice(-2).map((r) => [r.action, r.dropped])).toEqual([
      ["Put", "before"],
      ["Put", "after"],
    ]);
    expect((await put("5060")).status).toBe(200);
  });

  it("throttling: wsman:QuotaLimit once; latency past OperationTimeout: wsman:TimedOut and nothing done", async () => {
    w.throttleNext("Get");
    expect(faultOf(await get(ROUTE, { Backend: BACKEND, InstanceID: gwId }))).toMatchObject({ subcode: "wsman:QuotaLimit", wsmanCode: 0x8033803f });
    expect((await get(ROUTE, { Backend: BACKEND, InstanceID: gwId })).status).toBe(200);
    w.setLatency(400, "Put");
    const slow = await post(envelope({ action: `${T}Put`, resourceUri: ROUTE, selectors: { Backend: BACKEND, InstanceID: gwId }, body: routeBody({ NextHopPort: "5099" }), timeout: "PT0.200S" }));
    expect(faultOf(slow)).toMatchObject({ code: "s:Receiver", subcode: "wsman:TimedOut" });
    expect(w.state().routes[0]!.NextHopPort).toBe(5060);
    const t0 = Date.now();
    expect((await get(ROUTE, { Backend: BACKEND, InstanceID: gwId })).status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(300);
    w.setLatency(0);
  });

  it("maxConcurrentOperationsPerUser: the operation past the quota gets wsman:QuotaLimit", async () => {
    const q = await startOcsWinRm({ port: 0, https: false, users: { [ADMIN.user]: ADMIN.password }, maxConcurrentOperationsPerUser: 1, latencyMs: 200, seed: { pools: [{ fqdn: "pool01.lab.example.com", backend: BACKEND }] } });
    try {
      const e = envelope({ action: `${E}Enumerate`, resourceUri: ROUTE, body: "<wsen:Enumerate/>" });
      const [a, b] = await Promise.all([post(e, { url: q.url }), post(e, { url: q.url })]);
      expect([a.status, b.status].sort()).toEqual([200, 500]);
      expect(faultOf(a.status === 500 ? a : b).subcode).toBe("wsman:QuotaLimit");
    } finally {
      await q.stop();
    }
  });
});

describe("NTLM (curl as the client)", () => {
  /** curl runs as a child process (the server lives in this process: never block it). */
  const curl = (args: string[], body: string): Promise<{ status: number; body: string; stderr: string; stdout: string }> => {
    const file = path.join(tmp, `req-${randomUUID()}.xml`);
    fs.writeFileSync(file, body);
    const caFile = path.join(tmp, "ca", "ca.pem");
    return new Promise((resolve, reject) => {
      execFile("curl", ["-sS", "--cacert", caFile, "-H", "Content-Type: application/soap+xml;charset=UTF-8", "--data-binary", `@${file}`, "-w", "\n%{http_code}", ...args], { encoding: "utf8", timeout: 30_000 }, (err, stdout, stderr) => {
        if (err && !stdout) return reject(err);
        const lines = stdout.split("\n");
        resolve({ status: Number(lines.at(-1)), body: lines.slice(0, -1).join("\n"), stderr, stdout });
      });
    });
  };

  it("verifies NTLMv2 for DOMAIN\\user and user accounts; a wrong password is 401; the connection stays authenticated", async () => {
    const get1 = envelope({ action: `${T}Get`, resourceUri: ROUTE, selectors: { Backend: BACKEND, InstanceID: gwId } });
    const before = w.requests.length;
    const ok = await curl(["--ntlm", "-u", `${ADMIN.user}:${ADMIN.password}`, w.url], get1);
    expect(ok.stderr).toBe("");
    expect(ok.status).toBe(200);
    expect(ok.body).toContain("<p:MatchURI>gw01.lab.example.com</p:MatchURI>");
    const log = w.requests.slice(before);
    expect(log.map((r) => [r.status, r.auth ?? r.authError])).toEqual([
      [401, "NTLM: challenge sent"],
      [200, "NTLM"],
    ]);
    expect(log[1]!.user).toBe(ADMIN.user);
    expect((await curl(["--ntlm", "-u", `${PLAIN.user}:${PLAIN.password}`, w.url], get1)).status).toBe(200);
    const bad = await curl(["--ntlm", "-u", `${ADMIN.user}:wrong-password`, w.url], get1);
    expect(bad.status).toBe(401);
    expect(w.requests.at(-1)!.authError).toMatch(/NTLMv2 response does not match/);
    // Two requests on one connection: the second rides on the first's authentication.
    const second = path.join(tmp, "second.xml");
    fs.writeFileSync(second, envelope({ action: `${T}Get`, resourceUri: HOST, selectors: { Backend: BACKEND, InstanceID: w.state().hosts[0]!.InstanceID } }));
    const n = w.requests.length;
    const two = await curl(["--ntlm", "-u", `${PLAIN.user}:${PLAIN.password}`, w.url, "--next", "--ntlm", "-u", `${PLAIN.user}:${PLAIN.password}`, "--cacert", path.join(tmp, "ca", "ca.pem"), "-H", "Content-Type: application/soap+xml;charset=UTF-8", "--data-binary", `@${second}`, w.url], get1);
    expect(two.stdout).toContain("<p:MatchURI>gw01.lab.example.com</p:MatchURI>");
    expect(two.stdout).toContain("<p:Server>192.0.2.10</p:Server>");
    expect(w.requests.slice(n).map((r) => [r.status, r.auth ?? r.authError])).toEqual([
      [401, "NTLM: challenge sent"],
      [200, "NTLM"],
      [200, "connection"],
    ]);
  });
});

/**
 * Debian's wsl ("Wsman Shell Command Line", Dell's bash client: curl with Basic auth, xmllint)
 * against the endpoint over HTTPS, trusting the lab CA through the `<endpoint>.crt` file wsl reads.
 * wsl reads response lines with `read` (no -r), which eats backslashes: this pool's back end is a
 * default SQL instance ("computername" without "\instancename", which OCS also allows for
 * Enterprise Edition), so its selectors survive wsl's round trip.
 */
const WSL_TOOLS = ["wsl", "curl", "xmllint", "uuidgen"];
const missingTools = WSL_TOOLS.filter((t) => !(process.env.PATH ?? "").split(":").some((d) => fs.existsSync(path.join(d, t))));
if (missingTools.length && process.env.CI) throw new Error(`wsl test needs ${missingTools.join(", ")} (Debian packages wsl, curl, libxml2-utils, uuid-runtime)`);

describe.skipIf(missingTools.length > 0)("wsl (Dell's WS-Management shell client)", () => {
  const WSL_BACKEND = "sql01.lab.example.com";
  const user = { user: "wsladmin", password: "Wsl-Pa55word" };
  let s: OcsWinRm;
  let work: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    s = await startOcsWinRm({
      port: 0,
      caDir: path.join(tmp, "ca"),
      users: { [user.user]: user.password },
      seed: {
        pools: [{ fqdn: "pool01.lab.example.com", backend: WSL_BACKEND }],
        routes: [
          { MatchURI: "gw01.lab.example.com", NextHop: "192.0.2.10", NextHopPort: 5060, NextHopTransport: "TCP", ReplaceHostInRequestURI: false, Enabled: true },
          { MatchURI: "gw02.lab.example.com", NextHop: "192.0.2.11", NextHopPort: 5061, NextHopTransport: "TLS", ReplaceHostInRequestURI: true, Enabled: true },
        ],
      },
    });
    work = fs.mkdtempSync(path.join(tmp, "wsl-"));
    const home = path.join(work, "home");
    fs.mkdirSync(home);
    const endpoint = `127.0.0.1:${s.port}`;
    fs.writeFileSync(path.join(work, `${endpoint}.crt`), s.caPem);
    env = { PATH: process.env.PATH, HOME: home, SHELL: "/bin/bash", WSENDPOINT: endpoint, WSUSER: user.user, WSPASS: user.password, KEEPHISTORY: "0", WSAUTOMATED: "1", OUTLEVEL: "1" };
  });
  afterAll(async () => {
    await s?.stop();
  });

  const wsl = (...args: string[]): Promise<{ code: number; stdout: string; response: string }> =>
    new Promise((resolve) => {
      execFile("wsl", args, { cwd: work, env, encoding: "utf8", timeout: 60_000 }, (err, stdout) => {
        const file = path.join(work, "response.xml");
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, response: fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "" });
      });
    });

  it("identifies, enumerates with a WQL filter and with Pull, gets, puts a changed route and reads it back", async () => {
    const id = await wsl("identify", "check");
    expect(id.code).toBe(0);
    expect(id.response).toContain("<wsmid:ProductVendor>Microsoft Corporation</wsmid:ProductVendor>");

    const filtered = await wsl("enum", ROUTE, "-dialect", WQL, "-filter", "SELECT * FROM MSFT_SIPRoutingTableData WHERE MatchURI = 'GW02.lab.example.com'");
    expect(filtered.code).toBe(0);
    expect(filtered.response).toContain("<p:MatchURI>gw02.lab.example.com</p:MatchURI>");
    expect(filtered.response).not.toContain("gw01");

    const paged = await wsl("enum", ROUTE, "-opti", "1");
    expect(paged.code).toBe(0);
    expect(paged.stdout).toContain("<p:MatchURI>gw01.lab.example.com</p:MatchURI>");
    expect(paged.stdout).toContain("<p:MatchURI>gw02.lab.example.com</p:MatchURI>");
    expect(s.requests.filter((r) => r.action === "Pull").length).toBeGreaterThan(0);

    const gwId = s.state().routes[0]!.InstanceID;
    const got = await wsl("get", ROUTE, `Backend=${WSL_BACKEND}`, `InstanceID=${gwId}`);
    expect(got.code).toBe(0);
    expect(got.response).toContain("<p:NextHopPort>5060</p:NextHopPort>");

    // wsl put enumerates (EnumerateObjectAndEPR), takes the first instance and its EPR, and Puts it
    // back with the property changed. (Its exit status looks for "_OUTPUT", an invoke answer: 1.)
    const put = await wsl("put", ROUTE, "NextHopPort=5070");
    expect(put.response).toContain("http://schemas.xmlsoap.org/ws/2004/09/transfer/PutResponse");
    expect(put.response).toContain("<p:NextHopPort>5070</p:NextHopPort>");
    expect(s.requests.at(-1)).toMatchObject({ action: "Put", status: 200, auth: "Basic", user: user.user, selectors: { Backend: WSL_BACKEND, InstanceID: gwId } });
    expect(s.state().routes.map((r) => [r.MatchURI, r.NextHopPort])).toEqual([
      ["gw01.lab.example.com", 5070],
      ["gw02.lab.example.com", 5061],
    ]);
    const back = await wsl("get", ROUTE, `Backend=${WSL_BACKEND}`, `InstanceID=${gwId}`);
    expect(back.response).toContain("<p:NextHopPort>5070</p:NextHopPort>");
    expect(back.response).toContain("<p:NextHop>192.0.2.10</p:NextHop>");
  });
});

describe("NTLM inside SPNEGO (a GSS-API Negotiate token built here byte by byte)", () => {
  const der = (tag: number, v: Buffer): Buffer => {
    const n = v.length;
    const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
    return Buffer.concat([Buffer.from([tag]), len, v]);
  };
  const NTLM_OID = Buffer.from("060a2b0601040182370202 0a".replace(/ /g, ""), "hex");
  const SPNEGO_OID = Buffer.from("06062b0601050502", "hex");

  it("MD4 matches RFC 1320's test vectors", () => {
    expect(md4(Buffer.from("")).toString("hex")).toBe("31d6cfe0d16ae931b73c59d7e0c089c0");
    expect(md4(Buffer.from("abc")).toString("hex")).toBe("a448017aaf21d8525fc10ae87aa6729d");
    expect(md4(Buffer.from("12345678901234567890123456789012345678901234567890123456789012345678901234567890")).toString("hex")).toBe("e33b4ddc9c38f2199c3e7b164fcc0536");
  });

  it("NegTokenInit(NTLM NEGOTIATE) → 401 NegTokenResp(CHALLENGE); NegTokenResp(AUTHENTICATE, NTLMv2) → 200 accept-completed", async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    const xml = envelope({ action: `${T}Get`, resourceUri: ROUTE, selectors: { Backend: BACKEND, InstanceID: gwId } });
    const flags = 0x00000001 | 0x00000004 | 0x00000200 | 0x00008000 | 0x00080000;
    const type1 = Buffer.alloc(32);
    type1.write("NTLMSSP\0", 0, "latin1");
    type1.writeUInt32LE(1, 8);
    type1.writeUInt32LE(flags, 12);
    const init = der(0x60, Buffer.concat([SPNEGO_OID, der(0xa0, der(0x30, Buffer.concat([der(0xa0, der(0x30, NTLM_OID)), der(0xa2, der(0x04, type1))])))]));
    const r1 = await post(xml, { auth: null, agent, headers: { Authorization: `Negotiate ${init.toString("base64")}` } });
    expect(r1.status).toBe(401);
    const tok = Buffer.from(String(r1.headers["www-authenticate"]).replace(/^Negotiate /, ""), "base64");
    expect(tok[0]).toBe(0xa1);
    const type2 = tok.subarray(tok.indexOf(Buffer.from("NTLMSSP\0", "latin1")));
    expect(type2.readUInt32LE(8)).toBe(2);
    const serverChallenge = type2.subarray(24, 32);
    const tiLen = type2.readUInt16LE(40);
    const targetInfo = type2.subarray(type2.readUInt32LE(44), type2.readUInt32LE(44) + tiLen);

    const [domain, user] = ["LAB", "rcclab-ocs"];
    const key = createHmac("md5", md4(Buffer.from(ADMIN.password, "utf16le"))).update(Buffer.from(user.toUpperCase() + domain, "utf16le")).digest();
    const time = Buffer.alloc(8);
    time.writeBigUInt64LE((BigInt(Date.now()) + 11644473600000n) * 10000n);
    const temp = Buffer.concat([Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]), time, randomBytes(8), Buffer.alloc(4), targetInfo, Buffer.alloc(4)]);
    const nt = Buffer.concat([createHmac("md5", key).update(Buffer.concat([serverChallenge, temp])).digest(), temp]);
    const fields: Buffer[] = [Buffer.alloc(24), nt, Buffer.from(domain, "utf16le"), Buffer.from(user, "utf16le"), Buffer.from("TESTWS", "utf16le"), Buffer.alloc(0)];
    const head = Buffer.alloc(64);
    head.write("NTLMSSP\0", 0, "latin1");
    head.writeUInt32LE(3, 8);
    let off = 64;
    fields.forEach((f, i) => {
      head.writeUInt16LE(f.length, 12 + i * 8);
      head.writeUInt16LE(f.length, 14 + i * 8);
      head.writeUInt32LE(off, 16 + i * 8);
      off += f.length;
    });
    head.writeUInt32LE(flags, 60);
    const type3 = Buffer.concat([head, ...fields]);
    const resp = der(0xa1, der(0x30, der(0xa2, der(0x04, type3))));
    const r2 = await post(xml, { auth: null, agent, headers: { Authorization: `Negotiate ${resp.toString("base64")}` } });
    expect(r2.status).toBe(200);
    expect(Buffer.from(String(r2.headers["www-authenticate"]).replace(/^Negotiate /, ""), "base64").toString("hex")).toBe("a1073005a0030a0100");
    expect(w.requests.at(-1)).toMatchObject({ status: 200, auth: "Negotiate", user: ADMIN.user });
    // The connection stays authenticated.
    expect((await post(xml, { auth: null, agent })).status).toBe(200);
    expect(w.requests.at(-1)).toMatchObject({ status: 200, auth: "connection" });
    agent.destroy();
  });
});
