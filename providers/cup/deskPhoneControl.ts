/**
 * C4: the desk phone control settings (Application > Desk Phone Control > Settings): the CUCM
 * application user CUP's CTI gateway signs in as and its password — given by the program from the
 * CUCM CTI application user resource's outputs (B3), never a second copy in config, so the guide's
 * "they must match" holds by construction —, the CTI gateway addresses (CUCM nodes running CTI
 * Manager, at most eight, tried in the order given), and the page's timers.
 *
 * One per CUP: the resource takes the settings over; deleting it puts back the previous application
 * user, timers and addresses. The previous password is not kept (it would sit in the state outside any
 * secret): it is cleared when it was empty before, and otherwise left as rcclab set it, with a warning.
 * Any change restarts the service that reads these settings (see catalog.ts), once.
 */
import { z } from "zod";
import { RcclabError } from "../core/errors";
import { MAX_CTI_GATEWAY_HOSTS } from "./catalog";
import type { CupSession } from "./client";
import { hostOrAddress, name, updateRow } from "./common";
import {
  type Row,
  ctiGatewayHosts,
  deleteCtiGatewayHosts,
  deskPhoneControl,
  deskPhoneControlProfile,
  hostAddress,
  insertCtiGatewayHost,
} from "./sql";
import { defineCupKind } from "./system";

const fields = z.object({
  /** The CTI application user's userid (B3's output). */
  applicationUsername: name(128),
  /** The CTI application user's password (B3's output, a secret). */
  applicationPassword: z.string().min(1).max(128),
  /** CTI gateway addresses: the CUCM nodes, in priority order. */
  ctiGateways: z
    .array(hostOrAddress().pipe(z.string().max(255)))
    .min(1)
    .max(MAX_CTI_GATEWAY_HOSTS)
    .refine((l) => new Set(l.map((s) => s.toLowerCase())).size === l.length, "must not list an address twice"),
  /** Heartbeat interval, seconds. */
  heartbeatInterval: z.number().int().min(1).max(3600).default(60),
  /** Session timer, seconds. */
  sessionTimer: z.number().int().min(1).max(86400).default(3600),
});

interface Previous {
  applicationUsername: string;
  heartbeatInterval: number;
  sessionTimer: number;
  ctiGateways: string[];
  passwordWasEmpty: boolean;
}

async function profile(db: CupSession): Promise<Row> {
  const [row] = await db.query(deskPhoneControlProfile());
  if (!row) throw new RcclabError("InvalidRequest", "CUP has no desk phone control (CTI gateway) profile; a CUP install has one");
  return row;
}

async function gateways(db: CupSession, profilePkid: string): Promise<string[]> {
  return (await db.query(ctiGatewayHosts(profilePkid))).map(hostAddress);
}

/** Make the profile's addresses exactly `desired`, in order; nothing written when they already are. */
async function setGateways(db: CupSession, profilePkid: string, desired: readonly string[]): Promise<void> {
  const live = await gateways(db, profilePkid);
  if (live.length === desired.length && live.every((a, i) => a === desired[i])) return;
  await db.write(deleteCtiGatewayHosts(profilePkid));
  for (const [i, address] of desired.entries()) await db.insert(insertCtiGatewayHost(profilePkid, address, i + 1));
}

export const DeskPhoneControl = defineCupKind({
  type: "rcclab:cup:DeskPhoneControl",
  file: __filename,
  exportName: "DeskPhoneControl",
  step: "C4",
  fields,
  key: () => "desk-phone-control",
  secrets: ["applicationPassword"],
  computed: ["previous"],
  async create({ db }, f) {
    const row = await profile(db);
    const pkid = row.pkid as string;
    const before = deskPhoneControl.fromRow(row);
    const previous: Previous = {
      applicationUsername: before.applicationUsername,
      heartbeatInterval: before.heartbeatInterval,
      sessionTimer: before.sessionTimer,
      ctiGateways: await gateways(db, pkid),
      passwordWasEmpty: before.applicationPassword === "",
    };
    await updateRow(db, deskPhoneControl, row, f);
    await setGateways(db, pkid, f.ctiGateways);
    return { previous };
  },
  async read({ db }, _id, olds) {
    const row = await profile(db);
    const live = deskPhoneControl.fromRow(row);
    const ctiGateways = await gateways(db, row.pkid as string);
    const previous: Previous = (olds.previous as Previous | undefined) ?? {
      applicationUsername: live.applicationUsername,
      heartbeatInterval: live.heartbeatInterval,
      sessionTimer: live.sessionTimer,
      ctiGateways,
      passwordWasEmpty: false,
    };
    return {
      fields: {
        applicationUsername: live.applicationUsername,
        // Write-only: the core keeps the last one written.
        applicationPassword: olds.applicationPassword ?? "",
        ctiGateways,
        heartbeatInterval: live.heartbeatInterval,
        sessionTimer: live.sessionTimer,
      },
      outputs: { previous },
    };
  },
  async update({ db }, _id, olds, news, changed) {
    const row = await profile(db);
    const current = deskPhoneControl.fromRow(row);
    await updateRow(db, deskPhoneControl, row, {
      ...news,
      // Sent only when it changed (B3's password rotated): it cannot be read back to compare.
      applicationPassword: changed.includes("applicationPassword") ? news.applicationPassword : current.applicationPassword,
    });
    await setGateways(db, row.pkid as string, news.ctiGateways);
    return { previous: olds.previous };
  },
  async delete({ db, log }, _id, olds) {
    const previous = olds.previous as Previous | undefined;
    if (!previous) return;
    const row = await profile(db);
    const current = deskPhoneControl.fromRow(row);
    await updateRow(db, deskPhoneControl, row, {
      applicationUsername: previous.applicationUsername,
      applicationPassword: previous.passwordWasEmpty ? "" : current.applicationPassword,
      heartbeatInterval: previous.heartbeatInterval,
      sessionTimer: previous.sessionTimer,
    });
    await setGateways(db, row.pkid as string, previous.ctiGateways);
    if (!previous.passwordWasEmpty) log.warn("desk phone control settings restored; the application password stays as rcclab set it (the previous one was never stored)");
  },
});
