/**
 * Pulumi's own dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`), started as a child
 * process and driven over gRPC the way the Pulumi engine drives it. Every dynamic resource's
 * serialized provider (`__provider`) is deserialized and run there, so serialization, lazy loading
 * and every CRUD path run for real without the Pulumi CLI.
 *
 * A host never outlives the process that started it: it runs under a small bootstrap (`BOOTSTRAP`)
 * that exits when its parent is gone (its stdin, a pipe from the parent, closes; or its parent pid
 * changes or is no longer alive), even when the parent was SIGKILLed. The parent ends every host it
 * started when it exits or is ended by SIGINT/SIGTERM/SIGHUP (`onExit`, ./lock.ts), and on demand
 * (`stopAllHosts`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { projectRoot } from "../../providers/core/provider";
import { onExit } from "./lock";
import { interned } from "./wire";

/* eslint-disable @typescript-eslint/no-require-imports */
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const req = (m: string) => require(require.resolve(m, { paths: [pulumiDir] }));
const grpc = req("@grpc/grpc-js");
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const provproto = require("@pulumi/pulumi/proto/provider_pb");
// The google-protobuf copy Pulumi's generated code was built with (a newer top-level copy fails).
const structproto = req("google-protobuf/google/protobuf/struct_pb");

export type Props = Record<string, unknown>;

export interface CheckResult {
  inputs: Props;
  failures: { property: string; reason: string }[];
}
export interface DiffResult {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** A provider error as the engine sees it: the message the provider threw. */
export class ProviderError extends Error {}

const DIFF_SOME = 2;
/** How the provider core prints a warning (providers/core/kind.ts). */
const WARNING = "[rcclab] WARNING ";

/**
 * Run as `node -e BOOTSTRAP <parent pid> <Pulumi's host entry> <args…>`: exit as soon as the parent
 * is gone; otherwise run Pulumi's host as if started directly (`node <entry> <args…>`).
 */
const BOOTSTRAP = `"use strict";
const parent = Number(process.argv[1]);
const entry = process.argv[2];
process.argv = [process.argv[0], entry, ...process.argv.slice(3)];
const quit = () => process.exit(0);
process.stdin.on("end", quit).on("close", quit).on("error", quit).resume();
const gone = () => {
  if (process.ppid !== parent) return true;
  try { process.kill(parent, 0); return false; } catch (e) { return e.code === "ESRCH"; }
};
if (gone()) quit();
setInterval(() => { if (gone()) quit(); }, 500).unref();
require(entry);
`;

/** The hosts this process started and has not stopped yet. */
const hosts = new Set<ProviderHost>();

/** End every provider host this process started (synchronous, idempotent). */
export function stopAllHosts(): void {
  for (const h of [...hosts]) h.kill();
}

/**
 * A request's second bag without the serialized provider when the first carries it: Pulumi's host
 * loads the provider from one of them (news for check, diff and update; the properties for read),
 * and the text (kB, encoded byte by byte by google-protobuf) was most of each request's cost.
 */
function besides(bag: Props, carrier: Props): Props {
  if (typeof carrier?.__provider !== "string" || !(bag && "__provider" in bag)) return bag;
  const { __provider: _p, ...rest } = bag;
  return rest;
}

export class ProviderHost {
  private unhook: () => void = () => {};

  private constructor(
    private readonly child: ChildProcess,
    private readonly client: any,
  ) {}

