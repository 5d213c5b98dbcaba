/**
 * What the AD tests share: their connection to a directory (LDAPS, its CA, short retries), the
 * embedded one, the two directories they run against (embedded, and Samba where installed), and users
 * made by hand as an AD admin would.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Attribute, Client } from "ldapts";
import { adConnectionSchema, type AdConnection } from "../../providers/ad/client";
import { childDn } from "../../providers/ad/dn";
import { ensureLabCa } from "../../src/labsim/ca";
import { type DirectorySeed, type DirectorySim, startDirectorySim } from "../../src/labsim/directory";
import { sambaRequired, startSamba } from "./samba";

export interface TestDirectory {
  ldapsUrl: string;
  bindDn: string;
  password: string;
  usersDn: string;
  caPem: string;
}

export function testAdConnection(d: TestDirectory, extra: Record<string, unknown> = {}): AdConnection {
  return adConnectionSchema.parse({
    url: d.ldapsUrl,
    bindDn: d.bindDn,
    password: d.password,
    usersDn: d.usersDn,
    tls: { caPem: d.caPem },
    timeoutMs: 10_000,
    retries: 2,
    minRetryDelayMs: 5,
    maxRetryDelayMs: 40,
    ...extra,
  });
}

const SIM_BASE = "DC=lab,DC=example,DC=com";
const SIM_PASSWORD = "Emb3dded-Adm1n!";

/**
 * The embedded directory simulator for the AD tests: a throwaway folder and lab CA, the lab's domain,
 * the given seed. `stop` also removes the folder.
 */
export async function startTestDirectory(prefix: string, seed: DirectorySeed): Promise<TestDirectory & { sim: DirectorySim; stop(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const sim = await startDirectorySim({
    port: 0,
    ldapsPort: 0,
    ca: ensureLabCa(path.join(dir, "ca")),
    baseDn: SIM_BASE,
    bindDn: `CN=Administrator,CN=Users,${SIM_BASE}`,
    password: SIM_PASSWORD,
    stateFile: path.join(dir, "directory.json"),
    seed,
  });
  return {
    sim,
    ldapsUrl: sim.ldapsUrl!,
    bindDn: sim.bindDn,
    password: SIM_PASSWORD,
    usersDn: sim.usersDn,
    caPem: sim.caPem,
    stop: async () => {
      await sim.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A directory a test file started (embedded or Samba), and how to stop it. */
export interface DirectoryUnderTest extends TestDirectory {
  stop(): Promise<void>;
}

/**
 * The rows for describe.each(…)("… against %s", (name, start, enabled) => …): the embedded directory
 * (always) and a real AD DC (Samba: enabled where installed, and always under CI).
 */
export function directoryBackends<D extends DirectoryUnderTest>(embedded: () => Promise<D>, samba: () => Promise<D>): [string, () => Promise<D>, boolean][] {
  return [
    ["the embedded directory", embedded, true],
    ["Samba (a real AD DC)", samba, sambaRequired()],
  ];
}

/** directoryBackends for a test that needs only a directory holding these OCS pools (in the Configuration partition). */
export function directoriesWithPools(prefix: string, pools: string[]): [string, () => Promise<DirectoryUnderTest>, boolean][] {
  return directoryBackends(
    async () => {
      const { sim: _sim, ...d } = await startTestDirectory(prefix, { pools });
      return d;
    },
    async () => {
      const dc = await startSamba({ pools, poolsIn: "configuration" });
      return { ldapsUrl: dc.ldapsUrl, bindDn: dc.bindDn, password: dc.password, usersDn: dc.usersDn, caPem: dc.caPem, stop: dc.stop };
    },
  );
}

/** An LDAP client over LDAPS (trusting the directory's CA) bound as its administrator: the tests' own hand on the directory. */
export async function bindAdmin(d: TestDirectory): Promise<Client> {
  const admin = new Client({ url: d.ldapsUrl, tlsOptions: { ca: d.caPem } });
  try {
    await admin.bind(d.bindDn, d.password);
  } catch (e) {
    await admin.unbind().catch(() => {});
    throw e;
  }
  return admin;
}

/**
 * A user made by hand (not by rcclab) under `parentDn`: CN=<sam>, its object classes and
 * sAMAccountName; with `password`, that password and an enabled account (userAccountControl 512);
 * then the `extra` attributes. Its DN.
 */
export async function addUserByHand(
  admin: Client,
  parentDn: string,
  sam: string,
  { password, extra = {} }: { password?: string; extra?: Record<string, string> } = {},
): Promise<string> {
  const dn = childDn("CN", sam, parentDn);
  await admin.add(dn, [
    new Attribute({ type: "objectClass", values: ["top", "person", "organizationalPerson", "user"] }),
    new Attribute({ type: "sAMAccountName", values: [sam] }),
    ...(password === undefined
      ? []
      : [
          new Attribute({ type: "unicodePwd", values: [Buffer.from(`"${password}"`, "utf16le")] }),
          new Attribute({ type: "userAccountControl", values: ["512"] }),
        ]),
    ...Object.entries(extra).map(([type, v]) => new Attribute({ type, values: [v] })),
  ]);
  return dn;
}
