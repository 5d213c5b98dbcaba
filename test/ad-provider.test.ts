/**
 * A3 against two directories, the same tests for both: a real Active Directory domain controller
 * (Samba, with the OCS 2007 R2 schema extension) and the embedded lab's directory. The kinds run as
 * the engine drives them (check, create, read, update, delete) over LDAPS or StartTLS with the
 * certificate verified; raw LDAP (ldapts) plays the administrator changing things behind rcclab's
 * back. Samba tests fail under CI when Samba is missing, and are skipped elsewhere.
 */
import { Attribute, Change, Client } from "ldapts";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AdClient, adConnectionSchema, mapLdapError, type AdConnection } from "../providers/ad/client";
import { childDn, dnEquals, domainDnOf, escapeDnValue, escapeFilterValue, normalizeDn, parseDn, rdnValue } from "../providers/ad/dn";
import { lcServicesDn, rtcServiceInConfiguration } from "../providers/ad/ocsSchema";
import { RccSettings } from "../providers/ad/rccSettings";
import { User } from "../providers/ad/user";
import { sha256Fingerprint } from "../src/labsim/ca";
import { addUserByHand, bindAdmin, directoryBackends, startTestDirectory, testAdConnection, type DirectoryUnderTest } from "./support/ad";
import { startSamba } from "./support/samba";

const quiet = { info: () => {}, warn: () => {} };
const BASE = "DC=lab,DC=example,DC=com";
const NASTY = "a,b=c*)(";
/** Where OCS 2007 R2 keeps its pools by default: the Configuration partition. */
const homeServerOf = (pool: string) => lcServicesDn(pool, rtcServiceInConfiguration(`CN=Configuration,${BASE}`));

const failure = (p: Promise<unknown>): Promise<Error & { code?: string }> =>
  p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e as Error & { code?: string },
  );

/** What a kind logs (to stderr) while `fn` runs. */
async function logged<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    return { result: await fn(), lines };
  } finally {
    spy.mockRestore();
  }
}

type AnyKind = { runtime: { check(o: object, n: object): { inputs: Record<string, unknown>; failures: { property: string; reason: string }[] } } };
function checked(kind: AnyKind, news: Record<string, unknown>): Record<string, unknown> {
  const r = kind.runtime.check({}, news);
  expect(r.failures).toEqual([]);
  return r.inputs;
}

describe("DN and filter escaping (RFC 4514, RFC 4515)", () => {
  it("escapes DN values and parses them back", () => {
    expect(escapeDnValue(NASTY)).toBe("a\\,b\\=c*)(");
    expect(escapeDnValue(' #lead"<>;+\\ ')).toBe('\\ #lead\\"\\<\\>\\;\\+\\\\\\ ');
    expect(escapeDnValue("#x")).toBe("\\#x");
    expect(escapeDnValue("a\0b")).toBe("a\\00b");
    const dn = childDn("CN", NASTY, `CN=Users,${BASE}`);
    expect(rdnValue(dn)).toBe(NASTY);
    expect(parseDn(dn)).toHaveLength(5);
    // AD answers with its own escaping (\3D for '=') and letter case: still the same DN.
    expect(dnEquals(dn, "cn=A\\,B\\3DC*)(,cn=users,dc=LAB,dc=example,dc=com")).toBe(true);
    expect(dnEquals(dn, `CN=a\\,b,CN=Users,${BASE}`)).toBe(false);
    expect(rdnValue("CN=Jos\\C3\\A9 \\+ Ana,DC=x")).toBe("José + Ana");
    expect(normalizeDn("CN=x ,  DC=Y")).toBe("cn=x,dc=y");
    expect(domainDnOf(`CN=a\\,DC=evil,CN=Users,${BASE}`)).toBe(BASE);
    expect(() => parseDn("CN=a,b")).toThrow(/invalid DN/);
    expect(() => parseDn("CN=a\\")).toThrow(/invalid DN/);
  });

  it("escapes filter values so they never widen a search", () => {
    expect(escapeFilterValue(NASTY)).toBe("a,b=c\\2a\\29\\28");
    expect(escapeFilterValue("*")).toBe("\\2a");
    expect(escapeFilterValue("x)(|(sAMAccountName=*")).toBe("x\\29\\28|\\28sAMAccountName=\\2a");
    expect(escapeFilterValue("back\\slash\0")).toBe("back\\5cslash\\00");
    expect(escapeFilterValue(Buffer.from([0x01, 0xab]))).toBe("\\01\\ab");
  });

  it("maps LDAP result codes to typed errors", () => {
    const e = (code: number, message = "x") => Object.assign(new Error(message), { code });
    expect(mapLdapError(e(32), "op", "t").code).toBe("NotFound");
    expect(mapLdapError(e(68), "op", "t").code).toBe("AlreadyExists");
    expect(mapLdapError(e(49), "op", "t").code).toBe("Unauthorized");
    expect(mapLdapError(e(51), "op", "t")).toMatchObject({ code: "Throttled", retryable: true });
    expect(mapLdapError(e(52), "op", "t")).toMatchObject({ code: "Transport", retryable: true });
    expect(mapLdapError(e(19), "op", "t")).toMatchObject({ code: "InvalidRequest", retryable: false, systemCode: 19 });
    expect(mapLdapError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), "op", "t").code).toBe("Transport");
    expect(mapLdapError(Object.assign(new Error("self-signed certificate"), { code: "DEPTH_ZERO_SELF_SIGNED_CERT" }), "op", "t").code).toBe("Tls");
  });
});

