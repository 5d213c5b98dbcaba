/**
 * The audit's HTML report (src/audit/report.ts): every text escaped (a user's name is anyone's), and
 * the page as a browser builds it — rendered by headless Chromium (--dump-dom), the table read back
 * from the DOM Chromium produced: one row per user, one column per per-user check, the marks and
 * their hover titles, a section per system. A broken page (unescaped markup, a missing cell, a wrong
 * mark) fails these tests.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CHECKS } from "../src/audit/checks";
import { cellStatus, cellTitle, escapeHtml, renderReport } from "../src/audit/report";
import type { AuditResult, Finding } from "../src/audit/types";
import { type El, chromiumPath, findAll, renderInChromium } from "./support/chromium";

const USER_CHECKS = CHECKS.filter((c) => c.scope === "user");
const HOSTILE = `<script>alert("x")</script> & O'Brien <b>bold</b>`;

/** A result with two users: one passing everything, one whose name and AD values are hostile markup. */
function fixture(): AuditResult {
  const findings: Finding[] = [];
  for (const c of USER_CHECKS) {
    findings.push({ check: c.id, system: c.system, status: c.id === "cucm.callsPerLine" ? "na" : "pass", object: `${c.system} asmith`, user: "asmith", message: "fine" });
  }
  for (const c of USER_CHECKS) {
    const bad = c.id === "ad.lineUri" || c.id === "cup.userAssigned";
    findings.push({
      check: c.id,
      system: c.system,
      status: bad ? "fail" : c.id === "cucm.presenceLicense" ? "unverified" : "pass",
      object: `${c.system} evil`,
      user: "evil",
      message: bad ? `msRTCSIP-Line is "${HOSTILE}"` : "ok",
      ...(bad ? { fix: `by hand: AD > ${HOSTILE} > Line URI` } : {}),
    });
  }
  findings.push({ check: "cucm.trunk", system: "cucm", status: "fail", object: "SIP trunk <T&1>", message: "points at 10.0.0.99", fix: "rcclab:trunk (rcclab up applies it)" });
  findings.push({ check: "dns.srv", system: "dns", status: "pass", object: "SRV _sipinternaltls._tcp.lab.example.com", message: "ok" });
  const summary = { pass: 0, fail: 0, unverified: 0, na: 0 };
  for (const f of findings) summary[f.status]++;
  return {
    stack: "lab<1>",
    readAt: "2026-12-02T15:00:00.000Z",
    outcome: "problems",
    users: [
      { userid: "asmith", name: "Alice Smith", sources: ["stack", "ad"], stackIndex: 0 },
      { userid: "evil", name: HOSTILE, sources: ["ad"] },
    ],
    checks: CHECKS,
    findings,
    unread: [{ system: "ocs", what: "pool <p2>", message: "refused & closed" }],
    summary,
  };
}

