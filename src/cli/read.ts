/**
 * The commands that change nothing on the lab: validate (no network), drift (reads every object),
 * discover cup (reads CUP's database) and outputs (reads the local state, writes client files).
 * Each prints text, or with --json one document (docs/json.md).
 */
import * as path from "node:path";
import * as commands from "../commands";
import type { EngineName } from "../commands";
import { readStackOutputs, writeClientFiles } from "../outputs";
import { type Io, commandOptions } from "./io";
import { printJson } from "./json";
import { progressReporter } from "./progress";
import { driftLines } from "./render";

/** `rcclab validate`: exit 1 when the stack has problems (each by its YAML path). */
export async function validate(io: Io): Promise<number> {
  const errors = await commands.validate(commandOptions(io));
  if (io.flags.json) printJson({ ok: errors.length === 0, errors: errors.map((e) => ({ path: e.path, message: e.message })) });
  else {
    for (const e of errors) io.warn(`${e.path}: ${e.message}`);
    if (errors.length === 0) io.result(`stack ${io.flags.stack}: config is valid`);
    else io.warn(`stack ${io.flags.stack}: ${errors.length} problem${errors.length === 1 ? "" : "s"}`);
  }
  return errors.length ? 1 : 0;
}

/** `rcclab drift`: exit 2 when the lab drifted. */
export async function drift(io: Io, engine: EngineName): Promise<number> {
  const p = progressReporter({ ...io.flags, planning: false }, io.detail);
  let d;
  try {
    d = await commands.drift(commandOptions(io, { engine, onProgress: (x) => p.onProgress(x) }));
  } finally {
    p.stop();
  }
  if (io.flags.json) printJson({ ok: true, engine, ...d });
  else driftLines(d).forEach(io.result);
  return d.drifted ? 2 : 0;
}

/** `rcclab discover cup`: differences found are the answer, not an error (exit 0). */
export async function discoverCup(io: Io): Promise<number> {
  // Loaded only for this command (it brings the CUP client).
  const discover = require("../discoverCup") as typeof import("../discoverCup");
  const r = await discover.runDiscoverCup(commandOptions(io));
  if (io.flags.json) printJson({ ok: true, ...discover.toJson(r) });
  else discover.format(r).forEach(io.result);
  return 0;
}

/** `rcclab outputs --dir D`: the Communicator .reg files and the normalization rules. */
export async function outputs(io: Io): Promise<number> {
  if (io.flags.engine === "pulumi") {
    throw new commands.CommandError("rcclab outputs reads the local engine's state; with the Pulumi engine, read them with `pulumi stack output --json`");
  }
  const dir = path.resolve(io.flags.dir!);
  const files = writeClientFiles(readStackOutputs(commandOptions(io)).outputs, dir);
  if (io.flags.json) printJson({ ok: true, stack: io.flags.stack, dir, files });
  else {
    for (const f of files) {
      io.result(`wrote ${f.path}${f.userid ? ` (Communicator settings of ${f.userid}: import with regedit on the user's PC)` : ""}`);
      if (f.where) io.info(`  ${f.where}`);
    }
  }
  return 0;
}
