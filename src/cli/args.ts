/**
 * The command line: which commands exist, the flags each takes and its exit codes — one table from
 * which both the parser (node:util parseArgs) and `--help` are made. Every mistake (an unknown command
 * or flag, a flag the command does not take, a missing or bad value) is a UsageError naming it,
 * raised before anything starts: this module loads nothing but node:util.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

/** A mistake on the command line (exit 1, before anything ran). */
export class UsageError extends Error {
  readonly exitCode = 1;
}

type FlagType = "string" | "boolean";
interface FlagSpec {
  type: FlagType;
  short?: string;
  /** The value's placeholder in help (string flags). */
  value?: string;
  help: string;
}

export const FLAGS = {
  stack: { type: "string", short: "s", value: "NAME", help: "the stack: stacks/Pulumi.NAME.yaml (default local)" },
  engine: { type: "string", value: "local|pulumi", help: "the engine (default: pulumi when its CLI answers, else local)" },
  "stacks-dir": { type: "string", value: "DIR", help: "folder of the stack files (default stacks/)" },
  "state-dir": { type: "string", value: "DIR", help: "folder of the local engine's state (default .rcclab/)" },
  backend: { type: "string", value: "URL", help: "the Pulumi engine's backend (file://…, s3://…, https://api.pulumi.com)" },
  json: { type: "boolean", help: "print one JSON document on stdout (everything else on stderr; see docs/json.md, docs/discover.md, docs/audit.md)" },
  quiet: { type: "boolean", short: "q", help: "print only errors, warnings and the result" },
  verbose: { type: "boolean", short: "v", help: "also print unchanged resources and each phase" },
  yes: { type: "boolean", short: "y", help: "do not ask; needed to delete anything without a terminal" },
  "show-same": { type: "boolean", help: "also list the resources that do not change" },
  "expect-no-changes": { type: "boolean", help: "exit 2 when the plan has changes (0 when none)" },
  "detailed-exitcode": { type: "boolean", help: "exit 0: no changes, 2: changes, 1: error" },
  dir: { type: "string", value: "DIR", help: "where to write the files (created if needed)" },
  out: { type: "string", short: "o", value: "FILE", help: "write the CSV to FILE (default: stdout)" },
  keep: { type: "boolean", help: "keep the simulators running after `lab up` (Ctrl-C stops them)" },
  from: { type: "string", value: "STACK|FILE", help: "the live lab's connections: an existing stack's name, or a connection file (docs/discover.md)" },
  report: { type: "string", value: "FILE", help: "also write the audit as an HTML page to FILE" },
  "delete-adopted": { type: "boolean", help: "also delete the objects the stack adopted (default: keep them, forget them)" },
  owned: { type: "boolean", help: "the stack owns what it adopts: destroy deletes it like what it created" },
  parallel: { type: "string", short: "p", value: "N", help: "at most N steps at once (default 10; each system has its own lane: CUCM 4, CUP 1, OCS 2, AD 4, DNS 4)" },
  help: { type: "boolean", short: "h", help: "this help" },
} as const satisfies Record<string, FlagSpec>;

export type FlagName = keyof typeof FLAGS;

/** The flags every command on a stack takes. */
const COMMON: FlagName[] = ["stack", "engine", "stacks-dir", "state-dir", "backend", "json", "quiet", "verbose", "yes"];

export type CommandName = "validate" | "preview" | "up" | "drift" | "destroy" | "rebuild" | "discover" | "adopt" | "audit" | "outputs" | "lab" | "users";

export interface CommandSpec {
  name: CommandName;
  /** How it is written: "discover cup", "lab [up]", "users import FILE | users export". */
  usage: string;
  summary: string;
  description: string[];
  flags: FlagName[];
  exitCodes: [number, string][];
}

const ERROR_EXIT: [number, string] = [1, "error (a bad flag or stack, a failed call), refused or cancelled"];

