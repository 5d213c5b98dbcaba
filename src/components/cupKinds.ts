/**
 * `rcclab/cup`: the CUP kinds (section C of the guide) for programs that use rcclab as a library, and
 * the connection every one of them takes (build it with `cupConnectionSchema.parse`, or from a lab
 * config with `cupConnection` of `rcclab/components`).
 */
export { cupConnectionSchema, type CupConnection } from "../../providers/cup/client";
export { CupVersion } from "../../providers/cup/version";
export { CucmPublisher } from "../../providers/cup/cucmPublisher";
export { IncomingAcl } from "../../providers/cup/incomingAcl";
export { OutgoingAcl } from "../../providers/cup/outgoingAcl";
export { DeskPhoneControl } from "../../providers/cup/deskPhoneControl";
export { DeskPhoneControlUsers } from "../../providers/cup/deskPhoneControlUsers";
export { PresenceSettings } from "../../providers/cup/presenceSettings";
