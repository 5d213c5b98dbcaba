/**
 * The SOAP 1.2 faults the simulated WinRM service sends, as [MS-WSMV] describes them: s:Fault with
 * Code / Subcode (the WS-Management, WS-Addressing, WS-Enumeration or WS-Transfer fault QName),
 * Reason (WinRM's message), and Detail holding an optional wsman:FaultDetail URI and a
 * wsmanfault:WSManFault (Code, Machine, Message; [MS-WSMV] 2.2.4.43). Faults from the WMI provider
 * carry the provider's error inside a ProviderFault of the CIM resource provider, as in the fault
 * detail example ([MS-WSMV] 4.10).
 *
 * Codes, subcodes and messages are those of WinRM's error table (wsmerror.h): e.g.
 * ERROR_WSMAN_RESOURCE_NOT_FOUND 0x80338000 (wsa:DestinationUnreachable), ERROR_WSMAN_ALREADY_EXISTS
 * 0x80338033 (wsman:AlreadyExists), ERROR_WSMAN_QUOTA_LIMIT 0x8033803F (wsman:QuotaLimit). WMI
 * failures keep WMI's HRESULT (0x8004100x) as the WSManFault code.
 */
import { WBEM, type WmiError } from "../wmierror";
import { escapeAttr, escapeText } from "./xml";

export const NS = {
  s: "http://www.w3.org/2003/05/soap-envelope",
  soap11: "http://schemas.xmlsoap.org/soap/envelope/",
  wsa: "http://schemas.xmlsoap.org/ws/2004/08/addressing",
  wsman: "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd",
  wsen: "http://schemas.xmlsoap.org/ws/2004/09/enumeration",
  wst: "http://schemas.xmlsoap.org/ws/2004/09/transfer",
  wsmid: "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd",
  /** The spelling [MS-WSMV] 2.2.1's table gives; accepted in requests too. */
  wsmidAlt: "http://schemas.dmtf.org/wbem/wsman/identify/1/wsmanidentity.xsd",
  f: "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault",
  xsi: "http://www.w3.org/2001/XMLSchema-instance",
  cim: "http://schemas.dmtf.org/wbem/wscim/1/common",
  wsmv: "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd",
} as const;

export const ANONYMOUS = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous";
const FAULT_DETAIL = "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/";
/** The CIM resource provider's GUID ([MS-WSMV] product behavior note <2>). */
export const CIM_PROVIDER_ID = "D9A2A039-A4B3-4A70-8CB9-8D7714EAD776";

const ACTIONS = {
  wsman: "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault",
  wsa: "http://schemas.xmlsoap.org/ws/2004/08/addressing/fault",
  wsen: "http://schemas.xmlsoap.org/ws/2004/09/enumeration/fault",
  wst: "http://schemas.xmlsoap.org/ws/2004/09/transfer/fault",
  soap: "http://schemas.xmlsoap.org/ws/2004/08/addressing/fault",
};

export interface Fault {
  /** s:Sender, s:Receiver, s:MustUnderstand or s:VersionMismatch. */
  code: "Sender" | "Receiver" | "MustUnderstand" | "VersionMismatch";
  /** Qualified subcode with the response's prefixes, e.g. "wsman:InvalidSelectors". */
  subcode?: string;
  action: string;
  /** A wsman faultDetail name (e.g. "InsufficientSelectors"). */
  detail?: string;
  /** The WSManFault Code. */
  wsmanCode: number;
  /** WinRM's message (also the Reason text). */
  message: string;
  /** An error from the resource provider (WMI): its code and text. */
  provider?: { code: number; message: string };
  /** The HTTP status it travels with. */
  status: number;
}

const fault = (code: Fault["code"], ns: keyof typeof ACTIONS, subcode: string | undefined, wsmanCode: number, message: string, extra: Partial<Fault> = {}): Fault => ({
  code,
  ...(subcode ? { subcode: `${ns}:${subcode}` } : {}),
  action: ACTIONS[ns],
  wsmanCode,
  message,
  status: 500,
  ...extra,
});

