/**
 * AXL 7.0 reads a phone's (and a device profile's) line appearance by the dirn's uuid only
 * (axl.xsd: "Only the uuid attribute is read by the AXL API"), and the simulator plays it so: an
 * unknown uuid faults even when the pattern exists. Here the Phone and DeviceProfile kinds build,
 * update (line added, removed, renumbered) and repair devices under that rule, through the kinds
 * against the simulator over HTTPS; every request's uuids are checked against the live lines, and
 * a stale uuid is shown refused. 14.0 (lines by pattern and partition; rcclab sends the uuid there
 * too) runs the same story.
 */
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AxlClient, type AxlConnection } from "../providers/cucm/axl/client";
import { type AxlRelease, axlNamespace } from "../providers/cucm/axl/model";
import { DeviceProfile } from "../providers/cucm/deviceProfile";
import { Line } from "../providers/cucm/line";
import { Phone } from "../providers/cucm/phone";
import { type CucmSim, startCucmSim } from "../src/labsim/cucm";
import { validateAxlRequests } from "./support/axl-schema";
import { checked, failure, quiet } from "./support/kinds";

const PASSWORD = "Uu1d-P4ss";

describe.each(["7.0", "14.0"] as AxlRelease[])("line appearances by uuid, AXL %s", (release) => {
  const r7 = release === "7.0";
  let sim: CucmSim;
  let connection: AxlConnection;
  let axl: AxlClient;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rcclab-uuids-${release}-`));

  beforeAll(async () => {
    sim = await startCucmSim({ release, caDir: path.join(dir, "ca"), users: { axl: PASSWORD } });
    connection = {
      host: "127.0.0.1", port: sim.port, username: "axl", password: PASSWORD, release,
      tls: { caPem: sim.caPem, insecureSkipVerify: false }, timeoutMs: 5_000, retries: 2, minRetryDelayMs: 5, maxRetryDelayMs: 20,
    };
    axl = new AxlClient(connection, quiet);
    for (const n of ["6001", "6002", "6003", "6004", "6010"]) await Line.runtime.create(checked(Line, { pattern: `+1408555${n}`, connection }));
  });
  afterAll(async () => {
    axl?.close();
    await sim?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A line's live uuid, over AXL. */
  const uuidOf = async (n: string): Promise<string> => (await axl.get(axl.adapter.line, { pattern: `\\+1408555${n}` }))!.uuid;
  /** The dirns the last request of an operation named: [uuid attribute or "", pattern]. */
  const dirnsOfLast = (operation: string): [string, string][] => {
    const body = sim.requests.filter((r) => r.operation === operation).at(-1)!.body;
    return [...body.matchAll(/<dirn(?: uuid="([^"]*)")?><pattern>([^<]*)<\/pattern>/g)].map((m) => [m[1] ?? "", m[2]!]);
  };
  /** A change behind rcclab's back: a hand-built request (SOAPAction and namespace of this release). */
  const outOfBand = (operation: string, inner: string): Promise<{ status: number; text: string }> => {
    const body =
      `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="${axlNamespace(release)}"><soapenv:Body>` +
      `<ns:${operation}>${inner}</ns:${operation}></soapenv:Body></soapenv:Envelope>`;
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: "127.0.0.1", port: sim.port, path: "/axl/", method: "POST", ca: sim.caPem, agent: false,
          headers: { "Content-Type": "text/xml", SOAPAction: `CUCM:DB ver=${release} ${operation}`, Authorization: `Basic ${Buffer.from(`axl:${PASSWORD}`).toString("base64")}` },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8").on("data", (c: string) => (text += c)).on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  };
  const renumber = (from: string, to: string) =>
    outOfBand("updateLine", `<pattern>\\+1408555${from}</pattern><routePartitionName/><newPattern>\\+1408555${to}</newPattern>`);

  it("a phone: built, line added, line removed, renumbered, each request naming the live uuids", async () => {
    const base = { name: "SEP00AA00BB6001", model: "7975", protocol: "SCCP", connection };
    const inputs = checked(Phone, { ...base, lines: [{ index: 1, pattern: "+14085556001", label: "Ann" }] });
    const created = await Phone.runtime.create(inputs);
    expect(dirnsOfLast("addPhone")).toEqual([[await uuidOf("6001"), "\\+14085556001"]]);
    expect(await uuidOf("6001")).toMatch(/^\{[0-9A-F-]{36}\}$/);

    // Line added.
    const added = checked(Phone, { ...base, lines: [{ index: 1, pattern: "+14085556001", label: "Ann" }, { index: 2, pattern: "+14085556002" }] });
    const up1 = await Phone.runtime.update(created.id, created.outs, added);
    expect(dirnsOfLast("updatePhone")).toEqual([[await uuidOf("6001"), "\\+14085556001"], [await uuidOf("6002"), "\\+14085556002"]]);
    // Line removed.
    const removed = checked(Phone, { ...base, lines: [{ index: 2, pattern: "+14085556002" }] });
    const up2 = await Phone.runtime.update(created.id, up1.outs, removed);
    expect((await axl.get(axl.adapter.phone, base.name))!.lines.map((l) => [l.index, l.dirn.pattern])).toEqual([[2, "\\+14085556002"]]);
    // Renumbered: the appearance now shows another directory number.
    const renumbered = checked(Phone, { ...base, lines: [{ index: 2, pattern: "+14085556003" }] });
    const up3 = await Phone.runtime.update(created.id, up2.outs, renumbered);
    const live = (await axl.get(axl.adapter.phone, base.name))!;
    expect(live.lines.map((l) => [l.index, l.dirn.pattern, l.dirn.uuid])).toEqual([[2, "\\+14085556003", await uuidOf("6003")]]);
    expect(dirnsOfLast("updatePhone")).toEqual([[await uuidOf("6003"), "\\+14085556003"]]);
    expect(Phone.runtime.changedFields((await Phone.runtime.read(created.id, up3.outs)).props!, renumbered)).toEqual([]);

    // The Line itself renumbered through rcclab (a replacement: the new number is created first),
    // then the phone moved to it, then the old number deleted.
    const newLine = await Line.runtime.create(checked(Line, { pattern: "+14085556013", connection }));
    const moved = checked(Phone, { ...base, lines: [{ index: 2, pattern: "+14085556013" }] });
    const up4 = await Phone.runtime.update(created.id, up3.outs, moved);
    expect(dirnsOfLast("updatePhone")).toEqual([[newLine.outs.uuid as string, "\\+14085556013"]]);
    await Line.runtime.delete("\\+14085556003", { connection });
    expect(Phone.runtime.changedFields((await Phone.runtime.read(created.id, up4.outs)).props!, moved)).toEqual([]);
    await Phone.runtime.delete(created.id, up4.outs);
  });

  it("a phone repaired after its number was renumbered in place and the old number re-created: the fresh uuid, never a remembered one", async () => {
    const base = { name: "SEP00AA00BB6010", model: "7971", protocol: "SCCP", connection };
    const inputs = checked(Phone, { ...base, lines: [{ index: 1, pattern: "+14085556010" }] });
    const created = await Phone.runtime.create(inputs);
    const first = await uuidOf("6010");
    // Behind rcclab's back: 6010 becomes 6011 (same uuid, so the phone follows it), and a new 6010 is made.
    expect((await renumber("6010", "6011")).status).toBe(200);
    const recreated = await Line.runtime.create(checked(Line, { pattern: "+14085556010", connection }));
    expect(recreated.outs.uuid).not.toBe(first);
    const drift = await Phone.runtime.read(created.id, created.outs);
    expect(Phone.runtime.changedFields(drift.props!, inputs)).toEqual(["lines"]);
    expect((drift.props!.lines as { pattern: string }[])[0]!.pattern).toBe("\\+14085556011");
    // up repairs it: the phone is pointed at the number now called 6010, by its new uuid.
    const repaired = await Phone.runtime.update(created.id, drift.props! as never, inputs);
    expect(dirnsOfLast("updatePhone")).toEqual([[recreated.outs.uuid as string, "\\+14085556010"]]);
    const live = (await axl.get(axl.adapter.phone, base.name))!;
    expect(live.lines.map((l) => [l.dirn.pattern, l.dirn.uuid])).toEqual([["\\+14085556010", recreated.outs.uuid]]);
    expect(Phone.runtime.changedFields((await Phone.runtime.read(created.id, repaired.outs)).props!, inputs)).toEqual([]);
    await Phone.runtime.delete(created.id, repaired.outs);
  });

  it("a phone whose line was changed by hand, or that was deleted by hand, is repaired", async () => {
    const base = { name: "SEP00AA00BB6020", model: "7970", protocol: "SIP", connection };
    const inputs = checked(Phone, { ...base, lines: [{ index: 1, pattern: "+14085556001", display: "Desk" }] });
    const created = await Phone.runtime.create(inputs);
    // Someone points line 1 at another number.
    const current = (await axl.get(axl.adapter.phone, base.name))!;
    const other = { ...current.lines[0]!, dirn: { pattern: "\\+14085556004", uuid: await uuidOf("6004") } };
    for (const req of axl.adapter.phone.update(current, { ...current, lines: [other] })) await axl.execute(req);
    const drift = await Phone.runtime.read(created.id, created.outs);
    expect(Phone.runtime.changedFields(drift.props!, inputs)).toEqual(["lines"]);
    const repaired = await Phone.runtime.update(created.id, drift.props! as never, inputs);
    expect(dirnsOfLast("updatePhone")).toEqual([[await uuidOf("6001"), "\\+14085556001"]]);
    expect((await axl.get(axl.adapter.phone, base.name))!.lines[0]!.dirn.pattern).toBe("\\+14085556001");
    // Deleted by hand: refresh finds it gone, up creates it again with the live uuids.
    await axl.remove(axl.adapter.phone, base.name);
    expect(await Phone.runtime.read(created.id, repaired.outs)).toEqual({});
    const again = await Phone.runtime.create(inputs);
    expect(dirnsOfLast("addPhone")).toEqual([[await uuidOf("6001"), "\\+14085556001"]]);
    await Phone.runtime.delete(again.id, again.outs);
  });

  it("a device profile: built, line added, renumbered, line removed, repaired", async () => {
    const base = { name: "EM-ann-7975", model: "7975", protocol: "SCCP", connection };
    const inputs = checked(DeviceProfile, { ...base, lines: [{ index: 1, pattern: "+14085556002", label: "Ann" }] });
    const created = await DeviceProfile.runtime.create(inputs);
    expect(dirnsOfLast("addDeviceProfile")).toEqual([[await uuidOf("6002"), "\\+14085556002"]]);
    const twoLines = checked(DeviceProfile, { ...base, lines: [{ index: 1, pattern: "+14085556002", label: "Ann" }, { index: 2, pattern: "+14085556004" }] });
    const up1 = await DeviceProfile.runtime.update(created.id, created.outs, twoLines);
    expect(dirnsOfLast("updateDeviceProfile")).toEqual([[await uuidOf("6002"), "\\+14085556002"], [await uuidOf("6004"), "\\+14085556004"]]);
    const renumbered = checked(DeviceProfile, { ...base, lines: [{ index: 1, pattern: "+14085556001", label: "Ann" }, { index: 2, pattern: "+14085556004" }] });
    const up2 = await DeviceProfile.runtime.update(created.id, up1.outs, renumbered);
    expect(dirnsOfLast("updateDeviceProfile")[0]).toEqual([await uuidOf("6001"), "\\+14085556001"]);
    const oneLine = checked(DeviceProfile, { ...base, lines: [{ index: 2, pattern: "+14085556004" }] });
    const up3 = await DeviceProfile.runtime.update(created.id, up2.outs, oneLine);
    expect((await axl.get(axl.adapter.deviceProfile, base.name))!.lines.map((l) => [l.index, l.dirn.pattern, l.dirn.uuid])).toEqual([[2, "\\+14085556004", await uuidOf("6004")]]);
    // Changed by hand, then repaired.
    const current = (await axl.get(axl.adapter.deviceProfile, base.name))!;
    for (const req of axl.adapter.deviceProfile.update(current, { ...current, lines: [{ ...current.lines[0]!, dirn: { pattern: "\\+14085556002", uuid: await uuidOf("6002") } }] })) await axl.execute(req);
    const drift = await DeviceProfile.runtime.read(created.id, up3.outs);
    expect(DeviceProfile.runtime.changedFields(drift.props!, oneLine)).toEqual(["lines"]);
    const repaired = await DeviceProfile.runtime.update(created.id, drift.props! as never, oneLine);
    expect(dirnsOfLast("updateDeviceProfile")).toEqual([[await uuidOf("6004"), "\\+14085556004"]]);
    expect(DeviceProfile.runtime.changedFields((await DeviceProfile.runtime.read(created.id, repaired.outs)).props!, oneLine)).toEqual([]);
    await DeviceProfile.runtime.delete(created.id, repaired.outs);
  });

  it("a stale uuid is refused even though the pattern exists (7.0); 14.0 goes by pattern", async () => {
    const inputs = checked(Phone, { name: "SEP00AA00BB6030", model: "7975", protocol: "SCCP", lines: [{ index: 1, pattern: "+14085556001" }], connection });
    const created = await Phone.runtime.create(inputs);
    const current = (await axl.get(axl.adapter.phone, "SEP00AA00BB6030"))!;
    const stale = "{0BADC0DE-0000-4000-8000-000000006001}";
    const [req] = axl.adapter.phone.update(current, { ...current, lines: [{ ...current.lines[0]!, label: "x", dirn: { pattern: "\\+14085556002", uuid: stale } }] });
    if (r7) {
      const e = await failure(axl.execute(req!));
      expect(e.code).toBe("InvalidRequest");
      expect(e.message).toBe(`updatePhone: Item not valid: The specified Directory Number (${stale}) was not found (axlcode 5007)`);
      expect((await axl.get(axl.adapter.phone, "SEP00AA00BB6030"))!.lines[0]!.dirn.pattern).toBe("\\+14085556001"); // unchanged
      // A line appearance without a uuid is never sent by rcclab.
      expect(() => axl.adapter.phone.update({ ...current, lines: [] } as never, { ...current, lines: [{ index: 1, dirn: { pattern: "\\+14085556002" } }] })).toThrow(/uuid only/);
    } else {
      await axl.execute(req!);
      expect((await axl.get(axl.adapter.phone, "SEP00AA00BB6030"))!.lines[0]!.dirn.pattern).toBe("\\+14085556002");
    }
    await Phone.runtime.delete(created.id, created.outs);
  });

  it("every request rcclab sent validates against Cisco's AXL schema", () => {
    const bodies = sim.requests.filter((r) => r.soapAction?.includes(`ver=${release} `) && !r.body.includes("<ns:updateLine>")).map((r) => r.envelope);
    expect(bodies.length).toBeGreaterThan(20);
    expect(validateAxlRequests(release, bodies)).toEqual([]);
  });
});
