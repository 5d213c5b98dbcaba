/**
 * CUP's part of the inventory (read only), through rcclab's checked CUP mapping: the client's
 * preflight compares the mapping with CUP's own catalog before the first statement, and a mapping
 * that does not hold leaves CUP unread (with the preflight's message), never guessed. Each object
 * is read by its kind's own read(); the ACLs by their kinds' bulk read (one query per table).
 */
import { CupClient, type CupConnection } from "../../providers/cup/client";
import { CucmPublisher } from "../../providers/cup/cucmPublisher";
import { DeskPhoneControl } from "../../providers/cup/deskPhoneControl";
import { DeskPhoneControlUsers } from "../../providers/cup/deskPhoneControlUsers";
import { IncomingAcl } from "../../providers/cup/incomingAcl";
import { OutgoingAcl } from "../../providers/cup/outgoingAcl";
import { PresenceSettings } from "../../providers/cup/presenceSettings";
import type { CupInventory, Live } from "./types";
import { attempt, type ReaderContext, readAllLive, readLive } from "./util";

export async function readCup(connection: CupConnection, rc: ReaderContext): Promise<CupInventory | undefined> {
  // Without its platform CLI: a read must never run a service restart an earlier run left pending.
  const { cli: _cli, ...readOnly } = connection;
  const client = new CupClient(readOnly as CupConnection, rc.log);
  const ctx = { client, connection: readOnly as CupConnection, log: rc.log };
  try {
    rc.progress("version", 0);
    const version = await attempt(rc, "version", () => client.version());
    if (version === undefined) return undefined;
    rc.progress("mapping preflight", 0);
    // Nothing is read through a mapping that does not hold: CUP stays unread (with the preflight's why).
    if ((await attempt(rc, "everything (rcclab's CUP mapping does not hold: rcclab discover cup shows where)", () => client.ensureMapping())) === undefined) return undefined;
    const one = <T>(what: string, kind: Parameters<typeof readLive>[0], id: string) => attempt(rc, what, () => readLive<T>(kind, ctx, id));
    const acl = async <T extends { address: string }>(what: string, kind: typeof IncomingAcl | typeof OutgoingAcl) =>
      (await attempt(rc, what, async () => (await readAllLive<T>(kind, ctx)).sort((a, b) => a.address.localeCompare(b.address)))) ?? [];
    rc.progress("settings", 0);
    const publisher = await one<Live<typeof CucmPublisher>>("CUCM publisher", CucmPublisher, "cucm-publisher");
    const incomingAcl = await acl<Live<typeof IncomingAcl>>("incoming ACL", IncomingAcl);
    const outgoingAcl = await acl<Live<typeof OutgoingAcl>>("outgoing ACL", OutgoingAcl);
    const desk = await one<Live<typeof DeskPhoneControl>>("desk phone control", DeskPhoneControl, "desk-phone-control");
    const users = await one<Live<typeof DeskPhoneControlUsers>>("desk phone control users", DeskPhoneControlUsers, "desk-phone-control-users");
    const presence = await one<Live<typeof PresenceSettings>>("presence settings", PresenceSettings, "presence-settings");
    rc.progress("settings", 1, 1);
    let deskPhoneControl: CupInventory["deskPhoneControl"];
    if (desk) {
      // The application password is not readable (audit tries a login instead).
      const { applicationPassword: _never, ...rest } = desk;
      deskPhoneControl = rest;
    }
    return {
      version,
      ...(publisher ? { publisher: { address: publisher.address, ...(publisher.axlUsername ? { axlUsername: publisher.axlUsername } : {}) } } : {}),
      incomingAcl,
      outgoingAcl,
      ...(deskPhoneControl ? { deskPhoneControl } : {}),
      deskPhoneControlUsers: users?.userids ?? [],
      ...(presence ? { presence } : {}),
    };
  } finally {
    client.close();
  }
}
