/**
 * Issue 13 §2: AXL calls on `up`. A lab's CUCM resources (the shape src/components/cucm.ts builds:
 * version, trunk and its security profile, the EM service, per user a line, phone, call-per-line
 * limit, EM device profile, end user and licences, the CTI application user, a Meet-Me number and a
 * dial rule) are created through the kinds' runtimes against the CUCM simulator, in AXL 7.0 and
 * 14.0, and the AXL requests CUCM answered are counted per kind. Each kind's count is pinned: a
 * redundant call (a read-back, a lookup, a second get) that comes back fails here. A refresh then
 * reads each resource with one request at most.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AxlClient, type AxlConnection } from "../providers/cucm/axl/client";
import type { AxlRelease } from "../providers/cucm/axl/model";
import { AppUser } from "../providers/cucm/appUser";
import { CallPerLineLimit } from "../providers/cucm/callPerLineLimit";
import { DeviceProfile } from "../providers/cucm/deviceProfile";
import { ApplicationDialRule } from "../providers/cucm/dialRule";
import { EndUser } from "../providers/cucm/endUser";
import { IpPhoneService, emServiceUrl } from "../providers/cucm/ipPhoneService";
import { LicenseCapabilities } from "../providers/cucm/licenseCapabilities";
import { Line } from "../providers/cucm/line";
import { MeetMe } from "../providers/cucm/meetMe";
import { Phone } from "../providers/cucm/phone";
import { SipTrunk } from "../providers/cucm/sipTrunk";
import { SipTrunkSecurityProfile } from "../providers/cucm/sipTrunkSecurityProfile";
import { CucmVersion } from "../providers/cucm/version";
import { startCucmSim } from "../src/labsim/cucm";
import { checked, quiet } from "./support/kinds";

type AnyKind = {
  type: string;
  runtime: {
    check(o: object, n: object): { inputs: Record<string, unknown>; failures: unknown[] };
    create(inputs: Record<string, unknown>): Promise<{ id: string; outs: Record<string, unknown> }>;
    read(id: string, props: Record<string, unknown>): Promise<{ id?: string; props?: Record<string, unknown> }>;
  };
};

/** The AXL calls each kind may make on create, per resource (7.0, 14.0). */
const CREATE_BUDGET: Record<string, Record<AxlRelease, number>> = {
  "rcclab:cucm:Version": { "7.0": 1, "12.5": 1, "14.0": 1, "15.0": 1 },
  "rcclab:cucm:SipTrunkSecurityProfile": { "7.0": 1, "12.5": 1, "14.0": 1, "15.0": 1 },
  "rcclab:cucm:SipTrunk": { "7.0": 1, "12.5": 1, "14.0": 1, "15.0": 1 },
  "rcclab:cucm:IpPhoneService": { "7.0": 1, "12.5": 1, "14.0": 1, "15.0": 1 },
  "rcclab:cucm:Line": { "7.0": 1, "12.5": 1, "14.0": 1, "15.0": 1 },
  "rcclab:cucm:Phone": { "7.0": 1, "12.5": 1, "14.0": 1, "15.0": 1 },
  "rcclab:cucm:CallPerLineLimit": { "7.0": 2, "12.5": 2, "14.0": 2, "15.0": 2 },
  "rcclab:cucm:DeviceProfile": { "7.0": 1, "12.5": 1, "14.0": 1, "15.0": 1 },
  // 7.0: addUser, one updateUserGroup per group (2 here), the default profile's two SQL updates.
  "rcclab:cucm:EndUser": { "7.0": 5, "12.5": 1, "14.0": 1, "15.0": 1 },
  "rcclab:cucm:LicenseCapabilities": { "7.0": 2, "12.5": 2, "14.0": 2, "15.0": 2 },
  "rcclab:cucm:AppUser": { "7.0": 1, "12.5": 1, "14.0": 1, "15.0": 1 },
  "rcclab:cucm:MeetMe": { "7.0": 1, "12.5": 1, "14.0": 1, "15.0": 1 },
  "rcclab:cucm:ApplicationDialRule": { "7.0": 1, "12.5": 1, "14.0": 1, "15.0": 1 },
};

const USERS = 3;

