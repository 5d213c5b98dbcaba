/**
 * The lab program: the guide's three sections in its order, A (Microsoft side) → B (CUCM) →
 * C (CUP), with explicit dependencies. The config is checked as a whole first: a bad stack fails
 * with every problem named by its YAML path, before any system is called.
 */
import * as pulumi from "@pulumi/pulumi";
import { CucmSection } from "./components/cucm";
import { CupSection } from "./components/cup";
import { MicrosoftSide } from "./components/microsoft";
import { normalizationRules } from "./components/normalization";
import { requireConfig } from "./config";
import { NOT_AUTOMATED, phoneName, rccUsers } from "./derive";

export async function lab(): Promise<Record<string, unknown>> {
  const cfg = requireConfig(pulumi.runtime.allConfig());
  const a = new MicrosoftSide("microsoft", cfg, formerly("microsoft", "A-microsoft", "rcclab:lab:Microsoft"));
  const b = new CucmSection("cucm", cfg, { dependsOn: [a], ...formerly("cucm", "B-cucm", "rcclab:lab:Cucm") });
  const c = new CupSection("cup", cfg, b, { dependsOn: [a, b], ...formerly("cup", "C-cup", "rcclab:lab:Cup") });
  return {
    summary: {
      lab: cfg.lab.name,
      microsoft: { sipDomain: cfg.lab.sipDomain, pools: cfg.ocs.pools.map((p) => p.fqdn) },
      cucm: {
        host: cfg.cucm.host,
        release: cfg.cucm.release,
        trunkTo: `${cfg.cup.host}:${cfg.cup.sipPort}`,
        phones: cfg.users.map((u) => `${phoneName(u)} ${u.phone.model} ${u.phone.protocol} ${u.e164}`),
        ctiUser: b.ctiUser.userid,
        rccUsers: rccUsers(cfg).map((u) => u.userid),
      },
      cup: { host: cfg.cup.host, acl: c.acl, deskPhoneControlUser: c.deskPhoneControlUser },
    },
    communicatorSettings: a.communicatorSettings,
    normalizationRules: normalizationRules(cfg),
    notAutomated: [...NOT_AUTOMATED],
  };
}

/**
 * Until the components named their children under themselves, the lab's components were "A-microsoft",
 * "B-cucm" and "C-cup" and their children had bare names ("phone-SEP…"). Aliases to those URNs let
 * Pulumi carry a stack built before over to the new names without replacing anything (a replacement
 * would create each object again under its new name, then delete it under the old one). rcclab's
 * local engine honours them too.
 */
function formerly(name: string, formerName: string, type: string): pulumi.ComponentResourceOptions {
  const formerParent = pulumi.createUrn(formerName, type);
  const prefix = `${name}-`;
  return {
    aliases: [{ name: formerName }],
    transformations: [
      (child) =>
        child.name.startsWith(prefix)
          ? { props: child.props, opts: pulumi.mergeOptions(child.opts, { aliases: [{ name: child.name.slice(prefix.length), parent: formerParent }] }) }
          : undefined,
    ],
  };
}
