/**
 * The embedded CUCM AXL simulator, over real HTTPS verified against the lab CA it wrote: auth and
 * session cookies, CUCM's fault shapes, schema enforcement, references, product rules, throttling,
 * fault injection, persistence, both AXL families, and SQL. Envelopes are built by hand here, plus
 * one pass with rcclab's own release adapters (whose requests are validated against Cisco's schema).
 */
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adapterFor } from "../providers/cucm/axl/adapters";
import { type AxlRelease, type AxlRequest, axlNamespace } from "../providers/cucm/axl/model";
import { envelope as adapterEnvelope } from "../providers/cucm/axl/wsdl";
import { ensureLabCa, issueServerCert, sha256Fingerprint } from "../src/labsim/ca";
import { type CucmSim, type CucmSimOptions, DEFAULT_PASSWORD, DEFAULT_USER, startCucmSim } from "../src/labsim/cucm";
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

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

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
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: "127.0.0.1",
        port: s.port,
        path: o.path ?? "/axl/",
        method: o.method ?? "POST",
        headers,
        ...(o.ca === null ? {} : { ca: o.ca ?? s.caPem }),
        agent: false,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
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
const axlErrorOf = (r: Reply): { axlcode: string; axlmessage: string; request: string; faultcode: string } => {
  const f = faultOf(r);
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

  it("rejects a wrong namespace, a wrong SOAPAction, an unknown operation and malformed XML as Client faults", async () => {
    const other: AxlRelease = release === "7.0" ? "14.0" : "7.0";
    const wrongNs = await request(s, envelopeOf(other, "getCCMVersion", ""), { soapAction: `CUCM:DB ver=${release} getCCMVersion` });
    expect(faultOf(wrongNs).faultcode).toBe("soapenv:Client");
    expect(faultOf(wrongNs).faultstring).toMatch(/unexpected element \(uri:"http:\/\/www\.cisco\.com\/AXL\/API\//);
    for (const soapAction of [null, `CUCM:DB ver=${other} getCCMVersion`, `CUCM:DB ver=${release} getPhone`]) {
      const f = faultOf(await axl(s, "getCCMVersion", "", { soapAction }));
      expect(f.faultcode).toBe("soapenv:Client");
      expect(f.detail).toBeUndefined();
    }
    expect(faultOf(await axl(s, "doSomething", "")).faultstring).toMatch(/local:"doSomething"/);
    expect(faultOf(await request(s, "<soapenv:Envelope", { soapAction: "x" })).faultcode).toBe("soapenv:Client");
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
  const newPhone = (name: string, extra = "") =>
    `<newPhone><name>${name}</name><product>Cisco 7970</product><model>Cisco 7970</model><class>Phone</class><protocol>SIP</protocol><protocolSide>User</protocolSide>` +
    `<devicePoolName>Default</devicePoolName><securityProfileName>Cisco 7970 - Standard SIP Non-Secure Profile</securityProfileName><sipProfileName>Standard SIP Profile</sipProfileName>` +
    `<lines><line index="1"><label>L1</label><display/><dirn><pattern>3000</pattern><usage>Device</usage><routePartitionName>PT_Internal</routePartitionName></dirn>` +
    `<displayASCII>L1</displayASCII><maxNumCalls>4</maxNumCalls><busyTrigger>2</busyTrigger><callInfoDisplay><callerName>true</callerName></callInfoDisplay></line></lines>` +
    `<phoneTemplateName>Standard 7970 SIP</phoneTemplateName>${extra}</newPhone>`;

  it("adds a line (newLine) and gets it as directoryNumber", async () => {
    returnOf(await axl(s, "addLine", newLine("3000")), "addLine");
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
    expect(d.lines.line[0]["@index"]).toBe("1");
    expect(d.lines.line[0].index).toBeUndefined();
    expect(d.lines.line[0].displayASCII).toBe("L1");
    expect(d.lines.line[0].dirn).toMatchObject({ pattern: "3000", usage: "Device" });
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
    const dn = { pattern: "+14085550100", routePartitionName: "PT_RCC" };
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
    await ok(a.line.add({ ...dn, description: "RCC line", alertingName: "RCC" }));
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
