/** SOAP 1.1 envelopes as CUCM's AXL service reads and writes them. */
import { type SimRelease, axlNamespace } from "./releases";
import { AxlFault, SoapFault, faults } from "./faults";
import { SOAP_ENV_NS, type XEl, type XNode, XmlSyntaxError, attr, parseXml, serialize, x } from "./xml";

const SOAP12_ENV_NS = "http://www.w3.org/2003/05/soap-envelope";
const XML_DECL = "<?xml version='1.0' encoding='UTF-8'?>";

export interface SoapRequest {
  /** Local name of the request element (the operation). */
  operation: string;
  element: XEl;
  /** The request's `sequence` attribute, echoed in the response. */
  sequence?: string;
}

/** Parses an envelope and returns its request element; envelope problems are SOAP Client faults. */
export function parseEnvelope(body: string, release: SimRelease): SoapRequest {
  let root: XEl;
  try {
    root = parseXml(body);
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw new SoapFault(`Error reading XMLStreamReader: ${e.message}`);
    throw e;
  }
  if (root.local === "Envelope" && root.ns === SOAP12_ENV_NS) {
    throw new SoapFault("SOAP 1.2 is not supported; send a SOAP 1.1 envelope", "soapenv:Client");
  }
  if (root.local !== "Envelope" || root.ns !== SOAP_ENV_NS) {
    throw new SoapFault(`Message does not have a SOAP 1.1 envelope (found {${root.ns}}${root.local})`);
  }
  const bodyEl = root.children.find((c) => c.local === "Body" && c.ns === SOAP_ENV_NS);
  const element = bodyEl?.children[0];
  if (!element) throw new SoapFault("The SOAP Body holds no request element");
  const ns = axlNamespace(release);
  if (element.ns !== ns) {
    throw faults.unmarshal(`unexpected element (uri:"${element.ns}", local:"${element.local}"). Expected elements are in namespace "${ns}"`);
  }
  const sequence = attr(element, "sequence");
  return { operation: element.local, element, ...(sequence !== undefined ? { sequence } : {}) };
}

/** "CUCM:DB ver=14.0 getPhone" (quotes optional) must name this release and operation. */
export function checkSoapAction(header: string | undefined, release: SimRelease, operation: string): void {
  const value = (header ?? "").trim().replace(/^"(.*)"$/, "$1");
  const m = /^CUCM:DB ver=(\S+) (\S+)$/.exec(value);
  if (!m) {
    throw new SoapFault(`The SOAPAction header "${value}" is not of the form "CUCM:DB ver=${release} ${operation}"`);
  }
  if (m[1] !== release || m[2] !== operation) {
    throw new SoapFault(`SOAPAction "${value}" does not match the request ${operation} ver=${release}`);
  }
}

function envelope(bodyContent: XNode): string {
  return XML_DECL + serialize(x("soapenv:Envelope", [x("soapenv:Body", [bodyContent])], { "xmlns:soapenv": SOAP_ENV_NS }));
}

/** `<ns:opResponse xmlns:ns="http://www.cisco.com/AXL/API/<release>">…</ns:opResponse>`. */
export function responseEnvelope(release: SimRelease, req: SoapRequest, children: XNode[]): string {
  const attrs: Record<string, string> = { "xmlns:ns": axlNamespace(release) };
  if (req.sequence !== undefined) attrs.sequence = req.sequence;
  return envelope(x(`ns:${req.operation}Response`, children, attrs));
}

/**
 * How CUCM words the AXL error inside a fault's detail:
 * - "8+" (8.x and later, so 12.5/14.0/15.0): detail/axlError {axlcode, axlmessage, request}
 *   (14.0's AXLAPI.wsdl declares the AXLError fault message);
 * - "7.0": detail/axl:Error {axl:code, axl:message, request}. Cisco's 7.0 axlmessage.xsd defines
 *   the type Error (code, message, request, url); its 7.0 WSDL declares no fault. The wire form
 *   follows a public CUCM 6.0(1)-era capture: `<axl:Error xmlns:axl="http://www.cisco.com/AXL/1.0">
 *   <axl:code>-239</axl:code><axl:message>…</axl:message><request>updateLineGroup</request>
 *   </axl:Error>`, the prefix bound to the release's axl.xsd namespace; for 7.0 that is
 *   http://www.cisco.com/AXL/7.0 (by analogy; no 7.0 capture was found).
 */
export type FaultShape = "7.0" | "8+";

/** The namespace of 7.0's axl:Error (the 7.0 axl.xsd target namespace; see FaultShape). */
export const AXL7_ERROR_NS = "http://www.cisco.com/AXL/7.0";

/**
 * A SOAP 1.1 Fault. AXL errors carry their code and message in the detail (in the release's shape,
 * see FaultShape); request (unmarshalling) errors carry only faultcode and faultstring.
 */
export function faultEnvelope(fault: AxlFault | SoapFault, operation: string | undefined, shape: FaultShape = "8+"): string {
  const parts: XNode[] = [x("faultcode", fault.faultcode), x("faultstring", fault.message)];
  if (fault instanceof AxlFault) {
    const detail =
      shape === "7.0"
        ? x("axl:Error", [x("axl:code", String(fault.axlcode)), x("axl:message", fault.message), x("request", operation ?? "")], { "xmlns:axl": AXL7_ERROR_NS })
        : x("axlError", [x("axlcode", String(fault.axlcode)), x("axlmessage", fault.message), x("request", operation ?? "")]);
    parts.push(x("detail", [detail]));
  }
  return envelope(x("soapenv:Fault", parts));
}

/** CUCM's answer (HTTP 599, plain text) to a request for an AXL version it does not serve. */
export function versionNotAvailable(served: readonly string[]): string {
  return `The specified version is not available. Available versions are ${served.join(", ")}`;
}

/**
 * The AXL version a request names, when it names one this server does not serve: from SOAPAction
 * ("CUCM:DB ver=<v> <op>"), else from the request element's namespace
 * (http://www.cisco.com/AXL/API/<v>). Undefined when the request names no version or a served one.
 */
export function unservedVersion(body: string, soapActionHeader: string | undefined, served: readonly string[]): string | undefined {
  const action = /^CUCM:DB ver=(\S+)(?:\s|$)/.exec((soapActionHeader ?? "").trim().replace(/^"(.*)"$/, "$1"))?.[1];
  if (action !== undefined && !served.includes(action)) return action;
  let root: XEl;
  try {
    root = parseXml(body);
  } catch {
    return undefined;
  }
  const element = root.children.find((c) => c.local === "Body" && c.ns === SOAP_ENV_NS)?.children[0];
  const ns = element ? /^http:\/\/www\.cisco\.com\/AXL\/API\/(.+)$/.exec(element.ns ?? "")?.[1] : undefined;
  return ns !== undefined && !served.includes(ns) ? ns : undefined;
}
