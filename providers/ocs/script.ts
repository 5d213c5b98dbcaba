/**
 * The PowerShell rcclab runs on an OCS 2007 R2 front end (over SSH exec) to read and change the
 * pool's static routes and authorized hosts through OCS's WMI provider.
 *
 * WMI classes (namespace root\cimv2), from Microsoft's Office Communications Server 2007 R2 Server
 * SDK WMI reference:
 * - MSFT_SIPRoutingTableData — a static route of the pool (Front End Properties → Routing tab):
 *   [key] string Backend; boolean Enabled; [key] string InstanceID; string MatchURI; string NextHop;
 *   uint32 NextHopPort; string NextHopTransport; boolean ReplaceHostInRequestURI; uint8[] TLSCertIssuer;
 *   uint8[] TLSCertSN. https://learn.microsoft.com/en-us/previous-versions/office/developer/communication-server-2007-R2/dd167403(v=office.13)
 * - MSFT_SIPRemoteAddressData — an authorized host of the pool (Front End Properties → Host
 *   Authorization tab): [key] string Backend; [key] string InstanceID; boolean OutboundOnly;
 *   string Server; boolean ThrottleAsServer; boolean TreatAsAuthenticated.
 *   https://learn.microsoft.com/en-us/previous-versions/office/developer/communication-server-2007-R2/dd146524(v=office.13)
 * - MSFT_SIPPoolSetting — a pool (global, in AD): PoolFQDN, BackEndDBPath (the pool's SQL back end).
 *   https://learn.microsoft.com/en-us/previous-versions/office/developer/communication-server-2007-r2/dd129963(v=office.13)
 * Neither data class defines methods: an instance is created with the class's CreateInstance() and
 * Put(), changed by setting properties and Put(), removed with Delete() (standard WMI instance
 * operations; the classes' remarks list PutInstance / DeleteInstance / EnumerateInstances). Both are
 * pool-level classes stored in the pool's SQL back end: every create, update and delete must carry
 * the Backend property, "SQL_Instance_Name" for Enterprise Edition, "(local)\rtc" for Standard
 * Edition ("Using the Backend Property",
 * https://learn.microsoft.com/en-us/previous-versions/office/developer/communication-server-2007-r2/dd146574(v=office.13)),
 * so reads are filtered on it too: the script finds it from the pool's MSFT_SIPPoolSetting
 * (PoolFQDN → BackEndDBPath) unless the connection names it.
 * Static routes carry TCP or TLS ("Proxy and Routing Settings": "Currently, there are two choices:
 * TCP and TLS").
 *
 * Safety: each operation has one fixed body; the only variable text is a header of assignments
 * `$name='literal'`, one per variable of the operation, in a fixed order. Literals are printable ASCII only (PowerShell
 * also ends a single-quoted string at the typographic quotes U+2018–U+201B, so anything outside
 * ASCII is refused rather than escaped) with every `'` doubled; control characters and newlines are
 * refused. No input reaches a WQL query (filters are Where-Object comparisons against variables),
 * and the script travels as -EncodedCommand (base64 of UTF-16LE), so neither cmd.exe nor a POSIX
 * shell on the SSH server sees anything but [A-Za-z0-9+/=].
 *
 * Output: Windows Server 2003/2008 with PowerShell 1.0/2.0 has no ConvertTo-Json, so the script
 * formats JSON itself: a small function Q emits every string as a JSON string, passing only
 * [A-Za-z0-9.-_:@*{}] through and writing every other character as \uXXXX (so no value can break
 * the JSON or forge a marker line); booleans and uint32 are written bare. One line
 * `RCCLAB-JSON:[{"InstanceID":…,"Backend":…,"MatchURI":…},…]` (objects keyed by the WMI property
 * names) on stdout is the answer; a failure
 * is one line `RCCLAB-ERROR:<code>:<message>` on stderr and the same code as the exit status
 * (1 WMI/PowerShell error, 3 not found, 4 already exists, 5 bad request, 6 several entries match).
 * Only PowerShell 1.0 language is used: trap (no try/catch), [string]::Join (no -join),
 * [Console]::Out (no line wrapping by the host).
 *
 * Size: the encoded command costs 2.67 characters per script character and cmd.exe takes at most
 * 8191, so each operation carries only the functions it needs (a create ~1.5 k characters, leaving
 * room for the longest names DNS allows); the client refuses a command longer than 8000.
 */

export const OPS = ["route.get", "route.create", "route.update", "route.delete", "host.get", "host.create", "host.update", "host.delete"] as const;
export type Op = (typeof OPS)[number];

/** Every header variable. The pool's back end comes from `backend`, or else from `pool`. */
export type ScriptVar =
  | "pool"
  | "backend"
  | "instanceId"
  | "matchUri"
  | "nextHop"
  | "port"
  | "transport"
  | "replaceHost"
  | "enabled"
  | "server"
  | "outboundOnly"
  | "throttleAsServer"
  | "treatAsAuthenticated";
