/**
 * The users CSV's fields beyond name, number and phone: BAT's call-per-line columns (MAXIMUM NUMBER OF
 * CALLS 1, BUSY TRIGGER 1), user groups (ACCESS CONTROL GROUP n / USER GROUP n), LINE URI; every
 * field export writes is read back by import; PASSWORD and PIN cells are refused (they would be
 * plain text in the stack), an empty PASSWORD / PIN column is ignored with a warning.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { CsvInvalid, importUsers, stackUsers, usersToCsv } from "../src/usersCsv";

const guide = fs.readFileSync(path.join(__dirname, "..", "stacks", "Pulumi.guide.yaml"), "utf8");
const users = (text: string) => parseYaml(text).config["rcclab:users"];
const errorsOf = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CsvInvalid);
    return (e as CsvInvalid).errors;
  }
  throw new Error("expected a CsvInvalid");
};

/** Every field the CSV carries, set away from its default. */
const FULL = [
  {
    userid: "asmith",
    firstName: "Alicia",
    lastName: "Smith-Jones",
    e164: "+14085551101",
    pool: "pool2",
    phone: { model: "7970", protocol: "SIP", mac: "00:1E:4A:AA:CC:01" },
    extensionMobility: false,
    rcc: false,
    lineUri: "tel:+14085551101",
    enhancedPresence: false,
    callsPerLine: { maxNumCalls: 6, busyTrigger: 3 },
    userGroups: ["Standard CCM End Users", "Standard CTI Enabled", "Standard CTI Allow Control of Phones supporting Rollover Mode"],
    presence: { ups: false, upc: true },
  },
  {
    userid: "new1",
    firstName: "New, with a comma",
    lastName: 'Quote "Q"',
    e164: "+14085551102",
    pool: "pool1",
    phone: { model: "7931", protocol: "SCCP", mac: "00:1E:4A:AA:CC:02" },
    callsPerLine: { maxNumCalls: 1, busyTrigger: 1 },
    userGroups: ["Standard CTI Enabled"],
  },
];

describe("users CSV fields", () => {
  it("round-trips every field it carries: export, then import into another stack gives the same entries", () => {
    const source = guide.replace(/  rcclab:users:[\s\S]*?(?=  rcclab:meetMe:)/, `  rcclab:users:\n${FULL.map((u) => `    - ${JSON.stringify(u)}\n`).join("")}`);
    expect(stackUsers(source)).toEqual(FULL);
    const csv = usersToCsv(stackUsers(source));
    expect(csv.split("\n")[0]).toBe(
      "USER ID,FIRST NAME,LAST NAME,DIRECTORY NUMBER,MAC ADDRESS,DEVICE TYPE,DEVICE PROTOCOL,POOL,ENABLE EXTENSION MOBILITY,ENABLE CTI APPLICATION USE,ENHANCED PRESENCE,ENABLE CUP,ENABLE CUPC,MAXIMUM NUMBER OF CALLS 1,BUSY TRIGGER 1,LINE URI,ACCESS CONTROL GROUP 1,ACCESS CONTROL GROUP 2,ACCESS CONTROL GROUP 3",
    );
    const r = importUsers(guide, csv, "users.csv");
    expect(r).toMatchObject({ added: 1, updated: 1 });
    const after = users(r.text);
    expect(after[0]).toEqual(FULL[0]);
    expect(after[5]).toEqual(FULL[1]);
    // And back: the new stack exports the same rows for these users.
    const again = usersToCsv(stackUsers(r.text)).split("\n");
    expect(again[1]).toBe(csv.split("\n")[1]);
    expect(again[6]).toBe(csv.split("\n")[2]);
  });

  it("takes BAT's spellings of the line and group columns", () => {
    const csv = "User ID,Maximum Number of Calls 1,Busy_Trigger_1,User Group 2,user group 1,Line URI\nbjones,5,4,Standard CTI Enabled,Standard CCM End Users,tel:+14085551002\n";
    const r = importUsers(guide, csv, "users.csv");
    expect(users(r.text)[1]).toMatchObject({ callsPerLine: { maxNumCalls: 5, busyTrigger: 4 }, userGroups: ["Standard CCM End Users", "Standard CTI Enabled"], lineUri: "tel:+14085551002" });
    expect(importUsers(guide, "USERID,MAXIMUM NUMBER OF CALLS,BUSY TRIGGER\nbjones,5,4\n", "u.csv").updated).toBe(1);
  });

  it("refuses PASSWORD and PIN cells, naming the secret's path; writes nothing", () => {
    const csv = "USER ID,FIRST NAME,PASSWORD,PIN\nbjones,Rob,hunter2,\nnew2,New,,12345\n";
    const lines = errorsOf(() => importUsers(guide, csv, "users.csv"));
    expect(lines).toContain(
      "users.csv row 2, PASSWORD: not imported: a password in the stack file would be plain text; set it as a secret: pulumi config set --secret --path 'rcclab:users[1].password' <value>",
    );
    expect(lines).toContain("users.csv row 3, PIN: not imported: a PIN in the stack file would be plain text; set it as a secret: pulumi config set --secret --path 'rcclab:users[5].pin' <value>");
    expect(lines.join("\n")).not.toMatch(/hunter2|12345/);
  });

  it("ignores an empty PASSWORD column with a warning, and never exports one", () => {
    const r = importUsers(guide, "USER ID,FIRST NAME,PASSWORD\nbjones,Rob,\n", "users.csv");
    expect(r.updated).toBe(1);
    expect(r.warnings).toEqual(["column PASSWORD is empty and ignored: passwords and PINs are set as secrets, pulumi config set --secret --path 'rcclab:users[i].password' <value>"]);
    const withSecret = guide.replace("extensionMobility: true }", "extensionMobility: true, password: { secure: v1:abc:def }, pin: { secure: v1:ghi:jkl } }");
    const csv = usersToCsv(stackUsers(withSecret));
    expect(csv).not.toMatch(/PASSWORD|PIN|secure|v1:/);
    expect(importUsers(withSecret, csv, "users.csv").text).toBe(withSecret);
  });

  it("names the call-per-line columns in their errors", () => {
    const lines = errorsOf(() => importUsers(guide, "USER ID,MAXIMUM NUMBER OF CALLS 1,BUSY TRIGGER 1\nbjones,two,1\nasmith,2,3\n", "users.csv"));
    expect(lines.some((l) => l.startsWith("users.csv row 2, MAXIMUM NUMBER OF CALLS 1: Invalid input: expected number"))).toBe(true);
    expect(lines).toContain("users.csv row 3, BUSY TRIGGER 1: must not exceed maxNumCalls");
  });
});
