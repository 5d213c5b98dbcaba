/**
 * `rcclab users import FILE` and `rcclab users export [--out FILE]`: the stack's users as a Cisco
 * BAT-style CSV (src/usersCsv.ts). Works on the stack file only: no engine, no system, no passphrase.
 */
import fs from "node:fs";
import path from "node:path";
import { projectRoot } from "../../providers/core/provider";
import { stackConfigPath } from "../engine/stackConfig";
import { importUsers, stackUsers, usersToCsv } from "../usersCsv";
import type { Io } from "./io";
import { printJson } from "./json";

function stackFile(io: Io): string {
  const dir = path.resolve(io.flags.stacksDir ?? path.join(projectRoot(), "stacks"));
  const file = stackConfigPath(dir, io.flags.stack);
  if (!fs.existsSync(file)) throw new Error(`no stack file ${file} (stacks are stacks/Pulumi.<name>.yaml)`);
  return file;
}

export function usersImport(io: Io, csvFile: string): number {
  const file = stackFile(io);
  if (!fs.existsSync(csvFile)) throw new Error(`no such file ${csvFile}`);
  const r = importUsers(fs.readFileSync(file, "utf8"), fs.readFileSync(csvFile, "utf8"), path.basename(csvFile));
  if (r.added || r.updated) {
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, r.text);
    fs.renameSync(tmp, file);
  }
  if (r.ignoredColumns.length) io.warn(`warning: columns rcclab does not use were ignored: ${r.ignoredColumns.join(", ")}`);
  for (const w of r.warnings) io.warn(`warning: ${w}`);
  io.result(`${path.relative(process.cwd(), file) || file}: ${r.added} added, ${r.updated} updated, ${r.unchanged} unchanged`);
  if (io.flags.json) printJson({ ok: true, file, added: r.added, updated: r.updated, unchanged: r.unchanged, ignoredColumns: r.ignoredColumns, warnings: r.warnings, layoutKept: r.layoutKept });
  return 0;
}

export function usersExport(io: Io): number {
  const file = stackFile(io);
  const users = stackUsers(fs.readFileSync(file, "utf8"));
  const csv = usersToCsv(users);
  const out = io.flags.out;
  if (out) {
    fs.writeFileSync(out, csv);
    io.result(`${out}: ${users.length} users`);
  } else if (!io.flags.json) {
    process.stdout.write(csv);
  }
  if (io.flags.json) printJson({ ok: true, file, users: users.length, ...(out ? { out } : { csv }) });
  return 0;
}
