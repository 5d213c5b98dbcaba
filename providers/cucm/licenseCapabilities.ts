/**
 * B6: a user's licence capabilities: Cisco Unified Presence (UPS) and Unified Personal Communicator
 * (UPC) enabled. Natural key: userid. Deleting it puts back what the user had before rcclab set it.
 */
import { z } from "zod";
import { RcclabError } from "../core/errors";
import { defineKind } from "../core/kind";
import { name } from "./fields";
import { cucm } from "./system";

const fields = z.object({
  userid: name(128),
  enableUps: z.boolean().default(true),
  enableUpc: z.boolean().default(true),
});

export const LicenseCapabilities = defineKind({
  type: "rcclab:cucm:LicenseCapabilities",
  file: __filename,
  exportName: "LicenseCapabilities",
  system: cucm,
  fields,
  key: (f) => f.userid,
  replaceOn: ["userid"],
  computed: ["previousUps", "previousUpc"],
  async create({ client }, f) {
    const codec = client.adapter.licenses;
    const before = await client.get(codec, f.userid);
    if (!before) throw new RcclabError("InvalidRequest", `end user ${f.userid} does not exist on CUCM; create the user first`);
    await client.updateFrom(codec, f.userid, before, f);
    return { previousUps: before.enableUps, previousUpc: before.enableUpc };
  },
  async read({ client }, id, olds) {
    const got = await client.get(client.adapter.licenses, id);
    if (!got) return undefined;
    return {
      fields: { userid: id, enableUps: got.enableUps, enableUpc: got.enableUpc },
      // Imported (nothing known of before): a delete turns both off.
      outputs: { previousUps: olds.previousUps ?? false, previousUpc: olds.previousUpc ?? false },
    };
  },
  async update({ client }, id, olds, news) {
    await client.update(client.adapter.licenses, id, news);
    return { previousUps: olds.previousUps, previousUpc: olds.previousUpc };
  },
  async delete({ client }, id, olds) {
    // The user may be gone already (deleted with its licences): nothing to put back then.
    const current = await client.get(client.adapter.licenses, id);
    if (!current) return;
    await client.updateFrom(client.adapter.licenses, id, current, { userid: id, enableUps: olds.previousUps ?? false, enableUpc: olds.previousUpc ?? false });
  },
});
