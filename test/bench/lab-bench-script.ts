/**
 * The baseline: the lab's CUCM objects made by a plain sequential AXL script, one call at a time,
 * no reads, against a fresh CUCM simulator set up like the lab's (release, credentials, the lab's
 * pre-existing objects, a state file written after each write) with the same latency.
 *
 * The script is rcclab's own writes, in rcclab's order (the requests the lab's simulator recorded
 * during `up`: every add, update and SQL update that succeeded, not one get, list or SQL query), so
 * both sides make exactly the same objects with the same payloads. The one thing a script without
 * reads cannot copy is a uuid rcclab read back: where rcclab's phone names its directory number by
 * the uuid getLine returned (AXL 7.0 finds a dirn by uuid), the script uses the uuid its own addLine
 * returned; every uuid an add returned to rcclab is swapped for the one the same add returns here.
 */
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { startCucmSim } from "../../src/labsim/cucm";
import { LAB, LAB_SEED } from "../../src/labsim/lab";
import { type RecordedWrite, cucmObjects } from "./lab-bench-lab";

export interface ScriptResult {
  calls: number;
  failed: number;
  /** The first failure's answer, if any. */
  firstFailure?: string;
  wallS: number;
  /** CPU of the bench process meanwhile: the script's HTTPS client and the simulator together. */
  cpuS: number;
  /** The objects the fresh CUCM holds afterwards, by table and natural key. */
  objects: Record<string, string[]>;
}

const UUID = /\{?([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\}?/;
const returned = (xml: string): string | undefined => {
  const m = /<return>\s*([^<]*?)\s*<\/return>/.exec(xml);
  return m ? UUID.exec(m[1]!)?.[1] : undefined;
};

function post(agent: https.Agent, port: number, auth: string, w: RecordedWrite, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: "127.0.0.1",
        port,
        path: "/axl/",
        method: "POST",
        agent,
        headers: {
          "Content-Type": "text/xml; charset=utf-8",
          "Content-Length": Buffer.byteLength(body),
          Authorization: auth,
          ...(w.soapAction !== undefined ? { SOAPAction: w.soapAction } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

export async function sequentialScript(writes: RecordedWrite[], opts: { dir: string; latencyMs: number }): Promise<ScriptResult> {
  fs.mkdirSync(opts.dir, { recursive: true });
  const sim = await startCucmSim({
    release: LAB.cucm.release,
    users: { [LAB.cucm.username]: LAB.cucm.password },
    caDir: path.join(opts.dir, "ca"),
    serverNames: ["cucm.lab.example.com"],
    stateFile: path.join(opts.dir, "cucm.json"),
    seed: LAB_SEED,
    latencyMs: opts.latencyMs,
  });
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: sim.caPem });
  const auth = `Basic ${Buffer.from(`${LAB.cucm.username}:${LAB.cucm.password}`).toString("base64")}`;
  // rcclab's uuid → this CUCM's uuid, upper case, without braces.
  const swap = new Map<string, string>();
  const rewrite = (body: string) =>
    swap.size === 0
      ? body
      : body.replace(new RegExp(UUID.source, "g"), (all, id: string) => {
          const to = swap.get(id.toUpperCase());
          if (!to) return all;
          return all.replace(id, id === id.toLowerCase() ? to.toLowerCase() : to);
        });
  let failed = 0;
  let firstFailure: string | undefined;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    for (const w of writes) {
      const r = await post(agent, sim.port, auth, w, rewrite(w.body));
      if (r.status !== 200) {
        failed++;
        firstFailure ??= `${w.operation}: HTTP ${r.status} ${r.text.slice(0, 400)}`;
        continue;
      }
      const was = returned(w.response);
      const now = returned(r.text);
      if (was && now && was.toUpperCase() !== now.toUpperCase()) swap.set(was.toUpperCase(), now.toUpperCase());
    }
  } finally {
    agent.destroy();
  }
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const objects = cucmObjects(sim.db);
  await sim.stop();
  return { calls: writes.length, failed, ...(firstFailure ? { firstFailure } : {}), wallS, cpuS: (cpu.user + cpu.system) / 1e6, objects };
}
