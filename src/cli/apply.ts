/**
 * The commands that change the lab — preview (the plan), up, destroy, rebuild — and the rule that
 * nothing is deleted by surprise:
 * - on a terminal without --yes: the plan first (up: a preview; destroy/rebuild: the deletes — from
 *   the state alone with the local engine, a destroy preview with Pulumi's), how many objects it
 *   deletes, then `Proceed? [y/N]`; no answer but y/yes changes
 *   nothing (exit 1). Nothing to do: said, and nothing asked;
 * - without a terminal and without --yes: destroy and rebuild refuse; up previews first and refuses
 *   only a plan that deletes or replaces something;
 * - with --yes: no plan pass, no question.
 * Steps are printed as they happen (unchanged ones only with --show-same or --verbose), then the counts.
 */
import * as commands from "../commands";
import type { CommandOptions, EngineName, UpResult } from "../commands";
import type { EngineEvent, Step, Summary } from "../engine/local";
import { summarize } from "../engine/local";
import { type Io, commandOptions } from "./io";
import { printJson, runJson, stepJson } from "./json";
import { progressReporter } from "./progress";
import { confirm, interactive } from "./prompt";
import * as render from "./render";

const showSame = (io: Io) => io.flags.showSame || io.flags.verbose;

/** Run one engine call with progress reporting around it. */
async function withProgress<T>(io: Io, planning: boolean, fn: (onProgress: NonNullable<CommandOptions["onProgress"]>) => Promise<T>): Promise<T> {
  const p = progressReporter({ ...io.flags, planning }, io.detail);
  try {
    return await fn((x) => p.onProgress(x));
  } finally {
    p.stop();
  }
}

/** Steps as they happen: printed (a failed step on stderr), and kept. */
function eventPrinter(io: Io, kept: Step[]) {
  return (e: EngineEvent) => {
    if (e.error) return render.stepLines(e).forEach(io.warn);
    kept.push(e);
    if (e.op === "same" && !showSame(io)) return;
    render.stepLines(e).forEach(io.info);
  };
}

/** The plan of up, quietly (its steps are shown as a plan afterwards). */
const plan = (io: Io, opts: CommandOptions): Promise<UpResult> =>
  withProgress(io, true, (onProgress) => commands.up({ ...opts, onEvent: () => {}, onProgress }, true));

/** The plan: each change (both engines give their steps), then the counts. */
function showPlan(io: Io, steps: Step[], summary: Summary): void {
  render.planLines(steps, showSame(io)).forEach(io.result);
  io.result(render.planSummary(summary));
}

/** The outputs of an up that hold no secret. */
function publicOutputs(r: UpResult): Record<string, unknown> {
  return { outputs: Object.fromEntries(Object.entries(r.outputs).filter(([k]) => !r.secretOutputs.includes(k))) };
}

/** `rcclab preview`: the plan; with --expect-no-changes / --detailed-exitcode, exit 2 when it has changes. */
export async function preview(io: Io, engine: EngineName): Promise<number> {
  const r = await plan(io, commandOptions(io, { engine }));
  if (io.flags.json) printJson(runJson(engine, { ...r, steps: render.visibleSteps(r.steps, showSame(io)) }));
  else showPlan(io, r.steps, r.summary);
  return (io.flags.expectNoChanges || io.flags.detailedExitcode) && r.changed ? 2 : 0;
}

/** Show the plan and ask; false when the user says no (then nothing has changed). */
async function ask(io: Io, what: string, deletes: string | undefined): Promise<boolean> {
  io.result(`${what}${deletes ? `: it ${deletes}` : ""}.`);
  const yes = await confirm("Proceed?");
  if (!yes) io.warn("cancelled: nothing was changed");
  return yes;
}

