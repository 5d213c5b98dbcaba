/**
 * The round trip, checked before the stack is written: the program (src/program.ts) runs on the
 * discovered config under Pulumi's mocks (src/engine/programCheck.ts), and every resource it declares
 * is read from the live lab by its own kind, with the declared inputs as what the state would hold —
 * exactly what a refresh after `adopt` does — and diffed as `up` diffs. Whatever differs is a
 * change `up` would make: discover reports it (a field rcclab derives, such as a phone's
 * description), or leaves out the user or list item it comes from when `up` would replace an object.
 * Reads only (CUP is read without its CLI, so no pending service restart is run from here).
 */
import type { KindRuntime } from "../../providers/core/kind";
import { registeredKind } from "../../providers/core/provider";
import { resourceOrigins } from "../components/origin";
import { planProgram } from "../engine/programCheck";
import { mapBounded, messageOf } from "../inventory/util";

export interface Difference {
  /** The program's resource name, e.g. "cucm-phone-SEP001E4AAABB01". */
  resource: string;
  type: string;
  id: string;
  /** The config path it comes from ("rcclab:users[2]"). */
  origin?: string;
  /** Not on the system: `up` would create it. */
  missing?: boolean;
  /** The fields `up` would change (secret values shown as [secret]). */
  fields: { field: string; live: unknown; declared: unknown }[];
  /** Some of those fields cannot change in place: `up` would delete the object and create it again. */
  replaces?: boolean;
  /** It could not be read or checked. */
  error?: string;
}

type Runtime = KindRuntime<any, any, any, any>;

/** Every difference between what `config` declares (secrets filled in) and the live lab. */
export async function verifyConfig(config: Record<string, unknown>, opts: { concurrency?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<Difference[]> {
  const { lab } = require("../program") as typeof import("../program");
  const planned = await planProgram(lab, config, []);
  const origins = resourceOrigins();
  let done = 0;
  const diffs = await mapBounded(planned, opts.concurrency ?? 8, async (r): Promise<Difference | undefined> => {
    const base = { resource: r.name, type: r.type, id: "", ...(origins.get(r.name) ? { origin: origins.get(r.name)! } : {}), fields: [] };
    try {
      const runtime = registeredKind<Runtime>(r.type);
      if (!runtime) throw new Error(`no kind ${r.type} is registered`);
      const { inputs, failures } = runtime.check({}, r.inputs);
      if (failures.length) throw new Error(failures.map((f) => `${f.property}: ${f.reason}`).join("; "));
      const id = runtime.keyOf(inputs) ?? "";
      base.id = id;
      let connection = inputs.connection as Record<string, unknown>;
      if (r.type.startsWith("rcclab:cup:")) {
        const { cli: _cli, ...rest } = connection;
        connection = rest;
      }
      const got = await runtime.read(id, { ...inputs, connection });
      const props = got.props as Record<string, unknown> | undefined;
      if (!props || !Object.keys(props).length) return { ...base, missing: true };
      const changed = runtime.changedFields(props, inputs);
      if (!changed.length) return undefined;
      const secrets = new Set<string>(runtime.spec.secrets ?? []);
      const replaceOn = new Set<string>(runtime.spec.replaceOn ?? []);
      return {
        ...base,
        ...(changed.some((f) => replaceOn.has(f)) ? { replaces: true } : {}),
        fields: changed.map((f) => ({ field: f, live: secrets.has(f) ? "[secret]" : props[f], declared: secrets.has(f) ? "[secret]" : inputs[f] })),
      };
    } catch (e) {
      return { ...base, error: messageOf(e) };
    } finally {
      opts.onProgress?.(++done, planned.length);
    }
  });
  return diffs.filter((d): d is Difference => d !== undefined);
}

/** One line for a difference: "cucm-phone-SEP… description: "live" → "declared"". */
export function describeDifference(d: Difference): string {
  if (d.error) return `${d.type} ${d.id || d.resource}: ${d.error}`;
  if (d.missing) return `${d.type} ${d.id}: not on the system (up would create it)`;
  const show = (v: unknown) => (v === undefined ? "(none)" : JSON.stringify(v));
  return `${d.type} ${d.id}: ${d.fields.map((f) => `${f.field} ${show(f.live)} → ${show(f.declared)}`).join("; ")}`;
}
