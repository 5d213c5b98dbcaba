/**
 * Cisco Unified Serviceability's Control Center Services SOAP API, as a handler for the simulator's
 * HTTPS server (or the platform's own):
 *   https://<cucm>:8443/controlcenterservice/services/ControlCenterServicesPort   (5.x on; 7.0's path)
 *   https://<cucm>:8443/controlcenterservice2/services/ControlCenterServices      (later releases; 12.x here)
 * Operations (namespace http://schemas.cisco.com/ast/soap, document/literal, HTTP Basic auth):
 *   soapGetServiceStatus      ServiceStatus: one name, item children or ServiceName children; empty = all
 *   soapDoServiceDeployment   DeploymentServiceRequest { NodeName, DeployType Deploy|UnDeploy, ServiceList }
 *   soapDoControlServices     ControlServiceRequest { NodeName, ControlType Start|Stop|Restart, ServiceList }
 *   soapGetStaticServiceList  the services, their type, deployability and group
 *   getProductInformationList the product and its services
 * Answers: <op>Response / <op>Return { ReturnCode, ReasonCode, ReasonString, ServiceInfoList { item {
 * ServiceName, ServiceStatus, ReasonCode, ReasonCodeString, StartTime, UpTime } } }, ReasonCode -1 when
 * all went well. `?wsdl` serves a WSDL of these operations written for the simulator.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody } from "../http";
import type { SimRelease } from "../cucm/releases";
import type { MountedHandler, UserEntry } from "../cucm/server";
import { SOAP_ENV_NS, type XEl, type XNode, XmlSyntaxError, child, childrenNamed, escapeXml, parseXml, serialize, x } from "../cucm/xml";
import type { PlatformServices, ServiceChange, ServiceStatus } from "./services";

export const CCS_NS = "http://schemas.cisco.com/ast/soap";
export const CONTROL_CENTER_PATH = "/controlcenterservice/services/ControlCenterServicesPort";
export const CONTROL_CENTER2_PATH = "/controlcenterservice2/services/ControlCenterServices";

/** The Control Center paths a release serves (7.0: the original one only). */
export function controlCenterPaths(release: SimRelease): string[] {
  return release === "7.0" ? [CONTROL_CENTER_PATH] : [CONTROL_CENTER_PATH, CONTROL_CENTER2_PATH];
}

/** Reason codes and strings Serviceability reports with a service's status. */
export const REASON = {
  OK: { code: "-1", text: " " },
  NOT_ACTIVATED: { code: "-1068", text: "Service Not Activated" },
  COMMANDED_OUT: { code: "-1019", text: "Commanded Out of Service" },
  NOT_FOUND: { code: "-1068", text: "Service Not Found" },
  NOT_DEPLOYABLE: { code: "-1068", text: "Service Not Deployable" },
} as const;

export interface RecordedServiceabilityRequest {
  path: string;
  operation: string;
  body: string;
  status: number;
  response: string;
  at: Date;
}

export interface ServiceabilityOptions {
  release: SimRelease;
  version: string;
  services: PlatformServices;
  users: Record<string, UserEntry>;
  /** Names this node answers to in NodeName (its host name, FQDN, addresses); the first is its host name. */
  nodeNames: string[];
  /** Every request, in order (tests). */
  requests?: RecordedServiceabilityRequest[];
}

const REALM = "Cisco Unified Serviceability";
const XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";
const MAX_BODY = 1024 * 1024;


/** A ctime-style time, as Serviceability prints a service's start time. */
function ctime(d: Date): string {
  const s = d.toUTCString(); // "Thu, 26 Nov 2025 10:00:00 GMT"
  const m = /^(\w{3}), (\d{2}) (\w{3}) (\d{4}) (\d{2}:\d{2}:\d{2})/.exec(s);
  return m ? `${m[1]} ${m[3]} ${m[2]} ${m[5]} ${m[4]}` : s;
}

class ClientFault extends Error {}

/** `SOAP-ENV:Fault` as Axis writes it. */
function faultEnvelope(code: "soapenv:Client" | "soapenv:Server", message: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV_NS}"><soapenv:Body><soapenv:Fault>` +
    `<faultcode>${code}</faultcode><faultstring>${escapeXml(message)}</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`
  );
}