export const COMMANDS: CommandSpec[] = [
  {
    name: "validate",
    usage: "validate",
    summary: "check the stack config and every resource input derived from it (no network)",
    description: ["Every problem is named by its YAML path, all at once. No system is called."],
    flags: COMMON,
    exitCodes: [[0, "the stack is valid"], [1, "the stack has problems (each printed), or another error"]],
  },
  {
    name: "preview",
    usage: "preview",
    summary: "what up would change: each change field by field, old → new",
    description: [
      "Reads the live objects first (as up does), then plans. Each change is listed with its fields",
      "old → new (secrets as [secret]); a change of only the connection (a rotated password, a new port)",
      "is one line. Unchanged resources are hidden unless --show-same. Nothing is changed.",
    ],
    flags: [...COMMON, "show-same", "expect-no-changes", "detailed-exitcode", "parallel"],
    exitCodes: [[0, "planned (with --expect-no-changes or --detailed-exitcode: no changes)"], ERROR_EXIT, [2, "with --expect-no-changes or --detailed-exitcode: the plan has changes"]],
  },
  {
    name: "up",
    usage: "up",
    summary: "build the lab or converge it (repairs drift)",
    description: [
      "On a terminal without --yes: shows the plan and asks before changing anything. Without a",
      "terminal: previews first and refuses a plan that deletes or replaces anything unless --yes.",
      "Each step is printed as it happens, then the counts of what was done.",
    ],
    flags: [...COMMON, "show-same", "parallel"],
    exitCodes: [[0, "done, or nothing to do"], ERROR_EXIT],
  },
  {
    name: "drift",
    usage: "drift",
    summary: "compare the live lab with what rcclab applied (changes nothing)",
    description: ["Each drifted resource is printed with its fields: applied → live."],
    flags: COMMON,
    exitCodes: [[0, "the lab matches what rcclab applied"], ERROR_EXIT, [2, "the lab drifted"]],
  },
  {
    name: "destroy",
    usage: "destroy",
    summary: "remove what rcclab created, nothing else",
    description: [
      "On a terminal without --yes: lists what will be deleted and asks. Without a terminal it",
      "needs --yes. Objects the stack adopted (rcclab adopt) are forgotten, not deleted, unless",
      "--delete-adopted (or they were adopted with --owned).",
    ],
    flags: [...COMMON, "delete-adopted"],
    exitCodes: [[0, "destroyed, or nothing to destroy"], ERROR_EXIT],
  },
  {
    name: "rebuild",
    usage: "rebuild",
    summary: "destroy, then up",
    description: ["Asks as destroy does (without a terminal it needs --yes)."],
    flags: [...COMMON, "show-same", "parallel"],
    exitCodes: [[0, "rebuilt"], ERROR_EXIT],
  },
  {
    name: "discover",
    usage: "discover --from X | discover cup",
    summary: "read a live lab into a new stack file (or, with cup: draft a CUP mapping override)",
    description: [
      "discover --stack NEW --from STACK|FILE reads CUCM, CUP, AD, DNS and OCS through the",
      "connections of an existing stack or a connection file, and writes stacks/Pulumi.NEW.yaml in",
      "rcclab's config shape, secrets left as placeholders to fill with pulumi config set --secret.",
      "What does not fit the guide's shape is listed, not guessed. Nothing is written to any system.",
      "discover cup: CUP's tables and columns of the guide's features, rcclab's CUP mapping against",
      "them, and a draft override file.",
    ],
    flags: [...COMMON, "from"],
    exitCodes: [[0, "read (what does not fit is listed, not an error)"], ERROR_EXIT],
  },
  {
    name: "adopt",
    usage: "adopt",
    summary: "record the lab's existing objects that the stack declares in its state (changes nothing)",
    description: [
      "Looks each object the stack declares up by its natural key: adopt (matches the stack), adopt",
      "(differs: the fields up will change, live → declared), or missing (up will create it), and",
      "records the found ones in the stack's state (local engine). On a terminal without --yes the",
      "plan comes first, then a question. No system is written. destroy leaves adopted objects on",
      "their systems (and forgets them) unless --delete-adopted, or they were adopted with --owned.",
    ],
    flags: [...COMMON, "owned", "show-same", "parallel"],
    exitCodes: [[0, "adopted (or nothing to adopt)"], ERROR_EXIT],
  },
  {
    name: "audit",
    usage: "audit",
    summary: "check the live lab for remote call control readiness, per user and per system",
    description: [
      "Reads the live lab through the stack's connections, independently of rcclab's state (so it",
      "also audits labs rcclab did not build), and checks AD, CUCM, CUP, OCS and DNS for what remote",
      "call control needs. Each problem names its check, its object and the fix (the rcclab config",
      "key, or the admin page). --report FILE also writes an HTML page: a row per user, a column per check.",
    ],
    flags: [...COMMON, "report"],
    exitCodes: [[0, "ready: no check failed and everything was read (❔ marks what no system lets anyone verify)"], [1, "error (a system could not be read, a bad flag or stack)"], [2, "problems found (each printed with its fix)"]],
  },
  {
    name: "outputs",
    usage: "outputs --dir DIR",
    summary: "write each user's Communicator .reg file and the normalization rules into DIR",
    description: [
      "Reads the stack's outputs from the local engine's state (after an up): communicatorSettings",
      "becomes DIR/<userid>.reg (UTF-16LE, as regedit writes them), normalizationRules its",
      "Company_Phone_Number_Normalization_Rules.txt. Secret outputs are never written or printed.",
    ],
    flags: [...COMMON, "dir"],
    exitCodes: [[0, "written"], ERROR_EXIT],
  },
  {
    name: "lab",
    usage: "lab [up]",
    summary: "run the embedded lab's simulators (with up: and build the local stack on them)",
    description: [
      "Runs in the foreground until Ctrl-C. `lab up` also builds the local stack on the simulators",
      "(without asking: the embedded lab is disposable), with the local stack's own passphrase, then",
      "stops them unless --keep.",
    ],
    flags: ["engine", "quiet", "verbose", "show-same", "keep", "parallel"],
    exitCodes: [[0, "stopped (Ctrl-C), or built"], [1, "error (e.g. a port already in use: another lab is running)"]],
  },
  {
    name: "users",
    usage: "users import FILE | users export",
    summary: "the stack's users as a Cisco BAT-style CSV: import into, or export from, rcclab:users",
    description: [
      "Columns by BAT's names, any case or spacing: USER ID, FIRST NAME, LAST NAME, DIRECTORY NUMBER",
      "(+E.164; BAT's \\+ accepted), MAC ADDRESS, DEVICE TYPE (Cisco 7975), DEVICE PROTOCOL, POOL (the",
      "OCS pool), ENABLE EXTENSION MOBILITY, ENABLE CTI APPLICATION USE (rcc), ENHANCED PRESENCE,",
      "ENABLE CUP, ENABLE CUPC (t/f), MAXIMUM NUMBER OF CALLS 1 and BUSY TRIGGER 1 (the line's",
      "call-per-line limit), LINE URI (tel:+E.164), ACCESS CONTROL GROUP 1..n (or USER GROUP n: the",
      "user's CUCM groups); other columns are ignored. PASSWORD and PIN cells are refused: set them",
      "with pulumi config set --secret --path 'rcclab:users[i].password' (or .pin).",
      "import updates the entry with the same userid (an empty cell keeps its value), appends new ones",
      "in the style of the existing entries and keeps the rest of the file byte for byte (comments,",
      "layout). The whole resulting stack is checked first (duplicates, pools, model/protocol, 7931",
      "limits); any problem is named by row and column, and nothing is written.",
      "export writes the same columns (to stdout, or --out FILE); passwords and PINs are never in it.",
    ],
    flags: ["stack", "stacks-dir", "json", "quiet", "verbose", "out"],
    exitCodes: [[0, "imported, or exported"], [1, "error (a bad row: nothing written), or a bad flag or stack"]],
  },
];

