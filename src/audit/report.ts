/**
 * The audit as one self-contained HTML page (`rcclab audit --report FILE`): inline CSS, no script, no
 * external fetch. A summary line; a table with one row per RCC user and one column per per-user
 * check, each cell ✅ / ❌ / ❔ (not verifiable) / – (not applicable) with what was found and the fix
 * in its title (shown on hover); then a section per system with its checks and problems, and what
 * could not be read. Every text is escaped (user names and AD values are anyone's).
 */
import type { AuditResult, CheckDef, Finding, Status, SystemName } from "./types";
import { SYSTEM_TITLES } from "./types";

/** Text for an HTML text node or a quoted attribute value. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

export const MARK: Record<Status, string> = { pass: "✅", fail: "❌", unverified: "❔", na: "–" };
const WORD: Record<Status, string> = { pass: "passed", fail: "failed", unverified: "not verifiable", na: "not applicable" };

/** The status of several findings of one cell: any fail, else any unverified, else any pass, else n/a. */
export function cellStatus(fs: readonly Finding[]): Status {
  if (fs.some((f) => f.status === "fail")) return "fail";
  if (fs.some((f) => f.status === "unverified")) return "unverified";
  if (fs.some((f) => f.status === "pass")) return "pass";
  return "na";
}

/** What a cell's title says: each finding's object and message, and its fix. */
export function cellTitle(fs: readonly Finding[]): string {
  if (!fs.length) return "not checked";
  return fs.map((f) => `${f.object}: ${f.message}${f.fix ? ` — fix: ${f.fix}` : ""}`).join("\n");
}

export const OUTCOME_TEXT: Record<AuditResult["outcome"], string> = {
  ready: "ready for remote call control",
  problems: "not ready: problems found",
  incomplete: "incomplete: part of the lab could not be read",
};

export function summaryLine(r: AuditResult): string {
  const s = r.summary;
  const problems = s.fail;
  return (
    `Stack ${r.stack}: ${OUTCOME_TEXT[r.outcome]}. ${r.users.length} RCC user${r.users.length === 1 ? "" : "s"}; ` +
    `${s.pass} passed, ${problems} failed, ${s.unverified} not verifiable, ${s.na} not applicable` +
    (r.unread.length ? `; ${r.unread.length} thing${r.unread.length === 1 ? "" : "s"} not read` : "")
  );
}

const CSS = `
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; margin: 2em; color: #1d2329; }
h1 { font-size: 1.5em; margin-bottom: .2em; }
.summary { font-size: 1.1em; padding: .6em 1em; border-radius: 6px; margin: 1em 0; }
.summary.ready { background: #e3f6e6; } .summary.problems { background: #fde8e8; } .summary.incomplete { background: #fff4d6; }
table { border-collapse: collapse; margin: .5em 0 1.5em; }
th, td { border: 1px solid #c9d1d9; padding: .35em .6em; vertical-align: top; }
thead th { background: #f0f3f6; font-weight: 600; font-size: .9em; }
td.mark { text-align: center; font-size: 1.2em; cursor: help; }
td.fail { background: #fdecec; } td.unverified { background: #fff8e1; } td.na { color: #8b949e; }
.muted { color: #57606a; font-size: .85em; }
code { font-size: .9em; }
ul.legend { list-style: none; padding: 0; } ul.legend li { display: inline; margin-right: 1.5em; }
`;

/** The whole page. */
export function renderReport(r: AuditResult): string {
  const e = escapeHtml;
  const userChecks = r.checks.filter((c) => c.scope === "user");
  const rows = r.users.map((u) => {
    const cells = userChecks.map((c) => {
      const fs = r.findings.filter((f) => f.check === c.id && f.user === u.userid);
      const st = cellStatus(fs);
      return `<td class="mark ${st}" data-check="${e(c.id)}" data-status="${st}" title="${e(cellTitle(fs))}">${MARK[st]}</td>`;
    });
    return `<tr data-user="${e(u.userid)}"><th scope="row">${e(u.name)} <span class="muted">(${e(u.userid)}; ${e(u.sources.join(" + "))})</span></th>${cells.join("")}</tr>`;
  });
  const head = userChecks.map((c) => `<th scope="col" data-check="${e(c.id)}" title="${e(`${c.id} (${c.step}): ${c.rule}`)}">${e(SYSTEM_TITLES[c.system])}<br>${e(c.title)}</th>`);

  const systems = (Object.keys(SYSTEM_TITLES) as SystemName[]).map((sys) => systemSection(r, sys));
  const unread = r.unread.length
    ? `<section id="unread"><h2>Not read</h2><ul>${r.unread.map((u) => `<li><strong>${e(SYSTEM_TITLES[u.system])}</strong> ${e(u.what)}: ${e(u.message)}</li>`).join("")}</ul></section>`
    : "";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${e(`rcclab audit: ${r.stack}`)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>Remote call control audit — stack ${e(r.stack)}</h1>
<p class="muted">The live lab as read at ${e(r.readAt)} (rcclab's state not used). Hover a mark for what was found and the fix.</p>
<p class="summary ${r.outcome}" id="summary">${e(summaryLine(r))}</p>
<ul class="legend"><li>✅ passed</li><li>❌ failed</li><li>❔ not verifiable</li><li>– not applicable</li></ul>
<h2>Users</h2>
<table id="users">
<thead><tr><th scope="col">User</th>${head.join("")}</tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>
${systems.join("\n")}
${unread}
</body>
</html>
`;
}

function systemSection(r: AuditResult, sys: SystemName): string {
  const e = escapeHtml;
  const checks = r.checks.filter((c) => c.system === sys);
  const lines: string[] = [];
  for (const c of checks) {
    // System checks: every finding; user checks: only what is not passed (the table shows the rest).
    const fs = r.findings.filter((f) => f.check === c.id && (c.scope === "system" || (f.status !== "pass" && f.status !== "na")));
    for (const f of fs) lines.push(findingRow(c, f));
    if (c.scope === "user" && !fs.length) {
      lines.push(`<tr data-check="${e(c.id)}" data-status="pass"><td class="mark pass">✅</td><td><code>${e(c.id)}</code></td><td>every user</td><td>${e(c.rule)}</td><td></td></tr>`);
    }
  }
  const fails = r.findings.filter((f) => f.system === sys && f.status === "fail").length;
  return `<section id="system-${sys}" data-system="${sys}">
<h2>${e(SYSTEM_TITLES[sys])} <span class="muted">${fails ? `${fails} problem${fails === 1 ? "" : "s"}` : "no problems"}</span></h2>
<table class="checks">
<thead><tr><th></th><th>check</th><th>object</th><th>found</th><th>fix</th></tr></thead>
<tbody>
${lines.join("\n")}
</tbody>
</table>
</section>`;
}

function findingRow(c: CheckDef, f: Finding): string {
  const e = escapeHtml;
  return `<tr data-check="${e(c.id)}" data-status="${f.status}"><td class="mark ${f.status}" title="${e(WORD[f.status])}">${MARK[f.status]}</td><td><code>${e(c.id)}</code></td><td>${e(f.object)}</td><td>${e(f.message)}</td><td>${e(f.fix ?? "")}</td></tr>`;
}
