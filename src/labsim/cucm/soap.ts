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
 * A SOAP 1.1 Fault. AXL errors carry detail/axlError{axlcode, axlmessage, request}; request
 * (unmarshalling) errors carry only faultcode and faultstring.
 */
export function faultEnvelope(fault: AxlFault | SoapFault, operation: string | undefined): string {
  const parts: XNode[] = [x("faultcode", fault.faultcode), x("faultstring", fault.message)];
  if (fault instanceof AxlFault) {
    parts.push(
      x("detail", [
        x("axlError", [x("axlcode", String(fault.axlcode)), x("axlmessage", fault.message), x("request", operation ?? "")]),
      ]),
    );
  }
  return envelope(x("soapenv:Fault", parts));
}
