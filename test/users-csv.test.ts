import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { UsageError, parseCommandLine } from "../src/cli/args";
import { CsvInvalid, importUsers, normalizeHeader, stackUsers, usersToCsv } from "../src/usersCsv";

const guide = fs.readFileSync(path.join(__dirname, "..", "stacks", "Pulumi.guide.yaml"), "utf8");
const users = (text: string) => parseYaml(text).config["rcclab:users"];

describe("users CSV (BAT-style)", () => {
  it("export then import round-trips to the same YAML, comments kept", () => {
    const csv = usersToCsv(stackUsers(guide));
    expect(csv.split("\n")[0]).toMatch(/^USER ID,FIRST NAME,LAST NAME,DIRECTORY NUMBER,MAC ADDRESS,DEVICE TYPE,DEVICE PROTOCOL/);
    const r = importUsers(guide, csv, "users.csv");
    expect(r).toMatchObject({ added: 0, updated: 0, unchanged: 5 });
    expect(r.text).toBe(guide);
    // An update and an addition: the other entries, settings and comments stay.
    const edited = csv.replace("Alice,Smith", "Alicia,Smith") + "zz,Zed,Zulu,+14085551099,00-1e-4a-aa-bb-99,Cisco 7970,SIP,pool2,,,,,\n";
    const r2 = importUsers(guide, edited, "users.csv");
    expect(r2).toMatchObject({ added: 1, updated: 1, unchanged: 4 });
    expect(r2.text).toContain("# the guide's phones: 7975 SCCP");
    expect(r2.text).toContain("# B9: application dial rules");
    const after = users(r2.text);
    expect(after).toHaveLength(6);
    expect(after[0]).toMatchObject({ userid: "asmith", firstName: "Alicia", extensionMobility: true });
    expect(after[5]).toEqual({ userid: "zz", firstName: "Zed", lastName: "Zulu", e164: "+14085551099", pool: "pool2", phone: { mac: "00-1e-4a-aa-bb-99", model: "7970", protocol: "SIP" } });
    expect(parseYaml(r2.text).config["rcclab:dialRules"]).toEqual(parseYaml(guide).config["rcclab:dialRules"]);
    // And the new file exports and imports to itself.
    expect(importUsers(r2.text, usersToCsv(stackUsers(r2.text)), "users.csv").text).toBe(r2.text);
  });

  it("takes BAT's header spellings in any case and spacing; other columns are ignored", () => {
    for (const h of ["User ID", "USER_ID", " user-id ", "USER  ID"]) expect(normalizeHeader(h)).toBe("USER ID");
    const csv = "\uFEFFUser_ID,first name,LAST_NAME,Directory Number 1,Mac Address,device type,Device_Protocol,ocs pool,DEVICE POOL\n" + "bjones,Robert,Jones,\\+14085551002,00:1E:4A:AA:BB:02,Cisco 7971,sip,pool1,Default\n";
    const r = importUsers(guide, csv, "users.csv");
    expect(r).toMatchObject({ updated: 1, added: 0, ignoredColumns: ["DEVICE POOL"] });
    expect(users(r.text)[1]).toMatchObject({ userid: "bjones", firstName: "Robert", e164: "+14085551002", phone: { protocol: "SIP", model: "7971" } });
  });

  it("names every bad row by row and column, and writes nothing", () => {
    const csv = [
      "USER ID,FIRST NAME,LAST NAME,DIRECTORY NUMBER,MAC ADDRESS,DEVICE TYPE,DEVICE PROTOCOL,POOL",
      "ok1,Ok,One,+14085551101,00:1E:4A:AA:CC:01,Cisco 7975,SCCP,pool1",
      "bad2,Bad,Two,4085551102,00:1E:4A:AA:CC:02,Cisco 7975,SCCP,pool1",
      "bad3,Bad,Three,+14085551103,nope,Cisco 7931,SIP,poolX",
      ",No,Id,+14085551104,00:1E:4A:AA:CC:04,Cisco 7975,SCCP,pool1",
      "bad5,Dup,Number,+14085551001,00:1E:4A:AA:CC:05,Cisco 9999,SCCP,pool1",
    ].join("\n");
    let err: unknown;
    try {
      importUsers(guide, csv, "users.csv");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CsvInvalid);
    const lines = (err as CsvInvalid).errors;
    expect(lines).toContain("users.csv row 3, DIRECTORY NUMBER: must be E.164, e.g. +14085551001");
    expect(lines).toContain("users.csv row 4, MAC ADDRESS: must be a MAC address, e.g. 00:1E:4A:AA:BB:01");
    expect(lines).toContain("users.csv row 5, USER ID: missing");
    expect(lines.some((l) => l.startsWith("users.csv row 6, DEVICE TYPE: must be one of"))).toBe(true);
    expect(lines.some((l) => l.startsWith("users.csv row 2"))).toBe(false);
    const fixed4 = csv.replace("nope", "00:1E:4A:AA:CC:03");
    const lines4 = (() => { try { importUsers(guide, fixed4, "users.csv"); } catch (e) { return (e as CsvInvalid).errors; } return []; })();
    expect(lines4).toContain("users.csv row 4, DEVICE PROTOCOL: the 7931 does not support SIP (it supports SCCP)");
    expect(lines4).toContain("users.csv row 4, POOL: must name an OCS pool (pool1, pool2)");
    expect((err as Error).message).toMatch(/^nothing was written/);
  });

  it("imports 1,000 rows", () => {
    const rows = Array.from({ length: 1000 }, (_, i) => {
      const n = String(i).padStart(4, "0");
      const mac = `00:1E:4B:00:${n.slice(0, 2)}:${n.slice(2)}`;
      return `u${n},First${n},Last${n},+1408600${n},${mac},Cisco 7975,SCCP,pool${(i % 2) + 1}`;
    });
    const csv = ["USER ID,FIRST NAME,LAST NAME,DIRECTORY NUMBER,MAC ADDRESS,DEVICE TYPE,DEVICE PROTOCOL,POOL", ...rows].join("\n");
    const r = importUsers(guide, csv, "users.csv");
    expect(r).toMatchObject({ added: 1000, updated: 0 });
    const after = users(r.text);
    expect(after).toHaveLength(1005);
    expect(after[1004]).toMatchObject({ userid: "u0999", e164: "+14086000999" });
    expect(importUsers(r.text, usersToCsv(stackUsers(r.text)), "users.csv").text).toBe(r.text);
  });
});

describe("rcclab users (command line)", () => {
  it("parses import FILE and export --out", () => {
    expect(parseCommandLine(["users", "import", "users.csv", "--stack", "guide"])).toMatchObject({ command: "users", sub: "import", file: "users.csv", flags: { stack: "guide" } });
    expect(parseCommandLine(["users", "export", "--out", "u.csv"])).toMatchObject({ command: "users", sub: "export", flags: { out: "u.csv" } });
    expect(() => parseCommandLine(["users", "import"])).toThrow(UsageError);
    expect(() => parseCommandLine(["users", "frob"])).toThrow(/unknown users command frob/);
    expect(() => parseCommandLine(["users", "export", "--yes"])).toThrow(/takes no --yes flag/);
  });
});
