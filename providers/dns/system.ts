/** DNS as a system rcclab talks to: the zone's primary server, RFC 2136 updates signed with TSIG. */
import { defineSystem } from "../core/kind";
import { DnsClient, dnsConnectionSchema, type DnsConnection } from "./client";

export const dns = defineSystem<DnsConnection, DnsClient>({
  name: "dns",
  connectionSchema: dnsConnectionSchema,
  secretPaths: ["tsig.secret"],
  connect: (connection, log) => new DnsClient(connection, log),
});
