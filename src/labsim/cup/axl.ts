/**
 * CUP's AXL service without HTTP: envelope in, envelope out. The endpoint, namespace and SOAPAction
 * are the simulator's own (schema.ts CUP_SIM_AXL, simSoapAction; ASSUMED, not imported from the client):
 *   getCUPVersion     → return/componentVersion/version
 *   executeSQLQuery   → return/row* (a row's children are the selected columns; NULL comes back empty)
 *   executeSQLUpdate  → return/rowsUpdated
 * Errors have the CUCM AXL shapes (../cucm/faults.ts): a request that cannot be read (bad envelope,
 * unknown operation, wrong SOAPAction, unexpected children) is a soapenv:Client fault; SQL errors are
 * soapenv:Server faults with detail/axlError{axlcode (Informix's negative code), axlmessage, request}.
 */
import { CUP_SIM_AXL as CUP_AXL, type CupSimAxlOperation as CupAxlOperation, simSoapAction as cupSoapAction } from "./schema";
import { AxlFault, SoapFault, faults } from "../cucm/faults";
import { faultEnvelope } from "../cucm/soap";
import { SOAP_ENV_NS, type XEl, type XNode, XmlSyntaxError, attr, parseXml, serialize, x } from "../cucm/xml";
import type { SqlRow } from "../sql/engine";
import type { CupDb } from "./db";
import { cupQuery, cupUpdate } from "./sql";

const SOAP12_ENV_NS = "http://www.w3.org/2003/05/soap-envelope";
const XML_DECL = "<?xml version='1.0' encoding='UTF-8'?>";

export interface CupAxlResult {
  status: 200 | 500;
  xml: string;
  operation?: string;
  write: boolean;
  /** The statement, for executeSQLQuery / executeSQLUpdate. */
  sql?: string;
  rows?: SqlRow[];
  rowsUpdated?: number;
  fault?: AxlFault | SoapFault;
}

export interface CupPrepared {
  operation: CupAxlOperation;
  element: XEl;
  sequence?: string;
  sql?: string;
  write: boolean;
}

const OPERATIONS: readonly string[] = CUP_AXL.operations;

function envelope(content: XNode): string {
  return XML_DECL + serialize(x("soapenv:Envelope", [x("soapenv:Body", [content])], { "xmlns:soapenv": SOAP_ENV_NS }));
}

function parseRequest(body: string, soapActionHeader: string | undefined): CupPrepared {
  let root: XEl;
  try {
    root = parseXml(body);
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw new SoapFault(`Error reading XMLStreamReader: ${e.message}`);
    throw e;
  }
  if (root.local === "Envelope" && root.ns === SOAP12_ENV_NS) throw new SoapFault("SOAP 1.2 is not supported; send a SOAP 1.1 envelope");
  if (root.local !== "Envelope" || root.ns !== SOAP_ENV_NS) throw new SoapFault(`Message does not have a SOAP 1.1 envelope (found {${root.ns}}${root.local})`);
  const element = root.children.find((c) => c.local === "Body" && c.ns === SOAP_ENV_NS)?.children[0];
  if (!element) throw new SoapFault("The SOAP Body holds no request element");
  if (element.ns !== CUP_AXL.namespace || !OPERATIONS.includes(element.local)) {
    throw faults.unmarshal(`unexpected element (uri:"${element.ns}", local:"${element.local}"). Expected elements are ${OPERATIONS.map((o) => `<{${CUP_AXL.namespace}}${o}>`).join(",")}`);
  }
  const operation = element.local as CupAxlOperation;
  const action = (soapActionHeader ?? "").trim().replace(/^"(.*)"$/, "$1");
  if (action !== cupSoapAction(operation)) {
    throw new SoapFault(`The SOAPAction header "${action}" does not match the request: expected "${cupSoapAction(operation)}"`);
  }
  const sequence = attr(element, "sequence");
  const base = { operation, element, ...(sequence !== undefined ? { sequence } : {}) };
  if (operation === "getCUPVersion") {
    if (element.children.length) throw faults.unmarshal(`unexpected element (uri:"${element.children[0]!.ns}", local:"${element.children[0]!.local}"). getCUPVersion takes no elements`);
    return { ...base, write: false };
  }
  const extra = element.children.find((c) => c.local !== "sql" || c.ns !== "");
  if (extra) throw faults.unmarshal(`unexpected element (uri:"${extra.ns}", local:"${extra.local}"). Expected elements are <sql>`);
  const sqls = element.children.filter((c) => c.local === "sql");
  if (sqls.length !== 1) throw faults.unmarshal(`${operation} needs exactly one <sql> element, got ${sqls.length}`);
  return { ...base, sql: sqls[0]!.text, write: operation === "executeSQLUpdate" };
}

export class CupAxlService {
  constructor(
    public db: CupDb,
    readonly version: string,
    private readonly persist: () => void = () => undefined,
  ) {}

  /** Parses and checks a request; a rejected one comes back as a fault result. */
  prepare(body: string, soapAction: string | undefined): CupPrepared | CupAxlResult {
    try {
      return parseRequest(body, soapAction);
    } catch (e) {
      return this.faultResult(e, undefined);
    }
  }

  run(p: CupPrepared): CupAxlResult {
    const base = { operation: p.operation, write: p.write, ...(p.sql !== undefined ? { sql: p.sql } : {}) };
    const respond = (children: XNode[]): string =>
      envelope(x(`ns:${p.operation}Response`, children, { "xmlns:ns": CUP_AXL.namespace, ...(p.sequence !== undefined ? { sequence: p.sequence } : {}) }));
    try {
      switch (p.operation) {
        case "getCUPVersion":
          return { ...base, status: 200, xml: respond([x("return", [x("componentVersion", [x("version", this.version)])])]) };
        case "executeSQLQuery": {
          const rows = cupQuery(this.db, p.sql ?? "");
          const xml = respond([x("return", rows.map((r) => x("row", Object.entries(r).map(([k, v]) => x(k, v ?? "")))))]);
          return { ...base, status: 200, xml, rows };
        }
        case "executeSQLUpdate": {
          const n = cupUpdate(this.db, p.sql ?? "");
          if (n > 0) this.persist();
          return { ...base, status: 200, xml: respond([x("return", [x("rowsUpdated", String(n))])]), rowsUpdated: n };
        }
      }
    } catch (e) {
      return { ...this.faultResult(e, p.operation), ...base };
    }
  }

  faultResult(e: unknown, operation: string | undefined): CupAxlResult {
    const fault = e instanceof AxlFault || e instanceof SoapFault ? e : new AxlFault(5000, `Internal error: ${(e as Error).message}`);
    return { status: 500, xml: faultEnvelope(fault, operation), ...(operation ? { operation } : {}), write: false, fault };
  }
}
