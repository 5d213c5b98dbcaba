/**
 * B3: the CTI application user CUP's desk phone control logs in with. Its password is a secret and
 * write-only on CUCM; its groups and controlled devices are reconciled as sets (missing ones added,
 * extra ones removed). CUP's desk phone control settings (C4) take userid and password from this
 * resource's outputs, so the guide's "they must match" holds by construction.
 */
import { z } from "zod";
import { defineKind } from "../core/kind";
import { name, nameSet } from "./fields";
import { cucm } from "./system";

const fields = z.object({
  userid: name(128),
  password: z.string().min(1).max(128),
  /** Devices the user controls: every RCC phone. */
  associatedDevices: nameSet,
  /** e.g. "Standard CTI Enabled", "Standard CTI Allow Control of All Devices". */
  userGroups: nameSet,
});

export const AppUser = defineKind({
  type: "rcclab:cucm:AppUser",
  file: __filename,
  exportName: "AppUser",
  system: cucm,
  fields,
  key: (f) => f.userid,
  replaceOn: ["userid"],
  secrets: ["password"],
  computed: ["uuid"],
  async create({ client }, f) {
    return { uuid: await client.add(client.adapter.appUser, f, f.userid) };
  },
  async read({ client }, id, olds) {
    const got = await client.get(client.adapter.appUser, id);
    if (!got) return undefined;
    const { uuid, password: _never, ...live } = got;
    // CUCM never returns the password: the core keeps the last one written.
    return { fields: { ...live, password: olds.password ?? "", associatedDevices: [...live.associatedDevices].sort(), userGroups: [...live.userGroups].sort() }, outputs: { uuid } };
  },
  async update({ client }, id, olds, news, changed) {
    // The password goes out only when it changed (CUCM would otherwise record a credential change).
    const desired = changed.includes("password") ? news : { ...news, password: undefined };
    return { uuid: await client.update(client.adapter.appUser, id, desired) };
  },
  async delete({ client }, id) {
    await client.remove(client.adapter.appUser, id);
  },
});
