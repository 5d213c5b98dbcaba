/**
 * What `up` would refuse, found without calling any system: the program runs under Pulumi's mocks
 * (no engine, no provider host, no network), and every resource it declares has its inputs checked
 * by its own kind's `check` — the very rules the provider applies in Pulumi's Check before a create.
 * So a value the stack schema lets through but a kind refuses (a usersDn that is not a DN, a host
 * key that is not a SHA-256 fingerprint) stops `validate`, and `up` before its first call.
 *
 * Each failure is named by the YAML path it comes from when the component recorded one
 * (src/components/origin.ts), or by the connection's config section, and always by the resource
 * and field it would have failed on.
 */
import * as pulumi from "@pulumi/pulumi";
import { registeredKind } from "../../providers/core/provider";
import type { ConfigError } from "../config";
import { readableType } from "./local";

// waitForRPCs is not in the SDK's typings (as in ./local.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require("@pulumi/pulumi/runtime/rpc") as { specialSigKey: string; specialSecretSig: string };

/** Mock inputs keep secrets in their wire form ({ <sig>: <secret sig>, value }): the plain values. */
function revealSecrets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(revealSecrets);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o[rpc.specialSigKey] === rpc.specialSecretSig) return revealSecrets(o.value);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, revealSecrets(x)]));
  }
  return v;
}

export interface PlannedResource {
  /** The resource's name in the program, e.g. "phone-SEP001E4AAABB01". */
  name: string;
  /** Readable type, "rcclab:cucm:Phone". */
  type: string;
  /** Its inputs as the provider would receive them (secrets revealed; never printed). */
  inputs: Record<string, unknown>;
}

interface KindCheck {
  check(olds: Record<string, unknown>, news: Record<string, unknown>): { failures: { property: string; reason: string }[] };
}

/** Where a system's connection comes from in the stack config. */
const CONNECTION_SECTION: Record<string, string> = { cucm: "cucm", cup: "cup", ad: "directory", dns: "dns", ocs: "ocs.ssh" };


/** Run the program under mocks and list every custom resource it declares, with its inputs. */
export async function planProgram(
  program: () => Promise<unknown>,
  config: Record<string, unknown>,
  secretKeys: readonly string[] = [],
  names: { project: string; stack: string } = { project: "rcclab", stack: "check" },
): Promise<PlannedResource[]> {
  const resources: PlannedResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        if (args.type.startsWith("pulumi-nodejs:dynamic")) {
          const { __provider: _p, ...inputs } = revealSecrets(args.inputs) as Record<string, unknown>;
          resources.push({ name: args.name, type: readableType(args.type), inputs });
        }
        // The outputs a later resource reads (B3's userid and password for C4) are its inputs.
        return { id: `${args.name}-checked`, state: args.inputs };
      },
      call: () => ({}),
    },
    names.project,
    names.stack,
    false,
  );
  const strings: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) strings[k] = typeof v === "string" ? v : JSON.stringify(v);
  pulumi.runtime.setAllConfig(strings, [...secretKeys]);
  let failure: unknown;
  const onUnhandled = (e: unknown) => void (failure ??= e);
  process.on("unhandledRejection", onUnhandled);
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      try {
        return (await program()) ?? undefined;
      } catch (e) {
        failure ??= e;
        return undefined;
      }
    });
    await settings.waitForRPCs();
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
  if (failure !== undefined) throw failure;
  return resources;
}

/** Every input a kind would refuse, as config errors (YAML path first, then resource and field). */
export function checkPlanned(resources: readonly PlannedResource[], origins: ReadonlyMap<string, string> = new Map()): ConfigError[] {
  const errors: ConfigError[] = [];
  for (const r of resources) {
    // Registered by the modules the program loaded (providers/core/provider.ts).
    const kind = registeredKind<KindCheck>(r.type);
    if (!kind) {
      errors.push({ path: `${r.name}`, message: `no kind ${r.type} is registered (a program error)` });
      continue;
    }
    for (const f of kind.check({}, r.inputs).failures) {
      const system = r.type.split(":")[1] ?? "";
      const conn = /^connection\.(.+)$/.exec(f.property);
      const path = conn ? `rcclab:${CONNECTION_SECTION[system] ?? system}.${conn[1]}` : (origins.get(r.name) ?? `rcclab (resource ${r.name})`);
      errors.push({ path, message: `${f.reason} (${r.type} ${r.name}: ${f.property})` });
    }
  }
  const seen = new Set<string>();
  return errors.filter((e) => !seen.has(`${e.path}|${e.message}`) && seen.add(`${e.path}|${e.message}`));
}
