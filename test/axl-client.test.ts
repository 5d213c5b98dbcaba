/**
 * The AXL client's transport behaviour against the CUCM simulator: session cookie reuse and
 * re-authentication, timeouts, AXL's -1 memory throttling, faults that must not be retried, and
 * the warning when TLS verification is turned off.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AxlClient, axlConnectionSchema, type AxlConnection } from "../providers/cucm/axl/client";
import { startCucmSim } from "../src/labsim/cucm";
import { failure } from "./support/kinds";


describe("AXL client transport", () => {
  let sim: Awaited<ReturnType<typeof startCucmSim>>;
  let base: AxlConnection;
  const warnings: string[] = [];
  const log = { info: () => {}, warn: (m: string) => void warnings.push(m) };

  beforeAll(async () => {
    sim = await startCucmSim({ release: "14.0", caDir: fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-axlc-")), users: { u: "P4ss-word" } });
    base = axlConnectionSchema.parse({
      host: "127.0.0.1", port: sim.port, username: "u", password: "P4ss-word", release: "14.0",
      tls: { caPem: sim.caPem }, timeoutMs: 2_000, retries: 3, minRetryDelayMs: 5, maxRetryDelayMs: 20,
    });
  });
  afterAll(async () => sim?.stop());

  it("authenticates once with Basic, then rides CUCM's session cookie", async () => {
    const client = new AxlClient(base, log);
    const from = sim.requests.length;
    for (let i = 0; i < 3; i++) await client.version();
    const auths = sim.requests.slice(from).map((r) => r.auth);
    expect(auths).toEqual(["basic", "cookie", "cookie"]);
  });

  it("authenticates again when the session expired", async () => {
    const client = new AxlClient(base, log);
    await client.version();
    sim.expireSessions();
    const from = sim.requests.length;
    expect(await client.version()).toBe("14.0.1.11900-132");
    expect(sim.requests.slice(from).map((r) => r.auth)).toEqual(["basic"]);
  });

  it("gives up on a request that outlives its timeout, with a clear message", async () => {
    const client = new AxlClient({ ...base, timeoutMs: 150, retries: 0 }, log);
    sim.inject({ kind: "delay", ms: 600, times: 1 });
    const err = await failure(client.version());
    expect(err.code).toBe("Timeout");
    expect(err.message).toContain("no answer");
  });

  it("retries AXL's -1 'Maximum AXL Memory Allocation Consumed' as throttling", async () => {
    const client = new AxlClient(base, log);
    await client.version();
    sim.inject({ kind: "axl-1", operation: "addLine", times: 2 });
    const uuid = await client.add(client.adapter.line, { pattern: "8001" }, { pattern: "8001" });
    expect(uuid).toMatch(/^\{[0-9A-F-]{36}\}$/);
    expect(sim.requests.filter((r) => r.operation === "addLine" && r.injected === "axl-1")).toHaveLength(2);
  });

  it("does not retry a request CUCM rejected as invalid", async () => {
    const client = new AxlClient(base, log);
    await client.version();
    const from = sim.requests.length;
    const err = await failure(client.add(client.adapter.line, { pattern: "8002", routePartitionName: "PT_Missing" }, { pattern: "8002", routePartitionName: "PT_Missing" }));
    expect(err.code).toBe("InvalidRequest");
    expect(sim.requests.slice(from).filter((r) => r.operation === "addLine")).toHaveLength(1);
  });

  it("gives up after the configured retries when throttling persists", async () => {
    const client = new AxlClient({ ...base, retries: 2 }, log);
    await client.version();
    sim.inject({ kind: "503", operation: "addLine", times: 10 });
    const err = await failure(client.add(client.adapter.line, { pattern: "8003" }, { pattern: "8003" }));
    expect(err.code).toBe("Throttled");
    sim.clearInjections();
    expect(sim.requests.filter((r) => r.operation === "addLine" && r.injected === "503").length).toBe(3);
  });

  it("says loudly when TLS verification is off", async () => {
    const client = new AxlClient({ ...base, tls: { insecureSkipVerify: true } }, log);
    await client.version();
    expect(warnings.some((w) => /TLS verification is OFF/.test(w))).toBe(true);
  });
});
