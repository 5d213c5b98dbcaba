/**
 * The WinRM transport's pure parts: request envelopes (DSP0226 / MS-WSMV), WQL literals, response
 * parsing (optimized Enumerate, Pull, Get, ResourceCreated), fault mapping to typed errors, the
 * tolerant Backend comparison and the connection schema. The sample answers are written from the
 * specifications (and the shape Windows is documented to answer), not taken from a simulator.
 */
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { RcclabError } from "../providers/core/errors";
import { ocsConnectionSchema } from "../providers/ocs/connection";
import { WMI_CLASSES, type ErrorFactory, sameBackend } from "../providers/ocs/transport";
import { typedRow } from "../providers/ocs/winrm";
import { ACTION, enumerateBody, envelope, instanceBody, pullBody, releaseBody, wmiResourceUri, wqlSelect, wqlString, xmlText } from "../providers/ocs/wsman/envelope";
import { faultError } from "../providers/ocs/wsman/faults";
import { challengeToken, offeredSchemes, splitAccount } from "../providers/ocs/wsman/http";
import { bodyInstance, createdSelectors, enumerationBatch, soapBody, soapFault } from "../providers/ocs/wsman/parse";

const ROUTE_URI = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/MSFT_SIPRoutingTableData";
const error: ErrorFactory = (code, message, opts) => new RcclabError(code, message, opts);
const strict = new XMLParser({ ignoreAttributes: false, removeNSPrefix: false });

const ENV_OPEN =
  '<s:Envelope xml:lang="en-US" xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" ' +
  'xmlns:n="http://schemas.xmlsoap.org/ws/2004/09/enumeration" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:x="http://schemas.xmlsoap.org/ws/2004/09/transfer">' +
  "<s:Header><a:Action>ACTION</a:Action><a:MessageID>uuid:1</a:MessageID><a:RelatesTo>uuid:2</a:RelatesTo></s:Header><s:Body>";
const wrap = (action: string, body: string) => `${ENV_OPEN.replace("ACTION", action)}${body}</s:Body></s:Envelope>`;

