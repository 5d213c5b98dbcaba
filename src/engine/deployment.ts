/**
 * `up` and `preview`: the program runs under Pulumi's own SDK runtime with this engine as its
 * resource monitor (see ./local.ts); each registration becomes a step (create, update, replace,
 * same) run through the provider host within the lanes, and what the program no longer declares is
 * deleted at the end.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { EngineRun } from "./engineRun";
import { EngineError, type ProgramOptions, type RunResult, summarize } from "./engineTypes";
import { STACK_TYPE, changedFieldsOf, changesOf, dropUndefined, errorMessage, newUrn } from "./plan";
import type { Props } from "./providerHost";
import type { Entry } from "./state";
import { containsUnknown, interned, kindOf, markSecrets, readableType, reveal, secretKeysOf } from "./wire";

/* eslint-disable @typescript-eslint/no-require-imports */
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
// The google-protobuf copy Pulumi's generated code was built with.
const gstruct = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [pulumiDir] }));
const resproto = require("@pulumi/pulumi/proto/resource_pb");
const settings = require("@pulumi/pulumi/runtime/settings");

/**
 * Tests of crash consistency: RCCLAB_TEST_CRASH_AT="create:rcclab:cucm:Phone" kills this process
 * (SIGKILL: no clean-up runs) right after the first create of that kind has reached its system and
 * before the state records it. Never set outside tests.
 */
function testCrashPoint(point: string): void {
  if (process.env.RCCLAB_TEST_CRASH_AT === point) process.kill(process.pid, "SIGKILL");
}

/** One up or preview. */
export class Deployment extends EngineRun {
  /** URNs registered by the program in this run. */
  private readonly registered = new Set<string>();
  private failure: Error | undefined;
  /**
   * Steps run as soon as they are registered: the SDK registers a resource only once the resources
   * it depends on (inputs, parent, dependsOn) have their answers, so a step never starts before
   * those it depends on are done.
   */
  private readonly jobs: Promise<unknown>[] = [];
  private stackUrn = "";
  /** The root stack's outputs, as the program registered them (wire form). */
  private stackOutputs: Props = {};
  /** Steps applied (or planned) so far, for progress. */
  private applied = 0;
  /**
   * `rcclab adopt`: instead of creating, look each declared object up by its natural key and record
   * what exists ("kept": destroy leaves it on its system; "owned": destroy deletes it). No writes.
   */
  adopting?: "kept" | "owned";

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

    // Objects the program no longer declares, and replaced objects: dependents first (adopt
    // deletes nothing: it only records).
    const gone = [...[...this.state.live.values()].filter((e) => !this.registered.has(e.urn)), ...this.state.pending];
    if (!this.adopting) await this.deleteAll("delete", gone);
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

  /**
   * The answer to the program. Without the serialized provider: no program reads it, and the SDK
   * would keep a copy of its text (tens of kB) in every resource's outputs.
   */
  private response(urn: string, id: string, object: Props, unknown = false): unknown {
    const resp = new resproto.RegisterResourceResponse();
    resp.setUrn(urn);
    resp.setId(id);
    const { __provider: _p, ...outputs } = object;
    resp.setObject(gstruct.Struct.fromJavaScript(dropUndefined(outputs)));
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
    const inputs = interned((req.getObject()?.toJavaScript() ?? {}) as Props);
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
    // An adopted object stays adopted through its updates (a replacement is the stack's own).
    const entry = (id: string, checked: Props, outs: Props, adopted: Entry["adopted"] | null = id === old?.id ? old?.adopted : undefined): Entry => ({
      urn, type, custom: true, id, ...(parent ? { parent } : {}), dependencies, inputs: mark(checked), outputs: mark(outs), ...(adopted ? { adopted } : {}),
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

    if (this.adopting) return this.adopt(urn, type, old, checked, mark, (id, outs) => place(entry(id, checked, outs, this.adopting)));

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
      const e = entry(created.id, checked, created.outs, null);
      if (!deleteFirst) this.state.pending.push({ ...old, delete: true });
      place(e);
      this.settle(urn);
      this.record({ ...step, id: created.id });
      return this.response(urn, created.id, e.outputs);
    } catch (e) {
      this.fail(step, e);
    }
  }


  /**
   * adopt's step: the declared object looked up by its natural key (as recovery does). Found: the
   * state records it with the program's inputs and the live outputs, so a later up updates exactly
   * the fields that differ (shown here as they will change, live → declared); missing: listed, up
   * will create it. Already in the state: left as it is. Nothing is written to any system.
   */
  private async adopt(urn: string, type: string, old: Entry | undefined, checked: Props, mark: (p: Props) => Props, record: (id: string, outs: Props) => void): Promise<unknown> {
    const base = { urn, type, ...(old?.id ? { id: old.id } : {}) };
    if (old) {
      this.record(this.stepOf("same", base, { detail: "already in the stack's state" }));
      return this.response(urn, old.id ?? "", old.outputs);
    }
    const key = kindOf(type)?.keyOf?.(checked);
    const missing = (why: string) => {
      this.record(this.stepOf("create", base, { detail: why }));
      return this.response(urn, "", mark(checked));
    };
    if (!key) return missing("has no natural key to look it up by: up will create it");
    const step = this.stepOf("adopt", { ...base, id: key });
    let found: { id: string; props: Props };
    let diff: { changes: boolean; replaces: string[] };
    try {
      found = await this.host.read(key, urn, type, {}, checked);
      if (!found.id) return missing("not on its system: up will create it");
      diff = await this.host.diff(found.id, urn, found.props, checked);
    } catch (e) {
      this.fail(step, e);
    }
    const live = mark(found.props);
    if (!this.dryRun) record(found.id, found.props);
    if (!diff.changes) {
      this.record({ ...step, id: found.id, detail: "matches the stack" });
    } else {
      const changed = changedFieldsOf(type, found.props, checked);
      const plan = changesOf(type, { urn, type, custom: true, dependencies: [], inputs: live, outputs: live }, checked, changed, diff.replaces, mark(checked));
      const then = diff.replaces.length ? `up will replace it (${diff.replaces.join(", ")})` : "up will update";
      this.record({ ...step, id: found.id, fields: plan.fields, changes: plan.changes, detail: `differs: ${then}` });
    }
    return this.response(urn, found.id, live);
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
      await this.state.recordIntent({ op: "create", urn, type, id: key, ...(parent ? { parent } : {}), dependencies, inputs, since: new Date().toISOString() });
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

  /** The outcome of a create is in the state: its intent goes, in the same write. */
  private settle(urn: string): void {
    if (!this.dryRun) this.state.settleIntent(urn);
  }

}
