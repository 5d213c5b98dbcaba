/** `rcclab adopt` (issue 14): being written. */
import type { Io } from "./io";

export async function adopt(_io: Io, _engine: "local" | "pulumi"): Promise<number> {
  throw new Error("rcclab adopt is not finished yet");
}
