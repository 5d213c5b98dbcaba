/**
 * The simulators must not be what a large run measures (issue 13 §4). Generous bounds that the old
 * costs broke by far: they catch a cost that grows with the database again, not a slow machine.
 * (The directory's one-write answers are checked in ad-directory-sim.test.ts, CUP's Sync Agent in
 * labsim-cup.test.ts.)
 */
import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { AxlService, seededDb } from "../src/labsim/cucm";
import { type CucmDb, type ProfileRow, normalizeEndUser } from "../src/labsim/cucm/model/db";
import { executeQuery, executeUpdate } from "../src/labsim/cucm/model/sql";
import { axlNamespace } from "../src/labsim/cucm/releases";
import { sqlWork } from "../src/labsim/sql/engine";

const envelope = (op: string, inner: string): string =>
  `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="${axlNamespace("14.0")}">` +
  `<soapenv:Header/><soapenv:Body><ns:${op}>${inner}</ns:${op}></soapenv:Body></soapenv:Envelope>`;

const line = (dn: string): string => `<line><pattern>${dn}</pattern><description>DN ${dn}</description><usage>Device</usage><routePartitionName/></line>`;

const phone = (name: string, dn: string): string =>
  `<phone><name>${name}</name><description>Phone</description><product>Cisco 7975</product><class>Phone</class><protocol>SCCP</protocol>` +
  `<protocolSide>User</protocolSide><devicePoolName>Default</devicePoolName><commonPhoneConfigName>Standard Common Phone Profile</commonPhoneConfigName>` +
  `<locationName>Hub_None</locationName><useTrustedRelayPoint>Default</useTrustedRelayPoint>` +
  `<securityProfileName>Cisco 7975 - Standard SCCP Non-Secure Profile</securityProfileName>` +
  `<lines><line><index>1</index><label>L1</label><dirn><pattern>${dn}</pattern><routePartitionName/></dirn><maxNumCalls>2</maxNumCalls><busyTrigger>1</busyTrigger></line></lines>` +
  `<phoneTemplateName>Standard 7975 SCCP</phoneTemplateName><primaryPhoneName/><builtInBridgeStatus>Default</builtInBridgeStatus>` +
  `<packetCaptureMode>None</packetCaptureMode><certificateOperation>No Pending Operation</certificateOperation><deviceMobilityMode>Default</deviceMobilityMode></phone>`;

describe("CUCM simulator at 1,000 users", () => {
  it("2,000 AXL writes (addLine + addPhone) cost what they write, not what the database holds", () => {
    const db = seededDb({});
    const service = new AxlService("14.0", db);
    const call = (op: string, inner: string): number => {
      const prepared = service.prepare(envelope(op, inner), `"CUCM:DB ver=14.0 ${op}"`);
      if (!("op" in prepared)) throw new Error(prepared.xml);
      return service.run(prepared).status;
    };
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) {
      const dn = String(100000 + i);
      expect(call("addLine", line(dn))).toBe(200);
      expect(call("addPhone", phone(`SEP${String(i).padStart(12, "0")}`, dn))).toBe(200);
    }
    const ms = performance.now() - t0;
    // About 0.45 s on the 2-core machine; with a deep copy of the database per write, about 5.3 s.
    expect(ms).toBeLessThan(2500);
    // A failed write at this size is still undone.
    const before = JSON.stringify(db.toJSON());
    expect(call("addPhone", phone("SEP000000000001", "100001"))).toBe(500);
    expect(JSON.stringify(db.toJSON())).toBe(before);
    expect(db.phones()).toHaveLength(1000);
  });
});

/**
 * The same, counted instead of timed: what a request visits must not grow with what the database
 * holds. Each check runs at two sizes and compares the counts (issue 13 §4: at 300 users the
 * simulators' CPU for `up` was 8× that at 100, most of it executeSQLUpdate and lookups by scanning).
 */
