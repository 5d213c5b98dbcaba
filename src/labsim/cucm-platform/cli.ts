/**
 * The CUCM platform CLI (the `admin:` prompt over SSH), for the commands rcclab and its lab need:
 *   show version active                       Active Master Version: <version>
 *   show myself                               the account's name and privilege level
 *   utils service list [page]                 Name[STARTED] | Name[STOPPED]  Service Not Activated / Commanded Out of Service
 *   utils service start|stop|restart <name>   Control Center for one service
 *   utils service activate|deactivate <name>  12.x family only: CUCM 7.0's CLI has no service
 *                                             activation (Serviceability's Service Activation page,
 *                                             or its SOAP API, does it there)
 *   quit / exit
 * Anything else is answered as the CLI answers a command it does not have. Each command returns its
 * output lines and whether it succeeded (an exec channel's exit code).
 */
import type { AxlRelease } from "../../../providers/cucm/axl/model";
import { familyOf } from "../../../providers/cucm/axl/model";
import type { PlatformServices, ServiceChange, ServiceStatus } from "./services";

export interface CliResult {
  lines: string[];
  ok: boolean;
  /** The session ends (quit / exit). */
  exit?: boolean;
}

export interface CliContext {
  release: AxlRelease;
  version: string;
  services: PlatformServices;
  user: string;
  hostname: string;
}

const words = (line: string): string[] => line.trim().split(/\s+/).filter(Boolean);

function invalid(line: string): CliResult {
  return { lines: ["Executed command unsuccessfully", `Invalid command: ${line.trim()}`], ok: false };
}

/** `Name[STARTED]`, `Name[STOPPED]  Service Not Activated`, as `utils service list` prints them. */
export function statusLine(s: ServiceStatus): string {
  if (s.status === "Started") return `${s.name}[STARTED]`;
  return `${s.name}[STOPPED]  ${s.reason === "not-activated" ? "Service Not Activated" : "Commanded Out of Service"}`;
}

function serviceList(ctx: CliContext): CliResult {
  const all = ctx.services.all();
  // Started services first, then the stopped ones, as the CLI lists them.
  const lines = ["Requesting service status, please wait...", ...all.filter((s) => s.status === "Started").map(statusLine), ...all.filter((s) => s.status !== "Started").map(statusLine)];
  lines.push("Primary Node =true");
  return { lines, ok: true };
}

function control(ctx: CliContext, verb: string, name: string): CliResult {
  if (!name) return { lines: ["Executed command unsuccessfully", `Usage: utils service ${verb} <service name>`], ok: false };
  const lines = ["Service Manager is running"];
  const known = ctx.services.def(name);
  if (!known) return { lines: [...lines, "Executed command unsuccessfully", `Invalid service name: ${name}`], ok: false };
  const progress = (c: ServiceChange): CliResult => {
    if (c.problem === "not-activated") return { lines: [...lines, statusLine(c.after)], ok: false };
    if (c.after.status === "Started") return { lines: [...lines, `${c.name}[STARTING]`, `${c.name}[STARTED]`], ok: true };
    return { lines: [...lines, `${c.name}[STOPPING]`, "Commanded Out of Service", `${c.name}[NOTRUNNING]`], ok: true };
  };
  switch (verb) {
    case "start":
      return progress(ctx.services.start(name));
    case "stop":
      return progress(ctx.services.stop(name));
    case "restart": {
      const c = ctx.services.restart(name);
      if (!c.ok) return progress(c);
      return { lines: [...lines, `${c.name}[STOPPING]`, `${c.name}[STOPPING]`, "Commanded Out of Service", `${c.name}[STARTING]`, `${c.name}[STARTED]`], ok: true };
    }
    case "activate": {
      const c = ctx.services.activate(name);
      if (c.problem === "not-deployable") return { lines: [...lines, "Executed command unsuccessfully", `${c.name} is a network service: it cannot be activated or deactivated`], ok: false };
      return { lines: [...lines, `${c.name}[STARTING]`, `${c.name}[STARTED]`, `${c.name} Activated`], ok: true };
    }
    default: {
      const c = ctx.services.deactivate(name);
      if (c.problem === "not-deployable") return { lines: [...lines, "Executed command unsuccessfully", `${c.name} is a network service: it cannot be activated or deactivated`], ok: false };
      return { lines: [...lines, `${c.name}[STOPPING]`, `${c.name}[NOTRUNNING]`, `${c.name} Deactivated`], ok: true };
    }
  }
}

/** Runs one command line. */
export function runCli(ctx: CliContext, line: string): CliResult {
  const w = words(line);
  const lower = w.map((x) => x.toLowerCase());
  if (!w.length) return { lines: [], ok: true };
  if (lower[0] === "quit" || lower[0] === "exit") return { lines: [], ok: true, exit: true };
  if (lower[0] === "show") {
    if (lower[1] === "version" && lower[2] === "active" && w.length === 3) {
      return {
        lines: [`Active Master Version: ${ctx.version}`, "Active Version Installed Software Options:", "No Installed Software Options Found."],
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
    const name = w.slice(3).join(" ");
    if (verb === "start" || verb === "stop" || verb === "restart") return control(ctx, verb, name);
    if ((verb === "activate" || verb === "deactivate") && familyOf(ctx.release) === "12") return control(ctx, verb, name);
    return invalid(line);
  }
  return invalid(line);
}

/** The banner an interactive session opens with. */
export function banner(ctx: CliContext): string[] {
  return ["", "Command Line Interface is starting up, please wait ...", "", "   Welcome to the Platform Command Line Interface", ""];
}
