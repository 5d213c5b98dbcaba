/**
 * The embedded lab directory on its own: real LDAP from a real client (ldapts), the AD rules it
 * enforces, persistence across a restart (seeded users survive and are not overwritten), and an
 * rcclab client that reconnects by itself when the directory restarts under it.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { Attribute, BerReader, BindRequest, Change, Client, EqualityFilter, SearchRequest } from "ldapts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdClient, adConnectionSchema } from "../providers/ad/client";
import { User } from "../providers/ad/user";
import { directorySchema } from "../src/config";
import { ensureLabCa, type LabCa } from "../src/labsim/ca";
import { startDirectorySim, type DirectorySeed, type DirectorySim } from "../src/labsim/directory";
import * as simDn from "../src/labsim/directory/dn";

const BASE = "DC=lab,DC=example,DC=com";
const ADMIN = `CN=Administrator,CN=Users,${BASE}`;
const PASSWORD = "Emb3dded-Adm1n!";
const quiet = { info: () => {}, warn: () => {} };

const seed: DirectorySeed = {
  pools: ["pool1", "pool2"],
  containers: [`OU=Lab,${BASE}`],
  users: [
    { sAMAccountName: "legacy", givenName: "Lee", sn: "Gacy", password: "Leg4cy-Passw0rd", userPrincipalName: "legacy@lab.example.com" },
    { sAMAccountName: "ou-user", parentDn: `OU=Lab,${BASE}`, attributes: { "msRTCSIP-OptionFlags": "257" } },
  ],
};

const attr = (type: string, ...values: (string | Buffer)[]) => new Attribute({ type, values: values as string[] });
const userAttrs = (sam: string, ...more: Attribute[]) => [attr("objectClass", "top", "person", "organizationalPerson", "user"), attr("sAMAccountName", sam), ...more];
const pwd = (p: string) => Buffer.from(`"${p}"`, "utf16le");
const code = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: { code?: number }) => e.code,
  );

describe("the embedded directory", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-dirsim-"));
  const stateFile = path.join(dir, "state", "directory.json");
  let ca: LabCa;
  let sim: DirectorySim;
  let admin: Client;

  const start = (port = 0, ldapsPort = 0) => startDirectorySim({ port, ldapsPort, ca, baseDn: BASE, bindDn: ADMIN, password: PASSWORD, stateFile, seed });

  beforeAll(async () => {
    ca = ensureLabCa(path.join(dir, "ca"));
    sim = await start();
    admin = new Client({ url: sim.ldapsUrl!, tlsOptions: { ca: sim.caPem } });
    await admin.bind(ADMIN, PASSWORD);
  });
  afterAll(async () => {
    await admin?.unbind().catch(() => {});
    await sim?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("answers anonymous root DSE reads only, and binds with DNs or UPNs", async () => {
    const anon = new Client({ url: sim.url });
    const dse = await anon.search("", { scope: "base", attributes: ["defaultNamingContext", "supportedExtension"] });
    expect(dse.searchEntries[0]).toMatchObject({ defaultNamingContext: BASE, supportedExtension: expect.arrayContaining(["1.3.6.1.4.1.1466.20037"]) });
    expect(await code(anon.search(BASE, { scope: "base" }))).toBe(1); // operationsError: bind first, as AD
    await anon.startTLS({ ca: sim.caPem, host: "127.0.0.1" });
    expect(await code(anon.startTLS({ ca: sim.caPem }))).not.toBe("ok"); // already TLS
    await anon.unbind();

    const legacy = new Client({ url: sim.ldapsUrl!, tlsOptions: { ca: sim.caPem } });
    await legacy.bind("legacy@lab.example.com", "Leg4cy-Passw0rd");
    expect(await code(legacy.bind(`CN=legacy,CN=Users,${BASE}`, "wrong"))).toBe(49);
    await legacy.bind(`cn=LEGACY,cn=users,${BASE.toLowerCase()}`, "Leg4cy-Passw0rd");
    // An ordinary account reads, but only the administrator writes.
    expect((await legacy.search(BASE, { scope: "base", attributes: ["dc"] })).searchEntries[0]).toMatchObject({ dc: "lab" });
    expect(await code(legacy.modify(`CN=legacy,CN=Users,${BASE}`, new Change({ operation: "replace", modification: attr("sn", "Mine") })))).toBe(50);
    await legacy.unbind();
  });

  it("enforces AD's rules: classes, syntaxes, single values, unique names, passwords over TLS only, leaves", async () => {
    const users = `CN=Users,${BASE}`;
    // msRTCSIP attributes belong to users (and contacts), not containers.
    expect(await code(admin.add(`CN=box,${users}`, [attr("objectClass", "container"), attr("msRTCSIP-Line", "tel:+1")]))).toBe(65);
    expect(await code(admin.add(`CN=nope,${users}`, [attr("objectClass", "top"), attr("cn", "nope")]))).toBe(65);
    expect(await code(admin.add(`CN=x,${users}`, [...userAttrs("x1"), attr("favouriteColour", "blue")]))).toBe(17);
    expect(await code(admin.add(`OU=wrong-rdn,${users}`, userAttrs("x2")))).toBe(64);
    expect(await code(admin.add(`CN=orphan,CN=Nowhere,${BASE}`, userAttrs("x3")))).toBe(32);
    expect(await code(admin.add(`CN=dup,${users}`, userAttrs("LEGACY")))).toBe(68); // sAMAccountName is unique, any case
    expect(await code(admin.add(`CN=bad,${users}`, userAttrs("a*b")))).toBe(19);
    expect(await code(admin.add(`CN=upn,${users}`, [...userAttrs("x4"), attr("userPrincipalName", "legacy@lab.example.com")]))).toBe(19);
    // Enabled without a password: refused; with a weak one: refused.
    expect(await code(admin.add(`CN=nopw,${users}`, [...userAttrs("x5"), attr("userAccountControl", "512")]))).toBe(53);
    expect(await code(admin.add(`CN=weak,${users}`, [...userAttrs("x6"), attr("unicodePwd", pwd("abc")), attr("userAccountControl", "512")]))).toBe(19);

    const dn = `CN=Kim,${users}`;
    await admin.add(dn, [...userAttrs("kim"), attr("unicodePwd", pwd("K1m-Passw0rd")), attr("userAccountControl", "512")]);
    const replace = (type: string, ...values: string[]) => admin.modify(dn, new Change({ operation: "replace", modification: attr(type, ...values) }));
    expect(await code(replace("msRTCSIP-OptionFlags", "16", "256"))).toBe(19); // single-valued
    expect(await code(replace("msRTCSIP-OptionFlags", "9999999999"))).toBe(21); // not a 32-bit integer
    expect(await code(replace("msRTCSIP-UserEnabled", "true"))).toBe(21); // TRUE / FALSE only
    expect(await code(replace("msRTCSIP-PrimaryHomeServer", "not a dn"))).toBe(21);
    expect(await code(replace("objectGUID", "x"))).toBe(19); // the directory's own
    expect(await code(replace("cn", "Kimberly"))).toBe(67); // the RDN: rename instead
    expect(await code(admin.modify(dn, new Change({ operation: "delete", modification: attr("givenName") })))).toBe(16);
    await admin.modify(dn, new Change({ operation: "add", modification: attr("telephoneNumber", "+14085551234") }));
    expect(await code(admin.modify(dn, new Change({ operation: "add", modification: attr("telephoneNumber", "+14085551234") })))).toBe(20);
    expect(await code(admin.modify(dn, new Change({ operation: "add", modification: attr("telephoneNumber", "+14085559876") })))).toBe(19);
    // A failed modify changes nothing (all or nothing).
    expect(
      await code(
        admin.modify(dn, [
          new Change({ operation: "replace", modification: attr("description", "half done") }),
          new Change({ operation: "replace", modification: attr("msRTCSIP-OptionFlags", "sixteen") }),
        ]),
      ),
    ).toBe(21);
    expect((await admin.search(dn, { scope: "base", attributes: ["description"] })).searchEntries[0]?.description).toEqual([]); // ldapts: asked for, absent

    // Passwords travel only over TLS: a plain session cannot set one.
    const plain = new Client({ url: sim.url });
    await plain.bind(ADMIN, PASSWORD);
    expect(await code(plain.modify(dn, new Change({ operation: "replace", modification: attr("unicodePwd", pwd("N3w-Passw0rd!")) })))).toBe(53);
    await plain.unbind();
    await admin.modify(dn, new Change({ operation: "replace", modification: attr("unicodePwd", pwd("N3w-Passw0rd!")) }));
    const kim = new Client({ url: sim.ldapsUrl!, tlsOptions: { ca: sim.caPem } });
    await kim.bind(dn, "N3w-Passw0rd!");
    await kim.unbind();

    // Rename keeps references pointing at it; only leaves can be deleted.
    expect(await code(admin.del(`OU=Lab,${BASE}`))).toBe(66);
    await admin.modifyDN(dn, "CN=Kim Lee");
    expect((await admin.search(`CN=Kim Lee,${users}`, { scope: "base", attributes: ["cn", "name", "sAMAccountName"] })).searchEntries[0]).toMatchObject({
      cn: "Kim Lee",
      name: "Kim Lee",
      sAMAccountName: "kim",
    });
    expect(await admin.compare(`CN=Kim Lee,${users}`, "sAMAccountName", "KIM")).toBe(true);
    await admin.del(`CN=Kim Lee,${users}`);
    expect(await code(admin.del(`CN=Kim Lee,${users}`))).toBe(32);
  });

  it("searches with AD's matching: bitwise rules, objectCategory, substrings, size limits", async () => {
    const search = async (filter: string, opts: { sizeLimit?: number } = {}) =>
      (await admin.search(BASE, { scope: "sub", filter, attributes: ["sAMAccountName"], ...opts })).searchEntries.map((e) => e.sAMAccountName).sort();
    expect(await search("(msRTCSIP-OptionFlags:1.2.840.113556.1.4.803:=256)")).toEqual(["ou-user"]);
    expect(await search("(msRTCSIP-OptionFlags:1.2.840.113556.1.4.803:=272)")).toEqual([]);
    expect(await search("(msRTCSIP-OptionFlags:1.2.840.113556.1.4.804:=17)")).toEqual(["ou-user"]);
    expect(await search("(&(objectCategory=person)(objectClass=user)(sAMAccountName=leg*))")).toEqual(["legacy"]);
    expect(await search("(&(objectClass=user)(!(userAccountControl:1.2.840.113556.1.4.803:=2))(givenName=L*e))")).toEqual(["legacy"]);
    expect(await search("(|(sn=gacy)(sAMAccountName=OU-USER))")).toEqual(["legacy", "ou-user"]);
    expect(await search("(unknownAttribute=x)")).toEqual([]);
    expect(await search("(!(unknownAttribute=x))")).toEqual([]); // Undefined stays Undefined
    // sizeLimitExceeded: ldapts hands back the entries that came (and no error, as the limit was asked for).
    const limited = await admin.search(BASE, { scope: "sub", filter: "(objectClass=container)", sizeLimit: 2 });
    expect(limited.searchEntries).toHaveLength(2);
  });

  it("answers a search in one write, without Nagle's delay: 50 searches take well under 50 × 40 ms", async () => {
    // On a raw socket: the entries and the done message arrive together (written one by one, all
    // but the first waited for the client's delayed ACK: ~40 ms per search).
    const socket = net.connect(sim.port, "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    const chunks: Buffer[] = [];
    const answered = (id: number) =>
      new Promise<number>((resolve) => {
        const check = () => {
          const all = Buffer.concat(chunks);
          const ops: number[] = [];
          for (let at = 0; at < all.length; ) {
            const r = new BerReader(all.subarray(at));
            if (r.readSequence() === null || r.offset + r.length > r.buffer.length) return;
            const end = at + r.offset + r.length;
            if (r.readInt() === id) ops.push(r.peek()!);
            at = end;
          }
          if (ops.at(-1) === 0x61 || ops.at(-1) === 0x65) {
            socket.off("data", onData);
            resolve(ops.length);
          }
        };
        const onData = (c: Buffer) => {
          chunks.push(c);
          check();
        };
        socket.on("data", onData);
      });
    let done = answered(1);
    socket.write(new BindRequest({ messageId: 1, dn: ADMIN, password: PASSWORD }).write());
    await done;
    chunks.length = 0;
    done = answered(2);
    socket.write(new SearchRequest({ messageId: 2, baseDN: BASE, scope: "sub", filter: new EqualityFilter({ attribute: "objectClass", value: "user" }), attributes: ["cn"] }).write());
    expect(await done).toBeGreaterThan(3); // entries + done
    expect(chunks).toHaveLength(1);
    socket.destroy();

    const t0 = performance.now();
    for (let i = 0; i < 50; i++) await admin.search(BASE, { scope: "sub", filter: "(sAMAccountName=legacy)", attributes: ["cn"] });
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it("narrows a search by its scope and by the indexes (sAMAccountName, userPrincipalName, objectClass) with the answers of a full walk", async () => {
    const users = `CN=Users,${BASE}`;
    const lab = `OU=Lab,${BASE}`;
    const dns = async (base: string, scope: "base" | "one" | "sub" | "children", filter: string) =>
      (await admin.search(base, { scope, filter, attributes: ["cn"] })).searchEntries.map((e) => e.dn);
    await admin.add(`CN=Ix One,${users}`, [...userAttrs("ix1"), attr("userPrincipalName", "ix1@lab.example.com")]);
    await admin.add(`CN=Ix Two,${lab}`, userAttrs("ix2"));
    // An indexed equality (alone or in an AND) and a filter no index serves (an OR) answer alike, in the same order.
    for (const base of [BASE, users, lab, `CN=Ix One,${users}`]) {
      for (const scope of ["base", "one", "sub", "children"] as const) {
        const walked = await dns(base, scope, "(|(objectClass=user))");
        expect(await dns(base, scope, "(objectClass=USER)"), `${base} ${scope}`).toEqual(walked);
        expect(await dns(base, scope, "(&(objectClass=user)(cn=*))"), `${base} ${scope}`).toEqual(walked);
        expect(await dns(base, scope, "(sAMAccountName=IX1)")).toEqual(await dns(base, scope, "(|(sAMAccountName=ix1))"));
      }
    }
    expect(await dns(BASE, "sub", "(sAMAccountName=ix2)")).toEqual([`CN=Ix Two,${lab}`]);
    expect(await dns(users, "sub", "(sAMAccountName=ix2)")).toEqual([]);
    expect(await dns(BASE, "sub", "(userPrincipalName=IX1@lab.example.com)")).toEqual([`CN=Ix One,${users}`]);
    // The indexes follow modify, rename / move and delete.
    await admin.modify(`CN=Ix One,${users}`, new Change({ operation: "replace", modification: attr("sAMAccountName", "ix1b") }));
    expect(await dns(BASE, "sub", "(sAMAccountName=ix1)")).toEqual([]);
    expect(await dns(BASE, "sub", "(sAMAccountName=ix1b)")).toEqual([`CN=Ix One,${users}`]);
    expect(await code(admin.add(`CN=Ix Dup,${users}`, userAttrs("IX1B")))).toBe(68);
    expect(await code(admin.add(`CN=Ix Dup,${users}`, [...userAttrs("ix3"), attr("userPrincipalName", "ix1@lab.example.com")]))).toBe(19);
    await admin.modifyDN(`CN=Ix One,${users}`, `CN=Ix One,${lab}`);
    expect(await dns(lab, "one", "(sAMAccountName=ix1b)")).toEqual([`CN=Ix One,${lab}`]);
    expect(await dns(users, "one", "(objectClass=user)")).not.toContain(`CN=Ix One,${users}`);
    expect(await dns(lab, "one", "(objectClass=user)")).toContain(`CN=Ix One,${lab}`);
    expect(await code(admin.del(lab))).toBe(66); // not a leaf: its children are known
    await admin.del(`CN=Ix One,${lab}`);
    await admin.del(`CN=Ix Two,${lab}`);
    expect(await dns(BASE, "sub", "(|(sAMAccountName=ix1b)(sAMAccountName=ix2))")).toEqual([]);
    expect(await dns(BASE, "sub", "(sAMAccountName=ix2)")).toEqual([]);
  });

  it("keeps its state across a restart; seeded users survive and are not overwritten; rcclab reconnects by itself", async () => {
    const connection = adConnectionSchema.parse({
      url: sim.ldapsUrl,
      bindDn: ADMIN,
      password: PASSWORD,
      usersDn: `CN=Users,${BASE}`,
      tls: { caPem: sim.caPem },
      timeoutMs: 5_000,
      retries: 3,
      minRetryDelayMs: 5,
      maxRetryDelayMs: 50,
    });
    const created = await User.runtime.create(User.runtime.check({}, { sAMAccountName: "rcc-pat", givenName: "Pat", password: "P4t-Passw0rd!", connection }).inputs);
    // Someone changes a seeded user: a restart does not put the seed back over it.
    await admin.modify(`CN=legacy,CN=Users,${BASE}`, new Change({ operation: "replace", modification: attr("givenName", "Leonard") }));
    await admin.unbind();
    const { port, ldapsPort } = sim;
    await sim.stop();

    const state = fs.readFileSync(stateFile, "utf8");
    expect(state).toContain("rcc-pat");
    expect(state).not.toContain("P4t-Passw0rd!"); // hashed, never in clear
    expect(state).not.toContain(PASSWORD);

    sim = await start(port, ldapsPort);
    admin = new Client({ url: sim.ldapsUrl!, tlsOptions: { ca: sim.caPem } });
    await admin.bind(ADMIN, PASSWORD);
    expect((await admin.search(`CN=legacy,CN=Users,${BASE}`, { scope: "base", attributes: ["givenName"] })).searchEntries[0]?.givenName).toBe("Leonard");
    expect((await admin.search(`CN=ou-user,OU=Lab,${BASE}`, { scope: "base", attributes: ["msRTCSIP-OptionFlags"] })).searchEntries[0]).toMatchObject({
      "msRTCSIP-OptionFlags": "257",
    });
    // The kind's cached client finds its connection gone and opens a new one.
    const read = await User.runtime.read(created.id, created.outs);
    expect(read.props).toMatchObject({ sAMAccountName: "rcc-pat", givenName: "Pat", owned: true });
    const pat = new Client({ url: sim.ldapsUrl!, tlsOptions: { ca: sim.caPem } });
    await pat.bind(created.outs.dn as string, "P4t-Passw0rd!");
    await pat.unbind();
    await User.runtime.delete(created.id, created.outs);
  });

  it("takes the program's directory config block as a connection", async () => {
    const block = directorySchema.parse({
      url: sim.ldapsUrl,
      bindDn: ADMIN,
      password: PASSWORD,
      usersDn: `CN=Users,${BASE}`,
      tls: { caPem: sim.caPem },
      initialPassword: "Initi4l-Passw0rd",
    });
    // The block's connection fields are the connection; users / initialPassword are the program's.
    const { users: _users, initialPassword: _initial, ...fields } = block as typeof block & { users?: unknown; initialPassword?: unknown };
    const connection = adConnectionSchema.parse(fields);
    expect(connection).toMatchObject({ startTls: false, allowPlainLdap: false, timeoutMs: 30_000, retries: 4 });
    const client = new AdClient(connection, quiet);
    expect(client.domainDn).toBe(BASE);
    expect((await client.findUser("legacy", ["givenName"]))?.dn).toBe(`CN=legacy,CN=Users,${BASE}`);
    await client.close();
    expect(adConnectionSchema.safeParse({ ...fields, usersDn: "CN=Users" }).success).toBe(false);
    expect(adConnectionSchema.safeParse({ ...fields, initialPassword: "x" }).success).toBe(false); // strict: no secret rides along unnoticed
  });
});

describe("the embedded directory's own DN reading (independent of the rcclab client's)", () => {
  it("reads RFC 4514 names leniently, as AD does, and compares them as AD does", () => {
    expect(simDn.parseDn("")).toEqual([]);
    expect(simDn.parseDn(" CN = a\\,b\\3Dc ; OU=x+CN=y , DC=lab")).toEqual([
      [{ type: "CN", value: "a,b=c" }],
      [
        { type: "OU", value: "x" },
        { type: "CN", value: "y" },
      ],
      [{ type: "DC", value: "lab" }],
    ]);
    expect(simDn.parseDn("CN=Jos\\C3\\A9\\ ,DC=x")[0]![0]!.value).toBe("José ");
    expect(simDn.parseDn("CN=\\#lead,DC=x")[0]![0]!.value).toBe("#lead");
    expect(simDn.parseDn("CN=#04024869,DC=x")[0]![0]!.value).toBe("#04024869");
    for (const bad of ["CN", "CN=a,", "=a", "CN=a\\", 'CN=a"b', "CN=#123", "C N=a", "CN=a,,DC=x"]) {
      expect(() => simDn.parseDn(bad), bad).toThrow(simDn.DnSyntaxError);
    }
    expect(simDn.normalizeDn("OU=X+CN=Y,DC=Lab")).toBe(simDn.normalizeDn("cn=y+ou=x, dc=LAB"));
    expect(simDn.normalizeDn("CN=a\\2Cb,DC=x")).toBe("cn=a\\,b,dc=x");
    expect(simDn.childDn("CN", " a,b ", "DC=x")).toBe("CN=\\ a\\,b\\ ,DC=x");
    expect(simDn.parseDn(simDn.childDn("CN", ' #a"+<>;=\\ ', "DC=x"))[0]![0]!.value).toBe(' #a"+<>;=\\ ');
    expect(simDn.dnsNameOf("DC=lab,DC=example,DC=com")).toBe("lab.example.com");
  });
});

describe("the embedded directory's partitions and the OCS pools", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-dirsim-nc-"));
  let ca: LabCa;
  const sims: DirectorySim[] = [];
  const clients: Client[] = [];
  const start = async (name: string, extra: Partial<Parameters<typeof startDirectorySim>[0]>, s: DirectorySeed) => {
    const sim = await startDirectorySim({ port: 0, ldapsPort: 0, ca, baseDn: BASE, bindDn: ADMIN, password: PASSWORD, stateFile: path.join(dir, name, "directory.json"), seed: s, ...extra });
    sims.push(sim);
    const c = new Client({ url: sim.ldapsUrl!, tlsOptions: { ca: sim.caPem } });
    await c.bind(extra.bindDn ?? ADMIN, PASSWORD);
    clients.push(c);
    return { sim, c };
  };
  const sams = async (c: Client, base: string, filter: string) => {
    const r = await c.search(base, { scope: "sub", filter, attributes: ["cn"] });
    return { dns: r.searchEntries.map((e) => e.dn), references: r.searchReferences };
  };

  beforeAll(() => {
    ca = ensureLabCa(path.join(dir, "ca"));
  });
  afterAll(async () => {
    for (const c of clients) await c.unbind().catch(() => {});
    for (const s of sims) await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("holds its domain and the Configuration partition; a search stays in its partition and refers to the other", async () => {
    const { sim, c } = await start("config", {}, { pools: ["pool1"], poolsIn: "configuration" });
    const config = `CN=Configuration,${BASE}`;
    expect(sim.configurationDn).toBe(config);
    const dse = (await c.search("", { scope: "base", attributes: ["namingContexts", "configurationNamingContext", "rootDomainNamingContext", "defaultNamingContext"] })).searchEntries[0]!;
    expect(dse).toMatchObject({ configurationNamingContext: config, rootDomainNamingContext: BASE, defaultNamingContext: BASE });
    expect(dse.namingContexts).toEqual(expect.arrayContaining([BASE, config]));

    const lc = `CN=LC Services,CN=Microsoft,CN=pool1,CN=Pools,CN=RTC Service,CN=Services,${config}`;
    // From the domain: no entry of the Configuration partition, and a continuation reference to it.
    const fromDomain = await sams(c, BASE, "(objectClass=*)");
    expect(fromDomain.dns.some((dn) => /Configuration/i.test(dn))).toBe(false);
    expect(fromDomain.references).toEqual([`ldap://lab.example.com/${config}`]);
    // In the Configuration partition: the pool's objects, with OCS's classes.
    expect((await sams(c, config, "(objectClass=msRTCSIP-PoolService)")).dns).toEqual([lc]);
    const classes = async (dn: string) => (await c.search(dn, { scope: "base", attributes: ["objectClass"] })).searchEntries[0]!.objectClass;
    expect(await classes(lc)).toEqual(["top", "msRTCSIP-PoolService"]);
    expect(await classes(`CN=pool1,CN=Pools,CN=RTC Service,CN=Services,${config}`)).toEqual(["top", "msRTCSIP-Pool"]);
    expect(await classes(`CN=RTC Service,CN=Services,${config}`)).toEqual(["top", "msRTCSIP-Service"]);
    expect(await classes(config)).toEqual(["top", "configuration"]);
    // Nothing of the pool in the System container.
    expect((await sams(c, `CN=System,${BASE}`, "(cn=LC Services)")).dns).toEqual([]);

    // A user may reference an object in the other partition; partitions' heads stay; nothing moves across.
    const user = `CN=nc-user,CN=Users,${BASE}`;
    await c.add(user, [...userAttrs("nc-user"), attr("msRTCSIP-PrimaryHomeServer", lc)]);
    expect(await code(c.del(config))).toBe(53);
    expect(await code(c.modifyDN(user, `CN=nc-user,CN=Services,${config}`))).toBe(53);
    expect(await code(c.add(`CN=elsewhere,DC=other,DC=com`, [attr("objectClass", "container")]))).toBe(32);
  });

  it("keeps the pools in the System container, or under any RTC Service object it is told", async () => {
    const system = (await start("system", {}, { pools: ["pool1"], poolsIn: "system" })).c;
    expect((await sams(system, BASE, "(objectClass=msRTCSIP-PoolService)")).dns).toEqual([
      `CN=LC Services,CN=Microsoft,CN=pool1,CN=Pools,CN=RTC Service,CN=Microsoft,CN=System,${BASE}`,
    ]);
    const rtc = `CN=RTC Service,OU=OCS,OU=Lab,${BASE}`;
    const custom = (await start("custom", {}, { pools: ["pool9"], poolsIn: { rtcServiceDn: rtc } })).c;
    expect((await sams(custom, BASE, "(objectClass=msRTCSIP-PoolService)")).dns).toEqual([`CN=LC Services,CN=Microsoft,CN=pool9,CN=Pools,${rtc}`]);
  });

  it("can be a child domain's controller: the Configuration partition is the forest root's", async () => {
    const root = "DC=example,DC=com";
    const { sim, c } = await start("child", { forestRootDn: root }, { pools: ["pool1"], poolsIn: "configuration" });
    const config = `CN=Configuration,${root}`;
    expect(sim.configurationDn).toBe(config);
    const dse = (await c.search("", { scope: "base", attributes: ["configurationNamingContext", "rootDomainNamingContext", "defaultNamingContext"] })).searchEntries[0]!;
    expect(dse).toMatchObject({ configurationNamingContext: config, rootDomainNamingContext: root, defaultNamingContext: BASE });
    expect((await sams(c, config, "(cn=LC Services)")).dns).toEqual([`CN=LC Services,CN=Microsoft,CN=pool1,CN=Pools,CN=RTC Service,CN=Services,${config}`]);
    // The forest root domain itself is not held here.
    expect(await code(c.search(`CN=System,${root}`, { scope: "base" }))).toBe(32);
    // …so its System container cannot hold the lab's pools.
    await expect(start("child-system", { forestRootDn: root }, { pools: ["pool1"], poolsIn: "system" })).rejects.toThrow(/none of this directory's naming contexts/);
  });
});
