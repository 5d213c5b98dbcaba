/**
 * Live values the kind's own schema refuses are drift, not errors (a value changed by hand on the
 * system); errors keep their system code and a scrubbed cause through the core's rewrap. In process
 * on the echo kind, and on CUCM's end user against the simulator in AXL 7.0 and 14.0.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RcclabError } from "../providers/core/errors";
import { liveFields } from "../providers/core/kind";
import { AxlClient, type AxlConnection } from "../providers/cucm/axl/client";
import type { AxlRelease } from "../providers/cucm/axl/model";
import { EndUser } from "../providers/cucm/endUser";
import { Line } from "../providers/cucm/line";
import { startCucmSim } from "../src/labsim/cucm";
import { Thing } from "./fixtures/echo-kind";
import { checked, failure, quiet } from "./support/kinds";
import { z } from "zod";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-live-"));

describe("liveFields", () => {
  const schema = z.object({ n: z.string().regex(/^\+\d+$/), tags: z.array(z.string()).default([]).transform((t) => [...t].sort()) });
  it("normalises a valid live object like parse", () => {
    expect(liveFields(schema, { n: "+1", tags: ["b", "a"] })).toEqual({ n: "+1", tags: ["a", "b"] });
  });
  it("keeps a refused value as it is and still normalises the valid ones", () => {
    expect(liveFields(schema, { n: "1001", tags: ["b", "a"] })).toEqual({ n: "1001", tags: ["a", "b"] });
  });
});

describe("provider core: a live value the schema refuses", () => {
  const rt = Thing.runtime;
  const connection = { store: path.join(dir, "store.json"), password: "Live-Pa55!" };

  it("reads as drift on that field, and update puts the declared value back", async () => {
    const inputs = checked(Thing, { name: "abc", size: 3, connection });
    const made = await rt.create(inputs);
    // By hand on the system: a size the kind would refuse (min 1).
    const all = JSON.parse(fs.readFileSync(connection.store, "utf8"));
    all.abc.size = 0;
    fs.writeFileSync(connection.store, JSON.stringify(all));
    const read = await rt.read(made.id, made.outs);
    expect(read.props).toMatchObject({ size: 0 });
    expect(rt.changedFields(read.props!, inputs)).toEqual(["size"]);
    await rt.update(made.id, read.props!, inputs);
    expect((await rt.read(made.id, made.outs)).props).toMatchObject({ size: 3 });
  });

  it("keeps the system code and a scrubbed cause through the rewrap", async () => {
    const inputs = checked(Thing, { name: "dup", size: 1, secret: "Very-Secret-9", connection });
    await rt.create(inputs);
    const e = (await failure(rt.create(inputs))) as RcclabError;
    expect(e).toBeInstanceOf(RcclabError);
    expect(e.code).toBe("AlreadyExists");
    expect(e.systemCode).toBe("E-EXISTS");
    expect(e.message).not.toContain("Very-Secret-9");
    const cause = e.cause as RcclabError;
    expect(cause).toBeInstanceOf(RcclabError);
    expect(cause.systemCode).toBe("E-EXISTS");
    expect((cause.cause as Error).message).toBe("duplicate key dup, sent with [secret]");
    expect(JSON.stringify([cause.message, cause.stack, (cause.cause as Error).stack])).not.toContain("Very-Secret-9");
  });

  it("names a bad connection as such, and nothing else as a connection problem", async () => {
    const e = await failure(rt.read("abc", { connection: { store: 5, password: "x" } }));
    expect(e.message).toContain("invalid connection: connection.store");
  });
});

describe.each(["7.0", "14.0"] as AxlRelease[])("CUCM end user over AXL %s: a telephoneNumber set by hand", (release) => {
  let sim: Awaited<ReturnType<typeof startCucmSim>>;
  let connection: AxlConnection;
  let axl: AxlClient;
  beforeAll(async () => {
    sim = await startCucmSim({ release, caDir: path.join(dir, `ca-${release}`), users: { axl: "Axl-Pa55" } });
    connection = {
      host: "127.0.0.1", port: sim.port, username: "axl", password: "Axl-Pa55", release,
      tls: { caPem: sim.caPem, insecureSkipVerify: false }, timeoutMs: 5_000, retries: 1, minRetryDelayMs: 5, maxRetryDelayMs: 20,
    };
    axl = new AxlClient(connection, quiet);
    await Line.runtime.create(checked(Line, { pattern: "+14085558001", connection }));
  });
  afterAll(async () => {
    axl?.close();
    await sim?.stop();
  });

  it("is drift that refresh reports and update repairs, not a failed refresh", async () => {
    const inputs = checked(EndUser, { userid: "drifty", lastName: "Drift", telephoneNumber: "+14085558001", connection });
    const made = await EndUser.runtime.create(inputs);
    await axl.update(axl.adapter.endUser, "drifty", (cur) => ({ ...cur, telephoneNumber: "1001" }));
    const read = await EndUser.runtime.read(made.id, made.outs);
    expect(read.props).toMatchObject({ telephoneNumber: "1001" });
    expect(EndUser.runtime.changedFields(read.props!, inputs)).toEqual(["telephoneNumber"]);
    await EndUser.runtime.update(made.id, read.props!, inputs);
    expect((await axl.get(axl.adapter.endUser, "drifty"))?.telephoneNumber).toBe("+14085558001");
    await EndUser.runtime.delete(made.id, made.outs);
  });

  it("keeps CUCM's code and the fault's fields as the cause of a failed create, without the password", async () => {
    const inputs = checked(EndUser, { userid: "noline", lastName: "None", primaryExtension: { pattern: "+14085558999" }, connection });
    const e = (await failure(EndUser.runtime.create(inputs))) as RcclabError;
    expect(e.systemCode).toBe(5007);
    const fault = (e.cause as RcclabError).cause as Record<string, unknown>;
    expect(fault).toMatchObject({ axlcode: 5007, httpStatus: 500, shape: release === "7.0" ? "7.0" : "8+" });
    expect(JSON.stringify(fault)).not.toContain("Axl-Pa55");
  });
});