/** `rcclab up` (and `lab up`, which passes yes). */
export async function up(io: Io, engine: EngineName, extra: Partial<CommandOptions> = {}): Promise<number> {
  const opts = commandOptions(io, { engine, ...extra });
  if (!io.flags.yes) {
    const p = await plan(io, opts);
    const deletes = render.deletesNote(p.summary);
    if (!p.changed) {
      if (io.flags.json) printJson(runJson(engine, { ...p, steps: render.visibleSteps(p.steps, showSame(io)) }));
      else io.result(`no changes: the lab matches stack ${io.flags.stack} (${p.summary.same} unchanged)`);
      return 0;
    }
    if (interactive()) {
      showPlan(io, p.steps, p.summary);
      if (!(await ask(io, `up changes stack ${io.flags.stack}`, deletes))) return 1;
    } else if (deletes) {
      showPlan(io, p.steps, p.summary);
      throw new commands.CommandError(`refusing to apply without a terminal: this plan ${deletes}; nothing was changed. Re-run with --yes to apply it (rcclab preview shows it)`);
    }
  }
  const done: Step[] = [];
  const r = await withProgress(io, false, (onProgress) => commands.up({ ...opts, onEvent: eventPrinter(io, done), onProgress }));
  if (io.flags.json) printJson(runJson(engine, r, publicOutputs(r)));
  else {
    io.result(render.appliedSummary(r.summary));
    if (Object.keys(r.outputs).length) io.info(`outputs: ${Object.keys(r.outputs).join(", ")} (rcclab outputs --dir DIR writes the Communicator .reg files and the normalization rules)`);
  }
  return 0;
}

/**
 * Before destroy or rebuild deletes anything: --yes, or a person who said yes to the listed deletes.
 * False when cancelled; true when there is nothing to delete (`nothing` then says so).
 */
async function allowDeletes(io: Io, engine: EngineName, verb: "destroy" | "rebuild"): Promise<"go" | "nothing" | "no"> {
  if (io.flags.yes) return "go";
  const opts = commandOptions(io, { engine, onEvent: () => {} });
  // Local engine: from the state alone (no system is called); Pulumi engine: a destroy preview.
  const p = await commands.destroyPlan(opts);
  const count = `${p.summary.delete} object${p.summary.delete === 1 ? "" : "s"}`;
  const forgets = p.summary.forget ? ` and forgets ${p.summary.forget} adopted object${p.summary.forget === 1 ? "" : "s"} (left on their systems)` : "";
  if (!interactive()) {
    throw new commands.CommandError(`refusing to ${verb} without a terminal: it deletes ${count} rcclab created for stack ${io.flags.stack}${forgets}; nothing was changed. Re-run with --yes`);
  }
  if (p.summary.delete === 0 && !p.summary.forget) return "nothing";
  showPlan(io, p.steps, p.summary);
  const then = verb === "rebuild" ? ", then builds the lab again" : "";
  return (await ask(io, `${verb} stack ${io.flags.stack}`, `deletes ${count} rcclab created${forgets}${then}`)) ? "go" : "no";
}

/** The destroy itself: steps printed as they go; the deletes done. */
async function runDestroy(io: Io, engine: EngineName): Promise<{ steps: Step[]; summary: Summary }> {
  const steps: Step[] = [];
  await withProgress(io, false, (onProgress) => commands.destroy(commandOptions(io, { engine, onEvent: eventPrinter(io, steps), onProgress })));
  return { steps, summary: summarize(steps) };
}

/** `rcclab destroy`. */
export async function destroy(io: Io, engine: EngineName): Promise<number> {
  const allowed = await allowDeletes(io, engine, "destroy");
  if (allowed === "no") return 1;
  if (allowed === "nothing") {
    if (io.flags.json) printJson({ ok: true, engine, summary: summarize([]), steps: [] });
    else io.result(`nothing to destroy: stack ${io.flags.stack} has no resources`);
    return 0;
  }
  const d = await runDestroy(io, engine);
  if (io.flags.json) printJson({ ok: true, engine, summary: d.summary, steps: d.steps.map(stepJson) });
  else io.result(render.destroyedSummary(d.summary));
  return 0;
}

/** `rcclab rebuild`: destroy, then up (no second question: the deletes were the question). */
export async function rebuild(io: Io, engine: EngineName): Promise<number> {
  if ((await allowDeletes(io, engine, "rebuild")) === "no") return 1;
  const d = await runDestroy(io, engine);
  if (!io.flags.json) io.info(render.destroyedSummary(d.summary));
  const done: Step[] = [];
  const r = await withProgress(io, false, (onProgress) => commands.up(commandOptions(io, { engine, onEvent: eventPrinter(io, done), onProgress })));
  if (io.flags.json) {
    printJson(runJson(engine, r, { destroyed: { summary: d.summary, steps: d.steps.map(stepJson) }, ...publicOutputs(r) }));
  } else io.result(render.appliedSummary(r.summary));
  return 0;
}
