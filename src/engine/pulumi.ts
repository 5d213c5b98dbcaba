/**
 * The Pulumi engine: rcclab's program run by the Pulumi CLI through the Automation API (the CLI must
 * be installed). The commands (src/commands.ts) choose between it and the local engine.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../../providers/core/provider";
import type { CommandOptions, UpResult } from "../commands";

const noSteps = { steps: [], summary: { create: 0, update: 0, replace: 0, delete: 0, same: 0 }, secretOutputs: [] };

/** What the commands give the Pulumi engine: the stack's checks, run before Pulumi starts. */
export interface PulumiRun {
  op: "up" | "preview" | "destroy" | "drift";
  passphrase: string | undefined;
  checkedStack(opts: CommandOptions): Promise<{ config: Record<string, any> }>;
  preflight(config: Record<string, unknown>, print: (l: string) => void): Promise<void>;
}

/**
 * The Pulumi engine, through the Automation API (the Pulumi CLI must be installed). A local file
 * backend under .rcclab/pulumi unless PULUMI_BACKEND_URL says otherwise.
 */
export async function pulumiCli(opts: CommandOptions, { op, passphrase, checkedStack, preflight }: PulumiRun): Promise<UpResult> {
  const print = opts.print ?? (() => {});
  const auto = (require("@pulumi/pulumi") as typeof import("@pulumi/pulumi")).automation;
  const root = projectRoot();
  const backend = process.env.PULUMI_BACKEND_URL ?? `file://${path.join(root, ".rcclab", "pulumi")}`;
  if (backend.startsWith("file://")) fs.mkdirSync(backend.slice("file://".length), { recursive: true });
  const ws = {
    workDir: root,
    envVars: <Record<string, string>>{ PULUMI_BACKEND_URL: backend, ...(passphrase !== undefined ? { PULUMI_CONFIG_PASSPHRASE: passphrase } : {}) },
  };
  const checked = await checkedStack(opts);
  if (op !== "destroy") await preflight(checked.config, print);
  if (opts.stacksDir) ws.envVars.RCCLAB_STACKS_DIR = path.resolve(opts.stacksDir);
  const stack = await auto.LocalWorkspace.createOrSelectStack({ stackName: opts.stack, workDir: root }, ws);
  const onOutput = (s: string) => print(s.replace(/\n$/, ""));
  switch (op) {
    case "up": {
      const r = await stack.up({ onOutput, refresh: true });
      const outputs = Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, (v as { value: unknown }).value]));
      return { changed: Object.keys(r.summary.resourceChanges ?? {}).some((k) => k !== "same"), outputs, ...noSteps };
    }
    case "preview": {
      const r = await stack.preview({ onOutput });
      return { changed: Object.keys(r.changeSummary).some((k) => k !== "same"), outputs: {}, ...noSteps };
    }
    case "destroy":
      await stack.destroy({ onOutput });
      return { changed: true, outputs: {}, ...noSteps };
    case "drift": {
      // A refresh preview shows what differs between the live objects and the state.
      const r = await stack.refresh({ onOutput, previewOnly: true } as Parameters<typeof stack.refresh>[0]);
      const changes = (r.summary.resourceChanges ?? {}) as Record<string, number>;
      const drifted = Object.entries(changes).some(([k, n]) => k !== "same" && n > 0);
      return { changed: drifted, outputs: { drifted, checked: Object.values(changes).reduce((a, n) => a + n, 0), resources: [] }, ...noSteps };
    }
  }
}
