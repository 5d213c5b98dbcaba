/**
 * The simulators must not be what a large run measures (issue 13 §4). Generous bounds that the old
 * costs broke by far: they catch a cost that grows with the database again, not a slow machine.
 * (The directory's one-write answers are checked in ad-directory-sim.test.ts, CUP's Sync Agent in
 * labsim-cup.test.ts.)
 */
import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { AxlService, seededDb } from "../src/labsim/cucm";
import { axlNamespace } from "../src/labsim/cucm/releases";

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
