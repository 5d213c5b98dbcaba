/**
 * A3: the OCS pools where OCS 2007 R2 keeps them. The RccSettings kind finds a pool's LC Services
 * object in the Configuration partition (R2's default), else in the System container of the forest
 * root domain, or only where the connection's rtcServiceDn says; the naming contexts come from the
 * root DSE. The same tests run against a real AD DC (Samba) and the embedded directory; a child
 * domain (the forest root elsewhere) only against the embedded directory.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Attribute, Change, Client } from "ldapts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adConnectionSchema, type AdConnection } from "../providers/ad/client";
import { dnEquals } from "../providers/ad/dn";
import { lcServicesDn, rtcServiceInConfiguration, rtcServiceInSystem } from "../providers/ad/ocsSchema";
import { RccSettings } from "../providers/ad/rccSettings";
import { ensureLabCa } from "../src/labsim/ca";
import { startDirectorySim } from "../src/labsim/directory";
import { addUserByHand, bindAdmin, directoriesWithPools, testAdConnection, type DirectoryUnderTest } from "./support/ad";
import { checked as checkedKind, failure } from "./support/kinds";
import { addOcsPool } from "./support/samba";

const BASE = "DC=lab,DC=example,DC=com";
const CONFIG_RTC = rtcServiceInConfiguration(`CN=Configuration,${BASE}`);
const SYSTEM_RTC = rtcServiceInSystem(BASE);
const CUSTOM_RTC = `CN=RTC Service,OU=OCS,${BASE}`;

const checked = (news: Record<string, unknown>): Record<string, unknown> => checkedKind(RccSettings, news);

/** cfgpool and both in the Configuration partition; syspool and both in the System container; custompool under OU=OCS. */
async function layPools(admin: Client): Promise<void> {
  await addOcsPool(admin, "syspool", "system");
  await addOcsPool(admin, "both", "system");
  await admin.add(`OU=OCS,${BASE}`, [new Attribute({ type: "objectClass", values: ["top", "organizationalUnit"] })]);
  await addOcsPool(admin, "custompool", { rtcServiceDn: CUSTOM_RTC });
}

const backends = directoriesWithPools("rcclab-adpools-", ["cfgpool", "both"]);

