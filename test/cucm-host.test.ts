/**
 * Every CUCM kind's provider taken through the trip the Pulumi engine makes: serialized with
 * Pulumi's closure serializer (as pulumi.dynamic.Resource does), then run in Pulumi's own
 * dynamic-provider host over gRPC, against the CUCM simulator.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderHost, type Props } from "../src/engine/providerHost";
import { startCucmSim } from "../src/labsim/cucm";

const dist = (m: string) => require(path.resolve(__dirname, "../dist/providers/cucm", m));

describe("CUCM providers in Pulumi's dynamic-provider host", () => {
  let host: ProviderHost;
  let sim: Awaited<ReturnType<typeof startCucmSim>>;
  let connection: Props;
  const serialized = new Map<string, string>();

  beforeAll(async () => {
    const pulumi = require("@pulumi/pulumi");
    // Compiled kinds, as the Pulumi runtime loads them.
    for (const [file, name] of [
      ["version.js", "CucmVersion"],
      ["sipTrunk.js", "SipTrunk"],
      ["appUser.js", "AppUser"],
      ["line.js", "Line"],
      ["phone.js", "Phone"],
      ["callPerLineLimit.js", "CallPerLineLimit"],
      ["endUser.js", "EndUser"],
      ["licenseCapabilities.js", "LicenseCapabilities"],
      ["meetMe.js", "MeetMe"],
      ["dialRule.js", "ApplicationDialRule"],
      ["ipPhoneService.js", "IpPhoneService"],
      ["deviceProfile.js", "DeviceProfile"],
      ["serviceActivation.js", "ServiceActivation"],
    ]) {
      const kind = dist(file)[name];
      serialized.set(name, (await pulumi.runtime.serializeFunction(() => kind.provider, { allowSecrets: true })).text);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-host-"));
    sim = await startCucmSim({ release: "7.0", caDir: dir, users: { hostuser: "H0st-Pa55" } });
    connection = { host: "127.0.0.1", port: sim.port, username: "hostuser", password: "H0st-Pa55", release: "7.0", tls: { caPem: sim.caPem } };
    host = await ProviderHost.start();
  });
  afterAll(async () => {
    await host?.stop();
    await sim?.stop();
  });

  /** check + create through the host; returns id and outputs. */
  async function create(kind: string, news: Props) {
    const urn = `urn:pulumi:test::rcclab::pulumi-nodejs:dynamic/rcclab/cucm:${kind}::${kind.toLowerCase()}`;
    const checked = await host.check(urn, "", {}, { ...news, connection, __provider: serialized.get(kind) });
    expect(checked.failures).toEqual([]);
    const created = await host.create(urn, "", checked.inputs);
    return { urn, inputs: checked.inputs, ...created };
  }

  it("serializes each provider without capturing client code", () => {
    for (const [name, text] of serialized) {
      expect(text, name).toContain(`rcclab:cucm:`);
      expect(text, name).not.toMatch(/soap|AxlClient|node-forge/);
      expect(text.length, name).toBeLessThan(10_000);
    }
  });

  it("runs every kind's create, read, diff, update and delete in the host", async () => {
    const version = await create("CucmVersion", { expected: "7.0" });
    expect(version.outs.version).toBe("7.0.2.20000-5");

    const trunk = await create("SipTrunk", { name: "CUP-Trunk", destinationAddress: "cup.lab.example.com" });
    const line = await create("Line", { pattern: "+14085556001" });
    expect(line.id).toBe("\\+14085556001");
    const phone = await create("Phone", { name: "SEP001E4AAABB61", model: "7970", protocol: "SIP", lines: [{ index: 1, pattern: "+14085556001" }] });
    const limit = await create("CallPerLineLimit", { phoneName: "SEP001E4AAABB61", lineIndex: 1, maxNumCalls: 3, busyTrigger: 2 });
    const user = await create("AppUser", { userid: "rcc-host", password: "Cti-H0st!", associatedDevices: ["SEP001E4AAABB61"], userGroups: ["Standard CTI Enabled"] });
    expect(user.outs.password).toBe("Cti-H0st!"); // kept in (secret) state, never sent back by CUCM

    const read = await host.read(phone.id, phone.urn, "", phone.outs);
    expect(read.id).toBe("SEP001E4AAABB61");
    expect(read.props).toMatchObject({ model: "7970", protocol: "SIP", sipProfileName: "Standard SIP Profile" });

    const diff = await host.diff(trunk.id, trunk.urn, trunk.outs, { ...trunk.inputs, destinationPort: 5070 });
    expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await host.update(trunk.id, trunk.urn, "", trunk.outs, { ...trunk.inputs, destinationPort: 5070 });
    expect(updated.destinationPort).toBe(5070);

    const failed = await host.create(user.urn, "", user.inputs).then(
      () => new Error("expected a failure"),
      (e: Error) => e,
    );
    expect(failed.message).toMatch(/AlreadyExists|already exists|duplicate/i);
    expect(failed.message).not.toContain("Cti-H0st!");
    expect(failed.message).not.toContain("H0st-Pa55");

    for (const r of [user, limit, phone, line]) await host.delete(r.id, r.urn, "", r.outs);
    await host.delete(trunk.id, trunk.urn, "", updated);
    await host.delete(version.id, version.urn, "", version.outs);
    const gone = await host.read(phone.id, phone.urn, "", phone.outs);
    expect(gone.id).toBe("");
  });
});
