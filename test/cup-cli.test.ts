/**
 * CUP's platform CLI (providers/cup/cli.ts): the restart transcript read line by line — the Control
 * Center lines a `utils service restart` prints, not any line that says "error" —, unknown output
 * reported as such, and against the CUP simulator: one attempt with one bounded wait, status lines
 * logged as they arrive, a failure reported with the command to run by hand and left pending.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CUP_SERVICES, TABLES } from "../providers/cup/catalog";
import { CupCli, classifyRestart, restartSucceeded, statusOf } from "../providers/cup/cli";
import { CupClient, type CupConnection, pendingRestarts } from "../providers/cup/client";
import { type CupSim, startCupSim } from "../src/labsim/cup";
import { cupSimCli, cupSimConnection } from "./support/cup";
import { failure } from "./support/kinds";

const P = CUP_SERVICES.sipProxy;
const CLI_PASSWORD = "Cli-Pa55;w0rd";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-cup-cli-"));
process.env.RCCLAB_CUP_PENDING_RESTARTS = path.join(dir, "cup-pending-restarts.json");

/** A restart as the platform CLI prints it: stop phase, then start phase, each state possibly repeated. */
const good = (name: string = P): string[] => [
  "Do not press Ctrl+C while the service is restarting.",
  "Service Manager is running",
  `${name}[STOPPING]`,
  `${name}[STOPPING]`,
  "Commanded Out of Service",
  `${name}[NOTRUNNING]`,
  "Service Manager is running",
  `${name}[STARTING]`,
  `${name}[STARTING]`,
  `${name}[STARTED]`,
];

describe("reading a restart transcript", () => {
  it("success is the service's own last status [STARTED]; the stop phase's Commanded Out of Service is part of it", () => {
    expect(classifyRestart(P, good())).toEqual({ outcome: "started", unrecognized: [] });
    expect(restartSucceeded(P, good())).toBe(true);
    // Status lines may carry trailing blanks or a note; the name compares without case.
    expect(classifyRestart(P, ["Service Manager is running", `${P.toUpperCase()}[STARTED]   `]).outcome).toBe("started");
  });

  it("a line that merely mentions an error does not fail a restart that reports [STARTED]", () => {
    const lines = [...good().slice(0, -1), "Warning: 2 errors were logged by the previous instance (see the trace files)", `${P}[STARTED]`];
    expect(classifyRestart(P, lines)).toMatchObject({ outcome: "started", unrecognized: ["Warning: 2 errors were logged by the previous instance (see the trace files)"] });
    expect(restartSucceeded(P, ["Service Manager is running", "Error counters reset", `${P}[STARTED]`])).toBe(true);
  });

  it("known failure lines fail, with the reason", () => {
    expect(classifyRestart(P, ["Service Manager is running", "Executed command unsuccessfully", "Invalid service name: Cisco UP SIP Proxi"])).toMatchObject({
      outcome: "failed",
      reason: "CUP has no service by that name",
    });
    expect(classifyRestart(P, ["Service Manager is running", `${P}[STOPPED]  Service Not Activated`])).toMatchObject({ outcome: "failed", reason: expect.stringMatching(/not activated/) });
    expect(classifyRestart(P, ["Service Manager is running", `${P}[STOPPING]`, "Commanded Out of Service", `${P}[NOTRUNNING]`, `${P}[STARTING]`, `${P}[NOTRUNNING]`])).toMatchObject({
      outcome: "failed",
      reason: expect.stringMatching(/did not come back \(last status NOTRUNNING\)/),
    });
    expect(classifyRestart(P, ["Service Manager is not running"])).toMatchObject({ outcome: "failed", reason: expect.stringMatching(/Service Manager/) });
    expect(classifyRestart(P, ["Executed command unsuccessfully", "Invalid command: utils service restrat"])).toMatchObject({ outcome: "failed", reason: expect.stringMatching(/does not know the command/) });
    expect(classifyRestart(P, ["Executed command unsuccessfully", "Usage: utils service restart <service name>"])).toMatchObject({ outcome: "failed" });
    // A failure line wins over a [STARTED] of the same transcript.
    expect(classifyRestart(P, [...good(), "Executed command unsuccessfully"]).outcome).toBe("failed");
  });

  it("output that is neither reports itself as unrecognized: no status line, another service's, or still starting", () => {
    expect(classifyRestart(P, ["% Connection to the service manager timed out"])).toMatchObject({ outcome: "unknown", reason: `no status line for "${P}"`, unrecognized: ["% Connection to the service manager timed out"] });
    expect(classifyRestart(P, [])).toMatchObject({ outcome: "unknown" });
    expect(classifyRestart(P, good(CUP_SERVICES.presenceEngine))).toMatchObject({ outcome: "unknown", reason: `no status line for "${P}"` });
    expect(classifyRestart(P, ["Service Manager is running", `${P}[STOPPING]`, `${P}[STARTING]`])).toMatchObject({ outcome: "unknown", reason: expect.stringMatching(/still STARTING/) });
    expect(statusOf(P, `${P}[STARTED]`)).toEqual({ status: "STARTED", note: "" });
    expect(statusOf(P, `Cisco UP SIP Proxy Extra[STARTED]`)).toBeUndefined();
  });
});

