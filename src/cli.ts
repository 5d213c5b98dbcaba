#!/usr/bin/env node
/**
 * rcclab — build, check and tear down the CUCM / CUP / OCS 2007 R2 remote call control lab.
 *
 *   rcclab validate [--stack S]          check the stack config (no network)
 *   rcclab preview  [--stack S]          what up would change
 *   rcclab up       [--stack S]          build or converge the lab
 *   rcclab drift    [--stack S] [--json] exit 0: matches, 2: drifted, 1: error
 *   rcclab destroy  [--stack S]          remove what rcclab created
 *   rcclab rebuild  [--stack S]          destroy, then up
 *   rcclab discover cup [--stack S] [--json]  read the live CUP's database (read only): its tables, rcclab's
 *                                        CUP mapping against them, and a draft override file for the lab
 *   rcclab lab      [up] [--keep]        the embedded lab simulators (with `up`: and build the local stack on them)
 *
 * --engine local|pulumi picks the engine (default: pulumi when its CLI is found, else local).
 * --stacks-dir and --state-dir move the stack files (default stacks/) and the local state (.rcclab/).
 */
import * as commands from "./commands";
import type { EngineName } from "./commands";

const USAGE =
  "usage: rcclab <validate|preview|up|drift|destroy|rebuild|discover cup|lab [up]> [--stack NAME] [--engine local|pulumi] [--json] [--keep] [--stacks-dir DIR] [--state-dir DIR]";

interface Args {
  command: string;
  stacksDir?: string;
  stateDir?: string;
  sub?: string;
  stack: string;
  engine?: EngineName;
  json: boolean;
  keep: boolean;
}

function parse(argv: string[]): Args {
  const a: Args = { command: "", stack: "local", json: false, keep: false };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (!v) throw new commands.CommandError(`${x} needs a value\n${USAGE}`);
      return v;
    };
    if (x === "--stack" || x === "-s") a.stack = value();
    else if (x.startsWith("--stack=")) a.stack = x.slice(8);
    else if (x === "--engine") a.engine = value() as EngineName;
    else if (x.startsWith("--engine=")) a.engine = x.slice(9) as EngineName;
    else if (x === "--stacks-dir") a.stacksDir = value();
    else if (x === "--state-dir") a.stateDir = value();
    else if (x === "--json") a.json = true;
    else if (x === "--keep") a.keep = true;
    else if (x === "-h" || x === "--help") rest.unshift("help");
    else if (x.startsWith("-")) throw new commands.CommandError(`unknown option ${x}\n${USAGE}`);
    else rest.push(x);
  }
  a.command = rest[0] ?? "help";
  a.sub = rest[1];
  if (a.engine && a.engine !== "local" && a.engine !== "pulumi") throw new commands.CommandError(`--engine must be local or pulumi\n${USAGE}`);
  return a;
}

const out = (l: string) => process.stdout.write(`${l}\n`);
const err = (l: string) => process.stderr.write(`${l}\n`);

async function main(argv: string[]): Promise<number> {
  const a = parse(argv);
  const opts = {
    stack: a.stack,
    ...(a.engine ? { engine: a.engine } : {}),
    ...(a.stacksDir ? { stacksDir: a.stacksDir } : {}),
    ...(a.stateDir ? { stateDir: a.stateDir } : {}),
    print: a.json ? err : out,
  };
  switch (a.command) {
    case "validate": {
      const errors = await commands.validate(opts);
      for (const e of errors) err(`${e.path}: ${e.message}`);
      if (errors.length === 0) out(`stack ${a.stack}: config is valid`);
      return errors.length ? 1 : 0;
    }
    case "preview":
    case "up": {
      const r = await commands.up(opts, a.command === "preview");
      if (a.command === "up") out(JSON.stringify(r.outputs.summary ?? r.outputs, null, 2));
      out(r.changed ? (a.command === "up" ? "lab updated" : "changes planned") : "no changes");
      return 0;
    }
    case "drift": {
      const d = await commands.drift(opts);
      if (a.json) out(JSON.stringify(d, null, 2));
      else commands.formatDrift(d).forEach(out);
      return d.drifted ? 2 : 0;
    }
    case "destroy":
      await commands.destroy(opts);
      out(`stack ${a.stack}: destroyed`);
      return 0;
    case "rebuild": {
      const r = await commands.rebuild(opts);
      out(r.changed ? "lab rebuilt" : "no changes");
      return 0;
    }
    case "discover": {
      // Reads only: differences found are the answer, not an error (exit 0).
      if (a.sub !== "cup") throw new commands.CommandError(`unknown discover command ${a.sub ?? "(none)"}: rcclab discover cup [--stack S] [--json]\n${USAGE}`);
      // Loaded only for this command (it brings the CUP client).
      const discover = require("./discoverCup") as typeof import("./discoverCup");
      const r = await discover.runDiscoverCup(opts);
      if (a.json) out(JSON.stringify(discover.toJson(r), null, 2));
      else discover.format(r).forEach(out);
      return 0;
    }
    case "lab":
      return lab(a);
    case "help":
      out(USAGE);
      return 0;
    default:
      throw new commands.CommandError(`unknown command ${a.command}\n${USAGE}`);
  }
}

/** The embedded lab in the foreground; with `up`, also build the local stack on it. */
async function lab(a: Args): Promise<number> {
  // Loaded only for this command: the simulators are not needed by the others.
  const { startLab } = require("./labsim/lab") as typeof import("./labsim/lab");
  const running = await startLab();
  out("rcclab embedded lab (loopback only):");
  for (const [k, v] of Object.entries(running.endpoints)) out(`  ${k.padEnd(18)} ${v}`);
  out(`  state folder       ${running.dir}`);
  if (a.sub === "up") {
    try {
      const r = await commands.up({ stack: commands.LOCAL_STACK.name, engine: a.engine ?? "local", print: out });
      out(JSON.stringify(r.outputs.summary ?? {}, null, 2));
      out(r.changed ? "lab built" : "lab already up to date");
    } finally {
      if (!a.keep) await running.stop();
    }
    if (!a.keep) return 0;
  } else if (a.sub) {
    throw new commands.CommandError(`unknown lab command ${a.sub}\n${USAGE}`);
  }
  out("press Ctrl-C to stop (state is kept)");
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await running.stop();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    err(`rcclab: ${e.message}`);
    process.exit(e instanceof commands.CommandError ? e.exitCode : 1);
  },
);