export const Faults = {
  accessDenied: (): Fault => fault("Sender", "wsman", "AccessDenied", 5, "Access is denied."),
  resourceNotFound: (provider?: Fault["provider"]): Fault =>
    fault("Sender", "wsa", "DestinationUnreachable", 0x80338000, "The WS-Management service cannot process the request. The service cannot find the resource identified by the resource URI and selectors.", {
      detail: "ResourceNotFound",
      ...(provider ? { provider } : {}),
    }),
  invalidResourceUri: (): Fault =>
    fault("Sender", "wsa", "DestinationUnreachable", 0x8033803b, 'The WS-Management service cannot process the request. The resource URI is missing or it has an incorrect format. Check the documentation or use the following command for information on how to construct a resource URI: "winrm help uris".', {
      detail: "InvalidResourceURI",
    }),
  insufficientSelectors: (): Fault =>
    fault("Sender", "wsman", "InvalidSelectors", 0x8033805a, "The WS-Management service cannot process the request because the request did not contain all required selectors.", { detail: "InsufficientSelectors" }),
  unexpectedSelectors: (): Fault =>
    fault("Sender", "wsman", "InvalidSelectors", 0x8033805b, "The WS-Management service cannot process the request because the request contained invalid selectors for the resource.", { detail: "UnexpectedSelectors" }),
  duplicateSelectors: (): Fault =>
    fault("Sender", "wsman", "InvalidSelectors", 0x8033805f, "The WS-Management service cannot process the request because the request contains duplicate selectors.", { detail: "DuplicateSelectors" }),
  selectorTypeMismatch: (): Fault =>
    fault("Sender", "wsman", "InvalidSelectors", 0x8033805c, "The WS-Management service cannot process the request because a value for a selector is of the wrong type.", { detail: "TypeMismatch" }),
  alreadyExists: (provider?: Fault["provider"]): Fault =>
    fault("Sender", "wsman", "AlreadyExists", 0x80338033, "The WS-Management service cannot create the resource because it already exists.", provider ? { provider } : {}),
  quotaLimit: (): Fault => fault("Sender", "wsman", "QuotaLimit", 0x8033803f, "The WS-Management service is busy servicing other requests. Retry later."),
  timedOut: (): Fault => fault("Receiver", "wsman", "TimedOut", 0x80338029, "The WS-Management service cannot complete the operation within the time specified in OperationTimeout."),
  cannotProcessFilter: (provider?: Fault["provider"]): Fault =>
    fault("Sender", "wsen", "CannotProcessFilter", 0x8033801a, "The data source could not process the filter. The filter might be missing or it might be invalid. Change the filter and try the request again.", provider ? { provider } : {}),
  filterDialectUnavailable: (): Fault =>
    fault("Sender", "wsen", "FilterDialectRequestedUnavailable", 0x80338019, "The filter dialect (the type associated with the filter) was not supported for this resource. Change the filter dialect or remove it from the request and try the request again."),
  invalidEnumerationContext: (): Fault =>
    fault("Receiver", "wsen", "InvalidEnumerationContext", 0x8033801b, "The WS-Enumeration context in the enumeration is not valid. Enumeration may have been completed or canceled. You cannot use this enumeration context anymore. Start a new enumeration."),
  actionNotSupported: (): Fault => fault("Sender", "wsa", "ActionNotSupported", 0x80338013, "The WS-Management service does not support the action specified in the request."),
  invalidHeader: (): Fault => fault("Sender", "wsa", "InvalidMessageInformationHeader", 0x8033800f, "The WS-Management service cannot process the request. The request contains one or more invalid SOAP headers."),
  headerRequired: (): Fault => fault("Sender", "wsa", "MessageInformationHeaderRequired", 0x80338011, "The WS-Management service cannot process the request. The request does not have all the expected SOAP headers."),
  unsupportedFeature: (detail?: string): Fault =>
    fault("Sender", "wsman", "UnsupportedFeature", 0x80338042, "The WS-Management service does not support the specified feature. Remove the unsupported feature from the request and retry.", detail ? { detail } : {}),
  mustUnderstand: (): Fault =>
    fault("MustUnderstand", "soap", undefined, 0x80338010, "The WS-Management service cannot process a SOAP header in the request that is marked as mustUnderstand by the client. This could be caused by the use of a version of the protocol which is not supported, or may be an incompatibility between the client and server implementations."),
  versionMismatch: (): Fault => fault("VersionMismatch", "soap", undefined, 0x8033800d, "The WS-Management service does not support the SOAP version specified in the request."),
  invalidRepresentation: (detail: "InvalidValues" | "MissingValues" | "InvalidNamespace"): Fault =>
    fault(
      "Sender",
      "wst",
      "InvalidRepresentation",
      detail === "InvalidNamespace" ? 0x80338058 : detail === "MissingValues" ? 0x80338057 : 0x80338056,
      detail === "InvalidNamespace"
        ? "The WS-Management service cannot identify the format of the object passed to a Put or Create method. The XML namespace for the input XML is invalid. Change the XML namespace for the input XML in the request."
        : detail === "MissingValues"
          ? "The WS-Management service cannot process the request because the XML content has missing values."
          : "The WS-Management service cannot process the request because the XML content has invalid values.",
      { detail },
    ),
  invalidOptions: (): Fault =>
    fault("Sender", "wsman", "InvalidOptions", 0x80338039, "The WS-Management service cannot process the request because one or more options are not valid. The option names or values may not be valid or they are used in incorrect combinations. Retrieve the catalog entry for the resource and determine how to correct the invalid option values."),
  schemaValidation: (): Fault => fault("Sender", "wsman", "SchemaValidationError", 0x80338041, "The SOAP XML in the message does not match the corresponding XML schema definition. Change the XML and retry."),
  invalidBody: (): Fault => fault("Sender", "wsman", "SchemaValidationError", 0x80338027, "The WS-Management service cannot process the request because the request packet does not have a valid SOAP body."),
  encodingLimit: (): Fault => fault("Sender", "wsman", "EncodingLimit", 0x80338048, "The response that the WS-Management service computed exceeds the maximum envelope size in the request."),
  internalError: (code: number, message: string, provider?: Fault["provider"]): Fault => fault("Receiver", "wsman", "InternalError", code, message, provider ? { provider } : {}),
} as const;

