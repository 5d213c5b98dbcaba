/**
 * Where each kind of line goes, by the flags:
 * - result: what the command answers (the plan, the counts): stdout; stderr under --json (stdout
 *   holds only the JSON document);
 * - info: what happens on the way (each step, notices): like result, but not under --quiet;
 * - detail: only under --verbose, on stderr;
 * - warn / error: always on stderr, --quiet or not (a provider's `warning:` lines reach stderr too).
 * And the CommandOptions the commands get from them: their `print` goes to info, except `warning:`
 * lines, which go to warn.
 */
import type { CommandOptions } from "../commands";
import type { Flags } from "./args";

export interface Io {
  flags: Flags;
  result(line: string): void;
  info(line: string): void;
  detail(line: string): void;
  warn(line: string): void;
}

const toOut = (l: string) => void process.stdout.write(`${l}\n`);
const toErr = (l: string) => void process.stderr.write(`${l}\n`);

export function makeIo(flags: Flags): Io {
  const result = flags.json ? toErr : toOut;
  return {
    flags,
    result,
    info: flags.quiet ? () => {} : result,
    detail: flags.verbose ? toErr : () => {},
    warn: toErr,
  };
}

/** The commands' `print`: progress lines to info, warnings to warn. */
export const printer = (io: Io) => (line: string) => (/^warning:/i.test(line) ? io.warn(line) : io.info(line));

/** CommandOptions from the flags (the engine already chosen, when the command needs one). */
export function commandOptions(io: Io, extra: Partial<CommandOptions> = {}): CommandOptions {
  const f = io.flags;
  return {
    stack: f.stack,
    ...(f.engine ? { engine: f.engine } : {}),
    ...(f.stacksDir ? { stacksDir: f.stacksDir } : {}),
    ...(f.stateDir ? { stateDir: f.stateDir } : {}),
    ...(f.backend ? { backend: f.backend } : {}),
    ...(f.parallel ? { parallel: f.parallel } : {}),
    ...(f.deleteAdopted ? { deleteAdopted: true } : {}),
    ...(f.owned ? { owned: true } : {}),
    print: printer(io),
    // The Pulumi CLI's own text: the plan and steps are rcclab's; Pulumi's copy only with --verbose.
    engineOutput: (line) => (/^warning:|error:/i.test(line) ? io.warn(line) : io.detail(line)),
    ...extra,
  };
}
