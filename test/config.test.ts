/** The stack config: one schema for the lab, errors named by YAML path, all at once, no secret shown. */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig, requireConfig } from "../src/config";
import { communicatorSettings, cupAcl, lineServerUri, phoneName } from "../src/derive";
import { loadStackConfig } from "../src/engine/stackConfig";
import { LAB } from "../src/labsim/lab";

const stacks = path.resolve(__dirname, "../stacks");
const local = () => loadStackConfig(path.join(stacks, "Pulumi.local.yaml"), { passphrase: "rcclab-local" }).config;
const guideWithSecrets = () => {
  const c = loadStackConfig(path.join(stacks, "Pulumi.guide.yaml")).config as Record<string, any>;
  c["rcclab:cucm"].password = "G-cucm-1";
  c["rcclab:cup"].password = "G-cup-1";
  c["rcclab:cti"].password = "G-cti-1";
  c["rcclab:directory"].password = "G-dir-1";
  c["rcclab:directory"].initialPassword = "G-init-1";
  c["rcclab:ocs"].winrm.password = "G-winrm-1";
  c["rcclab:cup"].cli.password = "G-cli-1";
  return c;
};

describe("stack config", () => {
  it("the local stack points at the embedded lab and validates", () => {
    const cfg = requireConfig(local());
    expect(cfg.cucm).toMatchObject({ host: "127.0.0.1", port: LAB.cucm.port, username: LAB.cucm.username, password: LAB.cucm.password, release: "7.0" });
    expect(cfg.cucm.tls).toMatchObject({ caFile: ".lab/ca/ca.pem", insecureSkipVerify: false });
  });

  it("the guide stack is the guide's lab: CUCM 7.0, CUP 7.0, two pools, the five phones, E.164", () => {
    const cfg = requireConfig(guideWithSecrets());
    expect(cfg.cucm.release).toBe("7.0");
    expect(cfg.cup.release).toBe("7.0");
    expect(cfg.ocs.pools.map((p) => p.frontEnds.length)).toEqual([1, 1]);
    expect(cfg.users.map((u) => `${u.phone.model} ${u.phone.protocol}`)).toEqual(["7975 SCCP", "7971 SIP", "7931 SCCP", "7970 SCCP", "7970 SIP"]);
    expect(cfg.users.every((u) => /^\+\d+$/.test(u.e164))).toBe(true);
    expect(phoneName(cfg.users[0]!)).toBe("SEP001E4AAABB01");
    expect(lineServerUri(cfg, cfg.users[0]!)).toBe("sip:asmith@cup.lab.example.com");
    expect(cupAcl(cfg)).toEqual(["pool1.lab.example.com", "ocsfe1.lab.example.com", "pool2.lab.example.com", "ocsfe2.lab.example.com"]);
    const carol = communicatorSettings(cfg)[2]!;
    expect(carol).toMatchObject({ signInAddress: "cwu@lab.example.com", userName: "LAB\\cwu", advanced: { server: "pool2.lab.example.com", transport: "TCP" } });
    expect(carol.registry.split("\r\n")).toEqual(
      expect.arrayContaining([
        "Windows Registry Editor Version 5.00",
        "[HKEY_CURRENT_USER\\Software\\Microsoft\\Shared\\UcClient]",
        '"ServerSipUri"="sip:cwu@lab.example.com"',
        '"ServerAddressInternal"="pool2.lab.example.com"',
        '"Transport"="TCP"',
        '"ConfigurationMode"=dword:00000001',
      ]),
    );
  });

  it("a stack without its passwords names each missing secret", () => {
    const { errors } = parseConfig(loadStackConfig(path.join(stacks, "Pulumi.guide.yaml")).config);
    expect(errors.map((e) => e.path).sort()).toEqual([
      "rcclab:cti.password",
      "rcclab:cucm.password",
      "rcclab:cup.cli.password",
      "rcclab:cup.password",
      "rcclab:directory.initialPassword",
      "rcclab:directory.password",
      "rcclab:ocs.winrm.password",
    ]);
    expect(errors[0]!.message).toMatch(/^missing: set it with pulumi config set --secret --path .rcclab:/);
  });

  it("reports every error at once, each by its YAML path", () => {
    const c = guideWithSecrets();
    c["rcclab:users"][3].e164 = "4085551004";
    c["rcclab:users"][1].e164 = "+14085551001"; // same as users[0]
    c["rcclab:users"][2].phone.protocol = "SIP"; // a 7931 is SCCP only
    c["rcclab:users"][4].phone.mac = "00:1E:4A:AA:BB:01"; // same as users[0]
    c["rcclab:users"][4].pool = "pool9";
    c["rcclab:users"][0].lineUri = "tel:+14085550000";
    c["rcclab:cup"].acl = ["ocsfe1.lab.example.com"];
    c["rcclab:cucm"].hostt = "typo";
    c["rcclab:callsPerLine"].busyTrigger = 9;
    const { errors } = parseConfig(c);
    const byPath = Object.fromEntries(errors.map((e) => [e.path, e.message]));
    expect(byPath["rcclab:users[3].e164"]).toBe("must be E.164, e.g. +14085551001");
    expect(byPath["rcclab:users[1].e164"]).toBe("number is already used by users[0]");
    expect(byPath["rcclab:users[2].phone.protocol"]).toContain("7931 does not support SIP");
    expect(byPath["rcclab:users[4].phone.mac"]).toBe("MAC is already used by users[0]");
    expect(byPath["rcclab:users[4].pool"]).toContain("must name an OCS pool");
    expect(byPath["rcclab:users[0].lineUri"]).toBe("must equal the number on the user's CUCM line, tel:+14085551001");
    expect(byPath["rcclab:cup.acl"]).toContain("ocsfe2.lab.example.com");
    expect(byPath["rcclab:cucm"]).toContain("hostt");
    expect(byPath["rcclab:callsPerLine.busyTrigger"]).toBe("must not exceed maxNumCalls");
    expect(() => requireConfig(c)).toThrow(/rcclab:users\[3\]\.e164: must be E\.164/);
  });

  it("never shows a secret value in an error", () => {
    const c = guideWithSecrets();
    c["rcclab:cucm"].password = 12345678;
    c["rcclab:cti"].password = { nested: "Hunter2-secret" };
    const { errors } = parseConfig(c);
    expect(errors.map((e) => e.path).sort()).toEqual(["rcclab:cti.password", "rcclab:cucm.password"]);
    expect(JSON.stringify(errors)).not.toMatch(/12345678|Hunter2-secret/);
  });

  it("takes Pulumi's JSON-string form of structured config too", () => {
    const c = Object.fromEntries(Object.entries(local()).map(([k, v]) => [k, typeof v === "object" ? JSON.stringify(v) : v]));
    expect(parseConfig(c).errors).toEqual([]);
  });
});
