/**
 * The serializable half of a kind: Pulumi serializes a dynamic provider's closure into the state and
 * runs it later in its provider host. The provider built here captures only strings (the kind's type,
 * its compiled module path relative to the project root, the absolute root as a fallback, the export
 * name) and loads the kind — with its client libraries — only when a method is called.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";

interface RuntimeLike {
  check(olds: unknown, news: unknown): Promise<pulumi.dynamic.CheckResult> | pulumi.dynamic.CheckResult;
  diff(id: string, olds: unknown, news: unknown): Promise<pulumi.dynamic.DiffResult> | pulumi.dynamic.DiffResult;
  create(inputs: unknown): Promise<pulumi.dynamic.CreateResult>;
  read(id: string, props: unknown): Promise<pulumi.dynamic.ReadResult>;
  update(id: string, olds: unknown, news: unknown): Promise<pulumi.dynamic.UpdateResult>;
  delete(id: string, props: unknown): Promise<void>;
}

const REGISTRY = "__rcclabKinds";

/** Kinds already loaded in this process, so in-process callers skip the module lookup. */
export function registerKind(type: string, runtime: RuntimeLike): void {
  const g = globalThis as unknown as Record<string, Map<string, RuntimeLike> | undefined>;
  (g[REGISTRY] ??= new Map()).set(type, runtime);
}

/** The project root: the nearest folder above `file` whose package.json is rcclab's. */
export function projectRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const pj = path.join(dir, "package.json");
    if (fs.existsSync(pj) && JSON.parse(fs.readFileSync(pj, "utf8")).name === "rcclab") return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`rcclab: no project root above ${from}`);
    dir = up;
  }
}

/**
 * Where the compiled JS of a kind module lives, relative to the project root: a .ts source
 * (tests, ts-node) maps to its dist/ twin, compiled JS is used as is.
 */
export function relativeModule(file: string): { rel: string; root: string } {
  const root = projectRoot(path.dirname(file));
  let rel = path.relative(root, file).split(path.sep).join("/");
  if (rel.endsWith(".ts")) rel = `dist/${rel.slice(0, -3)}.js`;
  return { rel, root };
}

export function makeProvider(type: string, where: { rel: string; root: string }, exportName: string): pulumi.dynamic.ResourceProvider {
  const rel = where.rel;
  const root = where.root;
  // Everything below runs in Pulumi's provider host after serialization: keep it self-contained.
  const load = (): RuntimeLike => {
    const loaded = (globalThis as unknown as Record<string, Map<string, RuntimeLike> | undefined>)["__rcclabKinds"]?.get(type);
    if (loaded) return loaded;
    const nodePath = require("node:path") as typeof path;
    const nodeFs = require("node:fs") as typeof fs;
    const candidates = [nodePath.join(root, rel), nodePath.resolve(process.cwd(), rel)];
    const file = candidates.find((c) => nodeFs.existsSync(c));
    if (!file) throw new Error(`rcclab: cannot find ${rel} (looked in ${root} and ${process.cwd()}); run 'npm run build'`);
    const kind = require(file)[exportName];
    if (!kind?.runtime) throw new Error(`rcclab: ${file} does not export kind ${exportName}`);
    return kind.runtime as RuntimeLike;
  };
  return {
    check: async (olds, news) => load().check(olds, news),
    diff: async (id, olds, news) => load().diff(id, olds, news),
    create: async (inputs) => load().create(inputs),
    read: async (id, props) => load().read(id, props),
    update: async (id, olds, news) => load().update(id, olds, news),
    delete: async (id, props) => load().delete(id, props),
  };
}
