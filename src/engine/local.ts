/**
 * A small local deployment engine: a documented STAND-IN for the Pulumi CLI's engine where the CLI
 * cannot be installed. It is not a replacement for Pulumi.
 *
 * How it works. The Pulumi program runs unchanged under Pulumi's own Node.js SDK runtime in this
 * process: `pulumi.runtime.setMocks` installs an in-process resource monitor, and this engine takes
 * over that monitor's RegisterResource and RegisterResourceOutputs. Every custom resource (rcclab's
 * kinds are Pulumi dynamic resources) is then executed through Pulumi's own dynamic-provider host
 * (`@pulumi/pulumi/cmd/dynamic-provider`, see ./providerHost.ts) over gRPC, with the requests the
 * Pulumi engine sends: Check, Diff, Create, Update, Read, Delete. The program receives the outputs
 * the provider returned, so later resources see real values (ids, uuids).
 *
 * What it implements of Pulumi's semantics:
 * - up: per registered custom resource, Check(olds = previous inputs, news = program inputs incl.
 *   `__provider`); check failures fail the run, naming the resource and the property. A new resource
 *   is created; an existing one is diffed (Diff(old outputs, checked inputs)): no change = same (old
 *   outputs kept, new inputs recorded), changes without replaces = update, replaces = replacement,
 *   create-before-delete (the old object is deleted after the program completes) unless the provider
 *   (or the `deleteBeforeReplace` resource option) asks for delete-before-replace. Resources in the
 *   previous state that the program no longer registers are deleted after the program, dependents
 *   first. Component resources (and the root Stack) are recorded, with their registered outputs.
 *   A resource whose URN changed takes over its state entry under a former URN its aliases name.
 * - preview: Check and Diff only; reports the planned steps, changes nothing. New resources' computed
 *   outputs are unknown to the program, as in a Pulumi preview; a resource whose inputs are not known
 *   yet is planned as create/update without Check.
 * - refresh: Read every resource (old outputs and inputs); an empty id means gone and drops it from
 *   the state; otherwise the state takes what was read (outputs, and inputs when the provider
 *   returns them, as Pulumi's dynamic provider host does).
 * - drift: Read every resource without writing state; Diff(live outputs, state inputs) decides
 *   whether a resource drifted; the report names the differing fields (or says the object is gone).
 * - destroy: delete every resource, dependents first.
 * - Secrets: values that were Pulumi secrets on input, `additionalSecretOutputs`, and every value at
 *   a kind's secret paths (from the kind registry `globalThis.__rcclabKinds`) are secret in outputs
 *   and encrypted in the state file (AES-256-GCM, key from the passphrase with scrypt).
 * - Dependencies are what the SDK sends with each registration (parent, dependsOn and input
 *   dependencies); deletions run in reverse dependency order.
 * - State: written after every successful step (temp file + rename), so a failed run leaves a
 *   consistent state and a re-run converges. A replaced object not yet deleted is kept in the state
 *   marked `delete: true` and deleted at the end of the next successful up (or by destroy).
 * - The first failing step fails the run; later registrations are not executed (the program sees
 *   their outputs as unknown, so nothing runs on bogus values) and end-of-run deletions are skipped.
 *
 * - A program that throws (or leaves a rejection unhandled, which Pulumi's language host reports)
 *   fails the run after every registration has been handled; nothing is deleted then.
 *
 * Steps run in parallel as soon as their dependencies are done, within an overall limit and one lane
 * per system (./lanes.ts).
 *
 * Not implemented: the resource options protect, ignoreChanges, replaceOnChanges and
 * retainOnDelete (refused with an error), deletedWith, custom timeouts (ignored); import
 * and `Resource.get` of existing objects, invokes, explicit provider resources and non-dynamic
 * resource types (refused); replacing the dependents of a delete-before-replace resource; stack
 * references; Pulumi's checkpoint format, update
 * history and `pulumi` CLI compatibility of the state (the stack *config* file is compatible).
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { sameValue } from "../../providers/core/kind";
import { ProviderHost, type Props } from "./providerHost";
import { Lanes } from "./lanes";
import { withStackLock } from "./lock";
import { type Entry, type StateFile, StateStore } from "./state";
import { containsUnknown, isSecretField, kindOf, markSecrets, readableType, reveal, secretKeysOf } from "./wire";

export { readableType } from "./wire";
export * from "./engineTypes";
import {
  type DriftEntry,
  type DriftResult,
  EngineError,
  type EngineEvent,
  type EngineOptions,
  type FieldChange,
  type ProgramOptions,
  type Progress,
  type RunResult,
  type Step,
  type StepOp,
  type Summary,
  summarize,
} from "./engineTypes";
export type { StateFile, StoredResource } from "./state";

/* eslint-disable @typescript-eslint/no-require-imports */
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
// The google-protobuf copy Pulumi's generated code was built with.
const gstruct = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [pulumiDir] }));
const resproto = require("@pulumi/pulumi/proto/resource_pb");
const settings = require("@pulumi/pulumi/runtime/settings");

