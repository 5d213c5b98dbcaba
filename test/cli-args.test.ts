/**
 * The CLI's command line (src/cli/args.ts) and what the compiled CLI does with a bad one: every
 * command's --help names its flags and exit codes; an unknown flag or command, a flag the command does
 * not take, a bad value is exit 1 naming it — before anything starts (no simulator, no stack read);
 * under --json the error is a document on stdout. And the embedded lab's port clash is explained.
 * Needs `npm run build` (the compiled CLI).
 */
import * as net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS, FLAGS, UsageError, commandHelp, overview, parseCommandLine } from "../src/cli/args";
import { LAB } from "../src/labsim/lab";
import { runCli } from "./support/lab";

describe("the command line", () => {
  it("rcclab --help lists every command; each command's help names its flags and exit codes", () => {
    for (const c of COMMANDS) expect(overview()).toContain(c.usage);
    for (const c of COMMANDS) {
      const help = commandHelp(c);
      for (const f of c.flags) expect(help, c.name).toContain(`--${f}`);
      expect(help, c.name).toMatch(/exit codes:\n {2}0 {2}\S[\s\S]*\n {2}1 {2}\S/);
    }
    const preview = commandHelp(COMMANDS.find((c) => c.name === "preview")!);
    expect(preview).toMatch(/ {2}2 {2}with --expect-no-changes or --detailed-exitcode: the plan has changes/);
    expect(preview).toContain("--show-same");
    expect(commandHelp(COMMANDS.find((c) => c.name === "drift")!)).toMatch(/ {2}2 {2}the lab drifted/);
  });

  it("--help, -h and `help <command>` ask for the command's help", () => {
    expect(parseCommandLine(["up", "--help"])).toEqual({ command: "help", topic: COMMANDS.find((c) => c.name === "up") });
    expect(parseCommandLine(["destroy", "-h"])).toMatchObject({ command: "help", topic: { name: "destroy" } });
    expect(parseCommandLine(["help", "drift"])).toMatchObject({ command: "help", topic: { name: "drift" } });
    expect(parseCommandLine(["discover", "cup", "--help"])).toMatchObject({ command: "help", topic: { name: "discover" } });
    expect(parseCommandLine([])).toEqual({ command: "help" });
  });

  it("parses the common flags, short ones and --flag=value", () => {
    const inv = parseCommandLine(["preview", "-s", "guide", "--engine=local", "--stacks-dir", "st", "--state-dir=sd", "--json", "-y", "--show-same", "--detailed-exitcode"]);
    expect(inv).toMatchObject({
      command: "preview",
      flags: { stack: "guide", engine: "local", stacksDir: "st", stateDir: "sd", json: true, yes: true, showSame: true, detailedExitcode: true, quiet: false },
    });
    expect(parseCommandLine(["up"])).toMatchObject({ flags: { stack: "local" } });
    expect(parseCommandLine(["up", "--engine", "pulumi", "--backend", "s3://bucket/rcclab"])).toMatchObject({ flags: { engine: "pulumi", backend: "s3://bucket/rcclab" } });
    expect(parseCommandLine(["lab", "up", "--keep"])).toMatchObject({ command: "lab", sub: "up", flags: { keep: true } });
    expect(parseCommandLine(["outputs", "--dir", "out"])).toMatchObject({ command: "outputs", flags: { dir: "out" } });
    expect(parseCommandLine(["up", "--parallel", "3"])).toMatchObject({ flags: { parallel: 3 } });
  });

  it("every mistake is a UsageError naming the flag, the value or the word", () => {
    const bad: [string[], RegExp][] = [
      [["up", "--bogus"], /unknown flag --bogus/],
      [["up", "-x"], /unknown flag -x/],
      [["preview", "--keep"], /rcclab preview takes no --keep flag/],
      [["validate", "--expect-no-changes"], /takes no --expect-no-changes flag/],
      [["up", "--engine", "terraform"], /--engine must be local or pulumi, not terraform/],
      [["up", "--stack"], /--stack needs a value/],
      [["up", "--stack", "--json"], /--stack needs a value/],
      [["up", "--stack", "../etc"], /--stack \.\.\/etc: a stack name is/],
      [["up", "--json=yes"], /--json takes no value/],
      [["up", "--backend", "bucket"], /--backend must be a URL/],
      [["up", "--engine", "local", "--backend", "s3://b"], /--backend is for the Pulumi engine/],
      [["up", "--quiet", "--verbose"], /--quiet and --verbose contradict/],
      [["up", "--parallel", "0"], /--parallel must be a whole number from 1, not 0/],
      [["drift", "--parallel", "2"], /rcclab drift takes no --parallel flag/],
      [["deploy"], /unknown command deploy/],
      [["up", "now"], /unexpected argument now/],
      [["discover"], /rcclab discover needs --from STACK\|FILE/],
      [["discover", "cup", "--from", "x"], /--from is for rcclab discover without cup/],
      [["audit", "--from", "x"], /rcclab audit takes no --from flag/],
      [["discover", "cucm"], /unknown discover command cucm/],
      [["lab", "down"], /unknown lab command down/],
      [["lab", "--stack", "guide"], /rcclab lab takes no --stack flag/],
      [["outputs"], /rcclab outputs needs --dir DIR/],
      [["help", "nope"], /unknown command nope/],
    ];
    for (const [argv, message] of bad) {
      let error: unknown;
      try {
        parseCommandLine(argv);
      } catch (e) {
        error = e;
      }
      expect(error, argv.join(" ")).toBeInstanceOf(UsageError);
      expect((error as Error).message, argv.join(" ")).toMatch(message);
    }
  });

  it("every flag in the table has help text", () => {
    for (const [name, f] of Object.entries(FLAGS)) expect(f.help.length, name).toBeGreaterThan(5);
  });
});

