#!/usr/bin/env node
/**
 * rcclab — build, check and tear down the CUCM / CUP / OCS 2007 R2 remote call control lab.
 *
 *   rcclab validate | preview | up | drift | destroy | rebuild | discover --from X | discover cup
 *   | adopt | audit [--report F] | outputs --dir D | lab [up] | users import FILE | users export [--out FILE]
 *
 * `rcclab --help` lists the commands; `rcclab <command> --help` describes one, its flags and exit codes.
 * The command line is checked in full before anything is loaded or started (src/cli/args.ts); the
 * commands are in src/cli/ (apply: preview/up/destroy/rebuild, read: validate/drift/discover/outputs,
 * lab, users: the BAT-style CSV), their text in render.ts, their --json documents in json.ts (shapes in docs/json.md).
 * Exit codes: 0 ok, 1 error (also a bad flag, a refusal or a cancelled prompt), 2 a status (drift
 * found, or a plan with changes under --expect-no-changes / --detailed-exitcode).
 */
import { type Invocation, UsageError, commandHelp, overview, parseCommandLine } from "./cli/args";
import type { Io } from "./cli/io";

const out = (l: string) => void process.stdout.write(`${l}\n`);
const err = (l: string) => void process.stderr.write(`${l}\n`);

async function run(inv: Exclude<Invocation, { command: "help" }>): Promise<number> {
  // Loaded only now: a bad command line never loads the engine, Pulumi or a simulator.
  const commands = require("./commands") as typeof import("./commands");
  const { makeIo } = require("./cli/io") as typeof import("./cli/io");
  const io: Io = makeIo(inv.flags);
  const apply = () => require("./cli/apply") as typeof import("./cli/apply");
  const read = () => require("./cli/read") as typeof import("./cli/read");
  const engine = () => commands.chooseEngine(inv.flags.engine, io.info);
  const withEngine = <T>(fn: (e: "local" | "pulumi") => T): T => {
    const e = engine();
    if (inv.flags.backend && e === "local") throw new UsageError("--backend is for the Pulumi engine, and no Pulumi CLI was found (the local engine keeps its state in --state-dir)");
    return fn(e);
  };
  switch (inv.command) {
    case "validate":
      return read().validate(io);
    case "preview":
      return withEngine((e) => apply().preview(io, e));
    case "up":
      return withEngine((e) => apply().up(io, e));
    case "drift":
      return withEngine((e) => read().drift(io, e));
    case "destroy":
      return withEngine((e) => apply().destroy(io, e));
    case "rebuild":
      return withEngine((e) => apply().rebuild(io, e));
    case "discover":
      return inv.sub === "cup" ? read().discoverCup(io) : (require("./cli/discover") as typeof import("./cli/discover")).discover(io);
    case "adopt":
      return withEngine((e) => (require("./cli/adopt") as typeof import("./cli/adopt")).adopt(io, e));
    case "audit":
      return (require("./cli/audit") as typeof import("./cli/audit")).audit(io);
    case "outputs":
      return read().outputs(io);
    case "users": {
      const users = require("./cli/users") as typeof import("./cli/users");
      return inv.sub === "import" ? users.usersImport(io, inv.file!) : users.usersExport(io);
    }
    case "lab":
      return (require("./cli/lab") as typeof import("./cli/lab")).lab(io, inv.sub);
  }
}

/** An error as the user sees it: on stderr, and under --json also as the document on stdout. */
function fail(e: Error & { exitCode?: number }, json: boolean): number {
  const code = typeof e.exitCode === "number" ? e.exitCode : 1;
  err(`rcclab: ${e.message}`);
  if (json) out(JSON.stringify({ ok: false, error: { message: e.message, exitCode: code } }, null, 2));
  return code;
}

async function main(argv: string[]): Promise<number> {
  // --json is honoured for errors even when the rest of the line is wrong.
  const json = argv.some((a) => a === "--json" || a.startsWith("--json="));
  let inv: Invocation;
  try {
    inv = parseCommandLine(argv);
  } catch (e) {
    return fail(e as UsageError, json);
  }
  if (inv.command === "help") {
    out(inv.topic ? commandHelp(inv.topic) : overview());
    return 0;
  }
  try {
    return await run(inv);
  } catch (e) {
    return fail(e instanceof Error ? e : new Error(String(e)), inv.flags.json);
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