interface Directory extends DirectoryUnderTest {
  /** ldap:// (StartTLS, or plain when allowed). */
  url: string;
  certPem: string;
  pool: string;
}

async function embedded(): Promise<Directory> {
  const { sim, ...d } = await startTestDirectory("rcclab-adsim-", { pools: ["pool1"] });
  return { ...d, url: sim.url, certPem: sim.certPem, pool: "pool1" };
}

async function samba(): Promise<Directory> {
  const dc = await startSamba({ pools: ["pool1"] });
  return { ldapsUrl: dc.ldapsUrl, url: dc.url, bindDn: dc.bindDn, password: dc.password, usersDn: dc.usersDn, caPem: dc.caPem, certPem: dc.certPem, pool: "pool1", stop: dc.stop };
}

const backends = directoryBackends(embedded, samba);

describe.each(backends)("AD kinds against %s", (_name, start, enabled) => {
  let d: Directory;
  let connection: AdConnection;
  let admin: Client;

  const get = async (dn: string, attributes: string[] = ["*"]) => {
    try {
      const r = await admin.search(dn, { scope: "base", attributes });
      return r.searchEntries[0];
    } catch (e) {
      if ((e as { code?: number }).code === 32) return undefined;
      throw e;
    }
  };
  const userDn = async (sam: string) => {
    const r = await admin.search(BASE, { scope: "sub", filter: `(sAMAccountName=${escapeFilterValue(sam)})`, attributes: ["dn"] });
    return r.searchEntries[0]?.dn;
  };
  const replace = (dn: string, type: string, values: string[]) =>
    admin.modify(dn, new Change({ operation: "replace", modification: new Attribute({ type, values }) }));
  const addUser = (sam: string, extra: Record<string, string> = {}) => addUserByHand(admin, d.usersDn, sam, { password: "Pre-Ex1sting!", extra });

  beforeAll(async () => {
    if (!enabled) return;
    d = await start();
    connection = testAdConnection(d);
    admin = await bindAdmin(d);
  });
  afterAll(async () => {
    await admin?.unbind().catch(() => {});
    await d?.stop();
  });

  it.skipIf(!enabled)("User: create with a password over TLS, read, update, rename, drift, import, delete", async () => {
    const inputs = checked(User, {
      sAMAccountName: "rcc-alice",
      givenName: "Alice",
      sn: "Ng",
      displayName: "Alice Ng",
      userPrincipalName: "rcc-alice@lab.example.com",
      password: "Al1ce-Passw0rd!",
      connection,
    });
    const created = await User.runtime.create(inputs);
    expect(created.id).toBe("rcc-alice");
    expect(created.outs).toMatchObject({ owned: true, dn: `CN=Alice Ng,${d.usersDn}` });
    expect(created.outs.objectGuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const live = await get(`CN=Alice Ng,${d.usersDn}`);
    expect(live).toMatchObject({ sAMAccountName: "rcc-alice", givenName: "Alice", sn: "Ng", userAccountControl: "512" });
    expect(live?.unicodePwd).toBeUndefined();

    // The password works: the user can bind with it.
    const asAlice = new Client({ url: d.ldapsUrl, tlsOptions: { ca: d.caPem } });
    await asAlice.bind(`CN=Alice Ng,${d.usersDn}`, "Al1ce-Passw0rd!");
    await asAlice.unbind();

    const read = await User.runtime.read(created.id, created.outs);
    expect(User.runtime.changedFields(read.props!, inputs)).toEqual([]);
    expect(read.props!.password).toBe("Al1ce-Passw0rd!"); // write-only: the last one written stands

    // Update in place: disable, new display name, rename (cn).
    const news = { ...inputs, displayName: "Alice Ng (RCC)", enabled: false, cn: "Alice Ng (RCC)" };
    expect(User.runtime.diff(created.id, created.outs, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await User.runtime.update(created.id, created.outs, news);
    expect(updated.outs.dn).toBe(`CN=Alice Ng (RCC),${d.usersDn}`);
    const after = await get(`CN=Alice Ng (RCC),${d.usersDn}`);
    expect(after).toMatchObject({ displayName: "Alice Ng (RCC)", userAccountControl: "514" });
    expect(User.runtime.diff(created.id, updated.outs, { ...news, sAMAccountName: "rcc-alice2" }).replaces).toEqual(["sAMAccountName"]);

    // Drift: someone edits the surname; an undeclared attribute is not rcclab's business.
    await replace(`CN=Alice Ng (RCC),${d.usersDn}`, "sn", ["Nguyen"]);
    await replace(`CN=Alice Ng (RCC),${d.usersDn}`, "description", ["set by hand"]);
    const drift = await User.runtime.read(created.id, updated.outs);
    expect(User.runtime.changedFields(drift.props!, news)).toEqual(["sn"]);

    // Import by natural key: every attribute the user has; not created by the importing stack, so not owned.
    const imported = await User.runtime.read("rcc-alice", { connection });
    expect(imported.inputs).toMatchObject({ sAMAccountName: "rcc-alice", cn: "Alice Ng (RCC)", sn: "Nguyen", enabled: false, adopt: false });
    expect(imported.props).toMatchObject({ owned: false });

    await User.runtime.delete(created.id, updated.outs);
    expect(await userDn("rcc-alice")).toBeUndefined();
    await User.runtime.delete(created.id, updated.outs); // already gone: not an error
    expect(await User.runtime.read(created.id, updated.outs)).toEqual({});
  });

  it.skipIf(!enabled)("User: adopt an existing user without owning it; an existing user is not silently taken", async () => {
    const dn = await addUser("legacy-bob", { givenName: "Bob", description: "made by the AD admin" });
    const inputs = checked(User, { sAMAccountName: "legacy-bob", sn: "Builder", connection });
    const err = await failure(User.runtime.create(inputs));
    expect(err.code).toBe("AlreadyExists");
    expect(err.message).toMatch(/rcclab:directory\.users: adopt/);

    const adopted = await User.runtime.create({ ...inputs, adopt: true, password: "Ign0red-Passw0rd!" });
    expect(adopted.outs).toMatchObject({ owned: false, dn });
    // Declared attributes are set; the rest (givenName, description, the password) stay as they were.
    expect(await get(dn)).toMatchObject({ sn: "Builder", givenName: "Bob", description: "made by the AD admin", userAccountControl: "512" });
    const asBob = new Client({ url: d.ldapsUrl, tlsOptions: { ca: d.caPem } });
    await asBob.bind(dn, "Pre-Ex1sting!");
    await asBob.unbind();

    const read = await User.runtime.read(adopted.id, adopted.outs);
    expect(read.props).toMatchObject({ owned: false, sn: "Builder" });
    expect(read.props!.givenName).toBeUndefined(); // not declared: not reported
    await User.runtime.delete(adopted.id, adopted.outs);
    expect(await userDn("legacy-bob")).toBe(dn); // left in place

    // adopt: true for a user that does not exist yet: created, and owned.
    const fresh = await User.runtime.create(checked(User, { sAMAccountName: "rcc-carol", password: "Car0l-Passw0rd!", adopt: true, connection }));
    expect(fresh.outs).toMatchObject({ owned: true, dn: `CN=rcc-carol,${d.usersDn}` });
    await User.runtime.delete(fresh.id, fresh.outs);
    expect(await userDn("rcc-carol")).toBeUndefined();
  });

  it.skipIf(!enabled)("escaping: a user named a,b=c*)( works, and no search widens", async () => {
    // sAMAccountName cannot carry ',' '=' '*' (AD refuses them): said before any call.
    const bad = User.runtime.check({}, { sAMAccountName: NASTY, connection });
    expect(bad.failures.map((f) => f.property)).toEqual(["sAMAccountName"]);

    const inputs = checked(User, { sAMAccountName: "nasty)(x", cn: NASTY, displayName: NASTY, password: "N4sty-Passw0rd!", connection });
    const created = await User.runtime.create(inputs);
    expect(dnEquals(created.outs.dn as string, `CN=a\\,b\\=c*)(,${d.usersDn}`)).toBe(true);
    expect((await get(created.outs.dn as string))?.cn).toBe(NASTY);
    const read = await User.runtime.read(created.id, created.outs);
    expect(User.runtime.changedFields(read.props!, inputs)).toEqual([]);

    // Filter values are escaped: a '*' is a character, not a wildcard.
    await addUser("rcc-star1");
    expect(await User.runtime.read("rcc-star*", { connection })).toEqual({});
    expect(await User.runtime.read("*", { connection })).toEqual({});
    expect(await User.runtime.read("x)(sAMAccountName=*", { connection })).toEqual({});
    expect((await User.runtime.read("nasty)(x", { connection })).props).toMatchObject({ cn: NASTY });

    // RCC settings on it.
    const rcc = await RccSettings.runtime.create(
      checked(RccSettings, { sAMAccountName: "nasty)(x", sipUser: "nasty", sipDomain: "lab.example.com", pool: d.pool, e164: "+14085559999", cupFqdn: "cup.lab.example.com", connection }),
    );
    expect((await get(created.outs.dn as string))?.["msRTCSIP-Line"]).toBe("tel:+14085559999");
    await RccSettings.runtime.delete(rcc.id, rcc.outs);
    await User.runtime.delete(created.id, created.outs);
    expect(await userDn("nasty)(x")).toBeUndefined();
  });

  it.skipIf(!enabled)("RccSettings: every attribute, OptionFlags bit by bit, drift, update, and delete restores what rcclab changed", async () => {
    // A pre-existing user with some OCS settings already: other OptionFlags bits and an old SIP address.
    const dn = await addUser("rcc-dave", { "msRTCSIP-OptionFlags": String(1 | 64), "msRTCSIP-PrimaryUserAddress": "sip:dave.old@lab.example.com" });
    const inputs = checked(RccSettings, {
      sAMAccountName: "rcc-dave",
      sipDomain: "lab.example.com",
      pool: d.pool,
      e164: "+14085551004",
      cupFqdn: "cup.lab.example.com",
      enhancedPresence: true,
      connection,
    });
    expect(inputs).toMatchObject({ sipUser: "rcc-dave", userEnabled: true, remoteCallControl: true });
    const created = await RccSettings.runtime.create(inputs);
    expect(created.outs).toMatchObject({
      dn,
      previousOptionFlags: 65,
      previousPrimaryUserAddress: "sip:dave.old@lab.example.com",
      previousLine: null,
      previousUserEnabled: null,
    });
    const live = await get(dn);
    expect(live).toMatchObject({
      "msRTCSIP-UserEnabled": "TRUE",
      "msRTCSIP-PrimaryUserAddress": "sip:rcc-dave@lab.example.com",
      "msRTCSIP-Line": "tel:+14085551004",
      "msRTCSIP-LineServer": "sip:rcc-dave@cup.lab.example.com",
      "msRTCSIP-OptionFlags": String(1 | 64 | 16 | 256),
    });
    expect(dnEquals(live!["msRTCSIP-PrimaryHomeServer"] as string, homeServerOf(d.pool))).toBe(true);

    const read = await RccSettings.runtime.read(created.id, created.outs);
    expect(RccSettings.runtime.changedFields(read.props!, inputs)).toEqual([]);

    // Drift: the Line URI edited by hand; another OptionFlags bit set by someone else is no drift.
    await replace(dn, "msRTCSIP-Line", ["tel:+14085550000"]);
    await replace(dn, "msRTCSIP-OptionFlags", [String(1 | 64 | 16 | 256 | 2048)]);
    let drift = await RccSettings.runtime.read(created.id, created.outs);
    expect(RccSettings.runtime.changedFields(drift.props!, inputs)).toEqual(["e164"]);
    // Remote call control turned off by hand: drift on remoteCallControl.
    await replace(dn, "msRTCSIP-OptionFlags", [String(1 | 64 | 256 | 2048)]);
    drift = await RccSettings.runtime.read(created.id, created.outs);
    expect(RccSettings.runtime.changedFields(drift.props!, inputs)).toEqual(["e164", "remoteCallControl"]);

    // Update repairs it, keeping the other bits; enhanced presence no longer managed: it stays
    // (OCS 2007 R2 cannot disable it once enabled).
    const news = { ...inputs, e164: "+14085551005" };
    delete (news as Record<string, unknown>).enhancedPresence;
    const updated = await RccSettings.runtime.update(created.id, { ...created.outs, ...drift.props }, news);
    expect(updated.outs).toMatchObject({ previousOptionFlags: 65, enhancedPresenceLive: true });
    expect(await get(dn)).toMatchObject({ "msRTCSIP-Line": "tel:+14085551005", "msRTCSIP-OptionFlags": String(1 | 64 | 16 | 256 | 2048) });

    // Someone changes the Server URI after rcclab: delete leaves that one alone.
    await replace(dn, "msRTCSIP-LineServer", ["sip:rcc-dave@cup2.lab.example.com"]);
    await RccSettings.runtime.delete(created.id, { ...updated.outs, ...news });
    const restored = await get(dn);
    expect(restored).toMatchObject({
      "msRTCSIP-OptionFlags": String(1 | 64 | 256 | 2048),
      "msRTCSIP-PrimaryUserAddress": "sip:dave.old@lab.example.com",
      "msRTCSIP-LineServer": "sip:rcc-dave@cup2.lab.example.com",
    });
    expect(restored!["msRTCSIP-Line"]).toBeUndefined();
    expect(restored!["msRTCSIP-UserEnabled"]).toBeUndefined();
    expect(restored!["msRTCSIP-PrimaryHomeServer"]).toBeUndefined();

    // A user without any OptionFlags before: the attribute goes away again.
    const eveDn = await addUser("rcc-eve");
    const eve = await RccSettings.runtime.create(checked(RccSettings, { sAMAccountName: "rcc-eve", sipDomain: "lab.example.com", pool: d.pool, e164: "+14085551006", cupFqdn: "cup.lab.example.com", connection }));
    expect((await get(eveDn))?.["msRTCSIP-OptionFlags"]).toBe("16");
    await RccSettings.runtime.delete(eve.id, eve.outs);
    expect((await get(eveDn))?.["msRTCSIP-OptionFlags"]).toBeUndefined();
    await RccSettings.runtime.delete(eve.id, eve.outs); // nothing left to restore: no error
  });

  it.skipIf(!enabled)("RccSettings: enhanced presence is set, never cleared; enhancedPresence: false on a user who has it is reported, not applied, and is no drift", async () => {
    const base = { sipDomain: "lab.example.com", pool: d.pool, e164: "+14085551020", cupFqdn: "cup.lab.example.com", connection };
    const flagsOf = async (dn: string) => (await get(dn))?.["msRTCSIP-OptionFlags"];
    const warnings = (lines: string[]) => lines.filter((l) => l.includes("WARNING") && l.includes("enhancedPresence: false is not applied"));

    // A user OCS enabled for enhanced presence before rcclab; the stack says false.
    const dn = await addUser("rcc-ivan", { "msRTCSIP-OptionFlags": String(256 | 1) });
    const inputs = checked(RccSettings, { ...base, sAMAccountName: "rcc-ivan", enhancedPresence: false });
    const created = await logged(() => RccSettings.runtime.create(inputs));
    expect(await flagsOf(dn)).toBe(String(256 | 16 | 1));
    expect(warnings(created.lines)).toHaveLength(1);
    expect(warnings(created.lines)[0]).toMatch(/rcc-ivan is enabled for enhanced presence, which OCS 2007 R2 cannot disable/);
    expect(created.result.outs).toMatchObject({ enhancedPresence: false, enhancedPresenceLive: true });
    // It reads back as declared (no update could change it: no drift), the live bit in enhancedPresenceLive, and refresh repeats the warning.
    const read = await logged(() => RccSettings.runtime.read(created.result.id, created.result.outs));
    expect(read.result.props).toMatchObject({ enhancedPresence: false, enhancedPresenceLive: true });
    expect(RccSettings.runtime.changedFields(read.result.props!, inputs)).toEqual([]);
    expect(warnings(read.lines)).toHaveLength(1);
    // true, then false again: still on.
    const on = await RccSettings.runtime.update(created.result.id, read.result.props!, { ...inputs, enhancedPresence: true });
    const off = await logged(() => RccSettings.runtime.update(created.result.id, on.outs, inputs));
    expect(warnings(off.lines)).toHaveLength(1);
    expect(await flagsOf(dn)).toBe(String(256 | 16 | 1));
    // Delete restores the rest, never enhanced presence.
    await RccSettings.runtime.delete(created.result.id, off.result.outs);
    expect(await flagsOf(dn)).toBe(String(256 | 1));

    // A user without it, enabled by rcclab: delete leaves it enabled.
    const judyDn = await addUser("rcc-judy");
    const judy = await RccSettings.runtime.create(checked(RccSettings, { ...base, sAMAccountName: "rcc-judy", enhancedPresence: true }));
    expect(await flagsOf(judyDn)).toBe(String(256 | 16));
    const gone = await logged(() => RccSettings.runtime.delete(judy.id, judy.outs));
    expect(await flagsOf(judyDn)).toBe("256");
    expect(gone.lines.join("")).toMatch(/enhanced presence stays enabled on rcc-judy/);
    // enhancedPresence: false on a user who does not have it: nothing to report, nothing set; true by hand later is no drift either.
    const kenDn = await addUser("rcc-ken");
    const kenInputs = checked(RccSettings, { ...base, sAMAccountName: "rcc-ken", enhancedPresence: false });
    const ken = await logged(() => RccSettings.runtime.create(kenInputs));
    expect(warnings(ken.lines)).toEqual([]);
    expect(await flagsOf(kenDn)).toBe("16");
    await replace(kenDn, "msRTCSIP-OptionFlags", [String(16 | 256)]);
    const kenRead = await RccSettings.runtime.read(ken.result.id, ken.result.outs);
    expect(RccSettings.runtime.changedFields(kenRead.props!, kenInputs)).toEqual([]);
    expect(kenRead.props).toMatchObject({ enhancedPresenceLive: true });
    // enhancedPresence: true and the bit cleared by hand: drift, which update repairs.
    const kenOn = await RccSettings.runtime.update(ken.result.id, kenRead.props!, { ...kenInputs, enhancedPresence: true });
    await replace(kenDn, "msRTCSIP-OptionFlags", ["16"]);
    const kenDrift = await RccSettings.runtime.read(ken.result.id, kenOn.outs);
    expect(RccSettings.runtime.changedFields(kenDrift.props!, { ...kenInputs, enhancedPresence: true })).toEqual(["enhancedPresence"]);
    await RccSettings.runtime.update(ken.result.id, { ...kenOn.outs, ...kenDrift.props }, { ...kenInputs, enhancedPresence: true });
    expect(await flagsOf(kenDn)).toBe(String(16 | 256));
  });

  it.skipIf(!enabled)("RccSettings: import, a missing user or pool, replace on the user", async () => {
    const dn = await addUser("rcc-frank");
    await replace(dn, "msRTCSIP-UserEnabled", ["TRUE"]);
    await replace(dn, "msRTCSIP-PrimaryUserAddress", ["sip:frank@lab.example.com"]);
    await replace(dn, "msRTCSIP-PrimaryHomeServer", [homeServerOf(d.pool)]);
    await replace(dn, "msRTCSIP-Line", ["tel:+14085551007"]);
    await replace(dn, "msRTCSIP-LineServer", ["sip:frank@cup.lab.example.com"]);
    await replace(dn, "msRTCSIP-OptionFlags", ["272"]);
    const imported = await RccSettings.runtime.read("rcc-frank", { connection });
    expect(imported.inputs).toMatchObject({
      sAMAccountName: "rcc-frank",
      sipUser: "frank",
      sipDomain: "lab.example.com",
      pool: d.pool,
      e164: "+14085551007",
      cupFqdn: "cup.lab.example.com",
      enhancedPresence: true,
      userEnabled: true,
      remoteCallControl: true,
    });
    expect(imported.props).toMatchObject({ previousOptionFlags: null, previousLine: null });
    // Imported: nothing known of before, so delete turns RCC off (enhanced presence stays).
    await RccSettings.runtime.delete("rcc-frank", imported.props!);
    const off = await get(dn);
    expect(off?.["msRTCSIP-OptionFlags"]).toBe("256");
    expect(off?.["msRTCSIP-Line"]).toBeUndefined();

    const base = { sipDomain: "lab.example.com", pool: d.pool, e164: "+14085551008", cupFqdn: "cup.lab.example.com", connection };
    const noUser = await failure(RccSettings.runtime.create(checked(RccSettings, { ...base, sAMAccountName: "nobody-here" })));
    expect(noUser.code).toBe("InvalidRequest");
    expect(noUser.message).toMatch(/does not exist/);
    const noPool = await failure(RccSettings.runtime.create(checked(RccSettings, { ...base, sAMAccountName: "rcc-frank", pool: "nopool" })));
    expect(noPool.code).toBe("InvalidRequest");
    expect(noPool.message).toMatch(/pool nopool/);

    const inputs = checked(RccSettings, { ...base, sAMAccountName: "rcc-frank" });
    expect(RccSettings.runtime.diff("rcc-frank", inputs, { ...inputs, sAMAccountName: "rcc-george" })).toEqual({
      changes: true,
      replaces: ["sAMAccountName"],
      deleteBeforeReplace: false,
    });
    const bad = RccSettings.runtime.check({}, { ...base, sAMAccountName: "rcc-frank", e164: "4085551008", pool: "pool_with_underscore" });
    expect(bad.failures.map((f) => f.property).sort()).toEqual(["e164", "pool"]);
  });

  it.skipIf(!enabled)("connections: StartTLS, a pinned certificate, plain LDAP only when allowed, a wrong password", async () => {
    await addUser("rcc-henry");
    const startTls: AdConnection = { ...connection, url: d.url, startTls: true };
    expect((await User.runtime.read("rcc-henry", { connection: startTls })).props).toMatchObject({ sAMAccountName: "rcc-henry" });

    const pinned: AdConnection = { ...connection, tls: { fingerprint256: sha256Fingerprint(d.certPem), insecureSkipVerify: false } };
    expect((await User.runtime.read("rcc-henry", { connection: pinned })).props).toMatchObject({ sAMAccountName: "rcc-henry" });
    const wrongPin: AdConnection = { ...connection, tls: { fingerprint256: `AB:${"CD:".repeat(30)}EF`, insecureSkipVerify: false } };
    const pinErr = await failure(User.runtime.read("rcc-henry", { connection: wrongPin }));
    expect(pinErr.code).toBe("Tls");
    expect(pinErr.message).toMatch(/pinned SHA-256 fingerprint/);
    const untrusted: AdConnection = { ...connection, tls: { insecureSkipVerify: false } };
    expect((await failure(User.runtime.read("rcc-henry", { connection: untrusted }))).code).toBe("Tls");

    // Plain ldap:// without startTls is refused before any call, unless allowPlainLdap.
    const plain = { ...connection, url: d.url, startTls: false, allowPlainLdap: false };
    const refused = User.runtime.check({}, { sAMAccountName: "rcc-henry", connection: plain });
    expect(refused.failures).toEqual([{ property: "connection.url", reason: expect.stringMatching(/startTls/) }]);
    expect(() => new AdClient(plain, quiet)).toThrow(/plain LDAP refused/);
    const allowed = { ...plain, allowPlainLdap: true };
    expect((await User.runtime.read("rcc-henry", { connection: allowed })).props).toMatchObject({ sAMAccountName: "rcc-henry" });
    // …but AD takes passwords only over TLS: said before anything is sent.
    const pwErr = await failure(User.runtime.create(checked(User, { sAMAccountName: "rcc-ivy", password: "Ivy-Passw0rd!", connection: allowed })));
    expect(pwErr.code).toBe("InvalidRequest");
    expect(pwErr.message).toMatch(/encrypted connection/);
    expect(pwErr.message).not.toContain("Ivy-Passw0rd!");
    expect(await userDn("rcc-ivy")).toBeUndefined();

    // A wrong bind password: Unauthorized, not retried, and the password is nowhere in the message.
    const wrong = "Wr0ng-Secret-Value!";
    const authErr = await failure(User.runtime.read("rcc-henry", { connection: { ...connection, password: wrong } }));
    expect(authErr.code).toBe("Unauthorized");
    expect(authErr.message).toMatch(/invalidCredentials \(49\)/);
    expect(authErr.message).not.toContain(wrong);
    expect(JSON.stringify(authErr)).not.toContain(wrong);
  });

  it.skipIf(!enabled)("the directory's own rules come back as typed errors", async () => {
    // AD's password policy.
    const weak = await failure(User.runtime.create(checked(User, { sAMAccountName: "rcc-weak", password: "short", connection })));
    expect(weak.code).toBe("InvalidRequest");
    expect(weak.message).not.toContain('"short"');
    expect(await userDn("rcc-weak")).toBeUndefined();
    // Two users cannot share a cn in one container.
    await User.runtime.create(checked(User, { sAMAccountName: "rcc-jo1", cn: "Jo", password: "J0-Passw0rd!", connection }));
    const clash = await failure(User.runtime.create(checked(User, { sAMAccountName: "rcc-jo2", cn: "Jo", password: "J0-Passw0rd!", connection })));
    expect(clash.code).toBe("AlreadyExists");
    // A syntax the schema refuses (integer), written behind rcclab's back.
    const frankDn = (await userDn("rcc-jo1"))!;
    await expect(replace(frankDn, "msRTCSIP-OptionFlags", ["sixteen"])).rejects.toMatchObject({ code: 21 });
    await expect(replace(frankDn, "msRTCSIP-UserEnabled", ["yes"])).rejects.toMatchObject({ code: 21 });
    await expect(replace(frankDn, "msRTCSIP-PrimaryHomeServer", [`CN=nope,${BASE}`])).rejects.toMatchObject({ code: 19 });
  });
});
