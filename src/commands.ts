/**
 * What the rcclab CLI does, as functions (the CLI parses arguments and prints; tests call these).
 *
 * Two engines run the same program (src/program.ts):
 * - `pulumi`: Pulumi's Automation API over the Pulumi CLI (installed, or through `npx pulumi`), in
 *   the backend `pulumi login` chose (`--backend URL` or `PULUMI_BACKEND_URL` for another);
 * - `local`: the stand-in of src/engine/local.ts for machines without the Pulumi CLI.
 * The default is `pulumi` when its CLI is found, otherwise `local` with a one-line notice.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../providers/core/provider";
import { NAMESPACE, parseConfig, type ConfigError } from "./config";
import { checkPlanned, planProgram } from "./engine/programCheck";
import * as local from "./engine/local";
import { pulumiCli as runPulumi } from "./engine/pulumi";
import { loadStackConfig, passphraseFromEnv, stackConfigPath } from "./engine/stackConfig";
import { loadCupMapping } from "./cupMapping";
import { PreflightFailed, preflightCup } from "./preflight";

export const PROJECT = "rcclab";
/** The embedded lab's stack keeps its (simulator) secrets under this public passphrase. */
export const LOCAL_STACK = { name: "local", passphrase: "rcclab-local" } as const;

export type EngineName = "local" | "pulumi";

export interface CommandOptions {
  stack: string;
  engine?: EngineName;
  /** Folder of the stack files (default <project>/stacks). */
  stacksDir?: string;
  /** Folder of the local engine's state (default <project>/.rcclab). */
  stateDir?: string;
  /** Default: PULUMI_CONFIG_PASSPHRASE(_FILE); the local stack falls back to its public passphrase. */
  passphrase?: string;
  /** Changes to the loaded config before it is checked (tests point the local stack at their lab). */
  patchConfig?: (config: Record<string, any>) => void;
  /** One line of progress. */
  print?: (line: string) => void;
  /** Each resource step as it happens (default: printed with local.formatEvent). */
  onEvent?: (e: local.EngineEvent) => void;
  /** Where a long phase is (refreshing 23/69 …). */
  onProgress?: (p: local.Progress) => void;
  /** At most this many steps at once (--parallel; the engines' default otherwise). */
  parallel?: number;
  /** The Pulumi engine's backend URL (default: the one `pulumi login` chose). */
  backend?: string;
  /** The Pulumi CLI's own text, line by line (default: print). */
  engineOutput?: (line: string) => void;
  /** destroy (and up's deletions) also delete the objects the stack adopted. */
  deleteAdopted?: boolean;
  /** adopt: the stack owns what it adopts (destroy deletes it). */
  owned?: boolean;
}

export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

function passphraseFor(opts: CommandOptions): string | undefined {
  return opts.passphrase ?? passphraseFromEnv() ?? (opts.stack === LOCAL_STACK.name ? LOCAL_STACK.passphrase : undefined);
}

/** The stack's config, decrypted and checked; every problem by its YAML path. */
export function loadStack(opts: CommandOptions): { config: Record<string, any>; secretKeys: string[]; errors: ConfigError[]; passphrase: string } {
  // The program reads files the stack names (the CUP mapping override) from the same folder.
  const stacksDir = path.resolve(opts.stacksDir ?? path.join(projectRoot(), "stacks"));
  process.env.RCCLAB_STACKS_DIR = stacksDir;
  const file = stackConfigPath(stacksDir, opts.stack);
  if (!fs.existsSync(file)) throw new CommandError(`no stack file ${file} (stacks are stacks/Pulumi.<name>.yaml)`);
  const passphrase = passphraseFor(opts);
  const loaded = loadStackConfig(file, { project: PROJECT, ...(passphrase !== undefined ? { passphrase } : {}) });
  opts.patchConfig?.(loaded.config);
  return { config: loaded.config, secretKeys: loaded.secretKeys, errors: configErrors(loaded.config), passphrase: passphrase ?? "" };
}

/** The stack schema's problems, then (when it holds) the CUP mapping override file's, each by its path. */
function configErrors(config: Record<string, unknown>): ConfigError[] {
  const parsed = parseConfig(config);
  return parsed.config ? [...parsed.errors, ...loadCupMapping(parsed.config.cup.mapping).errors] : parsed.errors;
}

/**
 * `rcclab validate`, no network: the stack config (every problem by its YAML path), then every
 * resource input the program derives from it, checked by the resource's own kind — so nothing `up`
 * would refuse gets past it.
 */
export async function validate(opts: CommandOptions): Promise<ConfigError[]> {
  const stack = loadStack(opts);
  return stack.errors.length ? stack.errors : checkProgram(stack);
}

