/**
 * AXL faults in both of CUCM's shapes, through the real AxlClient over HTTPS against the simulator:
 * 7.0 answers detail/axl:Error {axl:code, axl:message, request}, 12.5+ detail/axlError {axlcode,
 * axlmessage, request}. Per shape: not found on get / update / remove, duplicates (4052 for a line,
 * -239 otherwise), throttling (-1 and HTTP 503), the lost-response check before an add is sent again,
 * and a release the server does not serve (HTTP 599 → VersionMismatch). Then other spellings of the
 * 7.0 shape (any prefix, a default namespace, none) from a hand-made server, and the cause each
 * error keeps (never the request and its Authorization header).
 */
import * as fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RcclabError } from "../providers/core/errors";
import { AxlClient, type AxlConnection, axlConnectionSchema } from "../providers/cucm/axl/client";
import { availableVersions, axlFaultOf, mapAxlError } from "../providers/cucm/axl/faults";
import type { AxlRelease, PhoneSpec } from "../providers/cucm/axl/model";
import { type CucmSim, startCucmSim } from "../src/labsim/cucm";
import { failure, quiet } from "./support/kinds";

const PASSWORD = "F4ult-P4ss&<>";
const caDir = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-axl-faults-"));
afterAll(() => fs.rmSync(caDir, { recursive: true, force: true }));

function connectionTo(sim: CucmSim, release: AxlRelease, extra: Partial<AxlConnection> = {}): AxlConnection {
  return axlConnectionSchema.parse({
    host: "127.0.0.1",
    port: sim.port,
    username: "axl",
    password: PASSWORD,
    release,
    tls: { caPem: sim.caPem },
    timeoutMs: 3_000,
    retries: 3,
    minRetryDelayMs: 5,
    maxRetryDelayMs: 20,
    ...extra,
  });
}

/** Nothing in an error's cause may carry the credentials or the request that held them. */
function expectSafeCause(e: RcclabError): void {
  const cause = (e as Error & { cause?: unknown }).cause;
  expect(cause).toBeDefined();
  const json = JSON.stringify(cause);
  const basic = Buffer.from(`axl:${PASSWORD}`).toString("base64");
  for (const secret of [PASSWORD, basic, "Authorization", "authorization"]) expect(json).not.toContain(secret);
  expect(cause).not.toHaveProperty("config");
  expect(cause).not.toHaveProperty("response");
  // `request` is only ever the operation name CUCM's detail gives, never the HTTP request.
  const request = (cause as { request?: unknown }).request;
  if (request !== undefined) expect(request).toMatch(/^\w+$/);
  for (const v of Object.values(cause as object)) expect(["string", "number"]).toContain(typeof v);
}

const phone = (name: string): PhoneSpec => ({
  name,
  product: "Cisco 7975",
  protocol: "SCCP",
  devicePoolName: "Default",
  locationName: "Hub_None",
  securityProfileName: "Cisco 7975 - Standard SCCP Non-Secure Profile",
  phoneTemplateName: "Standard 7975 SCCP",
  lines: [],
});

