/**
 * The guide's DNS records (A1): host (A) and reverse (PTR) records for CUP, CUCM, each OCS pool and
 * each front end, and the SRV records Office Communicator uses to find its pool.
 *
 * The SRV records, from Microsoft's OCS 2007 / 2007 R2 documentation:
 * - "Required DNS Records for Automatic Client Sign-In"
 *   (https://technet.microsoft.com/en-us/library/bb663700(v=Office.12)) and "Client DNS Queries
 *   Drilldown" for 2007 R2 (https://learn.microsoft.com/previous-versions/office/dd572514(v=office.13)):
 *   Communicator queries `_sipinternaltls._tcp.<SIP domain>` (internal TLS), then
 *   `_sipinternal._tcp.<SIP domain>` (internal TCP, "performed only if TCP is allowed"), then
 *   `_sip._tls.<SIP domain>` (external TLS, through an Edge server — not part of this lab). The SRV
 *   record maps to the FQDN of the pool that distributes sign-in requests, and "only a single pool or
 *   Standard Edition Server can be designated to distribute sign-in requests. Create only one SRV
 *   record for the designated server or pool."
 * - "DNS (Domain Name Service)" (https://technet.microsoft.com/en-us/library/bb870331.aspx), table 24:
 *   "an SRV record for _sipinternaltls._tcp.<domain> over port 5061" to the pool's FQDN; and for an
 *   Enterprise pool "with a single Front End server ... but no load balancer", "an internal A record
 *   that resolves the FQDN of the Enterprise pool to the IP address of the single Enterprise Edition
 *   server" — the guide's lab (one front end per pool).
 * - "Ports and Protocols" for 2007 R2 (https://technet.microsoft.com/en-us/library/dd425238(office.13).aspx):
 *   front end servers use 5060 (TCP) and 5061 (MTLS) for SIP with servers and Communicator.
 */
import type { RecordSetInput } from "./recordSet";
import { canonicalName, inZone, isIpv4, reverseName } from "./wire";

/** The sign-in SRV services of OCS 2007 R2 internal clients, with their ports (see the sources above). */
export const OCS_SIGN_IN_SRV = [
  { service: "_sipinternaltls._tcp", port: 5061, transport: "TLS" },
  { service: "_sipinternal._tcp", port: 5060, transport: "TCP" },
] as const;

export interface GuideHost {
  fqdn: string;
  address: string;
}

export interface GuideDnsInput {
  /** The forward zone (lab.example.com) and the reverse zone (10.10.10.in-addr.arpa). */
  zone: string;
  reverseZone: string;
  ttl?: number;
  /** The SIP domain of the users' URIs: the SRV records are named under it (it must be in `zone`). */
  sipDomain: string;
  cup: GuideHost;
  /** CUCM, when it has a name in the zone. */
  cucm?: GuideHost;
  pools: readonly { name: string; fqdn: string; address: string; frontEnds: readonly GuideHost[] }[];
  /** The pool (name or FQDN) that distributes sign-in requests: the SRV target. Default: the first pool. */
  signInPool?: string;
  /** Publish `_sipinternal._tcp` (sign-in over TCP, port 5060) too. Default true: the lab's pools allow TCP. */
  tcpSignIn?: boolean;
}

export interface GuideRecordSet {
  /** A stable Pulumi resource name. */
  resourceName: string;
  /** What the record is for, for summaries. */
  purpose: string;
  fields: RecordSetInput & { ttl: number };
}

export interface GuideRecords {
  recordSets: GuideRecordSet[];
  /** Records not derived, and why (a host outside the zone, an address outside the reverse zone). */
  skipped: string[];
}