export interface Flags {
  stack: string;
  engine?: "local" | "pulumi";
  stacksDir?: string;
  stateDir?: string;
  backend?: string;
  dir?: string;
  /** users export --out FILE. */
  out?: string;
  /** discover --from STACK|FILE. */
  from?: string;
  /** audit --report FILE. */
  report?: string;
  deleteAdopted: boolean;
  owned: boolean;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  yes: boolean;
  showSame: boolean;
  expectNoChanges: boolean;
  detailedExitcode: boolean;
  keep: boolean;
  /** --parallel N. */
  parallel?: number;
}

export type Invocation =
  | { command: "help"; topic?: CommandSpec }
  | { command: CommandName; sub?: string; /** users import FILE. */ file?: string; flags: Flags };

const spec = (name: string | undefined): CommandSpec | undefined => COMMANDS.find((c) => c.name === name);
const helpHint = (c?: CommandSpec) => (c ? `(rcclab ${c.name} --help)` : "(rcclab --help)");

/** parseArgs' own errors, reworded to name the flag. */
function usageFrom(e: Error & { code?: string }, c?: CommandSpec): UsageError {
  const flag = /'(-[-a-zA-Z]*)/.exec(e.message)?.[1] ?? /(--?[a-zA-Z][-a-zA-Z]*)/.exec(e.message)?.[1] ?? "?";
  const long = /--[a-z-]+/.exec(e.message)?.[0] ?? flag;
  if (e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return new UsageError(`unknown flag ${flag} ${helpHint(c)}`);
  if (/takes no argument|does not take an argument/.test(e.message)) return new UsageError(`${long} takes no value ${helpHint(c)}`);
  if (/argument missing|ambiguous/.test(e.message)) return new UsageError(`${long} needs a value ${helpHint(c)}`);
  return new UsageError(`${e.message} ${helpHint(c)}`);
}

/** The command line → what to run; a UsageError for any mistake. */
export function parseCommandLine(argv: string[]): Invocation {
  const options: ParseArgsConfig["options"] = Object.fromEntries(
    Object.entries(FLAGS).map(([k, f]: [string, FlagSpec]) => [k, { type: f.type, ...(f.short ? { short: f.short } : {}) }]),
  );
  // The command, for the error messages of a bad flag (best effort: the first word that is not a flag).
  const guess = spec(argv.find((a) => !a.startsWith("-")));
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    throw usageFrom(e as Error, guess);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const [word, ...rest] = parsed.positionals;

  if (word === undefined || word === "help") {
    if (word === "help" && rest.length) {
      const topic = spec(rest[0]);
      if (!topic) throw new UsageError(`unknown command ${rest[0]} ${helpHint()}`);
      return { command: "help", topic };
    }
    return { command: "help" };
  }
  const c = spec(word);
  if (!c) throw new UsageError(`unknown command ${word} ${helpHint()}`);
  if (values.help) return { command: "help", topic: c };

  // Flags the command does not take, by the name the user wrote.
  for (const t of parsed.tokens ?? []) {
    if (t.kind === "option" && !c.flags.includes(t.name as FlagName) && t.name !== "help") {
      throw new UsageError(`rcclab ${c.usage.split(" ")[0]} takes no ${t.rawName} flag ${helpHint(c)}`);
    }
  }

  let sub: string | undefined;
  let file: string | undefined;
  if (c.name === "discover") {
    if (rest.length && rest[0] !== "cup") throw new UsageError(`unknown discover command ${rest[0]}: rcclab discover --from X, or rcclab discover cup ${helpHint(c)}`);
    sub = rest.shift();
    if (!sub && values.from === undefined) throw new UsageError(`rcclab discover needs --from STACK|FILE: the live lab's connections ${helpHint(c)}`);
    if (sub && values.from !== undefined) throw new UsageError(`--from is for rcclab discover without cup (discover cup reads the stack's own CUP) ${helpHint(c)}`);
  } else if (c.name === "lab") {
    if (rest.length && rest[0] !== "up") throw new UsageError(`unknown lab command ${rest[0]}: rcclab lab, or rcclab lab up ${helpHint(c)}`);
    sub = rest.shift();
  } else if (c.name === "users") {
    if (rest[0] !== "import" && rest[0] !== "export") throw new UsageError(`unknown users command ${rest[0] ?? "(none)"}: rcclab users import FILE, or rcclab users export ${helpHint(c)}`);
    sub = rest.shift();
    if (sub === "import") {
      file = rest.shift();
      if (!file) throw new UsageError(`rcclab users import needs the CSV file: rcclab users import users.csv ${helpHint(c)}`);
    }
  }
  if (rest.length) throw new UsageError(`unexpected argument ${rest[0]} ${helpHint(c)}`);

  const str = (k: FlagName): string | undefined => {
    const v = values[k];
    if (typeof v !== "string") return undefined;
    if (!v.trim()) throw new UsageError(`--${k} needs a value ${helpHint(c)}`);
    return v;
  };
  const flags: Flags = {
    stack: str("stack") ?? "local",
    json: values.json === true,
    quiet: values.quiet === true,
    verbose: values.verbose === true,
    yes: values.yes === true,
    showSame: values["show-same"] === true,
    expectNoChanges: values["expect-no-changes"] === true,
    detailedExitcode: values["detailed-exitcode"] === true,
    keep: values.keep === true,
    deleteAdopted: values["delete-adopted"] === true,
    owned: values.owned === true,
  };
  const engine = str("engine");
  if (engine !== undefined) {
    if (engine !== "local" && engine !== "pulumi") throw new UsageError(`--engine must be local or pulumi, not ${engine} ${helpHint(c)}`);
    flags.engine = engine;
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(flags.stack)) {
    throw new UsageError(`--stack ${flags.stack}: a stack name is letters, digits, _ . - (its file is stacks/Pulumi.<name>.yaml) ${helpHint(c)}`);
  }
  const backend = str("backend");
  if (backend !== undefined) {
    if (!/^[a-z][a-z0-9+.-]*:\/\/./i.test(backend)) throw new UsageError(`--backend must be a URL (file://…, s3://…, https://…), not ${backend} ${helpHint(c)}`);
    if (flags.engine === "local") throw new UsageError(`--backend is for the Pulumi engine; the local engine keeps its state in --state-dir ${helpHint(c)}`);
    flags.backend = backend;
  }
  for (const [k, key] of [["stacks-dir", "stacksDir"], ["state-dir", "stateDir"], ["dir", "dir"], ["out", "out"], ["from", "from"], ["report", "report"]] as const) {
    const v = str(k);
    if (v !== undefined) flags[key] = v;
  }
  const parallel = str("parallel");
  if (parallel !== undefined) {
    if (!/^[1-9]\d{0,3}$/.test(parallel)) throw new UsageError(`--parallel must be a whole number from 1, not ${parallel} ${helpHint(c)}`);
    flags.parallel = Number(parallel);
  }
  if (flags.quiet && flags.verbose) throw new UsageError(`--quiet and --verbose contradict each other ${helpHint(c)}`);
  if (c.name === "outputs" && !flags.dir) throw new UsageError(`rcclab outputs needs --dir DIR: where to write the files ${helpHint(c)}`);
  if (c.name === "users" && sub === "import" && flags.out) throw new UsageError(`--out is for rcclab users export ${helpHint(c)}`);
  return { command: c.name, ...(sub ? { sub } : {}), ...(file ? { file } : {}), flags };
}

// ---------------------------------------------------------------------------------------------
// Help

function flagLine(name: FlagName): string {
  const f: FlagSpec = FLAGS[name];
  const left = `${f.short ? `-${f.short}, ` : "    "}--${name}${f.value ? ` ${f.value}` : ""}`;
  return `  ${left.padEnd(34)} ${f.help}`;
}

/** `rcclab --help`: the commands. */
export function overview(): string {
  return [
    "rcclab — build, check and tear down the CUCM / CUP / OCS 2007 R2 remote call control lab",
    "",
    "usage: rcclab <command> [flags]",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.usage.padEnd(20)} ${c.summary}`),
    "",
    "common flags:",
    ...COMMON.map(flagLine),
    flagLine("help"),
    "",
    "rcclab <command> --help (or rcclab help <command>) describes a command, its flags and exit codes.",
  ].join("\n");
}

/** `rcclab <command> --help`. */
export function commandHelp(c: CommandSpec): string {
  return [
    `rcclab ${c.usage} — ${c.summary}`,
    "",
    `usage: rcclab ${c.usage} [flags]`,
    "",
    ...c.description,
    "",
    "flags:",
    ...[...c.flags, "help" as const].map(flagLine),
    "",
    "exit codes:",
    ...[...c.exitCodes].sort((a, b) => a[0] - b[0]).map(([code, what]) => `  ${code}  ${what}`),
  ].join("\n");
}
