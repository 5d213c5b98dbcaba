/**
 * Validation of AXL request bodies against Cisco's published schema (../shared/axl-schema, never
 * copied into this repository) with libxml2's xmllint. Missing schema or xmllint is a failure, not
 * a skip: a conformance test that cannot run must not pass.
 *
 * 15.0: Cisco's 15.0 schema has 14.0's element names under the .../API/15.0 namespace and is not in
 * shared/. 15.0 bodies have their namespace rewritten to .../API/14.0 and are validated against the
 * 14.0 schema.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { AxlRelease } from "../../providers/cucm/axl/model";

export const AXL_SCHEMA_DIR = process.env.AXL_SCHEMA_DIR ?? path.resolve(__dirname, "../../../shared/axl-schema");

const AXL_NS = "http://www.cisco.com/AXL/API/";

/** The entry schema and the namespace to validate a release's bodies with (15.0 shares 14.0's names). */
export function schemaFor(release: AxlRelease): { xsd: string; namespace: string } {
  const folder = release === "15.0" ? "14.0" : release;
  const entry = release === "7.0" ? "axlsoap.xsd" : "AXLSoap.xsd";
  const xsd = path.join(AXL_SCHEMA_DIR, folder, entry);
  if (!fs.existsSync(xsd)) throw new Error(`Cisco's AXL schema is missing: ${xsd} (set AXL_SCHEMA_DIR)`);
  return { xsd, namespace: `${AXL_NS}${folder}` };
}

/** Throws unless xmllint can run (Debian package libxml2-utils). */
export function requireXmllint(): void {
  const r = spawnSync("xmllint", ["--version"], { encoding: "utf8" });
  if (r.error) throw new Error(`xmllint is missing (Debian package libxml2-utils): ${r.error.message}`);
}

/** Throws unless every release's schema and xmllint are there: the validation can run. */
export function requireAxlValidation(releases: readonly AxlRelease[]): void {
  if (!fs.existsSync(AXL_SCHEMA_DIR)) throw new Error(`Cisco's AXL schema folder is missing: ${AXL_SCHEMA_DIR} (set AXL_SCHEMA_DIR)`);
  for (const release of releases) schemaFor(release);
  requireXmllint();
}

const isEnvelope = (xml: string): boolean => /^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:[\w-]+:)?Envelope\b/.test(xml);

/**
 * The request element inside soapenv:Body of an envelope, standalone: the namespace declarations
 * of its ancestors are copied onto it.
 */
export function bodyElement(envelope: string): string {
  const decls = new Map<string, string>();
  const envStart = /<(?:[\w-]+:)?Envelope\b([^>]*)>/.exec(envelope)?.[1] ?? "";
  const bodyMatch = /<((?:[\w-]+:)?Body)\b([^>]*)>([\s\S]*)<\/\1>/.exec(envelope);
  if (!bodyMatch) throw new Error(`no SOAP Body in: ${envelope.slice(0, 200)}`);
  for (const m of `${envStart} ${bodyMatch[2]}`.matchAll(/\s(xmlns(?::[\w-]+)?)=("[^"]*"|'[^']*')/g)) decls.set(m[1]!, m[2]!);
  const inner = bodyMatch[3]!.trim();
  const start = /^<([\w:-]+)([^>]*?)(\/?)>/.exec(inner);
  if (!start) throw new Error(`no request element in the Body: ${inner.slice(0, 200)}`);
  const own = start[2]!;
  const extra = [...decls].filter(([k]) => !own.includes(`${k}=`)).map(([k, v]) => ` ${k}=${v}`).join("");
  return `<${start[1]}${own}${extra}${start[3]}>${inner.slice(start[0].length)}`;
}

/** A document to validate: its XML, and a label naming it in complaints. */
export interface AxlDocument {
  label: string;
  xml: string;
}

/**
 * Validate bodies (full envelopes or bare request elements; a document may carry a label) against
 * a release's schema, in one xmllint run. Returns the complaints, one entry per invalid document
 * (its label, xmllint's messages, and the document validated); empty when all are valid.
 */
export function validateAxlRequests(release: AxlRelease, xmls: readonly (string | AxlDocument)[]): string[] {
  requireXmllint();
  const { xsd, namespace } = schemaFor(release);
  if (!xmls.length) return [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `axl-${release}-`));
  try {
    const docs = xmls.map((d, i) => {
      const { label, xml } = typeof d === "string" ? { label: `#${i}`, xml: d } : d;
      let body = isEnvelope(xml) ? bodyElement(xml) : xml;
      if (release === "15.0") body = body.replaceAll(`${AXL_NS}15.0`, namespace);
      const file = path.join(dir, `${String(i).padStart(4, "0")}-${label.replace(/[^\w.-]+/g, "_").slice(0, 80)}.xml`);
      fs.writeFileSync(file, body);
      return { label, file, body, messages: [] as string[] };
    });
    const r = spawnSync("xmllint", ["--noout", "--schema", xsd, ...docs.map((d) => d.file)], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.error) throw r.error;
    // Each message starts with its file name; a parser error's context lines follow it unprefixed.
    const general: string[] = [];
    let current: (typeof docs)[number] | undefined;
    for (const line of r.stderr.split("\n")) {
      if (!line.trim()) continue;
      const doc = docs.find((d) => line.startsWith(d.file));
      if (doc) current = doc;
      if (doc && line === `${doc.file} validates`) continue;
      if (doc) doc.messages.push(line.slice(doc.file.length).replace(/^:/, "line ").trim());
      else if (current) current.messages.push(line);
      else general.push(line);
    }
    const problems = docs
      .filter((d) => d.messages.length)
      .map((d) => {
        // "fails to validate" repeats what the messages before it say.
        const messages = d.messages.length > 1 ? d.messages.filter((m) => m !== "fails to validate") : d.messages;
        return `${d.label}:\n  ${messages.join("\n  ")}\n  document: ${d.body.length > 4000 ? `${d.body.slice(0, 4000)}...` : d.body}`;
      });
    // Anything else xmllint says (a schema it cannot read, say) is a problem too.
    problems.unshift(...general.map((l) => l.replaceAll(`${dir}${path.sep}`, "")));
    if (r.status !== 0 && !problems.length) problems.push(`xmllint exited with ${r.status ?? r.signal}: ${r.stderr}`);
    return problems;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
