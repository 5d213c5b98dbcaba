/**
 * One local-engine run against one stack's state: what every command shares (the state, the
 * provider host, the lanes, steps and progress), recovering what an interrupted run left, and the
 * commands that only read or delete: refresh, drift, destroy. `up` and `preview` add the program's
 * registrations (./deployment.ts).
 */
import type { DriftEntry, DriftResult, EngineOptions, Progress, Step, StepOp } from "./engineTypes";
import { EngineError } from "./engineTypes";
import { Lanes } from "./lanes";
import { changedFieldsOf, deletionOrder, errorMessage, nameOf } from "./plan";
import type { ProviderHost, Props } from "./providerHost";
import { type Entry, StateStore } from "./state";
import { isSecretField, markSecrets, readableType, reveal, secretKeysOf } from "./wire";

export class EngineRun {
  protected readonly state: StateStore;
  protected readonly steps: Step[] = [];
  /**
   * Steps run within the lanes' limits (./lanes.ts): at most --parallel at once, and a limit per
   * system.
   */
  protected readonly lanes: Lanes;
  protected readonly host: ProviderHost;

  constructor(
    protected readonly opts: EngineOptions,
    host: ProviderHost | undefined,
    protected readonly dryRun: boolean,
  ) {
    this.state = StateStore.load(opts.stateFile, opts.passphrase, opts.project, opts.stack);
    this.lanes = new Lanes(opts.parallel);
    // Only a dry-run destroy runs without a host (it calls no system).
    this.host = host as ProviderHost;
  }

  protected progress(phase: Progress["phase"], done: number, total: number | undefined, e?: { urn: string; type: string }): void {
    this.opts.onProgress?.({ phase, done, ...(total !== undefined ? { total } : {}), ...(e ? { current: `${readableType(e.type)} ${nameOf(e.urn)}` } : {}) });
  }

  /** Outcomes are written in batches (./state.ts); `close()` writes the last one. */
  protected save(): void {
    if (!this.dryRun) this.state.saveSoon();
  }

  /** Write what is waiting: every run ends with this, failed or not. */
  close(): void {
    if (!this.dryRun) this.state.flush();
  }

  protected record(step: Step, error?: string): void {
    if (!error) this.steps.push(step);
    this.opts.onEvent?.({ ...step, ...(this.dryRun ? { preview: true } : {}), ...(error ? { error } : {}) });
  }

  protected stepOf(op: StepOp, e: { urn: string; type: string; id?: string }, extra: Partial<Step> = {}): Step {
    return { op, urn: e.urn, name: nameOf(e.urn), type: readableType(e.type), ...(e.id ? { id: e.id } : {}), ...extra };
  }

  protected fail(step: Step, e: unknown): never {
    const label = `${step.type} "${step.name}"`;
    const msg = errorMessage(e);
    const err = new EngineError(`${label}: ${msg}`, this.steps);
    this.record(step, msg);
    throw err;
  }

  // -- crash consistency: recovering create intents ----------------------------------------

  /** Recover what an interrupted run left, then `fn`. */
  async recovered<T>(fn: (d: this) => Promise<T>): Promise<T> {
    try {
      await this.recover();
      return await fn(this);
    } finally {
      this.close();
    }
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
   * Each entry's work (a read, a delete) at once, within the lanes' limits (reads of many objects of
   * one kind then come together, and the providers answer them with bulk reads where they can).
   * `waitFor(e)`: entries earlier in `all` whose work must end before e's starts (a delete waits for
   * its dependents'). After a failure no more work starts; the first failure is the run's, once the
   * work under way has ended. Steps are listed in the entries' order, not in the order they finished.
   */
  protected async eachAtOnce(phase: Progress["phase"], all: Entry[], fn: (e: Entry) => Promise<void>, waitFor: (e: Entry) => Entry[] = () => []): Promise<void> {
    let failure: unknown;
    let done = 0;
    const total = all.filter((e) => e.custom).length;
    const first = this.steps.length;
    const finished = new Map<Entry, Promise<void>>();
    for (const e of all) {
      const before = waitFor(e).map((x) => finished.get(x));
      const work = async () => {
        if (failure) return;
        if (e.custom) this.progress(phase, done, total, e);
        try {
          await fn(e);
        } catch (err) {
          failure ??= err;
        }
        if (e.custom) done++;
      };
      finished.set(e, Promise.all(before).then(() => this.lanes.run(e.type, work)));
    }
    await Promise.all(finished.values());
    const order = new Map(all.map((e, i) => [e.urn + (e.delete ? "#delete" : ""), i]));
    const at = (s: Step) => order.get(s.urn + (s.detail === "replaced" ? "#delete" : "")) ?? 0;
    this.steps.splice(first, this.steps.length - first, ...this.steps.slice(first).sort((a, b) => at(a) - at(b)));
    if (failure) throw failure;
    this.progress(phase, total, total);
  }

  /** An adopted object this run leaves on its system and only drops from the state. */
  private forgets(e: Entry): boolean {
    return e.adopted === "kept" && !this.opts.deleteAdopted;
  }

  /**
   * Delete entries (objects, and the components that held them), dependents first, independent ones
   * at once. An object the stack adopted is forgotten instead (dropped from the state, left on its
   * system) unless it was adopted as owned or deleteAdopted is set. A dry run lists the steps,
   * calling no system.
   */
  protected async deleteAll(phase: Progress["phase"], entries: Entry[]): Promise<void> {
    const order = deletionOrder(entries);
    const stepFor = (e: Entry) =>
      this.forgets(e) ? this.stepOf("forget", e, { detail: "adopted: left on its system (--delete-adopted deletes it)" }) : this.stepOf("delete", e, e.delete ? { detail: "replaced" } : {});
    if (this.dryRun) {
      for (const e of order) if (e.custom) this.record(stepFor(e));
      return;
    }
    const at = new Map(order.map((e, i) => [e, i]));
    const dependents = new Map<string, Entry[]>();
    for (const e of order) for (const u of new Set([...e.dependencies, ...(e.parent ? [e.parent] : [])])) dependents.set(u, [...(dependents.get(u) ?? []), e]);
    const waitFor = (e: Entry) => (dependents.get(e.urn) ?? []).filter((d) => at.get(d)! < at.get(e)!);
    await this.eachAtOnce(
      phase,
      order,
      async (e) => {
        if (e.custom) {
          const step = stepFor(e);
          try {
            if (step.op === "delete") await this.host.delete(e.id ?? "", e.urn, e.type, reveal(e.outputs));
          } catch (err) {
            this.fail(step, err);
          }
          this.record(step);
        }
        if (e.delete) this.state.pending = this.state.pending.filter((p) => p !== e);
        else this.state.live.delete(e.urn);
        this.save();
      },
      waitFor,
    );
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
    await this.deleteAll("destroy", [...this.state.live.values(), ...this.state.pending]);
    if (!this.dryRun) {
      this.state.outputs = {};
      this.save();
    }
    return { steps: this.steps };
  }
}
