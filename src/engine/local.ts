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
 * - destroy: delete every resource, dependents first; an adopted one (below) is only forgotten.
 * - adopt (rcclab's own, for labs built by hand): the program runs, and each declared object is
 *   looked up by its natural key (Read with the checked inputs) instead of created; found ones are
 *   recorded with the program's inputs and the live outputs (the next up updates what differs) and
 *   marked adopted; missing ones are listed. Nothing is written to any system.
 * - Secrets: values that were Pulumi secrets on input, `additionalSecretOutputs`, and every value at
 *   a kind's secret paths (from the kind registry `globalThis.__rcclabKinds`) are secret in outputs
 *   and encrypted in the state file (AES-256-GCM, key from the passphrase with scrypt).
 * - Dependencies are what the SDK sends with each registration (parent, dependsOn and input
 *   dependencies); deletions run in reverse dependency order.
 * - State (./state.ts): each step's outcome is saved with the next batch (at most a second later,
 *   and at the end of every run, failed or not); a create's intent is on disk before the create is
 *   sent, so a run killed at any point leaves what the next run needs to converge. A replaced object not yet deleted is kept in the state
 *   marked `delete: true` and deleted at the end of the next successful up (or by destroy).
 * - The first failing step fails the run; later registrations are not executed (the program sees
 *   their outputs as unknown, so nothing runs on bogus values) and end-of-run deletions are skipped.
 *
 * - A program that throws (or leaves a rejection unhandled, which Pulumi's language host reports)
 *   fails the run after every registration has been handled; nothing is deleted then.
 *
 * Steps run in parallel as soon as their dependencies are done, within an overall limit and one lane
 * per system (./lanes.ts); refresh and drift read every object at once within the same limits.
 *
 * Modules: ./deployment.ts (up, preview), ./engineRun.ts (what every run shares; recover, refresh,
 * drift, destroy), ./plan.ts (URNs, deletion order, changes), ./state.ts, ./providerHost.ts.
 *
 * Not implemented: the resource options protect, ignoreChanges, replaceOnChanges and
 * retainOnDelete (refused with an error), deletedWith, custom timeouts (ignored); import
 * and `Resource.get` of existing objects, invokes, explicit provider resources and non-dynamic
 * resource types (refused); replacing the dependents of a delete-before-replace resource; stack
 * references; Pulumi's checkpoint format, update
 * history and `pulumi` CLI compatibility of the state (the stack *config* file is compatible).
 */
import { ENGINE_JOURNALS } from "../../providers/core/intents";
import { Deployment } from "./deployment";
import { EngineRun } from "./engineRun";
import type { DriftResult, EngineOptions, ProgramOptions, RunResult, Step, Summary } from "./engineTypes";
import { summarize } from "./engineTypes";
import { withStackLock } from "./lock";
import { ProviderHost } from "./providerHost";
import { type StateFile, StateStore } from "./state";
import { reveal, secretKeysOf } from "./wire";

export { readableType } from "./wire";
export * from "./engineTypes";
export type { StateFile, StoredResource } from "./state";

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
 * `rcclab adopt`: run the program, looking each declared object up by its natural key instead of
 * creating it; the found ones go into the state ("kept": destroy leaves them on their systems, unless
 * deleteAdopted; `owned`: the stack's own). Writes no system; a dry run only plans (adopt/create/same).
 */
export function adopt(opts: ProgramOptions & { owned?: boolean }, dryRun = false): Promise<RunResult> {
  return exclusive(() => {
    const run = () =>
      withHost(opts, (host) => {
        const d = new Deployment(opts, host, dryRun);
        d.adopting = opts.owned ? "owned" : "kept";
        return d.recovered((x) => x.run(opts));
      });
    return dryRun ? run() : locked(opts, "adopt", run);
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
    const steps = (await new EngineRun(opts, undefined, true).destroy()).steps;
    return { steps, summary: summarize(steps) };
  });
}

/** Read every object into the state. */
export function refresh(opts: EngineOptions): Promise<{ steps: Step[] }> {
  return exclusive(() => locked(opts, "refresh", () => withHost(opts, (host) => new EngineRun(opts, host, false).recovered((d) => d.refresh()))));
}

/** Compare every object with the state, changing nothing. */
export function drift(opts: EngineOptions): Promise<DriftResult> {
  return exclusive(() => withHost(opts, (host) => new EngineRun(opts, host, true).recovered((d) => d.drift())));
}

/** Delete every object of the stack. */
export function destroy(opts: EngineOptions): Promise<{ steps: Step[] }> {
  return exclusive(() => locked(opts, "destroy", () => withHost(opts, (host) => new EngineRun(opts, host, false).recovered((d) => d.destroy()))));
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
  // The stack and project, as Pulumi's engine gives them to a provider. This engine records each
  // create's intent in its state first, so the providers keep no journal of their own
  // (providers/core/intents.ts).
  const host = await ProviderHost.start(undefined, { ...process.env, PULUMI_STACK: opts.stack, PULUMI_PROJECT: opts.project, RCCLAB_CREATE_INTENTS: ENGINE_JOURNALS });
  try {
    return await fn(host);
  } finally {
    await host.stop();
  }
}
