/**
 * Finding an OCS pool in Active Directory: its LC Services object (class msRTCSIP-PoolService), the
 * DN a homed user's msRTCSIP-PrimaryHomeServer holds, wherever this forest keeps OCS's RTC Service
 * object:
 *
 *   1. where the connection says (rtcServiceDn), and only there; otherwise
 *   2. CN=RTC Service,CN=Services,<configurationNamingContext> (OCS 2007 R2's default), then
 *   3. CN=RTC Service,CN=Microsoft,CN=System,<rootDomainNamingContext> (older deployments).
 *
 * The naming contexts come from the root DSE, not from any configured DN: in a forest of several
 * domains the forest root (which holds both) is not the users' domain.
 */
import { RcclabError } from "../core/errors";
import { type AdClient, first } from "./client";
import { lcServicesDn, rtcServiceInConfiguration, rtcServiceInSystem } from "./ocsSchema";

interface Place {
  rtcServiceDn: string;
  /** How a message names the place. */
  what: string;
}

async function places(client: AdClient): Promise<Place[]> {
  const configured = client.connection.rtcServiceDn;
  if (configured) return [{ rtcServiceDn: configured, what: "directory.rtcServiceDn" }];
  const nc = await client.namingContexts();
  return [
    { rtcServiceDn: rtcServiceInConfiguration(nc.configurationNamingContext), what: "the Configuration partition, OCS 2007 R2's default" },
    { rtcServiceDn: rtcServiceInSystem(nc.rootDomainNamingContext), what: "the System container of the forest root domain, where older deployments keep it" },
  ];
}

/** Every pool (msRTCSIP-Pool below CN=Pools) of the first place that has any: name, FQDN (dNSHostName, "" when unset), DN. */
export async function listPools(client: AdClient): Promise<{ name: string; fqdn: string; dn: string }[]> {
  for (const p of await places(client)) {
    const base = `CN=Pools,${p.rtcServiceDn}`;
    if (!(await client.get(base, ["objectClass"]))) continue;
    const found = await client.search(base, "(objectClass=msRTCSIP-Pool)", ["cn", "dNSHostName"], "one");
    if (!found.length) continue;
    return found
      .map((e) => ({ name: first(e, "cn") ?? e.dn.replace(/^CN=([^,]+),.*$/i, "$1"), fqdn: first(e, "dNSHostName") ?? "", dn: e.dn }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
  return [];
}

/** The pool's LC Services DN, or undefined when it is in none of the places looked in. */
export async function findPool(client: AdClient, pool: string): Promise<string | undefined> {
  for (const p of await places(client)) {
    const dn = lcServicesDn(pool, p.rtcServiceDn);
    const found = await client.get(dn, ["objectClass"]);
    if (found) return found.dn;
  }
  return undefined;
}

/** The pool's LC Services DN; an InvalidRequest naming every place looked in when it is nowhere. */
export async function locatePool(client: AdClient, pool: string): Promise<string> {
  const found = await findPool(client, pool);
  if (found) return found;
  const where = await places(client);
  const configured = client.connection.rtcServiceDn;
  if (configured) {
    const rtc = await client.get(configured, ["objectClass"]);
    const why = rtc
      ? `no ${lcServicesDn(pool, configured)} under ${configured} (directory.rtcServiceDn)`
      : `directory.rtcServiceDn, ${configured}, does not exist`;
    throw new RcclabError(
      "InvalidRequest",
      `OCS pool ${pool} is not in Active Directory: ${why}. Check the pool name (OCS setup creates the pool's objects) and directory.rtcServiceDn; left out, rcclab looks in the Configuration partition and in the System container of the forest root domain`,
    );
  }
  const looked = where.map((p) => `${lcServicesDn(pool, p.rtcServiceDn)} (${p.what})`).join(" nor ");
  throw new RcclabError(
    "InvalidRequest",
    `OCS pool ${pool} is not in Active Directory: there is no ${looked}. Check the pool name (OCS setup creates the pool's objects), or set directory.rtcServiceDn to the DN of this forest's RTC Service object`,
  );
}
