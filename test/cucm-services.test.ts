/**
 * Services RCC needs on CUCM: Cisco CTIManager activated through the ServiceActivation kind on each
 * node CUP's desk phone control points at, in AXL 7.0 and 14.0, against a simulated two-node cluster
 * (the publisher: the AXL simulator with its platform on 127.0.0.1; a second node: a standalone
 * platform on 127.0.0.2, same port). Status and activation must go to the node's own Control Center
 * endpoint, not to the AXL host.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AxlConnection } from "../providers/cucm/axl/client";
import type { AxlRelease } from "../providers/cucm/axl/model";
import { CTI_MANAGER, ServiceActivation } from "../providers/cucm/serviceActivation";
import { closeServiceabilityClients, isConnectionNode, serviceabilityFor } from "../providers/cucm/serviceability/client";
import { type CucmSim, startCucmSim } from "../src/labsim/cucm";
import { type CucmPlatform, startCucmPlatform } from "../src/labsim/cucm-platform";
import { checked, failure, quiet } from "./support/kinds";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-services-"));
afterAll(async () => {
  await closeServiceabilityClients();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The NodeName of every deployment a node's Control Center received. */
const deployedNodeNames = (p: CucmPlatform): string[] =>
  p.requests.filter((r) => r.operation === "soapDoServiceDeployment").map((r) => /<(?:\w+:)?NodeName>([^<]*)</.exec(r.body)?.[1] ?? "?");

