/**
 * C1: the CUP version. Creating it fails, before anything is changed, when CUP does not run the
 * version the stack declares; refreshing it shows an upgrade as drift.
 */
import { z } from "zod";
import { RcclabError } from "../core/errors";
import { versionMatches } from "../cucm/version";
import type { CupSession } from "./client";
import { defineCupKind } from "./system";

async function verified(db: CupSession, expected: string): Promise<{ version: string }> {
  const version = await db.version();
  if (!versionMatches(expected, version)) {
    throw new RcclabError("VersionMismatch", `CUP at ${db.connection.host} runs ${version}; the stack expects ${expected} (cup version)`);
  }
  return { version };
}

export const CupVersion = defineCupKind({
  type: "rcclab:cup:Version",
  file: __filename,
  exportName: "CupVersion",
  fields: z.object({
    /** Expected version prefix, e.g. "7.0" or "7.0.3". */
    expected: z.string().regex(/^\d+(\.\d+){1,3}(-\d+)?$/, "must be a version such as 7.0 or 7.0.3"),
  }),
  step: "C1",
  key: () => "cup-version",
  computed: ["version"],
  create: ({ db }, f) => verified(db, f.expected),
  async read({ db }, _id, olds) {
    const version = await db.version();
    // An upgrade (7.0.3 → 8.0) no longer matches: the expected value read back changes, which is drift.
    const expected = olds.expected && versionMatches(olds.expected, version) ? olds.expected : version;
    return { fields: { expected }, outputs: { version } };
  },
  update: ({ db }, _id, _olds, news) => verified(db, news.expected),
  // Nothing to remove from CUP.
  delete: async () => {},
});