describe.each(backends)("OCS pools against %s", (_name, start, enabled) => {
  let d: DirectoryUnderTest;
  let connection: AdConnection;
  let admin: Client;

  const homeServer = async (dn: string) =>
    (await admin.search(dn, { scope: "base", attributes: ["msRTCSIP-PrimaryHomeServer"] })).searchEntries[0]?.["msRTCSIP-PrimaryHomeServer"];
  const addUser = (sam: string) => addUserByHand(admin, d.usersDn, sam);
  const settings = (sam: string, pool: string, conn: AdConnection = connection) =>
    checked({ sAMAccountName: sam, sipDomain: "lab.example.com", pool, e164: "+14085552000", cupFqdn: "cup.lab.example.com", connection: conn });

  beforeAll(async () => {
    if (!enabled) return;
    d = await start();
    connection = testAdConnection(d);
    admin = await bindAdmin(d);
    await layPools(admin);
  });
  afterAll(async () => {
    await admin?.unbind().catch(() => {});
    await d?.stop();
  });

  it.skipIf(!enabled)("finds a pool in the Configuration partition first, then in the System container", async () => {
    for (const [sam, pool, rtc] of [
      ["pools-cfg", "cfgpool", CONFIG_RTC],
      ["pools-sys", "syspool", SYSTEM_RTC],
      ["pools-both", "both", CONFIG_RTC], // in both places: the Configuration partition wins
    ] as const) {
      const dn = await addUser(sam);
      const inputs = settings(sam, pool);
      const created = await RccSettings.runtime.create(inputs);
      expect(dnEquals(String(await homeServer(dn)), lcServicesDn(pool, rtc)), `${pool}: ${await homeServer(dn)}`).toBe(true);
      const read = await RccSettings.runtime.read(created.id, created.outs);
      expect(read.props).toMatchObject({ pool });
      expect(RccSettings.runtime.changedFields(read.props!, inputs)).toEqual([]);
      // Import by natural key names the pool too.
      expect((await RccSettings.runtime.read(sam, { connection })).inputs).toMatchObject({ pool });
    }
  });

  it.skipIf(!enabled)("a pool in neither place: an error naming both places and directory.rtcServiceDn, nothing written", async () => {
    const dn = await addUser("pools-none");
    const err = await failure(RccSettings.runtime.create(settings("pools-none", "custompool")));
    expect(err.code).toBe("InvalidRequest");
    expect(err.message).toContain(lcServicesDn("custompool", CONFIG_RTC));
    expect(err.message).toContain(lcServicesDn("custompool", SYSTEM_RTC));
    expect(err.message).toMatch(/Configuration partition/);
    expect(err.message).toMatch(/System container of the forest root domain/);
    expect(err.message).toMatch(/directory\.rtcServiceDn/);
    expect(await homeServer(dn)).toEqual([]); // ldapts: asked for, absent
  });

  it.skipIf(!enabled)("rtcServiceDn: the pools are looked for there, and only there", async () => {
    const custom: AdConnection = { ...connection, rtcServiceDn: CUSTOM_RTC };
    const dn = await addUser("pools-custom");
    const inputs = settings("pools-custom", "custompool", custom);
    const created = await RccSettings.runtime.create(inputs);
    expect(dnEquals(String(await homeServer(dn)), lcServicesDn("custompool", CUSTOM_RTC))).toBe(true);
    const read = await RccSettings.runtime.read(created.id, created.outs);
    expect(RccSettings.runtime.changedFields(read.props!, inputs)).toEqual([]);

    // A pool kept elsewhere is not found through this setting.
    const elsewhere = await failure(RccSettings.runtime.update(created.id, created.outs, { ...inputs, pool: "cfgpool" }));
    expect(elsewhere.code).toBe("InvalidRequest");
    expect(elsewhere.message).toContain(`under ${CUSTOM_RTC} (directory.rtcServiceDn)`);
    expect(dnEquals(String(await homeServer(dn)), lcServicesDn("custompool", CUSTOM_RTC))).toBe(true);
    // A setting that names nothing says so.
    const nowhere = { ...connection, rtcServiceDn: `CN=RTC Service,OU=Nowhere,${BASE}` };
    const missing = await failure(RccSettings.runtime.create(settings("pools-custom", "custompool", nowhere)));
    expect(missing.message).toMatch(/directory\.rtcServiceDn, CN=RTC Service,OU=Nowhere,.* does not exist/);

    // Checked before anything is sent: a DN of OCS's RTC Service object.
    for (const bad of ["not a dn", `CN=Pools,${CUSTOM_RTC}`, "CN=RTC Service,CN=Services,CN=Configuration"]) {
      const r = RccSettings.runtime.check({}, { ...inputs, connection: { ...custom, rtcServiceDn: bad } });
      expect(r.failures, bad).toEqual([{ property: "connection.rtcServiceDn", reason: expect.stringMatching(/RTC Service object/) }]);
    }
    await RccSettings.runtime.delete(created.id, created.outs);
    expect(await homeServer(dn)).toEqual([]);
  });

  it.skipIf(!enabled)("a home server changed by hand is drift on pool; delete leaves what someone else wrote", async () => {
    const dn = await addUser("pools-drift");
    const inputs = settings("pools-drift", "cfgpool");
    const created = await RccSettings.runtime.create(inputs);
    const set = (value: string) => admin.modify(dn, new Change({ operation: "replace", modification: new Attribute({ type: "msRTCSIP-PrimaryHomeServer", values: [value] }) }));

    // Another pool: read back by its name.
    await set(lcServicesDn("syspool", SYSTEM_RTC));
    let read = await RccSettings.runtime.read(created.id, created.outs);
    expect(read.props).toMatchObject({ pool: "syspool" });
    // A pool's object where OCS does not keep that pool first (both: the Configuration partition): its DN.
    await set(lcServicesDn("both", SYSTEM_RTC));
    read = await RccSettings.runtime.read(created.id, created.outs);
    expect(dnEquals(String(read.props!.pool), lcServicesDn("both", SYSTEM_RTC))).toBe(true);
    expect(RccSettings.runtime.changedFields(read.props!, inputs)).toEqual(["pool"]);

    // Update puts the pool back.
    const updated = await RccSettings.runtime.update(created.id, { ...created.outs, ...read.props }, inputs);
    expect(dnEquals(String(await homeServer(dn)), lcServicesDn("cfgpool", CONFIG_RTC))).toBe(true);
    // Delete removes the home server rcclab wrote…
    await RccSettings.runtime.delete(created.id, updated.outs);
    expect(await homeServer(dn)).toEqual([]);
    // …but not one someone else wrote since.
    const again = await RccSettings.runtime.create(inputs);
    await set(lcServicesDn("syspool", SYSTEM_RTC));
    await RccSettings.runtime.delete(again.id, again.outs);
    expect(dnEquals(String(await homeServer(dn)), lcServicesDn("syspool", SYSTEM_RTC))).toBe(true);
  });
});

