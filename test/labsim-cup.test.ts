/**
 * The simulated CUP 7.0(3): AXL over real HTTPS verified against the lab CA (auth and sessions,
 * getCUPVersion, executeSQLQuery / executeSQLUpdate on every catalog table, escaping, CUP's Informix
 * errors, atomic writes, persistence) and the platform CLI over SSH (exec and interactive shell,
 * `show version active`, `utils service list|start|stop|restart`, restarts recorded). The last part
 * drives the simulator with rcclab's own CUP client and SQL builders (providers/cup), the contract the
 * simulator exists for.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { type Reply, httpsText } from "./support/https";
import * as os from "node:os";
import * as path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { Client, type ClientChannel } from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CTI_GATEWAY_PROFILE, CUP_AXL, CUP_SERVICES, END_USER_CFG as UC_ENDUSER_CFG, INCOMING_ACL, OUTGOING_ACL, TABLES, cupSoapAction } from "../providers/cup/catalog";
import { CupClient, cupConnectionSchema } from "../providers/cup/client";
import { preflight } from "../providers/cup/preflight";
import * as sql from "../providers/cup/sql";
import { stablePkid } from "../src/labsim/cucm/model/catalog";
import {
  CUP_DEFAULT_CLI_PASSWORD,
  CUP_DEFAULT_CLI_USER,
  CUP_DEFAULT_PASSWORD,
  CUP_DEFAULT_USER,
  CUP_DEFAULT_VERSION,
  COLTYPE,
  type CupSim,
  FIRST_USER_TABID,
  PRE_EXISTING_ROWS,
  RELOADS,
  SIM_SEED_ROWS as SEED_ROWS,
  SIM_TABLES,
  type SchemaVariant,
  informixType,
  startCupSim,
} from "../src/labsim/cup";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-cup-"));
const caDir = path.join(tmp, "ca");
const stateFile = path.join(tmp, "state", "cup.json");
// The CUP client's journal of pending restarts, this file's own: the default (<project>/.rcclab/) is
// shared by every run in the tree, and another run's entries made the restart counts below flaky.
process.env.RCCLAB_CUP_PENDING_RESTARTS = path.join(tmp, "cup-pending-restarts.json");
const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const PROFILE_PKID = String(SEED_ROWS.ucctigatewayprofile![0]!.pkid);
const ASMITH = stablePkid("enduser:asmith");
const JDOE = stablePkid("enduser:jdoe");
const RCC1 = stablePkid("enduser:rcc1");
const SEED = {
  endUsers: [{ userid: "jdoe", firstName: "John", lastName: "Doe" }, { userid: "asmith", firstName: "Alice", lastName: "Smith" }, { userid: "rcc1" }],
  rows: {
    ...PRE_EXISTING_ROWS,
    // a desk phone control assignment made by hand before rcclab
    ucendusercfg: [{ pkid: "5e0c6a4e-1b7d-4c3f-8a52-0a11ce000002", fkenduser: ASMITH, fkucctigatewayprofile: PROFILE_PKID }],
  },
};

// --- HTTPS / SOAP ------------------------------------------------------------------------------------

const basic = (user = CUP_DEFAULT_USER, password = CUP_DEFAULT_PASSWORD): string => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

function request(
  sim: CupSim,
  o: { path?: string; method?: string; body?: string; auth?: string | null; cookie?: string; contentType?: string; soapAction?: string | null; ca?: string | null },
): Promise<Reply> {
  const headers: Record<string, string> = { "Content-Type": o.contentType ?? "text/xml; charset=utf-8" };
  if (o.auth !== null) headers.Authorization = o.auth ?? basic();
  if (o.cookie) headers.Cookie = o.cookie;
  if (o.soapAction !== null && o.soapAction !== undefined) headers.SOAPAction = o.soapAction;
  const ca = o.ca === undefined ? sim.caPem : o.ca;
  return httpsText({ host: "127.0.0.1", port: sim.port, path: o.path ?? CUP_AXL.path, method: o.method ?? "POST", headers, ...(ca === null ? {} : { ca }) }, o.body ?? "");
}

const escapeXml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const envelope = (inner: string, ns: string = CUP_AXL.namespace): string =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:axl="${ns}"><soap:Body>${inner}</soap:Body></soap:Envelope>`;

type Op = "getCUPVersion" | "executeSQLQuery" | "executeSQLUpdate";
function call(sim: CupSim, op: Op, sqlText?: string, o: { soapAction?: string | null; auth?: string | null; cookie?: string } = {}): Promise<Reply> {
  const inner = sqlText === undefined ? `<axl:${op}/>` : `<axl:${op}><sql>${escapeXml(sqlText)}</sql></axl:${op}>`;
  return request(sim, { body: envelope(inner), soapAction: o.soapAction === undefined ? `"${cupSoapAction(op)}"` : o.soapAction, ...o });
}

type Obj = Record<string, any>;
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", parseTagValue: false, removeNSPrefix: true, isArray: (name) => name === "row" });

function bodyOf(r: Reply): Obj {
  expect(r.status, r.text).toBe(200);
  return parser.parse(r.text).Envelope.Body;
}

async function rows(sim: CupSim, q: string): Promise<Array<Record<string, string>>> {
  const body = bodyOf(await call(sim, "executeSQLQuery", q));
  return (body.executeSQLQueryResponse.return?.row ?? []) as Array<Record<string, string>>;
}

async function update(sim: CupSim, q: string): Promise<number> {
  const body = bodyOf(await call(sim, "executeSQLUpdate", q));
  return Number(body.executeSQLUpdateResponse.return.rowsUpdated);
}

function faultOf(r: Reply): Obj {
  expect(r.status, r.text).toBe(500);
  return parser.parse(r.text).Envelope.Body.Fault;
}

async function axlError(sim: CupSim, op: Op, q: string): Promise<{ code: number; message: string }> {
  const f = faultOf(await call(sim, op, q));
  expect(f.faultcode).toBe("soapenv:Server");
  return { code: Number(f.detail.axlError.axlcode), message: String(f.detail.axlError.axlmessage) };
}

// --- SSH -----------------------------------------------------------------------------------------------

const fingerprintOf = (key: Buffer): string => `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;

function connect(sim: CupSim, o: { user?: string; password?: string } = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.on("ready", () => resolve(c));
    c.on("error", reject);
    c.connect({
      host: "127.0.0.1",
      port: sim.sshPort!,
      username: o.user ?? CUP_DEFAULT_CLI_USER,
      password: o.password ?? CUP_DEFAULT_CLI_PASSWORD,
      hostVerifier: (key: Buffer) => fingerprintOf(key) === sim.hostKeyFingerprint,
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

async function execOnce(sim: CupSim, command: string): Promise<{ code: number | null; out: string }> {
  const c = await connect(sim);
  try {
    return await exec(c, command);
  } finally {
    c.end();
  }
}

/** An interactive shell with a pty: send a line once the prompt is there, read until the next prompt. */
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
  static open(c: Client): Promise<Shell> {
    return new Promise((resolve, reject) => c.shell({ term: "vt100", cols: 120, rows: 40 }, (err, stream) => (err ? reject(err) : resolve(new Shell(stream)))));
  }
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
}

