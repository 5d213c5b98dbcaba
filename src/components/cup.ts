/**
 * C. CUP, in the guide's order: version (C1), the CUCM publisher (C2), incoming ACL entries and
 * static routes for the OCS pools (C3), desk phone control with B3's application user (C4), the
 * desk phone control user assignment (C5–C6: exactly the stack's RCC users, which CUP's Sync Agent
 * has from CUCM's end users, B5), and the presence settings (C7).
 *
 * C4 takes the CTI user's userid and password from the CUCM AppUser resource's outputs — never a
 * second copy in config — so the guide's "they must match" holds by construction.
 */
import * as pulumi from "@pulumi/pulumi";
import { cupConnectionSchema } from "../../providers/cup/client";
import { CucmPublisher } from "../../providers/cup/cucmPublisher";
import { DeskPhoneControl } from "../../providers/cup/deskPhoneControl";
import { DeskPhoneControlUsers } from "../../providers/cup/deskPhoneControlUsers";
import { IncomingAcl } from "../../providers/cup/incomingAcl";
import { PresenceSettings } from "../../providers/cup/presenceSettings";
import { StaticRoute as CupStaticRoute } from "../../providers/cup/staticRoute";
import { CupVersion } from "../../providers/cup/version";
import type { LabConfig } from "../config";
import { cupAcl, rccUsers } from "../derive";
import { from } from "./origin";
import type { CucmSection } from "./cucm";

export class CupSection extends pulumi.ComponentResource {
  readonly acl: string[];
  readonly deskPhoneControlUser: pulumi.Output<string>;

  constructor(name: string, cfg: LabConfig, cucm: CucmSection, opts: pulumi.ComponentResourceOptions = {}) {
    super("rcclab:lab:Cup", name, {}, opts);
    const c = cfg.cup;
    const connection = pulumi.secret(
      cupConnectionSchema.parse({
        host: c.address,
        port: c.port,
        username: c.username,
        password: c.password,
        release: c.release,
        tls: { ...c.tls, ...(c.tls.servername || c.tls.fingerprint256 ? {} : { servername: c.host }) },
        ...(c.cli ? { cli: c.cli } : {}),
      }),
    );
    const version = new CupVersion.Resource(from("cup", "cup-version"), { expected: c.version ?? c.release, connection }, { parent: this });
    const after = (...deps: pulumi.Resource[]) => ({ parent: this, dependsOn: [version, ...deps] });

    // C2
    new CucmPublisher.Resource(
      from("cucm", "cucm-publisher"),
      { address: cfg.cucm.address ?? cfg.cucm.host, axlUsername: cfg.cucm.username, axlPassword: pulumi.secret(cfg.cucm.password), connection },
      after(),
    );
    // C3: the OCS front ends and pools may send SIP to CUP; CUP routes each pool's domain to it.
    this.acl = cupAcl(cfg);
    for (const address of this.acl) {
      new IncomingAcl.Resource(from(c.acl ? "cup.acl" : "ocs.pools", `incoming-acl-${address}`), { address, description: "OCS (rcclab)", connection }, after());
    }
    for (const pool of cfg.ocs.pools) {
      new CupStaticRoute.Resource(
        from(`ocs.pools[${cfg.ocs.pools.indexOf(pool)}]`, `static-route-${pool.name}`),
        { destinationPattern: pool.fqdn, nextHop: pool.address, nextHopPort: 5060, protocol: c.transport, description: `OCS pool ${pool.name} (rcclab)`, connection },
        after(),
      );
    }
    // C4: B3's application user, from its outputs.
    const deskPhone = new DeskPhoneControl.Resource(
      from("cup.deskPhoneControl", "desk-phone-control"),
      {
        applicationUsername: cucm.ctiUser.userid,
        applicationPassword: cucm.ctiUser.password,
        ctiGateways: cfg.cucm.ctiManagers ?? [cfg.cucm.address ?? cfg.cucm.host],
        ...c.deskPhoneControl,
        connection,
      },
      after(),
    );
    this.deskPhoneControlUser = cucm.ctiUser.userid;
    // C5–C6
    new DeskPhoneControlUsers.Resource(from("users", "desk-phone-control-users"), { userids: rccUsers(cfg).map((u) => u.userid), connection }, after(deskPhone));
    // C7
    new PresenceSettings.Resource(from("cup.presence", "presence-settings"), { ...c.presence, proxyDomain: c.presence.proxyDomain ?? cfg.lab.sipDomain, connection }, after());
    this.registerOutputs({});
  }
}
