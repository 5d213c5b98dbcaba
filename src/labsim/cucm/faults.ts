/**
 * The errors the simulated AXL service raises, with CUCM's codes and texts. Two shapes:
 * - AxlFault: an AXL (business or database) error. CUCM answers HTTP 500 with a SOAP 1.1 Fault
 *   (faultcode soapenv:Server) whose detail names the code and message in the release's shape:
 *   7.0 axl:Error{axl:code, axl:message, request}, 8.x and later axlError{axlcode, axlmessage,
 *   request} (see soap.ts, FaultShape).
 * - SoapFault: a request CUCM could not unmarshal (bad envelope, schema violation, unknown
 *   operation, SOAPAction mismatch): faultcode soapenv:Client, no axlError detail.
 */

export type FaultCode = "soapenv:Client" | "soapenv:Server";

export class AxlFault extends Error {
  constructor(
    readonly axlcode: number,
    message: string,
    readonly faultcode: FaultCode = "soapenv:Server",
  ) {
    super(message);
  }
}

export class SoapFault extends Error {
  constructor(
    message: string,
    readonly faultcode: FaultCode = "soapenv:Client",
  ) {
    super(message);
  }
}

/** CUCM's AXL error codes the simulator uses. */
export const AxlCode = {
  /** Item not valid: the object a get/remove names does not exist. */
  NOT_FOUND: 5007,
  /**
   * A name the request refers to (device pool, partition, owner, ...) does not exist. CUCM answers
   * this with the same 5007 "Item not valid: The specified <item> was not found" as a missing object,
   * so a client must tell the two apart by the operation (get/remove name the object itself).
   */
  MISSING_REFERENCE: 5007,
  /** The object an update names does not exist. */
  UPDATE_NOT_FOUND: 5003,
  /** Directory number already exists in that partition. */
  DN_EXISTS: 4052,
  /** Informix: duplicate value in a UNIQUE INDEX column. */
  DUPLICATE: -239,
  /** Informix: key value still referenced by a foreign key. */
  STILL_REFERENCED: -692,
  /** Informix: unique constraint violated. */
  UNIQUE_CONSTRAINT: -268,
  /** Informix: syntax error. */
  SQL_SYNTAX: -201,
  /** Informix: number of columns in INSERT does not match number of VALUES. */
  SQL_COLUMN_COUNT: -236,
  /** Informix: cannot insert a null into a NOT NULL column. */
  SQL_NOT_NULL: -391,
  /** Informix: missing key in referenced table for referential constraint. */
  SQL_MISSING_KEY: -691,
  /** Informix: a character to numeric conversion process failed. */
  SQL_NUMERIC: -1213,
  /** Informix: table not in the database. */
  NO_TABLE: -206,
  /** Informix: column not found. */
  NO_COLUMN: -217,
  /** AXL memory throttle. */
  THROTTLED: -1,
  /** Generic failure; also business-rule violations (bad product/protocol, wrong profile). */
  UNKNOWN: 5000,
} as const;

export const faults = {
  notFound(label: string): AxlFault {
    return new AxlFault(AxlCode.NOT_FOUND, `Item not valid: The specified ${label} was not found`);
  },
  /** What updateX answers when X does not exist. */
  updateNotFound(label: string): AxlFault {
    return new AxlFault(AxlCode.UPDATE_NOT_FOUND, `${label} not found`);
  },
  missingReference(label: string, name: string): AxlFault {
    return new AxlFault(AxlCode.MISSING_REFERENCE, `Item not valid: The specified ${label} (${name}) was not found`);
  },
  duplicate(uniqueIndex = ""): AxlFault {
    return new AxlFault(
      AxlCode.DUPLICATE,
      `Could not insert new row - duplicate value in a UNIQUE INDEX column (Unique Index:${uniqueIndex}).`,
    );
  },
  dnExists(): AxlFault {
    return new AxlFault(AxlCode.DN_EXISTS, "Cannot insert or update pattern. A DN exists with the same pattern and partition.");
  },
  stillReferenced(constraint: string): AxlFault {
    return new AxlFault(AxlCode.STILL_REFERENCED, `Key value for constraint (informix.${constraint}) is still being referenced.`);
  },
  invalid(message: string): AxlFault {
    return new AxlFault(AxlCode.UNKNOWN, message);
  },
  throttled(): AxlFault {
    return new AxlFault(
      AxlCode.THROTTLED,
      "Maximum AXL Memory Allocation Consumed. Please retry once you have results from the previous requests.",
    );
  },
  uniqueConstraint(constraint: string): AxlFault {
    return new AxlFault(AxlCode.UNIQUE_CONSTRAINT, `Unique constraint (informix.${constraint}) violated.`);
  },
  sqlNotNull(table: string, column: string): AxlFault {
    return new AxlFault(AxlCode.SQL_NOT_NULL, `Cannot insert a null into column (${table}.${column}).`);
  },
  sqlMissingKey(constraint: string): AxlFault {
    return new AxlFault(AxlCode.SQL_MISSING_KEY, `Missing key in referenced table for referential constraint (informix.${constraint}).`);
  },
  sqlColumnCount(): AxlFault {
    return new AxlFault(AxlCode.SQL_COLUMN_COUNT, "Number of columns in INSERT does not match number of VALUES.");
  },
  sqlNumeric(): AxlFault {
    return new AxlFault(AxlCode.SQL_NUMERIC, "A character to numeric conversion process failed");
  },
  /** Something real CUCM does that the simulator does not model (answered honestly, never faked). */
  notSimulated(what: string): AxlFault {
    return new AxlFault(AxlCode.UNKNOWN, `The lab simulator does not support ${what}`);
  },
  sqlSyntax(): AxlFault {
    return new AxlFault(AxlCode.SQL_SYNTAX, "A syntax error has occurred.");
  },
  noTable(table: string): AxlFault {
    return new AxlFault(AxlCode.NO_TABLE, `The specified table (${table}) is not in the database.`);
  },
  noColumn(column: string): AxlFault {
    return new AxlFault(AxlCode.NO_COLUMN, `Column (${column}) not found in any table in the query (or SLV is undefined).`);
  },
  unmarshal(detail: string): SoapFault {
    return new SoapFault(`Unmarshalling Error: ${detail} `);
  },
};
