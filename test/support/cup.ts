/**
 * The CUP tests' connection to the CUP simulator: AXL over HTTPS as user "axl" (the lab CA, release
 * 7.0, short retries), and the platform CLI over SSH as "admin" with the simulator's host key pinned.
 */
import type { CupConnection } from "../../providers/cup/client";
import type { CupSim } from "../../src/labsim/cup";

/** A connection to the simulator's AXL with the tests' defaults (AXL password "Axl-Pa55", no CLI); `extra` overrides or adds. */
export function cupSimConnection(sim: CupSim, extra: Partial<CupConnection> = {}): CupConnection {
  return {
    host: "127.0.0.1",
    port: sim.port,
    username: "axl",
    password: "Axl-Pa55",
    release: "7.0",
    tls: { caPem: sim.caPem, insecureSkipVerify: false },
    timeoutMs: 5_000,
    retries: 2,
    minRetryDelayMs: 5,
    maxRetryDelayMs: 20,
    ...extra,
  };
}

/** The connection's `cli` for a simulator started with cliUsers { admin: password } (its SSH port on). */
export function cupSimCli(sim: CupSim, password: string): NonNullable<CupConnection["cli"]> {
  return { port: sim.sshPort!, username: "admin", password, hostKeySha256: sim.hostKeyFingerprint!, timeoutMs: 15_000, progressEveryMs: 60_000 };
}
