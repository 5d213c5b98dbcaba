/**
 * Bulk reads of CUCM kinds (issue 13 §2, providers/core/bulkRead.ts) against the CUCM simulator, in
 * AXL 7.0 and 14.0: what a kind's bulk.readAll answers for each object equals what its read() gives
 * for it, objects of other kinds are left out, and a refresh of many objects takes a request or
 * two instead of one per object.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AxlClient, type AxlConnection } from "../providers/cucm/axl/client";
import type { AxlRelease } from "../providers/cucm/axl/model";
import { Line } from "../providers/cucm/line";
import { MeetMe } from "../providers/cucm/meetMe";
import { startCucmSim } from "../src/labsim/cucm";
import { checked, quiet } from "./support/kinds";

describe.each(["7.0", "14.0"] as AxlRelease[])("CUCM bulk reads, AXL %s", (release) => {
  let sim: Awaited<ReturnType<typeof startCucmSim>>;
  let connection: AxlConnection;
  let client: AxlClient;
  const ids: string[] = [];

  beforeAll(async () => {
    sim = await startCucmSim({
      release,
      caDir: fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-bulk-")),
      users: { axl: "Axl-Pa55" },
      seed: { routePartitions: ["PT_Internal", "PT_Lab"] },
    });
    connection = {
      host: "127.0.0.1", port: sim.port, username: "axl", password: "Axl-Pa55", release,
      tls: { caPem: sim.caPem, insecureSkipVerify: false }, timeoutMs: 5_000, retries: 2, minRetryDelayMs: 5, maxRetryDelayMs: 20,
    };
    client = new AxlClient(connection, quiet);
    await client.ensureRelease();
    const lines: Record<string, unknown>[] = [
      { pattern: "+14085551001", description: "Alice", alertingName: "Alice Ng", asciiAlertingName: "Alice Ng" },
      { pattern: "+14085551002" },
      { pattern: "+14085551003", routePartitionName: "PT_Internal", description: "Bob's line", alertingName: "Zoë Ørsted", asciiAlertingName: "Zoe Orsted" },
      { pattern: "1004", routePartitionName: "PT_Lab" },
      { pattern: "+14085551003", description: "same number, no partition" },
    ];
    for (const l of lines) ids.push((await Line.runtime.create(checked(Line, { ...l, connection }))).id);
    // A Meet-Me number shares the numbering plan: not a line.
    await MeetMe.runtime.create(checked(MeetMe, { pattern: "+14085559000", connection }));
  });
  afterAll(async () => {
    client?.close();
    await sim?.stop();
  });

  const ctx = () => ({ client, connection, log: quiet });

  it("Line: bulk.readAll answers exactly what read() answers, for every line and nothing else", async () => {
    const before = sim.requests.length;
    const all = await Line.runtime.spec.bulk!.readAll(ctx(), {});
    // One query: two lines have a partition, so one more for the partitions' names.
    expect(sim.requests.slice(before).map((r) => r.operation)).toEqual(["executeSQLQuery", "executeSQLQuery"]);
    expect([...all.keys()].sort()).toEqual([...ids].sort());
    for (const id of ids) {
      const single = await Line.runtime.spec.read(ctx(), id, {});
      expect(all.get(id), id).toEqual(single);
    }
    expect(all.has("\\+14085559000")).toBe(false);
  });

  it("Line: after a change by hand, bulk and single reads still agree (drift shows the same way)", async () => {
    await client.update(client.adapter.line, { pattern: "\\+14085551002" }, { pattern: "\\+14085551002", description: "changed by hand", alertingName: "Hand" });
    const all = await Line.runtime.spec.bulk!.readAll(ctx(), {});
    const single = await Line.runtime.spec.read(ctx(), "\\+14085551002", {});
    expect(single?.fields).toMatchObject({ description: "changed by hand", alertingName: "Hand" });
    expect(all.get("\\+14085551002")).toEqual(single);
  });

  it("Line: a refresh of every line through the core reads them in bulk, with the same answers", async () => {
    const singles = [];
    for (const id of ids) singles.push(await Line.runtime.read(id, { connection }));
    // The same reads again, now in quick succession: from the third on, from one bulk read.
    const before = sim.requests.length;
    const again = [];
    for (const id of ids) again.push(await Line.runtime.read(id, { connection }));
    expect(again).toEqual(singles);
    expect(sim.requests.length - before).toBeLessThan(ids.length);
  });
});