const route = (id: string, backend: string, uri: string, extra = "") =>
  `<p:MSFT_SIPRoutingTableData xmlns:p="${ROUTE_URI}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
  `<p:Backend>${xmlText(backend)}</p:Backend><p:Enabled>true</p:Enabled><p:InstanceID>${id}</p:InstanceID><p:MatchURI>${uri}</p:MatchURI>` +
  `<p:NextHop>10.10.20.30</p:NextHop><p:NextHopPort>5060</p:NextHopPort><p:NextHopTransport>TCP</p:NextHopTransport>` +
  `<p:ReplaceHostInRequestURI>false</p:ReplaceHostInRequestURI>${extra}</p:MSFT_SIPRoutingTableData>`;

const fault = (subcode: string, code: number | undefined, reason: string, detail = "", inner = "") =>
  wrap(
    "http://schemas.xmlsoap.org/ws/2004/08/addressing/fault",
    `<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>${subcode}</s:Value></s:Subcode></s:Code>` +
      `<s:Reason><s:Text xml:lang="en-US">${reason}</s:Text></s:Reason><s:Detail>${detail}` +
      (code === undefined ? "" : `<f:WSManFault xmlns:f="http://schemas.microsoft.com/wbem/wsman/1/wsmanfault" Code="${code}" Machine="fe01.lab.example.com"><f:Message>${inner || reason}</f:Message></f:WSManFault>`) +
      `</s:Detail></s:Fault>`,
  );

describe("request envelopes", () => {
  it("Enumerate: SOAP 1.2 header with ResourceURI, anonymous ReplyTo, Action, limits; a WQL filter on Backend", () => {
    const wql = wqlSelect("MSFT_SIPRoutingTableData", { property: "Backend", value: "sql01.lab.example.com\\rtc" });
    expect(wql).toBe("SELECT * FROM MSFT_SIPRoutingTableData WHERE Backend = 'sql01.lab.example.com\\\\rtc'");
    const xml = envelope({ to: "https://fe01:5986/wsman", resourceUri: wmiResourceUri("MSFT_SIPRoutingTableData"), action: "enumerate", operationTimeoutMs: 60_000, messageId: "uuid:X" }, enumerateBody(wql));
    const doc = strict.parse(xml);
    const h = doc["s:Envelope"]["s:Header"];
    expect(doc["s:Envelope"]["@_xmlns:s"]).toBe("http://www.w3.org/2003/05/soap-envelope");
    expect(h["a:To"]).toBe("https://fe01:5986/wsman");
    expect(h["w:ResourceURI"]).toEqual({ "#text": ROUTE_URI, "@_s:mustUnderstand": "true" });
    expect(h["a:Action"]["#text"]).toBe(ACTION.enumerate);
    expect(h["a:ReplyTo"]["a:Address"]["#text"]).toBe("http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous");
    expect(h["w:MaxEnvelopeSize"]["#text"]).toBe(153600);
    expect(h["w:OperationTimeout"]).toBe("PT60.000S");
    expect(h["a:MessageID"]).toBe("uuid:X");
    expect(h["w:SelectorSet"]).toBeUndefined();
    const en = doc["s:Envelope"]["s:Body"]["n:Enumerate"];
    expect(en["w:OptimizeEnumeration"]).toBe("");
    expect(en["w:Filter"]).toEqual({ "#text": wql, "@_Dialect": "http://schemas.microsoft.com/wbem/wsman/1/WQL" });
  });

  it("Put / Delete / Get name the instance by Backend and InstanceID selectors; Pull and Release carry the context", () => {
    const xml = envelope(
      { to: "https://fe01:5986/wsman", resourceUri: ROUTE_URI, action: "delete", operationTimeoutMs: 30_000, selectors: { Backend: "sql01\\rtc", InstanceID: "{A}" } },
      "",
    );
    const sel = strict.parse(xml)["s:Envelope"]["s:Header"]["w:SelectorSet"]["w:Selector"];
    expect(sel).toEqual([
      { "#text": "sql01\\rtc", "@_Name": "Backend" },
      { "#text": "{A}", "@_Name": "InstanceID" },
    ]);
    expect(strict.parse(envelope({ to: "x", resourceUri: ROUTE_URI, action: "pull", operationTimeoutMs: 1000 }, pullBody("uuid:C<&>")))["s:Envelope"]["s:Body"]["n:Pull"]["n:EnumerationContext"]).toBe("uuid:C<&>");
    expect(releaseBody("uuid:C")).toBe("<n:Release><n:EnumerationContext>uuid:C</n:EnumerationContext></n:Release>");
  });

  it("an instance body: the class element in its resource namespace, one child per property, arrays repeated, null as xsi:nil", () => {
    const body = instanceBody("MSFT_SIPRoutingTableData", ROUTE_URI, { Backend: "a\\b", Enabled: true, NextHopPort: 5060, TLSCertIssuer: [1, 2], TLSCertSN: null, MatchURI: "x<y" });
    const el = strict.parse(body)["c:MSFT_SIPRoutingTableData"];
    expect(el["@_xmlns:c"]).toBe(ROUTE_URI);
    expect(el["c:Backend"]).toBe("a\\b");
    expect(el["c:Enabled"]).toBe(true);
    expect(el["c:TLSCertIssuer"]).toEqual([1, 2]);
    expect(el["c:TLSCertSN"]).toEqual({ "@_xsi:nil": "true" });
    expect(el["c:MatchURI"]).toBe("x<y");
    expect(() => instanceBody("MSFT_X", ROUTE_URI, { NextHopPort: -1 })).toThrow(/uint32/);
    expect(() => instanceBody("MSFT_X", ROUTE_URI, { "a b": "x" })).toThrow(/WMI name/);
    expect(() => xmlText("a\u0001b")).toThrow(/control character/);
  });

  it("WQL literals: backslashes doubled, quotes and anything else outside the set refused", () => {
    expect(wqlString("(local)\\rtc")).toBe("'(local)\\\\rtc'");
    for (const bad of ["x' OR '1'='1", 'x" OR 1=1', "a b", "a\nb", "é", "x%", "a;b"]) expect(() => wqlString(bad)).toThrow(/WQL literal/);
  });
});

describe("answers", () => {
  it("an optimized EnumerateResponse with items and a context, then a PullResponse that ends the sequence", () => {
    const first = enumerationBatch(
      soapBody(
        wrap(
          "http://schemas.xmlsoap.org/ws/2004/09/enumeration/EnumerateResponse",
          `<n:EnumerateResponse><n:EnumerationContext>uuid:CTX</n:EnumerationContext><w:Items>${route("{1}", "sql01\\rtc", "a.example.com")}${route("{2}", "sql01\\rtc", "b.example.com")}</w:Items></n:EnumerateResponse>`,
        ),
      ),
      "EnumerateResponse",
    );
    expect(first).toMatchObject({ context: "uuid:CTX", end: false });
    expect(first.items.map((i) => i.MatchURI)).toEqual(["a.example.com", "b.example.com"]);
    const last = enumerationBatch(
      soapBody(wrap("http://schemas.xmlsoap.org/ws/2004/09/enumeration/PullResponse", `<n:PullResponse><n:Items>${route("{3}", "SQL01\\RTC", "c.example.com", '<p:TLSCertSN xsi:nil="true"/><p:TLSCertIssuer>7</p:TLSCertIssuer><p:TLSCertIssuer>8</p:TLSCertIssuer>')}</n:Items><n:EndOfSequence/></n:PullResponse>`)),
      "PullResponse",
    );
    expect(last.end).toBe(true);
    expect(last.items[0]).toMatchObject({ InstanceID: "{3}", Backend: "SQL01\\RTC", TLSCertSN: null, TLSCertIssuer: ["7", "8"] });
    expect(typedRow(WMI_CLASSES.route, last.items[0]!)).toMatchObject({ Enabled: true, NextHopPort: 5060, ReplaceHostInRequestURI: false, TLSCertIssuer: [7, 8], TLSCertSN: null });
    // An empty enumeration: no items, the end at once.
    expect(enumerationBatch(soapBody(wrap("x", "<n:EnumerateResponse><n:EnumerationContext/><w:Items/><w:EndOfSequence/></n:EnumerateResponse>")), "EnumerateResponse")).toEqual({ items: [], end: true });
  });

  it("a Get answer is the instance; Create answers ResourceCreated with the new instance's selectors", () => {
    expect(bodyInstance(soapBody(wrap("x", route("{9}", "b", "m.example.com"))))).toMatchObject({ InstanceID: "{9}", MatchURI: "m.example.com" });
    // DSP0227's cim:Location (the instance's own EPR) is no property, and is never sent back.
    const located = bodyInstance(
      soapBody(wrap("x", route("{9}", "b", "m.example.com", '<cim:Location xmlns:cim="http://schemas.dmtf.org/wbem/wscim/1/common"><a:Address>x</a:Address><a:ReferenceParameters><w:ResourceURI>u</w:ResourceURI></a:ReferenceParameters></cim:Location>'))),
    )!;
    expect(Object.keys(located)).not.toContain("Location");
    const created = soapBody(
      wrap(
        "http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse",
        `<x:ResourceCreated><a:Address>https://fe01:5986/wsman</a:Address><a:ReferenceParameters><w:ResourceURI>${ROUTE_URI}</w:ResourceURI>` +
          `<w:SelectorSet><w:Selector Name="Backend">sql01\\rtc</w:Selector><w:Selector Name="InstanceID">{NEW}</w:Selector></w:SelectorSet></a:ReferenceParameters></x:ResourceCreated>`,
      ),
    );
    expect(createdSelectors(created)).toEqual({ Backend: "sql01\\rtc", InstanceID: "{NEW}" });
  });

  it("refuses a DTD and what is not a SOAP envelope", () => {
    expect(() => soapBody('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><s:Envelope/>')).toThrow(/DTD/);
    expect(() => soapBody("<html><body>IIS</body></html>")).toThrow(/SOAP envelope/);
  });
});

