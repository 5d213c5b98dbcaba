/** `rcclab/dns`: the DNS kind (A1 of the guide) for programs that use rcclab as a library, and its connection. */
export { dnsConnectionSchema, type DnsConnection } from "../../providers/dns/client";
export { RecordSet, RECORD_TYPES, type RecordType } from "../../providers/dns/recordSet";
