/**
 * The simulated CUCM's platform side: Serviceability's Control Center Services SOAP API over HTTPS
 * verified against the lab CA (attached to the AXL simulator as on a real CUCM, and standalone),
 * and the platform CLI over SSH (interactive shell with the admin: prompt, exec with exit codes).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as https from "node:https";
import { type Reply, httpsText } from "./support/https";
import * as os from "node:os";
import * as path from "node:path";
import { XMLParser } from "fast-xml-parser";
import * as soap from "soap";
import { Client, type ClientChannel } from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AxlRelease } from "../providers/cucm/axl/model";
import { type CucmSim, DEFAULT_PASSWORD, DEFAULT_USER, startCucmSim } from "../src/labsim/cucm";
import {
  CCS_NS,
  CONTROL_CENTER2_PATH,
  CONTROL_CENTER_PATH,
  type CucmPlatform,
  DEFAULT_CLI_PASSWORD,
  DEFAULT_CLI_USER,
  startCucmPlatform,
} from "../src/labsim/cucm-platform";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-platform-"));
const caDir = path.join(tmp, "ca");
const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const EM = "Cisco Extension Mobility";
const CTI = "Cisco CTIManager";

// --- HTTPS / SOAP ------------------------------------------------------------------------------------

const basic = (user = DEFAULT_USER, password = DEFAULT_PASSWORD): string => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

function request(port: number, ca: string | null, o: { path: string; method?: string; body?: string; auth?: string | null; contentType?: string }): Promise<Reply> {
  const headers: Record<string, string> = { "Content-Type": o.contentType ?? "text/xml; charset=utf-8" };
  if (o.auth !== null) headers.Authorization = o.auth ?? basic();
  return httpsText({ host: "127.0.0.1", port, path: o.path, method: o.method ?? "POST", headers, ...(ca === null ? {} : { ca }) }, o.body ?? "");
}

const envelope = (inner: string): string =>
  `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soap="${CCS_NS}"><soapenv:Header/><soapenv:Body>${inner}</soapenv:Body></soapenv:Envelope>`;
const statusRequest = (...names: string[]): string =>
  envelope(`<soap:soapGetServiceStatus><soap:ServiceStatus>${names.map((n) => `<soap:item>${n}</soap:item>`).join("")}</soap:ServiceStatus></soap:soapGetServiceStatus>`);
const deployRequest = (node: string, type: string, ...names: string[]): string =>
  envelope(
    `<soap:soapDoServiceDeployment><soap:DeploymentServiceRequest><soap:NodeName>${node}</soap:NodeName><soap:DeployType>${type}</soap:DeployType>` +
      `<soap:ServiceList>${names.map((n) => `<soap:item>${n}</soap:item>`).join("")}</soap:ServiceList></soap:DeploymentServiceRequest></soap:soapDoServiceDeployment>`,
  );
const controlRequest = (node: string, type: string, ...names: string[]): string =>
  envelope(
    `<soap:soapDoControlServices><soap:ControlServiceRequest><soap:NodeName>${node}</soap:NodeName><soap:ControlType>${type}</soap:ControlType>` +
      `<soap:ServiceList>${names.map((n) => `<soap:item>${n}</soap:item>`).join("")}</soap:ServiceList></soap:ControlServiceRequest></soap:soapDoControlServices>`,
  );

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", parseTagValue: false, removeNSPrefix: true, isArray: (name) => name === "item" });
type Obj = Record<string, any>;
function returnOf(r: Reply, op: string): Obj {
  expect(r.status, r.text).toBe(200);
  return parser.parse(r.text).Envelope.Body[`${op}Response`][`${op}Return`];
}
function faultOf(r: Reply): Obj {
  expect(r.status, r.text).toBe(500);
  return parser.parse(r.text).Envelope.Body.Fault;
}

// --- SSH -----------------------------------------------------------------------------------------------

const fingerprintOf = (key: Buffer): string => `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;

function connect(p: CucmPlatform, o: { user?: string; password?: string } = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.on("ready", () => resolve(c));
    c.on("error", reject);
    c.connect({
      host: p.ssh!.host,
      port: p.ssh!.port,
      username: o.user ?? DEFAULT_CLI_USER,
      password: o.password ?? DEFAULT_CLI_PASSWORD,
      // verify the server against the host key it was started with
      hostVerifier: (key: Buffer) => fingerprintOf(key) === p.ssh!.hostKeyFingerprint,
      readyTimeout: 10_000,
    });
  });
}

function exec(c: Client, command: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    c.exec(command, (err, stream) => {
      if (err) return reject(err);
      let out = "";
      let code: number | null = null;
      stream.on("data", (d: Buffer) => (out += d.toString()));
      stream.stderr.on("data", (d: Buffer) => (out += d.toString()));
      stream.on("exit", (c2: number | null) => (code = c2));
      stream.on("close", () => resolve({ code, out }));
    });
  });
}

/** An interactive shell: send a line once the prompt is there, collect what comes until the next prompt. */
class Shell {
  private buf = "";
  private waiters: Array<() => void> = [];
  closed = false;
  constructor(readonly stream: ClientChannel) {
    stream.on("data", (d: Buffer) => {
      this.buf += d.toString();
      this.waiters.splice(0).forEach((w) => w());
    });
    stream.on("close", () => {
      this.closed = true;
      this.waiters.splice(0).forEach((w) => w());
    });
  }
  static open(c: Client, pty = true): Promise<Shell> {
    return new Promise((resolve, reject) => {
      const cb = (err: Error | undefined, stream: ClientChannel) => (err ? reject(err) : resolve(new Shell(stream)));
      if (pty) c.shell({ term: "vt100", cols: 120, rows: 40 }, cb);
      else c.shell(false, cb);
    });
  }
  /** Everything received up to (and without) the next `admin:` prompt. */
  async untilPrompt(prompt = "admin:", timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.buf.indexOf(prompt);
      if (i >= 0) {
        const out = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + prompt.length);
        return out;
      }
      if (this.closed) throw new Error(`shell closed; got: ${JSON.stringify(this.buf)}`);
      if (Date.now() > deadline) throw new Error(`no prompt; got: ${JSON.stringify(this.buf)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }
  async run(line: string): Promise<string> {
    this.stream.write(`${line}\r`);
    return (await this.untilPrompt()).replace(/\r/g, "");
  }
  async closedAfter(line: string): Promise<void> {
    this.stream.write(`${line}\r`);
    const deadline = Date.now() + 5000;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(this.closed).toBe(true);
  }
}

// ---------------------------------------------------------------------------------------------------------

describe.each(["7.0", "14.0"] as AxlRelease[])("CUCM %s platform, attached to the AXL simulator", (release) => {
  let sim: CucmSim;
  let p: CucmPlatform;
  const stateFile = path.join(tmp, `state-${release}`, "cucm.json");
  const r7 = release === "7.0";

  beforeAll(async () => {
    sim = await startCucmSim({
      release,
      caDir,
      stateFile,
      users: { [DEFAULT_USER]: DEFAULT_PASSWORD, monitor: { password: "mon", serviceabilityAccess: false } },
    });
    p = await startCucmPlatform({ sim });
    stops.push(() => sim.stop(), () => p.stop());
  });

  it("serves Control Center Services on the simulator's own HTTPS port, verified against the lab CA", async () => {
    expect(p.port).toBe(sim.port);
    expect(p.serviceabilityUrl).toBe(`https://127.0.0.1:${sim.port}${CONTROL_CENTER_PATH}`);
    expect(p.serviceabilityUrls).toEqual(r7 ? [p.serviceabilityUrl] : [p.serviceabilityUrl, `https://127.0.0.1:${sim.port}${CONTROL_CENTER2_PATH}`]);
    await expect(request(p.port, null, { path: CONTROL_CENTER_PATH, body: statusRequest(EM) })).rejects.toThrow(/self-signed|unable to verify|certificate/i);
    const page = await request(p.port, sim.caPem, { path: CONTROL_CENTER_PATH, method: "GET" });
    expect(page.text).toMatch(/ControlCenterServicesPort/);
    const v2 = await request(p.port, sim.caPem, { path: CONTROL_CENTER2_PATH, body: statusRequest(EM) });
    expect(v2.status).toBe(r7 ? 404 : 200); // 7.0 has only the original path
    // AXL is still there
    expect((await request(p.port, sim.caPem, { path: "/axl/", method: "GET" })).text).toMatch(/AXL Web Service is working/);
  });

  it("needs HTTP Basic credentials with the serviceability role", async () => {
    for (const auth of [null, basic(DEFAULT_USER, "wrong")]) {
      const r = await request(p.port, sim.caPem, { path: CONTROL_CENTER_PATH, body: statusRequest(EM), auth });
      expect(r.status).toBe(401);
      expect(r.headers["www-authenticate"]).toMatch(/^Basic realm=/);
    }
    expect((await request(p.port, sim.caPem, { path: CONTROL_CENTER_PATH, body: statusRequest(EM), auth: basic("monitor", "mon") })).status).toBe(403);
  });

  it("reports Cisco Extension Mobility as not activated on a fresh node", async () => {
    const ret = returnOf(await request(p.port, sim.caPem, { path: CONTROL_CENTER_PATH, body: statusRequest(EM) }), "soapGetServiceStatus");
    expect(ret.ReasonCode).toBe("-1");
    expect(ret.ServiceInfoList.item).toEqual([
      expect.objectContaining({ ServiceName: EM, ServiceStatus: "Stopped", ReasonCode: "-1068", ReasonCodeString: "Service Not Activated" }),
    ]);
    const all = returnOf(await request(p.port, sim.caPem, { path: CONTROL_CENTER_PATH, body: statusRequest() }), "soapGetServiceStatus");
    const byName = new Map(all.ServiceInfoList.item.map((i: Obj) => [i.ServiceName, i]));
    expect(byName.get("Cisco CallManager")).toMatchObject({ ServiceStatus: "Started", ReasonCode: "-1" });
    expect(byName.get("Cisco AXL Web Service")).toMatchObject({ ServiceStatus: "Started" });
    expect(byName.size).toBeGreaterThan(30);
    // CTIManager, which RCC needs, is a feature service that starts deactivated too
    expect(byName.get(CTI)).toMatchObject({ ServiceStatus: "Stopped", ReasonCode: "-1068", ReasonCodeString: "Service Not Activated" });
    expect(p.services.def(CTI)).toMatchObject({ kind: "feature", group: "CTI Services" });
  });

  it("activates (Deploy) and deactivates (UnDeploy) a feature service; the state persists with the simulator's", async () => {
    const node = "cucm";
    const dep = returnOf(await request(p.port, sim.caPem, { path: CONTROL_CENTER_PATH, body: deployRequest(node, "Deploy", EM) }), "soapDoServiceDeployment");
    expect([dep.ReturnCode, dep.ReasonCode]).toEqual(["Success", "-1"]);
    expect(dep.ServiceInfoList.item[0]).toMatchObject({ ServiceName: EM, ServiceStatus: "Started", ReasonCode: "-1" });
    expect(p.services.status(EM)).toMatchObject({ status: "Started", activated: true });
    const saved = JSON.parse(fs.readFileSync(stateFile, "utf8"));
    expect(saved.db.platformServices.find((r: Obj) => r.name === EM)).toMatchObject({ activated: true, running: true });

    // a network service is not deployable; an unknown name is reported, not invented
    const net = returnOf(await request(p.port, sim.caPem, { path: CONTROL_CENTER_PATH, body: deployRequest(node, "Deploy", "Cisco Tomcat", "Cisco Frobnicator") }), "soapDoServiceDeployment");
    expect(net.ReturnCode).toBe("Failure");
    expect(net.ServiceInfoList.item.map((i: Obj) => [i.ServiceName, i.ServiceStatus, i.ReasonCodeString])).toEqual([
      ["Cisco Tomcat", "Started", "Service Not Deployable"],
      ["Cisco Frobnicator", "Unknown", "Service Not Found"],
    ]);
    // the local node only
    expect(faultOf(await request(p.port, sim.caPem, { path: CONTROL_CENTER_PATH, body: deployRequest("other-node", "Deploy", EM) })).faultstring).toMatch(/not this node/);
    expect(faultOf(await request(p.port, sim.caPem, { path: CONTROL_CENTER_PATH, body: deployRequest(node, "Install", EM) })).faultstring).toMatch(/DeployType/);
  });

  it("starts, stops and restarts an activated service (soapDoControlServices)", async () => {
    const stop = returnOf(await request(p.port, sim.caPem, { path: CONTROL_CENTER_PATH, body: controlRequest("127.0.0.1", "Stop", EM) }), "soapDoControlServices");
    expect(stop.ServiceInfoList.item[0]).toMatchObject({ ServiceStatus: "Stopped", ReasonCode: "-1019", ReasonCodeString: "Commanded Out of Service" });
    const start = returnOf(await request(p.port, sim.caPem, { path: CONTROL_CENTER_PATH, body: controlRequest("127.0.0.1", "Start", EM) }), "soapDoControlServices");
    expect(start.ServiceInfoList.item[0]).toMatchObject({ ServiceStatus: "Started" });
    const restart = returnOf(await request(p.port, sim.caPem, { path: CONTROL_CENTER_PATH, body: controlRequest("cucm", "Restart", "Cisco Tftp") }), "soapDoControlServices");
    expect(restart.ServiceInfoList.item[0]).toMatchObject({ ServiceName: "Cisco Tftp", ServiceStatus: "Started" });
    // a deactivated service cannot be started
    const off = returnOf(await request(p.port, sim.caPem, { path: CONTROL_CENTER_PATH, body: controlRequest("cucm", "Start", "Cisco DirSync") }), "soapDoControlServices");
    expect(off.ReturnCode).toBe("Failure");
    expect(off.ServiceInfoList.item[0]).toMatchObject({ ServiceStatus: "Stopped", ReasonCodeString: "Service Not Activated" });
  });

  it("answers unknown operations and malformed requests with SOAP faults", async () => {
    const f = faultOf(await request(p.port, sim.caPem, { path: CONTROL_CENTER_PATH, body: envelope("<soap:soapDoSomething/>") }));
    expect(f.faultcode).toBe("soapenv:Client");
    expect(f.faultstring).toMatch(/No such operation 'soapDoSomething'/);
    expect(faultOf(await request(p.port, sim.caPem, { path: CONTROL_CENTER_PATH, body: "<soapenv:Envelope" })).faultcode).toBe("soapenv:Client");
    expect((await request(p.port, sim.caPem, { path: CONTROL_CENTER_PATH, method: "PUT" })).status).toBe(405);
    expect((await request(p.port, sim.caPem, { path: "/controlcenterservice/services/Nope", body: statusRequest() })).status).toBe(404);
  });

  it("serves a WSDL a SOAP client (node-soap) can use", async () => {
    const agent = new https.Agent({ ca: sim.caPem });
    const client = await soap.createClientAsync(`${p.serviceabilityUrl}?wsdl`, {
      wsdl_headers: { Authorization: basic() },
      wsdl_options: { httpsAgent: agent },
    } as soap.IOptions);
    client.setSecurity(new soap.BasicAuthSecurity(DEFAULT_USER, DEFAULT_PASSWORD));
    client.setEndpoint(p.serviceabilityUrl);
    const [res] = await (client as any).soapGetServiceStatusAsync({ ServiceStatus: { item: [EM] } }, { httpsAgent: agent });
    const item = res.soapGetServiceStatusReturn.ServiceInfoList.item;
    expect((Array.isArray(item) ? item[0] : item).ServiceName).toBe(EM);
  });

  it("keeps the activation across a restart from the state file", async () => {
    const s2 = await startCucmSim({ release, caDir, stateFile, port: 0 });
    const p2 = await startCucmPlatform({ sim: s2, sshPort: false });
    stops.push(() => s2.stop(), () => p2.stop());
    const ret = returnOf(await request(p2.port, s2.caPem, { path: CONTROL_CENTER_PATH, body: statusRequest(EM) }), "soapGetServiceStatus");
    expect(ret.ServiceInfoList.item[0]).toMatchObject({ ServiceStatus: "Started" });
  });

  // --- SSH ---------------------------------------------------------------------------------------------

  it("logs in with a password, greets and prompts admin:, and answers commands", async () => {
    const c = await connect(p);
    try {
      const sh = await Shell.open(c);
      const greeting = await sh.untilPrompt();
      expect(greeting).toMatch(/Welcome to the Platform Command Line Interface/);
      expect(await sh.run("show version active")).toMatch(new RegExp(`Active Master Version: ${sim.version.replaceAll(".", "\\.")}`));
      const list = await sh.run("utils service list");
      expect(list).toMatch(/^Cisco CallManager\[STARTED\]$/m);
      expect(list).toMatch(/^Cisco Extension Mobility\[STARTED\]$/m); // activated over SOAP above
      expect(list).toMatch(/^Cisco DirSync\[STOPPED\] {2}Service Not Activated$/m);
      const unknown = await sh.run("show frobnicator");
      expect(unknown).toMatch(/Executed command unsuccessfully/);
      const activate = await sh.run(`utils service deactivate ${EM}`);
      if (r7) expect(activate).toMatch(/Executed command unsuccessfully/); // 7.0's CLI cannot (de)activate services
      else expect(activate).toMatch(/Cisco Extension Mobility Deactivated/);
      await sh.closedAfter("quit");
    } finally {
      c.end();
    }
    expect(p.commands.filter((x) => x.via === "shell").map((x) => x.line)).toEqual([
      "show version active",
      "utils service list",
      "show frobnicator",
      `utils service deactivate ${EM}`,
      "quit",
    ]);
  });

  it("runs exec commands with exit codes", async () => {
    const c = await connect(p);
    try {
      const v = await exec(c, "show version active");
      expect(v.code).toBe(0);
      expect(v.out).toContain(`Active Master Version: ${sim.version}`);
      expect((await exec(c, "bogus command")).code).toBe(1);
      expect((await exec(c, "utils service start Cisco Frobnicator")).code).toBe(1);
      const stop = await exec(c, "utils service stop Cisco Tftp");
      expect([stop.code, stop.out]).toEqual([0, expect.stringContaining("Cisco Tftp[NOTRUNNING]")]);
      expect(p.services.status("Cisco Tftp")).toMatchObject({ status: "Stopped", reason: "commanded-out" });
      expect((await exec(c, "utils service start Cisco Tftp")).code).toBe(0);
      const act = await exec(c, `utils service activate ${EM}`);
      expect(act.code).toBe(r7 ? 1 : 0);
      expect(p.services.status(EM).status).toBe(r7 ? "Started" : "Started");
      const start = await exec(c, "utils service start Cisco DirSync");
      expect(start.code).toBe(1);
      expect(start.out).toContain("Cisco DirSync[STOPPED]  Service Not Activated");
    } finally {
      c.end();
    }
  });

  it("refuses a wrong password and unknown accounts", async () => {
    await expect(connect(p, { password: "wrong" })).rejects.toThrow(/authentication methods failed/i);
    await expect(connect(p, { user: "root", password: DEFAULT_CLI_PASSWORD })).rejects.toThrow(/authentication methods failed/i);
  });
});

