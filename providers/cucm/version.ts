/**
 * B1: the CUCM version. Creating it fails, before anything is changed, when CUCM does not run the
 * version the stack declares; refreshing it shows an upgrade as drift.
 */
import { z } from "zod";
import { RcclabError } from "../core/errors";
import { defineKind } from "../core/kind";
import { cucm } from "./system";

/** "7.0" matches "7.0.2.20000-5"; "7.0.2" too; "7.0.1" does not. */
export const versionMatches = (expected: string, actual: string): boolean =>
  actual === expected || actual.startsWith(`${expected}.`) || actual.startsWith(`${expected}-`);

async function verified(client: import("./axl/client").AxlClient, expected: string): Promise<{ version: string }> {
  const version = await client.version();
  if (!versionMatches(expected, version)) {
    throw new RcclabError("VersionMismatch", `CUCM at ${client.connection.host} runs ${version}; the stack expects ${expected}`);
  }
  return { version };
}

export const CucmVersion = defineKind({
  type: "rcclab:cucm:Version",
  file: __filename,
  exportName: "CucmVersion",
  system: cucm,
  fields: z.object({
    /** Expected version prefix, e.g. "7.0" or "7.0.2". */
    expected: z.string().regex(/^\d+(\.\d+){1,3}(-\d+)?$/, "must be a version such as 7.0 or 7.0.2"),
  }),
  key: () => "cucm-version",
  computed: ["version"],
  create: ({ client }, f) => verified(client, f.expected),
  async read({ client }, _id, olds) {
    const version = await client.version();
    const expected = olds.expected && versionMatches(olds.expected, version) ? olds.expected : version;
    return { fields: { expected }, outputs: { version } };
  },
  update: ({ client }, _id, _olds, news) => verified(client, news.expected),
  // Nothing to remove from CUCM.
  delete: async () => {},
});
