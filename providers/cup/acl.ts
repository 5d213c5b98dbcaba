/**
 * C3's two ACLs have the same shape (an address pattern and a description per entry), so one
 * definition serves both kinds (incomingAcl.ts, outgoingAcl.ts): natural key the address pattern;
 * delete removes only the entry rcclab created.
 */
import { z } from "zod";
import { RcclabError } from "../core/errors";
import { aclPattern, description, updateRow } from "./common";
import { aclByAddress, incomingAcl, insert, outgoingAcl, remove, select } from "./sql";
import { defineCupKind } from "./system";

const fields = z.object({
  address: aclPattern(),
  description: description(128),
});

export function defineAclKind(which: "incoming" | "outgoing", where: { type: string; file: string; exportName: string }) {
  const mapper = which === "incoming" ? incomingAcl : outgoingAcl;
  const table = mapper.table as "incomingAcl" | "outgoingAcl";
  const what = `${which} ACL entry`;
  return defineCupKind({
    ...where,
    step: "C3",
    fields,
    key: (f) => f.address,
    replaceOn: ["address"],
    computed: ["pkid"],
    async create({ db }, f) {
      if ((await db.query(aclByAddress(f.address, table))).length) {
        throw new RcclabError(
          "AlreadyExists",
          `CUP already has an ${what} for ${f.address}, made by hand or by another stack; rcclab does not take over an entry it did not create: ` +
            `remove it first (${which === "incoming" ? "System > Security > Incoming ACL" : "System > Security > Outgoing ACL"}), or leave the address out of rcclab:cup.acl`,
        );
      }
      return { pkid: await db.insert(insert(table, mapper.toRow(f))) };
    },
    async read({ db }, id) {
      const [row] = await db.query(aclByAddress(id, table));
      if (!row) return undefined;
      return { fields: mapper.fromRow(row), outputs: { pkid: row.pkid as string } };
    },
    /** One query for the whole table (through the catalog, like every statement); an address on two rows is left to read(). */
    async readAll({ db }) {
      const out = new Map<string, { fields: z.output<typeof fields>; outputs: { pkid: string } }>();
      const twice = new Set<string>();
      for (const row of await db.query(select(table))) {
        const got = { fields: mapper.fromRow(row), outputs: { pkid: row.pkid as string } };
        if (out.has(got.fields.address)) twice.add(got.fields.address);
        out.set(got.fields.address, got);
      }
      for (const a of twice) out.delete(a);
      return out;
    },
    async update({ db }, id, _olds, news) {
      const [row] = await db.query(aclByAddress(id, table));
      if (!row) throw new RcclabError("NotFound", `CUP has no ${what} for ${id} any more`);
      await updateRow(db, mapper, row, news);
      return { pkid: row.pkid as string };
    },
    async delete({ db }, id, olds) {
      // The row rcclab made (by pkid); by address when the pkid is unknown (an imported entry).
      await db.write(remove(table, olds.pkid ? { pkid: olds.pkid } : { address: id }));
    },
  });
}