describe.each(["7.0", "14.0"] as AxlRelease[])("CUCM %s: a second node of the cluster on its own loopback address, same port", (release) => {
  let sim: CucmSim;
  let pub: CucmPlatform;
  let sub: CucmPlatform;

  beforeAll(async () => {
    sim = await startCucmSim({ release, caDir, stateFile: path.join(tmp, `cluster-${release}`, "cucm.json") });
    pub = await startCucmPlatform({ sim, sshPort: false });
    sub = await startCucmPlatform({
      release,
      host: "127.0.0.2",
      port: sim.port,
      nodeName: "cucm-sub",
      caDir,
      users: sim.users,
      stateFile: path.join(tmp, `cluster-${release}`, "sub.json"),
      sshPort: false,
    });
    stops.push(() => sim.stop(), () => pub.stop(), () => sub.stop());
  });

  /** A request to 127.0.0.2 (the second node), verified against the lab CA as 127.0.0.2. */
  function toSub(body: string, p = CONTROL_CENTER_PATH): Promise<Reply> {
    return httpsText({ host: "127.0.0.2", port: sub.port, path: p, method: "POST", headers: { "Content-Type": "text/xml", Authorization: basic() }, ca: sim.caPem }, body);
  }


  it("answers status for itself, and deploys only what names it", async () => {
    expect(sub.port).toBe(pub.port);
    expect(sub.serviceabilityUrl).toBe(`https://127.0.0.2:${sim.port}${CONTROL_CENTER_PATH}`);
    const dep = returnOf(await toSub(deployRequest("cucm-sub", "Deploy", CTI)), "soapDoServiceDeployment");
    expect(dep.ServiceInfoList.item[0]).toMatchObject({ ServiceName: CTI, ServiceStatus: "Started", ReasonCode: "-1" });
    // each node answers for itself: activated on the second node, not on the first
    const onSub = returnOf(await toSub(statusRequest(CTI)), "soapGetServiceStatus");
    expect(onSub.ServiceInfoList.item[0]).toMatchObject({ ServiceStatus: "Started", ReasonCode: "-1" });
    const onPub = returnOf(await request(pub.port, sim.caPem, { path: CONTROL_CENTER_PATH, body: statusRequest(CTI) }), "soapGetServiceStatus");
    expect(onPub.ServiceInfoList.item[0]).toMatchObject({ ServiceStatus: "Stopped", ReasonCode: "-1068" });
    // by its address and FQDN too; never the other node's names
    returnOf(await toSub(deployRequest("127.0.0.2", "Deploy", CTI)), "soapDoServiceDeployment");
    returnOf(await toSub(deployRequest("CUCM-SUB.lab.example.com.", "Deploy", CTI)), "soapDoServiceDeployment");
    expect(faultOf(await toSub(deployRequest("cucm", "UnDeploy", CTI))).faultstring).toMatch(/The node cucm is not this node \(cucm-sub\)/);
    expect(faultOf(await toSub(deployRequest("localhost", "UnDeploy", CTI))).faultstring).toMatch(/not this node/);
    const wrongNode = await request(pub.port, sim.caPem, { path: CONTROL_CENTER_PATH, body: deployRequest("cucm-sub", "Deploy", CTI) });
    expect(faultOf(wrongNode).faultstring).toMatch(/The node cucm-sub is not this node \(cucm\)/);
    expect(pub.services.status(CTI).activated).toBe(false);
    expect(sub.requests.map((r) => r.operation)).toEqual(["soapDoServiceDeployment", "soapGetServiceStatus", ...Array(4).fill("soapDoServiceDeployment")]);
  });
});

