/**
 * C2: the CUCM publisher CUP is bound to (System > CUCM Publisher): its address, and the AXL user and
 * password CUP's Sync Agent uses. One per CUP, so the resource takes over the settings and deleting it
 * puts back the address and AXL user that were there before.
 *
 * The previous AXL password is not kept (it would sit in the state outside any secret): on delete it is
 * cleared when it was empty before rcclab set it, and otherwise left as rcclab set it, with a warning.
 */
import { z } from "zod";
import { hostOrAddress, name, readSingleton, updateSettings } from "./common";
import { defineCupKind } from "./system";
import { publisher } from "./sql";

const fields = z.object({
  /** The CUCM publisher's FQDN or address. */
  address: hostOrAddress().pipe(z.string().max(255)),
  /** CUCM's AXL application user (CUP's Sync Agent logs in with it). */
  axlUsername: name(128),
  axlPassword: z.string().min(1).max(128),
});

interface Previous {
  address: string;
  axlUsername: string;
  passwordWasEmpty: boolean;
}

export const CucmPublisher = defineCupKind({
  type: "rcclab:cup:CucmPublisher",
  file: __filename,
  exportName: "CucmPublisher",
  step: "C2",
  fields,
  key: () => "cucm-publisher",
  secrets: ["axlPassword"],
  computed: ["previous"],
  async create({ db }, f) {
    const before = publisher.fromRow(await readSingleton(db, publisher.table));
    await updateSettings(db, publisher, { address: f.address, axlUsername: f.axlUsername, axlPassword: f.axlPassword });
    const previous: Previous = { address: before.address, axlUsername: before.axlUsername, passwordWasEmpty: before.axlPassword === "" };
    return { previous };
  },
  async read({ db }, _id, olds) {
    const live = publisher.fromRow(await readSingleton(db, publisher.table));
    // Imported: rcclab changed nothing, so there is nothing to put back on delete.
    const previous: Previous = (olds.previous as Previous | undefined) ?? { address: live.address, axlUsername: live.axlUsername, passwordWasEmpty: false };
    // The password is write-only: the core keeps the last one written.
    return { fields: { address: live.address, axlUsername: live.axlUsername, axlPassword: olds.axlPassword ?? "" }, outputs: { previous } };
  },
  async update({ db }, _id, olds, news, changed) {
    await updateSettings(db, publisher, {
      address: news.address,
      axlUsername: news.axlUsername,
      // Sent only when it changed: rcclab cannot read it back to compare.
      axlPassword: changed.includes("axlPassword") ? news.axlPassword : undefined,
    });
    return { previous: olds.previous };
  },
  async delete({ db, log }, _id, olds) {
    const previous = olds.previous as Previous | undefined;
    if (!previous) return;
    await updateSettings(db, publisher, {
      address: previous.address,
      axlUsername: previous.axlUsername,
      axlPassword: previous.passwordWasEmpty ? "" : undefined,
    });
    if (!previous.passwordWasEmpty) log.warn("the CUCM publisher's address and AXL user are restored; its AXL password stays as rcclab set it (the previous one was never stored)");
  },
});
