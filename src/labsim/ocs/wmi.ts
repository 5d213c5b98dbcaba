/**
 * The simulated front end's WMI data and the interpreter for the PowerShell rcclab sends.
 *
 * A command is accepted only when it is exactly the provider's form: `powershell.exe` with the
 * provider's switches and -EncodedCommand, a canonical base64 of UTF-16LE, whose script is the
 * prelude, one `$name='literal'` line per variable in the provider's order, and the provider's
 * fixed body byte for byte. Anything else is answered as cmd.exe or PowerShell would refuse it
 * (non-zero exit), and logged as rejected. The accepted script's meaning is then carried out on the
 * simulator's tables with the script's semantics: case-insensitive comparisons, rows filtered on the
 * pool's Backend, exit codes 3/4/5/6, Access denied for accounts that are not OCS administrators.
 */
import { randomUUID } from "node:crypto";
import {
  OPS,
  type Op,
  POWERSHELL_PREFIX,
  SCRIPT_PRELUDE,
  type ScriptVar,
  type ScriptVars,
  headerVars,
  parseAssignment,
  psJsonString,
  scriptBody,
} from "../../../providers/ocs/script";

/** MSFT_SIPPoolSetting (the properties the script reads). */
export interface PoolRow {
  PoolFQDN: string;
  BackEndDBPath: string;
}
/** MSFT_SIPRoutingTableData. */
export interface RouteRow {
  Backend: string;
  InstanceID: string;
  MatchURI: string;
  NextHop: string;
  NextHopPort: number;
  NextHopTransport: string;
  ReplaceHostInRequestURI: boolean;
  Enabled: boolean;
}
/** MSFT_SIPRemoteAddressData. */
export interface HostRow {
  Backend: string;
  InstanceID: string;
  Server: string;
  OutboundOnly: boolean;
  ThrottleAsServer: boolean;
  TreatAsAuthenticated: boolean;
}

export interface OcsState {
  pools: PoolRow[];
  routes: RouteRow[];
  hosts: HostRow[];
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** Set when the command was not the provider's form (nothing ran). */
  rejected?: string;
  op?: Op;
  vars?: ScriptVars;
  /** True when the command changed the tables. */
  changed?: boolean;
}

const CRLF = "\r\n";
export const newInstanceId = (): string => `{${randomUUID().toUpperCase()}}`;
const eq = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** How cmd.exe answers a command it cannot find. */
function notRecognized(command: string): CommandResult {
  const word = command.trim().split(/\s+/)[0] ?? "";
  return {
    stdout: "",
    stderr: `'${word}' is not recognized as an internal or external command,${CRLF}operable program or batch file.${CRLF}`,
    exitCode: 9009,
    rejected: "not a powershell.exe command",
  };
}

function psRejected(reason: string, detail: string): CommandResult {
  return { stdout: "", stderr: `${detail}${CRLF}    + CategoryInfo          : ParserError: (:) [], ParentContainsErrorRecordException${CRLF}`, exitCode: 1, rejected: reason };
}