describe("standalone platform (its own HTTPS server and state file); the SSH host key is kept", () => {
  it("serves the SOAP API and the CLI, and reuses the host key on restart", async () => {
    const stateFile = path.join(tmp, "standalone", "platform.json");
    const hostKeyFile = path.join(tmp, "standalone", "ssh-host-key.pem");
    const a = await startCucmPlatform({ release: "7.0", caDir, stateFile, hostKeyFile, cliUsers: { admin: "pw1" } });
    stops.push(() => a.stop());
    expect(fs.statSync(hostKeyFile).mode & 0o777).toBe(0o600);
    const ca = fs.readFileSync(path.join(caDir, "ca.pem"), "utf8");
    expect(ca).toBe(a.caPem);
    const dep = returnOf(await request(a.port, ca, { path: CONTROL_CENTER_PATH, body: deployRequest("cucm", "Deploy", EM) }), "soapDoServiceDeployment");
    expect(dep.ServiceInfoList.item[0].ServiceStatus).toBe("Started");
    const c = await connect(a, { password: "pw1" });
    expect((await exec(c, "show version active")).out).toContain("Active Master Version: 7.0.2.20000-5");
    c.end();
    const fingerprint = a.ssh!.hostKeyFingerprint;
    await a.stop();
    stops.pop();

    const b = await startCucmPlatform({ release: "7.0", caDir, stateFile, hostKeyFile, cliUsers: { admin: "pw1" } });
    stops.push(() => b.stop());
    expect(b.ssh!.hostKeyFingerprint).toBe(fingerprint);
    expect(b.services.status(EM)).toMatchObject({ status: "Started", activated: true });
    const c2 = await connect(b, { password: "pw1" }); // hostVerifier checks the same key
    expect((await exec(c2, "utils service list")).out).toContain("Cisco Extension Mobility[STARTED]");
    c2.end();
  });
});
