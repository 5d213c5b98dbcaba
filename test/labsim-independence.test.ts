/**
 * The lab simulators are an independent reading of the systems they stand for: no file under
 * src/labsim may import a provider's system-specific code (providers/cucm, cup, ad, ocs, … — names,
 * schemas, mappings the client guessed), or the simulator would agree with the client by
 * construction. Allowed, and nothing else from providers/:
 *  - providers/core/provider: the project root helper (not system knowledge);
 *  - providers/dns/wire, providers/dns/tsig: DNS message and TSIG codecs verified against a real
 *    server (BIND9), shared as protocol code.
 * The check reads every .ts file under src/labsim for static imports, `export … from`, dynamic
 * import() and require(), resolves relative specifiers, and fails naming the file and the import.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");
const LABSIM = path.join(ROOT, "src", "labsim");
const PROVIDERS = path.join(ROOT, "providers");

/** The only provider modules a simulator may import (paths under providers/, no extension). */
export const ALLOWED_PROVIDER_IMPORTS: readonly string[] = ["core/provider", "dns/wire", "dns/tsig"];

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return /\.(c|m)?tsx?$/.test(e.name) && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

/** Every module specifier a file imports (static, re-export, dynamic, require), comments removed. */
export function importSpecifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
  const out: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'"`;]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) out.push(m[1]!);
  return out;
}

/** The providers/… module a specifier reaches from a file (no extension), or undefined. */
export function providerModule(file: string, spec: string): string | undefined {
  let target: string;
  if (spec.startsWith(".")) target = path.resolve(path.dirname(file), spec);
  else if (/^(@\/|~\/)?providers\//.test(spec)) target = path.join(ROOT, spec.replace(/^(@\/|~\/)/, ""));
  else return undefined;
  const rel = path.relative(PROVIDERS, target);
  if (rel.startsWith("..") || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join("/").replace(/\.(c|m)?(t|j)sx?$/, "").replace(/\/index$/, "");
}

export function offendingImports(files: readonly string[]): string[] {
  const bad: string[] = [];
  for (const file of files) {
    for (const spec of importSpecifiers(fs.readFileSync(file, "utf8"))) {
      const mod = providerModule(file, spec);
      if (mod !== undefined && !ALLOWED_PROVIDER_IMPORTS.includes(mod)) bad.push(`${path.relative(ROOT, file)} imports "${spec}" (providers/${mod})`);
    }
  }
  return bad;
}

describe("lab simulators are independent of the providers", () => {
  it("no file under src/labsim imports a provider's system-specific code", () => {
    const files = tsFiles(LABSIM);
    expect(files.length).toBeGreaterThan(10);
    expect(offendingImports(files)).toEqual([]);
  });

  it("the allowed provider modules exist (so the list does not go stale)", () => {
    for (const m of ALLOWED_PROVIDER_IMPORTS) expect(fs.existsSync(path.join(PROVIDERS, `${m}.ts`)), m).toBe(true);
  });

  it("the check sees every form of import, and only code", () => {
    const file = path.join(LABSIM, "cup", "x.ts");
    const src = [
      'import { A } from "../../../providers/cup/catalog";',
      'import type { B } from "../../../providers/ocs/model";',
      'export { C } from "../../../providers/cucm/sql";',
      'const d = await import("../../../providers/ad/ldap");',
      'const e = require("../../../providers/dns/zone");',
      'import "../../../providers/cup/side-effect";',
      'import {\n  F,\n  G,\n} from "../../../providers/cup/client";',
      'import { projectRoot } from "../../../providers/core/provider";',
      'import { encodeMessage } from "../../../providers/dns/wire.ts";',
      'import { sign } from "../../../providers/dns/tsig";',
      'import { x } from "../sql/engine";',
      '// import { no } from "../../../providers/cup/catalog";',
      '/* import { no } from "../../../providers/cup/catalog"; */',
    ].join("\n");
    const mods = importSpecifiers(src).map((s) => providerModule(file, s));
    expect(mods.filter((m) => m !== undefined && !ALLOWED_PROVIDER_IMPORTS.includes(m))).toEqual([
      "cup/catalog",
      "ocs/model",
      "cucm/sql",
      "cup/client",
      "cup/side-effect",
      "ad/ldap",
      "dns/zone",
    ]);
    expect(mods.filter((m) => m !== undefined && ALLOWED_PROVIDER_IMPORTS.includes(m))).toEqual(["core/provider", "dns/wire", "dns/tsig"]);
    expect(mods.filter((m) => m === undefined)).toHaveLength(1);
  });
});
