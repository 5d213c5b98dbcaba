/**
 * B5: an end user: their devices (the phones they control), primary extension, user groups (the
 * guide: RCC users in the CTI group, "RCC will not work otherwise"), and for Extension Mobility the
 * device profiles they control and their default profile. Lists are reconciled as sets. Password
 * and PIN are secrets, write-only on CUCM. Natural key: userid.
 */
import { z } from "zod";
import { defineKind, liveFields } from "../core/kind";
import type { EndUserSpec } from "./axl/model";
import { dnPattern, name, nameSet, optionalName } from "./fields";
import { cucm } from "./system";

const fields = z.object({
  userid: name(128),
  firstName: z.string().max(64).optional(),
  lastName: z.string().min(1).max(64),
  telephoneNumber: z.string().regex(/^\+[1-9]\d{6,14}$/, "must be E.164, e.g. +14085551001").optional(),
  password: z.string().min(1).max(128).optional(),
  pin: z.string().regex(/^\d{4,128}$/, "must be 4 or more digits").optional(),
  associatedDevices: nameSet,
  primaryExtension: z.object({ pattern: dnPattern, routePartitionName: optionalName() }).optional(),
  userGroups: nameSet,
  controlledProfiles: nameSet,
  defaultProfile: optionalName(),
});

type Fields = z.output<typeof fields>;

/** Secrets go out only when they changed (or on create): CUCM would otherwise log a credential change. */
const spec = (f: Fields, send: { password: boolean; pin: boolean }): EndUserSpec => ({
  ...f,
  password: send.password ? f.password : undefined,
  pin: send.pin ? f.pin : undefined,
});

export const EndUser = defineKind({
  type: "rcclab:cucm:EndUser",
  file: __filename,
  exportName: "EndUser",
  system: cucm,
  fields,
  key: (f) => f.userid,
  replaceOn: ["userid"],
  secrets: ["password", "pin"],
  computed: ["uuid"],
  async create({ client }, f) {
    return { uuid: await client.add(client.adapter.endUser, spec(f, { password: true, pin: true }), f.userid) };
  },
  async read({ client }, id, olds) {
    const got = await client.get(client.adapter.endUser, id);
    if (!got) return undefined;
    const { uuid, password: _p, pin: _n, ...live } = got;
    // The core keeps the last password and PIN written: CUCM never returns them. AXL 7.0's getUser
    // does not return the default profile either: the last one written stands.
    const defaultProfile = live.defaultProfile ?? (client.adapter.family === "7" ? olds.defaultProfile : undefined);
    return { fields: liveFields(fields, { ...live, defaultProfile }), outputs: { uuid } };
  },
  async update({ client }, id, _olds, news, changed) {
    const desired = spec(news, { password: changed.includes("password"), pin: changed.includes("pin") });
    return { uuid: await client.update(client.adapter.endUser, id, desired) };
  },
  async delete({ client }, id) {
    await client.remove(client.adapter.endUser, id);
  },
});
