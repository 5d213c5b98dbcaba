/**
 * `rcclab/cucm`: the CUCM kinds (section B of the guide) for programs that use rcclab as a library,
 * and the AXL connection every one of them takes. Each kind's `Resource` is a Pulumi dynamic resource:
 * `new Phone.Resource("phone-1", { name, model, protocol, lines, connection })`.
 */
export { axlConnectionSchema, type AxlConnection } from "../../providers/cucm/axl/client";
export { AppUser } from "../../providers/cucm/appUser";
export { CallPerLineLimit } from "../../providers/cucm/callPerLineLimit";
export { DeviceProfile } from "../../providers/cucm/deviceProfile";
export { ApplicationDialRule } from "../../providers/cucm/dialRule";
export { EndUser } from "../../providers/cucm/endUser";
export { IpPhoneService, emServiceUrl } from "../../providers/cucm/ipPhoneService";
export { LicenseCapabilities } from "../../providers/cucm/licenseCapabilities";
export { Line } from "../../providers/cucm/line";
export { MeetMe } from "../../providers/cucm/meetMe";
export { Phone } from "../../providers/cucm/phone";
export { CTI_MANAGER, EXTENSION_MOBILITY, ServiceActivation } from "../../providers/cucm/serviceActivation";
export { SipTrunk } from "../../providers/cucm/sipTrunk";
export { SipTrunkSecurityProfile } from "../../providers/cucm/sipTrunkSecurityProfile";
export { CucmVersion } from "../../providers/cucm/version";
