/**
 * What the simulated front end's SSH server does with an exec request: the command line goes to
 * cmd.exe, which runs powershell.exe; PowerShell decodes -EncodedCommand (base64 of UTF-16LE) or
 * takes -Command's text, parses the script with the subset parser, refuses it as a parser error
 * when it uses anything the interpreter does not serve, and otherwise runs it against the front
 * end's WMI store (ps/wmihost.ts). Nothing here knows any particular client's script: the
 * operation a script performs is read from its own constructs (ps/check.ts).
 *
 * Exit codes: 9009 when cmd.exe cannot find the program; 1 for a parse error or a refused script
 * (nothing ran), for an error that ended the script, and for a bad -EncodedCommand; otherwise the
 * script's `exit` value (0 when it ends normally).
 */
import type { Stmt } from "./ps/ast";
import { type OcsOp, type ScriptSummary, checkScript, summarize } from "./ps/check";
import { Interpreter } from "./ps/interp";
import { PSParseError, parseScript } from "./ps/parser";
import { getWmiObject, wmiClass } from "./ps/wmihost";
import type { OcsWmiStore } from "./store";

export type { HostRow, OcsState, PoolRow, RouteRow } from "./store";
export type { OcsOp, ScriptSummary } from "./ps/check";

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** Set when nothing ran: why. */
  rejected?: string;
  /** The route / host operation the script performs, read from its constructs. */
  op?: OcsOp;
  /** The script's top-level `$name='literal'` assignments. */
  vars?: Record<string, string>;
  summary?: ScriptSummary;
  /** True when the command changed the WMI store. */
  changed?: boolean;
}

const CRLF = "\r\n";

/** How cmd.exe answers a program it cannot find. */
function notRecognized(command: string): CommandResult {
  const word = command.trim().split(/\s+/)[0] ?? "";
  return {
    stdout: "",
    stderr: `'${word}' is not recognized as an internal or external command,${CRLF}operable program or batch file.${CRLF}`,
    exitCode: 9009,
    rejected: "cmd.exe: not a program on this front end",
  };
}

function psError(message: string, reason: string): CommandResult {
  return { stdout: "", stderr: `${message}${CRLF}`, exitCode: 1, rejected: reason };
}

/** cmd.exe-style tokens: whitespace-separated, double quotes group. */
function tokens(command: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (const m of command.matchAll(re)) out.push(m[1] ?? m[2]!);
  return out;
}

const FLAGS = ["nologo", "noprofile", "noninteractive", "sta", "mta"];
const VALUED = ["inputformat", "outputformat", "executionpolicy", "windowstyle", "version", "encodedcommand", "command", "file", "noexit", "psconsolefile"];

/** The parameter a `-abbrev` names (PowerShell accepts unique prefixes), or undefined. */
function param(tok: string): string | undefined {
  const t = tok.slice(1).toLowerCase();
  if (t === "") return undefined;
  if (t === "ec" || t === "enc" || t === "e") return "encodedcommand";
  if (t === "c") return "command";
  const all = [...FLAGS, ...VALUED].filter((p) => p.startsWith(t));
  return all.length === 1 ? all[0] : all.includes(t) ? t : undefined;
}

/** The script a command line runs, or the refusal. */
export function scriptOf(command: string): { script: string } | CommandResult {
  const toks = tokens(command);
  if (toks.length === 0 || !/^(?:.*[\\/])?powershell(?:\.exe)?$/i.test(toks[0]!)) return notRecognized(command);
  let i = 1;
  while (i < toks.length) {
    const tok = toks[i]!;
    if (!tok.startsWith("-")) break;
    const p = param(tok);
    if (!p) break; // PowerShell takes an unknown -word as the start of the command text.
    if (FLAGS.includes(p)) {
      i++;
      continue;
    }
    const value = toks[i + 1];
    if (p === "noexit") return psError("This front end runs no interactive sessions.", "-NoExit");
    if (p === "file" || p === "psconsolefile") return psError(`Processing -${p} is not supported by this front end.`, `-${p}`);
    if (p === "encodedcommand") {
      if (value === undefined) return psError("Missing argument for parameter EncodedCommand.", "-EncodedCommand without a value");
      if (toks.length > i + 2) return psError(`Cannot process the command because of an unexpected argument '${toks[i + 2]}' after -EncodedCommand.`, "text after -EncodedCommand");
      return decode(value);
    }
    if (p === "command") {
      const text = command.slice(command.indexOf(tok) + tok.length).trim();
      if (text === "" || text === "-") return psError("This front end runs no interactive sessions.", "-Command without a script");
      return { script: text };
    }
    if (value === undefined) return psError(`Missing argument for parameter ${p}.`, `-${p} without a value`);
    if (p === "outputformat" && !/^text$/i.test(value)) return psError(`-OutputFormat ${value} is not supported by this front end.`, `-OutputFormat ${value}`);
    if (p === "inputformat" && !/^(text|xml)$/i.test(value)) return psError(`Cannot process the command because -InputFormat ${value} is not valid.`, `-InputFormat ${value}`);
    i += 2;
  }
  if (i >= toks.length) return psError("This front end runs no interactive sessions.", "no command");
  const start = command.indexOf(toks[i]!, command.indexOf(toks[i - 1]!) + toks[i - 1]!.length);
  return { script: command.slice(start).trim() };
}

