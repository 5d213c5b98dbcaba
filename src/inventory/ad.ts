/**
 * Active Directory's part of the inventory (read only): the OCS pools (providers/ad/pools.ts
 * listPools: where OCS keeps its RTC Service object) and every user of the domain with its msRTCSIP
 * attributes (one paged search, the same listUsers the AD kinds' bulk reads use).
 */
import { AdClient, type AdConnection, first } from "../../providers/ad/client";
import { dnEquals } from "../../providers/ad/dn";
import { RTC, poolOfHomeServer } from "../../providers/ad/ocsSchema";
import { listPools } from "../../providers/ad/pools";
import type { AdInventory, AdUserInventory } from "./types";
import { attempt, type ReaderContext } from "./util";

const USER_ATTRS = ["sAMAccountName", "givenName", "sn", "displayName", "userPrincipalName", RTC.primaryUserAddress, RTC.line, RTC.lineServer, RTC.primaryHomeServer, RTC.optionFlags, RTC.userEnabled];

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
    const pools = await attempt(rc, "OCS pools", () => listPools(client));
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