/** The A, PTR and SRV record sets the guide's step A1 asks for, from the lab's hosts. */
export function guideRecordSets(input: GuideDnsInput): GuideRecords {
  const zone = canonicalName(input.zone);
  const reverseZone = canonicalName(input.reverseZone);
  const ttl = input.ttl ?? 3600;
  const sipDomain = canonicalName(input.sipDomain);
  const skipped: string[] = [];
  if (input.pools.length === 0) throw new Error("the lab needs at least one OCS pool");
  if (!inZone(sipDomain, zone)) {
    throw new Error(`the SIP domain "${sipDomain}" is not in zone "${zone}": the sign-in SRV records are named under the SIP domain`);
  }

  /** [name, address, purpose, is a pool name]. */
  const hosts: { fqdn: string; address: string; purpose: string; pool: boolean }[] = [
    { ...input.cup, purpose: "CUP", pool: false },
    ...(input.cucm ? [{ ...input.cucm, purpose: "CUCM", pool: false }] : []),
    ...input.pools.flatMap((p) => [
      { fqdn: p.fqdn, address: p.address, purpose: `OCS pool ${p.name}`, pool: true },
      ...p.frontEnds.map((fe) => ({ ...fe, purpose: `OCS front end of pool ${p.name}`, pool: false })),
    ]),
  ].map((h) => ({ ...h, fqdn: canonicalName(h.fqdn) }));
  for (const h of hosts) if (!isIpv4(h.address)) throw new Error(`${h.purpose} ${h.fqdn}: "${h.address}" is not an IPv4 address`);

  const recordSets: GuideRecordSet[] = [];

  // A: one RRset per name (a name given twice with two addresses gets both).
  const byName = new Map<string, { addresses: Set<string>; purposes: Set<string> }>();
  for (const h of hosts) {
    if (!inZone(h.fqdn, zone)) {
      skipped.push(`A ${h.fqdn} (${h.purpose}): not in zone ${zone}`);
      continue;
    }
    const e = byName.get(h.fqdn) ?? { addresses: new Set<string>(), purposes: new Set<string>() };
    e.addresses.add(h.address);
    e.purposes.add(h.purpose);
    byName.set(h.fqdn, e);
  }
  for (const [name, e] of byName) {
    recordSets.push({ resourceName: `dns-a-${name}`, purpose: `host record of ${[...e.purposes].join(", ")}`, fields: { zone, name, type: "A", ttl, records: [...e.addresses].sort() } });
  }

  // PTR: one RRset per address, naming the servers there; a pool name only when no server has its
  // address (with one front end and no load balancer, the pool's address is the front end's).
  const byAddress = new Map<string, typeof hosts>();
  for (const h of hosts) byAddress.set(h.address, [...(byAddress.get(h.address) ?? []), h]);
  for (const [address, hs] of byAddress) {
    const name = reverseName(address);
    if (!inZone(name, reverseZone)) {
      skipped.push(`PTR ${name} (${hs.map((h) => h.fqdn).join(", ")}): ${address} is not in reverse zone ${reverseZone}`);
      continue;
    }
    const servers = hs.filter((h) => !h.pool);
    const chosen = servers.length > 0 ? servers : hs;
    const targets = [...new Set(chosen.map((h) => `${h.fqdn}.`))].sort();
    recordSets.push({
      resourceName: `dns-ptr-${address}`,
      purpose: `reverse record of ${chosen.map((h) => h.purpose).join(", ")}`,
      fields: { zone: reverseZone, name, type: "PTR", ttl, records: targets },
    });
  }

  // SRV: one per service, to the single pool that distributes sign-in requests.
  const pool = input.signInPool
    ? input.pools.find((p) => p.name === input.signInPool || canonicalName(p.fqdn) === canonicalName(input.signInPool!))
    : input.pools[0];
  if (!pool) throw new Error(`signInPool "${input.signInPool}" is not one of the OCS pools (${input.pools.map((p) => p.name).join(", ")})`);
  for (const srv of OCS_SIGN_IN_SRV) {
    if (srv.transport === "TCP" && input.tcpSignIn === false) continue;
    const name = `${srv.service}.${sipDomain}`;
    recordSets.push({
      resourceName: `dns-srv-${name}`,
      purpose: `Communicator sign-in over ${srv.transport} to pool ${pool.name}`,
      fields: { zone, name, type: "SRV", ttl, records: [`0 0 ${srv.port} ${canonicalName(pool.fqdn)}.`] },
    });
  }
  return { recordSets, skipped };
}