describe.each([
  ["7.0", "7.0"],
  ["14.0", "8+"],
] as const)("AXL %s faults (shape %s) through the client", (release, shape) => {
  let sim: CucmSim;
  let axl: AxlClient;
  const sent = (operation: string) => sim.requests.filter((r) => r.operation === operation && r.injected !== "503" && r.injected !== "axl-1").length;

  beforeAll(async () => {
    sim = await startCucmSim({ release, caDir, users: { axl: PASSWORD } });
    axl = new AxlClient(connectionTo(sim, release), quiet);
    await axl.ensureRelease();
  });
  afterAll(async () => {
    axl?.close();
    await sim?.stop();
  });

  it("the simulator answers in this shape", async () => {
    await failure(axl.once(axl.adapter.line.get({ pattern: "7999" })));
    const last = sim.requests.at(-1)!;
    expect(last.status).toBe(500);
    if (shape === "7.0") expect(last.response).toMatch(/<detail><axl:Error xmlns:axl="[^"]+"><axl:code>5007<\/axl:code><axl:message>/);
    else expect(last.response).toMatch(/<detail><axlError><axlcode>5007<\/axlcode><axlmessage>/);
  });

  it("not found on get: 5007 → NotFound (get answers undefined), with the axl code and a safe cause", async () => {
    const e = (await failure(axl.once(axl.adapter.line.get({ pattern: "7001" })))) as RcclabError;
    expect(e).toBeInstanceOf(RcclabError);
    expect(e.code).toBe("NotFound");
    expect(e.systemCode).toBe(5007);
    expect(e.message).toMatch(/^getLine: Item not valid: The specified Line was not found \(axlcode 5007\)$/);
    expect((e as Error & { cause?: unknown }).cause).toMatchObject({ shape, axlcode: 5007, request: "getLine", httpStatus: 500, faultcode: "soapenv:Server" });
    expectSafeCause(e);
    expect(await axl.get(axl.adapter.line, { pattern: "7001" })).toBeUndefined();
    expect(await axl.get(axl.adapter.phone, "SEP0000000070FF")).toBeUndefined();
  });

  it("not found on update: 5003 → NotFound", async () => {
    const req = axl.adapter.line.update({ uuid: "", pattern: "7002" }, { pattern: "7002", description: "x" })[0]!;
    const e = (await failure(axl.once(req))) as RcclabError;
    expect([e.code, e.systemCode]).toEqual(["NotFound", 5003]);
    expectSafeCause(e);
    const viaClient = (await failure(axl.update(axl.adapter.line, { pattern: "7002" }, { pattern: "7002", description: "x" }))) as RcclabError;
    expect(viaClient.code).toBe("NotFound");
  });

  it("not found on remove: 5007 → NotFound (remove answers false: already gone)", async () => {
    const e = (await failure(axl.once(axl.adapter.phone.remove("SEP0000000070FE")))) as RcclabError;
    expect([e.code, e.systemCode]).toEqual(["NotFound", 5007]);
    expect(await axl.remove(axl.adapter.phone, "SEP0000000070FE")).toBe(false);
    expect(await axl.remove(axl.adapter.line, { pattern: "7003" })).toBe(false);
  });

  it("a 5007 naming a missing reference in an add is InvalidRequest, not NotFound", async () => {
    const e = (await failure(axl.add(axl.adapter.line, { pattern: "7004", routePartitionName: "PT_Nowhere" }, { pattern: "7004", routePartitionName: "PT_Nowhere" }))) as RcclabError;
    expect([e.code, e.systemCode]).toEqual(["InvalidRequest", 5007]);
    expect(e.message).toContain("PT_Nowhere");
  });

  it("duplicates: 4052 for a line, -239 for a device → AlreadyExists, not retried", async () => {
    await axl.add(axl.adapter.line, { pattern: "7010" }, { pattern: "7010" });
    const before = sent("addLine");
    const dn = (await failure(axl.add(axl.adapter.line, { pattern: "7010" }, { pattern: "7010" }))) as RcclabError;
    expect([dn.code, dn.systemCode]).toEqual(["AlreadyExists", 4052]);
    expect(dn.message).toMatch(/A DN exists with the same pattern and partition/);
    expect(sent("addLine") - before).toBe(1);
    expectSafeCause(dn);

    await axl.add(axl.adapter.phone, phone("SEP0000000070A1"), "SEP0000000070A1");
    const dev = (await failure(axl.add(axl.adapter.phone, phone("SEP0000000070A1"), "SEP0000000070A1"))) as RcclabError;
    expect([dev.code, dev.systemCode]).toEqual(["AlreadyExists", -239]);
    expect(dev.message).toMatch(/duplicate value in a UNIQUE INDEX column/);
    await axl.remove(axl.adapter.phone, "SEP0000000070A1");
  });

  it("throttling: -1 'Maximum AXL Memory Allocation Consumed' and HTTP 503 → Throttled, retried", async () => {
    sim.inject({ kind: "axl-1", operation: "addLine", times: 1 });
    sim.inject({ kind: "503", operation: "addLine", times: 1 });
    const before = sim.requests.filter((r) => r.operation === "addLine").length;
    expect(await axl.add(axl.adapter.line, { pattern: "7020" }, { pattern: "7020" })).toMatch(/^\{[0-9A-F-]{36}\}$/);
    expect(sim.requests.filter((r) => r.operation === "addLine").length - before).toBe(3);

    const once = new AxlClient(connectionTo(sim, release, { retries: 0 }), quiet);
    sim.inject({ kind: "axl-1", operation: "addLine", times: 1 });
    const memory = (await failure(once.add(once.adapter.line, { pattern: "7021" }, { pattern: "7021" }))) as RcclabError;
    expect([memory.code, memory.systemCode, memory.retryable]).toEqual(["Throttled", -1, true]);
    expect((memory as Error & { cause?: unknown }).cause).toMatchObject({ shape, axlcode: -1 });
    sim.inject({ kind: "503", operation: "addLine", times: 1 });
    const busy = (await failure(once.add(once.adapter.line, { pattern: "7021" }, { pattern: "7021" }))) as RcclabError;
    expect([busy.code, busy.systemCode, busy.retryable]).toEqual(["Throttled", 503, true]);
    expectSafeCause(busy);
    once.close();
  });

  it("a lost response: the add took effect, the client checks with a get and does not add again", async () => {
    sim.inject({ kind: "reset-after", operation: "addLine", times: 1 });
    const from = sim.requests.length;
    const uuid = await axl.add(axl.adapter.line, { pattern: "7030", description: "lost" }, { pattern: "7030" });
    const ops = sim.requests.slice(from).map((r) => `${r.operation}${r.injected ? `(${r.injected})` : ""}`);
    expect(ops).toEqual(["addLine(reset-after)", "getLine"]);
    expect((await axl.get(axl.adapter.line, { pattern: "7030" }))?.uuid).toBe(uuid);
    expect([...sim.db.lines.values()].filter((l) => l.pattern === "7030")).toHaveLength(1);
  });

  it("a lost response of an add that did not take effect: the get finds nothing, the add is sent again", async () => {
    sim.inject({ kind: "reset-before", operation: "addLine", times: 1 });
    const from = sim.requests.length;
    await axl.add(axl.adapter.line, { pattern: "7031" }, { pattern: "7031" });
    const ops = sim.requests.slice(from).map((r) => `${r.operation}${r.injected ? `(${r.injected})` : ""}`);
    expect(ops).toEqual(["addLine(reset-before)", "getLine", "addLine"]);
  });

  it("a release the server does not serve: HTTP 599 → VersionMismatch naming cucm.release and what is served", async () => {
    const other: AxlRelease = release === "7.0" ? "12.5" : "7.0";
    const client = new AxlClient(connectionTo(sim, other), quiet);
    const before = sim.requests.length;
    const e = (await failure(client.add(client.adapter.line, { pattern: "7040" }, { pattern: "7040" }))) as RcclabError;
    expect(e.code).toBe("VersionMismatch");
    expect(e.systemCode).toBe(599);
    expect(e.retryable).toBe(false);
    expect(e.message).toBe(
      `getCCMVersion: CUCM at 127.0.0.1:${sim.port} does not serve the configured AXL release ${other} (cucm.release) (HTTP 599); it serves ${release}`,
    );
    expectSafeCause(e);
    const seen = sim.requests.slice(before);
    expect(seen.map((r) => [r.operation, r.status])).toEqual([["", 599]]); // one request, never an add
    expect(seen[0]!.response).toBe(`The specified version is not available. Available versions are ${release}`);
    client.close();
  });
});

