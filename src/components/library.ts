/**
 * `rcclab`, as a library for other Pulumi programs (`npm i rcclab`): the components (`rcclab/components`),
 * every kind with its connection type (`rcclab/cucm`, `rcclab/cup`, `rcclab/ad`, `rcclab/dns`,
 * `rcclab/ocs`) and the lab config's types and parsers.
 *
 * ```ts
 * import { CucmSection, Line, Phone, cucmConnection, requireConfig } from "rcclab";
 * const cfg = requireConfig(pulumi.runtime.allConfig()); // the stack's rcclab:* keys
 * const lab = new CucmSection("lab1", cfg);
 * ```
 *
 * (The Pulumi program of this repository is src/index.ts, Pulumi.yaml's `main`; it is not this module.)
 */
import type { z } from "zod";
import type { configSchema } from "../config";

export * from "./index";
export * from "./cucmKinds";
export * from "./cupKinds";
export * from "./dnsKinds";
export * from "./ocsKinds";
export { AdUser, RccSettings, adConnectionSchema, type AdConnection } from "./adKinds";
export { ConfigInvalid, configSchema, parseConfig, requireConfig, type ConfigError, type LabConfig, type LabUser } from "../config";
export type { Kind, KindResource, ResourceArgs } from "../../providers/core/kind";

/** A lab config as written (defaults not applied yet): what `configSchema.parse` takes. */
export type LabConfigInput = z.input<typeof configSchema>;
