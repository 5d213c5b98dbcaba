/**
 * The embedded CUCM AXL simulator, over real HTTPS verified against the lab CA it wrote: auth and
 * session cookies, CUCM's fault shapes, schema enforcement, references, product rules, throttling,
 * fault injection, persistence, both AXL families, and SQL. Envelopes are built by hand here, plus
 * one pass with rcclab's own release adapters (whose requests are validated against Cisco's schema).
 */
import * as fs from "node:fs";
import { type Reply, httpsText } from "./support/https";
import * as os from "node:os";
import * as path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adapterFor } from "../providers/cucm/axl/adapters";
import { type AxlRelease, type AxlRequest, axlNamespace } from "../providers/cucm/axl/model";
import { envelope as adapterEnvelope } from "../providers/cucm/axl/wsdl";
import { ensureLabCa, issueServerCert, sha256Fingerprint } from "../src/labsim/ca";
import { type CucmSim, type CucmSimOptions, DEFAULT_PASSWORD, DEFAULT_USER, seededDb, startCucmSim } from "../src/labsim/cucm";
import { validateAxlRequests } from "./support/axl-schema";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-labsim-"));
const caDir = path.join(tmp, "ca");
const sims: CucmSim[] = [];

async function sim(opts: CucmSimOptions = {}): Promise<CucmSim> {
  const s = await startCucmSim({ caDir, ...opts });
  sims.push(s);
  return s;
}
afterAll(async () => {
  await Promise.all(sims.map((s) => s.stop()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

// --- HTTP and SOAP helpers ------------------------------------------------------------------------

interface PostOpts {
  auth?: string | null;
  cookie?: string;
  soapAction?: string | null;
  contentType?: string;
  method?: string;
  path?: string;
  ca?: string | null;
}

const basic = (user = DEFAULT_USER, password = DEFAULT_PASSWORD): string => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

function request(s: CucmSim, body: string, o: PostOpts = {}): Promise<Reply> {
  const headers: Record<string, string> = { "Content-Type": o.contentType ?? "text/xml; charset=utf-8" };
  if (o.auth !== null) headers.Authorization = o.auth ?? basic();
  if (o.cookie) headers.Cookie = o.cookie;
  if (o.soapAction !== null && o.soapAction !== undefined) headers.SOAPAction = o.soapAction;
  return httpsText(
    { host: "127.0.0.1", port: s.port, path: o.path ?? "/axl/", method: o.method ?? "POST", headers, ...(o.ca === null ? {} : { ca: o.ca ?? s.caPem }) },
    body,
  );
}

const envelopeOf = (release: AxlRelease, op: string, inner: string, prefix = "ns"): string =>
  `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:${prefix}="${axlNamespace(release)}">` +
  `<soapenv:Header/><soapenv:Body><${prefix}:${op}>${inner}</${prefix}:${op}></soapenv:Body></soapenv:Envelope>`;

/** One AXL call with a hand-built body and the right SOAPAction. */
function axl(s: CucmSim, op: string, inner: string, o: PostOpts = {}): Promise<Reply> {
  return request(s, envelopeOf(s.release, op, inner), { soapAction: `"CUCM:DB ver=${s.release} ${op}"`, ...o });
}

/** Repeated elements always as arrays (lines/line, associatedDevices/device, ...). */
const LISTS = /(^|\.)(return\.row|lines\.line|associatedDevices\.device|associatedGroups\.userGroup|destinations\.destination)$/;
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", parseTagValue: false, isArray: (_n, jpath) => LISTS.test(String(jpath)) });
type Obj = Record<string, any>;
const parse = (xml: string): Obj => parser.parse(xml) as Obj;
const bodyOf = (r: Reply): Obj => parse(r.text)["soapenv:Envelope"]["soapenv:Body"];
const returnOf = (r: Reply, op: string): any => {
  expect(r.status, r.text).toBe(200);
  return bodyOf(r)[`ns:${op}Response`].return;
};
const faultOf = (r: Reply): Obj => {
  expect(r.status, r.text).toBe(500);
  return bodyOf(r)["soapenv:Fault"];
};
/**
 * The AXL error of a fault, in either release's shape (7.0: detail/axl:Error {axl:code, axl:message,
 * request}; 8.x+: detail/axlError {axlcode, axlmessage, request}), normalized to the 8.x+ names.
 */
const axlErrorOf = (r: Reply): { axlcode: string; axlmessage: string; request: string; faultcode: string } => {
  const f = faultOf(r);
  const e7 = f.detail?.["axl:Error"];
  if (e7 !== undefined) {
    expect(f.detail.axlError).toBeUndefined();
    return { axlcode: e7["axl:code"], axlmessage: e7["axl:message"], request: e7.request, faultcode: f.faultcode };
  }
  return { ...f.detail.axlError, faultcode: f.faultcode };
};
const UUID = /^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/;

// --- request bodies (12.x) ------------------------------------------------------------------------

const line12 = (pattern: string, partition = "") =>
  `<line><pattern>${pattern}</pattern><description>DN ${pattern}</description><usage>Device</usage>` +
  (partition ? `<routePartitionName>${partition}</routePartitionName>` : "") +
  `</line>`;

interface Phone12 {
  name: string;
  product?: string;
  protocol?: string;
  devicePool?: string;
  security?: string;
  template?: string;
  sipProfile?: string;
  lines?: string[];
  owner?: string;
}
function phone12(p: Phone12): string {
  const product = p.product ?? "Cisco 7975";
  const protocol = p.protocol ?? "SCCP";
  const model = product.replace("Cisco ", "");
  const lines = (p.lines ?? [])
    .map((dn, i) => `<line><index>${i + 1}</index><label>L${i + 1}</label><dirn><pattern>${dn}</pattern><routePartitionName/></dirn><maxNumCalls>2</maxNumCalls><busyTrigger>1</busyTrigger></line>`)
    .join("");
  return (
    `<phone><name>${p.name}</name><description>Phone ${p.name}</description><product>${product}</product><class>Phone</class>` +
    `<protocol>${protocol}</protocol><protocolSide>User</protocolSide><devicePoolName>${p.devicePool ?? "Default"}</devicePoolName>` +
    `<commonPhoneConfigName>Standard Common Phone Profile</commonPhoneConfigName><locationName>Hub_None</locationName>` +
    `<useTrustedRelayPoint>Default</useTrustedRelayPoint>` +
    `<securityProfileName>${p.security ?? `${product} - Standard ${protocol} Non-Secure Profile`}</securityProfileName>` +
    (p.sipProfile ? `<sipProfileName>${p.sipProfile}</sipProfileName>` : "") +
    (lines ? `<lines>${lines}</lines>` : "") +
    `<phoneTemplateName>${p.template ?? `Standard ${model} ${protocol}`}</phoneTemplateName><primaryPhoneName/>` +
    `<builtInBridgeStatus>Default</builtInBridgeStatus>` +
    (p.owner ? `<ownerUserName>${p.owner}</ownerUserName>` : "") +
    `<packetCaptureMode>None</packetCaptureMode><certificateOperation>No Pending Operation</certificateOperation>` +
    `<deviceMobilityMode>Default</deviceMobilityMode></phone>`
  );
}

// ---------------------------------------------------------------------------------------------------

describe("lab CA", () => {
  it("is created once, reused from its folder, and signs server certificates with SANs", () => {
    const dir = path.join(tmp, "ca-unit");
    const a = ensureLabCa(dir);
    const b = ensureLabCa(dir);
    expect(b.caPem).toBe(a.caPem);
    expect(fs.existsSync(path.join(dir, "ca.pem"))).toBe(true);
    const leaf = issueServerCert(a, ["cucm.lab.example.com", "10.1.2.3"], { dir, baseName: "t" });
    expect(issueServerCert(a, ["cucm.lab.example.com", "10.1.2.3"], { dir, baseName: "t" }).certPem).toBe(leaf.certPem);
    const x = new (require("node:crypto").X509Certificate)(leaf.certPem);
    expect(x.subjectAltName).toContain("DNS:localhost");
    expect(x.subjectAltName).toContain("DNS:cucm.lab.example.com");
    expect(x.subjectAltName).toContain("IP Address:127.0.0.1");
    expect(x.subjectAltName).toContain("IP Address:10.1.2.3");
    expect(x.checkIssued(new (require("node:crypto").X509Certificate)(a.caPem))).toBe(true);
    expect(sha256Fingerprint(a.caPem)).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });
});

describe.each(["14.0", "7.0"] as AxlRelease[])("CUCM %s: HTTP, auth and TLS", (release) => {
  let s: CucmSim;
  beforeAll(async () => {
    s = await sim({ release, users: { [DEFAULT_USER]: DEFAULT_PASSWORD, readonly: { password: "pw", axlAccess: false } } });
  });

  it("serves TLS that verifies against the written ca.pem only", async () => {
    expect(fs.readFileSync(path.join(caDir, "ca.pem"), "utf8")).toBe(s.caPem);
    expect(s.url).toBe(`https://127.0.0.1:${s.port}/axl/`);
    await expect(axl(s, "getCCMVersion", "", { ca: null })).rejects.toThrow(/self-signed|unable to verify|certificate/i);
    expect((await axl(s, "getCCMVersion", "")).status).toBe(200);
  });

  it("answers 401 with WWW-Authenticate for missing or wrong credentials, 403 without the AXL role", async () => {
    for (const auth of [null, basic(DEFAULT_USER, "wrong"), basic("nobody", "x")]) {
      const r = await axl(s, "getCCMVersion", "", { auth });
      expect(r.status).toBe(401);
      expect(r.headers["www-authenticate"]).toMatch(/^Basic realm=/);
    }
    expect((await axl(s, "getCCMVersion", "", { auth: basic("readonly", "pw") })).status).toBe(403);
  });

  it("issues a session cookie and accepts it without credentials until the session ends", async () => {
    const first = await axl(s, "getCCMVersion", "");
    const setCookie = first.headers["set-cookie"] as string[];
    expect(setCookie.some((c) => /^JSESSIONIDSSO=[0-9A-F]{32}; Path=\/; Secure; HttpOnly$/.test(c))).toBe(true);
    const cookie = setCookie.map((c) => c.split(";")[0]).join("; ");
    const again = await axl(s, "getCCMVersion", "", { auth: null, cookie });
    expect(again.status).toBe(200);
    expect(again.headers["set-cookie"]).toBeUndefined();
    s.expireSessions();
    expect((await axl(s, "getCCMVersion", "", { auth: null, cookie })).status).toBe(401);
  });

  it("serves /axl/ only, POST text/xml only", async () => {
    expect((await request(s, "", { method: "GET" })).text).toMatch(/AXL Web Service is working/);
    expect((await request(s, "", { method: "PUT" })).status).toBe(405);
    expect((await request(s, envelopeOf(release, "getCCMVersion", ""), { path: "/axl" })).status).toBe(404);
    expect((await axl(s, "getCCMVersion", "", { contentType: "application/json" })).status).toBe(415);
  });

  it("reports its version in the release's shape, under the ns prefix", async () => {
    const r = await axl(s, "getCCMVersion", "");
    expect(r.text).toContain(`<ns:getCCMVersionResponse xmlns:ns="${axlNamespace(release)}">`);
    expect(returnOf(r, "getCCMVersion").componentVersion.version).toBe(release === "7.0" ? "7.0.2.20000-5" : "14.0.1.11900-132");
    expect(s.version.startsWith(release)).toBe(true);
  });

  it("answers a version it does not serve (SOAPAction or namespace) with HTTP 599, listing what it serves", async () => {
    const other: AxlRelease = release === "7.0" ? "14.0" : "7.0";
    const expected = `The specified version is not available. Available versions are ${release}`;
    const byAction = await request(s, envelopeOf(release, "getCCMVersion", ""), { soapAction: `CUCM:DB ver=${other} getCCMVersion` });
    const byNamespace = await request(s, envelopeOf(other, "getCCMVersion", ""), { soapAction: `CUCM:DB ver=${release} getCCMVersion` });
    const both = await request(s, envelopeOf("12.5", "getCCMVersion", ""), { soapAction: `"CUCM:DB ver=12.5 getCCMVersion"` });
    for (const r of [byAction, byNamespace, both]) {
      expect(r.status).toBe(599);
      expect(r.text).toBe(expected);
      expect(r.headers["content-type"]).toMatch(/^text\/plain/);
    }
  });

  it("rejects a wrong SOAPAction, an unknown operation and malformed XML as Client faults", async () => {
    for (const soapAction of [null, `CUCM:DB ${release} getCCMVersion`, `CUCM:DB ver=${release} getPhone`]) {
      const f = faultOf(await axl(s, "getCCMVersion", "", { soapAction }));
      expect(f.faultcode).toBe("soapenv:Client");
      expect(f.detail).toBeUndefined();
    }
    expect(faultOf(await axl(s, "doSomething", "")).faultstring).toMatch(/local:"doSomething"/);
    expect(faultOf(await request(s, "<soapenv:Envelope", { soapAction: "x" })).faultcode).toBe("soapenv:Client");
    const foreign = await request(s, envelopeOf(release, "getCCMVersion", "").replace(/http:\/\/www\.cisco\.com\/AXL\/API\/[0-9.]+/, "urn:other"), {
      soapAction: `CUCM:DB ver=${release} getCCMVersion`,
    });
    expect(faultOf(foreign).faultstring).toMatch(/unexpected element \(uri:"urn:other"/);
  });

  it("words AXL errors in the release's fault shape (7.0: axl:Error/axl:code; 8.x+: axlError/axlcode), HTTP 500", async () => {
    const r = await axl(s, "getPhone", release === "7.0" ? "<phoneName>SEP0000000000FF</phoneName>" : "<name>SEP0000000000FF</name>");
    expect(r.status).toBe(500);
    const detail = faultOf(r).detail;
    if (release === "7.0") {
      expect(r.text).toContain(
        '<detail><axl:Error xmlns:axl="http://www.cisco.com/AXL/7.0"><axl:code>5007</axl:code><axl:message>Item not valid: The specified Phone was not found</axl:message><request>getPhone</request></axl:Error></detail>',
      );
      expect(detail.axlError).toBeUndefined();
    } else {
      expect(r.text).toContain(
        "<detail><axlError><axlcode>5007</axlcode><axlmessage>Item not valid: The specified Phone was not found</axlmessage><request>getPhone</request></axlError></detail>",
      );
      expect(detail["axl:Error"]).toBeUndefined();
    }
    expect(axlErrorOf(r)).toEqual({ faultcode: "soapenv:Server", axlcode: "5007", axlmessage: "Item not valid: The specified Phone was not found", request: "getPhone" });
  });
});

describe("CUCM 14.0: objects", () => {
  let s: CucmSim;
  beforeAll(async () => {
    s = await sim({ release: "14.0", seed: { routePartitions: ["PT_Internal"], callingSearchSpaces: ["CSS_Internal"] } });
  });

  it("adds and gets a line; a duplicate DN is CUCM's 4052", async () => {
    const uuid = returnOf(await axl(s, "addLine", line12("1000")), "addLine");
    expect(uuid).toMatch(UUID);
    const got = returnOf(await axl(s, "getLine", "<pattern>1000</pattern><routePartitionName/>"), "getLine").line;
    expect(got["@uuid"]).toBe(uuid);
    expect(got.pattern).toBe("1000");
    expect(got.description).toBe("DN 1000");
    const dup = axlErrorOf(await axl(s, "addLine", line12("1000")));
    expect(dup).toEqual({
      faultcode: "soapenv:Server",
      axlcode: "4052",
      axlmessage: "Cannot insert or update pattern. A DN exists with the same pattern and partition.",
      request: "addLine",
    });
    // same pattern, other partition: a different DN
    expect(returnOf(await axl(s, "addLine", line12("1000", "PT_Internal")), "addLine")).toMatch(UUID);
  });

  it("adds a phone and returns it as CUCM does (references with uuids, lines)", async () => {
    returnOf(await axl(s, "addLine", line12("1001")), "addLine");
    const uuid = returnOf(await axl(s, "addPhone", phone12({ name: "SEP000000000001", lines: ["1000", "1001"], owner: "jdoe" })), "addPhone");
    const r = await axl(s, "getPhone", "<name>SEP000000000001</name>");
    expect(r.text).toMatch(/<devicePoolName uuid="\{1B1B9EB6-7803-11D3-BDF0-00108302EAD1\}">Default<\/devicePoolName>/);
    const p = returnOf(r, "getPhone").phone;
    expect(p["@uuid"]).toBe(uuid);
    expect(p.name).toBe("SEP000000000001");
    expect(p.product).toBe("Cisco 7975");
    expect(p.model).toBe("Cisco 7975");
    expect(p.protocol).toBe("SCCP");
    expect(p.locationName["#text"]).toBe("Hub_None");
    expect(p.securityProfileName["#text"]).toBe("Cisco 7975 - Standard SCCP Non-Secure Profile");
    expect(p.phoneTemplateName["#text"]).toBe("Standard 7975 SCCP");
    expect(p.ownerUserName["#text"]).toBe("jdoe");
    expect(p.builtInBridgeStatus).toBe("Default");
    expect(p.lines.line.map((l: Obj) => [l.index, l.dirn.pattern, l.maxNumCalls, l.busyTrigger])).toEqual([
      ["1", "1000", "2", "1"],
      ["2", "1001", "2", "1"],
    ]);
    // element order follows the schema: name, description, product, model, class, protocol ...
    const order = [...r.text.matchAll(/<(name|description|product|model|class|protocol|protocolSide|devicePoolName)[ >]/g)].map((m) => m[1]);
    expect(order.slice(0, 8)).toEqual(["name", "description", "product", "model", "class", "protocol", "protocolSide", "devicePoolName"]);
    // returnedTags limits the answer
    const tags = returnOf(await axl(s, "getPhone", "<name>SEP000000000001</name><returnedTags><name/><lines><line><index/></line></lines></returnedTags>"), "getPhone").phone;
    expect(Object.keys(tags).filter((k) => !k.startsWith("@"))).toEqual(["name", "lines"]);
    expect(tags.lines.line[0]).toEqual({ "@uuid": expect.stringMatching(UUID), index: "1" });
  });

  it("rejects a duplicate device name with -239", async () => {
    const e = axlErrorOf(await axl(s, "addPhone", phone12({ name: "sep000000000001" })));
    expect(e.axlcode).toBe("-239");
    expect(e.axlmessage).toMatch(/^Could not insert new row - duplicate value in a UNIQUE INDEX column/);
  });

  it("requires references to exist, naming the missing item", async () => {
    const cases: Array<[Phone12, RegExp]> = [
      [{ name: "SEP0000000000A1", devicePool: "DP_Nope" }, /Device Pool \(DP_Nope\)/],
      [{ name: "SEP0000000000A2", lines: ["9999"] }, /Directory Number \(9999\)/],
      [{ name: "SEP0000000000A3", owner: "ghost" }, /Owner User ID \(ghost\)/],
      [{ name: "SEP0000000000A4", template: "Standard 9999 SCCP" }, /Phone Template \(Standard 9999 SCCP\)/],
    ];
    for (const [p, message] of cases) {
      const e = axlErrorOf(await axl(s, "addPhone", phone12(p)));
      expect(e.axlcode).toBe("5007"); // CUCM's "Item not valid: The specified X was not found"
      expect(e.axlmessage).toMatch(/^Item not valid: The specified /);
      expect(e.axlmessage).toMatch(message);
    }
    expect(s.db.deviceByName("SEP0000000000A1")).toBeUndefined();
  });

  it("enforces product/protocol compatibility and matching template/profile", async () => {
    const bad: Phone12[] = [
      { name: "SEP0000000000B1", product: "Cisco 7931", protocol: "SIP", sipProfile: "Standard SIP Profile", template: "Standard 7931 SCCP", security: "Cisco 7931 - Standard SCCP Non-Secure Profile" },
      { name: "SEP0000000000B2", product: "Cisco 7971", protocol: "SIP", sipProfile: "Standard SIP Profile", template: "Standard 7971 SCCP" },
      { name: "SEP0000000000B3", product: "Cisco 7970", protocol: "SCCP", security: "Cisco 7975 - Standard SCCP Non-Secure Profile" },
      { name: "SEP0000000000B4", product: "Cisco 7971", protocol: "SIP" }, // no SIP profile
      { name: "Phone-1" }, // not SEP + MAC
    ];
    for (const p of bad) {
      const e = axlErrorOf(await axl(s, "addPhone", phone12(p)));
      expect(e.axlcode, e.axlmessage).toBe("5000");
    }
    const ok = await axl(s, "addPhone", phone12({ name: "SEP0000000000B5", product: "Cisco 7971", protocol: "SIP", sipProfile: "Standard SIP Profile" }));
    expect(returnOf(ok, "addPhone")).toMatch(UUID);
  });

  it("enforces element order and required elements (schema faults)", async () => {
    const swapped = phone12({ name: "SEP0000000000C1" }).replace(
      "<name>SEP0000000000C1</name><description>Phone SEP0000000000C1</description>",
      "<description>x</description><name>SEP0000000000C1</name>",
    );
    const f = faultOf(await axl(s, "addPhone", swapped));
    expect(f.faultcode).toBe("soapenv:Client");
    expect(f.faultstring).toMatch(/cvc-complex-type\.2\.4\.a: Invalid content was found starting with element 'description'\. One of '\{name\}' is expected\./);
    expect(f.detail).toBeUndefined();
    const missing = phone12({ name: "SEP0000000000C2" }).replace("<packetCaptureMode>None</packetCaptureMode>", "");
    expect(faultOf(await axl(s, "addPhone", missing)).faultstring).toMatch(/Invalid content was found starting with element 'certificateOperation'.*packetCaptureMode/);
    const unknown = phone12({ name: "SEP0000000000C3" }).replace("<deviceMobilityMode>", "<frobnicate>1</frobnicate><deviceMobilityMode>");
    expect(faultOf(await axl(s, "addPhone", unknown)).faultstring).toMatch(/starting with element 'frobnicate'/);
    const truncated = "<phone><name>SEP0000000000C4</name><product>Cisco 7975</product></phone>";
    expect(faultOf(await axl(s, "addPhone", truncated)).faultstring).toMatch(/cvc-complex-type\.2\.4\.b: The content of element 'phone' is not complete/);
    const badBool = phone12({ name: "SEP0000000000C5" }).replace("<deviceMobilityMode>", "<deviceMobilityMode>").replace("<primaryPhoneName/>", "<primaryPhoneName/><enableExtensionMobility>maybe</enableExtensionMobility>");
    expect(faultOf(await axl(s, "addPhone", badBool)).faultstring).toMatch(/'maybe' is not a valid value for 'boolean'/);
    expect(s.db.phones().some((p) => p.name.startsWith("SEP0000000000C"))).toBe(false);
  });

  it("updates only what is sent; lines replace the whole list", async () => {
    returnOf(await axl(s, "updatePhone", "<name>SEP000000000001</name><description>Reception</description>"), "updatePhone");
    let p = returnOf(await axl(s, "getPhone", "<name>SEP000000000001</name>"), "getPhone").phone;
    expect(p.description).toBe("Reception");
    expect(p.lines.line).toHaveLength(2);
    expect(p.ownerUserName["#text"]).toBe("jdoe");
    returnOf(
      await axl(
        s,
        "updatePhone",
        "<name>SEP000000000001</name><lines><line><index>1</index><dirn><pattern>1001</pattern><routePartitionName/></dirn><maxNumCalls>6</maxNumCalls><busyTrigger>3</busyTrigger></line></lines>",
      ),
      "updatePhone",
    );
    p = returnOf(await axl(s, "getPhone", "<name>SEP000000000001</name>"), "getPhone").phone;
    expect(p.lines.line.map((l: Obj) => [l.index, l.dirn.pattern, l.maxNumCalls, l.busyTrigger])).toEqual([["1", "1001", "6", "3"]]);
    expect(p.description).toBe("Reception");
    // busyTrigger above maxNumCalls is refused, and nothing changes
    const e = axlErrorOf(
      await axl(s, "updatePhone", "<name>SEP000000000001</name><description>x</description><lines><line><index>1</index><dirn><pattern>1001</pattern><routePartitionName/></dirn><maxNumCalls>1</maxNumCalls><busyTrigger>2</busyTrigger></line></lines>"),
    );
    expect(e.axlcode).toBe("5000");
    expect(s.db.deviceByName("SEP000000000001")!.description).toBe("Reception");
  });

  it("answers not found with 5007 (get/remove) and 5003 (update)", async () => {
    expect(axlErrorOf(await axl(s, "getPhone", "<name>SEPFFFFFFFFFFFF</name>"))).toEqual({
      faultcode: "soapenv:Server",
      axlcode: "5007",
      axlmessage: "Item not valid: The specified Phone was not found",
      request: "getPhone",
    });
    expect(axlErrorOf(await axl(s, "removeLine", "<pattern>4242</pattern><routePartitionName/>")).axlcode).toBe("5007");
    expect(axlErrorOf(await axl(s, "getAppUser", "<userid>nobody</userid>")).axlmessage).toBe("Item not valid: The specified Application User was not found");
    expect(axlErrorOf(await axl(s, "updateSipTrunk", "<name>NoTrunk</name><description>x</description>")).axlcode).toBe("5003");
  });

  it("refuses to remove a line a phone uses; removing the phone frees it", async () => {
    const e = axlErrorOf(await axl(s, "removeLine", "<pattern>1001</pattern><routePartitionName/>"));
    expect(e.axlcode).toBe("-692");
    expect(e.axlmessage).toMatch(/is still being referenced/);
    returnOf(await axl(s, "removePhone", "<name>SEP000000000001</name>"), "removePhone");
    expect(returnOf(await axl(s, "removeLine", "<pattern>1001</pattern><routePartitionName/>"), "removeLine")).toMatch(UUID);
  });

  it("manages SIP trunks", async () => {
    const trunk =
      "<sipTrunk><name>CUP-Trunk</name><description>to CUP</description><product>SIP Trunk</product><class>Trunk</class><protocol>SIP</protocol>" +
      "<protocolSide>Network</protocolSide><callingSearchSpaceName>CSS_Internal</callingSearchSpaceName><devicePoolName>Default</devicePoolName>" +
      "<locationName>Hub_None</locationName><securityProfileName>Non Secure SIP Trunk Profile</securityProfileName><sipProfileName>Standard SIP Profile</sipProfileName>" +
      "<presenceGroupName>Standard Presence group</presenceGroupName><destinations><destination><addressIpv4>cup.lab.example.com</addressIpv4><port>5060</port><sortOrder>1</sortOrder></destination></destinations>" +
      "<callingAndCalledPartyInfoFormat>Deliver DN only in connected party</callingAndCalledPartyInfoFormat></sipTrunk>";
    returnOf(await axl(s, "addSipTrunk", trunk), "addSipTrunk");
    returnOf(await axl(s, "updateSipTrunk", "<name>CUP-Trunk</name><destinations><destination><addressIpv4>10.0.0.9</addressIpv4><port>5070</port><sortOrder>1</sortOrder></destination></destinations>"), "updateSipTrunk");
    const t = returnOf(await axl(s, "getSipTrunk", "<name>CUP-Trunk</name>"), "getSipTrunk").sipTrunk;
    expect(t.destinations.destination[0]).toMatchObject({ addressIpv4: "10.0.0.9", port: "5070", sortOrder: "1" });
    expect(t.callingSearchSpaceName["#text"]).toBe("CSS_Internal");
    expect(t.description).toBe("to CUP");
    const e = axlErrorOf(await axl(s, "addSipTrunk", trunk.replace("CUP-Trunk", "T2").replace("Non Secure SIP Trunk Profile", "Nope")));
    expect(e.axlmessage).toMatch(/SIP Trunk Security Profile \(Nope\)/);
  });

  it("manages application users: devices and groups replace the lists, phones removed leave the list", async () => {
    returnOf(await axl(s, "addLine", line12("2000")), "addLine");
    returnOf(await axl(s, "addPhone", phone12({ name: "SEP000000002000", lines: ["2000"] })), "addPhone");
    returnOf(await axl(s, "addPhone", phone12({ name: "SEP000000002001" })), "addPhone");
    const add =
      "<appUser><userid>cupuser</userid><password>secret</password><associatedDevices><device>SEP000000002000</device></associatedDevices>" +
      "<associatedGroups><userGroup><name>Standard CTI Enabled</name></userGroup></associatedGroups></appUser>";
    returnOf(await axl(s, "addAppUser", add), "addAppUser");
    expect(axlErrorOf(await axl(s, "addAppUser", add)).axlcode).toBe("-239");
    returnOf(
      await axl(
        s,
        "updateAppUser",
        "<userid>cupuser</userid><associatedDevices><device>SEP000000002000</device><device>SEP000000002001</device></associatedDevices>" +
          "<associatedGroups><userGroup><name>Standard CTI Enabled</name></userGroup><userGroup><name>Standard CTI Allow Control of All Devices</name></userGroup></associatedGroups>",
      ),
      "updateAppUser",
    );
    let u = returnOf(await axl(s, "getAppUser", "<userid>cupuser</userid>"), "getAppUser").appUser;
    expect(u.associatedDevices.device).toEqual(["SEP000000002000", "SEP000000002001"]);
    expect(u.associatedGroups.userGroup.map((g: Obj) => g.name)).toEqual(["Standard CTI Enabled", "Standard CTI Allow Control of All Devices"]);
    expect(u.password).toBeUndefined();
    const badGroup = axlErrorOf(await axl(s, "updateAppUser", "<userid>cupuser</userid><associatedGroups><userGroup><name>No Such Group</name></userGroup></associatedGroups>"));
    expect(badGroup.axlmessage).toMatch(/User Group \(No Such Group\)/);
    returnOf(await axl(s, "removePhone", "<name>SEP000000002001</name>"), "removePhone");
    u = returnOf(await axl(s, "getAppUser", "<userid>cupuser</userid>"), "getAppUser").appUser;
    expect(u.associatedDevices.device).toEqual(["SEP000000002000"]);
  });

  it("lists objects (12.x listX) with LIKE criteria, returnedTags and paging", async () => {
    const r = await axl(s, "listPhone", "<searchCriteria><name>sep0000000020%</name></searchCriteria><returnedTags><name/><devicePoolName/></returnedTags>");
    const phones = returnOf(r, "listPhone").phone;
    const list = Array.isArray(phones) ? phones : [phones];
    expect(list.map((p: Obj) => [p.name, p.devicePoolName["#text"]])).toEqual([["SEP000000002000", "Default"]]);
    expect(Object.keys(list[0]).filter((k) => !k.startsWith("@"))).toEqual(["name", "devicePoolName"]);
    const lines = returnOf(await axl(s, "listLine", "<searchCriteria><pattern>%</pattern></searchCriteria><returnedTags><pattern/></returnedTags><skip>1</skip><first>2</first>"), "listLine").line;
    expect(lines).toHaveLength(2);
    expect(faultOf(await axl(s, "listPhone", "<searchCriteria><name>%</name></searchCriteria>")).faultstring).toMatch(/returnedTags/);
  });

  it("answers executeSQLQuery over CUCM's table names, with Informix errors", async () => {
    const rows = returnOf(
      await axl(s, "executeSQLQuery", "<sql>select d.name, n.dnorpattern, m.numplanindex from device d, devicenumplanmap m, numplan n where m.fkdevice = d.pkid and m.fknumplan = n.pkid and d.name = 'SEP000000002000'</sql>"),
      "executeSQLQuery",
    ).row;
    expect(rows).toEqual([{ name: "SEP000000002000", dnorpattern: "2000", numplanindex: "1" }]);
    const groups = returnOf(
      await axl(s, "executeSQLQuery", "<sql>SELECT g.name FROM applicationuser u INNER JOIN applicationuserdirgroupmap m ON m.fkapplicationuser = u.pkid INNER JOIN dirgroup g ON g.pkid = m.fkdirgroup WHERE u.name = 'cupuser' ORDER BY g.name</sql>"),
      "executeSQLQuery",
    ).row.map((r: Obj) => r.name);
    expect(groups).toEqual(["Standard CTI Allow Control of All Devices", "Standard CTI Enabled"]);
    const none = returnOf(await axl(s, "executeSQLQuery", "<sql>select * from routepartition where name = 'Nope'</sql>"), "executeSQLQuery");
    expect(none).toBe("");
    expect(axlErrorOf(await axl(s, "executeSQLQuery", "<sql>select * from nosuchtable</sql>"))).toMatchObject({ axlcode: "-206", axlmessage: "The specified table (nosuchtable) is not in the database." });
    expect(axlErrorOf(await axl(s, "executeSQLQuery", "<sql>select bogus from device</sql>")).axlcode).toBe("-217");
    expect(axlErrorOf(await axl(s, "executeSQLQuery", "<sql>select from where</sql>")).axlcode).toBe("-201");
    const upd = returnOf(await axl(s, "executeSQLUpdate", "<sql>update device set description = 'via SQL' where name = 'SEP000000002000'</sql>"), "executeSQLUpdate");
    expect(upd.rowsUpdated).toBe("1");
    expect(s.db.deviceByName("SEP000000002000")!.description).toBe("via SQL");
  });
});

describe("CUCM 7.0: objects in the 7.0 shapes", () => {
  let s: CucmSim;
  beforeAll(async () => {
    s = await sim({ release: "7.0", seed: { routePartitions: ["PT_Internal"] } });
  });

  const newLine = (pattern: string) =>
    `<newLine><pattern>${pattern}</pattern><usage>Device</usage><routePartitionName>PT_Internal</routePartitionName><alertingName>Desk ${pattern}</alertingName><presenceGroupName>Standard Presence group</presenceGroupName></newLine>`;
  /** Line 3000's uuid (from addLine): 7.0 reads a line appearance's dirn by it alone. */
  let dn3000 = "";
  /** A 7.0 line appearance; `dirnAttrs` "" sends the dirn without its uuid. */
  const line7 = (index: number, pattern: string, dirnAttrs: string) =>
    `<line index="${index}"><label>L${index}</label><display/><dirn${dirnAttrs}><pattern>${pattern}</pattern><usage>Device</usage><routePartitionName>PT_Internal</routePartitionName></dirn>` +
    `<displayASCII>L${index}</displayASCII><maxNumCalls>4</maxNumCalls><busyTrigger>2</busyTrigger><callInfoDisplay><callerName>true</callerName></callInfoDisplay></line>`;
  const newPhone = (name: string, extra = "", lines = line7(1, "3000", ` uuid="${dn3000}"`)) =>
    `<newPhone><name>${name}</name><product>Cisco 7970</product><model>Cisco 7970</model><class>Phone</class><protocol>SIP</protocol><protocolSide>User</protocolSide>` +
    `<devicePoolName>Default</devicePoolName><securityProfileName>Cisco 7970 - Standard SIP Non-Secure Profile</securityProfileName><sipProfileName>Standard SIP Profile</sipProfileName>` +
    `<lines>${lines}</lines><phoneTemplateName>Standard 7970 SIP</phoneTemplateName>${extra}</newPhone>`;

  it("adds a line (newLine) and gets it as directoryNumber", async () => {
    dn3000 = returnOf(await axl(s, "addLine", newLine("3000")), "addLine");
    expect(dn3000).toMatch(UUID);
    const dn = returnOf(await axl(s, "getLine", "<pattern>3000</pattern><routePartitionName>PT_Internal</routePartitionName>"), "getLine").directoryNumber;
    expect(dn.pattern).toBe("3000");
    expect(dn.alertingName).toBe("Desk 3000");
    expect(dn.routePartitionName["#text"]).toBe("PT_Internal");
    // 7.0 requires the partition in the key
    expect(faultOf(await axl(s, "getLine", "<pattern>3000</pattern>")).faultstring).toMatch(/routePartitionName/);
  });

  it("adds a phone (newPhone, index attribute) and gets it as device", async () => {
    const extra = "<enableExtensionMobility>true</enableExtensionMobility><ownerUserId>asmith</ownerUserId><presenceGroupName>Standard Presence group</presenceGroupName>";
    returnOf(await axl(s, "addPhone", newPhone("SEP000000003000", extra)), "addPhone");
    const d = returnOf(await axl(s, "getPhone", "<phoneName>SEP000000003000</phoneName>"), "getPhone").device;
    expect(d.name).toBe("SEP000000003000");
    expect(d.model).toBe("Cisco 7970");
    expect(d.ownerUserId).toBe("asmith");
    expect(d.ownerUserName).toBeUndefined();
    expect(d.enableExtensionMobility).toBe("true");
    expect(d.outboundCallRollover).toBe("No Rollover"); // CUCM's default
    expect(d.lines.line[0]["@index"]).toBe("1");
    expect(d.lines.line[0].index).toBeUndefined();
    expect(d.lines.line[0].displayASCII).toBe("L1");
    expect(d.lines.line[0].dirn).toMatchObject({ pattern: "3000", usage: "Device" });
  });

  it("reads a line appearance's directory number by its dirn's uuid only (axl.xsd), never by pattern", async () => {
    const dn3001 = returnOf(await axl(s, "addLine", newLine("3001")), "addLine");
    const pg = "<presenceGroupName>Standard Presence group</presenceGroupName>";
    // The uuid decides: a dirn whose pattern says 3000 but whose uuid is 3001's is line 3001.
    returnOf(await axl(s, "addPhone", newPhone("SEP000000003010", pg, line7(1, "3000", ` uuid="${dn3001}"`))), "addPhone");
    const d = returnOf(await axl(s, "getPhone", "<phoneName>SEP000000003010</phoneName>"), "getPhone").device;
    expect(d.lines.line[0].dirn).toMatchObject({ "@uuid": dn3001, pattern: "3001" });
    // Lower-case and brace-less spellings of the same uuid name the same number.
    const bare = dn3001.slice(1, -1).toLowerCase();
    returnOf(await axl(s, "updatePhone", `<name>SEP000000003010</name><lines>${line7(1, "3001", ` uuid="{${bare}}"`)}${line7(2, "3000", ` uuid="${dn3000}"`)}</lines>`), "updatePhone");
    const after = returnOf(await axl(s, "getPhone", "<phoneName>SEP000000003010</phoneName>"), "getPhone").device;
    expect(after.lines.line.map((l: Obj) => [l["@index"], l.dirn.pattern, l.dirn["@uuid"]])).toEqual([["1", "3001", dn3001], ["2", "3000", dn3000]]);

    // A stale or unknown uuid faults even though the pattern exists; so does a dirn without a uuid.
    const stale = "{0BADC0DE-0000-4000-8000-000000000000}";
    const unknown = axlErrorOf(await axl(s, "addPhone", newPhone("SEP000000003011", pg, line7(1, "3000", ` uuid="${stale}"`))));
    expect(unknown).toMatchObject({ axlcode: "5007", axlmessage: `Item not valid: The specified Directory Number (${stale}) was not found` });
    const none = axlErrorOf(await axl(s, "addPhone", newPhone("SEP000000003011", pg, line7(1, "3000", ""))));
    expect(none).toMatchObject({ axlcode: "5007", axlmessage: expect.stringMatching(/Directory Number \(line 1: no uuid\)/) });
    const staleUpdate = axlErrorOf(await axl(s, "updatePhone", `<name>SEP000000003010</name><lines>${line7(1, "3001", ` uuid="${stale}"`)}</lines>`));
    expect(staleUpdate.axlcode).toBe("5007");
    expect(returnOf(await axl(s, "getPhone", "<phoneName>SEP000000003010</phoneName>"), "getPhone").device.lines.line).toHaveLength(2); // unchanged

    // The shorthand forms are refused when adding or updating a phone (axl.xsd), though the schema lets them through.
    const ident = "<lineIdentifier><directoryNumber>3000</directoryNumber><routePartitionName>PT_Internal</routePartitionName></lineIdentifier>";
    const add = axlErrorOf(await axl(s, "addPhone", newPhone("SEP000000003011", pg, ident)));
    expect(add).toMatchObject({ axlcode: "5000", axlmessage: expect.stringMatching(/^lineIdentifier cannot be used when adding or updating a phone/) });
    const upd = axlErrorOf(await axl(s, "updatePhone", `<name>SEP000000003010</name><lines>${ident}</lines>`));
    expect(upd).toMatchObject({ axlcode: "5000", axlmessage: expect.stringMatching(/^lineIdentifier cannot be used/) });
    expect(axlErrorOf(await axl(s, "addPhone", newPhone("SEP000000003011", pg, `<lineId index="1">${dn3000}</lineId>`))).axlmessage).toMatch(/^lineId cannot be used/);
    expect(s.db.deviceByName("SEP000000003011")).toBeUndefined();

    // Renumbering a line in place keeps its uuid: the phone follows it.
    returnOf(await axl(s, "updateLine", "<pattern>3001</pattern><routePartitionName>PT_Internal</routePartitionName><newPattern>3002</newPattern>"), "updateLine");
    const renumbered = returnOf(await axl(s, "getPhone", "<phoneName>SEP000000003010</phoneName>"), "getPhone").device;
    expect(renumbered.lines.line[0].dirn).toMatchObject({ "@uuid": dn3001, pattern: "3002" });
    returnOf(await axl(s, "removePhone", "<phoneName>SEP000000003010</phoneName>"), "removePhone");
  });

  it("needs presenceGroupName once XIPPhone's last group is used (schema)", async () => {
    const f = faultOf(await axl(s, "addPhone", newPhone("SEP000000003001", "<ownerUserId>asmith</ownerUserId>")));
    expect(f.faultstring).toMatch(/cvc-complex-type\.2\.4\.b: The content of element 'newPhone' is not complete.*presenceGroupName/);
  });

  it("uses 7.0's names: phoneName on get, name on update, addSIPTrunk/trunk, newApplicationUser", async () => {
    returnOf(await axl(s, "updatePhone", "<name>SEP000000003000</name><description>7.0 desk</description>"), "updatePhone");
    expect(faultOf(await axl(s, "getPhone", "<name>SEP000000003000</name>")).faultstring).toMatch(/'name'/);
    const trunk =
      "<trunk><name>CUP</name><product>SIP Trunk</product><model>SIP Trunk</model><class>Trunk</class><protocol>SIP</protocol><protocolSide>Network</protocolSide>" +
      "<devicePoolName>Default</devicePoolName><securityProfileName>Non Secure SIP Trunk Profile</securityProfileName><sipProfileName>Standard SIP Profile</sipProfileName>" +
      "<destinationaddress>cup.lab.example.com</destinationaddress><destinationport>5060</destinationport></trunk>";
    returnOf(await axl(s, "addSIPTrunk", trunk), "addSIPTrunk");
    const t = returnOf(await axl(s, "getSIPTrunk", "<name>CUP</name>"), "getSIPTrunk").trunk;
    expect([t.destinationaddress, t.destinationport, t.destinations]).toEqual(["cup.lab.example.com", "5060", undefined]);
    expect(faultOf(await axl(s, "addSipTrunk", trunk)).faultstring).toMatch(/local:"addSipTrunk"/);
    const user =
      "<newApplicationUser><userid>cupuser</userid><password>pw</password><associatedDevices><device>SEP000000003000</device></associatedDevices>" +
      "<associatedGroups><userGroup><name>Standard CTI Enabled</name></userGroup></associatedGroups></newApplicationUser>";
    returnOf(await axl(s, "addAppUser", user), "addAppUser");
    const u = returnOf(await axl(s, "getAppUser", "<userid>cupuser</userid>"), "getAppUser").applicationUser;
    expect(u.associatedDevices.device).toEqual(["SEP000000003000"]);
    expect(u.associatedGroups.userGroup[0].name).toBe("Standard CTI Enabled");
  });

  it("accepts exactly the requests Cisco's 7.0 schema accepts (every request above, checked with xmllint)", () => {
    const sent = s.requests.filter((r) => r.requestXml && r.response);
    const complaints = validateAxlRequests("7.0", sent.map((r, i) => ({ label: `r${i}`, xml: r.body })));
    const invalid = new Set(complaints.map((c) => c.slice(0, c.indexOf(":"))));
    const mismatches = sent.flatMap((r, i) => {
      const rejected = /<faultstring>Unmarshalling Error: /.test(r.response!);
      return rejected === invalid.has(`r${i}`) ? [] : [`${r.operation} ${rejected ? "rejected" : "accepted"} by the simulator, ${invalid.has(`r${i}`) ? "invalid" : "valid"} for Cisco's schema: ${r.requestXml}`];
    });
    expect(mismatches).toEqual([]);
    // the lineIdentifier / lineId requests were schema-valid: refused by CUCM's rule, not by the schema
    expect(sent.filter((r) => /<lineId|<lineIdentifier/.test(r.body)).map((r, _i) => invalid.has(`r${sent.indexOf(r)}`))).toEqual([false, false, false]);
  });
});

describe("throttling and fault injection", () => {
  let s: CucmSim;
  beforeAll(async () => {
    s = await sim({ release: "14.0", maxConcurrentWrites: 1, latencyMs: 400 });
  });

  it("answers HTTP 503 to writes beyond maxConcurrentWrites; reads are not throttled", async () => {
    const [a, b, c] = await Promise.all([
      axl(s, "addLine", line12("5001")),
      axl(s, "addLine", line12("5002")),
      axl(s, "getCCMVersion", ""),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 503]);
    expect(c.status).toBe(200);
    expect(s.stats.maxWritesInFlight).toBe(1);
    expect(s.stats.throttled).toBeGreaterThanOrEqual(1);
  });

  it("offers the axlcode -1 variant", async () => {
    const s2 = await sim({ release: "14.0", maxConcurrentWrites: 1, latencyMs: 400, throttleResponse: "axl-1" });
    const [a, b] = await Promise.all([axl(s2, "addLine", line12("5101")), axl(s2, "addLine", line12("5102"))]);
    const throttled = [a, b].find((r) => r.status !== 200)!;
    expect(axlErrorOf(throttled)).toMatchObject({ axlcode: "-1", axlmessage: expect.stringMatching(/^Maximum AXL Memory Allocation Consumed/) });
  });

  it("injects 503s, filtered by operation and counted", async () => {
    s.inject({ kind: "503", operation: "addLine", times: 2 });
    expect((await axl(s, "getCCMVersion", "")).status).toBe(200);
    expect((await axl(s, "addLine", line12("5201"))).status).toBe(503);
    expect((await axl(s, "addLine", line12("5201"))).status).toBe(503);
    expect((await axl(s, "addLine", line12("5201"))).status).toBe(200);
    expect(s.requests.filter((r) => r.injected === "503")).toHaveLength(2);
  });

  it("reset-before drops the connection without processing", async () => {
    s.inject({ kind: "reset-before" });
    await expect(axl(s, "addLine", line12("5301"))).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(s.db.lineByKey("5301", null)).toBeUndefined();
  });

  it("reset-after commits, then drops the connection (the response is lost)", async () => {
    s.inject({ kind: "reset-after", operation: "addLine" });
    await expect(axl(s, "addLine", line12("5401"))).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(returnOf(await axl(s, "getLine", "<pattern>5401</pattern><routePartitionName/>"), "getLine").line.pattern).toBe("5401");
    expect(axlErrorOf(await axl(s, "addLine", line12("5401"))).axlcode).toBe("4052");
  });

  it("injects arbitrary AXL faults", async () => {
    s.inject({ kind: "fault", axlcode: -1, message: "Maximum AXL Memory Allocation Consumed. Please retry" });
    expect(axlErrorOf(await axl(s, "getCCMVersion", "")).axlcode).toBe("-1");
    s.inject({ kind: "503", times: Number.POSITIVE_INFINITY });
    expect((await axl(s, "getCCMVersion", "")).status).toBe(503);
    s.clearInjections();
    expect((await axl(s, "getCCMVersion", "")).status).toBe(200);
  });

  it("records every request with its operation and body", () => {
    const adds = s.requests.filter((r) => r.operation === "addLine");
    expect(adds.length).toBeGreaterThan(3);
    expect(adds[0]!.body).toContain("<ns:addLine>");
    expect(adds.find((r) => r.status === 200)!.requestXml).toMatch(/^<ns:addLine xmlns:ns="http:\/\/www\.cisco\.com\/AXL\/API\/14\.0">/);
  });
});

describe("seed and persistence", () => {
  it("starts like a fresh CUCM plus the seed, and keeps state and CA across a restart", async () => {
    const stateFile = path.join(tmp, "state", "cucm.json");
    const seed = {
      routePartitions: ["PT_Lab"],
      lines: [{ pattern: "7000", routePartitionName: "PT_Lab" }],
      phones: [{ name: "SEP000000007000", product: "Cisco 7931", protocol: "SCCP" as const, devicePoolName: "Default", lines: [{ index: 1, pattern: "7000", routePartitionName: "PT_Lab" }] }],
    };
    const a = await sim({ release: "14.0", stateFile, seed });
    const groups = returnOf(await axl(a, "executeSQLQuery", "<sql>select name from dirgroup where name like 'Standard CTI%'</sql>"), "executeSQLQuery").row;
    expect(groups.map((r: Obj) => r.name)).toContain("Standard CTI Allow Control of Phones supporting Connected Xfer and conf");
    const seeded = returnOf(await axl(a, "getPhone", "<name>SEP000000007000</name>"), "getPhone").phone;
    expect(seeded.phoneTemplateName["#text"]).toBe("Standard 7931 SCCP");
    returnOf(await axl(a, "addLine", line12("7001")), "addLine");
    await a.stop();

    const b = await sim({ release: "14.0", stateFile, seed: { routePartitions: ["ignored"] } });
    expect(b.caPem).toBe(a.caPem);
    expect(returnOf(await axl(b, "getLine", "<pattern>7001</pattern><routePartitionName/>"), "getLine").line.pattern).toBe("7001");
    expect(returnOf(await axl(b, "getPhone", "<name>SEP000000007000</name>"), "getPhone").phone["@uuid"]).toBe(seeded["@uuid"]);
    expect(b.db.findRef("routePartitions", "ignored")).toBeUndefined();
    // a failed write leaves the state file untouched
    const before = fs.readFileSync(stateFile, "utf8");
    expect(axlErrorOf(await axl(b, "addLine", line12("7001"))).axlcode).toBe("4052");
    expect(fs.readFileSync(stateFile, "utf8")).toBe(before);
  });
});

describe("a failed write leaves the database exactly as it was (the undo log)", () => {
  const dbJson = (s: CucmSim): string => JSON.stringify(s.db.toJSON());

  it("7.0 updateUserGroup failing after it renamed the group and changed end users and application users", async () => {
    const s = await sim({
      release: "7.0",
      seed: {
        userGroups: ["Lab Group"],
        endUsers: [{ userid: "jdoe", lastName: "Doe", userGroups: ["Lab Group"] }, { userid: "asmith", lastName: "Smith" }, { userid: "bwhite", lastName: "White" }],
        appUsers: [{ userid: "rcc-cti" }],
      },
    });
    const before = dbJson(s);
    const member = (u: string) => `<member><userId>${u}</userId></member>`;
    // rename (a reference row), add an end user and an application user, remove jdoe: then bwhite is not a member
    const e = axlErrorOf(
      await axl(s, "updateUserGroup", `<name>Lab Group</name><newName>Lab Group 2</newName><addMembers>${member("asmith")}${member("rcc-cti")}</addMembers><removeMembers>${member("jdoe")}${member("bwhite")}</removeMembers>`),
    );
    expect(e.axlmessage).toMatch(/bwhite is not a member of Lab Group 2/);
    expect(dbJson(s)).toBe(before);
    const g = returnOf(await axl(s, "getUserGroup", "<name>Lab Group</name>"), "getUserGroup").userGroup;
    expect(g.members.member.userId).toBe("jdoe");
  });

  it("14.0 executeSQLUpdate failing on its second row, after changing the first", async () => {
    const s = await sim({
      release: "14.0",
      seed: { dialRules: [{ name: "Rule A", numberOfDigits: 10, digitsToBeRemoved: 0, prefixPattern: "0" }, { name: "Rule B", numberOfDigits: 11, digitsToBeRemoved: 1 }] },
    });
    const before = dbJson(s);
    const sql = (q: string) => axl(s, "executeSQLUpdate", `<sql>${q}</sql>`);
    expect(axlErrorOf(await sql("update applicationdialrule set prefix = '9', name = 'Same'")).axlcode).toBe("-239");
    expect(dbJson(s)).toBe(before);
    // and a write that succeeds after it is kept
    expect(returnOf(await sql("update applicationdialrule set prefix = '9'"), "executeSQLUpdate").rowsUpdated).toBe("2");
    expect([...s.db.dialRules.values()].map((r) => r.prefixPattern)).toEqual(["9", "9"]);
  });

  it("undoes sets and deletes across tables in a transaction; stored rows are frozen, so no change escapes the log", () => {
    const db = seededDb({ routePartitions: ["PT"], lines: [{ pattern: "1000", routePartitionName: "PT" }] });
    const before = JSON.stringify(db.toJSON());
    const line = [...db.lines.values()][0]!;
    expect(() =>
      db.transaction(() => {
        db.lines.set(line.pkid, { ...line, description: "changed" });
        db.lines.delete(line.pkid);
        db.endUsers.delete(db.endUserById("jdoe")!.pkid);
        db.addRef("devicePools", { name: "DP-new" });
        db.load({ refs: {} as never, endUsers: [], lines: [], devices: [], appUsers: [] });
        throw new Error("half-way");
      }),
    ).toThrow("half-way");
    expect(JSON.stringify(db.toJSON())).toBe(before);
    expect(() => {
      (db.lines.get(line.pkid) as { description: string }).description = "in place";
    }).toThrow(TypeError);
    expect(() => db.endUserById("jdoe")!.groupPkids.push("x")).toThrow(TypeError);
  });
});

describe.each(["7.0", "12.5", "15.0"] as AxlRelease[])("rcclab's %s adapter requests against the simulator", (release) => {
  it("are accepted for a whole lifecycle and validate against Cisco's schema", async () => {
    const s = await sim({ release, seed: { routePartitions: ["PT_RCC"] } });
    const a = adapterFor(release);
    const send = async (req: AxlRequest): Promise<Reply> =>
      request(s, await adapterEnvelope(release, req), { soapAction: `"CUCM:DB ver=${release} ${req.operation}"` });
    const ok = async (req: AxlRequest): Promise<void> => {
      const r = await send(req);
      expect(r.status, `${req.operation}: ${r.text}`).toBe(200);
    };
    // The phone's line names its number by uuid (7.0 reads nothing else), learnt from addLine below.
    const dn: { pattern: string; routePartitionName: string; uuid?: string } = { pattern: "+14085550100", routePartitionName: "PT_RCC" };
    const phone = {
      name: "SEP00AABBCC0100",
      product: "Cisco 7971",
      protocol: "SIP" as const,
      devicePoolName: "Default",
      locationName: "Hub_None",
      securityProfileName: "Cisco 7971 - Standard SIP Non-Secure Profile",
      phoneTemplateName: "Standard 7971 SIP",
      sipProfileName: "Standard SIP Profile",
      ownerUserName: "jdoe",
      enableExtensionMobility: true,
      lines: [{ index: 1, dirn: dn, label: "RCC", maxNumCalls: 4, busyTrigger: 2 }],
    };
    const trunk = {
      name: "TRUNK-CUP",
      devicePoolName: "Default",
      locationName: "Hub_None",
      securityProfileName: "Non Secure SIP Trunk Profile",
      sipProfileName: "Standard SIP Profile",
      destinationAddress: "cup.lab.example.com",
      destinationPort: 5060,
    };
    const user = { userid: "ccmapp", password: "pw", associatedDevices: [phone.name], userGroups: ["Standard CTI Enabled"] };
    await ok(a.getVersion());
    const added = await send(a.line.add({ ...dn, description: "RCC line", alertingName: "RCC" }));
    dn.uuid = returnOf(added, "addLine");
    expect(dn.uuid).toMatch(UUID);
    await ok(a.phone.add(phone));
    await ok(a.sipTrunk.add(trunk));
    await ok(a.appUser.add(user));
    for (const req of [a.line.get(dn), a.phone.get(phone.name), a.sipTrunk.get(trunk.name), a.appUser.get(user.userid)]) await ok(req);
    const current = { ...phone, uuid: "", lines: [] as typeof phone.lines };
    for (const req of a.phone.update(current, { ...phone, description: "updated" })) await ok(req);
    for (const req of a.sipTrunk.update({ ...trunk, uuid: "" }, { ...trunk, destinationPort: 5070 })) await ok(req);
    for (const req of a.appUser.update({ ...user, uuid: "", userGroups: [] }, user)) await ok(req);
    for (const req of a.line.update({ ...dn, uuid: "" }, { ...dn, description: "renamed" })) await ok(req);
    await ok(a.sqlQuery("select name from device"));
    expect(s.db.deviceByName(phone.name)!.description).toBe("updated");
    expect((s.db.deviceByName(trunk.name) as { destinations: { port: number }[] }).destinations[0]!.port).toBe(5070);
    await ok(a.appUser.remove(user.userid));
    await ok(a.sipTrunk.remove(trunk.name));
    await ok(a.phone.remove(phone.name));
    await ok(a.line.remove(dn));
    expect(validateAxlRequests(release, s.requests.map((r) => r.body))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
// End users, license capabilities, Meet-Me numbers, application dial rules, IP phone services,
// device profiles and service subscriptions, in both families (7.0's SQL-only kinds through
// executeSQLUpdate on CUCM's tables).
// ---------------------------------------------------------------------------------------------------

const EM_URL = "http://cucm.lab.example.com:8080/emapp/EMAppServlet?device=#DEVICENAME#";
const RCC_DN = "\\+14085551001";
/** A value built to break naive SQL quoting: quotes, a statement separator, a comment. */
const NASTY = "it's; DROP TABLE device; -- x";
const sqlQuote = (v: string): string => `'${v.replaceAll("'", "''")}'`;
const xmlText = (v: string): string => v.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
const rowsOf = (r: Reply): Obj[] => {
  const ret = returnOf(r, "executeSQLQuery");
  return ret === "" ? [] : ret.row;
};

describe.each(["7.0", "14.0"] as AxlRelease[])("CUCM %s: end users, licenses, Meet-Me, dial rules, IP phone services, device profiles", (release) => {
  const r7 = release === "7.0";
  let s: CucmSim;
  beforeAll(async () => {
    s = await sim({
      release,
      seed: {
        routePartitions: ["PT_RCC"],
        lines: [{ pattern: RCC_DN, routePartitionName: "PT_RCC" }, { pattern: "\\+14085551002", routePartitionName: "PT_RCC" }],
        phones: [
          { name: "SEP001122334455", product: "Cisco 7975", protocol: "SCCP", devicePoolName: "Default", lines: [{ index: 1, pattern: RCC_DN, routePartitionName: "PT_RCC" }] },
          { name: "SEP001122334466", product: "Cisco 7975", protocol: "SCCP", devicePoolName: "Default" },
        ],
        appUsers: [{ userid: "rcc-cti" }],
      },
    });
  });

  const sql = (q: string) => axl(s, "executeSQLQuery", `<sql>${xmlText(q)}</sql>`);
  const sqlUpdate = (q: string) => axl(s, "executeSQLUpdate", `<sql>${xmlText(q)}</sql>`);

  // --- request builders, in the release's shapes --------------------------------------------------

  const addEmService = (name = "Extension Mobility", url = EM_URL): Promise<Reply> =>
    r7
      ? sqlUpdate(
          `insert into telecasterservice (name, nameascii, description, urltemplate, tkphoneservice, tkphoneservicecategory, enabled) values (${sqlQuote(name)}, ${sqlQuote(name)}, 'EM', ${sqlQuote(url)}, 0, 0, 't')`,
        )
      : axl(
          s,
          "addIpPhoneServices",
          `<ipPhoneServices><serviceName>${name}</serviceName><asciiServiceName>${name}</asciiServiceName><serviceDescription>EM</serviceDescription>` +
            `<serviceUrl>${url}</serviceUrl><serviceCategory>XML Service</serviceCategory><serviceType>Standard IP Phone Service</serviceType><enabled>true</enabled></ipPhoneServices>`,
        );
  const services = (...names: string[]): string =>
    `<services>${names.map((n) => `<service><telecasterServiceName>${n}</telecasterServiceName><name>${n}</name></service>`).join("")}</services>`;
  /** 7.0 names a line appearance's number by uuid: the seeded lines' uuids, over AXL (getLine). */
  const dnUuids = new Map<string, string>();
  const uuidOfDn = async (dn: string): Promise<string> => {
    if (!dnUuids.has(dn)) {
      const r = await axl(s, "getLine", `<pattern>${dn}</pattern><routePartitionName>PT_RCC</routePartitionName>`);
      dnUuids.set(dn, r.status === 200 ? returnOf(r, "getLine")[r7 ? "directoryNumber" : "line"]["@uuid"] : "{0BADC0DE-0000-4000-8000-00000000DEAD}");
    }
    return dnUuids.get(dn)!;
  };
  const profileLine = async (dn: string): Promise<string> =>
    r7
      ? `<line index="1"><label>EM</label><display>EM</display><dirn uuid="${await uuidOfDn(dn)}"><pattern>${dn}</pattern><usage>Device</usage><routePartitionName>PT_RCC</routePartitionName></dirn>` +
        `<callInfoDisplay><callerName>true</callerName></callInfoDisplay></line>`
      : `<line><index>1</index><label>EM</label><dirn><pattern>${dn}</pattern><routePartitionName>PT_RCC</routePartitionName></dirn></line>`;
  const addProfile = async (name: string, o: { dn?: string; template?: string; service?: string; product?: string } = {}): Promise<Reply> => {
    const product = o.product ?? "Cisco 7975";
    const lines = `<lines>${await profileLine(o.dn ?? RCC_DN)}</lines>`;
    const template = `<phoneTemplateName>${o.template ?? `Standard ${product.replace("Cisco ", "")} SCCP`}</phoneTemplateName>`;
    const svc = services(o.service ?? "Extension Mobility");
    return r7
      ? axl(
          s,
          "addDeviceProfile",
          `<newProfile><name>${name}</name><description>EM profile</description><product>${product}</product><model>${product}</model><class>Device Profile</class>` +
            `<protocol>SCCP</protocol><protocolSide>User</protocolSide>${lines}${template}${svc}<presenceGroupName>Standard Presence group</presenceGroupName></newProfile>`,
        )
      : axl(
          s,
          "addDeviceProfile",
          `<deviceProfile><name>${name}</name><description>EM profile</description><product>${product}</product><class>Device Profile</class>` +
            `<protocol>SCCP</protocol><protocolSide>User</protocolSide>${lines}${template}${svc}</deviceProfile>`,
        );
  };
  const getProfile = (name: string) => axl(s, "getDeviceProfile", r7 ? `<profileName>${name}</profileName>` : `<name>${name}</name>`);
  const profileOf = (r: Reply): Obj => returnOf(r, "getDeviceProfile")[r7 ? "profile" : "deviceProfile"];
  const servicesOf = (o: Obj): Obj[] => {
    const list = o.services?.service;
    return list === undefined ? [] : Array.isArray(list) ? list : [list];
  };
  const addUser = (userid: string, o: { devices?: string[]; profiles?: string[]; primary?: string; groups?: string[]; pin?: string; lastName?: string } = {}): Promise<Reply> => {
    const devices = `<associatedDevices>${(o.devices ?? []).map((d) => `<device>${d}</device>`).join("")}</associatedDevices>`;
    const primary = o.primary ? `<primaryExtension><pattern>${o.primary}</pattern><routePartitionName>PT_RCC</routePartitionName></primaryExtension>` : "";
    const profilesXml = o.profiles?.length ? `<phoneProfiles>${o.profiles.map((p) => `<profileName>${p}</profileName>`).join("")}</phoneProfiles>` : "";
    const pin = o.pin !== undefined ? `<pin>${o.pin}</pin>` : "";
    const last = o.lastName ?? "Lee";
    if (r7) {
      return axl(
        s,
        "addUser",
        `<newUser><firstname>Ann</firstname><lastname>${last}</lastname><userid>${userid}</userid><password>Pa55</password>${pin}<telephoneNumber>+14085551001</telephoneNumber>${devices}${primary}${profilesXml}</newUser>`,
      );
    }
    const groups = `<associatedGroups>${(o.groups ?? []).map((g) => `<userGroup><name>${g}</name></userGroup>`).join("")}</associatedGroups>`;
    return axl(
      s,
      "addUser",
      `<user><firstName>Ann</firstName><lastName>${last}</lastName><userid>${userid}</userid><password>Pa55</password>${pin}${devices}${primary}${groups}${profilesXml}` +
        `<presenceGroupName>Standard Presence group</presenceGroupName><telephoneNumber>+14085551001</telephoneNumber></user>`,
    );
  };
  const userOf = (r: Reply): Obj => returnOf(r, "getUser").user;
  const list = (v: unknown): any[] => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]);

  // --- IP phone services and subscriptions ----------------------------------------------------------

  it("adds the EM IP phone service (7.0: INSERT INTO telecasterservice) and refuses a duplicate name", async () => {
    expect(rowsOf(await sql("select name from telecasterservice"))).toEqual([]); // not pre-created
    const first = await addEmService();
    if (r7) expect(returnOf(first, "executeSQLUpdate").rowsUpdated).toBe("1");
    else expect(returnOf(first, "addIpPhoneServices")).toMatch(UUID);
    const dup = axlErrorOf(await addEmService());
    expect(dup.axlcode).toBe("-239");
    expect(dup.axlmessage).toMatch(/duplicate value in a UNIQUE INDEX column/);
    const rows = rowsOf(await sql("select name, urltemplate, tkphoneservice, tkphoneservicecategory, enabled from telecasterservice where name = 'Extension Mobility'"));
    expect(rows).toEqual([{ name: "Extension Mobility", urltemplate: EM_URL, tkphoneservice: "0", tkphoneservicecategory: "0", enabled: "t" }]);
    if (!r7) {
      const got = returnOf(await axl(s, "getIpPhoneServices", "<serviceName>Extension Mobility</serviceName>"), "getIpPhoneServices").ipPhoneServices;
      expect(got).toMatchObject({ serviceName: "Extension Mobility", serviceUrl: EM_URL, serviceCategory: "XML Service", serviceType: "Standard IP Phone Service", enabled: "true" });
      expect(axlErrorOf(await axl(s, "getIpPhoneServices", "<serviceName>Nope</serviceName>")).axlcode).toBe("5007");
      expect(axlErrorOf(await axl(s, "updateIpPhoneServices", "<serviceName>Nope</serviceName><serviceDescription>x</serviceDescription>")).axlcode).toBe("5003");
      const badUrl = axlErrorOf(await axl(s, "updateIpPhoneServices", "<serviceName>Extension Mobility</serviceName><serviceUrl>ftp://x</serviceUrl>"));
      expect(badUrl.axlcode).toBe("5000");
      // 12.x's enumerations are unions with xsd:string (any text passes the schema): CUCM refuses the value
      const e = axlErrorOf(await axl(s, "updateIpPhoneServices", "<serviceName>Extension Mobility</serviceName><serviceCategory>Applet</serviceCategory>"));
      expect(e.axlmessage).toMatch(/Service Category Applet is not valid/);
    }
  });

  it("7.0 SQL on telecasterservice: NOT NULL, unknown columns, numeric conversion, missing type keys", async () => {
    const e1 = axlErrorOf(await sqlUpdate("insert into telecasterservice (name) values ('No URL')"));
    expect(e1).toMatchObject({ axlcode: "-391", axlmessage: "Cannot insert a null into column (telecasterservice.urltemplate)." });
    expect(axlErrorOf(await sqlUpdate("insert into telecasterservice (name, urltemplate, bogus) values ('x', 'http://x', 1)")).axlcode).toBe("-217");
    expect(axlErrorOf(await sqlUpdate("insert into telecasterservice (name, urltemplate) values ('x')")).axlcode).toBe("-236");
    expect(axlErrorOf(await sqlUpdate("insert into telecasterservice (name, urltemplate, priority) values ('x', 'http://x', 'high')")).axlcode).toBe("-1213");
    expect(axlErrorOf(await sqlUpdate("insert into telecasterservice (name, urltemplate, tkphoneservice) values ('x', 'http://x', 99)")).axlcode).toBe("-691");
    const cols = Object.keys(rowsOf(await sql("select * from telecasterservice"))[0]!);
    expect(cols).toContain("urltemplate");
    expect(cols.includes("secureurltemplate")).toBe(!r7);
    expect(rowsOf(await sql("select name from telecasterservice where name = 'x'"))).toEqual([]);
  });

  it("subscribes a phone to the service; a missing service is 5007; the service cannot be removed while subscribed", async () => {
    const missing = axlErrorOf(await axl(s, "updatePhone", `<name>SEP001122334455</name>${services("Nope")}`));
    expect(missing.axlcode).toBe("5007");
    expect(missing.axlmessage).toMatch(/IP Phone Service \(Nope\)/);
    returnOf(await axl(s, "updatePhone", `<name>SEP001122334455</name>${services("Extension Mobility")}`), "updatePhone");
    const phone = returnOf(await axl(s, "getPhone", r7 ? "<phoneName>SEP001122334455</phoneName>" : "<name>SEP001122334455</name>"), "getPhone")[r7 ? "device" : "phone"];
    const subs = servicesOf(phone);
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({ name: "Extension Mobility", url: EM_URL });
    expect(subs[0]!.telecasterServiceName["#text"] ?? subs[0]!.telecasterServiceName).toBe("Extension Mobility");
    expect(rowsOf(await sql("select s.servicename, d.name from telecastersubscribedservice s, device d where s.fkdevice = d.pkid"))).toEqual([
      { servicename: "Extension Mobility", name: "SEP001122334455" },
    ]);
    const refused = axlErrorOf(
      r7 ? await sqlUpdate("delete from telecasterservice where name = 'Extension Mobility'") : await axl(s, "removeIpPhoneServices", "<serviceName>Extension Mobility</serviceName>"),
    );
    expect(refused.axlcode).toBe("-692");
    expect(refused.axlmessage).toMatch(/fk_telecastersubscribedservice_fktelecasterservice.*still being referenced/);
    expect(rowsOf(await sql("select name from telecasterservice"))).toHaveLength(1);
  });

  // --- device profiles ------------------------------------------------------------------------------

  it("adds a device profile with a line and the EM subscription, and gets it back", async () => {
    expect(returnOf(await addProfile("EM-alee"), "addDeviceProfile")).toMatch(UUID);
    const p = profileOf(await getProfile("EM-alee"));
    expect(p).toMatchObject({ name: "EM-alee", description: "EM profile", product: "Cisco 7975", class: "Device Profile", protocol: "SCCP" });
    expect(p.phoneTemplateName["#text"] ?? p.phoneTemplateName).toBe("Standard 7975 SCCP");
    expect(list(p.lines.line)[0].dirn.pattern).toBe(RCC_DN);
    expect(servicesOf(p).map((x) => x.name)).toEqual(["Extension Mobility"]);
    expect(rowsOf(await sql("select d.name, c.name as cls from device d, typeclass c where d.tkclass = c.enum and d.name = 'EM-alee'"))).toEqual([
      { name: "EM-alee", cls: "Device Profile" },
    ]);
  });

  it("refuses a profile name taken by any device, and missing templates, lines or services", async () => {
    expect(axlErrorOf(await addProfile("sep001122334455")).axlcode).toBe("-239");
    const noTemplate = axlErrorOf(await addProfile("EM-x1", { template: "Standard 9999 SCCP" }));
    expect(noTemplate).toMatchObject({ axlcode: "5007", axlmessage: expect.stringMatching(/Phone Template \(Standard 9999 SCCP\)/) });
    expect(axlErrorOf(await addProfile("EM-x2", { template: "Standard 7970 SCCP" })).axlcode).toBe("5000");
    expect(axlErrorOf(await addProfile("EM-x3", { dn: "\\+19999999999" })).axlmessage).toMatch(/Directory Number/);
    expect(axlErrorOf(await addProfile("EM-x4", { service: "Nope" })).axlmessage).toMatch(/IP Phone Service \(Nope\)/);
    expect(s.db.profiles().map((p) => p.name)).toEqual(["EM-alee"]);
  });

  it("updates a profile (services replace the list) and answers not found like CUCM", async () => {
    const key = r7 ? "<name>EM-alee</name>" : "<name>EM-alee</name>";
    returnOf(await axl(s, "updateDeviceProfile", `${key}<description>EM for alee</description>`), "updateDeviceProfile");
    let p = profileOf(await getProfile("EM-alee"));
    expect(p.description).toBe("EM for alee");
    expect(servicesOf(p)).toHaveLength(1);
    returnOf(await axl(s, "updateDeviceProfile", `${key}<services/>`), "updateDeviceProfile");
    p = profileOf(await getProfile("EM-alee"));
    expect(servicesOf(p)).toHaveLength(0);
    returnOf(await axl(s, "updateDeviceProfile", `${key}${services("Extension Mobility")}`), "updateDeviceProfile");
    expect(axlErrorOf(await getProfile("EM-nope"))).toMatchObject({ axlcode: "5007", axlmessage: "Item not valid: The specified Device Profile was not found" });
    expect(axlErrorOf(await axl(s, "updateDeviceProfile", "<name>EM-nope</name><description>x</description>")).axlcode).toBe("5003");
    expect(axlErrorOf(await axl(s, "removeDeviceProfile", r7 ? "<profileName>EM-nope</profileName>" : "<name>EM-nope</name>")).axlcode).toBe("5007");
    // the profile's line cannot be removed while the profile uses it
    expect(axlErrorOf(await axl(s, "removeLine", `<pattern>${RCC_DN}</pattern><routePartitionName>PT_RCC</routePartitionName>`)).axlcode).toBe("-692");
  });

  // --- end users ------------------------------------------------------------------------------------

  it("adds an end user with controlled devices, profiles and a primary extension; get hides password and PIN", async () => {
    const r = await addUser("alee", { devices: ["SEP001122334455"], profiles: ["EM-alee"], primary: RCC_DN, groups: ["Standard CCM End Users", "Standard CTI Enabled"], pin: "12345" });
    expect(returnOf(r, "addUser")).toMatch(UUID);
    const u = userOf(await axl(s, "getUser", "<userid>alee</userid>"));
    expect(u.userid).toBe("alee");
    expect(u[r7 ? "lastname" : "lastName"]).toBe("Lee");
    expect(u.telephoneNumber).toBe("+14085551001");
    expect(list(u.associatedDevices.device)).toEqual(["SEP001122334455"]);
    expect(u.primaryExtension).toMatchObject({ pattern: RCC_DN, routePartitionName: "PT_RCC" });
    expect(list(u.phoneProfiles.profileName).map((p: any) => p["#text"] ?? p)).toEqual(["EM-alee"]);
    expect(u.password).toBeUndefined();
    expect(u.pin).toBeUndefined();
    expect(s.db.endUserById("alee")!.pin).toBe("12345");
    if (!r7) expect(list(u.associatedGroups.userGroup).map((g: Obj) => g.name)).toEqual(["Standard CCM End Users", "Standard CTI Enabled"]);
    const rows = rowsOf(await sql("select d.name, m.defaultprofile from enduser u, enduserdevicemap m, device d where m.fkenduser = u.pkid and m.fkdevice = d.pkid and u.userid = 'alee' order by d.name"));
    expect(rows).toEqual([{ name: "EM-alee", defaultprofile: "f" }, { name: "SEP001122334455", defaultprofile: "f" }]);
  });

  it("7.0: XUser's associatedGroups is read-only (accepted, ignored)", async () => {
    if (!r7) return;
    const add =
      "<newUser><lastname>Ro</lastname><userid>ro1</userid><associatedGroups><userGroup><name>Standard CTI Enabled</name></userGroup></associatedGroups></newUser>";
    returnOf(await axl(s, "addUser", add), "addUser");
    expect(s.db.endUserById("ro1")!.groupPkids).toEqual([]);
    returnOf(await axl(s, "removeUser", "<userid>ro1</userid>"), "removeUser");
  });

  it("refuses duplicate userids (end users and application users) with -239", async () => {
    expect(axlErrorOf(await addUser("alee")).axlcode).toBe("-239");
    expect(axlErrorOf(await addUser("JDOE")).axlcode).toBe("-239");
    expect(axlErrorOf(await addUser("rcc-cti")).axlcode).toBe("-239");
  });

  it("requires references to exist and the primary extension to be on a controlled device", async () => {
    const cases: Array<[Parameters<typeof addUser>[1], RegExp, string]> = [
      [{ devices: ["SEPFFFFFFFFFFFF"] }, /Device \(SEPFFFFFFFFFFFF\)/, "5007"],
      [{ devices: ["EM-alee"] }, /Device \(EM-alee\)/, "5007"], // a profile is not a controlled device
      [{ profiles: ["SEP001122334455"] }, /Device Profile \(SEP001122334455\)/, "5007"],
      [{ primary: "\\+19999999999" }, /Directory Number/, "5007"],
      [{ devices: ["SEP001122334466"], primary: "\\+14085551002" }, /primary extension/, "5000"],
    ];
    if (!r7) cases.push([{ groups: ["No Such Group"] }, /User Group \(No Such Group\)/, "5007"]);
    for (const [o, message, code] of cases) {
      const e = axlErrorOf(await addUser("bad1", o));
      expect(e.axlcode, e.axlmessage).toBe(code);
      expect(e.axlmessage).toMatch(message);
    }
    expect(s.db.endUserById("bad1")).toBeUndefined();
  });

  it("checks the PIN as Cisco's schema says", async () => {
    if (r7) {
      // XUser's pin is (\d{5,127})*: four digits fail schema validation
      expect(faultOf(await addUser("pin4", { pin: "1234" })).faultstring).toMatch(/cvc-pattern-valid/);
      // updateUser's pin pattern '^\d+$' takes ^ and $ literally (XML Schema): a plain PIN is refused
      expect(faultOf(await axl(s, "updateUser", "<userid>alee</userid><pin>54321</pin>")).faultstring).toMatch(/cvc-pattern-valid/);
    } else {
      expect(axlErrorOf(await addUser("pinx", { pin: "12ab5" })).axlcode).toBe("5000");
      returnOf(await axl(s, "updateUser", "<userid>alee</userid><pin>54321</pin>"), "updateUser");
      expect(s.db.endUserById("alee")!.pin).toBe("54321");
    }
  });

  it("updates an end user: lists replace, empty clears; not found is 5003/5007", async () => {
    returnOf(await axl(s, "updateUser", `<userid>alee</userid>${r7 ? "<lastname>Lee-Smith</lastname>" : "<lastName>Lee-Smith</lastName>"}<telephoneNumber>+14085551009</telephoneNumber>`), "updateUser");
    let u = userOf(await axl(s, "getUser", "<userid>alee</userid>"));
    expect([u[r7 ? "lastname" : "lastName"], u.telephoneNumber]).toEqual(["Lee-Smith", "+14085551009"]);
    expect(list(u.associatedDevices.device)).toEqual(["SEP001122334455"]);
    // the primary extension must stay on a controlled device or profile
    returnOf(await axl(s, "updateUser", "<userid>alee</userid><associatedDevices/>"), "updateUser");
    const noProfiles = await axl(s, "updateUser", "<userid>alee</userid><phoneProfiles/>");
    if (r7) expect(faultOf(noProfiles).faultstring).toMatch(/phoneProfiles/); // 7.0: the list cannot be empty (schema)
    else expect(axlErrorOf(noProfiles).axlcode).toBe("5000"); // the primary extension would be on no controlled device
    returnOf(await axl(s, "updateUser", "<userid>alee</userid><associatedDevices><device>SEP001122334466</device><device>SEP001122334455</device></associatedDevices>"), "updateUser");
    u = userOf(await axl(s, "getUser", "<userid>alee</userid>"));
    expect(list(u.associatedDevices.device)).toEqual(["SEP001122334466", "SEP001122334455"]);
    expect(axlErrorOf(await axl(s, "getUser", "<userid>nobody</userid>"))).toMatchObject({ axlcode: "5007", axlmessage: "Item not valid: The specified User was not found" });
    expect(axlErrorOf(await axl(s, "updateUser", "<userid>nobody</userid><telephoneNumber>1</telephoneNumber>")).axlcode).toBe("5003");
  });

  it("sets the default profile (12.x defaultProfile; 7.0 SQL on enduserdevicemap) and user groups (7.0 updateUserGroup)", async () => {
    if (r7) {
      const user = "fkenduser = (select pkid from enduser where userid = 'alee')";
      expect(returnOf(await sqlUpdate(`update enduserdevicemap set defaultprofile = 'f' where ${user} and defaultprofile = 't'`), "executeSQLUpdate").rowsUpdated).toBe("0");
      const upd = await sqlUpdate(`update enduserdevicemap set defaultprofile = 't' where ${user} and fkdevice = (select pkid from device where name = 'EM-alee')`);
      expect(returnOf(upd, "executeSQLUpdate").rowsUpdated).toBe("1");
      expect(rowsOf(await sql("select tkuserassociation from enduserdevicemap where fkdevice in (select pkid from device where name = 'EM-alee')"))).toEqual([{ tkuserassociation: "5" }]);
      expect(axlErrorOf(await sql("select name from device where pkid = (select pkid from device)")).axlcode).toBe("-284");
      const add = "<name>Standard CTI Enabled</name><addMembers><member><userId>alee</userId></member></addMembers>";
      returnOf(await axl(s, "updateUserGroup", add), "updateUserGroup");
      expect(axlErrorOf(await axl(s, "updateUserGroup", add)).axlmessage).toMatch(/already a member/);
      returnOf(await axl(s, "updateUserGroup", "<name>Standard CCM End Users</name><addMembers><member><userId>alee</userId></member><member><userId>rcc-cti</userId></member></addMembers>"), "updateUserGroup");
      const g = returnOf(await axl(s, "getUserGroup", "<name>Standard CCM End Users</name>"), "getUserGroup").userGroup;
      expect(list(g.members.member).map((m: Obj) => m.userId)).toEqual(["alee", "rcc-cti"]);
      returnOf(await axl(s, "updateUserGroup", "<name>Standard CCM End Users</name><removeMembers><member><userId>rcc-cti</userId></member></removeMembers>"), "updateUserGroup");
      expect(axlErrorOf(await axl(s, "updateUserGroup", "<name>Standard CCM End Users</name><removeMembers><member><userId>rcc-cti</userId></member></removeMembers>")).axlmessage).toMatch(/not a member/);
      expect(axlErrorOf(await axl(s, "updateUserGroup", "<name>Standard CCM End Users</name><addMembers><member><userId>ghost</userId></member></addMembers>")).axlcode).toBe("5007");
      expect(axlErrorOf(await axl(s, "getUserGroup", "<name>No Such Group</name>")).axlcode).toBe("5007");
      // XUser's associatedGroups is read-only in 7.0
      const u7 = userOf(await axl(s, "getUser", "<userid>alee</userid>"));
      expect(list(u7.associatedGroups.userGroup).map((x: Obj) => x.name).sort()).toEqual(["Standard CCM End Users", "Standard CTI Enabled"]);
    } else {
      returnOf(await axl(s, "updateUser", "<userid>alee</userid><defaultProfile>EM-alee</defaultProfile>"), "updateUser");
      expect(userOf(await axl(s, "getUser", "<userid>alee</userid>")).defaultProfile["#text"]).toBe("EM-alee");
      expect(axlErrorOf(await axl(s, "updateUser", "<userid>alee</userid><defaultProfile>SEP001122334455</defaultProfile>")).axlcode).toBe("5007");
    }
    expect(rowsOf(await sql("select m.defaultprofile from enduserdevicemap m, device d where m.fkdevice = d.pkid and d.name = 'EM-alee'"))).toEqual([{ defaultprofile: "t" }]);
  });

  it("license capabilities: 7.0 get/updateLicenseCapabilities (UPS, UPC); 12.x imAndPresenceEnable (needs the home cluster)", async () => {
    if (r7) {
      let lc = returnOf(await axl(s, "getLicenseCapabilities", "<userid>alee</userid>"), "getLicenseCapabilities").licenseCapabilities;
      expect(lc).toMatchObject({ userid: "alee", enableUPS: "false", enableUPC: "false" });
      expect(returnOf(await axl(s, "updateLicenseCapabilities", "<userid>alee</userid><enableUPS>true</enableUPS><enableUPC>true</enableUPC>"), "updateLicenseCapabilities")).toMatch(UUID);
      returnOf(await axl(s, "updateLicenseCapabilities", "<userid>alee</userid><enableUPC>false</enableUPC>"), "updateLicenseCapabilities");
      lc = returnOf(await axl(s, "getLicenseCapabilities", "<userid>alee</userid>"), "getLicenseCapabilities").licenseCapabilities;
      expect([lc.enableUPS, lc.enableUPC]).toEqual(["true", "false"]);
      expect(axlErrorOf(await axl(s, "getLicenseCapabilities", "<userid>nobody</userid>")).axlcode).toBe("5007");
      expect(faultOf(await axl(s, "updateLicenseCapabilities", "<userid>alee</userid><enableUPS>yes</enableUPS>")).faultcode).toBe("soapenv:Client");
      expect(faultOf(await axl(s, "updateUser", "<userid>alee</userid><imAndPresenceEnable>true</imAndPresenceEnable>")).faultstring).toMatch(/imAndPresenceEnable/);
    } else {
      returnOf(await axl(s, "updateUser", "<userid>alee</userid><homeCluster>true</homeCluster><imAndPresenceEnable>true</imAndPresenceEnable>"), "updateUser");
      expect(userOf(await axl(s, "getUser", "<userid>alee</userid>")).imAndPresenceEnable).toBe("true");
      expect(axlErrorOf(await axl(s, "updateUser", "<userid>alee</userid><homeCluster>false</homeCluster>")).axlcode).toBe("5000");
      expect(faultOf(await axl(s, "getLicenseCapabilities", "<userid>alee</userid>")).faultstring).toMatch(/local:"getLicenseCapabilities"/);
    }
  });

  // --- Meet-Me numbers ------------------------------------------------------------------------------

  const meetMe = (pattern: string, partition = "PT_RCC", level = "Non Secure"): string =>
    r7
      ? `<meetMe><pattern>${pattern}</pattern><description>Meet-Me ${pattern}</description><usage>Conference</usage><routePartitionName>${partition}</routePartitionName><minimumSecurityLevel>${level}</minimumSecurityLevel></meetMe>`
      : `<meetMe><pattern>${pattern}</pattern><description>Meet-Me ${pattern}</description><routePartitionName>${partition}</routePartitionName><minimumSecurityLevel>${level}</minimumSecurityLevel></meetMe>`;
  const meetMeKey = (pattern: string) => `<pattern>${pattern}</pattern><routePartitionName>PT_RCC</routePartitionName>`;

  it("Meet-Me numbers: add, get, unique pattern + partition across the numbering plan, references, update, remove", async () => {
    expect(returnOf(await axl(s, "addMeetMe", meetMe("\\+14085559000")), "addMeetMe")).toMatch(UUID);
    const m = returnOf(await axl(s, "getMeetMe", meetMeKey("\\+14085559000")), "getMeetMe").meetMe;
    expect(m).toMatchObject({ pattern: "\\+14085559000", description: "Meet-Me \\+14085559000", minimumSecurityLevel: "Non Secure" });
    expect(m.routePartitionName["#text"] ?? m.routePartitionName).toBe("PT_RCC");
    expect(axlErrorOf(await axl(s, "addMeetMe", meetMe("\\+14085559000"))).axlcode).toBe("-239");
    expect(axlErrorOf(await axl(s, "addMeetMe", meetMe(RCC_DN))).axlcode).toBe("-239"); // a DN has it
    expect(axlErrorOf(await axl(s, "addLine", r7
      ? `<newLine><pattern>\\+14085559000</pattern><usage>Device</usage><routePartitionName>PT_RCC</routePartitionName></newLine>`
      : `<line><pattern>\\+14085559000</pattern><usage>Device</usage><routePartitionName>PT_RCC</routePartitionName></line>`)).axlcode).toBe("4052");
    expect(axlErrorOf(await axl(s, "addMeetMe", meetMe("\\+14085559001", "PT_Nope"))).axlmessage).toMatch(/Route Partition \(PT_Nope\)/);
    const secret = await axl(s, "addMeetMe", meetMe("\\+14085559002", "PT_RCC", "Secret"));
    if (r7) expect(faultOf(secret).faultstring).toMatch(/cvc-enumeration-valid/); // 7.0: a strict enumeration
    else expect(axlErrorOf(secret).axlmessage).toMatch(/Minimum Security Level Secret is not valid/); // 12.x: union with string
    returnOf(await axl(s, "updateMeetMe", `${meetMeKey("\\+14085559000")}<description>RCC conference</description><minimumSecurityLevel>Authenticated</minimumSecurityLevel>`), "updateMeetMe");
    const u = returnOf(await axl(s, "getMeetMe", meetMeKey("\\+14085559000")), "getMeetMe").meetMe;
    expect([u.description, u.minimumSecurityLevel]).toEqual(["RCC conference", "Authenticated"]);
    expect(rowsOf(await sql("select dnorpattern, tkpatternusage from numplan where tkpatternusage = 1"))).toEqual([{ dnorpattern: "\\+14085559000", tkpatternusage: "1" }]);
    expect(axlErrorOf(await axl(s, "getMeetMe", meetMeKey("\\+14085559999"))).axlcode).toBe("5007");
    expect(axlErrorOf(await axl(s, "updateMeetMe", `${meetMeKey("\\+14085559999")}<description>x</description>`)).axlcode).toBe("5003");
    expect(returnOf(await axl(s, "removeMeetMe", meetMeKey("\\+14085559000")), "removeMeetMe")).toMatch(UUID);
    expect(axlErrorOf(await axl(s, "removeMeetMe", meetMeKey("\\+14085559000"))).axlcode).toBe("5007");
  });

  // --- application dial rules -----------------------------------------------------------------------

  it("application dial rules: add, duplicates, get, update, remove (7.0: SQL on applicationdialrule)", async () => {
    const insert = (name: string, description: string) =>
      sqlUpdate(
        `INSERT INTO applicationdialrule (name, description, numbeginwith, numofdigits, digitsremoved, prefix) VALUES (${sqlQuote(name)}, ${sqlQuote(description)}, '+1', 12, 1, '')`,
      );
    const add12 = (name: string, description: string) =>
      axl(
        s,
        "addApplicationDialRules",
        `<applicationDialRules><name>${name}</name><description>${xmlText(description)}</description><numberBeginWith>+1</numberBeginWith><numberOfDigits>12</numberOfDigits>` +
          `<digitsToBeRemoved>1</digitsToBeRemoved><prefixPattern></prefixPattern><priority>1</priority></applicationDialRules>`,
      );
    const add = r7 ? insert : add12;
    const first = await add("E164 to national", NASTY);
    expect(first.status, first.text).toBe(200);
    // the value is stored exactly, and nothing else ran
    expect(rowsOf(await sql("select * from applicationdialrule"))).toEqual([
      { pkid: expect.stringMatching(/^[0-9a-f-]{36}$/), name: "E164 to national", description: NASTY, numbeginwith: "+1", numofdigits: "12", digitsremoved: "1", prefix: "" },
    ]);
    expect(s.db.devices.size).toBeGreaterThan(0);
    expect(rowsOf(await sql(`select name from applicationdialrule where description = ${sqlQuote(NASTY)}`))).toHaveLength(1);
    expect(axlErrorOf(await add("E164 to national", "again")).axlcode).toBe("-239");
    if (r7) {
      // a second statement after ';' is a syntax error, not executed
      const injected = axlErrorOf(await sqlUpdate("insert into applicationdialrule (name, numofdigits, digitsremoved, prefix) values ('x', 1, 0, '9'); delete from applicationdialrule"));
      expect(injected.axlcode).toBe("-201");
      expect(axlErrorOf(await sqlUpdate("insert into applicationdialrule (name, numofdigits) values ('y', 'ten')")).axlcode).toBe("-1213");
      expect(axlErrorOf(await sqlUpdate("insert into applicationdialrule (name, priority) values ('y', 1)")).axlcode).toBe("-217"); // no priority column is known
      expect(axlErrorOf(await sqlUpdate("insert into applicationdialrule (description) values ('no name')")).axlcode).toBe("-391");
      expect(axlErrorOf(await sqlUpdate("insert into applicationdialrul (name) values ('x')")).axlcode).toBe("-206");
      expect(axlErrorOf(await sqlUpdate("insert into applicationdialrule (name, description) values ('unterminated)")).axlcode).toBe("-201");
      const upd = await sqlUpdate(`update applicationdialrule set prefix = '9', description = 'a '';'' b' where name = 'E164 to national'`);
      expect(returnOf(upd, "executeSQLUpdate").rowsUpdated).toBe("1");
      expect(rowsOf(await sql("select prefix, description from applicationdialrule"))).toEqual([{ prefix: "9", description: "a ';' b" }]);
      expect(returnOf(await sqlUpdate("delete from applicationdialrule where name = 'E164 to national'"), "executeSQLUpdate").rowsUpdated).toBe("1");
      expect(returnOf(await sqlUpdate("delete from applicationdialrule where name = 'E164 to national'"), "executeSQLUpdate").rowsUpdated).toBe("0");
      // 7.0 has no application dial rule operations
      expect(faultOf(await axl(s, "getApplicationDialRules", "<name>x</name>")).faultstring).toMatch(/local:"getApplicationDialRules"/);
    } else {
      const got = returnOf(await axl(s, "getApplicationDialRules", "<name>E164 to national</name>"), "getApplicationDialRules").applicationDialRules;
      expect(got).toMatchObject({ name: "E164 to national", description: NASTY, numberBeginWith: "+1", numberOfDigits: "12", digitsToBeRemoved: "1", priority: "1" });
      const rule = axlErrorOf(await axl(s, "updateApplicationDialRules", "<name>E164 to national</name><digitsToBeRemoved>13</digitsToBeRemoved>"));
      expect(rule.axlcode).toBe("5000");
      const noop = axlErrorOf(await axl(s, "updateApplicationDialRules", "<name>E164 to national</name><digitsToBeRemoved>0</digitsToBeRemoved>"));
      expect(noop.axlmessage).toMatch(/remove digits or prefix/);
      returnOf(await axl(s, "updateApplicationDialRules", "<name>E164 to national</name><prefixPattern>9</prefixPattern>"), "updateApplicationDialRules");
      expect(rowsOf(await sql("select prefix from applicationdialrule"))).toEqual([{ prefix: "9" }]);
      expect(faultOf(await axl(s, "addApplicationDialRules", "<applicationDialRules><name>n</name><numberOfDigits>ten</numberOfDigits><digitsToBeRemoved>0</digitsToBeRemoved><priority>1</priority></applicationDialRules>")).faultstring).toMatch(/cvc-pattern-valid/);
      expect(axlErrorOf(await axl(s, "getApplicationDialRules", "<name>nope</name>")).axlcode).toBe("5007");
      expect(returnOf(await axl(s, "removeApplicationDialRules", "<name>E164 to national</name>"), "removeApplicationDialRules")).toMatch(UUID);
      expect(axlErrorOf(await axl(s, "removeApplicationDialRules", "<name>E164 to national</name>")).axlcode).toBe("5007");
    }
  });

  it("stores quotes, semicolons and comments literally through executeSQLUpdate and runs nothing else", async () => {
    const before = s.db.devices.size;
    const r = await sqlUpdate(`update device set description = ${sqlQuote(NASTY)} where name = 'SEP001122334466'`);
    expect(returnOf(r, "executeSQLUpdate").rowsUpdated).toBe("1");
    expect(s.db.deviceByName("SEP001122334466")!.description).toBe(NASTY);
    expect(s.db.devices.size).toBe(before);
    // a comment outside a literal is a comment (Informix); inside a literal it is text
    expect(rowsOf(await sql("select name from device where name = 'SEP001122334466' -- and name = 'nothing'"))).toEqual([{ name: "SEP001122334466" }]);
    expect(rowsOf(await sql("select name from device where description = '-- not a comment'"))).toEqual([]);
    // a classic injection with an unbalanced quote never reaches a second statement
    expect(axlErrorOf(await sqlUpdate("update device set description = 'x' where name = 'a'; delete from device; --'")).axlcode).toBe("-201");
    expect(s.db.devices.size).toBe(before);
    expect(axlErrorOf(await sql("select name from device; select name from enduser")).axlcode).toBe("-201");
    expect(axlErrorOf(await sql("delete from device")).axlcode).toBe("5000");
    expect(axlErrorOf(await sqlUpdate("delete from device")).axlmessage).toMatch(/does not support DELETE FROM device/);
    // double-quoted literals (Informix without DELIMIDENT), doubled quotes inside
    returnOf(await sqlUpdate(`update device set description = "say ""hi""; -- ok" where name = 'SEP001122334466'`), "executeSQLUpdate");
    expect(s.db.deviceByName("SEP001122334466")!.description).toBe('say "hi"; -- ok');
    expect(rowsOf(await sql("select first 1 name from device order by name"))).toEqual([{ name: "EM-alee" }]);
  });

  // --- removal and cascades -------------------------------------------------------------------------

  it("removes end users, profiles and services in CUCM's order (subscriptions first)", async () => {
    expect(returnOf(await axl(s, "removeUser", "<userid>alee</userid>"), "removeUser")).toMatch(UUID);
    expect(axlErrorOf(await axl(s, "removeUser", "<userid>alee</userid>")).axlcode).toBe("5007");
    expect(returnOf(await axl(s, "removeDeviceProfile", r7 ? "<profileName>EM-alee</profileName>" : "<name>EM-alee</name>"), "removeDeviceProfile")).toMatch(UUID);
    returnOf(await axl(s, "updatePhone", "<name>SEP001122334455</name><services/>"), "updatePhone");
    const removed = r7 ? await sqlUpdate("delete from telecasterservice where name = 'Extension Mobility'") : await axl(s, "removeIpPhoneServices", "<serviceName>Extension Mobility</serviceName>");
    expect(removed.status, removed.text).toBe(200);
    expect(rowsOf(await sql("select name from telecasterservice"))).toEqual([]);
  });

  it("accepts exactly the requests Cisco's schema accepts (every request above, checked with xmllint)", () => {
    const sent = s.requests.filter((r) => r.requestXml && r.response);
    const complaints = validateAxlRequests(
      release,
      sent.map((r, i) => ({ label: `r${i}`, xml: r.body })),
    );
    const invalid = new Set(complaints.map((c) => c.slice(0, c.indexOf(":"))));
    const mismatches = sent.flatMap((r, i) => {
      const rejected = /<faultstring>Unmarshalling Error: /.test(r.response!);
      return rejected === invalid.has(`r${i}`) ? [] : [`${r.operation} ${rejected ? "rejected" : "accepted"} by the simulator, ${invalid.has(`r${i}`) ? "invalid" : "valid"} for Cisco's schema: ${r.requestXml}`];
    });
    expect(mismatches).toEqual([]);
    expect(sent.length).toBeGreaterThan(50);
    expect(invalid.size).toBeGreaterThan(1);
  });
});
