/**
 * `rcclab discover --stack NEW --from STACK|FILE` (docs/discover.md): reads the live lab and writes
 * stacks/Pulumi.NEW.yaml (src/discover). Progress on stderr (a status line on a terminal), the
 * summary as the result, what was left out as info lines, `--json` as one document.
 */
import { discover as run } from "../discover";
import { secretCommands } from "../discover/yaml";
import type { Io } from "./io";
import { printJson } from "./json";

const CLEAR = "\r\x1b[2K";

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

export async function discover(io: Io): Promise<number> {
  const f = io.flags;
  const from = f.from!;
  const tty = process.stderr.isTTY && !f.quiet;
  let status = "";
  const clear = () => {
    if (status) process.stderr.write(CLEAR);
    status = "";
  };
  const note = (line: string) => {
    clear();
    if (!f.quiet) process.stderr.write(`${line}\n`);
  };
  let result;
  try {
    result = await run({
      from,
      stack: f.stack,
      ...(f.stacksDir ? { stacksDir: f.stacksDir } : {}),
      print: note,
      warn: (l) => {
        clear();
        io.warn(l);
      },
      ...(tty
        ? {
            onProgress: (p) => {
              const count = p.total ? ` ${p.done}/${p.total}` : "";
              status = p.system === "verify" ? `checking the round trip: ${p.what}${count}` : `reading ${p.system}: ${p.what}${count}`;
              process.stderr.write(`${CLEAR}${status}`);
            },
          }
        : {}),
    });
  } finally {
    clear();
  }
  const file = result.file;
  const c = result.counts;
  io.result(
    `${file}: ${plural(c.users, "user")}, ${plural(c.pools, "OCS pool")}, ${plural(c.meetMe, "Meet-Me number")}, ${plural(c.dialRules, "dial rule")}; ${plural(result.leftOut.length, "object")} left out, ${plural(result.changes.length, "difference")} up would change`,
  );
  for (const m of result.leftOut) io.info(`  left out ${m.system}: ${m.object}: ${m.why}`);
  for (const m of result.changes) io.info(`  differs ${m.system}: ${m.object}: ${m.why}`);
  io.info("set its secrets:");
  for (const cmd of secretCommands(result.stack, result.secrets)) io.info(`  ${cmd}`);
  if (f.json) {
    printJson({
      ok: true,
      stack: result.stack,
      file,
      from: result.from,
      counts: c,
      leftOut: result.leftOut,
      changes: result.changes,
      unread: result.unread,
      secrets: result.secrets,
      config: result.config,
    });
  }
  return 0;
}
