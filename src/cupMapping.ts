/**
 * The lab's CUP mapping override: the file `rcclab:cup.mapping` names, in the stacks folder, read and
 * checked against rcclab's mapping (providers/cup/mapping.yaml). Errors carry the stack setting and
 * the path inside the file, like the stack's own.
 */
import * as path from "node:path";
import { type MappingOverride, readMappingOverride } from "../providers/cup/catalog";
import type { ConfigError } from "./config";

/**
 * The folder a stack's files are in: what the rcclab CLI uses (it passes it on in RCCLAB_STACKS_DIR),
 * else the program's working directory (a Pulumi program keeps Pulumi.<stack>.yaml there).
 */
export const stacksFolder = (): string => process.env.RCCLAB_STACKS_DIR ?? process.cwd();

/** The override a stack names (undefined when it names none), or its problems by path. */
export function loadCupMapping(file: string | undefined, dir = stacksFolder()): { override?: MappingOverride; errors: ConfigError[] } {
  if (!file) return { errors: [] };
  const full = path.join(dir, file);
  const r = readMappingOverride(full);
  const errors = r.errors.map((e) => ({ path: `rcclab:cup.mapping → ${file}${e.path ? `: ${e.path}` : ""}`, message: e.message }));
  return { ...(r.override ? { override: r.override } : {}), errors };
}
