/**
 * CUP 7.0's platform CLI (the `admin:` prompt over SSH; CUP runs the same Cisco Voice OS platform
 * CLI as CUCM), for the commands rcclab and its lab need:
 *   show version active                       Active Master Version: <version>
 *   show myself                               the account's name and privilege level
 *   utils service list [page]                 Name[STARTED] | Name[STOPPED]  Service Not Activated / Commanded Out of Service
 *   utils service start|stop|restart <name>   Control Center for one service; the name may be quoted
 *                                             ("Cisco UP SIP Proxy"), as rcclab sends it
 *   quit / exit
 * 7.0 has no `utils service activate` (Serviceability's Service Activation page does it). Anything
 * else is answered as the CUCM simulator answers a command the CLI does not have (the same platform
 * CLI), with exit status 1 on an exec channel.
 */
import type { CliResult } from "../cucm-platform/cli";
import { banner, runPlatformCli } from "../cucm-platform/cli";
import type { CupServices } from "./services";

export interface CupCliContext {
  version: string;
  /** Installed COP files / options `show version active` lists (default none). */
  installedOptions: string[];
  services: CupServices;
  hostname: string;
  user: string;
}

/** Splits a command line into words; "double quoted" words keep their spaces. */
export function cliWords(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"?|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] ?? m[2]!);
  return out;
}

/** Runs one command line. */
export function runCupCli(ctx: CupCliContext, line: string): CliResult {
  const { version, installedOptions, services, hostname, user } = ctx;
  return runPlatformCli({ version, installedOptions, services, hostname, user, quitAlone: true }, cliWords(line), line);
}

/** The banner an interactive session opens with (the platform CLI's, as CUCM's). */
export function cupBanner(): string[] {
  return banner();
}