describe.each(["7.0", "14.0"] as AxlRelease[])("Cisco CTIManager for RCC through ServiceActivation, AXL %s", (release) => {
  let sim: CucmSim;
  let pub: CucmPlatform;
  let sub: CucmPlatform;
  let connection: AxlConnection;
  const SUB = "127.0.0.2";

  beforeAll(async () => {
    const caDir = path.join(tmp, `ca-${release}`);
    sim = await startCucmSim({ release, caDir, users: { axl: "Axl-Pa55" } });
    pub = await startCucmPlatform({ sim, sshPort: false });
    sub = await startCucmPlatform({
      release,
      host: SUB,
      port: sim.port,
      nodeName: "cucm-sub",
      caDir,
      users: sim.users,
      stateFile: path.join(tmp, `sub-${release}.json`),
      sshPort: false,
    });
    connection = {
      host: "127.0.0.1", port: sim.port, username: "axl", password: "Axl-Pa55", release,
      tls: { caPem: sim.caPem, insecureSkipVerify: false }, timeoutMs: 5_000, retries: 1, minRetryDelayMs: 5, maxRetryDelayMs: 20,
    };
  });
  afterAll(async () => {
    await sub?.stop();
    await pub?.stop();
    await sim?.stop();
  });

  it("activates it on the AXL host's node; read shows it activated; delete deactivates what rcclab activated", async () => {
    expect(pub.services.status(CTI_MANAGER)).toMatchObject({ activated: false, status: "Stopped" }); // a fresh node
    const input = checked(ServiceActivation, { service: CTI_MANAGER, node: "127.0.0.1", connection });
    const act = await ServiceActivation.runtime.create(input);
    expect(act.id).toBe(`127.0.0.1/${CTI_MANAGER}`);
    expect(act.outs).toMatchObject({ service: CTI_MANAGER, node: "127.0.0.1", activatedByRcclab: true, status: "Started" });
    expect(pub.services.status(CTI_MANAGER)).toMatchObject({ activated: true, status: "Started" });
    expect(deployedNodeNames(pub)).toEqual(["127.0.0.1"]);

    const read = await ServiceActivation.runtime.read(act.id, act.outs);
    expect(read.id).toBe(act.id);
    expect(read.props).toMatchObject({ service: CTI_MANAGER, node: "127.0.0.1", activatedByRcclab: true, status: "Started" });
    expect(ServiceActivation.runtime.changedFields(read.props!, input)).toEqual([]);

    await ServiceActivation.runtime.delete(act.id, act.outs);
    expect(pub.services.status(CTI_MANAGER)).toMatchObject({ activated: false, status: "Stopped" });
    expect(sub.requests).toEqual([]); // the second node was never asked
  });

  it("reads a deactivation behind rcclab's back as drift (gone), and the next create activates it again", async () => {
    const input = checked(ServiceActivation, { service: CTI_MANAGER, node: "127.0.0.1", connection });
    const act = await ServiceActivation.runtime.create(input);
    pub.services.deactivate(CTI_MANAGER); // an admin, on Serviceability's Service Activation page
    expect(await ServiceActivation.runtime.read(act.id, act.outs)).toEqual({});
    const again = await ServiceActivation.runtime.create(input);
    expect(again.outs).toMatchObject({ activatedByRcclab: true, status: "Started" });
    expect(pub.services.status(CTI_MANAGER).activated).toBe(true);
    await ServiceActivation.runtime.delete(again.id, again.outs);
    expect(pub.services.status(CTI_MANAGER).activated).toBe(false);
  });

  it("adopts a service already active and leaves it active on delete", async () => {
    pub.services.activate(CTI_MANAGER);
    const deploys = deployedNodeNames(pub).length;
    const input = checked(ServiceActivation, { service: CTI_MANAGER, node: "127.0.0.1", connection });
    const adopted = await ServiceActivation.runtime.create(input);
    expect(adopted.outs).toMatchObject({ activatedByRcclab: false, status: "Started" });
    // import by natural key: activatedByRcclab false, so a later delete leaves it alone too
    const imported = await ServiceActivation.runtime.read(adopted.id, { connection });
    expect(imported.props).toMatchObject({ activatedByRcclab: false });
    await ServiceActivation.runtime.delete(adopted.id, adopted.outs);
    await ServiceActivation.runtime.delete(adopted.id, imported.props!);
    expect(pub.services.status(CTI_MANAGER)).toMatchObject({ activated: true, status: "Started" });
    expect(deployedNodeNames(pub).length).toBe(deploys); // no deployment request at all
    pub.services.deactivate(CTI_MANAGER);
  });

  it("on another node: status and activation go to that node's own endpoint, never to the AXL host", async () => {
    const pubBefore = pub.requests.length;
    const input = checked(ServiceActivation, { service: CTI_MANAGER, node: SUB, connection });
    const act = await ServiceActivation.runtime.create(input);
    expect(act.id).toBe(`${SUB}/${CTI_MANAGER}`);
    expect(act.outs).toMatchObject({ activatedByRcclab: true, status: "Started" });
    expect(sub.services.status(CTI_MANAGER)).toMatchObject({ activated: true, status: "Started" });
    expect(pub.services.status(CTI_MANAGER).activated).toBe(false);
    expect(sub.requests.map((r) => r.operation)).toEqual(["soapGetServiceStatus", "soapDoServiceDeployment"]);
    expect(sub.requests.every((r) => r.path === (release === "7.0" ? "/controlcenterservice/services/ControlCenterServicesPort" : "/controlcenterservice2/services/ControlCenterServices"))).toBe(true);
    expect(deployedNodeNames(sub)).toEqual([SUB]);
    expect(pub.requests.length).toBe(pubBefore); // the AXL host's Control Center saw nothing

    // The status is the node's own: activated on the AXL host only, it reads as gone for the node...
    sub.services.deactivate(CTI_MANAGER);
    pub.services.activate(CTI_MANAGER);
    expect(await ServiceActivation.runtime.read(act.id, act.outs)).toEqual({});
    // ...and activated on the node only, it reads as there for the node, gone for the AXL host.
    pub.services.deactivate(CTI_MANAGER);
    sub.services.activate(CTI_MANAGER);
    expect((await ServiceActivation.runtime.read(act.id, act.outs)).id).toBe(act.id);
    expect(await ServiceActivation.runtime.read(`127.0.0.1/${CTI_MANAGER}`, { connection })).toEqual({});
    expect(pub.requests.slice(pubBefore).map((r) => r.operation)).toEqual(["soapGetServiceStatus"]);

    await ServiceActivation.runtime.delete(act.id, act.outs);
    expect(sub.services.status(CTI_MANAGER).activated).toBe(false);
    expect(deployedNodeNames(sub)).toEqual([SUB, SUB]);
  });

  it("one client per node; the AXL host's node under any of its names uses the connection as it is", async () => {
    const a = await serviceabilityFor(connection, SUB, quiet);
    expect(await serviceabilityFor(connection, SUB, quiet)).toBe(a);
    expect(a.target).toBe(`https://${SUB}:${sim.port}${release === "7.0" ? "/controlcenterservice/services/ControlCenterServicesPort" : "/controlcenterservice2/services/ControlCenterServices"}`);
    const self = await serviceabilityFor(connection, "127.0.0.1", quiet);
    expect(self).not.toBe(a);
    expect(self.host).toBe("127.0.0.1");
    expect((await serviceabilityFor(connection, "localhost", quiet)).host).toBe("127.0.0.1"); // resolves to the host's address
    expect(await isConnectionNode(connection, "LOCALHOST.")).toBe(true);
    expect(await isConnectionNode(connection, SUB)).toBe(false);
    // the name the certificate is verified as is the connection's node too
    const byName = { ...connection, host: "127.0.0.1", tls: { ...connection.tls, servername: "cucm.lab.example.com" } };
    expect(await isConnectionNode(byName, "cucm.lab.example.com")).toBe(true);
  });

  it("another node's certificate is verified as that node, unless tls.servername says otherwise; same credentials", async () => {
    const named = await serviceabilityFor(connection, "cucm-sub.invalid", quiet); // no network: the client is lazy
    expect(named.host).toBe("cucm-sub.invalid");
    expect(named.tls).toMatchObject({ servername: "cucm-sub.invalid", caPem: sim.caPem });
    const pinned = { ...connection, tls: { ...connection.tls, servername: "cluster.lab.example.com" } };
    expect((await serviceabilityFor(pinned, "cucm-sub.invalid", quiet)).tls.servername).toBe("cluster.lab.example.com");
    expect((await serviceabilityFor(connection, SUB, quiet)).tls.servername).toBeUndefined(); // an address: no SNI, its IP SAN is checked

    // the same credentials: a node that does not know them refuses
    const stranger = await startCucmPlatform({ release, host: "127.0.0.3", port: sim.port, caDir: path.join(tmp, `ca-${release}`), users: { other: "x" }, stateFile: path.join(tmp, `stranger-${release}.json`), sshPort: false });
    try {
      const e = await failure(ServiceActivation.runtime.create(checked(ServiceActivation, { service: CTI_MANAGER, node: "127.0.0.3", connection })));
      expect(e.message).toMatch(/HTTP 401|credentials/);
      expect(e.message).not.toContain("Axl-Pa55");
      expect(stranger.requests).toEqual([]); // refused before the SOAP layer
    } finally {
      await stranger.stop();
    }
  });

  it("a deployment naming another node is refused by the node it reaches", async () => {
    const self = await serviceabilityFor(connection, "127.0.0.1", quiet);
    const e = await failure(self.deploy("cucm-sub", CTI_MANAGER, true));
    expect(e.message).toMatch(/not this node/);
    expect(pub.services.status(CTI_MANAGER).activated).toBe(false);
    expect(sub.services.status(CTI_MANAGER).activated).toBe(false);
  });
});
