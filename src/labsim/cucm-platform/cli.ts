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
import type { SimRelease } from "../cucm/releases";
import { familyOf } from "../cucm/releases";
import type { PlatformServices, ServiceChange, ServiceStatus } from "./services";

export interface CliResult {
  lines: string[];
  ok: boolean;
  /** The session ends (quit / exit). */
  exit?: boolean;
}

export interface CliContext {
  release: SimRelease;
  version: string;
  services: PlatformServices;
  user: string;
  hostname: string;
}

const words = (line: string): string[] => line.trim().split(/\s+/).filter(Boolean);

function invalid(line: string): CliResult {
  return { lines: ["Executed command unsuccessfully", `Invalid command: ${line.trim()}`], ok: false };
}

/** A service's status, whatever catalog (CUCM's or CUP's) it comes from. */
type NodeStatus = Omit<ServiceStatus, "def">;

/** `Name[STARTED]`, `Name[STOPPED]  Service Not Activated`, as `utils service list` prints them. */
export function statusLine(s: NodeStatus): string {
  if (s.status === "Started") return `${s.name}[STARTED]`;
  return `${s.name}[STOPPED]  ${s.reason === "not-activated" ? "Service Not Activated" : "Commanded Out of Service"}`;
}

/** One Control Center command's outcome, as CUCM's and CUP's service tables report it. */
interface ControlChange {
  name: string;
  problem?: string;
  after: NodeStatus;
}

/** A node's services as the platform CLI lists and controls them (CUCM's or CUP's). */
export interface CliServices {
  all(): NodeStatus[];
  def(name: string): unknown;
  start(name: string): ControlChange;
  stop(name: string): ControlChange;
  restart(name: string): ControlChange;
}

/**
 * The Cisco Voice OS platform CLI that CUCM and CUP share: `show version active`, `show myself`,
 * `utils service list|start|stop|restart`, quit / exit; anything else is an invalid command.
 */
export interface PlatformCli {
  version: string;
  /** Installed COP files / options `show version active` lists. */
  installedOptions: string[];
  services: CliServices;
  hostname: string;
  user: string;
  /** `quit` / `exit` end the session only as the whole command (CUP); otherwise with anything after them too. */
  quitAlone: boolean;
  /** `utils service activate|deactivate <name>` (a known service): absent when the CLI has no such commands. */
  activation?: (verb: "activate" | "deactivate", name: string, head: string[]) => CliResult;
}

function serviceList(services: CliServices): CliResult {
  const all = services.all();
  // Started services first, then the stopped ones, as the CLI lists them.
  const lines = ["Requesting service status, please wait...", ...all.filter((s) => s.status === "Started").map(statusLine), ...all.filter((s) => s.status !== "Started").map(statusLine)];
  lines.push("Primary Node =true");
  return { lines, ok: true };
}

function control(cli: PlatformCli, verb: string, name: string, act?: (head: string[]) => CliResult): CliResult {
  if (!name) return { lines: ["Executed command unsuccessfully", `Usage: utils service ${verb} <service name>`], ok: false };
  const head = ["Service Manager is running"];
  if (!cli.services.def(name)) return { lines: [...head, "Executed command unsuccessfully", `Invalid service name: ${name}`], ok: false };
  if (act) return act(head);
  const c = verb === "start" ? cli.services.start(name) : verb === "stop" ? cli.services.stop(name) : cli.services.restart(name);
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

/** Runs one command line, already split into words `w`. */
export function runPlatformCli(cli: PlatformCli, w: string[], line: string): CliResult {
  const lower = w.map((x) => x.toLowerCase());
  if (!w.length) return { lines: [], ok: true };
  if ((lower[0] === "quit" || lower[0] === "exit") && (!cli.quitAlone || w.length === 1)) return { lines: [], ok: true, exit: true };
  if (lower[0] === "show") {
    if (lower[1] === "version" && lower[2] === "active" && w.length === 3) {
      return {
        lines: [
          `Active Master Version: ${cli.version}`,
          "Active Version Installed Software Options:",
          ...(cli.installedOptions.length ? cli.installedOptions : ["No Installed Software Options Found."]),
        ],
        ok: true,
      };
    }
    if (lower[1] === "myself" && w.length === 2) {
      return {
        lines: [`Machine Name    : ${cli.hostname}`, `account name    : ${cli.user}`, "privilege level : 4", "command count   : disabled", "logging setting : disabled"],
        ok: true,
      };
    }
    return invalid(line);
  }
  if (lower[0] === "utils" && lower[1] === "service") {
    const verb = lower[2];
    if (verb === "list" && (w.length === 3 || (w.length === 4 && lower[3] === "page"))) return serviceList(cli.services);
    const name = w.slice(3).join(" ");
    if (verb === "start" || verb === "stop" || verb === "restart") return control(cli, verb, name);
    const activation = cli.activation;
    if ((verb === "activate" || verb === "deactivate") && activation) return control(cli, verb, name, (head) => activation(verb, name, head));
    return invalid(line);
  }
  return invalid(line);
}

/** CUCM 12.x's `utils service activate|deactivate` (CUCM 7.0's CLI has none). */
function activation(services: PlatformServices, verb: "activate" | "deactivate", name: string, head: string[]): CliResult {
  const c: ServiceChange = verb === "activate" ? services.activate(name) : services.deactivate(name);
  if (c.problem === "not-deployable") return { lines: [...head, "Executed command unsuccessfully", `${c.name} is a network service: it cannot be activated or deactivated`], ok: false };
  if (verb === "activate") return { lines: [...head, `${c.name}[STARTING]`, `${c.name}[STARTED]`, `${c.name} Activated`], ok: true };
  return { lines: [...head, `${c.name}[STOPPING]`, `${c.name}[NOTRUNNING]`, `${c.name} Deactivated`], ok: true };
}

/** Runs one command line. */
export function runCli(ctx: CliContext, line: string): CliResult {
  return runPlatformCli(
    {
      version: ctx.version,
      installedOptions: [],
      services: ctx.services,
      hostname: ctx.hostname,
      user: ctx.user,
      quitAlone: false,
      ...(familyOf(ctx.release) === "12" ? { activation: (verb, name, head) => activation(ctx.services, verb, name, head) } : {}),
    },
    words(line),
    line,
  );
}

/** The banner an interactive session opens with. */
export function banner(_ctx?: CliContext): string[] {
  return ["", "Command Line Interface is starting up, please wait ...", "", "   Welcome to the Platform Command Line Interface", ""];
}
