/**
 * Adaptive AXL concurrency (issue 13 §3) against the CUCM simulator: every request to one CUCM from
 * this process passes one AIMD limit. Many creates at once keep at most the starting limit in
 * flight; when CUCM throttles (HTTP 503, or 7.0's -1 "Maximum AXL Memory Allocation Consumed"), the
 * limit halves, a warning names the new limit, fewer requests are in flight afterwards, and the run
 * still succeeds.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AXL_CONCURRENCY, AxlClient, type AxlConnection, axlLimitFor } from "../providers/cucm/axl/client";
import type { AxlRelease } from "../providers/cucm/axl/model";
import { Line } from "../providers/cucm/line";
import { startCucmSim } from "../src/labsim/cucm";
import { checked, quiet, withStderr } from "./support/kinds";

describe.each([
  ["14.0", "503"],
  ["7.0", "axl-1"],
] as [AxlRelease, "503" | "axl-1"][])("adaptive AXL concurrency, AXL %s, throttled with %s", (release, throttle) => {
  let sim: Awaited<ReturnType<typeof startCucmSim>>;
  let connection: AxlConnection;

  beforeAll(async () => {
    sim = await startCucmSim({ release, latencyMs: 20, caDir: fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-aimd-")), users: { axl: "Axl-Pa55" } });
    connection = {
      host: "127.0.0.1", port: sim.port, username: "axl", password: "Axl-Pa55", release,
      tls: { caPem: sim.caPem, insecureSkipVerify: false }, timeoutMs: 5_000, retries: 6, minRetryDelayMs: 5, maxRetryDelayMs: 40,
    };
  });
  afterAll(async () => sim?.stop());

  const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => `+1408556${String(from + i).padStart(4, "0")}`);
  const createAll = (patterns: string[]) => Promise.all(patterns.map((pattern) => Line.runtime.create(checked(Line, { pattern, connection }))));

  it("many creates at once: at most the starting limit in flight", async () => {
    const limit = axlLimitFor("127.0.0.1", sim.port);
    expect(limit.limit).toBe(AXL_CONCURRENCY.initial);
    sim.stats.maxRequestsInFlight = 0;
    await createAll(lines(0, 12));
    expect(sim.stats.maxRequestsInFlight).toBe(AXL_CONCURRENCY.initial);
    expect(limit.inFlight).toBe(0);
  });

  it("throttles halve the limit (a warning names it), fewer requests are in flight after them, and every create succeeds", async () => {
    const limit = axlLimitFor("127.0.0.1", sim.port);
    const start = limit.limit;
    expect(start).toBeGreaterThanOrEqual(4);
    const mark = sim.requests.length;
    sim.inject({ kind: throttle, times: 3 });
    const { result, log } = await withStderr(() => createAll(lines(100, 16)));
    expect(result).toHaveLength(16);

    const sent = sim.requests.slice(mark);
    const throttledAt = sent.map((r, i) => (r.injected === throttle ? i : -1)).filter((i) => i >= 0);
    expect(throttledAt).toHaveLength(3);
    // One halving for the throttles of one round, told in one warning line.
    const half = Math.floor(start / 2);
    expect(log).toContain(`slowing down to ${half} requests in flight (was ${start})`);
    expect(log.match(/slowing down/g)).toHaveLength(1);
    // Once the requests already under way are answered, at most the new limit (plus the growth of one
    // per AXL_CONCURRENCY.increaseAfter answers) is in flight.
    const after = sent.slice(throttledAt[2]! + start);
    const grown = Math.ceil(after.length / AXL_CONCURRENCY.increaseAfter);
    expect(after.length).toBeGreaterThan(5);
    expect(Math.max(...after.map((r) => r.inFlight))).toBeLessThanOrEqual(Math.min(start - 1, half + grown));
    expect(limit.stats.decreases).toBe(1);

    // Every line is there.
    const axl = new AxlClient(connection, quiet);
    for (const pattern of lines(100, 16)) expect(await axl.get(axl.adapter.line, { pattern: `\\${pattern}` })).toBeDefined();
    axl.close();
    expect(limit.inFlight).toBe(0);
  });
});
