/**
 * A2's normalization rules file for OCS 2007 R2's Address Book Server: two CR LF-ended lines per rule
 * ([MS-ABS] 2.2.5), first match wins, and every way the lab's numbers are commonly written in the
 * directory comes out as the user's E.164 number. Rules are applied here as the Address Book Server
 * applies them (the first pattern that matches; .NET and JavaScript agree on this regex subset).
 */
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config";
import { NOT_AUTOMATED } from "../src/derive";
import { NORMALIZATION_RULES_FILE, normalizationRulePairs, normalizationRules } from "../src/components/normalization";
import { loadStack } from "../src/commands";

const stack = loadStack({ stack: "local" });
const cfg = parseConfig(stack.config).config!;

function normalize(rules: [string, string][], input: string): string | undefined {
  for (const [pattern, replacement] of rules) {
    const re = new RegExp(pattern);
    if (re.test(input)) return input.replace(re, replacement);
  }
  return undefined;
}

describe("Company_Phone_Number_Normalization_Rules.txt", () => {
  it("is pairs of CR LF-ended lines: a pattern, then its replacement", () => {
    const f = normalizationRules(cfg);
    expect(f.fileName).toBe(NORMALIZATION_RULES_FILE);
    expect(f.content.endsWith("\r\n")).toBe(true);
    const lines = f.content.split("\r\n").slice(0, -1);
    expect(lines.length % 2).toBe(0);
    expect(lines.length).toBe(2 * normalizationRulePairs(cfg).length);
    expect(f.content).not.toMatch(/[^\r]\n/);
  });

  it("turns every way a lab number is written into the user's E.164 number", () => {
    const rules = normalizationRulePairs(cfg);
    for (const u of cfg.users) {
      const d = u.e164.slice(1); // 14085551001
      const [cc, area, exch, line] = [d.slice(0, -10), d.slice(-10, -7), d.slice(-7, -4), d.slice(-4)];
      for (const written of [u.e164, d, line, `+${cc} (${area}) ${exch}-${line}`, `${cc}.${area}.${exch}.${line}`, `+${cc} ${area} ${exch} ${line}`]) {
        expect(normalize(rules, written), written).toBe(u.e164);
      }
    }
    // Numbers that are not the lab's are left alone.
    expect(normalize(rules, "+1 (650) 555-0100")).toBeUndefined();
    expect(normalize(rules, "9999")).toBeUndefined();
  });

  it("leaves out an extension two users share, so no number goes to the wrong user", () => {
    const twin = structuredClone(cfg);
    twin.users = [...cfg.users, { ...cfg.users[0]!, userid: "twin", e164: "+14155551001" }];
    const rules = normalizationRulePairs(twin);
    expect(normalize(rules, "1001")).toBeUndefined();
    expect(normalize(rules, "+1 415 555 1001")).toBe("+14155551001");
  });

  it("says where the file goes, in notAutomated", () => {
    expect(NOT_AUTOMATED.some((l) => l.includes(NORMALIZATION_RULES_FILE) && l.includes("Address Book Server"))).toBe(true);
  });
});