/** A WMI provider error as WinRM reports it. */
export function wmiFault(e: WmiError): Fault {
  const provider = { code: e.hresult, message: e.message };
  switch (e.hresult) {
    case WBEM.ACCESS_DENIED.hresult:
      return Faults.accessDenied();
    case WBEM.NOT_FOUND.hresult:
    case WBEM.INVALID_CLASS.hresult:
    case WBEM.INVALID_NAMESPACE.hresult:
      return Faults.resourceNotFound(provider);
    case WBEM.ALREADY_EXISTS.hresult:
      return Faults.alreadyExists(provider);
    case WBEM.INVALID_QUERY.hresult:
      return Faults.cannotProcessFilter(provider);
    default:
      return Faults.internalError(e.hresult, e.message, provider);
  }
}

/** The s:Fault element (a Body child) for a fault. */
export function faultXml(f: Fault, machine: string): string {
  const sub = f.subcode ? `<s:Subcode><s:Value>${f.subcode}</s:Value></s:Subcode>` : "";
  const detail = f.detail ? `<wsman:FaultDetail>${FAULT_DETAIL}${f.detail}</wsman:FaultDetail>` : "";
  const message = f.provider
    ? `<f:ProviderFault providerId="${CIM_PROVIDER_ID}"><f:WSManFault Code="${f.provider.code >>> 0}" Machine=""><f:Message>${escapeText(f.provider.message)}</f:Message></f:WSManFault></f:ProviderFault>`
    : escapeText(f.message);
  return (
    `<s:Fault><s:Code><s:Value>s:${f.code}</s:Value>${sub}</s:Code>` +
    `<s:Reason><s:Text xml:lang="en-US">${escapeText(f.message)}</s:Text></s:Reason>` +
    `<s:Detail>${detail}<f:WSManFault xmlns:f="${NS.f}" Code="${f.wsmanCode >>> 0}" Machine="${escapeAttr(machine)}"><f:Message>${message}</f:Message></f:WSManFault></s:Detail></s:Fault>`
  );
}
