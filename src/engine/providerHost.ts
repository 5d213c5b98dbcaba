/**
 * Pulumi's own dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`), started as a child
 * process and driven over gRPC the way the Pulumi engine drives it. Every dynamic resource's
 * serialized provider (`__provider`) is deserialized and run there, so serialization, lazy loading
 * and every CRUD path run for real without the Pulumi CLI.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { projectRoot } from "../../providers/core/provider";

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

export class ProviderHost {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: any,
  ) {}

  /** Start the host from the project root (it resolves modules from there) and connect to it. */
  static async start(cwd: string = projectRoot(), env: NodeJS.ProcessEnv = process.env): Promise<ProviderHost> {
    const entry = require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js");
    // The engine address argument is required and unused.
    const child = spawn(process.execPath, [entry, "127.0.0.1:1"], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
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
    await host.configure();
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
    r.setOlds(ProviderHost.struct(olds));
    r.setNews(ProviderHost.struct(news));
    const resp = await this.call<any>("check", r);
    return {
      inputs: resp.getInputs()?.toJavaScript() ?? {},
      failures: resp.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(id: string, urn: string, olds: Props, news: Props): Promise<DiffResult> {
    const r = new provproto.DiffRequest();
    r.setId(id);
    r.setUrn(urn);
    r.setOlds(ProviderHost.struct(olds));
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
    return { id: resp.getId(), outs: resp.getProperties()?.toJavaScript() ?? {} };
  }

  /** Read by ID; `id` is empty in the result when the object is gone. */
  async read(id: string, urn: string, type: string, properties: Props, inputs: Props = {}): Promise<{ id: string; props: Props; inputs?: Props }> {
    const r = new provproto.ReadRequest();
    r.setId(id);
    r.setUrn(urn);
    r.setType(type);
    r.setProperties(ProviderHost.struct(properties));
    r.setInputs(ProviderHost.struct(inputs));
    const resp = await this.call<any>("read", r);
    return { id: resp.getId(), props: resp.getProperties()?.toJavaScript() ?? {}, inputs: resp.getInputs()?.toJavaScript() };
  }

  async update(id: string, urn: string, type: string, olds: Props, news: Props): Promise<Props> {
    const r = new provproto.UpdateRequest();
    r.setId(id);
    r.setUrn(urn);
    r.setType(type);
    r.setOlds(ProviderHost.struct(olds));
    r.setNews(ProviderHost.struct(news));
    const resp = await this.call<any>("update", r);
    return resp.getProperties()?.toJavaScript() ?? {};
  }

  async delete(id: string, urn: string, type: string, properties: Props): Promise<void> {
    const r = new provproto.DeleteRequest();
    r.setId(id);
    r.setUrn(urn);
    r.setType(type);
    r.setProperties(ProviderHost.struct(properties));
    await this.call("delete", r);
  }

  async stop(): Promise<void> {
    this.client.close?.();
    if (this.child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      this.child.once("exit", () => resolve());
      this.child.kill("SIGTERM");
    });
  }
}