/** The script of an accepted command, or the refusal. */
export function parseCommand(command: string): { accepted: true; op: Op; vars: ScriptVars } | CommandResult {
  if (!command.startsWith(POWERSHELL_PREFIX)) {
    if (/^powershell(\.exe)?\s/i.test(command)) {
      return psRejected("unexpected powershell.exe arguments", "Missing expression after unary operator '-'.");
    }
    return notRecognized(command);
  }
  const b64 = command.slice(POWERSHELL_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) {
    return psRejected("-EncodedCommand is not base64", "Cannot process the command because the value specified with -EncodedCommand is not properly encoded. The value must be Base64 encoded.");
  }
  const bytes = Buffer.from(b64, "base64");
  if (bytes.toString("base64") !== b64 || bytes.length % 2 !== 0) {
    return psRejected("-EncodedCommand is not canonical UTF-16LE base64", "Cannot process the command because the value specified with -EncodedCommand is not properly encoded.");
  }
  const script = bytes.toString("utf16le");
  if (Buffer.from(script, "utf16le").toString("base64") !== b64) {
    return psRejected("the script is not valid UTF-16LE", "The string is missing the terminator: '.");
  }
  const lines = script.split("\n");
  if (lines[0] !== SCRIPT_PRELUDE) return psRejected("line 1 is not the prelude", `At line:1 char:1${CRLF}+ ${lines[0]?.slice(0, 60)}`);
  // The operation is the one whose fixed body ends the script after a header of its length.
  const op = OPS.find((o) => lines.slice(1 + headerVars(o).length).join("\n") === scriptBody(o));
  if (!op) {
    const first = lines.findIndex((l, i) => i > 0 && !/^\$[A-Za-z]+='(?:[^']|'')*'$/.test(l));
    const n = first < 0 ? lines.length - 1 : first;
    return psRejected("the script is not the provider's for any operation", `At line:${n + 1} char:1${CRLF}+ ${(lines[n] ?? "").slice(0, 80)}${CRLF}Unexpected token in expression or statement.`);
  }
  const vars: ScriptVars = {};
  const names = headerVars(op);
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const line = lines[i + 1] ?? "";
    const value = parseAssignment(line, name);
    if (value === undefined) {
      return psRejected(`line ${i + 2} is not the single-quoted assignment of $${name}`, `At line:${i + 2} char:1${CRLF}+ ${line.slice(0, 80)}${CRLF}Unexpected token in expression or statement.`);
    }
    if (/[\x00-\x1f\x7f]/.test(value)) {
      return psRejected(`$${name} holds a control character`, `At line:${i + 2} char:1${CRLF}The string is missing the terminator: '.`);
    }
    vars[name] = value;
  }
  return { accepted: true, op, vars };
}

const fail = (code: number, message: string): { stdout: string; stderr: string; exitCode: number } => ({
  stdout: "",
  stderr: `RCCLAB-ERROR:${code}:${message}${CRLF}`,
  exitCode: code,
});

const bool = (v: boolean): string => (v ? "true" : "false");
/** The script's E function: an object keyed by WMI property names, InstanceID and Backend first. */
function entryJson(row: object, props: readonly string[]): string {
  const r = row as Record<string, unknown>;
  const parts = ["InstanceID", "Backend", ...props].map((p) => {
    const v = r[p];
    return `"${p}":${typeof v === "boolean" ? bool(v) : typeof v === "number" ? String(v) : psJsonString(String(v ?? ""))}`;
  });
  return `{${parts.join(",")}}`;
}
const ROUTE_PROPS = ["MatchURI", "NextHop", "NextHopPort", "NextHopTransport", "ReplaceHostInRequestURI", "Enabled"] as const;
const HOST_PROPS = ["Server", "OutboundOnly", "ThrottleAsServer", "TreatAsAuthenticated"] as const;

