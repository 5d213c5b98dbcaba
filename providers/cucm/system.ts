/** CUCM as a system rcclab talks to: an AXL connection and its client. */
import { defineSystem } from "../core/kind";
import { AxlClient, axlConnectionSchema, type AxlConnection } from "./axl/client";

export const cucm = defineSystem<AxlConnection, AxlClient>({
  name: "cucm",
  connectionSchema: axlConnectionSchema,
  secretPaths: ["password"],
  connect: (connection, log) => new AxlClient(connection, log),
});
