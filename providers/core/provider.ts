/**
 * The serializable half of a kind: Pulumi serializes a dynamic provider's closure into the state and
 * runs it later in its provider host. The provider built here captures only strings (the kind's type,
 * its compiled module path relative to the package root, the export name: no absolute path, so a
 * state stays valid when the project or the package moves) and loads the kind — with its client
 * libraries — only when a method is called, finding the package by module resolution.
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
const PACKAGE = "rcclab";

/** Kinds already loaded in this process, so in-process callers skip the module lookup. */
export function registerKind(type: string, runtime: RuntimeLike): void {
  const g = globalThis as unknown as Record<string, Map<string, RuntimeLike> | undefined>;
  (g[REGISTRY] ??= new Map()).set(type, runtime);
}

/** A kind this process has loaded, by its type ("rcclab:cucm:Phone"). */
export function registeredKind<T = RuntimeLike>(type: string): T | undefined {
  return (globalThis as unknown as Record<string, Map<string, unknown> | undefined>)[REGISTRY]?.get(type) as T | undefined;
}

/**
 * The package root: the nearest folder above `from` whose package.json is rcclab's. In this
 * repository that is the checkout; in a program that installed rcclab, node_modules/rcclab. The
 * non-TypeScript files the providers read at run time (WSDLs, the CUP mapping) are found from here.
 */
export function projectRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const pj = path.join(dir, "package.json");
    if (fs.existsSync(pj) && JSON.parse(fs.readFileSync(pj, "utf8")).name === PACKAGE) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`rcclab: no project root above ${from}`);
    dir = up;
  }
}

/**
 * Where the compiled JS of a kind module lives, relative to the package root ("dist/providers/cucm/
 * line.js"): a .ts source (tests, ts-node) maps to its dist/ twin, compiled JS is used as is. Never an
 * absolute path: this is what the serialized provider (and so every stack's state) keeps.
 */
export function relativeModule(file: string): string {
  const root = projectRoot(path.dirname(file));
  const rel = path.relative(root, file).split(path.sep).join("/");
  return rel.endsWith(".ts") ? `dist/${rel.slice(0, -3)}.js` : rel;
}

/**
 * The dynamic provider of a kind. What Pulumi serializes into the state is these strings only: the
 * kind's type, its module relative to the package root and its export name. The provider host finds
 * the package when a method is first called, from its own working directory (Pulumi starts it in the
 * program's project; rcclab's local engine in the package root):
 * 1. module resolution, `rcclab/package.json` resolved as the program's project would: a program
 *    that installed rcclab (node_modules/rcclab), wherever the project or the package has moved;
 * 2. otherwise the nearest folder above the working directory whose package.json is rcclab's: this
 *    repository itself (a package cannot resolve its own name from the host's anonymous module).
 */
export function makeProvider(type: string, rel: string, exportName: string): pulumi.dynamic.ResourceProvider {
  // Everything below runs in Pulumi's provider host after serialization: keep it self-contained.
  const load = (): RuntimeLike => {
    const loaded = (globalThis as unknown as Record<string, Map<string, RuntimeLike> | undefined>)["__rcclabKinds"]?.get(type);
    if (loaded) return loaded;
    const nodePath = require("node:path") as typeof path;
    const nodeFs = require("node:fs") as typeof fs;
    const isRcclab = (dir: string) => {
      try {
        return JSON.parse(nodeFs.readFileSync(nodePath.join(dir, "package.json"), "utf8")).name === "rcclab";
      } catch {
        return false;
      }
    };
    let root: string | undefined;
    try {
      root = nodePath.dirname(require.resolve("rcclab/package.json"));
    } catch {
      for (let dir = process.cwd(); !root; dir = nodePath.dirname(dir)) {
        if (isRcclab(dir)) root = dir;
        else if (nodePath.dirname(dir) === dir) break;
      }
    }
    if (!root) throw new Error(`rcclab: cannot find the rcclab package from ${process.cwd()} (install it in the program's project: npm i rcclab)`);
    const file = nodePath.join(root, rel);
    if (!nodeFs.existsSync(file)) throw new Error(`rcclab: cannot find ${rel} in ${root}; run 'npm run build'`);
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
