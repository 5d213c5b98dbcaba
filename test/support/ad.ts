/** The AD connection the AD tests use: the directory's LDAPS endpoint, its CA, short retries. */
import { adConnectionSchema, type AdConnection } from "../../providers/ad/client";

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
