/**
 * rcclab's own AXL WSDL subsets (wsdl/axl-7.0.wsdl, wsdl/axl-12.wsdl), loaded into node-soap, and the
 * exact XML node-soap puts on the wire for a request (the conformance test validates it against
 * Cisco's schema; the simulator tests send it).
 */
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import type { WSDL } from "soap";
import { projectRoot } from "../../core/provider";
import { type AxlRelease, type AxlRequest, familyOf, soapAction } from "./model";

/** The options the AXL client gives node-soap; serialization and parsing depend on them. */
export const SOAP_OPTIONS = { attributesKey: "$attributes" } as const;

const cache = new Map<AxlRelease, Promise<WSDL>>();

/** The WSDL document of a release (12.5/14.0/15.0 share one file, {{RELEASE}} filled in). */
export async function wsdlText(release: AxlRelease): Promise<{ file: string; text: string }> {
  // Found from the project root: tsc does not copy the .wsdl files next to the compiled JS in dist/.
  const name = familyOf(release) === "7" ? "axl-7.0.wsdl" : "axl-12.wsdl";
  const file = path.join(projectRoot(__dirname), "providers", "cucm", "axl", "wsdl", name);
  const text = (await readFile(file, "utf8")).replaceAll("{{RELEASE}}", release);
  return { file, text };
}

/** The parsed WSDL of a release, built once per release. */
export function loadWsdl(release: AxlRelease): Promise<WSDL> {
  let wsdl = cache.get(release);
  if (!wsdl) {
    wsdl = (async () => {
      const soap = await import("soap");
      const { file, text } = await wsdlText(release);
      const parsed = new soap.WSDL(text, file, { ...SOAP_OPTIONS });
      // soap.Client copies these onto the WSDL it is given (client.js `_initializeOptions`); set them
      // here too, so that serializeRequest and xmlToObject behave as the client's calls do.
      Object.assign(parsed.options, { ...SOAP_OPTIONS, envelopeKey: "soap", envelopeSoapUrl: "http://schemas.xmlsoap.org/soap/envelope/" });
      return new Promise<WSDL>((resolve, reject) => parsed.onReady((err) => (err ? reject(err) : resolve(parsed))));
    })();
    wsdl.catch(() => cache.delete(release));
    cache.set(release, wsdl);
  }
  return wsdl;
}

interface SoapInput {
  $name: string;
  $type?: string;
  $lookupType?: string;
  targetNSAlias: string;
  targetNamespace: string;
}

function inputOf(wsdl: WSDL, operation: string): SoapInput {
  for (const service of Object.values(wsdl.definitions.services)) {
    for (const port of Object.values(service.ports) as { binding: { methods: Record<string, { input: unknown }> } }[]) {
      const method = port.binding.methods[operation];
      if (method) return method.input as SoapInput;
    }
  }
  throw new Error(`${operation} is not in this AXL WSDL subset`);
}

/**
 * The request element (the child of soapenv:Body) exactly as node-soap's client serializes it
 * (client.js `_invoke`, document style: `wsdl.objectToDocumentXML(input.$name, args, alias, ns, type)`).
 */
export function serializeRequest(wsdl: WSDL, req: AxlRequest): string {
  const input = inputOf(wsdl, req.operation);
  return wsdl.objectToDocumentXML(input.$name, req.body, input.targetNSAlias, input.targetNamespace, input.$type || input.$lookupType);
}

/**
 * A complete SOAP 1.1 envelope for a request, built as node-soap's client builds it (no header:
 * the client authenticates over HTTP).
 */
export async function envelope(release: AxlRelease, req: AxlRequest): Promise<string> {
  const wsdl = await loadWsdl(release);
  const { envelopeKey: env, envelopeSoapUrl } = wsdl.options as { envelopeKey: string; envelopeSoapUrl: string };
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<${env}:Envelope xmlns:${env}="${envelopeSoapUrl}" ` +
    `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ${wsdl.xmlnsInEnvelope}>` +
    `<${env}:Body>${serializeRequest(wsdl, req)}</${env}:Body></${env}:Envelope>`
  );
}

/** The SOAPAction header value for a request (unquoted). */
export const soapActionOf = (release: AxlRelease, req: AxlRequest): string => soapAction(release, req.operation);
