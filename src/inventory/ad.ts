/**
 * Active Directory's part of the inventory (read only): the OCS pools (one search per place OCS keeps
 * its RTC Service object, see providers/ad/pools.ts) and every user of the domain with its msRTCSIP
 * attributes (one paged search, the same listUsers the AD kinds' bulk reads use).
 */
import { AdClient, type AdConnection, first } from "../../providers/ad/client";
import { dnEquals } from "../../providers/ad/dn";
import { RTC, poolOfHomeServer, rtcServiceInConfiguration, rtcServiceInSystem } from "../../providers/ad/ocsSchema";
import type { AdInventory, AdUserInventory } from "./types";
import { attempt, type ReaderContext } from "./util";

const USER_ATTRS = ["sAMAccountName", "givenName", "sn", "displayName", "userPrincipalName", RTC.primaryUserAddress, RTC.line, RTC.lineServer, RTC.primaryHomeServer, RTC.optionFlags, RTC.userEnabled];

/** The RTC Service objects to look in: the connection's, else OCS 2007 R2's two places. */
async function rtcServices(client: AdClient): Promise<string[]> {
  if (client.connection.rtcServiceDn) return [client.connection.rtcServiceDn];
  const nc = await client.namingContexts();
  return [rtcServiceInConfiguration(nc.configurationNamingContext), rtcServiceInSystem(nc.rootDomainNamingContext)];
}

/** The pools under the first RTC Service object that has any (msRTCSIP-Pool objects below CN=Pools). */
async function readPools(client: AdClient): Promise<AdInventory["pools"]> {
  for (const rtc of await rtcServices(client)) {
    const base = `CN=Pools,${rtc}`;
    if (!(await client.get(base, ["objectClass"]))) continue;
    const found = await client.search(base, "(objectClass=msRTCSIP-Pool)", ["cn", "dNSHostName"], "one");
    if (!found.length) continue;
    return found
      .map((e) => ({ name: first(e, "cn") ?? e.dn.replace(/^CN=([^,]+),.*$/i, "$1"), fqdn: first(e, "dNSHostName") ?? "", dn: e.dn }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
  return [];
}

export async function readAd(connection: AdConnection, rc: ReaderContext): Promise<AdInventory | undefined> {
  let client: AdClient;
  try {
    client = new AdClient(connection, rc.log);
  } catch (e) {
    rc.unread.push({ system: "ad", what: "everything", message: (e as Error).message });
    return undefined;
  }
  try {
    rc.progress("pools", 0);
    const pools = await attempt(rc, "OCS pools", () => readPools(client));
    if (pools === undefined) return undefined;
    rc.progress("users", 0);
    const entries = await attempt(rc, "users", () => client.listUsers(USER_ATTRS));
    const poolDns = pools.map((p) => ({ name: p.name, lcServices: `CN=LC Services,CN=Microsoft,${p.dn}` }));
    const users: AdUserInventory[] = [];
    for (const [sam, e] of entries ?? []) {
      const homeServerDn = first(e, RTC.primaryHomeServer);
      const named = homeServerDn ? poolOfHomeServer(homeServerDn) : undefined;
      // A pool only where the home server is that pool's LC Services object where OCS keeps it.
      const pool = named && homeServerDn ? poolDns.find((p) => p.name.toLowerCase() === named.toLowerCase() && dnEquals(p.lcServices, homeServerDn))?.name : undefined;
      const flags = first(e, RTC.optionFlags);
      const enabled = first(e, RTC.userEnabled);
      const u: AdUserInventory = { dn: e.dn, sAMAccountName: sam };
      const set = <K extends keyof AdUserInventory>(k: K, v: AdUserInventory[K] | undefined) => {
        if (v !== undefined) u[k] = v;
      };
      set("givenName", first(e, "givenName"));
      set("sn", first(e, "sn"));
      set("displayName", first(e, "displayName"));
      set("userPrincipalName", first(e, "userPrincipalName"));
      set("sipAddress", first(e, RTC.primaryUserAddress));
      set("lineUri", first(e, RTC.line));
      set("lineServer", first(e, RTC.lineServer));
      set("homeServerDn", homeServerDn);
      set("pool", pool);
      set("optionFlags", flags === undefined ? undefined : Number(flags));
      set("enabled", enabled === undefined ? undefined : enabled.toUpperCase() === "TRUE");
      users.push(u);
    }
    users.sort((a, b) => a.sAMAccountName.localeCompare(b.sAMAccountName));
    rc.progress("users", users.length, users.length);
    return { pools, users };
  } finally {
    await client.close().catch(() => undefined);
  }
}