describe("faults → typed errors", () => {
  const map = (xml: string, action: "enumerate" | "get" | "put" | "create" | "delete" = "enumerate") =>
    faultError(soapFault(soapBody(xml))!, { action, what: "MSFT_SIPRoutingTableData on fe01:5986", host: "fe01" }, error);

  it("AccessDenied → Unauthorized; the WSManFault code is kept, the cause is plain data", () => {
    const e = map(fault("w:AccessDenied", 5, "Access is denied."));
    expect(e).toMatchObject({ code: "Unauthorized", systemCode: 5, retryable: false });
    expect(e.message).toMatch(/RTCUniversalServerAdmins/);
    expect(e.cause).toMatchObject({ subcode: "AccessDenied", wsmanCodes: [5] });
  });

  it("a WMI access denied inside a provider fault → Unauthorized", () => {
    const inner =
      '<f:ProviderFault provider="WMI Provider"><f:WSManFault xmlns:f="http://schemas.microsoft.com/wbem/wsman/1/wsmanfault" Code="2147749891"><f:Message>Access denied</f:Message></f:WSManFault></f:ProviderFault>';
    const e = map(fault("w:InternalError", 2147749891, "The WS-Management service cannot process the request.", "", inner));
    expect(e.code).toBe("Unauthorized");
  });

  it("InvalidSelectors → InvalidRequest; AlreadyExists → AlreadyExists; QuotaLimit → Throttled (retryable); TimedOut → Timeout", () => {
    expect(map(fault("w:InvalidSelectors", 2150858843, "invalid selectors", "<w:FaultDetail>http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/UnexpectedSelectors</w:FaultDetail>"), "get")).toMatchObject({
      code: "InvalidRequest",
      systemCode: 2150858843,
    });
    expect(map(fault("w:AlreadyExists", undefined, "exists"), "create")).toMatchObject({ code: "AlreadyExists", systemCode: "AlreadyExists" });
    expect(map(fault("w:QuotaLimit", undefined, "quota"))).toMatchObject({ code: "Throttled", retryable: true });
    expect(map(fault("w:TimedOut", undefined, "timed out"))).toMatchObject({ code: "Timeout", retryable: true });
  });

  it("DestinationUnreachable: on Enumerate the class is missing (VersionMismatch); with selectors the instance is gone (NotFound)", () => {
    const xml = fault(
      "a:DestinationUnreachable",
      2150858752,
      "The WS-Management service cannot process the request. The service cannot find the resource identified by the resource URI and selectors.",
      "<w:FaultDetail>http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/InvalidResourceURI</w:FaultDetail>",
    );
    const e = map(xml, "enumerate");
    expect(e.code).toBe("VersionMismatch");
    expect(e.message).toMatch(/OCS 2007 R2 WMI classes are not on this server/);
    expect(map(xml, "delete").code).toBe("NotFound");
    expect(map(xml, "put").code).toBe("NotFound");
  });

  it("ActionNotSupported on Create/Delete says which WinRM cannot, and what to do", () => {
    const e = map(fault("a:ActionNotSupported", 2150858771, "The action is not supported by the service."), "create");
    expect(e.code).toBe("VersionMismatch");
    expect(e.message).toMatch(/transport "ssh"/);
  });
});

