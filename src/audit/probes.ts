/**
 * What the audit asks the live lab beyond the inventory (src/inventory), read only:
 *
 * - Cisco CTIManager on the CTI nodes the inventory does not read (it reads Serviceability on the
 *   node the AXL connection reaches only): each node's own Control Center, as the ServiceActivation
 *   kind reads it.
 * - C4's password, by a login test. CUP keeps desk phone control's application password write-only
 *   (the inventory leaves it out), so the one live test there is, is whether CUCM accepts the stack's
 *   rcclab:cti.password for the CTI application user. CUCM 7.0's AXL has doAuthenticateUser (userid
 *   and password; its schema marks only the PIN as "applicable for end users only"). Whether a CUCM
 *   answers it for application users is shown, not assumed: when the CTI user is refused, the same
 *   call is made for rcclab's own AXL user with the password rcclab just logged in with — and only
 *   when that AXL user is an application user that CUCM accepts is the refusal a problem. Otherwise
 *   the result says "password not verifiable" and why. doAuthenticateUser is not in rcclab's AXL WSDL
 *   subset (providers/cucm/axl/wsdl), so it is sent as one plain SOAP request here.
 */
import * as https from "node:https";
import type { Logger } from "../../providers/core/kind";
import { httpsAgent } from "../../providers/core/tls";
import type { AxlConnection } from "../../providers/cucm/axl/client";
import { CTI_MANAGER } from "../../providers/cucm/serviceActivation";
import { serviceabilityFor } from "../../providers/cucm/serviceability/client";
import type { LabConfig } from "../config";
import type { CucmInventory } from "../inventory/types";
import type { PasswordProbe } from "./context";

const quiet: Logger = { info: () => {}, warn: () => {} };
const messageOf = (e: unknown): string => String((e as Error)?.message ?? e).split("\n")[0]!;

/** CTIManager's state on each CTI node the inventory did not read; a node that does not answer is left out (and said so in `unread`). */
export async function probeCtiManagers(
  cfg: LabConfig,
  connection: AxlConnection,
  cucm: CucmInventory,
  unread: { system: "cucm"; what: string; message: string }[],
): Promise<CucmInventory["services"]> {
  const known = new Set(cucm.services.filter((s) => s.service === CTI_MANAGER).map((s) => s.node.toLowerCase()));
  const nodes = (cfg.cucm.ctiManagers ?? [cfg.cucm.host]).filter((n) => !known.has(n.toLowerCase()));
  const out: CucmInventory["services"] = [];
  await Promise.all(
    nodes.map(async (node) => {
      try {
        const state = await (await serviceabilityFor(connection, node, quiet)).status(CTI_MANAGER);
        out.push({ node, service: CTI_MANAGER, activated: state.activated, running: state.status === "Started" });
      } catch (e) {
        unread.push({ system: "cucm", what: `${CTI_MANAGER} on ${node}`, message: messageOf(e) });
      }
    }),
  );
  return out;
}

type AuthAnswer = { authenticated: boolean } | { fault: string };

const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** One doAuthenticateUser request: userAuthenticated, or the fault / HTTP error CUCM answered. */
export async function doAuthenticateUser(connection: AxlConnection, userid: string, password: string): Promise<AuthAnswer> {
  const release = connection.release;
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:axl="http://www.cisco.com/AXL/API/${release}">` +
    `<soapenv:Body><axl:doAuthenticateUser><userid>${xmlEscape(userid)}</userid><password>${xmlEscape(password)}</password></axl:doAuthenticateUser></soapenv:Body></soapenv:Envelope>`;
  const target = `https://${connection.host}:${connection.port}/axl/`;
  const agent = httpsAgent(connection.tls, () => {}, target, { keepAlive: false });
  try {
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = https.request(
        target,
        {
          method: "POST",
          agent,
          timeout: connection.timeoutMs,
          headers: {
            "Content-Type": "text/xml; charset=utf-8",
            SOAPAction: `"CUCM:DB ver=${release} doAuthenticateUser"`,
            Authorization: `Basic ${Buffer.from(`${connection.username}:${connection.password}`).toString("base64")}`,
          },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (d: string) => (text += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${connection.timeoutMs} ms`)));
      req.on("error", reject);
      req.end(body);
    });
    const auth = /<userAuthenticated>\s*(true|false)\s*<\/userAuthenticated>/i.exec(text);
    if (status === 200 && auth) return { authenticated: auth[1]!.toLowerCase() === "true" };
    const fault = /<faultstring>([\s\S]*?)<\/faultstring>/i.exec(text)?.[1] ?? /<axlmessage>([\s\S]*?)<\/axlmessage>/i.exec(text)?.[1];
    const plain = fault?.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
    return { fault: plain ? `${plain.trim().slice(0, 200)} (HTTP ${status})` : `HTTP ${status}` };
  } catch (e) {
    return { fault: messageOf(e) };
  } finally {
    agent.destroy();
  }
}

/**
 * The C4 password test (see the module comment). `appUsers`: CUCM's application users (the
 * inventory's), to know whether rcclab's AXL user is one.
 */
export async function probeCtiPassword(cfg: LabConfig, connection: AxlConnection, appUsers: readonly { userid: string }[] | undefined, ask = doAuthenticateUser): Promise<PasswordProbe> {
  const cti = cfg.cti.userid;
  const cupNote = "CUP keeps its copy write-only, so CUP's own copy was not compared";
  const first = await ask(connection, cti, cfg.cti.password);
  if ("fault" in first) {
    return { status: "unverified", message: `password not verifiable: CUCM does not answer doAuthenticateUser (${first.fault}), and ${cupNote}` };
  }
  if (first.authenticated) {
    return { status: "pass", message: `CUCM accepts rcclab:cti.password for ${cti} (AXL doAuthenticateUser); ${cupNote} (rcclab up writes this password there; a lab set up by hand needs it re-entered there to be sure)` };
  }
  // Refused: a problem only if this CUCM is shown to authenticate application users at all.
  const axlIsAppUser = (appUsers ?? []).some((a) => a.userid.toLowerCase() === connection.username.toLowerCase());
  if (!axlIsAppUser) {
    return {
      status: "unverified",
      message: `password not verifiable: CUCM's doAuthenticateUser refuses rcclab:cti.password for ${cti}, but whether this CUCM authenticates application users that way could not be shown (rcclab's AXL user ${connection.username} is not an application user to test it with)`,
    };
  }
  const control = await ask(connection, connection.username, connection.password);
  if ("fault" in control || !control.authenticated) {
    return {
      status: "unverified",
      message: `password not verifiable: CUCM's doAuthenticateUser refuses application users (it refused rcclab's own AXL user ${connection.username} with the password rcclab logs in with)`,
    };
  }
  return { status: "fail", message: `CUCM refuses rcclab:cti.password for the CTI application user ${cti} (doAuthenticateUser; it accepts application user ${connection.username}): desk phone control cannot sign in with it` };
}
