/**
 * users import checks the stack as it will be (src/config.ts parseConfig on the merged users with the
 * file's other settings, secrets encrypted or not set yet), and names each problem by CSV row and
 * column, or by the stack entry it collides with. Nothing is written when anything is bad.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CsvInvalid, importUsers } from "../src/usersCsv";

const stack = (name: string) => fs.readFileSync(path.join(__dirname, "..", "stacks", `Pulumi.${name}.yaml`), "utf8");
const guide = stack("guide"); // secrets not set in the file
const local = stack("local"); // secrets encrypted in the file
const HEAD = "USER ID,FIRST NAME,LAST NAME,DIRECTORY NUMBER,MAC ADDRESS,DEVICE TYPE,DEVICE PROTOCOL,POOL";
const errorsOf = (text: string, rows: string[], head = HEAD): string[] => {
  try {
    importUsers(text, [head, ...rows].join("\n"), "users.csv");
  } catch (e) {
    expect(e).toBeInstanceOf(CsvInvalid);
    expect((e as Error).message).toMatch(/^nothing was written/);
    return (e as CsvInvalid).errors;
  }
  throw new Error("expected a CsvInvalid");
};

describe("users import: the merged stack checked", () => {
  for (const [name, text] of [["guide", guide], ["local", local]] as const) {
    it(`duplicates against the stack and between rows, by row and column (${name} stack)`, () => {
      const lines = errorsOf(text, [
        "n1,New,One,+14085551001,00:1E:4A:AA:CC:01,Cisco 7975,SCCP,pool1", // row 2: asmith's number
        "n2,New,Two,+14085551201,00-1e-4a-aa-bb-02,Cisco 7975,SCCP,pool1", // row 3: bjones's MAC, other notation
        "n3,New,Three,+14085551202,00:1E:4A:AA:CC:03,Cisco 7975,SCCP,pool1",
        "n4,New,Four,+14085551202,00:1E:4A:AA:CC:04,Cisco 7975,SCCP,pool1", // row 5: row 4's number
      ]);
      expect(lines).toEqual([
        "users.csv row 2, DIRECTORY NUMBER: +14085551001 is already used by rcclab:users[0] in the stack",
        "users.csv row 5, DIRECTORY NUMBER: +14085551202 is already used by row 4",
        "users.csv row 3, MAC ADDRESS: 00-1e-4a-aa-bb-02 is already used by rcclab:users[1] in the stack",
      ]);
    });
  }

  it("an updated entry that takes the number of a later stack entry is named at its row", () => {
    const lines = errorsOf(guide, ["asmith,,,+14085551005,,,,"]);
    expect(lines).toEqual(["users.csv row 2, DIRECTORY NUMBER: +14085551005 is already used by rcclab:users[4] in the stack"]);
  });

  it("pools, model and protocol, the 7931's one call per line, the CTI user, Meet-Me numbers", () => {
    const lines = errorsOf(
      guide,
      [
        "p1,P,One,+14085551301,00:1E:4A:AA:DD:01,Cisco 7975,SCCP,pool9,,",
        "p2,P,Two,+14085551302,00:1E:4A:AA:DD:02,Cisco 7931,SIP,pool1,,",
        "p3,P,Three,+14085551303,00:1E:4A:AA:DD:03,Cisco 7931,SCCP,pool1,4,2",
        "rcc-cti,P,Four,+14085551304,00:1E:4A:AA:DD:04,Cisco 7975,SCCP,pool1,,",
        "p5,P,Five,+14085559000,00:1E:4A:AA:DD:05,Cisco 7975,SCCP,pool1,,",
      ],
      `${HEAD},MAXIMUM NUMBER OF CALLS 1,BUSY TRIGGER 1`,
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        "users.csv row 2, POOL: must name an OCS pool (pool1, pool2)",
        "users.csv row 3, DEVICE PROTOCOL: the 7931 does not support SIP (it supports SCCP)",
        "users.csv row 4, MAXIMUM NUMBER OF CALLS 1: the 7931 takes one call per line: maxNumCalls and busyTrigger must both be 1 (leave callsPerLine out)",
        "users.csv row 5, USER ID: rcc-cti is the CTI application user (rcclab:cti.userid); end users need another userid",
        "users.csv row 6, DIRECTORY NUMBER: +14085559000 is a Meet-Me number (rcclab:meetMe[0])",
      ]),
    );
    expect(lines).toHaveLength(5);
  });

  it("a row with problems of its own does not hide the checks across the other rows", () => {
    const lines = errorsOf(guide, [
      "b1,Bad,One,4085551401,00:1E:4A:AA:EE:01,Cisco 7975,SCCP,pool1",
      "b2,Ok,Two,+14085551402,00:1E:4A:AA:EE:02,Cisco 7975,SCCP,pool1",
      "b3,Dup,Three,+14085551402,00:1E:4A:AA:EE:03,Cisco 7975,SCCP,pool1",
    ]);
    expect(lines).toEqual(["users.csv row 2, DIRECTORY NUMBER: must be E.164, e.g. +14085551001", "users.csv row 4, DIRECTORY NUMBER: +14085551402 is already used by row 3"]);
  });

  it("a new row without a required column says which is missing", () => {
    expect(errorsOf(guide, ["m1,Miss,Ing,+14085551501,00:1E:4A:AA:FF:01,Cisco 7975,SCCP"], HEAD.replace(",POOL", ""))).toEqual(["users.csv row 2, POOL: missing"]);
  });

  it("a problem of an entry the CSV does not touch is named by its stack path, and stops the import", () => {
    const text = guide.replace('e164: "+14085551005"', 'e164: "4085551005"');
    expect(errorsOf(text, ["asmith,Alicia,,,,,,"])).toEqual(["rcclab:users[4] (eng, in the stack, not in the CSV) e164: must be E.164, e.g. +14085551001"]);
  });

  it("a stack whose other settings are invalid (not only secrets missing) is refused with the reason", () => {
    const text = guide.replace("    reverseZone: 10.10.10.in-addr.arpa\n", "");
    const lines = errorsOf(text, ["asmith,Alicia,,,,,,"]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^the stack's other settings have problems, so the users could not be checked against them \(fix these first\): rcclab:dns\.reverseZone: /);
  });

  it("a good import into either stack passes the same checks", () => {
    for (const text of [guide, local]) {
      const r = importUsers(text, [HEAD, "ok1,Ok,One,+14085551601,00:1E:4A:AA:AB:01,Cisco 7975,SCCP,pool1"].join("\n"), "users.csv");
      expect(r).toMatchObject({ added: 1, updated: 0 });
    }
  });
});
