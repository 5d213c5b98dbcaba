/**
 * The embedded lab as the end-to-end tests use it: every simulator on an ephemeral port, the committed
 * local stack rewritten to point at them (its ports and CA) in the test's own stacks folder, and the
 * real compiled CLI run in a child process (asynchronously: the simulators answer from this process),
 * without a terminal (`rcclab`, which passes --yes: the tests destroy and rebuild) or under a pseudo
 * terminal (`runCliInTerminal`, util-linux `script`: prompts and the progress line).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../../providers/core/provider";
import { loadStackConfig, writeStackConfig } from "../../src/engine/stackConfig";
import { type Lab, type LabOptions, startLab } from "../../src/labsim/lab";

// The project root, compiled or not (the compiled benchmark uses this module too).
const root = projectRoot(__dirname);
const cli = path.join(root, "dist/src/cli.js");
export const PASSPHRASE = "rcclab-local";
/** The local stack's secret settings (kept encrypted when the test rewrites the stack). */
export const SECRETS = [
  "rcclab:cucm.password",
  "rcclab:cup.password",
  "rcclab:cup.cli.password",
  "rcclab:cti.password",
  "rcclab:directory.password",
  "rcclab:directory.initialPassword",
  "rcclab:dns.tsig.secret",
  "rcclab:ocs.ssh.password",
  "rcclab:ocs.winrm.password",
];

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

export interface TestLab {
  lab: Lab;
  stacksDir: string;
  stateDir: string;
  /** The flags that point the CLI at the test's local stack and state (local engine). */
  stackArgs: string[];
  /** The CLI against the test's local stack and state (local engine), with --yes (no terminal: nothing is asked). */
  rcclab(...args: string[]): Promise<CliResult>;
  /** Rewrite the test's local stack (config by key, secrets kept encrypted). */
  editStack(edit: (config: Record<string, any>) => void): void;
}

/** A child process, asynchronously (the simulators answer from this process meanwhile): its exit code (null when killed) and output. */
export const runProcess = (command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env, killAfterMs?: number): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env });
    // A crash at a moment: SIGKILL, so nothing of the child's own clean-up runs.
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("close", () => clearTimeout(timer));
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out, err }));
  });

/** The real CLI in a child process. */
export const runCli = (args: string[]): Promise<CliResult> => runProcess(process.execPath, [cli, ...args], root, { ...process.env, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE });

const shellQuote = (a: string) => `'${a.replace(/'/g, "'\\''")}'`;

/**
 * The real CLI under a pseudo terminal (util-linux `script`): its stdin, stdout and stderr are a TTY,
 * so it asks before deleting and shows its progress line. `answer` is typed when it asks
 * "Proceed? [y/N]". `out` is everything the terminal showed (stdout and stderr together), with CRLF
 * line ends as a terminal has them.
 */
export const runCliInTerminal = (args: string[], answer?: string): Promise<{ code: number | null; out: string; asked: boolean }> =>
  new Promise((resolve, reject) => {
    const command = [process.execPath, cli, ...args].map(shellQuote).join(" ");
    const child = spawn("script", ["-qfec", command, "/dev/null"], { cwd: root, env: { ...process.env, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE } });
    let out = "";
    let asked = false;
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (!asked && /Proceed\? \[y\/N\]/.test(out)) {
        asked = true;
        if (answer !== undefined) child.stdin.write(`${answer}\n`);
      }
    });
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      child.stdin.end();
      resolve({ code, out, asked });
    });
  });

/** The committed local stack's config, pointed at this lab (its ports and CA). */
export function localStackFor(lab: Lab): Record<string, any> {
  const { config } = loadStackConfig(path.join(root, "stacks/Pulumi.local.yaml"), { passphrase: PASSPHRASE });
  (config["rcclab:cucm"] as Record<string, unknown>).port = lab.cucm.port;
  (config["rcclab:cucm"] as Record<string, unknown>).tls = { caFile: lab.caFile };
  (config["rcclab:cup"] as Record<string, unknown>).tls = { caFile: lab.caFile };
  (config["rcclab:cup"] as Record<string, unknown>).port = lab.cup.port;
  ((config["rcclab:cup"] as Record<string, any>).cli as Record<string, unknown>).port = lab.cup.sshPort;
  Object.assign(config["rcclab:directory"] as Record<string, unknown>, { url: lab.directory.ldapsUrl, tls: { caFile: lab.caFile } });
  (config["rcclab:dns"] as Record<string, unknown>).port = lab.dns.port;
  ((config["rcclab:ocs"] as Record<string, any>).ssh as Record<string, unknown>).port = lab.ocs[0]!.port;
  // A2 over WinRM (the local stack's transport): the front ends' WS-Management endpoints.
  Object.assign((config["rcclab:ocs"] as Record<string, any>).winrm, { port: lab.ocsWinRm[0]!.port, tls: { caFile: lab.caFile } });
  return config;
}

/** Start the lab under `tmp` and write the local stack pointed at it. */
export async function startTestLab(tmp: string, opts: Partial<LabOptions> = {}): Promise<TestLab> {
  const stacksDir = path.join(tmp, "stacks");
  const stateDir = path.join(tmp, "state");
  fs.mkdirSync(stacksDir, { recursive: true });
  const lab = await startLab({ dir: path.join(tmp, "lab"), cucmPort: 0, cucmSshPort: 0, dnsPort: 0, directoryPort: 0, directoryLdapsPort: 0, ocsPort: 0, cupPort: 0, cupSshPort: 0, ...opts });
  const file = path.join(stacksDir, "Pulumi.local.yaml");
  const config = localStackFor(lab);
  writeStackConfig(file, config, { passphrase: PASSPHRASE, secrets: SECRETS });
  const stackArgs = ["--stack", "local", "--engine", "local", "--stacks-dir", stacksDir, "--state-dir", stateDir];
  return {
    lab,
    stacksDir,
    stateDir,
    stackArgs,
    rcclab: (...args) => runCli([...args, "--yes", ...stackArgs]),
    editStack(edit) {
      const current = loadStackConfig(file, { passphrase: PASSPHRASE }).config;
      edit(current);
      writeStackConfig(file, current, { passphrase: PASSPHRASE, secrets: SECRETS });
    },
  };
}
