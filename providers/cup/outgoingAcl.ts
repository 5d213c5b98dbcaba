/**
 * C3: one "destination" ACL entry, in the guide's words (System > Security > Outgoing ACL in the later
 * RCC guides): an OCS front end or pool CUP's SIP proxy may send to. CUP answers OCS's requests along
 * their Record-Route, so the guide's C3 has no static route on CUP (the static route is OCS's, A2).
 */
import { defineAclKind } from "./acl";

export const OutgoingAcl = defineAclKind("outgoing", { type: "rcclab:cup:OutgoingAcl", file: __filename, exportName: "OutgoingAcl" });
