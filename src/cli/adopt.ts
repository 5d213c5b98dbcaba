/**
 * `rcclab adopt`: a lab built by hand (or by another tool) comes under a stack without being rebuilt.
 * Each object the stack declares is looked up by its natural key; what exists is recorded in the
 * stack's state, marked adopted, and no system is written. The plan says, per object: adopted as it
 * is, adopted but different (the fields `up` will change, live → declared), or missing (`up` will
 * create it). On a terminal without --yes the plan comes first and a question; otherwise the steps
 * are printed as they happen (adopt writes only the state, so it needs no --yes without a terminal).
 */
import * as commands from "../commands";
import type { EngineName, UpResult } from "../commands";
import type { EngineEvent, Step, Summary } from "../engine/local";
import { type Io, commandOptions } from "./io";
import { printJson, runJson } from "./json";
import { progressReporter } from "./progress";
import { confirm, interactive } from "./prompt";
import * as render from "./render";

const showSame = (io: Io) => io.flags.showSame || io.flags.verbose;

/** The counts of an adopt, in words. */
export function adoptSummary(steps: readonly Step[], planned: boolean): string {
  const adopted = steps.filter((s) => s.op === "adopt");
  const differ = adopted.filter((s) => s.fields?.length).length;
  const missing = steps.filter((s) => s.op === "create").length;
  const already = steps.filter((s) => s.op === "same").length;
  const parts = [
    `${adopted.length} ${planned ? "to adopt" : "adopted"}${differ ? ` (${differ} differ${differ === 1 ? "s" : ""} from the stack: rcclab up updates ${differ === 1 ? "it" : "them"})` : ""}`,
    `${missing} missing (rcclab up creates ${missing === 1 ? "it" : "them"})`,
    `${already} already in the state`,
  ];
  return `${planned ? "Plan" : "Adopted"}: ${parts.join(", ")}`;
}

async function run(io: Io, engine: EngineName, dryRun: boolean, onEvent: (e: EngineEvent) => void): Promise<UpResult> {
  const p = progressReporter({ ...io.flags, planning: dryRun }, io.detail);
  try {
    return await commands.adopt(commandOptions(io, { engine, onEvent, onProgress: (x) => p.onProgress(x) }), dryRun);
  } finally {
    p.stop();
  }
}

export async function adopt(io: Io, engine: EngineName): Promise<number> {
  if (interactive() && !io.flags.yes && !io.flags.json) {
    const plan = await run(io, engine, true, () => {});
    render.planLines(plan.steps, showSame(io)).forEach(io.result);
    io.result(adoptSummary(plan.steps, true));
    if (!plan.steps.some((s) => s.op === "adopt")) {
      io.result(`nothing to adopt into stack ${io.flags.stack}`);
      return 0;
    }
    io.result(`adopt records these objects in stack ${io.flags.stack}'s state${io.flags.owned ? " as its own (destroy deletes them)" : " (destroy leaves them on their systems)"}; no system is changed.`);
    if (!(await confirm("Proceed?"))) {
      io.warn("cancelled: nothing was recorded");
      return 1;
    }
  }
  const r = await run(io, engine, false, (e) => {
    if (e.error) return render.stepLines(e).forEach(io.warn);
    if (e.op === "same" && !showSame(io)) return;
    render.stepLines(e).forEach(io.info);
  });
  const summary: Summary = r.summary;
  if (io.flags.json) printJson(runJson(engine, { ...r, summary, steps: render.visibleSteps(r.steps, showSame(io)) }, { owned: io.flags.owned }));
  else io.result(adoptSummary(r.steps, false));
  return 0;
}