  /** The host's process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Start the host from the project root (it resolves modules from there) and connect to it. */
  static async start(cwd: string = projectRoot(), env: NodeJS.ProcessEnv = process.env): Promise<ProviderHost> {
    const entry = require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js");
    // The engine address argument is required and unused. stdin: the pipe whose end tells the host its parent is gone.
    const child = spawn(process.execPath, ["-e", BOOTSTRAP, String(process.pid), entry, "127.0.0.1:1"], { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    child.stdin!.on("error", () => {});
    const cleanup = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    };
    const unhook = onExit(cleanup);
    child.once("exit", unhook);
    let stderr = "";
    let partial = "";
    child.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (process.env.RCCLAB_DEBUG) return void process.stderr.write(d);
      // A provider's warnings (what the user must know or do by hand) are always shown; the rest of
      // the host's log only with RCCLAB_DEBUG.
      const lines = (partial + d.toString()).split("\n");
      partial = lines.pop() ?? "";
      for (const l of lines) if (l.startsWith(WARNING)) process.stderr.write(`warning: ${l.slice(WARNING.length)}\n`);
    });
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = /^(\d+)\s*$/m.exec(out);
        if (m) {
          child.stdout!.off("data", onData);
          resolve(Number(m[1]));
        }
      };
      child.stdout!.on("data", onData);
      child.once("exit", (code) => reject(new Error(`dynamic provider host exited (${code}): ${stderr}`)));
      child.once("error", reject);
    });
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const host = new ProviderHost(child, client);
    hosts.add(host);
    host.unhook = unhook;
    child.once("exit", () => hosts.delete(host));
    try {
      await host.configure();
    } catch (e) {
      await host.stop();
      throw e;
    }
    return host;
  }

  private call<T>(method: string, request: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      this.client[method](request, (err: { details?: string; message: string } | null, resp: T) => {
        if (err) reject(new ProviderError(err.details || err.message));
        else resolve(resp);
      });
    });
  }

  private static struct(v: Props) {
    return structproto.Struct.fromJavaScript(v);
  }

  async configure(): Promise<void> {
    const r = new provproto.ConfigureRequest();
    r.setArgs(ProviderHost.struct({}));
    r.setAcceptsecrets(false);
    r.setAcceptresources(true);
    await this.call("configure", r);
  }

  async check(urn: string, type: string, olds: Props, news: Props): Promise<CheckResult> {
    const r = new provproto.CheckRequest();
    r.setUrn(urn);
    r.setType(type);
    r.setOlds(ProviderHost.struct(besides(olds, news)));
    r.setNews(ProviderHost.struct(news));
    const resp = await this.call<any>("check", r);
    return {
      inputs: interned(resp.getInputs()?.toJavaScript() ?? {}),
      failures: resp.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(id: string, urn: string, olds: Props, news: Props): Promise<DiffResult> {
    const r = new provproto.DiffRequest();
    r.setId(id);
    r.setUrn(urn);
    r.setOlds(ProviderHost.struct(besides(olds, news)));
    r.setNews(ProviderHost.struct(news));
    const resp = await this.call<any>("diff", r);
    return {
      changes: resp.getChanges() === DIFF_SOME,
      replaces: resp.getReplacesList(),
      deleteBeforeReplace: resp.getDeletebeforereplace(),
    };
  }

  async create(urn: string, type: string, properties: Props): Promise<{ id: string; outs: Props }> {
    const r = new provproto.CreateRequest();
    r.setUrn(urn);
    r.setType(type);
    r.setProperties(ProviderHost.struct(properties));
    const resp = await this.call<any>("create", r);
    return { id: resp.getId(), outs: interned(resp.getProperties()?.toJavaScript() ?? {}) };
  }

  /** Read by ID; `id` is empty in the result when the object is gone. */
  async read(id: string, urn: string, type: string, properties: Props, inputs: Props = {}): Promise<{ id: string; props: Props; inputs?: Props }> {
    const r = new provproto.ReadRequest();
    r.setId(id);
    r.setUrn(urn);
    r.setType(type);
    r.setProperties(ProviderHost.struct(properties));
    r.setInputs(ProviderHost.struct(besides(inputs, properties)));
    const resp = await this.call<any>("read", r);
    const read = resp.getInputs()?.toJavaScript();
    return { id: resp.getId(), props: interned(resp.getProperties()?.toJavaScript() ?? {}), inputs: read && interned(read) };
  }

  async update(id: string, urn: string, type: string, olds: Props, news: Props): Promise<Props> {
    const r = new provproto.UpdateRequest();
    r.setId(id);
    r.setUrn(urn);
    r.setType(type);
    r.setOlds(ProviderHost.struct(besides(olds, news)));
    r.setNews(ProviderHost.struct(news));
    const resp = await this.call<any>("update", r);
    return interned(resp.getProperties()?.toJavaScript() ?? {});
  }

  async delete(id: string, urn: string, type: string, properties: Props): Promise<void> {
    const r = new provproto.DeleteRequest();
    r.setId(id);
    r.setUrn(urn);
    r.setType(type);
    r.setProperties(ProviderHost.struct(properties));
    await this.call("delete", r);
  }

  /** End the host now (SIGTERM), without waiting for it to exit. */
  kill(): void {
    hosts.delete(this);
    this.unhook();
    this.client.close?.();
    if (this.running) this.child.kill("SIGTERM");
  }

  /** End the host and wait until it has exited. */
  async stop(): Promise<void> {
    const exited = this.running ? new Promise<void>((resolve) => this.child.once("exit", () => resolve())) : Promise.resolve();
    this.kill();
    await exited;
  }

  private get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
}
