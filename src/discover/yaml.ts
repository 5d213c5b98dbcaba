/**
 * The stack file discover writes: the config (no secret in it), and comments that say where it came
 * from, the exact commands that set its secrets, and what was left out and why.
 */
import { Document, isMap, isScalar } from "yaml";
import type { Difference } from "./verify";
import type { Misfit } from "./toConfig";

export interface StackFileMeta {
  stack: string;
  /** What --from named, as typed. */
  from: string;
  readAt: string;
  cucmVersion?: string;
  cupVersion?: string;
  secrets: readonly string[];
  leftOut: readonly Misfit[];
  changes: readonly Misfit[];
  unread: readonly { system: string; what: string; message: string }[];
}

const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/** The commands that set each secret. */
export function secretCommands(stack: string, secrets: readonly string[]): string[] {
  return secrets.map((p) => `npx pulumi config set --stack ${stack} --secret --path ${quote(p)} '…'`);
}

export function stackYaml(config: Record<string, unknown>, meta: StackFileMeta): string {
  const header = [
    ` Discovered by \`rcclab discover --stack ${meta.stack} --from ${meta.from}\` at ${meta.readAt}`,
    ` from the live lab${meta.cucmVersion ? ` (CUCM ${meta.cucmVersion}` : ""}${meta.cupVersion ? `, CUP ${meta.cupVersion})` : meta.cucmVersion ? ")" : ""}. It declares exactly the objects that fit`,
    " the guide's shape, as they are: after `rcclab adopt --stack " + meta.stack + "`, `rcclab up` changes nothing.",
    "",
    " Set the secrets first (they are never written by discover; `rcclab validate` names any missing):",
    ...secretCommands(meta.stack, meta.secrets).map((c) => `   ${c}`),
    " rcclab:cti.password is the CTI application user's password (B3), which CUCM never returns.",
    " The AD users existed before this stack: directory.users is adopt (rcclab sets only their RCC",
    " attributes and never deletes them).",
  ];
  if (meta.leftOut.length) {
    header.push("", ` Left out (${meta.leftOut.length}): they do not fit the guide's shape, so this stack does not manage them:`);
    for (const m of meta.leftOut) header.push(`   ${m.system}: ${m.object}: ${m.why}`);
  }
  if (meta.changes.length) {
    header.push("", ` Differences (${meta.changes.length}): \`up\` would change these on the live lab:`);
    for (const m of meta.changes) header.push(`   ${m.system}: ${m.object}: ${m.why}`);
  }
  if (meta.unread.length) {
    header.push("", ` Not read (${meta.unread.length}):`);
    for (const u of meta.unread) header.push(`   ${u.system}: ${u.what}: ${u.message}`);
  }
  const doc = new Document({ config });
  doc.commentBefore = header.join("\n");
  const cfg = doc.get("config");
  if (isMap(cfg)) {
    const dir = cfg.get("rcclab:directory");
    if (isMap(dir)) {
      const users = dir.get("users", true);
      if (isScalar(users)) users.comment = " the users exist: rcclab sets only their RCC settings";
    }
  }
  return doc.toString({ lineWidth: 0 });
}

/** A difference as a Misfit line. */
export const differenceMisfit = (d: Difference, describe: (d: Difference) => string): Misfit => ({
  system: (d.type.split(":")[1] ?? "cucm") as Misfit["system"],
  object: d.origin ? `${d.resource} (${d.origin.replace(/^rcclab:/, "")})` : d.resource,
  why: describe(d),
});
