/**
 * An embedded authoritative DNS server for the lab and the tests: the forward and reverse zones over
 * UDP and TCP on loopback, RFC 2136 dynamic updates verified with TSIG like BIND, prerequisites,
 * class ANY / NONE deletes, a JSON state file, seeded records that must survive rcclab.
 */
export { startDnsSim, type DnsSim, type DnsSimOptions, type DnsSimRequest } from "./server";
export { ZoneStore, type SimRecord } from "./zones";
