/**
 * Preflight before a run: checks what no published source confirms against the live systems' own
 * catalogs, reading only, before `up` changes anything on any system (and for `preview` and `drift`,
 * which report it). Today: CUP's database against rcclab's CUP mapping (providers/cup/preflight.ts).
 */
import { CupClient } from "../providers/cup/client";
import { type PreflightReport, formatPreflight, preflight } from "../providers/cup/preflight";
import { cupConnection } from "./components/cup";
import { type LabConfig, parseConfig } from "./config";

export class PreflightFailed extends Error {
  constructor(
    message: string,
    readonly report: PreflightReport,
  ) {
    super(message);
  }
}

/** CUP's preflight for a checked stack config; throws PreflightFailed naming every problem. */
export async function preflightCup(config: Record<string, unknown>, print: (line: string) => void = () => {}): Promise<PreflightReport> {
  const cfg = parseConfig(config).config as LabConfig;
  const connection = cupConnection(cfg);
  const client = new CupClient(connection, { info: () => {}, warn: (m) => print(`warning: ${m}`) });
  try {
    const report = await preflight(client);
    const lines = formatPreflight(cfg.cup.host, report);
    if (report.problems.length) throw new PreflightFailed(lines.join("\n"), report);
    lines.forEach(print);
    return report;
  } finally {
    client.close();
  }
}