describe("work per request, counted at two sizes", () => {
  /** A database with n end users, each controlling one device profile. */
  function usersWithProfiles(n: number): CucmDb {
    const db = seededDb({});
    const template = db.refs.phoneTemplates.values().next().value!;
    for (let i = 0; i < n; i++) {
      const profile: ProfileRow = {
        pkid: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
        cls: "Device Profile",
        name: `UDP-u${i}`,
        description: "",
        product: "Cisco 7975",
        protocol: "SCCP",
        phoneTemplatePkid: template.pkid,
        lines: [],
        services: [],
        settings: {},
      };
      db.devices.set(profile.pkid, profile);
      const pkid = `10000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
      db.endUsers.set(pkid, normalizeEndUser({ pkid, userid: `u${i}`, lastName: `User ${i}`, profilePkids: [profile.pkid] }));
    }
    return db;
  }

  /** rcclab's two statements for a user's default device profile (7.0), as the provider sends them. */
  const user = (id: string): string => `fkenduser = (select pkid from enduser where userid = '${id}')`;
  const clear = (id: string): string => `update enduserdevicemap set defaultprofile = 'f' where ${user(id)} and defaultprofile = 't'`;
  const mark = (id: string, profile: string): string =>
    `update enduserdevicemap set defaultprofile = 't' where ${user(id)} and fkdevice = (select pkid from device where name = '${profile}')`;

  const work = (fn: () => unknown): { rows: number; subqueries: number } => {
    const before = { ...sqlWork };
    fn();
    return { rows: sqlWork.rows - before.rows, subqueries: sqlWork.subqueries - before.subqueries };
  };

  it("executeSQLUpdate by a user's id reads that user's rows, once, at 100 and at 1,000 users", () => {
    const counts = [100, 1000].map((n) => {
      const db = usersWithProfiles(n);
      const id = `u${n - 7}`;
      const cleared = work(() => expect(executeUpdate(db, clear(id))).toBe(0));
      const marked = work(() => expect(executeUpdate(db, mark(id, `UDP-u${n - 7}`))).toBe(1));
      expect(db.endUserById(id)!.defaultProfilePkid).toBe(db.deviceByName(`UDP-u${n - 7}`)!.pkid);
      const again = work(() => expect(executeUpdate(db, clear(id))).toBe(1));
      expect(db.endUserById(id)!.defaultProfilePkid).toBeNull();
      return { cleared, marked, again };
    });
    // The same work whatever the size (the old engine ran the subquery for every row of the table
    // it updated, each run building every user's row: n² rows).
    expect(counts[1]).toEqual(counts[0]);
    expect(counts[0]!.marked.rows).toBeLessThanOrEqual(3);
  });

  it("a statement found by an index answers exactly what the full scan answers (rows, order, errors)", () => {
    const db = usersWithProfiles(50);
    const scan = (sql: string): unknown => {
      try {
        return executeQuery(db, sql);
      } catch (e) {
        return String(e);
      }
    };
    // `like` and `in` never use an index: the same conditions by scanning
    const pairs: Array<[string, string]> = [
      ["select * from enduserdevicemap where fkenduser = (select pkid from enduser where userid = 'u3')", "select * from enduserdevicemap where fkenduser in (select pkid from enduser where userid = 'u3')"],
      ["select name from device where name = 'UDP-u9'", "select name from device where name like 'UDP-u9'"],
      ["select userid, lastname from enduser where lastname = 'User 4' and userid = 'u4'", "select userid, lastname from enduser where lastname like 'User 4' and userid like 'u4'"],
      ["select * from device d, enduserdevicemap m where m.fkdevice = d.pkid and d.name = 'UDP-u5'", "select * from device d, enduserdevicemap m where m.fkdevice = d.pkid and d.name like 'UDP-u5'"],
    ];
    for (const [indexed, scanned] of pairs) {
      expect(scan(indexed)).toEqual(scan(scanned));
      expect(scan(indexed)).not.toEqual([]);
    }
    expect(scan("select pkid from enduser where userid = 'nobody'")).toEqual([]);
    // a scalar subquery with two rows is still Informix's -284, and only when a row reaches it
    const twoRows = "(select pkid from enduser where userid like 'u1%')";
    expect(scan(`select * from enduserdevicemap where fkenduser = ${twoRows}`)).toMatch(/subquery has returned not exactly one row/);
    expect(scan(`select * from enduserdevicemap where fkenduser = 'none' and fkdevice = ${twoRows}`)).toEqual([]);
  });

  it("AXL gets, writes and removes by name do not walk the tables", () => {
    const calls = [100, 1000].map((n) => {
      const db = usersWithProfiles(n);
      const service = new AxlService("14.0", db);
      const call = (op: string, inner: string): number => {
        const prepared = service.prepare(envelope(op, inner), `"CUCM:DB ver=14.0 ${op}"`);
        if (!("op" in prepared)) throw new Error(prepared.xml);
        return service.run(prepared).status;
      };
      let walks = 0; // rows visited by walking a table
      for (const t of [db.devices, db.lines, db.endUsers, db.appUsers, db.meetMes, ...Object.values(db.refs)] as Array<Map<string, unknown>>) {
        const values = t.values.bind(t);
        t.values = function* () {
          for (const row of values()) {
            walks++;
            yield row;
          }
        } as typeof t.values;
      }
      expect(call("addLine", line("4321"))).toBe(200);
      expect(call("addPhone", phone("SEP000000004321", "4321"))).toBe(200);
      expect(call("getPhone", "<name>SEP000000004321</name>")).toBe(200);
      expect(call("getUser", `<userid>u${n - 1}</userid>`)).toBe(200);
      expect(call("addLine", line("4321"))).toBe(500); // a duplicate is still found
      expect(call("removeLine", "<pattern>4321</pattern><routePartitionName/>")).toBe(500); // still on the phone
      expect(call("removePhone", "<name>SEP000000004321</name>")).toBe(200);
      expect(call("removeLine", "<pattern>4321</pattern><routePartitionName/>")).toBe(200);
      expect(call("removeDeviceProfile", `<name>UDP-u${n - 2}</name>`)).toBe(200);
      expect(db.endUserById(`u${n - 2}`)!.profilePkids).toEqual([]);
      expect(call("removeUser", `<userid>u${n - 1}</userid>`)).toBe(200);
      return walks;
    });
    expect(calls[1]).toBe(calls[0]);
  });

  it("the state file's text is JSON.stringify's, row texts kept between saves", () => {
    const db = usersWithProfiles(20);
    const full = (): string => JSON.stringify({ format: "rcclab-cucm-sim/1", release: "14.0", db: db.toJSON() }, null, 1);
    expect(db.serialize({ release: "14.0" })).toBe(full());
    db.platformServices.push({ name: "Cisco CTIManager", activated: true, running: true });
    db.transaction(() => db.endUsers.set(db.endUserById("u3")!.pkid, { ...db.endUserById("u3")!, lastName: "Changed" }));
    expect(db.serialize({ release: "14.0" })).toBe(full());
    expect(JSON.parse(db.serialize({ release: "14.0" })).db.endUsers.find((u: { userid: string }) => u.userid === "u3").lastName).toBe("Changed");
  });
});
