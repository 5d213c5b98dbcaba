/**
 * The embedded lab: every simulator rcclab has, on loopback, with one lab CA written to disk and
 * state kept in a folder so the lab survives a restart. stacks/Pulumi.local.yaml points at it
 * (fixed ports, the CA file) with TLS verification on.
 *
 * Today it runs the CUCM simulator (AXL 7.0, the guide's release); the CUP, DNS, directory and
 * OCS simulators join it as their issues land.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../../providers/core/provider";
import { ensureLabCa } from "./ca";
import { startCucmSim, type CucmSim } from "./cucm";
import { startCucmPlatform, type CucmPlatform } from "./cucm-platform";
import type { CucmSeed } from "./cucm/model/seed";

/** The lab's fixed endpoints and credentials (mirrored by stacks/Pulumi.local.yaml). */
export const LAB = {
  cucm: { port: 18443, username: "rcclab-axl", password: "Lab-Axl-Pa55", release: "7.0" as const },
  /** CUCM's platform CLI over SSH (admin: prompt). */
  cucmCli: { port: 18022, username: "admin", password: "Lab-Cli-Pa55" },
} as const;

/**
 * What the lab's CUCM holds before rcclab runs, beyond a fresh install: objects a real lab would
 * already have. rcclab must leave them alone (the end-to-end test checks they survive a destroy).
 */
export const LAB_SEED: CucmSeed = {
  endUsers: [
    { userid: "jdoe", firstName: "John", lastName: "Doe" },
    { userid: "reception", firstName: "Front", lastName: "Desk" },
  ],
  lines: [{ pattern: "\\+14085550100", description: "Reception (pre-existing)" }],
  phones: [
    {
      name: "SEP00AA00BB0001",
      product: "Cisco 7970",
      protocol: "SCCP",
      description: "Reception phone (pre-existing)",
      devicePoolName: "Default",
      lines: [{ index: 1, pattern: "\\+14085550100" }],
    },
  ],
  appUsers: [{ userid: "existing-app", password: "Existing-Pa55", associatedDevices: ["SEP00AA00BB0001"] }],
};

export interface LabOptions {
  /** State folder (default <project>/.lab). */
  dir?: string;
  /** 0 = ephemeral ports (tests); default the fixed ports of stacks/Pulumi.local.yaml. */
  cucmPort?: number;
  cucmSshPort?: number;
}

export interface Lab {
  dir: string;
  caFile: string;
  cucm: CucmSim;
  cucmPlatform: CucmPlatform;
  endpoints: Record<string, string>;
  stop(): Promise<void>;
}

export const defaultLabDir = (): string => path.join(projectRoot(), ".lab");

export async function startLab(opts: LabOptions = {}): Promise<Lab> {
  const dir = path.resolve(opts.dir ?? defaultLabDir());
  fs.mkdirSync(dir, { recursive: true });
  const ca = ensureLabCa(path.join(dir, "ca"));
  const caFile = path.join(dir, "ca", "ca.pem");
  const cucm = await startCucmSim({
    release: LAB.cucm.release,
    port: opts.cucmPort ?? LAB.cucm.port,
    users: { [LAB.cucm.username]: LAB.cucm.password },
    ca,
    serverNames: ["cucm.lab.example.com"],
    stateFile: path.join(dir, "cucm.json"),
    seed: LAB_SEED,
  });
  // Serviceability (Control Center) on the AXL port, and the platform CLI over SSH.
  const cucmPlatform = await startCucmPlatform({
    sim: cucm,
    sshPort: opts.cucmSshPort ?? LAB.cucmCli.port,
    cliUsers: { [LAB.cucmCli.username]: LAB.cucmCli.password },
    hostKeyFile: path.join(dir, "cucm-ssh-host-key.pem"),
    serverNames: ["127.0.0.1", "localhost"],
  });
  const endpoints = {
    "CA certificate": caFile,
    "CUCM AXL": `${cucm.url} (AXL ${cucm.release}, CUCM ${cucm.version ?? ""}, user ${LAB.cucm.username})`,
    "CUCM fingerprint": cucm.fingerprint256,
    "CUCM CLI (SSH)": `127.0.0.1:${cucmPlatform.ssh?.port} (user ${LAB.cucmCli.username}, admin: prompt)`,
  };
  fs.writeFileSync(path.join(dir, "endpoints.json"), JSON.stringify({ caFile, cucm: { url: cucm.url, port: cucm.port } }, null, 2));
  return {
    dir,
    caFile,
    cucm,
    cucmPlatform,
    endpoints,
    stop: async () => {
      await cucmPlatform.stop();
      await cucm.stop();
    },
  };
}
