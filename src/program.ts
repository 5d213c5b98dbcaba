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
  const a = new MicrosoftSide("A-microsoft", cfg);
  const b = new CucmSection("B-cucm", cfg, { dependsOn: [a] });
  const c = new CupSection("C-cup", cfg, b, { dependsOn: [a, b] });
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
