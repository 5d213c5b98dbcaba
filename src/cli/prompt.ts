/**
 * Asking before a change that deletes: only on a terminal (stdin and stdout both TTYs), the question on
 * stderr (stdout keeps the result), answered on stdin. Only "y" or "yes" proceeds; anything else,
 * end of input or Ctrl-C is a no.
 */
import * as readline from "node:readline";

/** Whether a person can be asked: stdin and stdout are terminals. */
export const interactive = (): boolean => Boolean(process.stdin.isTTY && process.stdout.isTTY);

/** Ask `question [y/N] `; true only for y / yes. */
export function confirm(question: string): Promise<boolean> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    let answered = false;
    const done = (yes: boolean) => {
      if (answered) return;
      answered = true;
      rl.close();
      process.stdin.pause();
      resolve(yes);
    };
    rl.on("SIGINT", () => {
      process.stderr.write("\n");
      done(false);
    });
    rl.on("close", () => done(false));
    rl.question(`${question} [y/N] `, (a) => done(/^\s*(y|yes)\s*$/i.test(a)));
  });
}