describe("helpers", () => {
  it("Backend values compare tolerantly: case, short host vs FQDN, default instance, (local)", () => {
    expect(sameBackend("sql01.lab.example.com\\rtc", "SQL01.LAB.EXAMPLE.COM\\RTC")).toBe(true);
    expect(sameBackend("sql01\\rtc", "sql01.lab.example.com\\rtc")).toBe(true);
    expect(sameBackend("sql01.lab.example.com.\\rtc", "sql01\\RTC")).toBe(true);
    expect(sameBackend("sql01", "sql01.lab.example.com\\MSSQLSERVER")).toBe(true);
    expect(sameBackend("(local)\\rtc", ".\\rtc")).toBe(true);
    expect(sameBackend("sql01\\rtc", "sql02.lab.example.com\\rtc")).toBe(false);
    expect(sameBackend("sql01.lab.example.com\\rtc", "sql01.other.example.com\\rtc")).toBe(false);
    expect(sameBackend("sql01\\rtc", "sql01\\rtc2")).toBe(false);
  });

  it("NTLM helpers: accounts, challenges, offered schemes", () => {
    expect(splitAccount("LAB\\rcclab-ocs")).toEqual({ domain: "LAB", user: "rcclab-ocs" });
    expect(splitAccount("rcclab@lab.example.com")).toEqual({ domain: "", user: "rcclab@lab.example.com" });
    expect(challengeToken(["Negotiate TlRMTVNTUAACAAAA", 'Basic realm="WSMAN"'])).toBe("TlRMTVNTUAACAAAA");
    expect(challengeToken('Basic realm="WSMAN", Negotiate')).toBeUndefined();
    expect(offeredSchemes(["Negotiate", 'Basic realm="WSMAN"'])).toEqual(["Negotiate", "Basic"]);
  });
});

