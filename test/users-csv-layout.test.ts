/**
 * users import keeps the stack file's layout: a changed entry keeps its style (flow line or block),
 * unchanged entries and the rest of the file stay byte for byte, new entries follow the existing
 * entries' style. Both layouts of the repository's stacks: flow (guide) and block (local).
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { importUsers, stackUsers, usersToCsv } from "../src/usersCsv";

const stack = (name: string) => fs.readFileSync(path.join(__dirname, "..", "stacks", `Pulumi.${name}.yaml`), "utf8");
const guide = stack("guide");
const local = stack("local");
const users = (text: string) => parseYaml(text).config["rcclab:users"];

const HEAD = "USER ID,FIRST NAME,LAST NAME,DIRECTORY NUMBER,MAC ADDRESS,DEVICE TYPE,DEVICE PROTOCOL,POOL,MAXIMUM NUMBER OF CALLS 1,BUSY TRIGGER 1,ACCESS CONTROL GROUP 1,ACCESS CONTROL GROUP 2";
// bjones: first name, MAC, call-per-line limit and groups change; zz and yy are new.
const CSV = [
  HEAD,
  "bjones,Robert,,,00:1E:4A:AA:BB:22,,,,3,2,Standard CCM End Users,Standard CTI Enabled",
  "zz,Zed,Zulu,+14085551099,00:1E:4A:AA:BB:99,Cisco 7970,SIP,pool2,,,,",
  "yy,Yan,Yu,+14085551098,00:1E:4A:AA:BB:98,Cisco 7975,SIP,pool1,2,1,Standard CTI Enabled,",
].join("\n");

const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle));

describe("users import keeps the file's layout", () => {
  it("flow-style entries (guide): one changed line, in place; new entries are flow lines after the last; every other byte the same", () => {
    const r = importUsers(guide, CSV, "users.csv");
    expect(r).toMatchObject({ added: 2, updated: 1, layoutKept: true });
    const before = guide.split("\n");
    const after = r.text.split("\n");
    const b = lineOf(guide, "userid: bjones");
    const last = lineOf(guide, "userid: eng");
    // The changed entry: its own line, only its values changed (alignment padding kept), new keys at the end.
    expect(after[b]).toBe(
      '    - { userid: bjones, firstName: Robert,   lastName: Jones, e164: "+14085551002", pool: pool1, phone: { model: "7971", protocol: SIP,  mac: "00:1E:4A:AA:BB:22" }, callsPerLine: { maxNumCalls: 3, busyTrigger: 2 }, userGroups: [ Standard CCM End Users, Standard CTI Enabled ] }',
    );
    // Everything else: the same lines, with the two new flow lines after the last entry.
    expect(after.slice(0, b)).toEqual(before.slice(0, b));
    expect(after.slice(b + 1, last + 1)).toEqual(before.slice(b + 1, last + 1));
    expect(after.slice(last + 3)).toEqual(before.slice(last + 1));
    expect(after[last + 1]).toBe('    - { userid: zz, firstName: Zed, lastName: Zulu, e164: "+14085551099", pool: pool2, phone: { model: "7970", protocol: SIP, mac: "00:1E:4A:AA:BB:99" } }');
    expect(after[last + 2]).toBe(
      '    - { userid: yy, firstName: Yan, lastName: Yu, e164: "+14085551098", pool: pool1, phone: { model: "7975", protocol: SIP, mac: "00:1E:4A:AA:BB:98" }, callsPerLine: { maxNumCalls: 2, busyTrigger: 1 }, userGroups: [ Standard CTI Enabled ] }',
    );
    expect(users(r.text)[1]).toMatchObject({ firstName: "Robert", callsPerLine: { maxNumCalls: 3, busyTrigger: 2 }, userGroups: ["Standard CCM End Users", "Standard CTI Enabled"] });
  });

  it("block-style entries (local): the changed entry stays block, others and the rest byte-identical, new entries block", () => {
    const r = importUsers(local, CSV, "users.csv");
    expect(r).toMatchObject({ added: 2, updated: 1, layoutKept: true });
    const start = local.indexOf("    - userid: bjones");
    const next = local.indexOf("    - userid: cwu");
    const tailAt = local.indexOf("  rcclab:meetMe:");
    // Before the changed entry, and from the next entry to the end of the list: byte for byte.
    expect(r.text.slice(0, start)).toBe(local.slice(0, start));
    const next2 = r.text.indexOf("    - userid: cwu");
    expect(r.text.slice(next2, next2 + (tailAt - next))).toBe(local.slice(next, tailAt));
    expect(r.text.endsWith(local.slice(tailAt))).toBe(true);
    expect(r.text.slice(start, next2)).toBe(
      [
        "    - userid: bjones",
        "      firstName: Robert",
        "      lastName: Jones",
        '      e164: "+14085551002"',
        "      pool: pool1",
        "      phone:",
        '        model: "7971"',
        "        protocol: SIP",
        "        mac: 00:1E:4A:AA:BB:22",
        "      extensionMobility: false",
        "      callsPerLine:",
        "        maxNumCalls: 3",
        "        busyTrigger: 2",
        "      userGroups:",
        "        - Standard CCM End Users",
        "        - Standard CTI Enabled",
        "",
      ].join("\n"),
    );
    const added = r.text.slice(next2 + (tailAt - next), r.text.length - (local.length - tailAt));
    expect(added).toBe(
      [
        "    - userid: zz",
        "      firstName: Zed",
        "      lastName: Zulu",
        '      e164: "+14085551099"',
        "      pool: pool2",
        "      phone:",
        '        model: "7970"',
        "        protocol: SIP",
        "        mac: 00:1E:4A:AA:BB:99",
        "    - userid: yy",
        "      firstName: Yan",
        "      lastName: Yu",
        '      e164: "+14085551098"',
        "      pool: pool1",
        "      phone:",
        '        model: "7975"',
        "        protocol: SIP",
        "        mac: 00:1E:4A:AA:BB:98",
        "      callsPerLine:",
        "        maxNumCalls: 2",
        "        busyTrigger: 1",
        "      userGroups:",
        "        - Standard CTI Enabled",
        "",
      ].join("\n"),
    );
    // The encrypted secrets and the encryption salt are untouched.
    for (const s of local.match(/secure: \S+/g)!) expect(r.text).toContain(s);
  });

  it("a row that changes nothing leaves the file as it was; an export imported into its own stack is no change", () => {
    for (const text of [guide, local]) {
      const r = importUsers(text, usersToCsv(stackUsers(text)), "users.csv");
      expect(r).toMatchObject({ added: 0, updated: 0, unchanged: 5 });
      expect(r.text).toBe(text);
    }
  });

  it("changes an existing value in a nested flow map, an existing group list in its own style", () => {
    const text = guide.replace('mac: "00:1E:4A:AA:BB:03" } }', 'mac: "00:1E:4A:AA:BB:03" }, userGroups: [Standard CTI Enabled] }');
    const r = importUsers(text, "USER ID,DEVICE TYPE,USER GROUP 1,USER GROUP 2\ncwu,Cisco 7931,Standard CTI Enabled,Standard CCM End Users\n", "users.csv");
    const line = r.text.split("\n")[lineOf(text, "userid: cwu")];
    expect(line).toBe('    - { userid: cwu,    firstName: Carol, lastName: Wu,    e164: "+14085551003", pool: pool2, phone: { model: "7931", protocol: SCCP, mac: "00:1E:4A:AA:BB:03" }, userGroups: [ Standard CTI Enabled, Standard CCM End Users ] }');
    expect(r.text.replace(line!, "")).toBe(text.replace(text.split("\n")[lineOf(text, "userid: cwu")]!, ""));
  });

  it("a stack with no users yet: the list is added after the last setting, the rest unchanged", () => {
    const text = guide.slice(0, guide.indexOf("  rcclab:users:")) + guide.slice(guide.indexOf("  rcclab:meetMe:"));
    const r = importUsers(text, CSV.split("\n").filter((l) => !l.startsWith("bjones")).join("\n"), "users.csv");
    expect(r).toMatchObject({ added: 2, layoutKept: true });
    expect(r.text.startsWith(text)).toBe(true);
    expect(r.text.slice(text.length)).toMatch(/^  rcclab:users:\n    - userid: zz\n      firstName: Zed\n/);
    expect(users(r.text).map((u: { userid: string }) => u.userid)).toEqual(["zz", "yy"]);
  });

  it("block entries with other indentation (keys 4 after the dash, nested maps 4 deeper): new entries indented the same", () => {
    const a = local.indexOf("  rcclab:users:\n");
    const b = local.indexOf("  rcclab:meetMe:");
    const section = local
      .slice(a, b)
      .split("\n")
      .map((l) => (l.startsWith("    - ") ? `    -   ${l.slice(6)}` : /^ {8}\S/.test(l) ? `            ${l.slice(8)}` : /^ {6}\S/.test(l) ? `        ${l.slice(6)}` : l))
      .join("\n");
    const text = local.slice(0, a) + section + local.slice(b);
    const r = importUsers(text, [HEAD, "bjones,,,,00:1E:4A:AA:BB:22,,,,,,,", "zz,Zed,Zulu,+14085551099,00:1E:4A:AA:BB:99,Cisco 7970,SIP,pool2,1,1,,"].join("\n"), "users.csv");
    expect(r).toMatchObject({ added: 1, updated: 1, layoutKept: true });
    expect(r.text.replace("mac: 00:1E:4A:AA:BB:22", "mac: 00:1E:4A:AA:BB:02").replace(/    - {3}userid: zz[\s\S]*?(?=  rcclab:meetMe:)/, "")).toBe(text);
    expect(r.text).toContain(
      ["    -   userid: zz", "        firstName: Zed", "        lastName: Zulu", '        e164: "+14085551099"', "        pool: pool2", "        phone:", '            model: "7970"', "            protocol: SIP", "            mac: 00:1E:4A:AA:BB:99", "        callsPerLine:", "            maxNumCalls: 1", "            busyTrigger: 1", ""].join("\n"),
    );
  });

  it("a layout it cannot edit in place (the whole list in flow style) falls back to a rewrite that keeps the comments, and says so", () => {
    const a = guide.indexOf("  rcclab:users:");
    const b = guide.indexOf("  rcclab:meetMe:");
    const text = `${guide.slice(0, a)}  rcclab:users: [ { userid: asmith, firstName: Alice, lastName: Smith, e164: "+14085551001", pool: pool1, phone: { model: "7975", protocol: SCCP, mac: "00:1E:4A:AA:BB:01" } } ]   # one user\n${guide.slice(b)}`;
    const r = importUsers(text, [HEAD, "asmith,Alicia,,,,,,,,,,", "zz,Zed,Zulu,+14085551099,00:1E:4A:AA:BB:99,Cisco 7970,SIP,pool2,,,,"].join("\n"), "users.csv");
    expect(r).toMatchObject({ added: 1, updated: 1, layoutKept: false });
    expect(r.warnings).toContain("the stack file's layout could not be kept in place; it was rewritten with its comments kept");
    expect(r.text).toContain("# one user");
    expect(r.text).toContain("# B9: application dial rules");
    expect(users(r.text).map((u: { firstName: string }) => u.firstName)).toEqual(["Alicia", "Zed"]);
  });

  it("a file with CRLF line ends keeps them, new lines included", () => {
    const text = local.replace(/\n/g, "\r\n");
    const r = importUsers(text, CSV, "users.csv");
    expect(r).toMatchObject({ added: 2, updated: 1, layoutKept: true });
    expect(r.text.replace(/\r\n/g, "")).not.toContain("\n");
    expect(r.text.replace(/\r\n/g, "\n")).toBe(importUsers(local, CSV, "users.csv").text);
  });
});
