/**
 * Bulk reads of the AD kinds (issue 13 §3): one paged LDAP search answers the refresh of many users,
 * and each answer equals what the kind's own read() gives for that user — owned, adopted, imported,
 * disabled, with previous RCC values to put back — against the embedded directory (whose paged
 * results control is checked on the wire here too) and a real Samba AD DC where installed.
 */
import { Attribute, Change, Client } from "ldapts";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AdClient, type AdConnection } from "../providers/ad/client";
import { childDn } from "../providers/ad/dn";
import { RccSettings } from "../providers/ad/rccSettings";
import { User } from "../providers/ad/user";
import { addUserByHand, bindAdmin, directoriesWithPools, testAdConnection, type DirectoryUnderTest } from "./support/ad";
import { checked, quiet } from "./support/kinds";

const backends = directoriesWithPools("rcclab-adbulk-", ["pool1"]);

type Spec = { read(ctx: unknown, id: string, olds: object): Promise<unknown>; bulk?: { scope(olds: object, c: AdConnection): string; readAll(ctx: unknown, olds: object): Promise<Map<string, unknown>> } };

/**
 * For each object (id, last known state): read() and the bulk read started from that object's own
 * state agree; and objects whose states are alike share one scope.
 */
async function sameAsSingle(spec: Spec, ctx: { client: AdClient; connection: AdConnection; log: typeof quiet }, objects: [string, Record<string, unknown>][]) {
  for (const [id, olds] of objects) {
    const single = await spec.read(ctx, id, olds);
    expect(single, id).toBeDefined();
    const all = await spec.bulk!.readAll(ctx, olds);
    expect(all.get(id), id).toEqual(single);
  }
}

