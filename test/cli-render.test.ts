/**
 * The CLI's text (src/cli/render.ts): a planned change field by field, old → new, compact and
 * shortened, only the differing parts of an object or list field; a connection-only change as one
 * line; unchanged resources hidden unless asked; the summary lines' counts; drift applied → live.
 */
import { describe, expect, it } from "vitest";
import type { Step } from "../src/engine/local";
import { appliedSummary, changeLine, deletesNote, driftLines, formatValue, planLines, planSummary, stepLines } from "../src/cli/render";

const step = (s: Partial<Step> & Pick<Step, "op" | "name">): Step => ({ urn: `urn:pulumi:local::rcclab::t::${s.name}`, type: "rcclab:cucm:Phone", ...s });

describe("rendering a plan", () => {
  it("an update lists each changed field old → new, one line per field", () => {
    const lines = stepLines(
      step({
        op: "update",
        name: "phone-SEP001E4AAABB02",
        id: "SEP001E4AAABB02",
        fields: ["description", "maxNumCalls"],
        changes: [
          { field: "description", old: "edited by hand", new: "Bob Jones 7971 SIP" },
          { field: "maxNumCalls", old: undefined, new: 4 },
        ],
      }),
    );
    expect(lines).toEqual([
      "~ update rcclab:cucm:Phone phone-SEP001E4AAABB02 [SEP001E4AAABB02]",
      '    description: "edited by hand" → "Bob Jones 7971 SIP"',
      "    maxNumCalls: (not set) → 4",
    ]);
  });

  it("a list or object field shows only its differing parts; a long value is shortened", () => {
    const lines = [{ index: 1, label: "edited", pattern: "\\+14085551002" }];
    expect(changeLine({ field: "lines", old: lines, new: [{ ...lines[0], label: "Bob Jones" }] })).toBe('lines[0].label: "edited" → "Bob Jones"');
    expect(changeLine({ field: "tls", old: { caFile: "a" }, new: {} })).toBe('tls.caFile: "a" → (removed)');
    const long = formatValue("x".repeat(200));
    expect(long.length).toBe(60);
    expect(long.endsWith("…")).toBe(true);
    expect(changeLine({ field: "password", old: "[secret]", new: "[secret]" })).toBe("password: [secret] → [secret]");
  });

  it("a connection-only change is one labelled line, no field lines", () => {
    const lines = stepLines(step({ op: "update", type: "rcclab:cup:IncomingAcl", name: "incoming-acl-x", connectionOnly: true, fields: ["connection"], changes: [{ field: "connection", old: "[secret]", new: "[secret]" }] }));
    expect(lines).toEqual(["~ update rcclab:cup:IncomingAcl incoming-acl-x (connection only: credentials or endpoint changed)"]);
  });

  it("replace names what forces it; unchanged resources are hidden unless asked", () => {
    const steps = [
      step({ op: "same", name: "a" }),
      step({ op: "replace", name: "b", fields: ["mac"], detail: "create before delete", changes: [{ field: "mac", old: "1", new: "2" }] }),
      step({ op: "delete", name: "c", id: "c1" }),
      step({ op: "create", name: "d" }),
    ];
    expect(planLines(steps, false)).toEqual([
      "+- replace rcclab:cucm:Phone b (create before delete; forced by mac)",
      '    mac: "1" → "2"',
      "- delete rcclab:cucm:Phone c [c1]",
      "+ create rcclab:cucm:Phone d",
    ]);
    expect(planLines(steps, true)[0]).toBe("= same rcclab:cucm:Phone a");
  });

  it("the summary lines count each kind, and say how much a plan deletes", () => {
    const s = { create: 2, update: 1, replace: 0, delete: 3, same: 40 };
    expect(planSummary(s)).toBe("Plan: 2 to create, 1 to update, 0 to replace, 3 to delete, 40 unchanged");
    expect(appliedSummary(s)).toBe("Applied: 2 created, 1 updated, 0 replaced, 3 deleted, 40 unchanged");
    expect(planSummary({ create: 0, update: 0, replace: 0, delete: 0, same: 69 })).toBe("Plan: no changes (69 unchanged)");
    expect(deletesNote(s)).toBe("deletes 3 objects");
    expect(deletesNote({ ...s, delete: 0, replace: 1 })).toBe("replaces 1 (deleting the old one)");
    expect(deletesNote({ ...s, delete: 0 })).toBeUndefined();
  });

  it("drift names each drifted field applied → live", () => {
    const lines = driftLines({
      drifted: true,
      checked: 70,
      resources: [
        { urn: "u", name: "phone-SEP01", type: "rcclab:cucm:Phone", id: "SEP01", gone: false, fields: [{ field: "description", expected: "Alice", actual: "edited" }] },
        { urn: "v", name: "acl-x", type: "rcclab:cup:IncomingAcl", id: "x", gone: true, fields: [] },
      ],
    });
    expect(lines).toEqual([
      "~ rcclab:cucm:Phone phone-SEP01 (SEP01): description",
      '    description: "Alice" → "edited"',
      "- rcclab:cup:IncomingAcl acl-x (x): gone",
      "2 of 70 resources drifted (fields: applied → live)",
    ]);
  });
});