describe("the connection", () => {
  const base = { host: "fe01.lab.example.com", username: "LAB\\rcclab-ocs", password: "p" };
  const issues = (c: object) => ocsConnectionSchema.safeParse(c).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];

  it("WinRM by default: HTTPS 5986, NTLM; ssh keeps port 22", () => {
    expect(ocsConnectionSchema.parse(base)).toMatchObject({ transport: "winrm", port: 5986 });
    expect(ocsConnectionSchema.parse({ ...base, https: false, allowHttp: true })).toMatchObject({ port: 5985 });
    expect(ocsConnectionSchema.parse({ ...base, transport: "ssh" })).toMatchObject({ transport: "ssh", port: 22 });
    expect(ocsConnectionSchema.parse({ ...base, port: 443, tls: { fingerprint256: "ab".repeat(32).replace(/(..)(?!$)/g, "$1:") } }).port).toBe(443);
  });

  it("plain HTTP only when allowed; Basic over it only when that is allowed too; each transport's own fields", () => {
    expect(issues({ ...base, https: false })).toEqual([expect.stringMatching(/^https: plain HTTP .*allowHttp: true/)]);
    expect(issues({ ...base, https: false, allowHttp: true, auth: "basic" })).toEqual([expect.stringMatching(/^auth: Basic over plain HTTP .*allowBasicOverHttp/)]);
    expect(issues({ ...base, https: false, allowHttp: true, auth: "basic", allowBasicOverHttp: true })).toEqual([]);
    expect(issues({ ...base, hostKeySha256: `SHA256:${"A".repeat(43)}` })).toEqual([expect.stringMatching(/^hostKeySha256: is an SSH setting/)]);
    expect(issues({ ...base, transport: "ssh", auth: "ntlm", tls: {} })).toEqual([
      expect.stringMatching(/^auth: is a WinRM setting/),
      expect.stringMatching(/^tls: is a WinRM setting/),
    ]);
    expect(issues({ ...base, backend: "sql01'; DROP" })).toEqual([expect.stringMatching(/^backend: /)]);
    expect(issues({ ...base, transport: "telnet" })).toEqual([expect.stringMatching(/^transport: /)]);
  });
});
