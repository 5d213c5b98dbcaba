/**
 * C3: one incoming ACL entry (System > Security > Incoming ACL): an address pattern CUP's SIP proxy
 * lets in without digest authentication, one per OCS front end server and pool (address or FQDN).
 * Natural key: the address pattern. Delete removes only the entry rcclab created.
 */
import { z } from "zod";
import { RcclabError } from "../core/errors";
import { aclPattern, description, updateRow } from "./common";
import { aclByAddress, incomingAcl, insert, remove } from "./sql";
import { defineCupKind } from "./system";

const fields = z.object({
  address: aclPattern(),
  description: description(128),
});

export const IncomingAcl = defineCupKind({
  type: "rcclab:cup:IncomingAcl",
  file: __filename,
  exportName: "IncomingAcl",
  fields,
  key: (f) => f.address,
  replaceOn: ["address"],
  computed: ["pkid"],
  async create({ db }, f) {
    if ((await db.query(aclByAddress(f.address))).length) {
      throw new RcclabError("AlreadyExists", `CUP already has an incoming ACL entry for ${f.address} (made by hand?): import it, or remove it first`);
    }
    return { pkid: await db.insert(insert(incomingAcl.table, incomingAcl.toRow(f))) };
  },
  async read({ db }, id) {
    const [row] = await db.query(aclByAddress(id));
    if (!row) return undefined;
    return { fields: incomingAcl.fromRow(row), outputs: { pkid: row.pkid as string } };
  },
  async update({ db }, id, _olds, news) {
    const [row] = await db.query(aclByAddress(id));
    if (!row) throw new RcclabError("NotFound", `CUP has no incoming ACL entry for ${id} any more`);
    await updateRow(db, incomingAcl, row, news);
    return { pkid: row.pkid as string };
  },
  async delete({ db }, id, olds) {
    // The row rcclab made (by pkid); by address when the pkid is unknown (an imported entry).
    await db.write(remove(incomingAcl.table, olds.pkid ? { pkid: olds.pkid } : { address: id }));
  },
});