describe.each(["7.0", "14.0"] as AxlRelease[])("AXL calls per CUCM resource on create, AXL %s", (release) => {
  let sim: Awaited<ReturnType<typeof startCucmSim>>;
  let connection: AxlConnection;
  const created: { kind: AnyKind; id: string; outs: Record<string, unknown>; calls: string[] }[] = [];

  beforeAll(async () => {
    sim = await startCucmSim({ release, caDir: fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-budget-")), users: { axl: "Axl-Pa55" } });
    // A port of its own: the core's client (one per connection per process) starts fresh.
    connection = {
      host: "127.0.0.1", port: sim.port, username: "axl", password: "Axl-Pa55", release,
      tls: { caPem: sim.caPem, insecureSkipVerify: false }, timeoutMs: 5_000, retries: 2, minRetryDelayMs: 5, maxRetryDelayMs: 20,
    };
    const make = async (kind: AnyKind, news: Record<string, unknown>) => {
      const before = sim.requests.length;
      const r = await kind.runtime.create(checked(kind, { ...news, connection }));
      created.push({ kind, ...r, calls: sim.requests.slice(before).map((q) => q.operation) });
      return r;
    };
    await make(CucmVersion, { expected: release });
    await make(SipTrunkSecurityProfile, { name: "CUP Trunk Profile" });
    await make(SipTrunk, { name: "to-cup", securityProfileName: "CUP Trunk Profile", destinationAddress: "cup.lab.example.com" });
    await make(IpPhoneService, { name: "Extension Mobility", description: "Extension Mobility", url: emServiceUrl("cucm.lab.example.com") });
    const em = [{ serviceName: "Extension Mobility", name: "Extension Mobility" }];
    for (let i = 1; i <= USERS; i++) {
      const e164 = `+1408555100${i}`;
      const mac = `SEP001E4AAABB0${i}`;
      await make(Line, { pattern: e164, description: `User ${i}`, alertingName: `User ${i}`, asciiAlertingName: `User ${i}` });
      const appearance = { index: 1, pattern: e164, label: `User ${i}`, display: `User ${i}` };
      await make(Phone, { name: mac, model: "7975", protocol: "SCCP", description: `User ${i}`, enableExtensionMobility: true, lines: [appearance], services: em });
      await make(CallPerLineLimit, { phoneName: mac, lineIndex: 1, maxNumCalls: 4, busyTrigger: 2 });
      await make(DeviceProfile, { name: `EM-user${i}-7975`, model: "7975", protocol: "SCCP", lines: [appearance], services: em });
      await make(EndUser, {
        userid: `user${i}`, firstName: "User", lastName: `${i}`, telephoneNumber: e164, password: "Passw0rd!", pin: "12345",
        associatedDevices: [mac], primaryExtension: { pattern: e164 }, userGroups: ["Standard CCM End Users", "Standard CTI Enabled"],
        controlledProfiles: [`EM-user${i}-7975`], defaultProfile: `EM-user${i}-7975`,
      });
      await make(LicenseCapabilities, { userid: `user${i}` });
    }
    await make(AppUser, { userid: "rcc-cti", password: "Cti-Pa55", associatedDevices: ["SEP001E4AAABB01"], userGroups: ["Standard CTI Enabled"] });
    await make(MeetMe, { pattern: "+14085559000", description: "Conference" });
    await make(ApplicationDialRule, { name: "to-e164", numberBeginsWith: "1408", numberOfDigits: 10, digitsToBeRemoved: 0, prefixPattern: "+" });
  });
  afterAll(async () => sim?.stop());

  it("each kind makes no more AXL calls on create than it needs", () => {
    const byKind = new Map<string, string[][]>();
    for (const c of created) byKind.set(c.kind.type, [...(byKind.get(c.kind.type) ?? []), c.calls]);
    const report = [...byKind].map(([type, calls]) => `${type}: ${calls.map((c) => c.join("+")).join(" | ")}`).join("\n");
    for (const [type, calls] of byKind) {
      // The first request of a run is getCCMVersion (B1); it belongs to the run, not to a kind.
      const counts = calls.map((c) => c.length);
      expect(Math.max(...counts), `${type} on AXL ${release}:\n${report}`).toBeLessThanOrEqual(CREATE_BUDGET[type]![release]);
    }
    const total = created.reduce((n, c) => n + c.calls.length, 0);
    console.log(`AXL ${release}: ${total} AXL calls for ${created.length} CUCM resources on create (${(total / created.length).toFixed(2)} per resource)\n${report}`);
  });

  it("a refresh reads each resource with at most one AXL call", async () => {
    for (const c of created) {
      const before = sim.requests.length;
      const r = await c.kind.runtime.read(c.id, c.outs);
      expect(r.id).toBe(c.id);
      // One request, or none when a bulk read of its kind (one request for all of them) answered it.
      expect(sim.requests.slice(before).length, c.kind.type).toBeLessThanOrEqual(1);
    }
  });

  it("a line made again behind rcclab's back (another uuid) is looked up again when CUCM refuses the one rcclab knew", async () => {
    const line = await Line.runtime.create(checked(Line, { pattern: "+14085551999", connection }));
    // Someone else removes the number and makes it again: it has another uuid now.
    const other = new AxlClient(connection, quiet);
    await other.remove(other.adapter.line, { pattern: "\\+14085551999" });
    await other.add(other.adapter.line, { pattern: "\\+14085551999" }, { pattern: "\\+14085551999" });
    const now = (await other.get(other.adapter.line, { pattern: "\\+14085551999" }))!.uuid;
    expect(now).not.toBe(line.outs.uuid);
    const before = sim.requests.length;
    const phone = await Phone.runtime.create(
      checked(Phone, { name: "SEP001E4AAABB99", model: "7975", protocol: "SCCP", lines: [{ index: 1, pattern: "+14085551999", label: "x", display: "x" }], connection }),
    );
    const ops = sim.requests.slice(before).map((q) => q.operation);
    // 7.0 reads the number by its uuid only: the stale one is refused, looked up, sent again. 14.0
    // names the number by pattern too.
    if (release === "7.0") expect(ops).toEqual(["addPhone", "getLine", "addPhone"]);
    else expect(ops[0]).toBe("addPhone");
    expect(phone.outs.uuid).toBeTruthy();
    expect((await other.get(other.adapter.phone, "SEP001E4AAABB99"))!.lines[0]!.dirn.uuid?.toUpperCase()).toBe(now.toUpperCase());
    other.close();
  });
});