describe.each(backends)("AD bulk reads against %s", (_name, start, enabled) => {
  let d: DirectoryUnderTest;
  let connection: AdConnection;
  let admin: Client;
  let client: AdClient;
  const states = new Map<string, Record<string, unknown>>();
  const rcc = new Map<string, Record<string, unknown>>();

  const addUser = (sam: string, extra: Record<string, string> = {}) => addUserByHand(admin, d.usersDn, sam, { password: "Pre-Ex1sting!", extra });

  beforeAll(async () => {
    if (!enabled) return;
    d = await start();
    connection = testAdConnection(d);
    admin = await bindAdmin(d);
    client = new AdClient(connection, quiet);
    // Owned users, declared differently; one disabled; one adopted (it existed before); one more
    // than a page of the paged search holds when tests shrink the page.
    const users: Record<string, unknown>[] = [
      { sAMAccountName: "bulk-ann", givenName: "Ann", sn: "One", displayName: "Ann One" },
      { sAMAccountName: "bulk-ben", sn: "Two", enabled: false },
      { sAMAccountName: "bulk-cat", displayName: "Cat Three", userPrincipalName: "bulk-cat@lab.example.com" },
      { sAMAccountName: "bulk-dan" },
      { sAMAccountName: "bulk-eve" },
      { sAMAccountName: "bulk-fay" },
    ];
    for (const u of users) {
      const inputs = checked(User, { ...u, password: "Bulk-Passw0rd!", connection });
      const made = await User.runtime.create(inputs);
      states.set(made.id, made.outs);
    }
    await addUser("bulk-old", { givenName: "Olga", description: "made by the AD admin" });
    const adopted = await User.runtime.create(checked(User, { sAMAccountName: "bulk-old", sn: "Legacy", adopt: true, connection }));
    expect(adopted.outs.owned).toBe(false);
    states.set(adopted.id, adopted.outs);

    // RCC on some of them; bulk-old had OCS settings before rcclab (kept as previous values).
    await admin.modify(
      childDn("CN", "bulk-old", d.usersDn),
      ["msRTCSIP-PrimaryUserAddress", "msRTCSIP-Line"].map(
        (type, i) => new Change({ operation: "replace", modification: new Attribute({ type, values: [i === 0 ? "sip:olga@old.example.com" : "tel:+14085550000"] }) }),
      ),
    );
    const base = { sipDomain: "lab.example.com", pool: "pool1", cupFqdn: "cup.lab.example.com", connection };
    for (const [sam, extra] of [
      ["bulk-ann", { e164: "+14085551001", enhancedPresence: true }],
      ["bulk-ben", { e164: "+14085551002" }],
      ["bulk-cat", { e164: "+14085551003", sipUser: "cat.three" }],
      ["bulk-old", { e164: "+14085551004" }],
    ] as const) {
      const made = await RccSettings.runtime.create(checked(RccSettings, { sAMAccountName: sam, ...base, ...extra }));
      rcc.set(made.id, made.outs);
    }
    expect(rcc.get("bulk-old")).toMatchObject({ previousPrimaryUserAddress: "sip:olga@old.example.com", previousLine: "tel:+14085550000" });
    expect(rcc.get("bulk-ann")?.previousPrimaryHomeServer ?? null).toBeNull();
  }, 300_000);
  afterAll(async () => {
    await client?.close();
    await admin?.unbind().catch(() => {});
    await d?.stop();
  });

  it.skipIf(!enabled)("a paged search returns what one unpaged search returns, a page at a time", async () => {
    const filter = "(&(objectClass=user)(!(objectClass=computer))(sAMAccountName=bulk-*))";
    const whole = await client.search(d.usersDn.replace(/^CN=Users,/, ""), filter, ["sAMAccountName"]);
    const paged = await client.searchPaged(d.usersDn.replace(/^CN=Users,/, ""), filter, ["sAMAccountName"], 2);
    expect(paged.map((e) => e.dn).sort()).toEqual(whole.map((e) => e.dn).sort());
    expect(whole.length).toBe(7);
    // On the wire: pages of two entries, each but the last with a cookie for the next (RFC 2696).
    const pages: number[] = [];
    for await (const page of admin.searchPaginated(d.usersDn.replace(/^CN=Users,/, ""), { scope: "sub", filter, attributes: ["sAMAccountName"], paged: { pageSize: 2 } })) {
      pages.push(page.searchEntries.length);
    }
    expect(pages).toEqual([2, 2, 2, 1]);
  });

  it.skipIf(!enabled)("User: one paged search answers every user as read() does (owned, adopted, disabled, imported)", async () => {
    const ctx = { client, connection, log: quiet };
    const spec = User.runtime.spec as unknown as Spec;
    // Imported users: nothing known of them yet.
    const objects: [string, Record<string, unknown>][] = [...states, ["bulk-ann", { connection }], ["bulk-old", { connection }]];
    await sameAsSingle(spec, ctx, objects);
    // Alike users share a scope (one search), differently declared ones do not.
    const scope = (id: string) => spec.bulk!.scope(states.get(id)!, connection);
    expect(scope("bulk-dan")).not.toBe(scope("bulk-ann"));
    expect(spec.bulk!.scope({ ...states.get("bulk-dan"), sAMAccountName: "someone-else" }, connection)).toBe(scope("bulk-dan"));
    // One request: the paged search.
    const paged = vi.spyOn(client, "searchPaged");
    const single = vi.spyOn(client, "search");
    const all = await spec.bulk!.readAll(ctx, states.get("bulk-ann")!);
    expect(paged).toHaveBeenCalledTimes(1);
    expect(single).not.toHaveBeenCalled();
    expect(all.has("Administrator")).toBe(true);
    paged.mockRestore();
    single.mockRestore();
  });

  it.skipIf(!enabled)("RccSettings: one paged search and one pool lookup answer every user as read() does", async () => {
    const ctx = { client, connection, log: quiet };
    const spec = RccSettings.runtime.spec as unknown as Spec;
    await sameAsSingle(spec, ctx, [...rcc, ["bulk-cat", { connection }], ["bulk-dan", { connection }]]);
    // Previous values are part of a user's state: bulk-old reads in a scope of its own.
    expect(spec.bulk!.scope(rcc.get("bulk-old")!, connection)).not.toBe(spec.bulk!.scope(rcc.get("bulk-ben")!, connection));
    expect(spec.bulk!.scope(rcc.get("bulk-ben")!, connection)).toBe(spec.bulk!.scope({ ...rcc.get("bulk-ben"), sAMAccountName: "x", e164: "+1999" }, connection));
    const paged = vi.spyOn(client, "searchPaged");
    const gets = vi.spyOn(client, "get");
    await spec.bulk!.readAll(ctx, rcc.get("bulk-ben")!);
    expect(paged).toHaveBeenCalledTimes(1);
    // The pool's LC Services object, once for every user it homes (the first place looked in holds it).
    expect(gets.mock.calls.length).toBeLessThanOrEqual(2);
    paged.mockRestore();
    gets.mockRestore();
  });

  it.skipIf(!enabled)("RccSettings: a user whose read warns (enhanced presence declared false but on) is left to read()", async () => {
    const ctx = { client, connection, log: quiet };
    const spec = RccSettings.runtime.spec as unknown as Spec;
    const olds = { ...rcc.get("bulk-ann"), enhancedPresence: false };
    const all = await spec.bulk!.readAll(ctx, olds);
    expect(all.has("bulk-ann")).toBe(false);
    expect(all.has("bulk-ben")).toBe(true);
  });

  it.skipIf(!enabled)("refresh through the provider runtime: reads of many users come from one search and equal single reads", async () => {
    // A fresh connection (its own client and bulk reads): single reads first, for comparison. The
    // users are declared alike (one scope); bulk-ann, declared otherwise, reads singly.
    const conn = testAdConnection(d, { timeoutMs: 10_001 });
    const ids = ["bulk-dan", "bulk-eve", "bulk-ann", "bulk-fay", "bulk-old"];
    const want = new Map<string, unknown>();
    const ctx = { client, connection: conn, log: quiet };
    for (const id of ids) want.set(id, await (User.runtime.spec as unknown as Spec).read(ctx, id, { ...states.get(id), connection: conn }));
    const paged = vi.spyOn(AdClient.prototype, "searchPaged");
    try {
      for (const id of ids) {
        const got = await User.runtime.read(id, { ...states.get(id), connection: conn });
        const expected = want.get(id) as { fields: Record<string, unknown>; outputs: Record<string, unknown> };
        expect(got.props, id).toMatchObject({ ...JSON.parse(JSON.stringify(expected.fields)), ...JSON.parse(JSON.stringify(expected.outputs)) });
      }
      // The third read of the kind in one scope (bulk-fay) starts the one bulk read.
      expect(paged).toHaveBeenCalledTimes(1);
    } finally {
      paged.mockRestore();
    }
  });
});