describe("audit report: escaping", () => {
  it("escapes the five characters that matter in text and quoted attributes", () => {
    expect(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
    expect(escapeHtml("plain +14085551001 → ✅")).toBe("plain +14085551001 → ✅");
    expect(escapeHtml("&amp;")).toBe("&amp;amp;");
  });

  it("puts no user-controlled markup in the page", () => {
    const html = renderReport(fixture());
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<b>bold");
    expect(html).not.toContain("<T&1>");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; O&#39;Brien &lt;b&gt;bold&lt;/b&gt;");
    // Self-contained: no script, no external resource.
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(/i);
  });

  it("a cell's mark and title: any failure wins, then not verifiable; the title holds each finding's object, message and fix", () => {
    const f = (status: Finding["status"], fix?: string): Finding => ({ check: "x", system: "ad", status, object: "o", message: `m-${status}`, ...(fix ? { fix } : {}) });
    expect(cellStatus([f("pass"), f("fail")])).toBe("fail");
    expect(cellStatus([f("pass"), f("unverified")])).toBe("unverified");
    expect(cellStatus([f("na")])).toBe("na");
    expect(cellStatus([])).toBe("na");
    expect(cellTitle([f("fail", "do this")])).toBe("o: m-fail — fix: do this");
  });
});

const chromium = chromiumPath();

describe.skipIf(!chromium)("audit report rendered by headless Chromium", () => {
  it("reads back one row per user, one column per per-user check, the marks and the fixes on hover; hostile names stay text", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-report-"));
    const file = path.join(dir, "report.html");
    const r = fixture();
    fs.writeFileSync(file, renderReport(r));
    const dom = renderInChromium(chromium!, file);
    fs.rmSync(dir, { recursive: true, force: true });

    // No element the data could have injected.
    expect(findAll(dom, (e) => e.tag === "script" || e.tag === "b")).toEqual([]);
    const table = findAll(dom, (e) => e.tag === "table" && e.attrs.id === "users")[0]!;
    expect(table).toBeDefined();
    const headers = findAll(findAll(table, (e) => e.tag === "thead")[0]!, (e) => e.tag === "th");
    expect(headers.map((h) => h.attrs["data-check"] ?? "user")).toEqual(["user", ...USER_CHECKS.map((c) => c.id)]);
    expect(headers[1]!.attrs.title).toBe(`ad.lineUri (A3): ${USER_CHECKS[0]!.rule}`);

    const rows = findAll(findAll(table, (e) => e.tag === "tbody")[0]!, (e) => e.tag === "tr");
    expect(rows.map((row) => row.attrs["data-user"])).toEqual(["asmith", "evil"]);
    const cells = (row: El) => row.children.filter((c) => c.tag === "td");
    for (const row of rows) expect(cells(row).map((c) => c.attrs["data-check"])).toEqual(USER_CHECKS.map((c) => c.id));

    // asmith: all ✅ but the 7931 column (–).
    expect(cells(rows[0]!).map((c) => c.text)).toEqual(USER_CHECKS.map((c) => (c.id === "cucm.callsPerLine" ? "–" : "✅")));
    expect(rows[0]!.children[0]!.text).toBe("Alice Smith (asmith; stack + ad)");
    // evil: its name back as text, exactly; ❌ where it failed with the fix on hover, ❔ where not verifiable.
    expect(rows[1]!.children[0]!.text).toBe(`${HOSTILE} (evil; ad)`);
    const byCheck = new Map(cells(rows[1]!).map((c) => [c.attrs["data-check"]!, c]));
    expect(byCheck.get("ad.lineUri")!.text).toBe("❌");
    expect(byCheck.get("ad.lineUri")!.attrs.title).toBe(`ad evil: msRTCSIP-Line is "${HOSTILE}" — fix: by hand: AD > ${HOSTILE} > Line URI`);
    expect(byCheck.get("cup.userAssigned")!.text).toBe("❌");
    expect(byCheck.get("cucm.presenceLicense")!.text).toBe("❔");
    expect(byCheck.get("ad.rcc")!.text).toBe("✅");
    expect(byCheck.get("ad.rcc")!.attrs.title).toBe("ad evil: ok");

    // The summary line, and one section per system with its checks and problems.
    expect(findAll(dom, (e) => e.attrs.id === "summary")[0]!.text).toMatch(/^Stack lab<1>: not ready: problems found\. 2 RCC users; \d+ passed, 3 failed, 1 not verifiable, 1 not applicable; 1 thing not read$/);
    const sections = findAll(dom, (e) => e.tag === "section" && !!e.attrs["data-system"]);
    expect(sections.map((s) => s.attrs["data-system"])).toEqual(["ad", "cucm", "cup", "ocs", "dns"]);
    const cucm = sections[1]!;
    expect(findAll(cucm, (e) => e.tag === "h2")[0]!.text).toBe("CUCM 1 problem");
    const trunkRow = findAll(cucm, (e) => e.tag === "tr" && e.attrs["data-check"] === "cucm.trunk")[0]!;
    expect(trunkRow.children.map((c) => c.text)).toEqual(["❌", "cucm.trunk", "SIP trunk <T&1>", "points at 10.0.0.99", "rcclab:trunk (rcclab up applies it)"]);
    const adRows = findAll(sections[0]!, (e) => e.tag === "tr" && e.attrs["data-status"] === "fail");
    expect(adRows.map((row) => row.children[2]!.text)).toEqual(["ad evil"]);
    expect(findAll(dom, (e) => e.attrs.id === "unread")[0]!.text).toContain("OCS pool <p2>: refused & closed");
  });
});
