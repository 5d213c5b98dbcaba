/**
 * rcclab as a library, as another Pulumi program meets it: the package is built and packed
 * (`npm pack`), installed from its tarball into a project of its own in a temporary folder, and a
 * TypeScript program there (test/fixtures/library) imports the CUCM component and the Phone and Line
 * kinds from it, type-checks against the package's declarations, compiles, and runs on the embedded
 * lab with the installed package's local engine, its provider host started in that project as
 * Pulumi starts it. What the program built is checked on the CUCM simulator over AXL; the state must
 * hold no absolute path, and the stack is destroyed after the project has moved.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AxlClient } from "../providers/cucm/axl/client";
import { loadStackConfig } from "../src/engine/stackConfig";
import { LAB, type Lab } from "../src/labsim/lab";
import { type CliResult, PASSPHRASE, runProcess, startTestLab } from "./support/lab";

const root = path.resolve(__dirname, "..");
const fixture = path.join(__dirname, "fixtures", "library");
const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");

type Run = CliResult;
const run = runProcess;

const ok = (r: Run, what: string): Run => {
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}):\n${r.out}\n${r.err}`);
  return r;
};

interface LockEntry {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/**
 * A package-lock for the consumer project: the entries of this repository's own lock that `names`
 * need, found as Node finds them (the entry's own node_modules first, then each parent's).
 */
function consumerLock(names: readonly string[], rootEntry: Record<string, unknown>): Record<string, unknown> {
  const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8")) as { lockfileVersion: number; packages: Record<string, LockEntry> };
  const kept: Record<string, LockEntry> = {};
  const parentOf = (key: string) => {
    const i = key.lastIndexOf("/node_modules/");
    return i < 0 ? "" : key.slice(0, i);
  };
  const visit = (from: string, name: string) => {
    for (let base = from; ; base = parentOf(base)) {
      const key = `${base ? `${base}/` : ""}node_modules/${name}`;
      const entry = lock.packages[key];
      if (entry) {
        if (kept[key]) return;
        kept[key] = entry;
        for (const d of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies })) visit(key, d);
        return;
      }
      if (!base) return; // an optional dependency this platform did not install
    }
  };
  for (const n of names) visit("", n);
  return { name: rootEntry.name, version: rootEntry.version, lockfileVersion: lock.lockfileVersion, requires: true, packages: { "": rootEntry, ...kept } };
}