function envelope(content: XNode): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    serialize(x("soapenv:Envelope", [x("soapenv:Body", [content])], { "xmlns:soapenv": SOAP_ENV_NS, "xmlns:xsi": XSI_NS }))
  );
}

const q = (name: string, content?: string | XNode[] | null, attrs?: Record<string, string>): XNode => x(`ns1:${name}`, content, attrs);

/** The service names of a ServiceStatus / ServiceList: its text, or its item / ServiceName children. */
function serviceNames(els: XEl[]): string[] {
  const names: string[] = [];
  for (const el of els) {
    const kids = el.children.filter((c) => c.local === "item" || c.local === "ServiceName" || c.local === "Service");
    if (kids.length) names.push(...kids.map((k) => k.text.trim()));
    else if (el.text.trim()) names.push(el.text.trim());
  }
  return names.filter((n) => n !== "");
}

export function serviceabilityHandler(opts: ServiceabilityOptions): MountedHandler {
  const paths = controlCenterPaths(opts.release);

  function reasonOf(s: ServiceStatus): { code: string; text: string } {
    if (s.status === "Unknown") return REASON.NOT_FOUND;
    if (s.status === "Started") return REASON.OK;
    return s.reason === "not-activated" ? REASON.NOT_ACTIVATED : REASON.COMMANDED_OUT;
  }

  function item(s: ServiceStatus, reason = reasonOf(s)): XNode {
    const started = s.startedAt ? new Date(s.startedAt) : undefined;
    return q("item", [
      q("ServiceName", s.name),
      q("ServiceStatus", s.status),
      q("ReasonCode", reason.code),
      q("ReasonCodeString", reason.text),
      q("StartTime", started ? ctime(started) : "", started ? {} : { "xsi:nil": "true" }),
      q("UpTime", started ? String(Math.max(0, Math.floor((Date.now() - started.getTime()) / 1000))) : "-1"),
    ]);
  }

  function changeItem(c: ServiceChange): XNode {
    if (c.problem === "not-deployable") return item(c.after, REASON.NOT_DEPLOYABLE);
    return item(c.after);
  }

  function ret(op: string, ok: boolean, items: XNode[]): XNode {
    return q(`${op}Response`, [
      q(`${op}Return`, [
        q("ReturnCode", ok ? "Success" : "Failure"),
        q("ReasonCode", ok ? REASON.OK.code : "-1068"),
        q("ReasonString", "", { "xsi:nil": "true" }),
        q("ServiceInfoList", items),
      ]),
    ], { "xmlns:ns1": CCS_NS });
  }

  /**
   * Control Center acts on the local node only, the one NodeName names (Cisco DevNet's Control Center
   * overview). Which names a real CUCM takes as its own (host name, FQDN, address, the name in
   * System > Server) and how exactly it answers a NodeName of another node are UNCONFIRMED: public
   * client code is unsure whether CUCM checks NodeName at all. The simulator is strict: a SOAP
   * Client fault, so a client that sends another node's request to the wrong endpoint notices.
   */
  function checkNode(request: XEl, req: IncomingMessage): void {
    const node = (child(request, "NodeName")?.text.trim() ?? "").replace(/\.$/, "");
    const host = (req.headers.host ?? "").replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
    const known = [...opts.nodeNames, host].map((n) => n.toLowerCase());
    if (!node) throw new ClientFault("NodeName is required");
    if (!known.includes(node.toLowerCase())) {
      throw new ClientFault(`The node ${node} is not this node (${opts.nodeNames[0] ?? host}): Control Center Services act on the local node only`);
    }
  }

  const operations: Record<string, (op: XEl, req: IncomingMessage) => XNode> = {
    // The status of this node's services: the request names no node.
    soapGetServiceStatus(op) {
      const names = serviceNames(childrenNamed(op, "ServiceStatus"));
      const statuses = names.length ? names.map((n) => opts.services.status(n)) : opts.services.all();
      return ret("soapGetServiceStatus", true, statuses.map((s) => item(s)));
    },
    soapDoServiceDeployment(op, req) {
      const request = child(op, "DeploymentServiceRequest");
      if (!request) throw new ClientFault("DeploymentServiceRequest is required");
      checkNode(request, req);
      const type = child(request, "DeployType")?.text.trim();
      if (type !== "Deploy" && type !== "UnDeploy") throw new ClientFault(`DeployType must be Deploy or UnDeploy, not ${type ?? "(none)"}`);
      const names = serviceNames(childrenNamed(request, "ServiceList"));
      if (!names.length) throw new ClientFault("ServiceList names no service");
      const changes = names.map((n) => (type === "Deploy" ? opts.services.activate(n) : opts.services.deactivate(n)));
      return ret("soapDoServiceDeployment", changes.every((c) => c.ok), changes.map(changeItem));
    },
    soapDoControlServices(op, req) {
      const request = child(op, "ControlServiceRequest");
      if (!request) throw new ClientFault("ControlServiceRequest is required");
      checkNode(request, req);
      const type = child(request, "ControlType")?.text.trim();
      if (type !== "Start" && type !== "Stop" && type !== "Restart") throw new ClientFault(`ControlType must be Start, Stop or Restart, not ${type ?? "(none)"}`);
      const names = serviceNames(childrenNamed(request, "ServiceList"));
      if (!names.length) throw new ClientFault("ServiceList names no service");
      const changes = names.map((n) => (type === "Start" ? opts.services.start(n) : type === "Stop" ? opts.services.stop(n) : opts.services.restart(n)));
      return ret("soapDoControlServices", changes.every((c) => c.ok), changes.map(changeItem));
    },
    soapGetStaticServiceList() {
      const items = opts.services.catalog.map((d) =>
        q("item", [
          q("ServiceName", d.name),
          q("ServiceType", d.servlet ? "Servlet" : "Service"),
          q("Deployable", d.kind === "feature" ? "true" : "false"),
          q("GroupName", d.group),
          q("DependentServices", []),
        ]),
      );
      return q("soapGetStaticServiceListResponse", [q("soapGetStaticServiceListReturn", [q("Services", items)])], { "xmlns:ns1": CCS_NS });
    },
    getProductInformationList() {
      const services = opts.services.catalog.map((d) =>
        q("item", [
          q("ServiceName", d.name),
          q("ServiceType", d.servlet ? "Servlet" : "Service"),
          q("Deployable", d.kind === "feature" ? "true" : "false"),
          q("GroupName", d.group),
          q("ProductID", "CallManager"),
          q("DependentServices", []),
        ]),
      );
      return q(
        "getProductInformationListResponse",
        [
          q("getProductInformationListReturn", [
            q("ActiveServerVersion", opts.version),
            q("PrimaryNode", opts.nodeNames[0] ?? "cucm"),
            q("SecondaryNode", []),
            q("Products", [
              q("item", [
                q("ProductName", "Cisco Unified Communications Manager"),
                q("ProductVersion", opts.version),
                q("ProductDescription", "Cisco Unified Communications Manager"),
                q("ProductID", "CallManager"),
                q("ShortName", "CallManager"),
              ]),
            ]),
            q("Services", services),
          ]),
        ],
        { "xmlns:ns1": CCS_NS },
      );
    },
  };

  function authenticate(req: IncomingMessage, res: ServerResponse): boolean {
    const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? "");
    const decoded = m ? Buffer.from(m[1]!, "base64").toString("utf8") : "";
    const sep = decoded.indexOf(":");
    const entry = sep < 0 ? undefined : opts.users[decoded.slice(0, sep)];
    const password = typeof entry === "string" ? entry : entry?.password;
    if (sep < 0 || password === undefined || password !== decoded.slice(sep + 1)) {
      res.writeHead(401, { "WWW-Authenticate": `Basic realm="${REALM}"`, "Content-Type": "text/html;charset=utf-8" });
      res.end("<html><body><h1>HTTP Status 401 - Unauthorized</h1></body></html>");
      return false;
    }
    if (typeof entry === "object" && entry.serviceabilityAccess === false) {
      res.writeHead(403, { "Content-Type": "text/html;charset=utf-8" });
      res.end("<html><body><h1>HTTP Status 403 - Forbidden</h1><p>Access to the requested resource has been denied.</p></body></html>");
      return false;
    }
    return true;
  }

  return async (req, res) => {
    const url = new URL(req.url ?? "/", "https://localhost");
    const path = url.pathname.replace(/\/$/, "");
    if (!paths.includes(path)) {
      res.writeHead(404, { "Content-Type": "text/html;charset=utf-8" });
      return void res.end(`<html><body><h1>HTTP Status 404 - ${escapeXml(url.pathname)}</h1><p>The requested resource is not available.</p></body></html>`);
    }
    if (!authenticate(req, res)) return;
    if (req.method === "GET") {
      if (url.searchParams.has("wsdl") || url.search.toLowerCase() === "?wsdl") {
        const host = req.headers.host ?? "localhost";
        res.writeHead(200, { "Content-Type": "text/xml;charset=utf-8" });
        return void res.end(controlCenterWsdl(`https://${host}${path}`));
      }
      const port = path.split("/").pop();
      res.writeHead(200, { "Content-Type": "text/html;charset=utf-8" });
      return void res.end(`<h1>${port}</h1><p>Hi there, this is an AXIS service!</p><i>Perhaps there will be a form for invoking the service here...</i>`);
    }
    if (req.method !== "POST") {
      res.writeHead(405, { Allow: "GET, POST", "Content-Type": "text/html;charset=utf-8" });
      return void res.end("<html><body><h1>HTTP Status 405 - Method Not Allowed</h1></body></html>");
    }
    const body = await readBody(req, MAX_BODY);
    const record: RecordedServiceabilityRequest = { path, operation: "", body, status: 0, response: "", at: new Date() };
    opts.requests?.push(record);
    const send = (status: number, xml: string): void => {
      record.status = status;
      record.response = xml;
      res.writeHead(status, { "Content-Type": "text/xml;charset=utf-8" });
      res.end(xml);
    };
    if (!/^(text\/xml|application\/soap\+xml)\b/i.test(req.headers["content-type"] ?? "")) {
      return send(500, faultEnvelope("soapenv:Client", `Content-Type ${req.headers["content-type"] ?? "(none)"} is not text/xml`));
    }
    try {
      let root: XEl;
      try {
        root = parseXml(body);
      } catch (e) {
        if (e instanceof XmlSyntaxError) throw new ClientFault(e.message);
        throw e;
      }
      if (root.local !== "Envelope" || root.ns !== SOAP_ENV_NS) throw new ClientFault("The request is not a SOAP 1.1 envelope");
      const op = root.children.find((c) => c.local === "Body" && c.ns === SOAP_ENV_NS)?.children[0];
      if (!op) throw new ClientFault("The SOAP Body holds no request element");
      record.operation = op.local;
      const run = op.ns === CCS_NS ? operations[op.local] : undefined;
      if (!run) throw new ClientFault(`No such operation '${op.local}'`);
      send(200, envelope(run(op, req)));
    } catch (e) {
      if (e instanceof ClientFault) return send(500, faultEnvelope("soapenv:Client", e.message));
      send(500, faultEnvelope("soapenv:Server", (e as Error).message));
    }
  };
}