const PROVIDER_KEY = "__provider";

/**
 * Tests of crash consistency: RCCLAB_TEST_CRASH_AT="create:rcclab:cucm:Phone" kills this process
 * (SIGKILL: no clean-up runs) right after the first create of that kind has reached its system and
 * before the state records it. Never set outside tests.
 */
function testCrashPoint(point: string): void {
  if (process.env.RCCLAB_TEST_CRASH_AT === point) process.kill(process.pid, "SIGKILL");
}
const STACK_TYPE = "pulumi:pulumi:Stack";

// ---------------------------------------------------------------------------------------------
// Public API (its types: ./engineTypes.ts)

/**
 * Create/update the stack's objects to match the program. With `refresh`, every object is read
 * first (the state takes what the systems hold), so the run repairs what changed behind its back.
 */
export function up(opts: ProgramOptions & { refresh?: boolean }): Promise<RunResult> {
  return deploy(opts, false);
}

/**
 * What `up` would do, without changing anything: with `refresh` (as `up` runs), the live objects are
 * read first (into memory only), so the plan shows the repairs `up` would make.
 */
export function preview(opts: ProgramOptions & { refresh?: boolean }): Promise<RunResult> {
  return deploy(opts, true);
}

/** up (dryRun false) or preview (true), reading every object first when asked. */
function deploy(opts: ProgramOptions & { refresh?: boolean }, dryRun: boolean): Promise<RunResult> {
  return exclusive(() => {
    const run = () =>
      withHost(opts, (host) =>
        new Deployment(opts, host, dryRun).recovered(async (d) => {
          if (opts.refresh) await d.refresh(true);
          return d.run(opts);
        }),
      );
    return dryRun ? run() : locked(opts, "up", run);
  });
}

/**
 * Runs that write the state hold the stack's lock (./lock.ts), taken before the state is loaded or a
 * host started: a second run on the same stack is refused, never interleaved. Dry runs (preview,
 * drift, the destroy plan) write nothing and read a complete state (writes are renames): no lock.
 */
const locked = <T>(opts: EngineOptions, op: string, fn: () => Promise<T>): Promise<T> =>
  withStackLock(opts.stateFile, { stack: opts.stack, command: `rcclab ${op}` }, fn);

/** What `destroy` would delete, from the state alone (no system is called). */
export function planDestroy(opts: EngineOptions): Promise<{ steps: Step[]; summary: Summary }> {
  return exclusive(async () => {
    const steps = (await new Deployment(opts, undefined, true).destroy()).steps;
    return { steps, summary: summarize(steps) };
  });
}

/** Read every object into the state. */
export function refresh(opts: EngineOptions): Promise<{ steps: Step[] }> {
  return exclusive(() => locked(opts, "refresh", () => withHost(opts, (host) => new Deployment(opts, host, false).recovered((d) => d.refresh()))));
}

/** Compare every object with the state, changing nothing. */
export function drift(opts: EngineOptions): Promise<DriftResult> {
  return exclusive(() => withHost(opts, (host) => new Deployment(opts, host, true).recovered((d) => d.drift())));
}

/** Delete every object of the stack. */
export function destroy(opts: EngineOptions): Promise<{ steps: Step[] }> {
  return exclusive(() => locked(opts, "destroy", () => withHost(opts, (host) => new Deployment(opts, host, false).recovered((d) => d.destroy()))));
}

/** The stack's state as stored, with secrets decrypted (in clear: e.g. to show outputs). */
export function readState(stateFile: string, passphrase: string): StateFile {
  return StateStore.load(stateFile, passphrase).toFile();
}

/** The stack's outputs after the last up: those holding no secret in clear, and the names of the others. */
export function readOutputs(stateFile: string, passphrase: string): { outputs: Record<string, unknown>; secretOutputs: string[] } {
  const stored = StateStore.load(stateFile, passphrase).outputs;
  const secretOutputs = secretKeysOf(stored);
  const outputs = Object.fromEntries(Object.entries(stored).filter(([k]) => !secretOutputs.includes(k)).map(([k, v]) => [k, reveal(v)]));
  return { outputs, secretOutputs };
}

// ---------------------------------------------------------------------------------------------
// Orchestration

let busy: Promise<unknown> = Promise.resolve();
/** Pulumi's runtime is global to the process: one run at a time. */
function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  const run = busy.then(fn, fn);
  busy = run.catch(() => undefined);
  return run;
}