describe("the compiled CLI with a bad command line", () => {
  // One of the embedded lab's fixed ports, held here: had the CLI started a simulator, it would say so.
  let holder: net.Server | undefined;
  beforeAll(async () => {
    holder = net.createServer();
    await new Promise<void>((resolve) => {
      holder!.once("error", () => {
        holder = undefined; // already in use (a lab is running): the port is held anyway
        resolve();
      });
      holder!.listen(LAB.cucm.port, "127.0.0.1", () => resolve());
    });
  });
  afterAll(() => holder?.close());

  it("rcclab --help and rcclab up --help print help and exit 0", async () => {
    const all = await runCli(["--help"]);
    expect(all.code).toBe(0);
    expect(all.out).toMatch(/commands:[\s\S]*discover cup[\s\S]*lab \[up\]/);
    const up = await runCli(["help", "up"]);
    expect(up.code).toBe(0);
    expect(up.out).toMatch(/usage: rcclab up[\s\S]*--yes[\s\S]*exit codes:/);
  });

  it("an unknown flag is exit 1 naming it, before the stack is read", async () => {
    const started = Date.now();
    // The stacks folder does not exist: reading the stack would be a different error.
    const r = await runCli(["preview", "--stacks-dir", "/nonexistent", "--bogus"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("unknown flag --bogus");
    expect(r.err).not.toMatch(/no stack file/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("`lab down` and `lab --bogus` are refused before any simulator starts", async () => {
    for (const argv of [["lab", "down"], ["lab", "--bogus"], ["lab", "up", "--stack", "guide"]]) {
      const r = await runCli(argv);
      expect(r.code, argv.join(" ")).toBe(1);
      expect(r.err, argv.join(" ")).toMatch(/unknown lab command down|unknown flag --bogus|takes no --stack flag/);
      expect(r.err, argv.join(" ")).not.toMatch(/in use|embedded lab/);
      expect(r.out).toBe("");
    }
  });

  it("a lab whose port is taken says which port and that another lab is probably running", async () => {
    const r = await runCli(["lab"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`port ${LAB.cucm.port} on 127\\.0\\.0\\.1 is already in use — another rcclab lab is probably running \\(\`rcclab lab\` in another terminal\\)`));
  });

  it("under --json a bad command line is an error document on stdout, exit 1", async () => {
    const r = await runCli(["up", "--json", "--engine", "nope"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toEqual({ ok: false, error: { message: expect.stringContaining("--engine must be local or pulumi, not nope"), exitCode: 1 } });
  });
});
