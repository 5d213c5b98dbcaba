/**
 * `rcclab audit --stack S [--json] [--report FILE]` (issue 14): reads the live lab — never rcclab's
 * state, so it audits labs rcclab did not build — and checks AD, CUCM, CUP, OCS and DNS for what
 * remote call control needs, per RCC user and per system (src/audit, docs/audit.md). Exit 0 ready,
 * 2 problems, 1 error (a bad stack, or part of the lab that could not be read).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { exitCodeOf } from "../audit/types";
import type { AuditResult, Finding } from "../audit/types";
import * as commands from "../commands";
import { parseConfig } from "../config";
import { type Io, commandOptions } from "./io";
import { printJson } from "./json";
import { progressReporter } from "./progress";

export async function audit(io: Io): Promise<number> {
  const stack = commands.loadStack(commandOptions(io));
  if (stack.errors.length) {
    for (const e of stack.errors) io.warn(`${e.path}: ${e.message}`);
    throw new commands.CommandError(`stack ${io.flags.stack}: ${stack.errors.length} config problem${stack.errors.length === 1 ? "" : "s"}; nothing was read`);
  }
  const cfg = parseConfig(stack.config).config!;
  // Loaded only for this command (it brings every system's client).
  const { runAudit } = require("../audit/run") as typeof import("../audit/run");
  io.info(`auditing the live lab of stack ${io.flags.stack} (AD, CUCM, CUP, OCS, DNS; rcclab's state is not used)`);
  // On a terminal, one status line (`checking 3/12  cucm: phones  4s`) as drift shows it; --verbose: a line per thing read.
  const status = progressReporter({ ...io.flags, planning: false }, io.detail);
  const seen = new Set<string>();
  let r;
  try {
    r = await runAudit(io.flags.stack, cfg, {
      onProgress: (p) => {
        status.onProgress({ phase: "drift", done: p.done, ...(p.total !== undefined ? { total: p.total } : {}), current: `${p.system}: ${p.what}` });
        const key = `${p.system}/${p.what}`;
        if (!seen.has(key)) io.detail(`reading ${p.system}: ${p.what}`);
        seen.add(key);
      },
    });
  } finally {
    status.stop();
  }
  const code = exitCodeOf(r);
  if (io.flags.report) {
    const { renderReport } = require("../audit/report") as typeof import("../audit/report");
    const file = path.resolve(io.flags.report);
    fs.writeFileSync(file, renderReport(r));
    io.info(`wrote ${file}`);
  }
  if (io.flags.json) printJson(auditJson(r, code));
  else auditLines(r).forEach((l) => (l.startsWith("✅") ? io.detail(l) : io.result(l)));
  return code;
}

/** The --json document (docs/audit.md). */
export function auditJson(r: AuditResult, exitCode: number) {
  return {
    ok: true,
    stack: r.stack,
    readAt: r.readAt,
    outcome: r.outcome,
    exitCode,
    summary: r.summary,
    users: r.users,
    checks: r.checks,
    problems: r.findings.filter((f) => f.status === "fail"),
    findings: r.findings,
    unread: r.unread,
  };
}

const line = (f: Finding) => `${f.check}  ${f.object}: ${f.message}`;

/** The text answer: each problem with its fix, what could not be verified or read, the summary. Passed checks only with --verbose. */
export function auditLines(r: AuditResult): string[] {
  const { summaryLine } = require("../audit/report") as typeof import("../audit/report");
  const out: string[] = [];
  for (const f of r.findings.filter((x) => x.status === "pass")) out.push(`✅ ${line(f)}`);
  for (const f of r.findings.filter((x) => x.status === "fail")) {
    out.push(`❌ ${line(f)}`);
    if (f.fix) out.push(`   fix: ${f.fix}`);
  }
  for (const f of r.findings.filter((x) => x.status === "unverified")) {
    out.push(`❔ ${line(f)}`);
    if (f.fix) out.push(`   to check: ${f.fix}`);
  }
  for (const u of r.unread) out.push(`not read: ${u.system} ${u.what}: ${u.message}`);
  out.push(summaryLine(r));
  return out;
}
