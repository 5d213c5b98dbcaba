/** `rcclab audit` (issue 14): being written. */
import type { Io } from "./io";

export async function audit(_io: Io): Promise<number> {
  throw new Error("rcclab audit is not finished yet");
}