/** A WSDL describing the operations above (written for the simulator; not Cisco's file). */
export function controlCenterWsdl(address: string): string {
  const info = `<xsd:complexType name="ServiceInformation"><xsd:sequence>
        <xsd:element name="ServiceName" type="xsd:string"/><xsd:element name="ServiceStatus" type="xsd:string"/>
        <xsd:element name="ReasonCode" type="xsd:int"/><xsd:element name="ReasonCodeString" type="xsd:string"/>
        <xsd:element name="StartTime" type="xsd:string" nillable="true"/><xsd:element name="UpTime" type="xsd:int"/>
      </xsd:sequence></xsd:complexType>
      <xsd:complexType name="ArrayOfServiceInformation"><xsd:sequence>
        <xsd:element name="item" type="tns:ServiceInformation" minOccurs="0" maxOccurs="unbounded"/></xsd:sequence></xsd:complexType>
      <xsd:complexType name="ServiceInformationResponse"><xsd:sequence>
        <xsd:element name="ReturnCode" type="xsd:string"/><xsd:element name="ReasonCode" type="xsd:int"/>
        <xsd:element name="ReasonString" type="xsd:string" nillable="true"/>
        <xsd:element name="ServiceInfoList" type="tns:ArrayOfServiceInformation"/></xsd:sequence></xsd:complexType>
      <xsd:complexType name="ArrayOfServices"><xsd:sequence>
        <xsd:element name="item" type="xsd:string" minOccurs="0" maxOccurs="unbounded"/></xsd:sequence></xsd:complexType>
      <xsd:complexType name="DeploymentServiceRequest"><xsd:sequence>
        <xsd:element name="NodeName" type="xsd:string"/><xsd:element name="DeployType" type="xsd:string"/>
        <xsd:element name="ServiceList" type="tns:ArrayOfServices"/></xsd:sequence></xsd:complexType>
      <xsd:complexType name="ControlServiceRequest"><xsd:sequence>
        <xsd:element name="NodeName" type="xsd:string"/><xsd:element name="ControlType" type="xsd:string"/>
        <xsd:element name="ServiceList" type="tns:ArrayOfServices"/></xsd:sequence></xsd:complexType>
      <xsd:complexType name="ServiceSpecification"><xsd:sequence>
        <xsd:element name="ServiceName" type="xsd:string"/><xsd:element name="ServiceType" type="xsd:string"/>
        <xsd:element name="Deployable" type="xsd:boolean"/><xsd:element name="GroupName" type="xsd:string"/>
        <xsd:element name="DependentServices" minOccurs="0"><xsd:complexType><xsd:sequence>
          <xsd:element name="Service" type="xsd:string" minOccurs="0" maxOccurs="unbounded"/></xsd:sequence></xsd:complexType></xsd:element>
      </xsd:sequence></xsd:complexType>
      <xsd:complexType name="StaticServiceList"><xsd:sequence><xsd:element name="Services"><xsd:complexType><xsd:sequence>
        <xsd:element name="item" type="tns:ServiceSpecification" minOccurs="0" maxOccurs="unbounded"/></xsd:sequence></xsd:complexType></xsd:element>
      </xsd:sequence></xsd:complexType>`;
  const wrap = (name: string, inner: string): string =>
    `<xsd:element name="${name}"><xsd:complexType><xsd:sequence>${inner}</xsd:sequence></xsd:complexType></xsd:element>`;
  const ops: Array<[string, string, string]> = [
    ["soapGetServiceStatus", `<xsd:element name="ServiceStatus" type="tns:ArrayOfServices"/>`, `<xsd:element name="soapGetServiceStatusReturn" type="tns:ServiceInformationResponse"/>`],
    ["soapDoServiceDeployment", `<xsd:element name="DeploymentServiceRequest" type="tns:DeploymentServiceRequest"/>`, `<xsd:element name="soapDoServiceDeploymentReturn" type="tns:ServiceInformationResponse"/>`],
    ["soapDoControlServices", `<xsd:element name="ControlServiceRequest" type="tns:ControlServiceRequest"/>`, `<xsd:element name="soapDoControlServicesReturn" type="tns:ServiceInformationResponse"/>`],
    ["soapGetStaticServiceList", `<xsd:element name="ServiceInformationResponse" type="xsd:string"/>`, `<xsd:element name="soapGetStaticServiceListReturn" type="tns:StaticServiceList"/>`],
  ];
  return `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions targetNamespace="${CCS_NS}" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
  xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:tns="${CCS_NS}">
  <wsdl:types>
    <xsd:schema targetNamespace="${CCS_NS}" elementFormDefault="qualified">
      ${info}
      ${ops.map(([op, req, res]) => wrap(op, req) + wrap(`${op}Response`, res)).join("\n      ")}
    </xsd:schema>
  </wsdl:types>
  ${ops.map(([op]) => `<wsdl:message name="${op}Request"><wsdl:part name="parameters" element="tns:${op}"/></wsdl:message><wsdl:message name="${op}Response"><wsdl:part name="parameters" element="tns:${op}Response"/></wsdl:message>`).join("\n  ")}
  <wsdl:portType name="ControlCenterServicesPortType">
    ${ops.map(([op]) => `<wsdl:operation name="${op}"><wsdl:input message="tns:${op}Request"/><wsdl:output message="tns:${op}Response"/></wsdl:operation>`).join("\n    ")}
  </wsdl:portType>
  <wsdl:binding name="ControlCenterServicesBinding" type="tns:ControlCenterServicesPortType">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    ${ops.map(([op]) => `<wsdl:operation name="${op}"><soap:operation soapAction="${op}"/><wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output></wsdl:operation>`).join("\n    ")}
  </wsdl:binding>
  <wsdl:service name="ControlCenterServices">
    <wsdl:port name="ControlCenterServicesPort" binding="tns:ControlCenterServicesBinding"><soap:address location="${escapeXml(address)}"/></wsdl:port>
  </wsdl:service>
</wsdl:definitions>`;
}