async function withHost<T>(opts: EngineOptions, fn: (host: ProviderHost) => Promise<T>): Promise<T> {
  if (opts.host) return fn(opts.host);
  // The stack and project, as Pulumi's engine gives them to a provider: the providers' create intents
  // are this stack's (providers/core/intents.ts).
  const host = await ProviderHost.start(undefined, { ...process.env, PULUMI_STACK: opts.stack, PULUMI_PROJECT: opts.project });
  try {
    return await fn(host);
  } finally {
    await host.stop();
  }
}

/** Dependents first: repeatedly take the last entry that no remaining entry depends on (or is a child of). */
function deletionOrder(entries: Entry[]): Entry[] {
  const remaining = [...entries];
  const out: Entry[] = [];
  while (remaining.length > 0) {
    let idx = -1;
    for (let i = remaining.length - 1; i >= 0 && idx < 0; i--) {
      const urn = remaining[i]!.urn;
      const needed = remaining.some((o, j) => j !== i && (o.dependencies.includes(urn) || o.parent === urn));
      if (!needed) idx = i;
    }
    out.push(remaining.splice(idx < 0 ? remaining.length - 1 : idx, 1)[0]!);
  }
  return out;
}

const nameOf = (urn: string): string => urn.split("::").pop() ?? urn;

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** One engine run against one stack's state. */
class Deployment {
  private readonly state: StateStore;
  private readonly steps: Step[] = [];
  /** URNs registered by the program in this run. */
  private readonly registered = new Set<string>();
  private failure: Error | undefined;
  /**
   * Steps run as soon as they are registered, within the lanes' limits: the SDK registers a resource
   * only once the resources it depends on (inputs, parent, dependsOn) have their answers, so a step
   * never starts before those it depends on are done.
   */
  private readonly lanes: Lanes;
  private readonly jobs: Promise<unknown>[] = [];
  private stackUrn = "";
  /** The root stack's outputs, as the program registered them (wire form). */
  private stackOutputs: Props = {};

  private readonly host: ProviderHost;
  /** Steps applied (or planned) so far, for progress. */
  private applied = 0;

  constructor(
    private readonly opts: EngineOptions,
    host: ProviderHost | undefined,
    private readonly dryRun: boolean,
  ) {
    this.state = StateStore.load(opts.stateFile, opts.passphrase, opts.project, opts.stack);
    this.lanes = new Lanes(opts.parallel);
    // Only a dry-run destroy runs without a host (it calls no system).
    this.host = host as ProviderHost;
  }

  private progress(phase: Progress["phase"], done: number, total: number | undefined, e?: { urn: string; type: string }): void {
    this.opts.onProgress?.({ phase, done, ...(total !== undefined ? { total } : {}), ...(e ? { current: `${readableType(e.type)} ${nameOf(e.urn)}` } : {}) });
  }

  /** Outcomes are written in batches (./state.ts); `close()` writes the last one. */
  private save(): void {
    if (!this.dryRun) this.state.saveSoon();
  }

  /** Write what is waiting: every run ends with this, failed or not. */
  close(): void {
    if (!this.dryRun) this.state.flush();
  }

  private record(step: Step, error?: string): void {
    if (!error) this.steps.push(step);
    this.opts.onEvent?.({ ...step, ...(this.dryRun ? { preview: true } : {}), ...(error ? { error } : {}) });
  }

  private stepOf(op: StepOp, e: { urn: string; type: string; id?: string }, extra: Partial<Step> = {}): Step {
    return { op, urn: e.urn, name: nameOf(e.urn), type: readableType(e.type), ...(e.id ? { id: e.id } : {}), ...extra };
  }

  private fail(step: Step, e: unknown): never {
    const label = `${step.type} "${step.name}"`;
    const msg = errorMessage(e);
    const err = new EngineError(`${label}: ${msg}`, this.steps);
    this.record(step, msg);
    throw err;
  }

  // -- up / preview ---------------------------------------------------------------------------

