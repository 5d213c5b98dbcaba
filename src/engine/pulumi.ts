/**
 * The Pulumi engine: rcclab's program run by the Pulumi CLI through the Automation API (the CLI must
 * be installed). The commands (src/commands.ts) choose between it and the local engine.
 *
 * - Backend: the one the user logged in to (`pulumi login`, kept in ~/.pulumi/credentials.json, or
 *   the CLI's own environment), unless `--backend URL` (CommandOptions.backend) or an exported
 *   PULUMI_BACKEND_URL says otherwise; a `file://` backend's folder is created first. rcclab sets no
 *   backend of its own, so `pulumi stack ls` and rcclab see the same stacks.
 * - up: `pulumi up --refresh` (reads the live objects first, so it repairs drift); preview:
 *   `pulumi preview --refresh --diff` (the plan shows the repairs up would make, as the local
 *   engine's preview does); destroy: `pulumi destroy`; drift: a refresh preview, which changes
 *   nothing (see `drift` below). Their events become the local engine's steps, summary and drift
 *   report (./pulumiEvents.ts), so the CLI prints the same for both engines.
 * - drift and destroy use an existing stack; up and preview create it when missing.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as Auto from "@pulumi/pulumi/automation";
import { projectRoot } from "../../providers/core/provider";
import type { CommandOptions, UpResult } from "../commands";
import { driftFromEvents, isCheckedResource, StepCollector, type PulumiEvent } from "./pulumiEvents";
import { readableType } from "./wire";

/** What the commands give the Pulumi engine: the stack's checks, run before Pulumi starts. */
export interface PulumiRun {
  op: "up" | "preview" | "destroy" | "destroy-plan" | "drift";
  passphrase: string | undefined;
  checkedStack(opts: CommandOptions): Promise<{ config: Record<string, any> }>;
  preflight(config: Record<string, unknown>, print: (l: string) => void): Promise<void>;
  /** The Automation API (default: @pulumi/pulumi's; tests give a stand-in). */
  automation?: Automation;
}

/** The part of the Automation API the engine uses. */
export interface Automation {
  LocalWorkspace: {
    createOrSelectStack(args: Auto.LocalProgramArgs, opts?: Auto.LocalWorkspaceOptions): Promise<PulumiStack>;
    selectStack(args: Auto.LocalProgramArgs, opts?: Auto.LocalWorkspaceOptions): Promise<PulumiStack>;
  };
}

export interface PulumiStack {
  up(opts?: Auto.UpOptions): Promise<{ outputs: Auto.OutputMap }>;
  preview(opts?: Auto.PreviewOptions): Promise<unknown>;
  previewRefresh(opts?: Auto.RefreshOptions): Promise<unknown>;
  destroy(opts?: Auto.DestroyOptions): Promise<unknown>;
  previewDestroy(opts?: Auto.DestroyOptions): Promise<unknown>;
}

// ---------------------------------------------------------------------------------------------
// The workspace's environment

export interface PulumiEnv {
  /** Variables for the Pulumi CLI, on top of this process's environment. */
  envVars: Record<string, string>;
  /** The backend chosen (--backend, else PULUMI_BACKEND_URL); undefined: the one `pulumi login` chose. */
  backend?: string;
  /** Where the backend came from, for the notice. */
  source: "--backend" | "PULUMI_BACKEND_URL" | "pulumi login";
  /** A file:// backend's folder (absolute), created before the run. */
  folder?: string;
}

/**
 * The Pulumi CLI's environment for a run: PULUMI_BACKEND_URL only when a backend is chosen
 * (`backend`, else env.PULUMI_BACKEND_URL), with a relative file:// path made absolute (from `cwd`:
 * the CLI runs in the project root); the passphrase (PULUMI_CONFIG_PASSPHRASE, which the CLI
 * prefers to a PULUMI_CONFIG_PASSPHRASE_FILE); RCCLAB_STACKS_DIR for the program.
 */