describe("rcclab as a library: packed, installed in another project, used from TypeScript", { timeout: 300_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-library-"));
  const stage = path.join(tmp, "stage");
  let consumer = path.join(tmp, "consumer");
  const stateFile = path.join(tmp, "state", "lab.state.json");
  let packed: string[] = [];
  let lab: Lab;
  let stacksDir: string;
  let config: Record<string, unknown>;
  let secretKeys: string[];
  let axl: AxlClient;
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
    name: string;
    version: string;
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
    exports: Record<string, unknown>;
  };

  beforeAll(async () => {
    // Built here, into a copy of the working tree (prepack empties dist/ before npm pack builds it):
    // not in this repository's dist/, which other test files run from meanwhile, and with no compiled
    // file of a deleted source. tsconfig.build.json compiles what the package ships (not the tests);
    // a compiled test is put beside it, as npm pack's full build leaves them, for the file list to leave out.
    const skip = new Set(["node_modules", "dist", ".git", "scratch", ".rcclab", ".lab"]);
    fs.cpSync(root, stage, { recursive: true, filter: (src) => !skip.has(path.relative(root, src).split(path.sep)[0]!) });
    ok(await run(process.execPath, [tsc, "-p", path.join(root, "tsconfig.build.json"), "--outDir", path.join(stage, "dist")], root), "tsc");
    fs.mkdirSync(path.join(stage, "dist", "test"));
    fs.writeFileSync(path.join(stage, "dist", "test", "library.test.js"), "");
    const pack = ok(await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", tmp], stage), "npm pack");
    const [info] = JSON.parse(pack.out) as { filename: string; files: { path: string }[] }[];
    packed = info!.files.map((f) => f.path).sort();

    // The consumer project: a Pulumi program's package.json, installed with npm from the tarball.
    // `npm install --offline` cannot resolve version ranges from npm's cache (it keeps the tarballs
    // `npm ci` fetched, not the registry's metadata), so the project gets a lock made from this
    // repository's own package-lock.json: the same versions this repository is tested with, every
    // tarball taken from npm's cache (which `npm ci` filled): no network, a few seconds, and npm
    // itself installs the tarball (its file list, its bin, where its dependencies go).
    fs.cpSync(fixture, consumer, { recursive: true });
    const deps = { "@pulumi/pulumi": pkg.dependencies["@pulumi/pulumi"]! };
    const devDeps = { "@types/node": pkg.devDependencies["@types/node"]! };
    const rootEntry = { name: "rcclab-consumer", version: "1.0.0", dependencies: deps, devDependencies: devDeps };
    fs.writeFileSync(
      path.join(consumer, "package.json"),
      JSON.stringify({ ...rootEntry, private: true, dependencies: { ...deps, rcclab: `file:${path.join(tmp, info!.filename)}` } }, null, 2),
    );
    fs.writeFileSync(path.join(consumer, "package-lock.json"), JSON.stringify(consumerLock([...Object.keys(pkg.dependencies), "@types/node"], rootEntry), null, 2));
    // --ignore-scripts: no dependency needs its install script here (ssh2's optional native speed-up).
    const installed = await run("npm", ["install", "--offline", "--ignore-scripts", "--no-audit", "--no-fund"], consumer);
    if (installed.code !== 0 && /ENOTCACHED/.test(installed.err)) throw new Error(`npm's cache lacks a dependency: run 'npm ci' first\n${installed.err}`);
    ok(installed, "npm install");

    // The embedded lab, and its local stack pointed at it (the consumer's program reads rcclab:*).
    const t = await startTestLab(path.join(tmp, "lab"));
    ({ lab, stacksDir } = t);
    ({ config, secretKeys } = loadStackConfig(path.join(stacksDir, "Pulumi.local.yaml"), { passphrase: PASSPHRASE }));
    axl = new AxlClient(
      { host: "127.0.0.1", port: lab.cucm.port, username: LAB.cucm.username, password: LAB.cucm.password, release: "7.0", tls: { caFile: lab.caFile, insecureSkipVerify: false }, timeoutMs: 10_000, retries: 2, minRetryDelayMs: 10, maxRetryDelayMs: 50 },
      { info: () => {}, warn: () => {} },
    );
  }, 300_000);

  afterAll(async () => {
    await lab?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("the package holds the compiled code, its declarations and the files the providers read; no source, test or map", () => {
    expect(packed).toEqual(expect.arrayContaining(["package.json", "README.md", "dist/src/cli.js"]));
    // Every export's module and declarations.
    for (const target of Object.values(pkg.exports)) {
      for (const f of typeof target === "string" ? [target] : Object.values(target as Record<string, string>)) expect(packed).toContain(f.replace(/^\.\//, ""));
    }
    // What the providers read at run time (projectRoot()/…), and only that outside dist/.
    expect(packed.filter((f) => !f.startsWith("dist/"))).toEqual(
      [
        "README.md",
        "package.json",
        "providers/cucm/axl/wsdl/axl-12.wsdl",
        "providers/cucm/axl/wsdl/axl-7.0.wsdl",
        "providers/cucm/serviceability/controlcenter.wsdl",
        "providers/cup/cup-axl.wsdl",
        "providers/cup/mapping.yaml",
      ].sort(),
    );
    // dist/: the program, the providers and the lab simulators (the CLI's `lab`), as JS and .d.ts.
    expect(packed.filter((f) => f.startsWith("dist/") && !/^dist\/(src|providers)\//.test(f))).toEqual([]);
    expect(packed.filter((f) => f.startsWith("dist/") && !/\.(js|d\.ts)$/.test(f))).toEqual([]);
    // Each compiled module has its source in the working tree: nothing stale.
    for (const f of packed.filter((p) => p.endsWith(".js"))) expect(fs.existsSync(path.join(root, f.slice("dist/".length).replace(/\.js$/, ".ts"))), f).toBe(true);
    // One Pulumi SDK in the consumer project: rcclab's resources register with the program's runtime.
    expect(fs.existsSync(path.join(consumer, "node_modules", "rcclab", "node_modules", "@pulumi"))).toBe(false);
    expect(fs.existsSync(path.join(consumer, "node_modules", ".bin", "rcclab"))).toBe(true);
  });

  it("a program in another project type-checks against the package's declarations and compiles", async () => {
    // module node16 (the package's exports map) emits bin/; node10 resolution (Pulumi's templates) reads typesVersions.
    const r = await run(process.execPath, [tsc, "-p", path.join(consumer, "tsconfig.json")], consumer);
    expect(r.code, r.out + r.err).toBe(0);
    const r10 = await run(process.execPath, [tsc, "-p", path.join(consumer, "tsconfig.node10.json")], consumer);
    expect(r10.code, r10.out + r10.err).toBe(0);
    expect(fs.existsSync(path.join(consumer, "bin", "program.js"))).toBe(true);
  });

  it("its bin runs from the installed package: rcclab validate of the local stack", async () => {
    const r = await run(process.execPath, [path.join(consumer, "node_modules", ".bin", "rcclab"), "validate", "--stack", "local", "--engine", "local", "--stacks-dir", stacksDir], consumer, {
      ...process.env,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    });
    expect(r.code, r.out + r.err).toBe(0);
  });

  it("two CucmSections of one config in one program name every resource apart (under lab1- and lab2-)", async () => {
    const installedModule = (m: string) => require(path.join(consumer, "node_modules", "rcclab", "dist", m));
    const { planProgram, checkPlanned } = installedModule("src/engine/programCheck.js") as typeof import("../src/engine/programCheck");
    const { resourceOrigins } = installedModule("src/components/origin.js") as typeof import("../src/components/origin");
    const { twoLabs } = require(path.join(consumer, "bin", "program.js")) as { twoLabs: () => Promise<void> };
    const resources = await planProgram(twoLabs, config, secretKeys, { project: "rcclab-consumer", stack: "check" });
    const names = resources.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    const lab1 = names.filter((n) => n.startsWith("lab1-"));
    expect(lab1.length).toBeGreaterThan(20);
    expect(names.filter((n) => n.startsWith("lab2-")).length).toBe(lab1.length);
    expect(names.length).toBe(2 * lab1.length);
    // validate still names each resource's YAML path, for both labs.
    expect(resourceOrigins().get("lab2-phone-SEP001E4AAABB01")).toBe("rcclab:users[0]");
    expect(resourceOrigins().get("lab1-meet-me-+14085559000")).toBe("rcclab:meetMe[0]");
    expect(checkPlanned(resources, resourceOrigins())).toEqual([]);
  });

  it("runs on the embedded lab with the installed package's local engine; the state keeps no path; destroy works after the project moved", async () => {
    const seeded = (await axl.sql<Record<string, string>>("select name from device order by name")).map((r) => Object.values(r)[0]!);
    const installedModule = (m: string) => require(path.join(consumer, "node_modules", "rcclab", "dist", m));
    const engine = installedModule("src/engine/local.js") as typeof import("../src/engine/local");
    const { ProviderHost } = installedModule("src/engine/providerHost.js") as typeof import("../src/engine/providerHost");
    const { program, EXTRA_PHONE, EXTRA_NUMBER } = require(path.join(consumer, "bin", "program.js")) as {
      program: () => Promise<Record<string, unknown>>;
      EXTRA_PHONE: string;
      EXTRA_NUMBER: string;
    };
    // The provider host runs in the program's project, as Pulumi runs it: it finds rcclab there by
    // module resolution (no rcclab package.json above the project to fall back on).
    const host = await ProviderHost.start(consumer);
    let r: Awaited<ReturnType<typeof engine.up>>;
    try {
      r = await engine.up({ project: "rcclab-consumer", stack: "lab", stateFile, passphrase: "library-test", program, config, secretConfigKeys: secretKeys, host });
    } finally {
      await host.stop();
    }
    const created = r.steps.filter((s) => s.op === "create").map((s) => s.name);
    expect(created).toEqual(expect.arrayContaining(["lab1-phone-SEP001E4AAABB01", "lab1-line-+14085551001", "extra-line", "extra-phone"]));
    expect(r.outputs).toMatchObject({ phone: EXTRA_PHONE, line: `\\${EXTRA_NUMBER}`, ctiUser: "rcc-cti", sameModules: true });

    // On the CUCM simulator, over AXL.
    expect(await axl.get(axl.adapter.phone, EXTRA_PHONE)).toMatchObject({ product: "Cisco 7975", protocol: "SCCP", lines: [expect.objectContaining({ dirn: expect.objectContaining({ pattern: `\\${EXTRA_NUMBER}` }) })] });
    expect(await axl.get(axl.adapter.phone, "SEP001E4AAABB01")).toMatchObject({ description: expect.stringContaining("Alice") });

    // The serialized providers name their module relative to the package, never where it was.
    const state = fs.readFileSync(stateFile, "utf8");
    expect(state).toContain("dist/providers/cucm/phone.js");
    for (const p of [root, stage, consumer]) expect(state.includes(p), `the state holds ${p}`).toBe(false);

    // The project moves; destroy, in a process of its own, runs every provider from the state.
    const moved = path.join(tmp, "moved", "consumer");
    fs.mkdirSync(path.dirname(moved));
    fs.renameSync(consumer, moved);
    consumer = moved;
    const destroy = `
      const [dir, stateFile] = process.argv.slice(1);
      const engine = require(dir + "/node_modules/rcclab/dist/src/engine/local.js");
      const { ProviderHost } = require(dir + "/node_modules/rcclab/dist/src/engine/providerHost.js");
      (async () => {
        const host = await ProviderHost.start(dir);
        try {
          const r = await engine.destroy({ project: "rcclab-consumer", stack: "lab", stateFile, passphrase: "library-test", host });
          console.log(JSON.stringify(r.steps.map((s) => s.name)));
        } finally {
          await host.stop();
        }
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const d = await run(process.execPath, ["-e", destroy, moved, stateFile], moved);
    expect(d.code, d.out + d.err).toBe(0);
    expect(JSON.parse(d.out)).toEqual(expect.arrayContaining(["extra-phone", "lab1-phone-SEP001E4AAABB01"]));
    expect(await axl.get(axl.adapter.phone, EXTRA_PHONE)).toBeUndefined();
    expect((await axl.sql<Record<string, string>>("select name from device order by name")).map((r) => Object.values(r)[0]!)).toEqual(seeded);
  });
});