  async run(opts: ProgramOptions): Promise<RunResult> {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          throw new Error(`${args.type} "${args.name}": reading or importing existing resources is not supported by the local engine`);
        },
        call: (args) => {
          throw new Error(`invoke ${args.token} is not supported by the local engine`);
        },
      },
      opts.project,
      opts.stack,
      this.dryRun,
      "organization", // what Pulumi's self-managed backends report
    );
    const monitor = settings.getMonitor();
    monitor.registerResource = (req: any, cb: (err: Error | null, resp?: unknown) => void) => {
      const job = this.register(req);
      this.jobs.push(job.catch(() => undefined));
      job.then(
        (resp) => cb(null, resp),
        (err: Error) => cb(err),
      );
    };
    monitor.registerResourceOutputs = (req: any, cb: (err: Error | null, resp?: unknown) => void) => {
      const urn: string = req.getUrn();
      const outs = (req.getOutputs()?.toJavaScript() ?? {}) as Props;
      if (urn === this.stackUrn) this.stackOutputs = outs;
      const e = this.state.live.get(urn);
      // Entries are never changed in place (the state keeps each one's sealed text).
      if (e && !e.custom) this.state.live.set(urn, { ...e, outputs: outs });
      cb(null, {});
    };
    const config: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.config ?? {})) config[k] = typeof v === "string" ? v : JSON.stringify(v);
    pulumi.runtime.setAllConfig(config, opts.secretConfigKeys ?? []);

    // A program error is caught inside the stack's init, so the SDK's stack outputs never reject
    // (their derived promises would be unhandled). Errors the SDK leaves unhandled (a failing apply
    // feeding a resource, say) are what Pulumi's language host reports: they fail the run too.
    let programError: unknown;
    const onUnhandled = (e: unknown) => {
      programError ??= e;
    };
    process.on("unhandledRejection", onUnhandled);
    try {
      await pulumi.runtime.runInPulumiStack(async () => {
        try {
          return (await opts.program()) ?? undefined;
        } catch (e) {
          programError ??= e;
          return undefined;
        }
      });
      // Every registration (not only the ones the outputs depend on) must have been handled.
      await settings.waitForRPCs();
      // Registrations may arrive while earlier steps finish: wait until no job is left.
      for (let n = 0; n !== this.jobs.length; ) {
        n = this.jobs.length;
        await Promise.all(this.jobs);
      }
      await new Promise((resolve) => setImmediate(resolve));
    } catch (e) {
      programError ??= e;
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    if (this.failure) throw this.failure;
    if (programError !== undefined) {
      throw new EngineError(`the program failed: ${errorMessage(programError)}`, this.steps);
    }

    // Objects the program no longer declares, and replaced objects: dependents first.
    const gone = [...[...this.state.live.values()].filter((e) => !this.registered.has(e.urn)), ...this.state.pending];
    const doomed = deletionOrder(gone);
    for (const [i, e] of doomed.entries()) {
      if (e.custom) this.progress("delete", i, doomed.length, e);
      const step = this.stepOf("delete", e, e.delete ? { detail: "replaced" } : {});
      if (e.custom && !this.dryRun) {
        try {
          await this.host.delete(e.id ?? "", e.urn, e.type, reveal(e.outputs));
        } catch (err) {
          this.fail(step, err);
        }
      }
      if (!this.dryRun) {
        if (e.delete) this.state.pending = this.state.pending.filter((p) => p !== e);
        else this.state.live.delete(e.urn);
      }
      if (e.custom) this.record(step);
    }
    if (!this.dryRun) {
      this.state.outputs = this.stackOutputs;
      this.save();
    }
    return {
      steps: this.steps,
      outputs: reveal(this.stackOutputs) as Record<string, unknown>,
      secretOutputs: secretKeysOf(this.stackOutputs),
      changed: this.steps.some((s) => s.op !== "same"),
      summary: summarize(this.steps),
    };
  }

  private response(urn: string, id: string, object: Props, unknown = false): unknown {
    const resp = new resproto.RegisterResourceResponse();
    resp.setUrn(urn);
    resp.setId(id);
    resp.setObject(gstruct.Struct.fromJavaScript(dropUndefined(object)));
    if (unknown) resp.setUnknown(true);
    return resp;
  }

  /**
   * Aliases: a resource registered under a new name (or parent) whose state entry is still under one
   * of its former URNs takes that entry over, as Pulumi does, so a rename is not a replacement. A
   * former URN is the alias's own, or its spec's name/type/parent/stack/project filled in from the
   * resource's.
   */
  private carryOver(req: any, urn: string, type: string, name: string, parent: string | undefined): void {
    if (this.state.live.has(urn)) return;
    for (const alias of req.getAliasesList?.() ?? []) {
      let former: string;
      if (alias.hasUrn?.() && alias.getUrn()) former = alias.getUrn();
      else {
        const spec = alias.getSpec?.();
        if (!spec) continue;
        const where = { ...this.opts, stack: spec.getStack() || this.opts.stack, project: spec.getProject() || this.opts.project };
        former = newUrn(where, spec.getNoparent() ? undefined : spec.getParenturn() || parent, spec.getType() || type, spec.getName() || name);
      }
      const e = this.state.live.get(former);
      if (!e || this.registered.has(former) || former === urn) continue;
      this.state.live.delete(former);
      this.state.live.set(urn, { ...e, urn });
      if (!this.dryRun) this.save();
      return;
    }
    for (const former of req.getAliasurnsList?.() ?? []) {
      const e = this.state.live.get(former);
      if (!e || this.registered.has(former)) continue;
      this.state.live.delete(former);
      this.state.live.set(urn, { ...e, urn });
      if (!this.dryRun) this.save();
      return;
    }
  }

  /** Handle one RegisterResource: run (or plan) its step and answer with its outputs. */
  private async register(req: any): Promise<unknown> {
    const type: string = req.getType();
    const name: string = req.getName();
    const parent: string | undefined = req.getParent() || undefined;
    const urn = newUrn(this.opts, parent, type, name);
    const inputs = (req.getObject()?.toJavaScript() ?? {}) as Props;
    const dependencies: string[] = req.getDependenciesList();
    if (this.registered.has(urn)) {
      this.failure ??= new EngineError(`duplicate resource URN ${urn}: two resources have the same type and name`, this.steps);
      return this.response(urn, "", {}, true);
    }
    this.registered.add(urn);
    this.carryOver(req, urn, type, name, parent);

    if (!req.getCustom()) {
      if (type === STACK_TYPE && !parent) this.stackUrn = urn;
      const old = this.state.live.get(urn);
      const e: Entry = { urn, type, custom: false, dependencies, inputs, outputs: old?.outputs ?? {} };
      if (parent) e.parent = parent;
      if (!this.dryRun) {
        this.state.live.delete(urn);
        this.state.live.set(urn, e);
      }
      return this.response(urn, "", inputs);
    }

    const step0 = this.stepOf("create", { urn, type });
    // After a failure nothing else runs; the program sees this resource's outputs as unknown.
    if (this.failure) return this.response(urn, "", {}, true);
    try {
      if (!type.startsWith("pulumi-nodejs:dynamic")) throw new Error(`only dynamic resources are supported by the local engine, not ${type}`);
      if (req.getImportid()) throw new Error("import is not supported by the local engine");
      if (req.getProvider()) throw new Error("explicit providers are not supported by the local engine");
      const unsupported = [
        req.getProtect() && "protect",
        req.getIgnorechangesList().length > 0 && "ignoreChanges",
        req.getReplaceonchangesList().length > 0 && "replaceOnChanges",
        req.getRetainondelete() && "retainOnDelete",
      ].filter(Boolean);
      if (unsupported.length > 0) throw new Error(`resource options not supported by the local engine: ${unsupported.join(", ")}`);
      return await this.lanes.run(type, () => (this.failure ? Promise.resolve(this.response(urn, "", {}, true)) : this.step(req, urn, type, parent, dependencies, inputs)));
    } catch (e) {
      if (!this.failure) {
        this.failure = e instanceof EngineError ? e : new EngineError(`${step0.type} "${step0.name}": ${errorMessage(e)}`, this.steps);
        if (!(e instanceof EngineError)) this.record(step0, errorMessage(e));
      }
      return this.response(urn, "", {}, true);
    }
  }

  private async step(req: any, urn: string, type: string, parent: string | undefined, dependencies: string[], inputs: Props): Promise<unknown> {
    const old = this.state.live.get(urn);
    this.progress("apply", this.applied++, undefined, { urn, type });
    const secretKeys = new Set([...secretKeysOf(inputs), ...(req.getAdditionalsecretoutputsList() as string[])]);
    const mark = (p: Props) => markSecrets(p, secretKeys, type);
    const entry = (id: string, checked: Props, outs: Props): Entry => ({
      urn, type, custom: true, id, ...(parent ? { parent } : {}), dependencies, inputs: mark(checked), outputs: mark(outs),
    });
    const place = (e: Entry) => {
      this.state.live.delete(urn);
      this.state.live.set(urn, e);
    };
    const base = { urn, type, ...(old?.id ? { id: old.id } : {}) };

    // Preview with inputs that depend on not-yet-created objects: nothing to check yet.
    if (containsUnknown(inputs)) {
      if (!this.dryRun) throw new Error("some inputs are unknown");
      this.record(this.stepOf(old ? "update" : "create", base, { detail: "inputs known only after apply" }));
      return this.response(urn, old?.id ?? "", old ? { ...old.outputs, ...inputs } : inputs);
    }

    const news = reveal(inputs) as Props;
    let checked: Props;
    const checkStep = this.stepOf(old ? "update" : "create", base);
    try {
      const r = await this.host.check(urn, type, old ? reveal(old.inputs) : {}, news);
      if (r.failures.length > 0) {
        throw new Error(`invalid inputs: ${r.failures.map((f) => `${f.property || "(resource)"}: ${f.reason}`).join("; ")}`);
      }
      checked = r.inputs;
    } catch (e) {
      this.fail(checkStep, e);
    }

    if (!old) {
      const step = this.stepOf("create", base);
      if (this.dryRun) {
        this.record(step);
        return this.response(urn, "", mark(checked));
      }
      let created: { id: string; outs: Props };
      try {
        created = await this.createRecorded(urn, type, parent, dependencies, checked, mark(checked));
      } catch (e) {
        this.fail(step, e);
      }
      const e = entry(created.id, checked, created.outs);
      place(e);
      this.settle(urn);
      this.record({ ...step, id: created.id });
      return this.response(urn, created.id, e.outputs);
    }

    const id = old.id ?? "";
    let diff: { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean };
    try {
      diff = await this.host.diff(id, urn, reveal(old.outputs), checked);
    } catch (e) {
      this.fail(this.stepOf("update", base), e);
    }

    if (!diff.changes) {
      const step = this.stepOf("same", base);
      if (!this.dryRun) {
        const e: Entry = { ...entry(id, checked, {}), outputs: old.outputs };
        const changedInputs = JSON.stringify(e.inputs) !== JSON.stringify(old.inputs) || e.parent !== old.parent || JSON.stringify(dependencies) !== JSON.stringify(old.dependencies);
        place(e);
        if (changedInputs) this.save();
      }
      this.record(step);
      return this.response(urn, id, old.outputs);
    }

    const changed = changedFieldsOf(type, reveal(old.outputs), checked);
    const plan = changesOf(type, old, checked, changed, diff.replaces, mark(checked));
    if (diff.replaces.length === 0) {
      const step = this.stepOf("update", base, { fields: plan.fields, changes: plan.changes, ...(plan.connectionOnly ? { connectionOnly: true } : {}) });
      if (this.dryRun) {
        this.record(step);
        return this.response(urn, id, { ...old.outputs, ...mark(checked) });
      }
      let outs: Props;
      try {
        outs = await this.host.update(id, urn, type, reveal(old.outputs), checked);
      } catch (e) {
        this.fail(step, e);
      }
      const e = entry(id, checked, outs);
      place(e);
      this.save();
      this.record(step);
      return this.response(urn, id, e.outputs);
    }

    const deleteFirst = diff.deleteBeforeReplace || req.getDeletebeforereplace() === true;
    const step = this.stepOf("replace", base, {
      fields: diff.replaces,
      changes: plan.changes,
      detail: deleteFirst ? "delete before create" : "create before delete",
    });
    if (this.dryRun) {
      this.record(step);
      return this.response(urn, "", mark(checked));
    }
    try {
      if (deleteFirst) {
        await this.host.delete(id, urn, type, reveal(old.outputs));
        this.state.live.delete(urn);
        this.save();
      }
      const created = await this.createRecorded(urn, type, parent, dependencies, checked, mark(checked));
      const e = entry(created.id, checked, created.outs);
      if (!deleteFirst) this.state.pending.push({ ...old, delete: true });
      place(e);
      this.settle(urn);
      this.record({ ...step, id: created.id });
      return this.response(urn, created.id, e.outputs);
    } catch (e) {
      this.fail(step, e);
    }
  }

  // -- crash consistency: create intents ------------------------------------------------------

  /**
   * A create, with its intent recorded durably first: the object's natural key and inputs. Should
   * the run stop after the system made the object and before the state learns it, the next run finds
   * the object by that key (recover()). A create that fails because the object already exists made
   * nothing of this stack's: its intent goes (no later run takes that object over).
   */
  private async createRecorded(urn: string, type: string, parent: string | undefined, dependencies: string[], checked: Props, inputs: Props): Promise<{ id: string; outs: Props }> {
    const key = kindOf(type)?.keyOf?.(checked);
    if (key) {
      this.state.recordIntent({ op: "create", urn, type, id: key, ...(parent ? { parent } : {}), dependencies, inputs, since: new Date().toISOString() });
    }
    try {
      const created = await this.host.create(urn, type, checked);
      testCrashPoint(`create:${readableType(type)}`);
      return created;
    } catch (e) {
      if (/\[AlreadyExists\]\s*$/.test(errorMessage(e))) this.settle(urn);
      throw e;
    }
  }

  /** Recover what an interrupted run left, then `fn`. */
  async recovered<T>(fn: (d: this) => Promise<T>): Promise<T> {
    try {
      await this.recover();
      return await fn(this);
    } finally {
      this.close();
    }
  }

  /** The outcome of a create is in the state: its intent goes, in the same write. */
  private settle(urn: string): void {
    if (!this.dryRun) this.state.settleIntent(urn);
  }

  /**
   * Creates an earlier run sent without recording their outcome: each object is read by its natural
   * key. Found: it is this stack's (the intent proves this stack was creating it, and a create never
   * takes over an object that was there before), so the state takes it, with the inputs it was
   * created with (a replaced object it was replacing goes to the deletions); the run then updates it
   * if it differs. Not found: the create never reached the system, and the run makes it again.
   */
  async recover(): Promise<void> {
    for (const intent of [...this.state.intents]) {
      const step = this.stepOf("read", intent);
      let r: { id: string; props: Props };
      try {
        r = await this.host.read(intent.id, intent.urn, intent.type, {}, reveal(intent.inputs));
      } catch (err) {
        this.fail(step, err);
      }
      this.state.intents = this.state.intents.filter((i) => i !== intent);
      if (r.id) {
        const old = this.state.live.get(intent.urn);
        if (old && old.id !== r.id) this.state.pending.push({ ...old, delete: true });
        const keys = new Set(secretKeysOf(intent.inputs));
        this.state.live.delete(intent.urn);
        this.state.live.set(intent.urn, {
          urn: intent.urn,
          type: intent.type,
          custom: true,
          id: r.id,
          ...(intent.parent ? { parent: intent.parent } : {}),
          dependencies: intent.dependencies,
          inputs: intent.inputs,
          outputs: markSecrets(r.props, keys, intent.type),
        });
        this.opts.onEvent?.({ ...step, id: r.id, detail: "made by an interrupted run: taken over, it is this stack's" });
      }
      this.save();
    }
  }

  // -- refresh / drift / destroy --------------------------------------------------------------

  /**
   * Each entry's work (a read, a read and a diff) at once, within the lanes' limits (reads of many
   * objects of one kind then come together, and the providers answer them with bulk reads where they
   * can). After a failure no more work starts; the first failure is the run's, once the work under
   * way has ended. Steps are listed in the entries' order, not in the order they finished.
   */
  private async eachAtOnce(phase: Progress["phase"], all: Entry[], fn: (e: Entry) => Promise<void>): Promise<void> {
    let failure: unknown;
    let done = 0;
    const first = this.steps.length;
    await Promise.all(
      all.map((e) =>
        this.lanes.run(e.type, async () => {
          if (failure) return;
          this.progress(phase, done, all.length, e);
          try {
            await fn(e);
          } catch (err) {
            failure ??= err;
          }
          done++;
        }),
      ),
    );
    const order = new Map(all.map((e, i) => [e.urn + (e.delete ? "#delete" : ""), i]));
    const at = (s: Step) => order.get(s.urn + (s.detail === "replaced" ? "#delete" : "")) ?? 0;
    this.steps.splice(first, this.steps.length - first, ...this.steps.slice(first).sort((a, b) => at(a) - at(b)));
    if (failure) throw failure;
    this.progress(phase, all.length, all.length);
  }

  /**
   * Read every object into the state (saved unless this is a dry run). `before`: the reads are the
   * first phase of an up or preview: they report progress, not steps (the plan shows what they found).
   */
  async refresh(before = false): Promise<{ steps: Step[] }> {
    const all = [...this.state.live.values(), ...this.state.pending].filter((e) => e.custom);
    await this.eachAtOnce("refresh", all, async (e) => {
      const step = this.stepOf("read", e);
      let r: { id: string; props: Props; inputs?: Props };
      try {
        r = await this.host.read(e.id ?? "", e.urn, e.type, reveal(e.outputs), reveal(e.inputs));
      } catch (err) {
        this.fail(step, err);
      }
      if (!r.id) {
        if (e.delete) this.state.pending = this.state.pending.filter((p) => p !== e);
        else this.state.live.delete(e.urn);
        this.save();
        if (!before) this.record({ ...step, detail: "gone; removed from the state" });
        return;
      }
      const keys = new Set([...secretKeysOf(e.outputs), ...secretKeysOf(e.inputs)]);
      const fields = changedFieldsOf(e.type, reveal(e.outputs), r.props);
      const read: Entry = { ...e, id: r.id, outputs: markSecrets(r.props, keys, e.type), ...(r.inputs ? { inputs: markSecrets(r.inputs, keys, e.type) } : {}) };
      if (e.delete) this.state.pending = this.state.pending.map((p) => (p === e ? read : p));
      else this.state.live.set(e.urn, read);
      this.save();
      if (!before) this.record({ ...step, ...(fields.length ? { fields, detail: "updated from the system" } : {}) });
    });
    return { steps: this.steps };
  }

  async drift(): Promise<DriftResult> {
    const all = [...this.state.live.values()].filter((e) => e.custom);
    const found = new Map<Entry, DriftEntry>();
    await this.eachAtOnce("drift", all, async (e) => {
      const step = this.stepOf("read", e);
      const base = { urn: e.urn, name: step.name, type: step.type, id: e.id ?? "" };
      let r: { id: string; props: Props };
      try {
        r = await this.host.read(e.id ?? "", e.urn, e.type, reveal(e.outputs), reveal(e.inputs));
      } catch (err) {
        this.fail(step, err);
      }
      if (!r.id) {
        found.set(e, { ...base, gone: true, fields: [] });
        this.record({ ...step, detail: "gone" });
        return;
      }
      const want = reveal(e.inputs) as Props;
      let diff: { changes: boolean; replaces: string[] };
      try {
        diff = await this.host.diff(e.id ?? "", e.urn, r.props, want);
      } catch (err) {
        this.fail(step, err);
      }
      if (!diff.changes) {
        this.record(step);
        return;
      }
      let names = changedFieldsOf(e.type, r.props, want);
      if (names.length === 0) names = diff.replaces.length ? diff.replaces : ["(unknown)"];
      const fields = names.map((field) => {
        const hidden = isSecretField(field, e.type, e.inputs, e.outputs);
        return { field, expected: hidden ? "[secret]" : want[field], actual: hidden ? "[secret]" : r.props[field] };
      });
      found.set(e, { ...base, gone: false, fields });
      this.record({ ...step, fields: names, detail: "drifted" });
    });
    const resources = all.flatMap((e) => found.get(e) ?? []);
    return { drifted: resources.length > 0, checked: all.length, resources };
  }

  /** Delete every object, dependents first (a dry run only lists the deletes, calling no system). */
  async destroy(): Promise<{ steps: Step[] }> {
    const order = deletionOrder([...this.state.live.values(), ...this.state.pending]);
    const total = order.filter((e) => e.custom).length;
    let done = 0;
    for (const e of order) {
      if (e.custom) {
        const step = this.stepOf("delete", e, e.delete ? { detail: "replaced" } : {});
        if (!this.dryRun) {
          this.progress("destroy", done++, total, e);
          try {
            await this.host.delete(e.id ?? "", e.urn, e.type, reveal(e.outputs));
          } catch (err) {
            this.fail(step, err);
          }
        }
        this.record(step);
      }
      if (this.dryRun) continue;
      if (e.delete) this.state.pending = this.state.pending.filter((p) => p !== e);
      else this.state.live.delete(e.urn);
      this.save();
    }
    if (!this.dryRun) {
      this.progress("destroy", total, total);
      this.state.outputs = {};
      this.save();
    }
    return { steps: this.steps };
  }
}

