/** The CUP kinds (C1–C7), in the guide's order. */
export { CupVersion } from "./version";
export { CucmPublisher } from "./cucmPublisher";
export { IncomingAcl } from "./incomingAcl";
export { OutgoingAcl } from "./outgoingAcl";
export { DeskPhoneControl } from "./deskPhoneControl";
export { DeskPhoneControlUsers } from "./deskPhoneControlUsers";
export { PresenceSettings } from "./presenceSettings";
export { cup } from "./system";
export { CupClient, cupConnectionSchema, type CupConnection } from "./client";
export { assumedItems as cupAssumedItems, Catalog as CupCatalog } from "./catalog";
export { preflight as cupPreflight, formatPreflight as formatCupPreflight } from "./preflight";