// --- other spellings of the fault, from a hand-made server ------------------------------------------

/** A fault envelope; `detail` is the XML inside <detail>. */
const faultXml = (detail: string, faultstring = "Item not valid: The specified Line was not found") =>
  `<?xml version='1.0' encoding='UTF-8'?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault>` +
  `<faultcode>soapenv:Server</faultcode><faultstring>${faultstring}</faultstring><detail>${detail}</detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`;

const SPELLINGS: Array<[string, string]> = [
  ["7.0, axl: prefix", `<axl:Error xmlns:axl="http://www.cisco.com/AXL/7.0"><axl:code>5007</axl:code><axl:message>Item not valid: The specified Line was not found</axl:message><request>getLine</request></axl:Error>`],
  ["7.0, all prefixed, API namespace", `<x:Error xmlns:x="http://www.cisco.com/AXL/API/7.0"><x:code>5007</x:code><x:message>Item not valid: The specified Line was not found</x:message><x:request>getLine</x:request></x:Error>`],
  ["7.0, default namespace", `<Error xmlns="http://www.cisco.com/AXL/API/7.0"><code>5007</code><message>Item not valid: The specified Line was not found</message><request>getLine</request></Error>`],
  ["7.0, no namespace", `<Error><code>5007</code><message>Item not valid: The specified Line was not found</message><request>getLine</request><url>http://cisco.com</url></Error>`],
  ["8.x+, no prefix", `<axlError><axlcode>5007</axlcode><axlmessage>Item not valid: The specified Line was not found</axlmessage><request>getLine</request></axlError>`],
  ["8.x+, prefixed", `<ns1:axlError xmlns:ns1="http://www.cisco.com/AXL/API/14.0"><ns1:axlcode>5007</ns1:axlcode><ns1:axlmessage>Item not valid: The specified Line was not found</ns1:axlmessage><ns1:request>getLine</ns1:request></ns1:axlError>`],
];

