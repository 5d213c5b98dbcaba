/**
 * B. CUCM, in the guide's order: version check (B1), SIP trunk to CUP (B2), the CTI application user
 * controlling every RCC phone (B3), lines and IP phones (B4), end users (B5), licence capabilities
 * (B6), Meet-Me numbers (B7), call-per-line limits (B8), application dial rules (B9) and Extension
 * Mobility (B11: the service activated, the EM IP phone service, a device profile per EM user,
 * subscriptions, controlled profiles, EM enabled on the phones). B10, the phone selection plug-in,
 * is installed on the Communicator clients by hand.
 *
 * Every resource is named under the component, then by its object's natural key (a line by its
 * number, a phone by its device name, a Meet-Me number by pattern@partition: "cucm-phone-SEP…"), so
 * reordering a list in the stack changes nothing.
 *
 * Everything waits for the version check, so a wrong CUCM stops the run before any change; inside
 * B, what is referenced exists first (lines before phones and profiles, the EM service before the
 * subscriptions, phones and profiles before the users who control them, users before licences).
 */
import * as pulumi from "@pulumi/pulumi";
import { AppUser } from "../../providers/cucm/appUser";
import type { AxlConnection } from "../../providers/cucm/axl/client";
import { CallPerLineLimit } from "../../providers/cucm/callPerLineLimit";
import { DeviceProfile } from "../../providers/cucm/deviceProfile";
import { ApplicationDialRule } from "../../providers/cucm/dialRule";
import { EndUser } from "../../providers/cucm/endUser";
import { IpPhoneService, emServiceUrl } from "../../providers/cucm/ipPhoneService";
import { LicenseCapabilities } from "../../providers/cucm/licenseCapabilities";
import { Line } from "../../providers/cucm/line";
import { MeetMe } from "../../providers/cucm/meetMe";
import { Phone } from "../../providers/cucm/phone";
import { CTI_MANAGER, ServiceActivation } from "../../providers/cucm/serviceActivation";
import { SipTrunk } from "../../providers/cucm/sipTrunk";
import { SipTrunkSecurityProfile } from "../../providers/cucm/sipTrunkSecurityProfile";
import { CucmVersion } from "../../providers/cucm/version";
import { childrenOf } from "./origin";
import type { LabConfig, LabUser } from "../config";
import { callsPerLine, deviceProfileName, emUsers, phoneName, rccUsers } from "../derive";

/** CUCM's AXL connection from the stack (the plain value: the inventory reads with it too). */
export function axlConnection(cfg: LabConfig): AxlConnection {
  const c = cfg.cucm;
  return {
    host: c.host,
    port: c.port,
    username: c.username,
    password: c.password,
    release: c.release,
    tls: c.tls,
    timeoutMs: c.timeoutMs,
    retries: c.retries,
    minRetryDelayMs: 500,
    maxRetryDelayMs: 10_000,
  };
}

export const cucmConnection = (cfg: LabConfig): pulumi.Output<AxlConnection> => pulumi.secret(axlConnection(cfg));

type Res = pulumi.Resource;

export class CucmSection extends pulumi.ComponentResource {
  /** B3's application user: C4 takes its userid and password from here, never from a second copy. */
  readonly ctiUser: InstanceType<typeof AppUser.Resource>;
  /** Cisco CTIManager activated on each node CUP's desk phone control uses (C4 waits for them). */
  readonly ctiManagers: pulumi.Resource[];

