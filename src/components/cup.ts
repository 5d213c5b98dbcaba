/**
 * C. CUP, in the guide's order: version (C1), the CUCM publisher (C2), incoming and destination
 * (outgoing) ACL entries for the OCS front ends and pools (C3), desk phone control with B3's application user (C4), the
 * desk phone control user assignment (C5–C6: exactly the stack's RCC users, which CUP's Sync Agent
 * has from CUCM's end users, B5), and the presence settings (C7).
 *
 * C4 takes the CTI user's userid and password from the CUCM AppUser resource's outputs — never a
 * second copy in config — so the guide's "they must match" holds by construction.
 */
import * as pulumi from "@pulumi/pulumi";
import { type CupConnection, cupConnectionSchema } from "../../providers/cup/client";
import { CucmPublisher } from "../../providers/cup/cucmPublisher";
import { DeskPhoneControl } from "../../providers/cup/deskPhoneControl";
import { DeskPhoneControlUsers } from "../../providers/cup/deskPhoneControlUsers";
import { IncomingAcl } from "../../providers/cup/incomingAcl";
import { OutgoingAcl } from "../../providers/cup/outgoingAcl";
import { PresenceSettings } from "../../providers/cup/presenceSettings";
import { CupVersion } from "../../providers/cup/version";
import type { LabConfig } from "../config";
import { loadCupMapping } from "../cupMapping";
import { cupAcl, rccUsers } from "../derive";
import { childrenOf } from "./origin";
import type { CucmSection } from "./cucm";

/**
 * CUP's connection from the stack: AXL, the CLI, and the lab's mapping override (read from its file)
 * with the trust setting. Also what `rcclab up` preflights before anything runs.
 */
export function cupConnection(cfg: LabConfig): CupConnection {
  const c = cfg.cup;
  const mapping = loadCupMapping(c.mapping);
  if (mapping.errors.length) throw new Error(mapping.errors.map((e) => `${e.path}: ${e.message}`).join("\n"));
  return cupConnectionSchema.parse({
    host: c.address,
    port: c.port,
    username: c.username,
    password: c.password,
    release: c.release,
    tls: { ...c.tls, ...(c.tls.servername || c.tls.fingerprint256 ? {} : { servername: c.host }) },
    ...(c.cli ? { cli: c.cli } : {}),
    ...(mapping.override ? { mapping: mapping.override } : {}),
    trustAssumedMapping: c.trustAssumedMapping,
  });
}

export class CupSection extends pulumi.ComponentResource {
  readonly acl: string[];
  readonly deskPhoneControlUser: pulumi.Output<string>;

  constructor(name: string, cfg: LabConfig, cucm: CucmSection, opts: pulumi.ComponentResourceOptions = {}) {
    super("rcclab:lab:Cup", name, {}, opts);
    // Every child is named under this component: two labs in one program never collide.
    const from = childrenOf(name);
    const c = cfg.cup;
    const connection = pulumi.secret(cupConnection(cfg));
    const version = new CupVersion.Resource(from("cup", "cup-version"), { expected: c.version ?? c.release, connection }, { parent: this });
    const after = (...deps: pulumi.Resource[]) => ({ parent: this, dependsOn: [version, ...deps] });

    // C2
    new CucmPublisher.Resource(
      from("cucm", "cucm-publisher"),
      { address: cfg.cucm.address ?? cfg.cucm.host, axlUsername: cfg.cucm.username, axlPassword: pulumi.secret(cfg.cucm.password), connection },
      after(),
    );
    // C3: incoming and destination (outgoing) ACL entries for the OCS front ends and pools. CUP
    // answers OCS along the requests' Record-Route: no static route on CUP (OCS's route to CUP is A2).
    this.acl = cupAcl(cfg);
    const origin = c.acl ? "cup.acl" : "ocs.pools";
    for (const address of this.acl) {
      new IncomingAcl.Resource(from(origin, `incoming-acl-${address}`), { address, description: "OCS (rcclab)", connection }, after());
      new OutgoingAcl.Resource(from(origin, `outgoing-acl-${address}`), { address, description: "OCS (rcclab)", connection }, after());
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
