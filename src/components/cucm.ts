/**
 * B. CUCM, in the guide's order: version check (B1), SIP trunk to CUP (B2), lines and IP phones (B4),
 * call-per-line limits (B8), and the CTI application user controlling every RCC phone (B3).
 * Everything waits for the version check, so a wrong CUCM stops the run before any change.
 */
import * as pulumi from "@pulumi/pulumi";
import { AppUser } from "../../providers/cucm/appUser";
import { CallPerLineLimit } from "../../providers/cucm/callPerLineLimit";
import type { AxlConnection } from "../../providers/cucm/axl/client";
import { Line } from "../../providers/cucm/line";
import { Phone } from "../../providers/cucm/phone";
import { SipTrunk } from "../../providers/cucm/sipTrunk";
import { CucmVersion } from "../../providers/cucm/version";
import { callsPerLine, phoneName, rccUsers, type LabConfig } from "../config";

export function cucmConnection(cfg: LabConfig): pulumi.Output<AxlConnection> {
  const c = cfg.cucm;
  return pulumi.secret({
    host: c.host,
    port: c.port,
    username: c.username,
    password: c.password,
    release: c.release,
    tls: c.tls,
    timeoutMs: 30_000,
    retries: 5,
    minRetryDelayMs: 500,
    maxRetryDelayMs: 10_000,
  });
}

export class CucmSection extends pulumi.ComponentResource {
  /** B3's application user: C4 takes its userid and password from here, never from a second copy. */
  readonly ctiUser: InstanceType<typeof AppUser.Resource>;
  readonly phones: InstanceType<typeof Phone.Resource>[] = [];

  constructor(name: string, cfg: LabConfig, opts: pulumi.ComponentResourceOptions = {}) {
    super("rcclab:lab:Cucm", name, {}, opts);
    const connection = cucmConnection(cfg);
    const version = new CucmVersion.Resource("cucm-version", { expected: cfg.cucm.version ?? cfg.cucm.release, connection }, { parent: this });
    const checked = { parent: this, dependsOn: [version] };

    new SipTrunk.Resource(
      "cup-trunk",
      { ...cfg.trunk, destinationAddress: cfg.cup.host, destinationPort: cfg.cup.sipPort, connection },
      checked,
    );

    for (const u of cfg.users) {
      const display = `${u.firstName} ${u.lastName}`;
      const line = new Line.Resource(
        `line-${u.userid}`,
        { pattern: u.e164, description: display, alertingName: display, asciiAlertingName: display.replace(/[^\x20-\x7e]/g, "?"), connection },
        checked,
      );
      const phone = new Phone.Resource(
        `phone-${u.userid}`,
        {
          name: phoneName(u),
          model: u.phone.model,
          protocol: u.phone.protocol,
          description: `${display} ${u.phone.model} ${u.phone.protocol}`,
          enableExtensionMobility: u.extensionMobility,
          lines: [{ index: 1, pattern: u.e164, label: display, display }],
          connection,
        },
        { parent: this, dependsOn: [version, line] },
      );
      if (u.rcc) this.phones.push(phone);
      const limits = callsPerLine(cfg, u);
      if (limits) {
        new CallPerLineLimit.Resource(`calls-per-line-${u.userid}`, { phoneName: phoneName(u), lineIndex: 1, ...limits, connection }, { parent: this, dependsOn: [phone] });
      }
    }

    this.ctiUser = new AppUser.Resource(
      "cti-app-user",
      {
        userid: cfg.cti.userid,
        password: pulumi.secret(cfg.cti.password),
        associatedDevices: rccUsers(cfg).map(phoneName),
        userGroups: cfg.cti.userGroups,
        connection,
      },
      { parent: this, dependsOn: [version, ...this.phones] },
    );
    this.registerOutputs({});
  }
}