export function pulumiEnv(
  o: { backend?: string | undefined; passphrase?: string | undefined; stacksDir?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): PulumiEnv {
  const given = o.backend || undefined;
  const url = given ?? (env.PULUMI_BACKEND_URL || undefined);
  const envVars: Record<string, string> = {};
  const out: PulumiEnv = { envVars, source: given ? "--backend" : url ? "PULUMI_BACKEND_URL" : "pulumi login" };
  if (url) {
    const folder = fileBackendFolder(url, cwd);
    const query = url.includes("?") ? url.slice(url.indexOf("?")) : "";
    out.backend = folder ? `file://${folder}${query}` : url;
    if (folder) out.folder = folder;
    envVars.PULUMI_BACKEND_URL = out.backend;
  }
  if (o.passphrase !== undefined) envVars.PULUMI_CONFIG_PASSPHRASE = o.passphrase;
  if (o.stacksDir) envVars.RCCLAB_STACKS_DIR = path.resolve(cwd, o.stacksDir);
  return out;
}

/** The folder of a file:// backend URL ("~" is the home folder, as the Pulumi CLI reads it). */
export function fileBackendFolder(url: string, cwd: string, home: string = os.homedir()): string | undefined {
  if (!url.startsWith("file://")) return undefined;
  let p = url.slice("file://".length).split("?")[0]!;
  if (p === "~") p = home;
  else if (p.startsWith("~/")) p = path.join(home, p.slice(2));
  return path.resolve(cwd, p);
}

/** One line naming the backend, without credentials (user, password, query) or the passphrase. */
export function describeBackend(e: PulumiEnv): string {
  if (!e.backend) return "Pulumi backend: the one `pulumi login` chose (`pulumi whoami -v` shows it)";
  let shown = e.backend.split("?")[0]!;
  try {
    const u = new URL(e.backend);
    if (u.protocol !== "file:") shown = `${u.protocol}//${u.host}${u.pathname === "/" ? "" : u.pathname}`;
  } catch {
    // Not a URL the WHATWG parser takes: shown without its query.
  }
  return `Pulumi backend: ${shown} (${e.source})`;
}

// ---------------------------------------------------------------------------------------------
// The operations' options

export interface Handlers {
  onOutput: (out: string) => void;
  onEvent: (event: PulumiEvent) => void;
}

/** `pulumi up --refresh`: reads the live objects first, so up repairs drift. */
export const upOptions = (h: Handlers, parallel?: number): Auto.UpOptions => ({ refresh: true, onOutput: h.onOutput, onEvent: h.onEvent, ...(parallel ? { parallel } : {}) });

/** `pulumi preview --refresh --diff`: reads live first (the plan shows up's repairs), with the diff. */
export const previewOptions = (h: Handlers, parallel?: number): Auto.PreviewOptions => ({ refresh: true, diff: true, onOutput: h.onOutput, onEvent: h.onEvent, ...(parallel ? { parallel } : {}) });

/** `pulumi destroy`: every object of the stack, dependents first. */
export const destroyOptions = (h: Handlers): Auto.DestroyOptions => ({ onOutput: h.onOutput, onEvent: h.onEvent });

/**
 * The drift check: `pulumi refresh --preview-only`, which reads every object and changes nothing
 * (not the state, not the systems). The installed @pulumi/pulumi (3.270) offers it two ways:
 * `stack.refresh({ previewOnly: true })`, deprecated, which returns `stack.info()` — the summary of
 * the stack's last recorded update, not of this preview (what made drift's `checked` wrong) — and
 * `stack.previewRefresh(opts)`, which runs the same command. The engine calls previewRefresh with
 * these options; the report comes from the events, not from any summary. Pulumi's own text is not
 * printed (the CLI prints the report).
 */
export const driftOptions = (h: Pick<Handlers, "onEvent">): Auto.RefreshOptions => ({ onEvent: h.onEvent });

/** Text chunks from the CLI as whole lines. */
export function lineSplitter(print: (line: string) => void): { write(chunk: string): void; end(): void } {
  let rest = "";
  return {
    write(chunk) {
      const lines = (rest + chunk).split(/\r?\n/);
      rest = lines.pop()!;
      lines.forEach((l) => print(l));
    },
    end() {
      if (rest) print(rest);
      rest = "";
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The run

/** Runs one operation with the Pulumi CLI, through the Automation API. */
export async function pulumiCli(opts: CommandOptions, run: PulumiRun): Promise<UpResult> {
  const { op, passphrase, checkedStack, preflight } = run;
  const print = opts.print ?? (() => {});
  const auto: Automation = run.automation ?? (require("@pulumi/pulumi") as typeof import("@pulumi/pulumi")).automation;
  const root = projectRoot();
  const env = pulumiEnv({ backend: opts.backend, passphrase, stacksDir: opts.stacksDir });
  const checked = await checkedStack(opts);
  if (op !== "destroy" && op !== "destroy-plan") await preflight(checked.config, print);
  print(describeBackend(env));
  if (env.folder) fs.mkdirSync(env.folder, { recursive: true });
  else if (!env.backend && fs.existsSync(path.join(root, ".rcclab", "pulumi", ".pulumi"))) {
    print(`notice: earlier rcclab versions kept Pulumi stacks in ${path.join(root, ".rcclab", "pulumi")}; use --backend file://${path.join(root, ".rcclab", "pulumi")} for them`);
  }

  const args = { stackName: opts.stack, workDir: root };
  const wsOpts = { workDir: root, envVars: env.envVars };
  let stack: PulumiStack;
  try {
    stack = op === "up" || op === "preview" ? await auto.LocalWorkspace.createOrSelectStack(args, wsOpts) : await auto.LocalWorkspace.selectStack(args, wsOpts);
  } catch (e) {
    throw new Error(stackError(e as Error, opts.stack, env));
  }

  const events: PulumiEvent[] = [];
  const steps = new StepCollector();
  // Pulumi's own text: where the caller wants it (the CLI shows its own plan, and this only with --verbose).
  const lines = lineSplitter(opts.engineOutput ?? print);
  const handlers: Handlers = {
    onOutput: (s) => lines.write(s),
    onEvent: (e) => {
      events.push(e);
      const step = steps.add(e);
      if (step && opts.onEvent) opts.onEvent(step);
    },
  };
  const result = (outputs: Auto.OutputMap = {}): UpResult => {
    lines.end();
    const r = steps.result();
    return {
      changed: r.changed,
      outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value])),
      secretOutputs: Object.entries(outputs).filter(([, v]) => v.secret).map(([k]) => k),
      steps: r.steps,
      summary: r.summary,
    };
  };

  switch (op) {
    case "up":
      return result((await stack.up(upOptions(handlers, opts.parallel))).outputs);
    case "preview":
      await stack.preview(previewOptions(handlers, opts.parallel));
      return result();
    case "destroy":
      await stack.destroy(destroyOptions(handlers));
      return result();
    case "destroy-plan":
      // What destroy would delete (pulumi destroy --preview-only): for the CLI's question.
      await stack.previewDestroy({ onEvent: handlers.onEvent });
      return result();
    case "drift": {
      let done = 0;
      await stack.previewRefresh(
        driftOptions({
          onEvent: (e) => {
            events.push(e);
            const md = e.resOutputsEvent?.metadata;
            if (md && isCheckedResource(md)) opts.onProgress?.({ phase: "drift", done: ++done, current: `${readableType(md.type)} ${md.urn.slice(md.urn.lastIndexOf("::") + 2)}` });
          },
        }),
      );
      const drift = driftFromEvents(events);
      return { changed: drift.drifted, outputs: drift as unknown as Record<string, unknown>, secretOutputs: [], steps: [], summary: { create: 0, update: 0, replace: 0, delete: 0, same: 0 } };
    }
  }
}

/** A stack that cannot be opened: what to do about it. */
export function stackError(e: Error, stack: string, env: PulumiEnv): string {
  if (e.name === "StackNotFoundError") return `no stack ${stack} on this Pulumi backend (${describeBackend(env)}): run up first, or choose the backend with --backend`;
  const hint = !env.backend && /login|PULUMI_ACCESS_TOKEN/i.test(e.message)
    ? "\nthe Pulumi CLI is not logged in: run `pulumi login --local` (or `pulumi login <url>`), or give --backend URL or PULUMI_BACKEND_URL"
    : "";
  return `cannot open stack ${stack}: ${e.message}${hint}`;
}
