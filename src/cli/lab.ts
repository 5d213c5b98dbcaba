/**
 * `rcclab lab [up] [--keep]`: the embedded lab's simulators in the foreground; with `up`, also build
 * the local stack on them, always with the local stack's own public passphrase (an exported
 * PULUMI_CONFIG_PASSPHRASE for another stack does not apply to it). A port already in use is
 * explained: another rcclab lab is probably running.
 */
import * as commands from "../commands";
import * as apply from "./apply";
import type { Io } from "./io";

/** A listen error (EADDRINUSE carries the port and address). */
interface ListenError extends Error {
  code?: string;
  port?: number;
  address?: string;
}

/** The error for a port in use; other errors as they are. */
export function explainStartError(e: ListenError): Error {
  if (e.code !== "EADDRINUSE") return e;
  const where = e.port !== undefined ? `port ${e.port}${e.address ? ` on ${e.address}` : ""}` : "a port the lab needs";
  return new commands.CommandError(
    `cannot start the embedded lab: ${where} is already in use — another rcclab lab is probably running (\`rcclab lab\` in another terminal); stop it (Ctrl-C there) and try again`,
  );
}

type StartLab = typeof import("../labsim/lab").startLab;

/** `start`: how the simulators are started (tests give a lab they started themselves). */
export async function lab(io: Io, sub: string | undefined, start?: () => ReturnType<StartLab>): Promise<number> {
  // Loaded only for this command: the simulators are not needed by the others.
  const startLab = start ?? (require("../labsim/lab") as typeof import("../labsim/lab")).startLab;
  let running: Awaited<ReturnType<StartLab>>;
  try {
    running = await startLab();
  } catch (e) {
    throw explainStartError(e as ListenError);
  }
  io.info("rcclab embedded lab (loopback only):");
  for (const [k, v] of Object.entries(running.endpoints)) io.info(`  ${k.padEnd(18)} ${v}`);
  io.info(`  state folder       ${running.dir}`);
  if (sub === "up") {
    const upIo: Io = { ...io, flags: { ...io.flags, stack: commands.LOCAL_STACK.name, yes: true } };
    try {
      await apply.up(upIo, io.flags.engine ?? "local", { stack: commands.LOCAL_STACK.name, passphrase: commands.LOCAL_STACK.passphrase });
    } finally {
      if (!io.flags.keep) await running.stop();
    }
    if (!io.flags.keep) return 0;
  }
  io.result("press Ctrl-C to stop (state is kept)");
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await running.stop();
  return 0;
}