/** validate's checks on a config already loaded (the stack schema, then the program's resources). */
export async function checkConfig(config: Record<string, any>, secretKeys: string[] = []): Promise<ConfigError[]> {
  const errors = configErrors(config);
  return errors.length ? errors : checkProgram({ config, secretKeys });
}

/** The program under Pulumi's mocks, each resource's inputs through its kind's check (no system called). */
async function checkProgram(stack: { config: Record<string, any>; secretKeys: string[] }): Promise<ConfigError[]> {
  const { lab } = require("./program") as typeof import("./program");
  const { resourceOrigins } = require("./components/origin") as typeof import("./components/origin");
  try {
    return checkPlanned(await planProgram(lab, stack.config, stack.secretKeys), resourceOrigins());
  } catch (e) {
    return [{ path: NAMESPACE, message: `the program cannot be planned from this config: ${(e as Error).message}` }];
  }
}

let pulumiCliFound: boolean | undefined;
/** Whether a Pulumi CLI answers on this machine. */
export function pulumiCliAvailable(): boolean {
  pulumiCliFound ??= spawnSync("pulumi", ["version"], { stdio: "ignore", timeout: 10_000 }).status === 0;
  return pulumiCliFound;
}

export function chooseEngine(requested: EngineName | undefined, print: (l: string) => void): EngineName {
  if (requested) return requested;
  if (pulumiCliAvailable()) return "pulumi";
  print("notice: no Pulumi CLI found; using rcclab's local engine (a stand-in that runs the same program through Pulumi's provider host)");
  return "local";
}

/** The local engine's state file of a stack: <state dir, default <project>/.rcclab>/<stack>.state.json. */
export const stateFileOf = (opts: Pick<CommandOptions, "stack" | "stateDir">): string =>
  path.join(opts.stateDir ?? path.join(projectRoot(), ".rcclab"), `${opts.stack}.state.json`);

function localOptions(opts: CommandOptions, passphrase: string): local.EngineOptions {
  if (!passphrase) throw new CommandError("set PULUMI_CONFIG_PASSPHRASE: it encrypts the secrets in the local state");
  const print = opts.print ?? (() => {});
  return {
    project: PROJECT,
    stack: opts.stack,
    stateFile: stateFileOf(opts),
    passphrase,
    onEvent: opts.onEvent ?? ((e) => print(local.formatEvent(e))),
    ...(opts.parallel ? { parallel: opts.parallel } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.deleteAdopted ? { deleteAdopted: true } : {}),
  };
}

/** The stack, refused as a whole (before any system is called) when validate would refuse it. */
async function checkedStack(opts: CommandOptions) {
  const stack = loadStack(opts);
  const errors = stack.errors.length ? stack.errors : await checkProgram(stack);
  if (errors.length) {
    throw new CommandError(`the stack config is invalid:\n${errors.map((e) => `  ${e.path}: ${e.message}`).join("\n")}`);
  }
  return stack;
}

/**
 * Preflight (src/preflight.ts): the live systems' catalogs against what rcclab will read and write,
 * before anything is changed anywhere. A mismatch stops the command with one line per problem.
 */
async function preflightOrStop(config: Record<string, unknown>, print: (l: string) => void): Promise<void> {
  try {
    await preflightCup(config, print);
  } catch (e) {
    if (e instanceof PreflightFailed) throw new CommandError(e.message, 1);
    throw new CommandError(`preflight could not read CUP: ${(e as Error).message}`, 1);
  }
}

/** The Pulumi engine (src/engine/pulumi.ts), with this module's checks. */
const pulumiCli = (opts: CommandOptions, op: "up" | "preview" | "destroy" | "destroy-plan" | "drift") =>
  runPulumi(opts, { op, passphrase: passphraseFor(opts), checkedStack, preflight: preflightOrStop });

/** Load every kind the program uses (they register themselves: drift reports their managed fields). */
function loadKinds(): void {
  require("./program");
}

async function program(): Promise<Record<string, unknown>> {
  // Loaded here, not at the top: only up and preview run the program.
  const { lab } = require("./program") as typeof import("./program");
  return lab();
}

export interface UpResult {
  changed: boolean;
  outputs: Record<string, unknown>;
  /** Each resource's step (done, or planned by preview); the Pulumi engine's come from its events (custom resources only). */
  steps: local.Step[];
  summary: local.Summary;
  /** Names of the outputs that are secrets (never print their values). */
  secretOutputs: string[];
}

