/** OCS 2007 R2 as a system rcclab talks to: one front end per pool, over WinRM (default) or SSH + PowerShell. */
import { defineSystem } from "../core/kind";
import { OcsClient, type OcsConnection, ocsConnectionSchema } from "./client";

export const ocs = defineSystem<OcsConnection, OcsClient>({
  name: "ocs",
  connectionSchema: ocsConnectionSchema,
  secretPaths: ["password"],
  connect: (connection, log) => new OcsClient(connection, log),
});