describe("AXL fault spellings through the client", () => {
  let sim: CucmSim;
  let answer = { status: 500, body: "" };
  beforeAll(async () => {
    sim = await startCucmSim({ release: "7.0", caDir, users: { axl: PASSWORD } });
    // Answers every /axl/ request with the current canned reply (Basic auth not checked here).
    sim.mount("/axl/", (req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(answer.status, { "Content-Type": answer.status === 599 ? "text/plain" : "text/xml;charset=utf-8" });
        res.end(answer.body);
      });
    });
  });
  afterAll(async () => sim?.stop());

  it.each(SPELLINGS)("%s: 5007 on a get → NotFound, 4052 on an add → AlreadyExists", async (_label, detail) => {
    const client = new AxlClient(connectionTo(sim, "7.0", { retries: 0 }), quiet);
    answer = { status: 500, body: faultXml(detail) };
    const notFound = (await failure(client.once(client.adapter.line.get({ pattern: "1" })))) as RcclabError;
    expect([notFound.code, notFound.systemCode]).toEqual(["NotFound", 5007]);
    expect(notFound.message).toBe("getLine: Item not valid: The specified Line was not found (axlcode 5007)");
    expect((notFound as Error & { cause?: unknown }).cause).toMatchObject({ axlcode: 5007, request: "getLine" });
    const dupDetail = detail.replaceAll(">5007<", ">4052<").replaceAll("Item not valid: The specified Line was not found", "Cannot insert or update pattern. A DN exists with the same pattern and partition.");
    answer = { status: 500, body: faultXml(dupDetail, "Cannot insert or update pattern. A DN exists with the same pattern and partition.") };
    const dup = (await failure(client.once(client.adapter.line.add({ pattern: "1" })))) as RcclabError;
    expect([dup.code, dup.systemCode]).toEqual(["AlreadyExists", 4052]);
    expectSafeCause(dup);
    client.close();
  });

  it("-1 in the 7.0 shape is throttling; a 7.0 fault without a code keeps its faultstring", async () => {
    const client = new AxlClient(connectionTo(sim, "7.0", { retries: 0 }), quiet);
    answer = { status: 500, body: faultXml(`<axl:Error xmlns:axl="http://www.cisco.com/AXL/7.0"><axl:code>-1</axl:code><axl:message>Maximum AXL Memory Allocation Consumed</axl:message><request>addLine</request></axl:Error>`, "Maximum AXL Memory Allocation Consumed") };
    const e = (await failure(client.once(client.adapter.line.add({ pattern: "1" })))) as RcclabError;
    expect([e.code, e.systemCode]).toEqual(["Throttled", -1]);
    answer = { status: 500, body: faultXml("", "Something else went wrong") };
    const plain = (await failure(client.once(client.adapter.line.add({ pattern: "1" })))) as RcclabError;
    expect([plain.code, plain.systemCode, plain.message]).toEqual(["InvalidRequest", undefined, "addLine: Something else went wrong"]);
    client.close();
  });

  it("HTTP 599: other wordings of the version list are read too", async () => {
    const client = new AxlClient(connectionTo(sim, "14.0", { retries: 0 }), quiet);
    answer = { status: 599, body: "Incorrect axl version. Supported axl versions: 11.5,12.5,14" };
    const e = (await failure(client.version())) as RcclabError;
    expect(e.code).toBe("VersionMismatch");
    expect(e.message).toMatch(/does not serve the configured AXL release 14\.0 \(cucm\.release\) \(HTTP 599\); it serves 11\.5, 12\.5, 14$/);
    answer = { status: 599, body: "" };
    expect(((await failure(client.version())) as RcclabError).message).toMatch(/it did not say which versions it serves$/);
    client.close();
  });
});

