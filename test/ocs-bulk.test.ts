/**
 * Bulk reads of the OCS kinds (issue 13 §3): one enumeration of a WMI class (one script run over
 * SSH) answers every static route or authorized host of the pool, each as read() does — created
 * ones, a seeded one (imported), and none of another pool's.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { OcsClient, type OcsConnection, ocsConnectionSchema } from "../providers/ocs/client";
import { HostAuthorization } from "../providers/ocs/hostAuthorization";
import { StaticRoute } from "../providers/ocs/staticRoute";
import { DEFAULT_POOL, type OcsSim, startOcsSim } from "../src/labsim/ocs";
import { checked, quiet } from "./support/kinds";

const USER = "LAB\\rcclab-ocs";
const PASSWORD = "Ocs-Bulk-P4ss!";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-ocsbulk-"));
type Spec = { read(ctx: unknown, id: string, olds: object): Promise<unknown>; bulk: { readAll(ctx: unknown, olds: object): Promise<Map<string, unknown>> } };

describe("OCS bulk reads against the simulator", () => {
  let sim: OcsSim;
  let conn: OcsConnection;
  let client: OcsClient;
  beforeAll(async () => {
    sim = await startOcsSim({
      host: "127.0.0.13",
      port: 0,
      users: { [USER]: PASSWORD },
      hostKeyFile: path.join(tmp, "ssh_host_rsa_key"),
      stateFile: path.join(tmp, "state.json"),
      seed: {
        pools: [DEFAULT_POOL, { fqdn: "pool02.lab.example.com", backend: "sql02.lab.example.com\\rtc" }],
        routes: [
          { matchUri: "gw01.lab.example.com", nextHop: "192.0.2.10", replaceHostInRequestUri: false },
          { backend: "sql02.lab.example.com\\rtc", matchUri: "other.lab.example.com", nextHop: "10.99.99.99" },
        ],
        hosts: [{ server: "192.0.2.10" }],
      },
    });
    conn = ocsConnectionSchema.parse({
      transport: "ssh",
      host: sim.host,
      port: sim.port,
      username: USER,
      password: PASSWORD,
      hostKeySha256: sim.hostKeySha256,
      timeoutMs: 10_000,
      retries: 2,
      minRetryDelayMs: 5,
      maxRetryDelayMs: 20,
      pool: DEFAULT_POOL.fqdn,
    });
    client = new OcsClient(conn, quiet);
  });
  afterAll(async () => {
    client?.close();
    await sim?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("StaticRoute and HostAuthorization: one enumeration per class answers each entry as read() does", async () => {
    const routes = new Map<string, Record<string, unknown>>();
    for (const f of [
      { matchUri: "cup.lab.example.com", nextHop: "10.10.10.20" },
      { matchUri: "cup2.lab.example.com", nextHop: "10.10.10.21", transport: "TCP", port: 5070, enabled: false },
    ]) {
      const made = await StaticRoute.runtime.create(checked(StaticRoute, { ...f, connection: conn }));
      routes.set(made.id, made.outs);
    }
    routes.set("gw01.lab.example.com", { connection: conn }); // imported
    const hosts = new Map<string, Record<string, unknown>>();
    const h = await HostAuthorization.runtime.create(checked(HostAuthorization, { server: "10.10.10.20", connection: conn }));
    hosts.set(h.id, h.outs);
    hosts.set("192.0.2.10", { connection: conn });

    const ctx = { client, connection: conn, log: quiet };
    for (const [kind, objects] of [
      [StaticRoute.runtime.spec as unknown as Spec, routes],
      [HostAuthorization.runtime.spec as unknown as Spec, hosts],
    ] as const) {
      for (const [id, olds] of objects) {
        const single = await kind.read(ctx, id, olds);
        expect(single, id).toBeDefined();
        expect((await kind.bulk.readAll(ctx, olds)).get(id), id).toEqual(single);
      }
    }
    const find = vi.spyOn(client.transport, "find");
    const all = await (StaticRoute.runtime.spec as unknown as Spec).bulk.readAll(ctx, routes.get("cup.lab.example.com")!);
    expect(find).toHaveBeenCalledTimes(1);
    // Another pool's route is not this front end's.
    expect([...all.keys()].sort()).toEqual(["cup.lab.example.com", "cup2.lab.example.com", "gw01.lab.example.com"]);
    find.mockRestore();
  });
});
