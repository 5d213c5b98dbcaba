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
import { statusLine } from "../cucm-platform/cli";
import type { CupServiceChange, CupServices } from "./services";

export interface CupCliContext {
  version: string;
  /** Installed COP files / options `show version active` lists (default none). */
  installedOptions: string[];
  services: CupServices;
  hostname: string;
  user: string;
}

function invalid(line: string): CliResult {
  return { lines: ["Executed command unsuccessfully", `Invalid command: ${line.trim()}`], ok: false };
}

/** Splits a command line into words; "double quoted" words keep their spaces. */
export function cliWords(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"?|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] ?? m[2]!);
  return out;
}

function serviceList(ctx: CupCliContext): CliResult {
  const all = ctx.services.all();
  const lines = [
    "Requesting service status, please wait...",
    ...all.filter((s) => s.status === "Started").map(statusLine),
    ...all.filter((s) => s.status !== "Started").map(statusLine),
    "Primary Node =true",
  ];
  return { lines, ok: true };
}

function control(ctx: CupCliContext, verb: "start" | "stop" | "restart", name: string): CliResult {
  if (!name) return { lines: ["Executed command unsuccessfully", `Usage: utils service ${verb} <service name>`], ok: false };
  const head = ["Service Manager is running"];
  if (!ctx.services.def(name)) return { lines: [...head, "Executed command unsuccessfully", `Invalid service name: ${name}`], ok: false };
  const c: CupServiceChange = ctx.services[verb](name);
  if (c.problem === "not-activated") return { lines: [...head, statusLine(c.after)], ok: false };
  const n = c.name;
  switch (verb) {
    case "start":
      return { lines: [...head, `${n}[STARTING]`, `${n}[STARTED]`], ok: true };
    case "stop":
      return { lines: [...head, `${n}[STOPPING]`, "Commanded Out of Service", `${n}[NOTRUNNING]`], ok: true };
    default:
      return { lines: [...head, `${n}[STOPPING]`, `${n}[STOPPING]`, "Commanded Out of Service", `${n}[STARTING]`, `${n}[STARTED]`], ok: true };
  }
}

/** Runs one command line. */
export function runCupCli(ctx: CupCliContext, line: string): CliResult {
  const w = cliWords(line);
  const lower = w.map((x) => x.toLowerCase());
  if (!w.length) return { lines: [], ok: true };
  if ((lower[0] === "quit" || lower[0] === "exit") && w.length === 1) return { lines: [], ok: true, exit: true };
  if (lower[0] === "show") {
    if (lower[1] === "version" && lower[2] === "active" && w.length === 3) {
      return {
        lines: [
          `Active Master Version: ${ctx.version}`,
          "Active Version Installed Software Options:",
          ...(ctx.installedOptions.length ? ctx.installedOptions : ["No Installed Software Options Found."]),
        ],
        ok: true,
      };
    }
    if (lower[1] === "myself" && w.length === 2) {
      return {
        lines: [`Machine Name    : ${ctx.hostname}`, `account name    : ${ctx.user}`, "privilege level : 4", "command count   : disabled", "logging setting : disabled"],
        ok: true,
      };
    }
    return invalid(line);
  }
  if (lower[0] === "utils" && lower[1] === "service") {
    const verb = lower[2];
    if (verb === "list" && (w.length === 3 || (w.length === 4 && lower[3] === "page"))) return serviceList(ctx);
    if (verb === "start" || verb === "stop" || verb === "restart") return control(ctx, verb, w.slice(3).join(" "));
    return invalid(line);
  }
  return invalid(line);
}

/** The banner an interactive session opens with. */
export function cupBanner(): string[] {
  return ["", "Command Line Interface is starting up, please wait ...", "", "   Welcome to the Platform Command Line Interface", ""];
}
