/**
 * Headless Chromium for the tests that render a page (the audit report): where it is, and the DOM it
 * builds from a file (--dump-dom), parsed back into elements the tests read.
 */
import { spawnSync } from "node:child_process";
import { XMLParser } from "fast-xml-parser";

/** Headless Chromium, or undefined (a workstation without it skips; CI must have it: .ci/debian-packages). */
export function chromiumPath(): string | undefined {
  for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
    const r = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  if (process.env.CI) throw new Error("chromium is not installed: apt-get install --no-install-recommends chromium — CI must render the audit report");
  process.stderr.write("chromium is not installed; skipping the rendering tests\n");
  return undefined;
}

/** An element of the DOM Chromium dumped. */
export interface El {
  tag: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
}

/** The page rendered by headless Chromium, its DOM serialized (--dump-dom) and parsed back into elements. */
export function renderInChromium(chromium: string, file: string): El {
  const r = spawnSync(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", `file://${file}`], { encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0 || !r.stdout.includes("<html")) throw new Error(`chromium failed (${r.status}): ${r.stderr.slice(-500)}`);
  const parsed = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: "",
    unpairedTags: ["br", "meta", "hr", "img", "input", "link"],
    stopNodes: ["*.style"],
    processEntities: true,
    htmlEntities: true,
    trimValues: false,
  }).parse(r.stdout) as unknown[];
  const build = (node: Record<string, unknown>): El | string => {
    if ("#text" in node) return String(node["#text"]);
    const tag = Object.keys(node).find((k) => k !== ":@")!;
    const kids = ((node[tag] as Record<string, unknown>[]) ?? []).map(build);
    const children = kids.filter((k): k is El => typeof k !== "string");
    const text = kids.map((k) => (typeof k === "string" ? k : k.text)).join("");
    return { tag, attrs: (node[":@"] as Record<string, string>) ?? {}, children, text };
  };
  return { tag: "#document", attrs: {}, children: parsed.map((n) => build(n as Record<string, unknown>)).filter((k): k is El => typeof k !== "string"), text: "" };
}

/** Every element below `el` matching `pred`, in document order. */
export function findAll(el: El, pred: (e: El) => boolean): El[] {
  return el.children.flatMap((c) => [...(pred(c) ? [c] : []), ...findAll(c, pred)]);
}
