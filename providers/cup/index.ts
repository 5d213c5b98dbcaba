/** The CUP kinds (C1–C7), in the guide's order. */
export { CupVersion } from "./version";
export { CucmPublisher } from "./cucmPublisher";
export { IncomingAcl } from "./incomingAcl";
export { StaticRoute } from "./staticRoute";
export { DeskPhoneControl } from "./deskPhoneControl";
export { DeskPhoneControlUsers } from "./deskPhoneControlUsers";
export { PresenceSettings } from "./presenceSettings";
export { cup } from "./system";
export { CupClient, cupConnectionSchema, type CupConnection } from "./client";
export { UNCONFIRMED as CUP_UNCONFIRMED } from "./catalog";