describe("OCS pools in a child domain (the embedded directory)", () => {
  // The users' domain is DC=lab,DC=example,DC=com; the forest root, which holds the Configuration
  // partition, is DC=example,DC=com: only the root DSE tells where the pools are.
  const ROOT = "DC=example,DC=com";
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-adpools-child-"));
  let sim: Awaited<ReturnType<typeof startDirectorySim>>;
  let connection: AdConnection;
  let admin: Client;

  beforeAll(async () => {
    const ca = ensureLabCa(path.join(dir, "ca"));
    sim = await startDirectorySim({
      port: 0,
      ldapsPort: 0,
      ca,
      baseDn: BASE,
      forestRootDn: ROOT,
      bindDn: `CN=Administrator,CN=Users,${BASE}`,
      password: "Emb3dded-Adm1n!",
      stateFile: path.join(dir, "directory.json"),
      seed: { pools: ["pool1"], users: [{ sAMAccountName: "child-user" }] },
    });
    connection = adConnectionSchema.parse({
      url: sim.ldapsUrl,
      bindDn: sim.bindDn,
      password: "Emb3dded-Adm1n!",
      usersDn: sim.usersDn,
      tls: { caPem: sim.caPem },
      retries: 0,
    });
    admin = new Client({ url: sim.ldapsUrl!, tlsOptions: { ca: sim.caPem } });
    await admin.bind(sim.bindDn, "Emb3dded-Adm1n!");
  });
  afterAll(async () => {
    await admin?.unbind().catch(() => {});
    await sim?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("finds the pool in the forest's Configuration partition, not the users' domain's", async () => {
    const inputs = checked({ sAMAccountName: "child-user", sipDomain: "lab.example.com", pool: "pool1", e164: "+14085552001", cupFqdn: "cup.lab.example.com", connection });
    const created = await RccSettings.runtime.create(inputs);
    const live = (await admin.search(`CN=child-user,CN=Users,${BASE}`, { scope: "base", attributes: ["msRTCSIP-PrimaryHomeServer"] })).searchEntries[0]!;
    expect(dnEquals(String(live["msRTCSIP-PrimaryHomeServer"]), lcServicesDn("pool1", rtcServiceInConfiguration(`CN=Configuration,${ROOT}`)))).toBe(true);
    expect(RccSettings.runtime.changedFields((await RccSettings.runtime.read(created.id, created.outs)).props!, inputs)).toEqual([]);
    // The System container looked in is the forest root domain's.
    const err = await failure(RccSettings.runtime.update(created.id, created.outs, { ...inputs, pool: "pool2" }));
    expect(err.message).toContain(lcServicesDn("pool2", rtcServiceInSystem(ROOT)));
    expect(err.message).toContain(lcServicesDn("pool2", rtcServiceInConfiguration(`CN=Configuration,${ROOT}`)));
  });
});