/** Run an accepted script's operation on the tables (mutating `state`). */
export function runScript(state: OcsState, op: Op, given: ScriptVars, opts: { wmiAccess: boolean }): { stdout: string; stderr: string; exitCode: number; changed: boolean } {
  // PowerShell reads a variable the header did not assign as $null: empty here.
  const vars = new Proxy(given, { get: (t, k) => t[k as ScriptVar] ?? "" }) as Required<ScriptVars>;
  const done = (r: { stdout: string; stderr: string; exitCode: number }, changed = false) => ({ ...r, changed });
  if (!opts.wmiAccess) return done(fail(1, "Access denied "));
  let backend = vars.backend;
  if (backend === "") {
    const p = state.pools.filter((x) => vars.pool === "" || eq(x.PoolFQDN, vars.pool));
    if (p.length !== 1) return done(fail(5, `${p.length} pools match ${psJsonString(vars.pool)}; name the pool or its back end in the connection`));
    backend = p[0]!.BackEndDBPath;
  } else if (!state.pools.some((p) => eq(p.BackEndDBPath, backend))) {
    // The WMI provider cannot reach a SQL instance that serves no pool.
    return done(fail(1, "Invalid parameter "));
  }
  const route = op.startsWith("route.");
  const kv = route ? vars.matchUri : vars.server;
  const emit = (rows: (RouteRow | HostRow)[]) =>
    ({ stdout: `RCCLAB-JSON:[${rows.map((r) => entryJson(r, route ? ROUTE_PROPS : HOST_PROPS)).join(",")}]${CRLF}`, stderr: "", exitCode: 0 });
  const rows = (id: string): (RouteRow | HostRow)[] =>
    (route ? state.routes : state.hosts).filter(
      (r) => eq(r.Backend, backend) && (kv === "" || eq(route ? (r as RouteRow).MatchURI : (r as HostRow).Server, kv)) && (id === "" || eq(r.InstanceID, id)),
    );
  const set = (o: RouteRow | HostRow): { stdout: string; stderr: string; exitCode: number } | undefined => {
    if (route) {
      const r = o as RouteRow;
      if (!/^\d+$/.test(vars.port) || Number(vars.port) > 0xffffffff) {
        return fail(1, `Cannot convert value "${vars.port}" to type "System.UInt32". Error: "Input string was not in a correct format."`);
      }
      const port = Number(vars.port);
      // The WMI provider's own checks (Put fails with "Invalid parameter", WBEM_E_INVALID_PARAMETER).
      if (port < 1 || port > 65535 || !["TCP", "TLS"].includes(vars.transport.toUpperCase()) || vars.nextHop === "" || vars.matchUri === "") {
        return fail(1, "Exception calling \"Put\" with \"0\" argument(s): \"Invalid parameter \"");
      }
      r.MatchURI = vars.matchUri;
      r.NextHop = vars.nextHop;
      r.NextHopPort = port;
      r.NextHopTransport = vars.transport;
      r.ReplaceHostInRequestURI = vars.replaceHost === "true";
      r.Enabled = vars.enabled === "true";
    } else {
      const h = o as HostRow;
      if (vars.server === "" || vars.server === "0.0.0.0") return fail(1, "Exception calling \"Put\" with \"0\" argument(s): \"Invalid parameter \"");
      h.Server = vars.server;
      h.OutboundOnly = vars.outboundOnly === "true";
      h.ThrottleAsServer = vars.throttleAsServer === "true";
      h.TreatAsAuthenticated = vars.treatAsAuthenticated === "true";
    }
    return undefined;
  };
  const verb = op.slice(op.indexOf(".") + 1);
  if (verb === "get") return done(emit(rows("")));
  if (kv === "") return done(fail(5, "the key is empty"));
  if (verb === "create") {
    if (rows("").length > 0) return done(fail(4, `an entry for ${psJsonString(kv)} exists`));
    const fresh: RouteRow | HostRow = route
      ? { Backend: backend, InstanceID: newInstanceId(), MatchURI: "", NextHop: "", NextHopPort: 0, NextHopTransport: "", ReplaceHostInRequestURI: false, Enabled: false }
      : { Backend: backend, InstanceID: newInstanceId(), Server: "", OutboundOnly: false, ThrottleAsServer: false, TreatAsAuthenticated: false };
    const bad = set(fresh);
    if (bad) return done(bad);
    if (route) state.routes.push(fresh as RouteRow);
    else state.hosts.push(fresh as HostRow);
    return done(emit(rows("")), true);
  }
  const cur = verb === "delete" ? rows(vars.instanceId) : rows("");
  if (cur.length === 0) return done(fail(3, `no entry for ${psJsonString(kv)}`));
  if (cur.length > 1) return done(fail(6, `${cur.length} entries for ${psJsonString(kv)}`));
  if (verb === "update") {
    // Put writes the changed copy: validate on a copy so a refused Put changes nothing.
    const copy = { ...cur[0]! };
    const bad = set(copy);
    if (bad) return done(bad);
    Object.assign(cur[0]!, copy);
    return done(emit(rows("")), true);
  }
  if (route) state.routes = state.routes.filter((r) => r !== cur[0]);
  else state.hosts = state.hosts.filter((h) => h !== cur[0]);
  return done(emit([]), true);
}

/** Parse and run one exec command. */
export function execCommand(state: OcsState, command: string, opts: { wmiAccess: boolean }): CommandResult {
  const parsed = parseCommand(command);
  if (!("accepted" in parsed)) return parsed;
  const r = runScript(state, parsed.op, parsed.vars, opts);
  return { ...r, op: parsed.op, vars: parsed.vars };
}
