/** `rcclab/ocs`: the OCS 2007 R2 kinds (A2 of the guide) for programs that use rcclab as a library, and their connection. */
export { ocsConnectionSchema, type OcsConnection } from "../../providers/ocs/client";
export { StaticRoute } from "../../providers/ocs/staticRoute";
export { HostAuthorization } from "../../providers/ocs/hostAuthorization";
