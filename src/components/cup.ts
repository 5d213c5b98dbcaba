/**
 * C. CUP: version (C1), CUCM publisher (C2), ACLs for the OCS front ends (C3), desk phone control
 * with B3's application user (C4), end users and their assignment (C5–C6), presence settings (C7).
 *
 * The C resources arrive with the CUP issue; the component already takes what they depend on:
 * B's CTI application user (userid and password, never a second copy) and A's front ends.
 */
import * as pulumi from "@pulumi/pulumi";
import { cupAcl, type LabConfig } from "../config";
import type { CucmSection } from "./cucm";

export class CupSection extends pulumi.ComponentResource {
  /** What C4 will be given: the CTI user's credentials straight from B3's outputs. */
  readonly deskPhoneControl: pulumi.Output<{ userid: string }>;
  readonly acl: string[];

  constructor(name: string, cfg: LabConfig, cucm: CucmSection, opts: pulumi.ComponentResourceOptions = {}) {
    super("rcclab:lab:Cup", name, {}, opts);
    this.deskPhoneControl = pulumi.output({ userid: cucm.ctiUser.userid });
    this.acl = cupAcl(cfg);
    this.registerOutputs({});
  }
}