export type ScriptVars = Partial<Record<ScriptVar, string>>;

const ROUTE_SET = ["matchUri", "nextHop", "port", "transport", "replaceHost", "enabled"] as const;
const HOST_SET = ["server", "outboundOnly", "throttleAsServer", "treatAsAuthenticated"] as const;

/** The header variables of each operation, in order (after pool and backend). */
export const OP_VARS: Record<Op, readonly ScriptVar[]> = {
  "route.get": ["matchUri"],
  "route.create": ROUTE_SET,
  "route.update": ROUTE_SET,
  "route.delete": ["matchUri", "instanceId"],
  "host.get": ["server"],
  "host.create": HOST_SET,
  "host.update": HOST_SET,
  "host.delete": ["server", "instanceId"],
};

/** The header's variable names for an operation, in order. */
export const headerVars = (op: Op): readonly ScriptVar[] => ["pool", "backend", ...OP_VARS[op]];

/** The first line of every script. */
export const SCRIPT_PRELUDE = "$ErrorActionPreference='Stop'";

/*
 * The body's pieces. F: fail with a code; Q: a JSON string; W: a class's instances; the pool's
 * back end; the class ($cls), its key ($kv) and managed properties ($ps, the key first) and, for
 * create and update, their new values ($vs); R: this pool's entries for the key (and an InstanceID);
 * E: answer entries as JSON objects keyed by WMI property names and exit 0; S: set $ps to $vs and
 * Put(); K: the key must not be empty; C: exactly one entry must match.
 * ? is Where-Object's alias (PowerShell 1.0 has it); -eq compares strings case-insensitively.
 */
const COMMON = [
  String.raw`trap{F 1 $_.Exception.Message}`,
  String.raw`function F($c,$m){[Console]::Error.WriteLine('RCCLAB-ERROR:'+$c+':'+$m);exit $c}`,
  String.raw`function Q([string]$s){$o='"';foreach($c in $s.ToCharArray()){if($c -match '[\w.:@*{}-]' -and [int]$c -lt 128){$o+=$c}else{$o+='\u{0:x4}' -f [int]$c}};$o+'"'}`,
  String.raw`function W($c){@(Get-WmiObject -Namespace root\cimv2 -Class $c)}`,
  String.raw`if(!$backend){$p=@(W MSFT_SIPPoolSetting|?{!$pool -or $_.PoolFQDN -eq $pool});if($p.Count -ne 1){F 5 ([string]$p.Count+' pools match '+(Q $pool))};$backend=$p[0].BackEndDBPath}`,
];
const ROUTE = String.raw`$cls='MSFT_SIPRoutingTableData';$kv=$matchUri;$ps='MatchURI','NextHop','NextHopPort','NextHopTransport','ReplaceHostInRequestURI','Enabled'`;
const ROUTE_VALUES = String.raw`$vs=$matchUri,$nextHop,[uint32]$port,$transport,($replaceHost -eq 'true'),($enabled -eq 'true')`;
const HOST = String.raw`$cls='MSFT_SIPRemoteAddressData';$kv=$server;$ps='Server','OutboundOnly','ThrottleAsServer','TreatAsAuthenticated'`;
const HOST_VALUES = String.raw`$vs=$server,($outboundOnly -eq 'true'),($throttleAsServer -eq 'true'),($treatAsAuthenticated -eq 'true')`;
const R = String.raw`function R($id){@(W $cls|?{$_.Backend -eq $backend -and (!$kv -or $_.($ps[0]) -eq $kv) -and (!$id -or $_.InstanceID -eq $id)})}`;
const E = String.raw`function E($rows){$a=@();foreach($o in $rows){if($o){$b=@();foreach($p in @('InstanceID','Backend')+$ps){$v=$o.$p;if($v -is [bool]){$v=([string]$v).ToLower()}elseif($v -isnot [uint32]){$v=Q $v};$b+='"'+$p+'":'+$v};$a+='{'+[string]::Join(',',[string[]]$b)+'}'}};[Console]::Out.WriteLine('RCCLAB-JSON:['+[string]::Join(',',[string[]]$a)+']');exit 0}`;
const S = String.raw`function S($o){for($i=0;$i -lt $ps.Count;$i++){$o.($ps[$i])=$vs[$i]};[void]$o.Put()}`;
const K = String.raw`if(!$kv){F 5 'the key is empty'}`;
const C = String.raw`if($cur.Count -eq 0){F 3 ('no entry for '+(Q $kv))};if($cur.Count -gt 1){F 6 ([string]$cur.Count+' entries for '+(Q $kv))}`;
const VERBS = {
  get: [R, E, String.raw`E (R '')`],
  create: [R, E, S, K, String.raw`if(@(R '').Count){F 4 ('an entry for '+(Q $kv)+' exists')}`, String.raw`$n=([wmiclass]('root\cimv2:'+$cls)).CreateInstance();$n.Backend=$backend;S $n;E (R '')`],
  update: [R, E, S, K, String.raw`$cur=@(R '')`, C, String.raw`S $cur[0];E (R '')`],
  delete: [R, K, String.raw`$cur=@(R $instanceId)`, C, String.raw`$cur[0].Delete();[Console]::Out.WriteLine('RCCLAB-JSON:[]');exit 0`],
} as const;