describe("fault helpers", () => {
  it("reads the versions an HTTP 599 lists", () => {
    expect(availableVersions("The specified version is not available. Available versions are 7.0")).toEqual(["7.0"]);
    expect(availableVersions("The specified version is not available. Available versions are 10.0, 10.5, 11.0.")).toEqual(["10.0", "10.5", "11.0"]);
    expect(availableVersions("<html><body>Available versions are: 12.5, 14.0</body></html>")).toEqual(["12.5", "14.0"]);
    expect(availableVersions("nothing here")).toEqual([]);
    expect(availableVersions(undefined)).toEqual([]);
  });

  it("reads a fault from the raw body when no parse was kept, and maps transport errors with a plain cause", () => {
    const raw = { response: { status: 500, data: faultXml(SPELLINGS[0]![1]), config: { headers: { Authorization: "Basic c2VjcmV0" } } } };
    expect(axlFaultOf(raw)).toMatchObject({ shape: "7.0", axlcode: 5007, request: "getLine", httpStatus: 500 });
    const e = mapAxlError(raw, "getLine", "https://cucm:8443/axl/", { system: "CUCM", release: "7.0", setting: "cucm.release" });
    expect([e.code, e.systemCode]).toEqual(["NotFound", 5007]);
    expect(JSON.stringify((e as Error & { cause?: unknown }).cause)).not.toContain("c2VjcmV0");
    // CUP's AXL client names CUP and its own setting.
    const cup = mapAxlError({ response: { status: 599, data: "The specified version is not available. Available versions are 8.0" } }, "executeSQLQuery", "https://cup:8443/axl/", { system: "CUP", release: "7.0", setting: "cup.release" });
    expect([cup.code, cup.message]).toEqual(["VersionMismatch", "executeSQLQuery: CUP at cup:8443 does not serve the configured AXL release 7.0 (cup.release) (HTTP 599); it serves 8.0"]);
    const reset = mapAxlError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET", config: { headers: { Authorization: "Basic c2VjcmV0" } } }), "addLine", "https://cucm:8443/axl/");
    expect(reset.code).toBe("Transport");
    expect((reset as Error & { cause?: unknown }).cause).toEqual({ code: "ECONNRESET", message: "socket hang up" });
    expect(String((reset as Error & { cause?: unknown }).cause)).toBe("ECONNRESET: socket hang up");
  });
});
