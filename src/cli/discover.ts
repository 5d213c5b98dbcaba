/** `rcclab discover` (issue 14): being written. */
import type { Io } from "./io";

export async function discover(_io: Io): Promise<number> {
  throw new Error("rcclab discover is not finished yet");
}
