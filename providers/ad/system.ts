/** Active Directory as a system rcclab talks to: an LDAP connection and its client. */
import { defineSystem } from "../core/kind";
import { AdClient, adConnectionSchema, type AdConnection } from "./client";

export const ad = defineSystem<AdConnection, AdClient>({
  name: "ad",
  connectionSchema: adConnectionSchema,
  secretPaths: ["password"],
  connect: (connection, log) => new AdClient(connection, log),
});
