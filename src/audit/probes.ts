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
 *   the result says "password not verifiable" and why. It goes through rcclab's AXL client
 *   (providers/cucm/axl: doAuthenticateUser is in its WSDL subsets).
 */
import { redact } from "../../providers/core/redact";
import { AxlClient, type AxlConnection } from "../../providers/cucm/axl/client";
import { CTI_MANAGER } from "../../providers/cucm/serviceActivation";
import { serviceabilityFor } from "../../providers/cucm/serviceability/client";
import type { LabConfig } from "../config";
import type { CucmInventory } from "../inventory/types";
import { messageOf, quietLog } from "../inventory/util";
import type { PasswordProbe } from "./context";

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
        const state = await (await serviceabilityFor(connection, node, quietLog)).status(CTI_MANAGER);
        out.push({ node, service: CTI_MANAGER, activated: state.activated, running: state.status === "Started" });
      } catch (e) {
        unread.push({ system: "cucm", what: `${CTI_MANAGER} on ${node}`, message: messageOf(e) });
      }
    }),
  );
  return out;
}

type AuthAnswer = { authenticated: boolean } | { fault: string };

/**
 * One doAuthenticateUser through rcclab's AXL client (its TLS, session, limits and retries): whether
 * CUCM accepts the password, or why it gave no answer (the password never in the message).
 */
export async function doAuthenticateUser(connection: AxlConnection, userid: string, password: string): Promise<AuthAnswer> {
  const client = new AxlClient(connection, quietLog);
  try {
    return { authenticated: await client.authenticateUser(userid, password) };
  } catch (e) {
    return { fault: redact(messageOf(e), [password, connection.password]) };
  } finally {
    client.close();
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
