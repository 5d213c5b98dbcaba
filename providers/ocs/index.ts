/** The OCS 2007 R2 side of A2: static route and host authorization for CUP on each front-end pool. */
export { OcsClient, ocsConnectionSchema, type OcsConnection, type RouteEntry, type HostEntry } from "./client";
export { ocs } from "./system";
export { StaticRoute } from "./staticRoute";
export { HostAuthorization } from "./hostAuthorization";
