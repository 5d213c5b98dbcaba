/**
 * `rcclab users import` / `users export` on a stack file: nothing written when the CSV is refused,
 * the file rewritten in place otherwise, warnings on stderr, export → import a no-op.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Flags } from "../src/cli/args";
import type { Io } from "../src/cli/io";
import { usersExport, usersImport } from "../src/cli/users";
import { CsvInvalid } from "../src/usersCsv";

let dir: string;
let stackFile: string;
const guide = fs.readFileSync(path.join(__dirname, "..", "stacks", "Pulumi.guide.yaml"), "utf8");
const io = (flags: Partial<Flags> = {}) => {
  const lines = { result: [] as string[], warn: [] as string[] };
  const o: Io = { flags: { stack: "t", stacksDir: dir, ...flags } as Flags, result: (l) => lines.result.push(l), info: () => {}, detail: () => {}, warn: (l) => lines.warn.push(l) };
  return { o, lines };
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-users-csv-"));
  stackFile = path.join(dir, "Pulumi.t.yaml");
  fs.writeFileSync(stackFile, guide);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("rcclab users import / export", () => {
  it("writes nothing when any row is bad, and nothing but the stack file when all are good", () => {
    const csv = path.join(dir, "users.csv");
    fs.writeFileSync(csv, "USER ID,FIRST NAME,PASSWORD\nbjones,Rob,\ncwu,Caroline,secret1\n");
    expect(() => usersImport(io().o, csv)).toThrow(CsvInvalid);
    expect(fs.readFileSync(stackFile, "utf8")).toBe(guide);
    expect(fs.readdirSync(dir).sort()).toEqual(["Pulumi.t.yaml", "users.csv"]);

    fs.writeFileSync(csv, "USER ID,FIRST NAME,PASSWORD,DEVICE POOL\nbjones,Rob,,Default\n");
    const { o, lines } = io();
    expect(usersImport(o, csv)).toBe(0);
    expect(fs.readFileSync(stackFile, "utf8")).toBe(guide.replace("firstName: Bob,  ", "firstName: Rob,  "));
    expect(lines.warn.join("\n")).toMatch(/DEVICE POOL[\s\S]*column PASSWORD is empty and ignored/);
    expect(fs.readdirSync(dir).sort()).toEqual(["Pulumi.t.yaml", "users.csv"]);
  });

  it("export --out then import is no change", () => {
    const out = path.join(dir, "out.csv");
    expect(usersExport(io({ out }).o)).toBe(0);
    const { o, lines } = io();
    usersImport(o, out);
    expect(lines.result[0]).toMatch(/0 added, 0 updated, 5 unchanged$/);
    expect(fs.readFileSync(stackFile, "utf8")).toBe(guide);
  });
});
