/**
 * `rcclab outputs`: the stack's outputs as the local engine stored them after the last `up`, turned
 * into the files the lab's clients need:
 * - `communicatorSettings` (A4, see src/derive.ts): each user's `<userid>.reg`, written UTF-16LE with a
 *   byte-order mark as regedit writes "Windows Registry Editor Version 5.00" files;
 * - `normalizationRules` (A2, see src/components/normalization.ts), when present: its file
 *   (Company_Phone_Number_Normalization_Rules.txt) as it is, with where it goes.
 * Outputs that are or hold a secret are never returned or written (the state keeps them sealed, so
 * they can be told apart).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type CommandOptions, CommandError, stackOutputs } from "./commands";

export interface StackOutputs {
  /** The stack's outputs that hold no secret, in clear. */
  outputs: Record<string, unknown>;
  /** Names of the outputs left out because they are or hold a secret. */
  secret: string[];
}

export interface WrittenFile {
  path: string;
  kind: "communicator" | "normalizationRules";
  userid?: string;
  /** Where the file goes (normalization rules). */
  where?: string;
}

/** The non-secret outputs of the stack's local state (its passphrase as the commands find it). */
export function readStackOutputs(opts: CommandOptions): StackOutputs {
  const r = stackOutputs(opts);
  return { outputs: r.outputs, secret: r.secretOutputs };
}

interface CommunicatorSetting {
  userid: string;
  registry: string;
}

const isSettings = (v: unknown): v is CommunicatorSetting[] =>
  Array.isArray(v) && v.every((s) => typeof s === "object" && s !== null && typeof s.userid === "string" && typeof s.registry === "string");

/** A user id or file name that stays inside the folder. */
function safeName(name: string, what: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.@-]*$/.test(name) || name.includes("..")) throw new CommandError(`${what} ${JSON.stringify(name)} cannot be a file name`);
  return name;
}

/** Write the client files of the outputs into `dir` (created if needed). */
export function writeClientFiles(outputs: Record<string, unknown>, dir: string): WrittenFile[] {
  const settings = outputs.communicatorSettings;
  if (settings === undefined) throw new CommandError("the stack has no communicatorSettings output: run rcclab up first");
  if (!isSettings(settings)) throw new CommandError("the communicatorSettings output is not a list of { userid, registry }");
  fs.mkdirSync(dir, { recursive: true });
  const written: WrittenFile[] = [];
  for (const s of settings) {
    const file = path.join(dir, `${safeName(s.userid, "userid")}.reg`);
    // regedit's own format for version 5.00 files: UTF-16LE with a byte-order mark.
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s.registry, "utf16le")]));
    written.push({ path: file, kind: "communicator", userid: s.userid });
  }
  const rules = outputs.normalizationRules as { fileName?: unknown; content?: unknown; where?: unknown } | undefined;
  if (rules && typeof rules.fileName === "string" && typeof rules.content === "string") {
    const file = path.join(dir, safeName(rules.fileName, "normalization rules file"));
    fs.writeFileSync(file, rules.content);
    written.push({ path: file, kind: "normalizationRules", ...(typeof rules.where === "string" ? { where: rules.where } : {}) });
  }
  return written;
}