/**
 * The URN as the Pulumi engine builds it: urn:pulumi:<stack>::<project>::<qualified type>::<name>,
 * where the qualified type is prefixed by the parent's qualified type ("comp$type") unless the parent
 * is the root stack.
 */
function newUrn(opts: EngineOptions, parent: string | undefined, type: string, name: string): string {
  const parentType = parent?.split("::")[2];
  const qualified = parentType && parentType !== STACK_TYPE ? `${parentType}$${type}` : type;
  return `urn:pulumi:${opts.stack}::${opts.project}::${qualified}::${name}`;
}

/**
 * A planned update's or replacement's changes, old → new, field by field (secrets as "[secret]").
 * When no managed field differs, the change is the connection's (its password, port or TLS
 * settings): one "connection" change, labelled as such.
 */
function changesOf(type: string, old: Entry, checked: Props, changed: string[], replaces: string[], marked: Props): { fields: string[]; changes: FieldChange[]; connectionOnly: boolean } {
  const before = reveal(old.outputs) as Props;
  const fields = [...new Set([...replaces, ...changed])];
  const hide = (f: string) => isSecretField(f, type, old.inputs, old.outputs, marked);
  if (fields.length === 0) {
    const was = (reveal(old.inputs) as Props).connection ?? before.connection;
    if (!sameValue(was, checked.connection)) return { fields: ["connection"], changes: [{ field: "connection", old: "[secret]", new: "[secret]" }], connectionOnly: true };
  }
  const changes = fields.map((f) => (hide(f) ? { field: f, old: "[secret]", new: "[secret]" } : { field: f, old: before[f], new: checked[f] }));
  return { fields: changed.length ? changed : fields, changes, connectionOnly: false };
}

/** The managed fields that differ (the kind's fields when known, else every key but __provider). */
function changedFieldsOf(token: string, a: Props, b: Props): string[] {
  // The kind's managed fields; for an unknown kind, the inputs (outputs also hold computed values).
  const names = kindOf(token)?.fieldNames ?? Object.keys(b).filter((k) => k !== PROVIDER_KEY);
  return names.filter((f) => !sameValue(a[f], b[f]));
}

function dropUndefined(v: unknown): any {
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : dropUndefined(x)));
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = dropUndefined(x);
    return out;
  }
  return v;
}