function decode(b64: string): { script: string } | CommandResult {
  const bad = psError(
    "Cannot process the command because the value specified with -EncodedCommand is not properly encoded. The value must be Base64 encoded.",
    "-EncodedCommand is not base64 of UTF-16LE",
  );
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return bad;
  const bytes = Buffer.from(b64, "base64");
  if (bytes.length % 2 !== 0) return bad;
  return { script: bytes.toString("utf16le") };
}

export interface AnalyzedCommand {
  /** Set when the command must be refused without running anything. */
  refusal?: CommandResult;
  script?: string;
  body?: Stmt[];
  summary?: ScriptSummary;
}

function parserErrorText(src: string, at: number, message: string): { text: string; line: number; lineText: string } {
  const before = src.slice(0, at);
  const line = before.split("\n").length;
  const start = before.lastIndexOf("\n") + 1;
  const end = src.indexOf("\n", at);
  const lineText = src.slice(start, end < 0 ? undefined : end).replace(/\r$/, "");
  const col = at - start + 1;
  const token = /^\S*/.exec(src.slice(at))?.[0] ?? "";
  const marked = `${lineText.slice(0, col - 1)} <<<< ${lineText.slice(col - 1)}`;
  return {
    text:
      `${message}${CRLF}At line:${line} char:${col}${CRLF}+ ${marked.slice(0, 160)}${CRLF}` +
      `    + CategoryInfo          : ParserError: (${token.slice(0, 40)}:String) [], ParentContainsErrorRecordException${CRLF}` +
      `    + FullyQualifiedErrorId : UnexpectedToken${CRLF}`,
    line,
    lineText,
  };
}

/** Parses and reads a command without running it. */
export function analyzeCommand(command: string): AnalyzedCommand {
  const s = scriptOf(command);
  if (!("script" in s)) return { refusal: s };
  const src = s.script;
  let body: Stmt[];
  try {
    body = parseScript(src);
  } catch (e) {
    if (!(e instanceof PSParseError)) throw e;
    const t = parserErrorText(src, e.at, e.message);
    return { script: src, refusal: psError(t.text.replace(/\r\n$/, ""), `line ${t.line} (${t.lineText.slice(0, 100)}): ${e.message}`) };
  }
  const summary = summarize(body, src);
  const refusal = checkScript(body);
  if (refusal) {
    const t = parserErrorText(src, refusal.at, refusal.message);
    return {
      script: src,
      body,
      summary,
      refusal: { ...psError(t.text.replace(/\r\n$/, ""), `line ${t.line} (${t.lineText.slice(0, 100)}): ${refusal.reason}`), vars: summary.vars, ...(summary.op ? { op: summary.op } : {}) },
    };
  }
  return { script: src, body, summary };
}

export interface ExecOptions {
  /** The account is an OCS administrator (RTCUniversalServerAdmins): WMI lets it in. */
  wmiAccess: boolean;
  /** The front end's computer name (WMI paths). */
  server?: string;
}

/** Runs an analysed command on the store. */
export function runAnalyzed(store: OcsWmiStore, a: AnalyzedCommand, opts: ExecOptions): CommandResult {
  if (a.refusal) return a.refusal;
  let stdout = "";
  let stderr = "";
  let changed = false;
  const stop = store.onChange(() => (changed = true));
  const ctx = { store, caller: { admin: opts.wmiAccess }, server: opts.server ?? "FE01" };
  try {
    const interp = new Interpreter(
      {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        getWmiObject: (args) => getWmiObject(ctx, args),
        wmiClass: (p) => wmiClass(ctx, p),
      },
      a.script!,
    );
    let r: { exitCode: number };
    try {
      r = interp.run(a.body!);
    } catch (e) {
      // Not PowerShell's to say: the simulator failed. Answer as a crashed powershell.exe would.
      stderr += `powershell.exe: internal error of the simulator: ${(e as Error).message}${CRLF}`;
      r = { exitCode: 1 };
    }
    return {
      stdout,
      stderr,
      exitCode: r.exitCode,
      vars: a.summary!.vars,
      summary: a.summary!,
      ...(a.summary!.op ? { op: a.summary!.op } : {}),
      ...(changed ? { changed: true } : {}),
    };
  } finally {
    stop();
  }
}

/** Parses and runs one exec command. */
export function execCommand(store: OcsWmiStore, command: string, opts: ExecOptions): CommandResult {
  return runAnalyzed(store, analyzeCommand(command), opts);
}
