/**
 * The AXL service without HTTP: envelope in, envelope out. Parses the envelope, checks SOAPAction,
 * validates the request against the release's content model, runs the operation on the database
 * (all or nothing), persists writes, and renders the response or CUCM's fault.
 */
import { type SimRelease, familyOf } from "./releases";
import { FAMILY_7 } from "./axl/family7";
import { FAMILY_12 } from "./axl/family12";
import { operationTable, validateRequest } from "./axl/operations";
import type { OpDef } from "./axl/types";
import { AxlFault, SoapFault, faults } from "./faults";
import { CCM_VERSIONS } from "./model/catalog";
import { CucmDb } from "./model/db";
import {
  type FaultShape,
  type SoapRequest,
  checkSoapAction,
  faultEnvelope,
  parseEnvelope,
  responseEnvelope,
  unservedVersion,
  versionNotAvailable,
} from "./soap";
import { standalone } from "./xml";

export interface AxlResult {
  /** 599: the request named an AXL version this server does not serve (the body is plain text). */
  status: 200 | 500 | 599;
  xml: string;
  /** The body's content type (default text/xml). */
  contentType?: string;
  /** The operation, when the envelope named one. */
  operation?: string;
  /** The request element re-serialized as a standalone document (for schema validation in tests). */
  requestXml?: string;
  write: boolean;
  fault?: AxlFault | SoapFault;
}

/** What the HTTP layer needs to know before running a request (throttling, injections). */
export interface Prepared {
  req: SoapRequest;
  op: OpDef;
}

export class AxlService {
  readonly ops: Map<string, OpDef>;
  readonly version: string;
  /**
   * The AXL versions this server answers. One server plays one release, so it serves that one only
   * (a 7.0 CUCM serves 7.0; a real 12.5+ also serves some older schema versions, which the
   * simulator does not model).
   */
  readonly served: readonly string[];
  /** How AXL errors are worded in fault details: 7.0's axl:Error, or 8.x+'s axlError. */
  readonly faultShape: FaultShape;

  constructor(
    readonly release: SimRelease,
    public db: CucmDb,
    private readonly persist: () => void = () => undefined,
    version?: string,
  ) {
    this.ops = operationTable(familyOf(release) === "7" ? FAMILY_7 : FAMILY_12);
    this.version = version ?? CCM_VERSIONS[release] ?? release;
    this.served = [release];
    this.faultShape = familyOf(release) === "7" ? "7.0" : "8+";
  }

  /** Parses and checks a request; a rejected request comes back as a fault result. */
  prepare(body: string, soapActionHeader: string | undefined): Prepared | AxlResult {
    const unserved = unservedVersion(body, soapActionHeader, this.served);
    if (unserved !== undefined) {
      return { status: 599, xml: versionNotAvailable(this.served), contentType: "text/plain;charset=utf-8", write: false };
    }
    let req: SoapRequest | undefined;
    try {
      req = parseEnvelope(body, this.release);
      const op = this.ops.get(req.operation);
      if (!op) {
        throw faults.unmarshal(
          `unexpected element (uri:"${req.element.ns}", local:"${req.operation}"). The lab simulator does not serve this operation`,
        );
      }
      checkSoapAction(soapActionHeader, this.release, req.operation);
      validateRequest(op, req.element);
      return { req, op };
    } catch (e) {
      const result = this.faultResult(e, req?.operation);
      return req ? { ...result, requestXml: standalone(req.element) } : result;
    }
  }

  /** Runs a prepared request; a failed write leaves the database as it was. */
  run({ req, op }: Prepared): AxlResult {
    const base = { operation: req.operation, requestXml: standalone(req.element), write: op.write };
    try {
      // All or nothing: the database's undo log puts back what a failed write changed (a deep copy
      // of the whole database per write used to, at a cost that grew with the database: issue 13 §4).
      const answer = (): AxlResult => {
        const children = op.run({ db: this.db, release: this.release, family: familyOf(this.release), version: this.version }, req.element);
        if (op.write) this.persist();
        return { ...base, status: 200, xml: responseEnvelope(this.release, req, children) };
      };
      return op.write ? this.db.transaction(answer) : answer();
    } catch (e) {
      const fault = e instanceof AxlFault || e instanceof SoapFault ? e : new AxlFault(5000, `Internal error: ${(e as Error).message}`);
      return { ...base, status: 500, xml: faultEnvelope(fault, req.operation, this.faultShape), fault };
    }
  }

  /** A fault response for a request that failed in prepare (or an injected one). */
  faultResult(e: unknown, operation: string | undefined): AxlResult {
    const fault = e instanceof AxlFault || e instanceof SoapFault ? e : new AxlFault(5000, `Internal error: ${(e as Error).message}`);
    return { status: 500, xml: faultEnvelope(fault, operation, this.faultShape), ...(operation ? { operation } : {}), write: false, fault };
  }
}

export { CucmDb };