  constructor(name: string, cfg: LabConfig, opts: pulumi.ComponentResourceOptions = {}) {
    super("rcclab:lab:Cucm", name, {}, opts);
    // Every child is named under this component: two labs in one program never collide.
    const from = childrenOf(name);
    const connection = cucmConnection(cfg);
    const after = (...deps: Res[]) => ({ parent: this, dependsOn: deps });
    const display = (u: LabUser) => `${u.firstName} ${u.lastName}`;

    // B1
    const version = new CucmVersion.Resource(from("cucm", "cucm-version"), { expected: cfg.cucm.version ?? cfg.cucm.release, connection }, { parent: this });
    // B2: the trunk's security profile first (destroy removes the trunk before it: CUCM refuses to
    // remove a profile in use), then the trunk to CUP's SIP port.
    const { securityProfile, ...trunk } = cfg.trunk;
    const trunkProfile = new SipTrunkSecurityProfile.Resource(
      from("trunk.securityProfile", `sip-trunk-security-profile-${securityProfile.name}`),
      { ...securityProfile, incomingTransport: "TCP+UDP", outgoingTransport: "TCP", connection },
      after(version),
    );
    new SipTrunk.Resource(
      from("trunk", "cup-trunk"),
      { ...trunk, securityProfileName: trunkProfile.name, destinationAddress: cfg.cup.host, destinationPort: cfg.cup.sipPort, connection },
      after(version, trunkProfile),
    );

    // Remote call control runs over CTI: Cisco CTIManager activated on every CTI node (default the
    // publisher), each read and activated through that node's own Serviceability.
    this.ctiManagers = (cfg.cucm.ctiManagers ?? [cfg.cucm.host]).map(
      (node) => new ServiceActivation.Resource(from("cucm.ctiManagers", `cti-manager-${node}`), { service: CTI_MANAGER, node, connection }, after(version)),
    );

    // B11 steps 1–2: the service activated, then the EM IP phone service (only with EM users).
    const em = cfg.extensionMobility;
    const emNeeded = emUsers(cfg).length > 0;
    let emService: Res | undefined;
    if (emNeeded) {
      const activation = new ServiceActivation.Resource(
        from("extensionMobility", "em-service-activation"),
        { service: "Cisco Extension Mobility", node: em.node ?? cfg.cucm.host, connection },
        after(version),
      );
      emService = new IpPhoneService.Resource(
        from("extensionMobility", "em-ip-phone-service"),
        { name: em.serviceName, description: "Extension Mobility", url: em.serviceUrl ?? emServiceUrl(cfg.cucm.host), connection },
        after(version, activation),
      );
    }
    const emSubscription = [{ serviceName: em.serviceName, name: em.serviceName }];

    const phones = new Map<string, Res>();
    const users: Res[] = [];
    cfg.users.forEach((u, i) => {
      const user = `users[${i}]`;
      // B4: the line, then the phone (B11 step 6: EM enabled and subscribed on EM phones).
      const line = new Line.Resource(
        from(user, `line-${u.e164}`),
        { pattern: u.e164, description: display(u), alertingName: display(u), asciiAlertingName: display(u).replace(/[^\x20-\x7e]/g, "?"), connection },
        after(version),
      );
      const appearance = { index: 1, pattern: u.e164, label: display(u), display: display(u) };
      const phone = new Phone.Resource(
        from(user, `phone-${phoneName(u)}`),
        {
          name: phoneName(u),
          model: u.phone.model,
          protocol: u.phone.protocol,
          description: `${display(u)} ${u.phone.model} ${u.phone.protocol}`,
          enableExtensionMobility: u.extensionMobility,
          lines: [appearance],
          ...(u.extensionMobility ? { services: emSubscription } : {}),
          connection,
        },
        after(version, line, ...(u.extensionMobility && emService ? [emService] : [])),
      );
      phones.set(u.userid, phone);

      // B8
      const limits = callsPerLine(cfg, u);
      if (limits) {
        new CallPerLineLimit.Resource(from(user, `calls-per-line-${phoneName(u)}#1`), { phoneName: phoneName(u), lineIndex: 1, ...limits, connection }, after(phone));
      }

      // B11 steps 3–4: the user's device profile with their DN, subscribed to the EM service.
      let profile: Res | undefined;
      if (u.extensionMobility && emService) {
        profile = new DeviceProfile.Resource(
          from(user, `device-profile-${deviceProfileName(u)}`),
          { name: deviceProfileName(u), description: `${display(u)} EM profile`, model: u.phone.model, protocol: u.phone.protocol, lines: [appearance], services: emSubscription, connection },
          after(version, line, emService),
        );
      }

      // B5 (and B11 step 5: the controlled profile).
      const endUser = new EndUser.Resource(
        from(user, `end-user-${u.userid}`),
        {
          userid: u.userid,
          firstName: u.firstName,
          lastName: u.lastName,
          telephoneNumber: u.e164,
          ...(u.password ? { password: pulumi.secret(u.password) } : {}),
          ...(u.pin ? { pin: pulumi.secret(u.pin) } : {}),
          associatedDevices: [phoneName(u)],
          primaryExtension: { pattern: u.e164 },
          userGroups: u.userGroups,
          controlledProfiles: profile ? [deviceProfileName(u)] : [],
          ...(profile ? { defaultProfile: deviceProfileName(u) } : {}),
          connection,
        },
        after(phone, line, ...(profile ? [profile] : [])),
      );
      users.push(endUser);

      // B6
      if (u.rcc) {
        new LicenseCapabilities.Resource(from(user, `licenses-${u.userid}`), { userid: u.userid, enableUps: u.presence.ups, enableUpc: u.presence.upc, connection }, after(endUser));
      }
    });

    // B3: the CTI user controls every RCC phone.
    this.ctiUser = new AppUser.Resource(
      from("cti", "cti-app-user"),
      { userid: cfg.cti.userid, password: pulumi.secret(cfg.cti.password), associatedDevices: rccUsers(cfg).map(phoneName), userGroups: cfg.cti.userGroups, connection },
      after(version, ...rccUsers(cfg).map((u) => phones.get(u.userid)!)),
    );

    // B7
    cfg.meetMe.forEach((m, i) => {
      new MeetMe.Resource(
        from(`meetMe[${i}]`, `meet-me-${m.partition ? `${m.pattern}@${m.partition}` : m.pattern}`),
        { pattern: m.pattern, description: m.description, minimumSecurityLevel: m.minimumSecurityLevel, ...(m.partition ? { routePartitionName: m.partition } : {}), connection },
        after(version),
      );
    });
    // B9
    cfg.dialRules.forEach((r, i) => {
      new ApplicationDialRule.Resource(from(`dialRules[${i}]`, `dial-rule-${r.name}`), { ...r, connection }, after(version));
    });
    this.registerOutputs({});
  }
}
