/**
 * The platform CLI over SSH (ssh2): password authentication for the CLI accounts, an interactive
 * shell (with or without a pty) that greets, prompts `admin:` and reads lines, and exec (one
 * command, its output, exit status 0 when it succeeded and 1 when not). The host key is an RSA key
 * generated once and kept in a file, so clients can pin it across restarts.
 */
import type { ServerChannel } from "ssh2";
import { ensureHostKey, hostKeyFingerprint, listenPasswordSsh } from "../ssh";
import { type CliContext, type CliResult, banner, runCli } from "./cli";

export { ensureHostKey, hostKeyFingerprint } from "../ssh";

/** Another product's CLI served the same way (CUP's): its greeting and its commands. */
export interface CliRunner {
  banner(user: string): string[];
  run(user: string, line: string): CliResult;
}

export interface CliSshOptions {
  host: string;
  port: number;
  hostKeyFile: string;
  /** Account → password. */
  users: Record<string, string>;
  /** CUCM's CLI: everything but the account (which comes from the login). Ignored when `cli` is given. */
  context?: Omit<CliContext, "user">;
  /** Any other CLI (instead of `context`). */
  cli?: CliRunner;
  /** Every command run, in order (tests). */
  commands?: Array<{ user: string; line: string; ok: boolean; via: "shell" | "exec" }>;
}

export interface CliSsh {
  host: string;
  port: number;
  /** The host key's fingerprint as OpenSSH prints it (SHA256:base64). */
  hostKeyFingerprint: string;
  hostKeyFile: string;
  stop(): Promise<void>;
}

/** The CLI the options name: `cli`, or CUCM's over `context`. */
function runnerOf(opts: CliSshOptions): CliRunner {
  if (opts.cli) return opts.cli;
  const context = opts.context;
  if (!context) throw new Error("startCliSsh needs `context` or `cli`");
  return { banner: (user) => banner({ ...context, user }), run: (user, line) => runCli({ ...context, user }, line) };
}

/** An interactive session: greeting, prompt, a small line editor (echo, backspace, ^C, ^D). */
function shell(stream: ServerChannel, user: string, pty: boolean, opts: CliSshOptions): void {
  const eol = pty ? "\r\n" : "\n";
  const cli = runnerOf(opts);
  const prompt = `${user}:`;
  const write = (lines: string[]): void => {
    if (lines.length) stream.write(lines.join(eol) + eol);
  };
  write(cli.banner(user));
  stream.write(prompt);
  let line = "";
  let closed = false;
  const finish = (): void => {
    if (closed) return;
    closed = true;
    stream.exit(0);
    stream.end();
  };
  const enter = (): void => {
    const text = line;
    line = "";
    const r = cli.run(user, text);
    opts.commands?.push({ user, line: text, ok: r.ok, via: "shell" });
    write(r.lines);
    if (r.exit) return finish();
    stream.write(prompt);
  };
  stream.on("data", (data: Buffer) => {
    for (const ch of data.toString("utf8")) {
      if (closed) return;
      if (ch === "\r" || ch === "\n") {
        if (ch === "\n" && pty) continue; // a pty sends CR for Enter; a bare LF after it is no new line
        if (pty) stream.write("\r\n");
        enter();
      } else if (ch === "\x7f" || ch === "\b") {
        if (line.length) {
          line = line.slice(0, -1);
          if (pty) stream.write("\b \b");
        }
      } else if (ch === "\x03") {
        line = "";
        if (pty) stream.write("^C\r\n");
        stream.write(prompt);
      } else if (ch === "\x04") {
        if (!line) return finish();
      } else if (ch >= " ") {
        line += ch;
        if (pty) stream.write(ch);
      }
    }
  });
  stream.on("close", () => void (closed = true));
}

export async function startCliSsh(opts: CliSshOptions): Promise<CliSsh> {
  runnerOf(opts); // fails early without a CLI
  const pem = ensureHostKey(opts.hostKeyFile);
  const server = await listenPasswordSsh({ host: opts.host, port: opts.port, hostKey: pem, users: opts.users }, (session, user) => {
    let pty = false;
    session.on("pty", (ok) => {
      pty = true;
      ok?.();
    });
    session.on("window-change", (ok) => ok?.());
    session.on("env", (ok) => ok?.());
    session.on("shell", (ok) => shell(ok(), user, pty, opts));
    session.on("exec", (ok, _reject, info) => {
      const stream = ok();
      const r = runnerOf(opts).run(user, info.command);
      opts.commands?.push({ user, line: info.command, ok: r.ok, via: "exec" });
      const eol = pty ? "\r\n" : "\n";
      if (r.lines.length) stream.write(r.lines.join(eol) + eol);
      stream.exit(r.ok ? 0 : 1);
      stream.end();
    });
  });
  return {
    host: opts.host,
    port: server.port,
    hostKeyFingerprint: hostKeyFingerprint(pem),
    hostKeyFile: opts.hostKeyFile,
    stop: server.stop,
  };
}
