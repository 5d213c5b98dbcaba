/**
 * C7: the presence settings (Presence > Settings): the SIP proxy domain and the page's other values.
 * One per CUP: the resource takes the settings over, and deleting it puts back what was there before.
 */
import { z } from "zod";
import { domainPattern, readSingleton, updateSettings } from "./common";
import { type PresenceSettingsRecord, presenceSettings } from "./sql";
import { defineCupKind } from "./system";

const fields = z.object({
  /** The SIP proxy domain: the domain of the users' SIP URIs (the OCS SIP domain in this lab). */
  proxyDomain: domainPattern().pipe(z.string().max(255)),
  /** Enable availability sharing. */
  availabilitySharing: z.boolean().default(true),
  /** Allow users to see others' availability without being prompted for approval. */
  allowAutoApproval: z.boolean().default(false),
  /** Maximum contact list size per user (0 = unlimited). */
  maxContactListSize: z.number().int().min(0).max(1000).default(200),
  /** Maximum watchers per user (0 = unlimited). */
  maxWatchers: z.number().int().min(0).max(1000).default(200),
});

export const PresenceSettings = defineCupKind({
  type: "rcclab:cup:PresenceSettings",
  file: __filename,
  exportName: "PresenceSettings",
  step: "C7",
  fields,
  key: () => "presence-settings",
  computed: ["previous"],
  async create({ db }, f) {
    const previous = presenceSettings.fromRow(await readSingleton(db, presenceSettings.table));
    await updateSettings(db, presenceSettings, f);
    return { previous };
  },
  async read({ db }, _id, olds) {
    const live = presenceSettings.fromRow(await readSingleton(db, presenceSettings.table));
    // Imported: nothing to put back on delete.
    return { fields: live, outputs: { previous: (olds.previous as PresenceSettingsRecord | undefined) ?? live } };
  },
  async update({ db }, _id, olds, news) {
    await updateSettings(db, presenceSettings, news);
    return { previous: olds.previous };
  },
  async delete({ db }, _id, olds) {
    const previous = olds.previous as PresenceSettingsRecord | undefined;
    if (previous) await updateSettings(db, presenceSettings, previous);
  },
});
