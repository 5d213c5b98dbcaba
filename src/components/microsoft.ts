/**
 * A. The Microsoft side: DNS records (A1), the OCS front-end static route and host authorization
 * for CUP (A2), the AD users enabled for remote call control (A3), and the Communicator settings
 * (A4, an artifact: the user applies them on each client).
 *
 * The A1–A3 resources arrive with the Microsoft-side issue; this component already carries the
 * A4 artifact and is where they plug in.
 */
import * as pulumi from "@pulumi/pulumi";
import { communicatorSettings, type LabConfig } from "../config";

export class MicrosoftSide extends pulumi.ComponentResource {
  readonly communicatorSettings: ReturnType<typeof communicatorSettings>;

  constructor(name: string, cfg: LabConfig, opts: pulumi.ComponentResourceOptions = {}) {
    super("rcclab:lab:Microsoft", name, {}, opts);
    this.communicatorSettings = communicatorSettings(cfg);
    this.registerOutputs({});
  }
}
