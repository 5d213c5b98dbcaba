/** What the AD tests share: their connection to a directory (LDAPS, its CA, short retries) and the embedded one. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { adConnectionSchema, type AdConnection } from "../../providers/ad/client";
import { ensureLabCa } from "../../src/labsim/ca";
import { type DirectorySeed, type DirectorySim, startDirectorySim } from "../../src/labsim/directory";

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