describe("restarts against the CUP simulator", () => {
  let sim: CupSim;
  let connection: CupConnection;
  const logged = () => {
    const info: string[] = [];
    const warn: string[] = [];
    return { info, warn, log: { info: (m: string) => void info.push(m), warn: (m: string) => void warn.push(m) } };
  };
  const restartCommands = (since: number): string[] => sim.commands.slice(since).map((x) => x.line).filter((l) => l.startsWith("utils service restart"));

  beforeAll(async () => {
    sim = await startCupSim({ caDir: dir, users: { axl: "Axl-Pa55" }, cliUsers: { admin: CLI_PASSWORD } });
    connection = cupSimConnection(sim, { retries: 3, cli: cupSimCli(sim, CLI_PASSWORD) });
  });

  afterAll(async () => {
    await sim?.stop();
  });

  it("logs each status line as it arrives and succeeds on [STARTED]", async () => {
    const l = logged();
    const cli = new CupCli("127.0.0.1", connection.cli!, l.log);
    const r0 = sim.restarts.length;
    const out = await cli.restart(P, l.log);
    expect(out.lines.at(-1)).toBe(`${P}[STARTED]`);
    expect(sim.restarts.slice(r0).map((r) => r.service)).toEqual([P]);
    expect(l.info.filter((m) => m.startsWith(`"${P}" on 127.0.0.1:`)).map((m) => m.split(": ")[1]!.split(" ")[0])).toEqual(["STOPPING", "STOPPING", "STARTING", "STARTED"]);
  });

  it("an unknown service name is a failure saying so", async () => {
    const cli = new CupCli("127.0.0.1", connection.cli!, logged().log);
    const e = await failure(cli.restart("Cisco UP No Such Service"));
    expect(e.message).toMatch(/utils service restart "Cisco UP No Such Service" failed on .*: CUP has no service by that name \(the CLI said: .*Invalid service name/);
  });

  it("a restart that fails is tried once (no retry loop), reported with the command to run by hand, and stays pending", async () => {
    sim.services.stop(P);
    const svcRow = sim.db.services.find((s) => s.name === P)!;
    svcRow.activated = false;
    const l = logged();
    const client = new CupClient(connection, l.log);
    const c0 = sim.commands.length;
    try {
      client.intend(TABLES.find((t) => t.table === "incomingacl")!); // as a session does before its write
      expect(await client.restart(P, ["C3 incoming ACL (System > Security > Incoming ACL)"])).toBe(false);
    } finally {
      svcRow.activated = true;
      sim.services.start(P);
    }
    expect(restartCommands(c0)).toEqual([`utils service restart "${P}"`]);
    expect(l.warn.join("\n")).toMatch(
      new RegExp(`the change to C3 incoming ACL \\(System > Security > Incoming ACL\\) is saved in CUP's database, but restarting "${P}" on 127\\.0\\.0\\.1 failed: .*not activated.*utils service restart "${P}"`),
    );
    expect(Object.keys(pendingRestarts("127.0.0.1"))).toEqual([P]);
    // Restarted (now that it can be), it leaves the journal.
    expect(await client.restart(P)).toBe(true);
    expect(pendingRestarts("127.0.0.1")).toEqual({});
    client.close();
  });

  it("the wait is bounded: a restart with no end within cli.timeoutMs fails once, saying the last status, and logs progress while waiting", async () => {
    const l = logged();
    // A CLI that never answers: the prompt comes, the restart's answer does not (an SSH server that stalls).
    const { Server, utils } = require("ssh2") as typeof import("ssh2");
    const key = utils.generateKeyPairSync("ed25519").private;
    const server = new Server({ hostKeys: [key] }, (client) => {
      client.on("authentication", (ctx) => ctx.accept());
      client.on("session", (accept) => {
        const session = accept();
        session.on("pty", (ok) => ok?.());
        session.on("shell", (ok) => {
          const ch = ok();
          ch.write("admin:");
          ch.on("data", (d: Buffer) => {
            if (String(d).startsWith("utils service restart")) ch.write(`${String(d).trim()}\r\nService Manager is running\r\n${P}[STOPPING]\r\n`);
          });
        });
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      const cli = new CupCli("127.0.0.1", { port, username: "admin", password: "x", timeoutMs: 600, progressEveryMs: 150 }, l.log);
      const t0 = Date.now();
      const e = await failure(cli.restart(P, l.log));
      expect(Date.now() - t0).toBeLessThan(3_000);
      expect(e.code).toBe("Timeout");
      expect(e.message).toMatch(/did not end within 1 s \(last status: STOPPING\); the service may still be restarting/);
      expect(l.info.some((m) => /^still waiting for "Cisco UP SIP Proxy" on 127\.0\.0\.1 to restart: \d+ s of at most 1 s \(last status: STOPPING\)/.test(m))).toBe(true);
    } finally {
      server.close();
    }
  });
});