export async function up(opts: CommandOptions, previewOnly = false): Promise<UpResult> {
  const print = opts.print ?? (() => {});
  const engine = chooseEngine(opts.engine, print);
  if (engine === "pulumi") return pulumiCli(opts, previewOnly ? "preview" : "up");
  const stack = await checkedStack(opts);
  await preflightOrStop(stack.config, print);
  const run = previewOnly ? local.preview : local.up;
  const engineOpts = localOptions(opts, stack.passphrase);
  try {
    // Like `pulumi up --refresh`: read the live objects first, so up repairs drift, and preview
    // shows the repairs up would make.
    const r = await run({ ...engineOpts, program, config: stack.config, secretConfigKeys: stack.secretKeys, refresh: true });
    return { changed: r.changed, outputs: r.outputs, steps: r.steps, summary: r.summary, secretOutputs: r.secretOutputs };
  } catch (e) {
    throw new CommandError((e as Error).message);
  }
}

/**
 * `rcclab adopt`: the objects the stack declares that already exist, recorded in its state (the local
 * engine's); a dry run is the plan. Checked and preflighted as up is; no system is written.
 */
export async function adopt(opts: CommandOptions, dryRun = false): Promise<UpResult> {
  const print = opts.print ?? (() => {});
  if (chooseEngine(opts.engine, print) === "pulumi") {
    throw new CommandError(
      "rcclab adopt works with the local engine (--engine local): Pulumi cannot import dynamic resources (pulumi/pulumi#16175), and rcclab's kinds are dynamic resources",
    );
  }
  const stack = await checkedStack(opts);
  await preflightOrStop(stack.config, print);
  try {
    const r = await local.adopt({ ...localOptions(opts, stack.passphrase), program, config: stack.config, secretConfigKeys: stack.secretKeys, owned: opts.owned === true }, dryRun);
    return { changed: r.changed, outputs: r.outputs, steps: r.steps, summary: r.summary, secretOutputs: r.secretOutputs };
  } catch (e) {
    throw new CommandError((e as Error).message);
  }
}

export async function destroy(opts: CommandOptions): Promise<void> {
  const print = opts.print ?? (() => {});
  if (chooseEngine(opts.engine, print) === "pulumi") return void (await pulumiCli(opts, "destroy"));
  const stack = loadStack(opts);
  try {
    await local.destroy(localOptions(opts, stack.passphrase));
  } catch (e) {
    throw new CommandError((e as Error).message);
  }
}

/** The stack's outputs from the local engine's state (no system is called); secrets left out, named. */
export function stackOutputs(opts: CommandOptions): { outputs: Record<string, unknown>; secretOutputs: string[] } {
  const file = stateFileOf(opts);
  if (!fs.existsSync(file)) throw new CommandError(`stack ${opts.stack} has no local state (${file}): run rcclab up first`);
  const { passphrase } = loadStack(opts);
  if (!passphrase) throw new CommandError("set PULUMI_CONFIG_PASSPHRASE: it decrypts the local state");
  try {
    return local.readOutputs(file, passphrase);
  } catch (e) {
    throw new CommandError((e as Error).message);
  }
}

/** What `destroy` would delete (from the state; no system is called). */
export async function destroyPlan(opts: CommandOptions): Promise<{ steps: local.Step[]; summary: local.Summary }> {
  if (chooseEngine(opts.engine, opts.print ?? (() => {})) === "pulumi") {
    const r = await pulumiCli({ ...opts, onEvent: () => {} }, "destroy-plan");
    return { steps: r.steps, summary: r.summary };
  }
  const stack = loadStack(opts);
  loadKinds();
  try {
    return await local.planDestroy({ ...localOptions(opts, stack.passphrase), onEvent: () => {} });
  } catch (e) {
    throw new CommandError((e as Error).message);
  }
}

/** `rcclab drift`: the resources whose live state differs from what rcclab applied. */
export async function drift(opts: CommandOptions): Promise<local.DriftResult> {
  const print = opts.print ?? (() => {});
  if (chooseEngine(opts.engine, print) === "pulumi") {
    const r = await pulumiCli(opts, "drift");
    return r.outputs as unknown as local.DriftResult;
  }
  const stack = loadStack(opts);
  if (!stack.errors.length) await preflightOrStop(stack.config, print);
  loadKinds();
  try {
    return await local.drift({ ...localOptions(opts, stack.passphrase), onEvent: () => {} });
  } catch (e) {
    throw new CommandError((e as Error).message);
  }
}

/** `rcclab rebuild`: destroy, then up. */
export async function rebuild(opts: CommandOptions): Promise<UpResult> {
  await destroy(opts);
  return up(opts);
}

