/**
 * The benchmark's lab: the embedded simulators on ephemeral ports and the local stack rewritten to
 * point at them, with N generated users; the CUCM simulator answering after an injected latency;
 * and the counting of the AXL requests it receives.
 *
 * The stack rewrite is test/support/lab.ts's (localStackFor); this file adds the users and the
 * counting.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../../providers/core/provider";
import type { LabUser } from "../../src/config";
import { writeStackConfig } from "../../src/engine/stackConfig";
import type { RecordedRequest } from "../../src/labsim/cucm";
import { type Lab, startLab } from "../../src/labsim/lab";
import { PASSPHRASE, SECRETS, localStackFor } from "../support/lab";

export { PASSPHRASE };
export const root = projectRoot();
export const cliPath = path.join(root, "dist/src/cli.js");

/** The user fields of a stack (what stacks/Pulumi.local.yaml writes; the rest takes its defaults). */
export type StackUser = Pick<LabUser, "userid" | "firstName" | "lastName" | "e164" | "pool" | "extensionMobility"> & {
  phone: { model: LabUser["phone"]["model"]; protocol: LabUser["phone"]["protocol"]; mac: string };
};

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, "0");

/**
 * N users of the local stack's shape, cycling through its users as templates (so the same mix of
 * phone models, SCCP and SIP, pools and Extension Mobility): unique userids (bench00001…), E.164
 * numbers (+14086000001…, clear of the seed's +1408555…), MACs 00:1E:4B:xx:xx:xx (device SEP001E4B…).
 */
export function benchUsers(templates: StackUser[], n: number): StackUser[] {
  if (n < 1 || n > 0xffffff) throw new Error(`--users must be 1 to ${0xffffff}`);
  return Array.from({ length: n }, (_, i) => {
    const t = templates[i % templates.length]!;
    const k = i + 1;
    return {
      userid: `bench${String(k).padStart(5, "0")}`,
      firstName: t.firstName,
      lastName: `${t.lastName} ${k}`,
      e164: `+1${4086000000 + k}`,
      pool: t.pool,
      phone: { model: t.phone.model, protocol: t.phone.protocol, mac: `00:1E:4B:${hex2((k >> 16) & 255)}:${hex2((k >> 8) & 255)}:${hex2(k & 255)}` },
      extensionMobility: t.extensionMobility,
    };
  });
}

export interface BenchLab {
  lab: Lab;
  stacksDir: string;
  stateDir: string;
  /** The local engine's state file of the stack. */
  stateFile: string;
  /** The flags that point the CLI at the bench's stack and state (local engine). */
  stackArgs: string[];
  users: StackUser[];
}

/** Start the lab under `dir`, write the local stack with `n` users pointed at it. */
export async function startBenchLab(dir: string, n: number): Promise<BenchLab> {
  const stacksDir = path.join(dir, "stacks");
  const stateDir = path.join(dir, "state");
  fs.mkdirSync(stacksDir, { recursive: true });
  const lab = await startLab({ dir: path.join(dir, "lab"), cucmPort: 0, cucmSshPort: 0, dnsPort: 0, directoryPort: 0, directoryLdapsPort: 0, ocsPort: 0, cupPort: 0, cupSshPort: 0 });
  // As startTestLab does: the committed local stack, its ports and CA the lab's.
  const config = localStackFor(lab);
  // The bench's part: N users in the shape of the stack's own.
  const users = benchUsers(config["rcclab:users"] as StackUser[], n);
  config["rcclab:users"] = users;
  writeStackConfig(path.join(stacksDir, "Pulumi.local.yaml"), config, { passphrase: PASSPHRASE, secrets: SECRETS });
  const stackArgs = ["--stack", "local", "--engine", "local", "--stacks-dir", stacksDir, "--state-dir", stateDir];
  return { lab, stacksDir, stateDir, stateFile: path.join(stateDir, "local.state.json"), stackArgs, users };
}

/** Every CUCM AXL request after `latencyMs`: the simulator's delay injection, on every request, until cleared. */
export function injectLatency(lab: Lab, latencyMs: number): void {
  if (latencyMs > 0) lab.cucm.inject({ kind: "delay", ms: latencyMs, times: Infinity });
}

/** An AXL write as rcclab sent it, with the answer (for the sequential script). */
export interface RecordedWrite {
  operation: string;
  soapAction?: string;
  body: string;
  response: string;
}

export const isAxlRead = (operation: string): boolean => /^(get|list|executeSQLQuery$)/.test(operation);

/**
 * Counts the requests the lab's simulators record, and empties their logs as it goes (they keep
 * every body and answer: at 1,000 users that would be the bench's own memory, not the simulators').
 * A CUCM request is taken once it is answered (its status set); the writes are kept when asked.
 */
export class RequestCounter {
  axl = 0;
  axlByOperation: Record<string, number> = {};
  serviceability = 0;
  cup = 0;
  winrm = 0;
  failedAxl = 0;
  /** AXL requests the latency injection delayed (all of them when --latency > 0). */
  delayedAxl = 0;
  writes: RecordedWrite[] = [];

  constructor(
    private readonly lab: Lab,
    private readonly keepWrites = false,
  ) {}

  drain(final = false): void {
    const cucm = this.lab.cucm.requests;
    const waiting: RecordedRequest[] = [];
    for (const r of cucm) {
      if (r.status === undefined && !final) {
        waiting.push(r);
        continue;
      }
      this.axl++;
      this.axlByOperation[r.operation] = (this.axlByOperation[r.operation] ?? 0) + 1;
      if (r.injected === "delay") this.delayedAxl++;
      if (r.status !== 200) this.failedAxl++;
      else if (this.keepWrites && !isAxlRead(r.operation)) {
        this.writes.push({ operation: r.operation, body: r.body, response: r.response ?? "", ...(r.soapAction !== undefined ? { soapAction: r.soapAction } : {}) });
      }
    }
    cucm.splice(0, cucm.length, ...waiting);
    this.serviceability += this.lab.cucmPlatform.requests.splice(0).length;
    this.cup += this.lab.cup.requests.splice(0).length;
    for (const w of this.lab.ocsWinRm) this.winrm += w.requests.splice(0).length;
  }
}

/** The CUCM database's objects by table, by natural key (to check the script made the same objects). */
export function cucmObjects(db: Lab["cucm"]["db"]): Record<string, string[]> {
  const key = (r: any): string => String(r.name ?? r.pattern ?? r.userid ?? r.pkid);
  const tables = { lines: db.lines, devices: db.devices, endUsers: db.endUsers, appUsers: db.appUsers, meetMes: db.meetMes, dialRules: db.dialRules, ipPhoneServices: db.ipPhoneServices };
  return Object.fromEntries(Object.entries(tables).map(([t, rows]) => [t, [...(rows as Map<string, unknown>).values()].map(key).sort()]));
}