/** The fixed body (PowerShell 1.0 language) of an operation, after the header. */
export function scriptBody(op: Op): string {
  const [kind, verb] = op.split(".") as ["route" | "host", keyof typeof VERBS];
  const cls = kind === "route" ? [ROUTE, ...(verb === "create" || verb === "update" ? [ROUTE_VALUES] : [])] : [HOST, ...(verb === "create" || verb === "update" ? [HOST_VALUES] : [])];
  return [...COMMON, ...cls, ...VERBS[verb]].join("\n");
}

/** The command line the SSH server's shell runs (cmd.exe or a POSIX shell: only safe characters). */
export const POWERSHELL_PREFIX = "powershell.exe -NoLogo -NoProfile -NonInteractive -InputFormat Text -OutputFormat Text -EncodedCommand ";

/** cmd.exe's limit on a command line; the encoded script must fit with room to spare. */
export const MAX_COMMAND_LENGTH = 8000;

/** Why a value cannot be a literal, or undefined when it can. */
export function literalProblem(value: string): string | undefined {
  if (value.length > 1024) return "is longer than 1024 characters";
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if (c === 0x0a || c === 0x0d) return "contains a line break";
    if (c < 0x20 || c === 0x7f) return `contains the control character U+${c.toString(16).padStart(4, "0").toUpperCase()}`;
    if (c > 0x7e) return `contains the non-ASCII character U+${c.toString(16).padStart(4, "0").toUpperCase()}`;
  }
  return undefined;
}

/** A PowerShell single-quoted string literal; throws on anything that is not printable ASCII. */
export function psLiteral(value: string): string {
  const problem = literalProblem(value);
  if (problem) throw new Error(`a PowerShell literal ${problem}`);
  return `'${value.replace(/'/g, "''")}'`;
}

/** The whole script for one operation: prelude, header (absent variables are empty), body. */
export function buildScript(op: Op, vars: ScriptVars): string {
  const header = headerVars(op).map((name) => `$${name}=${psLiteral(vars[name] ?? "")}`);
  return [SCRIPT_PRELUDE, ...header, scriptBody(op)].join("\n");
}

/** -EncodedCommand's argument: base64 of the script's UTF-16LE bytes. */
export function encodeScript(script: string): string {
  return Buffer.from(script, "utf16le").toString("base64");
}

/** The exec command for one operation. */
export function buildCommand(op: Op, vars: ScriptVars): string {
  return POWERSHELL_PREFIX + encodeScript(buildScript(op, vars));
}

/** A header line `$name='…'` → the literal's value, or undefined when the line is anything else. */
export function parseAssignment(line: string, name: string): string | undefined {
  const m = /^\$([A-Za-z]+)='((?:[^']|'')*)'$/.exec(line);
  if (!m || m[1] !== name) return undefined;
  return m[2]!.replace(/''/g, "'");
}

export interface ScriptOutcome {
  /** The JSON answer, when the script printed one. */
  json?: unknown;
  /** The RCCLAB-ERROR line's code and message, when there is one. */
  error?: { code: number; message: string };
}

/** Find the marker lines in a command's stdout and stderr (other lines, e.g. CLIXML noise, are ignored). */
export function parseOutcome(stdout: string, stderr: string): ScriptOutcome {
  const out: ScriptOutcome = {};
  for (const line of stdout.split(/\r?\n/)) {
    if (line.startsWith("RCCLAB-JSON:")) {
      out.json = JSON.parse(line.slice("RCCLAB-JSON:".length));
      break;
    }
  }
  for (const line of stderr.split(/\r?\n/)) {
    const m = /^RCCLAB-ERROR:(\d+):(.*)$/.exec(line);
    if (m) {
      out.error = { code: Number(m[1]), message: m[2]!.trim() };
      break;
    }
  }
  return out;
}

/** The JSON string the script's Q function writes (the simulator answers in the same form). */
export function psJsonString(s: string): string {
  let o = '"';
  for (const ch of s) {
    const n = ch.charCodeAt(0);
    if (/[A-Za-z0-9.\-_:@*{}]/.test(ch)) o += ch;
    else if (ch.length === 1) o += `\\u${n.toString(16).padStart(4, "0")}`;
    else for (const unit of [ch.charCodeAt(0), ch.charCodeAt(1)]) o += `\\u${unit.toString(16).padStart(4, "0")}`;
  }
  return `${o}"`;
}
