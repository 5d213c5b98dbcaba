/**
 * `rcclab/ad`: the Active Directory kinds (A3 of the guide) for programs that use rcclab as a library,
 * and the LDAP connection both take. `User` is also exported as `AdUser` (its name in `rcclab`).
 */
export { adConnectionSchema, type AdConnection } from "../../providers/ad/client";
export { User, User as AdUser } from "../../providers/ad/user";
export { RccSettings } from "../../providers/ad/rccSettings";
