/**
 * C3: one incoming ACL entry (System > Security > Incoming ACL, documented for CUP 7.0): an address
 * pattern CUP's SIP proxy lets in without digest authentication, one per OCS front end and pool.
 */
import { defineAclKind } from "./acl";

export const IncomingAcl = defineAclKind("incoming", { type: "rcclab:cup:IncomingAcl", file: __filename, exportName: "IncomingAcl" });