// ---------------------------------------------------------------------------------------------------------

describe("CUP simulator: AXL over HTTPS", () => {
  let sim: CupSim;

  beforeAll(async () => {
    sim = await startCupSim({ caDir, stateFile, seed: SEED, serverNames: ["cup.lab.example.com"] });
    stops.push(() => sim.stop());
  });

  it("serves TLS with a certificate the lab CA signed, and nothing an untrusting client accepts", async () => {
    expect(sim.url).toBe(`https://127.0.0.1:${sim.port}/axl/`);
    expect(sim.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(sim.caPem).toBe(fs.readFileSync(path.join(caDir, "ca.pem"), "utf8"));
    const ok = await request(sim, { method: "GET" });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("AXL Web Service");
    await expect(request(sim, { method: "GET", ca: null })).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });

  it("authenticates with HTTP Basic, issues a session cookie, and refuses the rest", async () => {
    const none = await request(sim, { method: "GET", auth: null });
    expect(none.status).toBe(401);
    expect(none.headers["www-authenticate"]).toMatch(/^Basic realm=/);
    expect((await call(sim, "getCUPVersion", undefined, { auth: basic(CUP_DEFAULT_USER, "wrong") })).status).toBe(401);
    expect((await call(sim, "getCUPVersion", undefined, { auth: basic("nobody", CUP_DEFAULT_PASSWORD) })).status).toBe(401);

    const first = await call(sim, "getCUPVersion");
    const setCookie = first.headers["set-cookie"] as string[];
    expect(setCookie.some((c) => c.startsWith("JSESSIONIDSSO="))).toBe(true);
    const cookie = setCookie.map((c) => c.split(";")[0]).join("; ");
    const viaCookie = await call(sim, "getCUPVersion", undefined, { auth: null, cookie });
    expect(viaCookie.status).toBe(200);
    expect(sim.requests.at(-1)!.auth).toBe("cookie");
    sim.expireSessions();
    expect((await call(sim, "getCUPVersion", undefined, { auth: null, cookie })).status).toBe(401);

    expect((await request(sim, { path: "/ccmadmin/", method: "GET" })).status).toBe(404);
    expect((await request(sim, { method: "PUT" })).status).toBe(405);
    expect((await request(sim, { body: envelope("<axl:getCUPVersion/>"), contentType: "application/json" })).status).toBe(415);
  });

  it("answers 403 to a user without AXL access", async () => {
    const other = await startCupSim({ caDir, sshPort: false, users: { ro: { password: "x", axlAccess: false } } });
    try {
      expect((await call(other, "getCUPVersion", undefined, { auth: basic("ro", "x") })).status).toBe(403);
    } finally {
      await other.stop();
    }
  });

  it("getCUPVersion: the version, in the catalog's namespace", async () => {
    const r = await call(sim, "getCUPVersion");
    expect(r.text).toContain(`xmlns:ns="${CUP_AXL.namespace}"`);
    expect(bodyOf(r).getCUPVersionResponse.return.componentVersion.version).toBe(CUP_DEFAULT_VERSION);
    expect(CUP_DEFAULT_VERSION).toMatch(/^7\.0\.3\./);
  });

  it("refuses requests it cannot read as CUP's AXL: SOAPAction, namespace, operation, envelope, children", async () => {
    const soapFault = (r: Reply, re: RegExp): void => {
      const f = faultOf(r);
      expect(f.faultcode).toBe("soapenv:Client");
      expect(f.detail).toBeUndefined();
      expect(String(f.faultstring)).toMatch(re);
    };
    soapFault(await call(sim, "getCUPVersion", undefined, { soapAction: null }), /SOAPAction/);
    soapFault(await call(sim, "getCUPVersion", undefined, { soapAction: "CUCM:DB ver=7.0 getCUPVersion" }), /SOAPAction/);
    soapFault(await call(sim, "executeSQLQuery", "SELECT pkid FROM incomingacl", { soapAction: cupSoapAction("getCUPVersion") }), /SOAPAction/);
    soapFault(
      await request(sim, { body: envelope("<axl:getCUPVersion/>", "http://www.cisco.com/AXL/API/7.0"), soapAction: cupSoapAction("getCUPVersion") }),
      /unexpected element/,
    );
    soapFault(await request(sim, { body: envelope("<axl:getPhone/>"), soapAction: "CUCM:DB ver=1.0 getPhone" }), /unexpected element/);
    soapFault(await request(sim, { body: "<not-xml", soapAction: cupSoapAction("getCUPVersion") }), /XMLStreamReader/);
    soapFault(
      await request(sim, { body: envelope("<axl:executeSQLQuery><query>x</query></axl:executeSQLQuery>"), soapAction: cupSoapAction("executeSQLQuery") }),
      /<sql>/,
    );
  });

  it("passes rcclab's preflight (every mapped table, column and type), seeded as a fresh CUP plus the lab's extras", async () => {
    const c = new CupClient(cupConnectionSchema.parse({ host: "127.0.0.1", port: sim.port, username: CUP_DEFAULT_USER, password: CUP_DEFAULT_PASSWORD, release: "7.0", tls: { caPem: sim.caPem } }), {
      info: () => {},
      warn: () => {},
    });
    try {
      const report = await preflight(c);
      expect(report.problems).toEqual([]);
      expect(report.checked.tables).toBe(TABLES.length);
    } finally {
      c.close();
    }
    // a fresh CUP's rows, as the simulator seeds them
    for (const [table, seedRows] of Object.entries(SEED_ROWS)) {
      for (const s of seedRows) {
        const [row] = await rows(sim, `SELECT * FROM ${table} WHERE pkid = '${s.pkid}'`);
        for (const [c, v] of Object.entries(s)) expect(row![c], `${table}.${c}`).toBe(v === true ? "t" : v === false ? "f" : v === null ? "" : String(v));
      }
    }
    expect(await rows(sim, `SELECT name FROM ucctigatewayprofile`)).toEqual([{ name: CTI_GATEWAY_PROFILE.profileName }]);
    // the extras that must survive rcclab
    expect(await rows(sim, "SELECT address, description FROM incomingacl")).toEqual([
      { address: "sipgw.lab.example.com", description: "Pre-existing: the lab's SIP gateway (not rcclab's)" },
    ]);
    expect(await rows(sim, "SELECT userid, pkid FROM enduser ORDER BY userid")).toEqual([
      { userid: "asmith", pkid: ASMITH },
      { userid: "jdoe", pkid: JDOE },
      { userid: "rcc1", pkid: RCC1 },
    ]);
    // the join rcclab's C6 reads, with the NULL a fresh row leaves empty
    expect(await rows(sim, sql.assignedUsers(PROFILE_PKID).sql)).toEqual([
      { pkid: "5e0c6a4e-1b7d-4c3f-8a52-0a11ce000002", fkenduser: ASMITH, fkucctigatewayprofile: PROFILE_PKID, userid: "asmith" },
    ]);
  });

  it("reads and writes each table with the statements rcclab's SQL module builds", async () => {
    // settings tables: UPDATE only
    const [pub] = await rows(sim, sql.singletonRow(sql.publisher.table).sql);
    expect(await update(sim, sql.update(sql.publisher.table, sql.publisher.toRow({ address: "10.10.10.10", axlUsername: "axladmin", axlPassword: "p@ss'word" }), { pkid: pub!.pkid! }).sql)).toBe(1);
    expect(sql.parseRows(sql.publisher.table, { row: await rows(sim, sql.singletonRow(sql.publisher.table).sql) }).map(sql.publisher.fromRow)).toEqual([
      { address: "10.10.10.10", axlUsername: "axladmin", axlPassword: "p@ss'word" },
    ]);
    const [proxy] = await rows(sim, sql.singletonRow(sql.presenceSettings.table).sql);
    const settings = { proxyDomain: "lab.example.com", availabilitySharing: false, allowAutoApproval: true, maxContactListSize: 150, maxWatchers: 300 };
    expect(await update(sim, sql.update(sql.presenceSettings.table, sql.presenceSettings.toRow(settings), { pkid: proxy!.pkid! }).sql)).toBe(1);
    expect(sql.presenceSettings.fromRow(sql.parseRow(sql.presenceSettings.table, (await rows(sim, sql.singletonRow(sql.presenceSettings.table).sql))[0]!))).toEqual(settings);

    // incoming ACL: insert, read by its key, update, delete
    const acl = sql.insert(INCOMING_ACL, sql.incomingAcl.toRow({ address: "ocsfe1.lab.example.com", description: "OCS front end" }));
    expect(await update(sim, acl.statement.sql)).toBe(1);
    expect(await rows(sim, sql.aclByAddress("ocsfe1.lab.example.com").sql)).toEqual([{ pkid: acl.pkid, address: "ocsfe1.lab.example.com", description: "OCS front end" }]);
    expect(await update(sim, sql.update(INCOMING_ACL, { description: "pool1" }, { pkid: acl.pkid }).sql)).toBe(1);
    expect(await update(sim, sql.remove(INCOMING_ACL, { pkid: acl.pkid }).sql)).toBe(1);
    expect(await update(sim, sql.remove(INCOMING_ACL, { pkid: acl.pkid }).sql)).toBe(0);

    // outgoing ACL: the same statements on the other table
    const out = sql.insert(OUTGOING_ACL, sql.outgoingAcl.toRow({ address: "ocsfe1.lab.example.com", description: "OCS front end" }));
    expect(await update(sim, out.statement.sql)).toBe(1);
    expect(await rows(sim, sql.aclByAddress("ocsfe1.lab.example.com", "outgoingAcl").sql)).toEqual([{ pkid: out.pkid, address: "ocsfe1.lab.example.com", description: "OCS front end" }]);
    expect(await update(sim, sql.remove(OUTGOING_ACL, { pkid: out.pkid }).sql)).toBe(1);

    // the simulator's static routes (CUP has the page; rcclab's C3 does not use it): defaults fill what the INSERT leaves out
    expect(await update(sim, `INSERT INTO staticroute (destinationpattern, nexthop) VALUES ('.*@other.example.com', 'pool2')`)).toBe(1);
    expect(await rows(sim, "SELECT nexthopport, tkprotocoltype, inservice, description FROM staticroute WHERE nexthop = 'pool2'")).toEqual([
      { nexthopport: "5060", tkprotocoltype: "2", inservice: "t", description: "" },
    ]);

    // desk phone control profile and its CTI gateway hosts
    const [profile] = await rows(sim, sql.deskPhoneControlProfile().sql);
    expect(profile!.pkid).toBe(PROFILE_PKID);
    const dpc = { applicationUsername: "rcc-cti", applicationPassword: "Cti'Pa55;--", heartbeatInterval: 30, sessionTimer: 1800 };
    expect(await update(sim, sql.update(sql.deskPhoneControl.table, sql.deskPhoneControl.toRow(dpc), { pkid: PROFILE_PKID }).sql)).toBe(1);
    expect(sql.deskPhoneControl.fromRow(sql.parseRow(sql.deskPhoneControl.table, (await rows(sim, sql.deskPhoneControlProfile().sql))[0]!))).toEqual(dpc);
    for (const [i, a] of ["10.10.10.10", "10.10.10.11"].entries()) expect(await update(sim, sql.insertCtiGatewayHost(PROFILE_PKID, a, i + 1).statement.sql)).toBe(1);
    expect((await rows(sim, sql.ctiGatewayHosts(PROFILE_PKID).sql)).map((r) => [r.address, r.priority])).toEqual([
      ["10.10.10.10", "1"],
      ["10.10.10.11", "2"],
    ]);
    expect(await update(sim, sql.deleteCtiGatewayHosts(PROFILE_PKID).sql)).toBe(2);

    // end users and the desk phone control assignment
    expect((await rows(sim, sql.endUsersByUserid(["rcc1", "jdoe", "nobody"]).sql)).map((r) => r.userid)).toEqual(["jdoe", "rcc1"]);
    const cfg = sql.insertUserConfig(RCC1, PROFILE_PKID);
    expect(await update(sim, cfg.statement.sql)).toBe(1);
    expect((await rows(sim, sql.assignedUsers(PROFILE_PKID).sql)).map((r) => r.userid)).toEqual(["asmith", "rcc1"]);
    expect(await update(sim, sql.setUserAssignment(cfg.pkid, null).sql)).toBe(1);
    expect(await rows(sim, sql.userConfigs([RCC1]).sql)).toEqual([{ pkid: cfg.pkid, fkenduser: RCC1, fkucctigatewayprofile: "" }]);
    expect(await rows(sim, `SELECT pkid FROM ucendusercfg WHERE fkucctigatewayprofile IS NULL`)).toEqual([{ pkid: cfg.pkid }]);
    expect(await update(sim, sql.deleteUserConfig(cfg.pkid).sql)).toBe(1);
  });

  it("stores a value with quotes and semicolons exactly, and runs nothing else from it", async () => {
    const nasty = `it's "quoted"; DELETE FROM incomingacl; -- {not a comment} /* nor this */`;
    const before = (await rows(sim, "SELECT pkid FROM incomingacl")).length;
    const ins = sql.insert(INCOMING_ACL, { address: "nasty.example.com", description: nasty });
    expect(ins.statement.sql).toContain("it''s");
    expect(await update(sim, ins.statement.sql)).toBe(1);
    expect(await rows(sim, `SELECT description FROM incomingacl WHERE pkid = '${ins.pkid}'`)).toEqual([{ description: nasty }]);
    expect(await rows(sim, `SELECT address FROM incomingacl WHERE description = ${sql.textLiteral(nasty, "d")}`)).toEqual([{ address: "nasty.example.com" }]);
    expect((await rows(sim, "SELECT pkid FROM incomingacl")).length).toBe(before + 1);
    expect(sim.rows("incomingacl").find((r) => r.pkid === ins.pkid)!.description).toBe(nasty);

    // a second statement is a syntax error, and the first does not run either
    const count = sim.rows("incomingacl").length;
    expect(await axlError(sim, "executeSQLUpdate", "DELETE FROM incomingacl WHERE address = 'nasty.example.com'; DELETE FROM incomingacl")).toEqual({
      code: -201,
      message: "A syntax error has occurred.",
    });
    expect((await axlError(sim, "executeSQLQuery", "SELECT pkid FROM incomingacl; DELETE FROM incomingacl")).code).toBe(-201);
    expect((await axlError(sim, "executeSQLUpdate", "UPDATE incomingacl SET description = 'x' WHERE address = 'it's'")).code).toBe(-201);
    expect(sim.rows("incomingacl").length).toBe(count);
    expect(await update(sim, `${sql.remove(INCOMING_ACL, { pkid: ins.pkid }).sql};`)).toBe(1);
  });

  it("answers CUP's Informix errors: duplicates, unknown tables and columns, keys, NULLs, ranges", async () => {
    const dup = await axlError(sim, "executeSQLUpdate", "INSERT INTO incomingacl (address) VALUES ('SIPGW.lab.example.com')");
    expect(dup.code).toBe(-239);
    expect(dup.message).toMatch(/duplicate value in a UNIQUE INDEX column \(Unique Index:x_incomingacl_address\)/);
    const existing = sim.rows("incomingacl")[0]!.pkid!;
    expect((await axlError(sim, "executeSQLUpdate", `INSERT INTO incomingacl (pkid, address) VALUES ('${existing}', 'other')`)).code).toBe(-268);
    await update(sim, "INSERT INTO incomingacl (address) VALUES ('second.example.com')");
    expect((await axlError(sim, "executeSQLUpdate", "UPDATE incomingacl SET address = 'sipgw.lab.example.com' WHERE address = 'second.example.com'")).code).toBe(-346);
    expect(await update(sim, "DELETE FROM incomingacl WHERE address = 'second.example.com'")).toBe(1);

    expect(await axlError(sim, "executeSQLQuery", "SELECT * FROM proxysipacl")).toEqual({ code: -206, message: "The specified table (proxysipacl) is not in the database." });
    expect((await axlError(sim, "executeSQLUpdate", "INSERT INTO nosuchtable (a) VALUES ('b')")).code).toBe(-206);
    expect((await axlError(sim, "executeSQLQuery", "SELECT nosuchcolumn FROM incomingacl")).code).toBe(-217);
    expect((await axlError(sim, "executeSQLUpdate", "UPDATE incomingacl SET nosuchcolumn = 'x'")).code).toBe(-217);
    expect((await axlError(sim, "executeSQLQuery", "SELEC pkid FROM incomingacl")).code).toBe(-201);
    expect((await axlError(sim, "executeSQLUpdate", "INSERT INTO incomingacl (address, description) VALUES ('a')")).code).toBe(-236);
    expect((await axlError(sim, "executeSQLUpdate", "INSERT INTO incomingacl (description) VALUES ('no address')")).code).toBe(-391);
    expect((await axlError(sim, "executeSQLUpdate", `INSERT INTO ucctigatewayhost (fkucctigatewayprofile, address, priority) VALUES ('${JDOE}', 'x', 1)`)).code).toBe(-691);
    expect((await axlError(sim, "executeSQLUpdate", `INSERT INTO ucctigatewayhost (fkucctigatewayprofile, address, priority) VALUES ('${PROFILE_PKID}', 'x', 9)`)).code).toBe(-530);
    expect((await axlError(sim, "executeSQLUpdate", `UPDATE ucproxyprofile SET maxwatchers = 'many'`)).code).toBe(-1213);
    expect((await axlError(sim, "executeSQLUpdate", `DELETE FROM ucctigatewayprofile WHERE pkid = '${PROFILE_PKID}'`)).code).toBe(-692);
    expect((await axlError(sim, "executeSQLUpdate", `INSERT INTO ucendusercfg (fkenduser) VALUES ('${ASMITH}')`)).code).toBe(-239);
    // settings tables hold one row: the simulator takes UPDATE only
    expect((await axlError(sim, "executeSQLUpdate", "INSERT INTO cupsystemcfg (ccmpublisheraddress) VALUES ('x')")).message).toMatch(/does not support INSERT INTO cupsystemcfg/);
    expect((await axlError(sim, "executeSQLUpdate", "DELETE FROM ucproxyprofile")).message).toMatch(/does not support DELETE FROM ucproxyprofile/);
    // the wrong operation for the statement
    expect((await axlError(sim, "executeSQLQuery", "DELETE FROM incomingacl")).code).toBe(5000);
    expect((await axlError(sim, "executeSQLUpdate", "SELECT pkid FROM incomingacl")).code).toBe(5000);
    expect(sim.rows("ucctigatewayhost")).toEqual([]);
  });

  it("runs each write all or nothing", async () => {
    await update(sim, "INSERT INTO incomingacl (address, description) VALUES ('a1.example.com', 'batch')");
    await update(sim, "INSERT INTO incomingacl (address, description) VALUES ('a2.example.com', 'batch')");
    // the second row's change collides: the first one's is undone too
    expect((await axlError(sim, "executeSQLUpdate", "UPDATE incomingacl SET address = 'same.example.com' WHERE description = 'batch'")).code).toBe(-346);
    expect((await rows(sim, "SELECT address FROM incomingacl WHERE description = 'batch' ORDER BY address")).map((r) => r.address)).toEqual(["a1.example.com", "a2.example.com"]);
    expect(await update(sim, "DELETE FROM incomingacl WHERE description = 'batch'")).toBe(2);
  });

  it("records every statement with its result", async () => {
    const from = sim.requests.length;
    await rows(sim, "SELECT address FROM incomingacl");
    await axlError(sim, "executeSQLQuery", "SELECT * FROM nosuch");
    await call(sim, "executeSQLUpdate", "UPDATE incomingacl SET description = description WHERE address = 'nobody'");
    const log = sim.requests.slice(from);
    expect(log.map((r) => [r.operation, r.sql, r.status])).toEqual([
      ["executeSQLQuery", "SELECT address FROM incomingacl", 200],
      ["executeSQLQuery", "SELECT * FROM nosuch", 500],
      ["executeSQLUpdate", "UPDATE incomingacl SET description = description WHERE address = 'nobody'", 500],
    ]);
    expect(log[0]!.rows).toEqual([{ address: "sipgw.lab.example.com" }]);
    expect(log[1]!.fault).toMatchObject({ axlcode: -206, faultcode: "soapenv:Server" });
    // SET col = col is not in the simulator's grammar (literals only): a syntax error, said so
    expect(log[2]!.fault?.axlcode).toBe(-201);
    await update(sim, "UPDATE incomingacl SET description = 'x' WHERE address = 'nobody'");
    expect(sim.requests.at(-1)!.rowsUpdated).toBe(0);
  });

  it("injects faults and lost connections for the client's retries", async () => {
    sim.inject({ kind: "503", operation: "getCUPVersion" });
    expect((await call(sim, "getCUPVersion")).status).toBe(503);
    expect((await call(sim, "getCUPVersion")).status).toBe(200);
    sim.inject({ kind: "fault", axlcode: -1, message: "busy" });
    expect(await axlError(sim, "executeSQLQuery", "SELECT pkid FROM incomingacl")).toEqual({ code: -1, message: "busy" });
    // the answer is lost, the write is done
    sim.inject({ kind: "reset-after", operation: "executeSQLUpdate" });
    await expect(call(sim, "executeSQLUpdate", "INSERT INTO incomingacl (address) VALUES ('lost.example.com')")).rejects.toThrow();
    expect(sim.rows("incomingacl").some((r) => r.address === "lost.example.com")).toBe(true);
    expect(await update(sim, "DELETE FROM incomingacl WHERE address = 'lost.example.com'")).toBe(1);
  });
});

describe("CUP simulator: persistence", () => {
  it("keeps its database and services across a restart, and then ignores the seed", async () => {
    const file = path.join(tmp, "persist", "cup.json");
    let sim = await startCupSim({ caDir, stateFile: file, sshPort: false });
    await update(sim, "INSERT INTO incomingacl (address, description) VALUES ('kept.example.com', 'it''s kept; really')");
    const [proxy] = await rows(sim, "SELECT pkid FROM ucproxyprofile");
    await update(sim, `UPDATE ucproxyprofile SET proxydomain = 'lab.example.com' WHERE pkid = '${proxy!.pkid}'`);
    sim.services.stop(CUP_SERVICES.presenceEngine);
    await sim.stop();
    expect(JSON.parse(fs.readFileSync(file, "utf8")).format).toBe("rcclab-cup-sim/1");

    sim = await startCupSim({ caDir, stateFile: file, sshPort: false, seed: { endUsers: [], rows: {} } });
    try {
      expect(await rows(sim, "SELECT address, description FROM incomingacl ORDER BY address")).toEqual([
        { address: "kept.example.com", description: "it's kept; really" },
        { address: "sipgw.lab.example.com", description: "Pre-existing: the lab's SIP gateway (not rcclab's)" },
      ]);
      expect(await rows(sim, "SELECT proxydomain FROM ucproxyprofile")).toEqual([{ proxydomain: "lab.example.com" }]);
      expect((await rows(sim, "SELECT userid FROM enduser ORDER BY userid")).map((r) => r.userid)).toEqual(["asmith", "jdoe"]);
      expect(sim.services.status(CUP_SERVICES.presenceEngine).status).toBe("Stopped");
      // a failed write changes nothing on disk either
      const before = fs.readFileSync(file, "utf8");
      await axlError(sim, "executeSQLUpdate", "INSERT INTO incomingacl (address) VALUES ('KEPT.example.com')");
      expect(fs.readFileSync(file, "utf8")).toBe(before);
      // the Sync Agent brings new CUCM users
      sim.syncEndUsers([{ userid: "rcc2", firstName: "R", lastName: "Two" }]);
      expect(await rows(sim, "SELECT pkid, firstname FROM enduser WHERE userid = 'rcc2'")).toEqual([{ pkid: stablePkid("enduser:rcc2"), firstname: "R" }]);
    } finally {
      await sim.stop();
    }
  });
});

describe("CUP simulator: seeds and the Sync Agent", () => {
  it("seeds a fresh CUP plus the lab's pre-existing rows, leaving out those whose users are missing", async () => {
    const sim = await startCupSim({ caDir, sshPort: false });
    try {
      expect((await rows(sim, "SELECT userid FROM enduser ORDER BY userid")).map((r) => r.userid)).toEqual(["asmith", "jdoe"]);
      expect((await rows(sim, sql.assignedUsers(PROFILE_PKID).sql)).map((r) => r.userid)).toEqual(["jdoe"]);
      expect(await rows(sim, "SELECT address FROM incomingacl")).toEqual([{ address: "sipgw.lab.example.com" }]);
    } finally {
      await sim.stop();
    }
    const other = await startCupSim({ caDir, sshPort: false, seed: { endUsers: [{ userid: "someone" }] } });
    try {
      expect(await rows(other, "SELECT pkid FROM ucendusercfg")).toEqual([]);
      expect(await rows(other, "SELECT address FROM incomingacl")).toEqual([{ address: "sipgw.lab.example.com" }]);
    } finally {
      await other.stop();
    }
    await expect(startCupSim({ caDir, sshPort: false, seed: { rows: { incomingacl: [{ address: "x", nosuch: "y" }] } } })).rejects.toThrow(/nosuch/);
  });

  it("follows the CUCM publisher's end users before every request", async () => {
    const cucmUsers = [{ userid: "jdoe", firstName: "John", lastName: "Doe" }, { userid: "rcc1" }];
    const sim = await startCupSim({ caDir, sshPort: false, endUserSource: () => cucmUsers });
    try {
      expect((await rows(sim, "SELECT userid FROM enduser ORDER BY userid")).map((r) => r.userid)).toEqual(["jdoe", "rcc1"]);
      expect(await update(sim, sql.insertUserConfig(RCC1, PROFILE_PKID).statement.sql)).toBe(1);
      cucmUsers.push({ userid: "rcc2", firstName: "R", lastName: "Two" });
      expect((await rows(sim, "SELECT userid FROM enduser ORDER BY userid")).map((r) => r.userid)).toEqual(["jdoe", "rcc1", "rcc2"]);
      // a user deleted on CUCM goes, with its per-user row
      cucmUsers.splice(1, 1);
      expect((await rows(sim, sql.assignedUsers(PROFILE_PKID).sql)).map((r) => r.userid)).toEqual(["jdoe"]);
      expect((await rows(sim, "SELECT userid FROM enduser ORDER BY userid")).map((r) => r.userid)).toEqual(["jdoe", "rcc2"]);
    } finally {
      await sim.stop();
    }
  });

  it("skips the Sync Agent's pass when neither CUCM's users nor CUP's tables changed, and still sees every change on the next request", async () => {
    // 1,000 users, as in the measurement that made a pass on every request the cost of a run (issue 13 §4).
    const cucmUsers: Array<{ userid: string; firstName?: string; lastName?: string }> = Array.from({ length: 1000 }, (_, i) => ({ userid: `u${i}`, lastName: `L${i}` }));
    let reads = 0;
    const sim = await startCupSim({ caDir, sshPort: false, endUserSource: () => (reads++, cucmUsers) });
    try {
      const count = async () => (await rows(sim, "SELECT userid FROM enduser")).length;
      expect(await count()).toBe(1000);
      const writes = sim.db.writes;
      for (let i = 0; i < 5; i++) await count();
      expect(sim.db.writes).toBe(writes); // no pass wrote anything
      // A change on CUCM, even in place, shows in the next answer.
      cucmUsers[3]!.firstName = "Renamed";
      expect(await rows(sim, "SELECT firstname FROM enduser WHERE userid = 'u3'")).toEqual([{ firstname: "Renamed" }]);
      cucmUsers.push({ userid: "late" });
      expect(await rows(sim, "SELECT userid FROM enduser WHERE userid = 'late'")).toEqual([{ userid: "late" }]);
      // A change on CUP's side is put back by the next pass, as before.
      expect(await update(sim, "UPDATE enduser SET lastname = 'Changed' WHERE userid = 'u7'")).toBe(1);
      expect(await rows(sim, "SELECT lastname FROM enduser WHERE userid = 'u7'")).toEqual([{ lastname: "L7" }]);
    } finally {
      await sim.stop();
    }
    expect(reads).toBeGreaterThan(8);

    // With a version of the source (the lab passes CUCM's end user table's), an unchanged version means no read at all.
    let version = 1;
    reads = 0;
    const users = [{ userid: "jdoe", firstName: "John", lastName: "Doe" }];
    const fast = await startCupSim({ caDir, sshPort: false, endUserSource: () => (reads++, users), endUserSourceVersion: () => version });
    try {
      reads = 0;
      await rows(fast, "SELECT userid FROM enduser");
      const after = reads;
      for (let i = 0; i < 5; i++) await rows(fast, "SELECT userid FROM enduser");
      expect(reads).toBe(after);
      users.push({ userid: "rcc9", firstName: "R", lastName: "Nine" });
      version++;
      expect((await rows(fast, "SELECT userid FROM enduser ORDER BY userid")).map((r) => r.userid)).toEqual(["jdoe", "rcc9"]);
      expect(reads).toBe(after + 1);
    } finally {
      await fast.stop();
    }
  });
});

describe("CUP simulator: platform CLI over SSH", () => {
  let sim: CupSim;
  const file = path.join(tmp, "cli", "cup.json");

  beforeAll(async () => {
    sim = await startCupSim({ caDir, stateFile: file, installedOptions: ["cup-7.0.3-e164.cop (illustrative)"] });
    stops.push(() => sim.stop());
  });

  it("answers show version active and lists CUP 7.0's services", async () => {
    const v = await execOnce(sim, "show version active");
    expect(v.code).toBe(0);
    expect(v.out.split("\n")[0]).toBe(`Active Master Version: ${CUP_DEFAULT_VERSION}`);
    expect(v.out).toContain("cup-7.0.3-e164.cop (illustrative)");

    const list = await execOnce(sim, "utils service list");
    expect(list.code).toBe(0);
    for (const s of Object.values(CUP_SERVICES)) expect(list.out).toContain(`${s}[STARTED]`);
    expect(list.out).toContain("Cisco UP IPPM[STOPPED]  Service Not Activated");
    expect(list.out).toMatch(/Primary Node =true/);
  });

  it("restarts, stops and starts services by quoted or bare name, and records the restarts", async () => {
    const before = sim.restarts.length;
    const r = await execOnce(sim, `utils service restart "${CUP_SERVICES.sipProxy}"`);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${CUP_SERVICES.sipProxy}[STOPPING]`);
    expect(r.out.trim().split("\n").at(-1)).toBe(`${CUP_SERVICES.sipProxy}[STARTED]`);
    expect(sim.restarts.slice(before).map((x) => x.service)).toEqual([CUP_SERVICES.sipProxy]);
    expect(sim.restarts.at(-1)!.at).toBeInstanceOf(Date);

    expect((await execOnce(sim, `utils service restart ${CUP_SERVICES.presenceEngine}`)).code).toBe(0);
    expect(sim.restarts.at(-1)!.service).toBe(CUP_SERVICES.presenceEngine);

    const stop = await execOnce(sim, `utils service stop "${CUP_SERVICES.syncAgent}"`);
    expect(stop.out).toContain(`${CUP_SERVICES.syncAgent}[NOTRUNNING]`);
    expect((await execOnce(sim, "utils service list")).out).toContain(`${CUP_SERVICES.syncAgent}[STOPPED]  Commanded Out of Service`);
    expect((await execOnce(sim, `utils service start "${CUP_SERVICES.syncAgent}"`)).out).toContain(`${CUP_SERVICES.syncAgent}[STARTED]`);
    expect(sim.restarts.length).toBe(before + 2); // start and stop are no restarts

    const notActive = await execOnce(sim, 'utils service restart "Cisco UP IPPM"');
    expect(notActive.code).toBe(1);
    expect(notActive.out).toContain("Cisco UP IPPM[STOPPED]  Service Not Activated");
    expect(sim.restarts.length).toBe(before + 2);
  });

  it("answers unknown commands and services as the CLI does, with exit status 1", async () => {
    const unknown = await execOnce(sim, "utils dbreplication runtimestate");
    expect(unknown.code).toBe(1);
    expect(unknown.out).toBe("Executed command unsuccessfully\nInvalid command: utils dbreplication runtimestate\n");
    expect((await execOnce(sim, "utils service activate Cisco UP IPPM")).code).toBe(1); // not in 7.0's CLI
    const badName = await execOnce(sim, 'utils service restart "Cisco UP Nothing"');
    expect(badName.code).toBe(1);
    expect(badName.out).toContain("Invalid service name: Cisco UP Nothing");
    expect((await execOnce(sim, "utils service restart")).out).toContain("Usage: utils service restart <service name>");
    expect(sim.commands.filter((c) => !c.ok).map((c) => c.line)).toEqual(
      expect.arrayContaining(["utils dbreplication runtimestate", 'utils service restart "Cisco UP Nothing"']),
    );
  });

  it("serves an interactive shell with the admin: prompt", async () => {
    const c = await connect(sim);
    try {
      const sh = await Shell.open(c);
      expect(await sh.untilPrompt()).toContain("Welcome to the Platform Command Line Interface");
      expect(await sh.run("show version active")).toContain(`Active Master Version: ${CUP_DEFAULT_VERSION}`);
      expect(await sh.run(`utils service restart "${CUP_SERVICES.sipProxy}"`)).toContain(`${CUP_SERVICES.sipProxy}[STARTED]`);
      expect(await sh.run("show nonsense")).toContain("Invalid command: show nonsense");
      sh.stream.write("quit\r");
      await new Promise((r) => sh.stream.on("close", r));
    } finally {
      c.end();
    }
    expect(sim.commands.filter((x) => x.via === "shell").map((x) => x.line)).toEqual([
      "show version active",
      `utils service restart "${CUP_SERVICES.sipProxy}"`,
      "show nonsense",
      "quit",
    ]);
  });

  it("refuses a wrong password, and keeps its host key and service states across a restart", async () => {
    await expect(connect(sim, { password: "wrong" })).rejects.toThrow(/authentication/i);
    await expect(connect(sim, { user: "root", password: CUP_DEFAULT_CLI_PASSWORD })).rejects.toThrow(/authentication/i);
    await execOnce(sim, `utils service stop "${CUP_SERVICES.presenceEngine}"`);
    const again = await startCupSim({ caDir, stateFile: file, port: 0 });
    try {
      expect(again.hostKeyFingerprint).toBe(sim.hostKeyFingerprint);
      expect((await execOnce(again, "utils service list")).out).toContain(`${CUP_SERVICES.presenceEngine}[STOPPED]  Commanded Out of Service`);
    } finally {
      await again.stop();
    }
    await execOnce(sim, `utils service start "${CUP_SERVICES.presenceEngine}"`);
  });
});

describe("CUP simulator driven by rcclab's CUP client", () => {
  let sim: CupSim;

  beforeAll(async () => {
    sim = await startCupSim({ caDir, stateFile: path.join(tmp, "client", "cup.json") });
    stops.push(() => sim.stop());
  });

  const client = (release = "7.0"): CupClient =>
    new CupClient(
      cupConnectionSchema.parse({
        host: "127.0.0.1",
        port: sim.port,
        username: CUP_DEFAULT_USER,
        password: CUP_DEFAULT_PASSWORD,
        release,
        tls: { caPem: sim.caPem },
        retries: 2,
        minRetryDelayMs: 10,
        maxRetryDelayMs: 50,
        cli: { port: sim.sshPort, username: CUP_DEFAULT_CLI_USER, password: CUP_DEFAULT_CLI_PASSWORD, hostKeySha256: sim.hostKeyFingerprint },
      }),
      { info: () => undefined, warn: () => undefined },
    );

  it("reads the version over AXL and the CLI, and refuses another release", async () => {
    const c = client();
    try {
      expect(await c.version()).toBe(CUP_DEFAULT_VERSION);
      expect(await c.ensureRelease()).toBe(CUP_DEFAULT_VERSION);
      expect(await c.cli!.activeVersion()).toBe(CUP_DEFAULT_VERSION);
      await expect(client("8.0").ensureRelease()).rejects.toThrow(/runs 7\.0\.3/);
    } finally {
      c.close();
    }
  });

  it("writes through a session and restarts the changed table's services once, only after a change", async () => {
    const c = client();
    try {
      const s = c.session();
      await s.insert(sql.insert(INCOMING_ACL, sql.incomingAcl.toRow({ address: "ocsfe1.lab.example.com", description: "OCS pool1 front end" })));
      await s.insert(sql.insert(INCOMING_ACL, sql.incomingAcl.toRow({ address: "ocsfe2.lab.example.com", description: "OCS pool2 front end" })));
      expect((await s.query(sql.aclByAddress("ocsfe1.lab.example.com"))).map(sql.incomingAcl.fromRow)).toEqual([{ address: "ocsfe1.lab.example.com", description: "OCS pool1 front end" }]);
      const before = sim.restarts.length;
      await s.finish();
      // The session owes the restart; the client does it once writes stop (here: now).
      await c.flushRestarts();
      expect(sim.restarts.slice(before).map((r) => r.service)).toEqual([...INCOMING_ACL.reloadServices]);
      expect(sim.commands.map((x) => x.line).filter((l) => l !== "quit").at(-1)).toBe(`utils service restart "${CUP_SERVICES.sipProxy}"`);

      // a write that changes nothing restarts nothing
      const idle = c.session();
      expect(await idle.write(sql.remove(UC_ENDUSER_CFG, { pkid: "00000000-0000-4000-8000-000000000000" }))).toBe(0);
      await idle.finish();
      await c.flushRestarts();
      expect(sim.restarts.length).toBe(before + 1);

      // a duplicate comes back as the client's typed error
      await expect(c.insert(sql.insert(INCOMING_ACL, { address: "OCSFE1.lab.example.com", description: "" }))).rejects.toMatchObject({ code: "AlreadyExists" });
      await expect(c.query({ kind: "query", table: "incomingAcl", sql: "SELECT * FROM nosuchtable", render: () => "SELECT * FROM nosuchtable" })).rejects.toMatchObject({ code: "InvalidRequest" });
    } finally {
      c.close();
    }
  });

  it("an INSERT whose answer was lost is found by its pkid, not sent twice", async () => {
    const c = client();
    try {
      const ins = sql.insert(INCOMING_ACL, { address: "lost.lab.example.com", description: "" });
      sim.inject({ kind: "reset-after", operation: "executeSQLUpdate" });
      expect(await c.insert(ins)).toBe(ins.pkid);
      expect(sim.rows("incomingacl").filter((r) => r.address === "lost.lab.example.com")).toHaveLength(1);
      const statements = sim.requests.filter((r) => r.sql?.includes("lost.lab.example.com") || r.sql?.includes(ins.pkid)).map((r) => r.operation);
      expect(statements).toEqual(["executeSQLUpdate", "executeSQLQuery"]);
    } finally {
      c.close();
    }
  });
});

describe("CUP simulator: its own schema, the Informix catalog and schema variants", () => {
  const started: CupSim[] = [];
  const start = async (schemaVariant?: SchemaVariant): Promise<CupSim> => {
    const s = await startCupSim({ caDir, sshPort: false, seed: SEED, ...(schemaVariant ? { schemaVariant } : {}) });
    stops.push(() => s.stop());
    started.push(s);
    return s;
  };
  const columnsOf = async (sim: CupSim, table: string): Promise<Array<Record<string, string>>> => {
    const [t] = await rows(sim, `SELECT tabid FROM systables WHERE tabname = '${table}'`);
    return rows(sim, `SELECT colname, colno, coltype, collength FROM syscolumns WHERE tabid = ${t!.tabid} ORDER BY colno`);
  };

  it("marks every table and column as documented (with its source) or assumed", () => {
    const documented = SIM_TABLES.filter((t) => t.provenance.status === "documented").map((t) => t.docName);
    // the names in the interoperability guide's change-notifier list
    expect(documented).toEqual(["CUPSystemCfg", "UcProxyProfile", "UcCtiGatewayProfile", "UcCtiGatewayHost", "EndUser", "UCEnduserCfg"]);
    for (const t of SIM_TABLES) {
      expect(t.provenance.source, t.table).toMatch(/\S/);
      for (const [name, c] of Object.entries(t.columns)) {
        expect(c.provenance?.status, `${t.table}.${name}`).toBe("assumed"); // no CUP data dictionary exists
        expect(c.provenance?.source, `${t.table}.${name}`).toMatch(/\S/);
      }
      expect(RELOADS[t.table], t.table).toEqual(t.reloadServices);
    }
  });

  it("serves systables: the catalog's own tables below tabid 100, CUP's tables from 100", async () => {
    const sim = await start();
    expect(await rows(sim, "SELECT tabname, tabid, tabtype FROM systables WHERE tabid < 100 ORDER BY tabid")).toEqual([
      { tabname: "systables", tabid: "1", tabtype: "T" },
      { tabname: "syscolumns", tabid: "2", tabtype: "T" },
    ]);
    const user = await rows(sim, `SELECT tabname, tabid, ncols, owner FROM systables WHERE tabid > 99 ORDER BY tabid`);
    expect(user.map((r) => r.tabname)).toEqual(SIM_TABLES.map((t) => t.table));
    user.forEach((r, i) => {
      expect(Number(r.tabid)).toBe(FIRST_USER_TABID + i);
      expect(Number(r.ncols)).toBe(Object.keys(SIM_TABLES[i]!.columns).length);
      expect(r.owner).toBe("informix");
    });
    expect(await rows(sim, "SELECT tabname FROM systables WHERE tabname LIKE 'ucctigateway%' ORDER BY tabname")).toEqual([
      { tabname: "ucctigatewayhost" },
      { tabname: "ucctigatewayprofile" },
    ]);
  });

  it("serves syscolumns with Informix coltype codes (+256 NOT NULL) and collengths", async () => {
    const sim = await start();
    expect(await columnsOf(sim, "incomingacl")).toEqual([
      { colname: "pkid", colno: "1", coltype: "256", collength: "36" }, // CHAR(36) NOT NULL
      { colname: "address", colno: "2", coltype: "269", collength: "255" }, // VARCHAR(255) NOT NULL
      { colname: "description", colno: "3", coltype: "269", collength: "128" },
    ]);
    expect((await columnsOf(sim, "ucendusercfg")).map((c) => [c.colname, c.coltype])).toEqual([
      ["pkid", "256"],
      ["fkenduser", "256"],
      ["fkucctigatewayprofile", "0"], // nullable CHAR(36)
    ]);
    const proxy = await columnsOf(sim, "ucproxyprofile");
    expect(proxy.find((c) => c.colname === "enableavailabilitysharing")).toMatchObject({ coltype: "297", collength: "1" }); // BOOLEAN NOT NULL: built-in opaque (41)
    expect(await rows(sim, "SELECT colname, extended_id FROM syscolumns WHERE coltype = 297 ORDER BY tabid, colno")).toEqual([
      { colname: "enableavailabilitysharing", extended_id: "5" },
      { colname: "allowautoapproval", extended_id: "5" },
      { colname: "inservice", extended_id: "5" },
    ]);
    expect(COLTYPE.UDTFIXED + COLTYPE.NOT_NULL).toBe(297);
    expect(proxy.find((c) => c.colname === "maxwatchers")).toMatchObject({ coltype: "258", collength: "4" });
    expect((await columnsOf(sim, "systables")).find((c) => c.colname === "tabid")).toMatchObject({ coltype: "262" }); // SERIAL NOT NULL
    // every table's columns, in order, with the types the schema gives them
    for (const t of SIM_TABLES) {
      expect(await columnsOf(sim, t.table), t.table).toEqual(
        Object.entries(t.columns).map(([colname, c], i) => ({ colname, colno: String(i + 1), coltype: String(informixType(c).coltype), collength: String(informixType(c).collength) })),
      );
    }
    // read-only
    expect((await axlError(sim, "executeSQLUpdate", "UPDATE systables SET tabname = 'x' WHERE tabid = 100")).code).not.toBe(0);
    expect((await axlError(sim, "executeSQLUpdate", "DELETE FROM syscolumns")).code).not.toBe(0);
    expect(await rows(sim, "SELECT tabname FROM systables WHERE tabid = 100")).toEqual([{ tabname: "cupsystemcfg" }]);
  });

  it("variant renameColumn: SQL and syscolumns show the new name only; the data and keys stay", async () => {
    const sim = await start({ renameColumn: { table: "incomingacl", from: "address", to: "addresspattern" } });
    expect((await axlError(sim, "executeSQLQuery", "SELECT address FROM incomingacl")).code).toBe(-217);
    expect((await axlError(sim, "executeSQLUpdate", "INSERT INTO incomingacl (address) VALUES ('x.example.com')")).code).toBe(-217);
    expect(await rows(sim, "SELECT addresspattern, description FROM incomingacl")).toEqual([
      { addresspattern: "sipgw.lab.example.com", description: "Pre-existing: the lab's SIP gateway (not rcclab's)" },
    ]);
    expect(Object.keys((await rows(sim, "SELECT * FROM incomingacl"))[0]!)).toEqual(["pkid", "addresspattern", "description"]);
    expect((await columnsOf(sim, "incomingacl")).map((c) => c.colname)).toEqual(["pkid", "addresspattern", "description"]);
    expect(await rows(sim, "SELECT colname FROM syscolumns WHERE colname = 'addresspattern'")).toEqual([{ colname: "addresspattern" }]);
    expect(await update(sim, "INSERT INTO incomingacl (addresspattern, description) VALUES ('ocs1.lab.example.com', 'OCS')")).toBe(1);
    expect((await axlError(sim, "executeSQLUpdate", "INSERT INTO incomingacl (addresspattern) VALUES ('OCS1.lab.example.com')")).code).toBe(-239);
    expect(await update(sim, "UPDATE incomingacl SET addresspattern = 'ocs2.lab.example.com' WHERE addresspattern = 'ocs1.lab.example.com'")).toBe(1);
    expect(sim.rows("incomingacl").map((r) => r.address)).toEqual(["sipgw.lab.example.com", "ocs2.lab.example.com"]);
    // the other tables are as the schema has them
    expect((await columnsOf(sim, "ucctigatewayhost")).map((c) => c.colname)).toEqual(Object.keys(SIM_TABLES.find((t) => t.table === "ucctigatewayhost")!.columns));
  });

  it("variant dropTable: the table is gone from SQL and systables; the others keep their tabids", async () => {
    const sim = await start({ dropTable: "staticroute" });
    expect((await axlError(sim, "executeSQLQuery", "SELECT * FROM staticroute")).code).toBe(-206);
    expect((await axlError(sim, "executeSQLUpdate", "INSERT INTO staticroute (destinationpattern, nexthop) VALUES ('a', 'b')")).code).toBe(-206);
    const user = await rows(sim, "SELECT tabname, tabid FROM systables WHERE tabid >= 100 ORDER BY tabid");
    expect(user.map((r) => r.tabname)).toEqual(SIM_TABLES.map((t) => t.table).filter((t) => t !== "staticroute"));
    expect(user.find((r) => r.tabname === "ucendusercfg")!.tabid).toBe(String(FIRST_USER_TABID + SIM_TABLES.findIndex((t) => t.table === "ucendusercfg")));
    const tabid = FIRST_USER_TABID + SIM_TABLES.findIndex((t) => t.table === "staticroute");
    expect(await rows(sim, `SELECT colname FROM syscolumns WHERE tabid = ${tabid}`)).toEqual([]);
    expect(await rows(sim, "SELECT userid FROM enduser ORDER BY userid")).toHaveLength(3);
  });

  it("refuses a variant that names no table or column", async () => {
    await expect(startCupSim({ caDir, sshPort: false, schemaVariant: { dropTable: "nosuchtable" } })).rejects.toThrow(/no table nosuchtable/);
    await expect(startCupSim({ caDir, sshPort: false, schemaVariant: { renameColumn: { table: "incomingacl", from: "nope", to: "x" } } })).rejects.toThrow(/no column/);
    await expect(startCupSim({ caDir, sshPort: false, schemaVariant: { renameColumn: { table: "incomingacl", from: "address", to: "description" } } })).rejects.toThrow(/bad new name/);
  });
});
