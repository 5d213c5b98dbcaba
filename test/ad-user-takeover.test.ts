/**
 * A3: no AD user taken over. A create in `create` mode whose sAMAccountName exists fails with
 * AlreadyExists and names the stack setting that adopts existing users — unless the user there is the very one
 * this create made, found by its retry after an attempt whose answer was lost. Only users the stack
 * created are deleted. Against a real AD DC (Samba) and the embedded directory; lost answers and
 * races are staged by an LDAP proxy between rcclab and the directory (plain LDAP, so the proxy can
 * read the messages; no password travels in these tests).
 */
import * as net from "node:net";
import { Attribute, Client } from "ldapts";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { adConnectionSchema, type AdConnection } from "../providers/ad/client";
import { User } from "../providers/ad/user";
import { checked as checkedKind, failure } from "./support/kinds";
import { addUserByHand, bindAdmin, directoryBackends, startTestDirectory, type DirectoryUnderTest } from "./support/ad";
import { startSamba } from "./support/samba";

const BASE = "DC=lab,DC=example,DC=com";
const OP = { addRequest: 0x68, addResponse: 0x69 } as const;

const checked = (news: Record<string, unknown>): Record<string, unknown> => checkedKind(User, news);

async function logged<T>(fn: () => Promise<T>): Promise<{ result: T; text: string }> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    return { result: await fn(), text: lines.join("") };
  } finally {
    spy.mockRestore();
  }
}

/** The length of the first complete BER element in buf, or undefined while it is incomplete. */
function berLength(buf: Buffer): number | undefined {
  if (buf.length < 2) return undefined;
  let len = buf[1]!;
  let off = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (buf.length < 2 + n) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[2 + i]!;
    off += n;
  }
  return buf.length >= off + len ? off + len : undefined;
}

/** The protocol operation's tag of an LDAPMessage: after its header and the messageID INTEGER. */
function opOf(message: Buffer): number {
  let off = 2 + (message[1]! & 0x80 ? message[1]! & 0x7f : 0);
  off += 2 + message[off + 1]!;
  return message[off]!;
}

/** Splits a byte stream into LDAP messages. */
function messages(onMessage: (m: Buffer) => void): (chunk: Buffer) => void {
  let buf = Buffer.alloc(0);
  return (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (let n = berLength(buf); n !== undefined; n = berLength(buf)) {
      const m = buf.subarray(0, n);
      buf = buf.subarray(n);
      onMessage(m);
    }
  };
}

/**
 * A TCP proxy that reads LDAP messages both ways. onClient runs before a client message is passed
 * on (a test can change the directory meanwhile); onServer may cut both connections instead of
 * passing a server message on (an answer lost on the way). New connections wait for `gate`.
 */
class LdapProxy {
  onClient: (op: number) => Promise<void> | void = () => {};
  onServer: (op: number) => "pass" | "cut" = () => "pass";
  gate: Promise<void> = Promise.resolve();
  port = 0;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly host: string,
    private readonly upstreamPort: number,
  ) {
    this.server = net.createServer((client) => void this.accept(client));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  private async accept(client: net.Socket): Promise<void> {
    this.sockets.add(client);
    client.pause();
    await this.gate;
    const upstream = net.connect(this.upstreamPort, this.host);
    this.sockets.add(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", cut).on("close", cut);
    upstream.on("error", cut).on("close", cut);
    let queue = Promise.resolve();
    client.on(
      "data",
      messages((m) => {
        queue = queue.then(async () => {
          await this.onClient(opOf(m));
          if (!upstream.destroyed) upstream.write(m);
        });
      }),
    );
    upstream.on(
      "data",
      messages((m) => {
        if (this.onServer(opOf(m)) === "cut") cut();
        else if (!client.destroyed) client.write(m);
      }),
    );
    client.resume();
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

interface Directory extends DirectoryUnderTest {
  host: string;
  /** Plain LDAP port (the proxy's upstream). */
  port: number;
}

async function embedded(): Promise<Directory> {
  const d = await startTestDirectory("rcclab-adtakeover-", { containers: [`OU=Elsewhere,${BASE}`] });
  const { sim, ...rest } = d;
  return { ...rest, host: sim.host, port: sim.port };
}

async function samba(): Promise<Directory> {
  const dc = await startSamba();
  const admin = await bindAdmin(dc);
  await admin.add(`OU=Elsewhere,${BASE}`, [new Attribute({ type: "objectClass", values: ["top", "organizationalUnit"] })]);
  await admin.unbind();
  return { ldapsUrl: dc.ldapsUrl, host: dc.host, port: 389, bindDn: dc.bindDn, password: dc.password, usersDn: dc.usersDn, caPem: dc.caPem, stop: dc.stop };
}

const backends = directoryBackends(embedded, samba);

describe.each(backends)("no AD user taken over, against %s", (_name, start, enabled) => {
  let d: Directory;
  let connection: AdConnection;
  let proxied: AdConnection;
  let proxy: LdapProxy;
  let admin: Client;

  const get = async (dn: string) => (await admin.search(dn, { scope: "base", attributes: ["*"] }).catch(() => ({ searchEntries: [] }))).searchEntries[0];
  const count = async (sam: string) => (await admin.search(BASE, { scope: "sub", filter: `(sAMAccountName=${sam})`, attributes: ["dn"] })).searchEntries.length;
  const addUser = (sam: string, extra: Record<string, string> = {}, parent = d.usersDn) => addUserByHand(admin, parent, sam, { extra });

  beforeAll(async () => {
    if (!enabled) return;
    d = await start();
    const common = { bindDn: d.bindDn, password: d.password, usersDn: d.usersDn, timeoutMs: 10_000, retries: 2, minRetryDelayMs: 5, maxRetryDelayMs: 40 };
    connection = adConnectionSchema.parse({ ...common, url: d.ldapsUrl, tls: { caPem: d.caPem } });
    proxy = new LdapProxy(d.host, d.port);
    await proxy.start();
    proxied = adConnectionSchema.parse({ ...common, url: `ldap://127.0.0.1:${proxy.port}`, allowPlainLdap: true });
    admin = await bindAdmin(d);
  });
  afterAll(async () => {
    await admin?.unbind().catch(() => {});
    await proxy?.stop();
    await d?.stop();
  });

  it.skipIf(!enabled)("a create whose name exists fails, naming the setting that adopts existing users, and changes nothing", async () => {
    for (const [sam, parent] of [
      ["tk-olga", undefined],
      ["tk-paul", `OU=Elsewhere,${BASE}`], // anywhere in the domain
    ] as const) {
      const dn = await addUser(sam, { givenName: "Before" }, parent);
      const err = await failure(User.runtime.create(checked({ sAMAccountName: sam, givenName: "After", sn: "New", enabled: false, connection })));
      expect(err.code).toBe("AlreadyExists");
      expect(err.message).toContain(`AD user ${sam} already exists`);
      expect(err.message).toMatch(/this stack did not create it/);
      expect(err.message).toMatch(/directory\.users: adopt/);
      expect(err.message).not.toMatch(/import/);
      const live = await get(dn);
      expect(live).toMatchObject({ givenName: "Before" });
      expect(live?.sn).toBeUndefined();
    }
  });

  it.skipIf(!enabled)("imported or adopted: managed, never owned, so delete leaves the user (adopt: false later changes nothing)", async () => {
    const dn = await addUser("tk-quinn", { givenName: "Quinn" });
    const imported = await User.runtime.read("tk-quinn", { connection });
    expect(imported.props).toMatchObject({ owned: false });
    const inputs = checked({ sAMAccountName: "tk-quinn", givenName: "Quinn", sn: "Imported", enabled: false, connection });
    const updated = await User.runtime.update("tk-quinn", { ...imported.props, connection }, inputs);
    expect(updated.outs).toMatchObject({ owned: false });
    expect(await get(dn)).toMatchObject({ sn: "Imported" });
    await User.runtime.delete("tk-quinn", updated.outs);
    expect(await get(dn)).toMatchObject({ sAMAccountName: "tk-quinn" });

    const adopted = await User.runtime.create({ ...inputs, adopt: true });
    expect(adopted.outs).toMatchObject({ owned: false });
    const flipped = await logged(() => User.runtime.update(adopted.id, adopted.outs, inputs));
    expect(flipped.result.outs).toMatchObject({ owned: false });
    expect(flipped.text).toMatch(/WARNING .*tk-quinn was adopted, not created by this stack/);
    await User.runtime.delete(adopted.id, flipped.result.outs);
    expect(await get(dn)).toMatchObject({ sAMAccountName: "tk-quinn" });
  });

  it.skipIf(!enabled)("a create whose answer was lost: its retry finds the very user it made, owns it, and delete removes it", async () => {
    let cuts = 0;
    proxy.onServer = (op) => (op === OP.addResponse && cuts++ === 0 ? "cut" : "pass");
    try {
      const inputs = checked({ sAMAccountName: "tk-rita", givenName: "Rita", sn: "Lost", displayName: "Rita Lost", enabled: false, connection: proxied });
      const created = await logged(() => User.runtime.create(inputs));
      expect(cuts).toBeGreaterThan(0);
      expect(created.text).toMatch(/made by this create's earlier attempt/);
      expect(created.result.outs).toMatchObject({ owned: true, dn: `CN=Rita Lost,${d.usersDn}` });
      expect(await count("tk-rita")).toBe(1);
      await User.runtime.delete(created.result.id, created.result.outs);
      expect(await count("tk-rita")).toBe(0);
    } finally {
      proxy.onServer = () => "pass";
    }
  });

  it.skipIf(!enabled)("a retry that finds someone else's user under the name fails and leaves it", async () => {
    const dn = `CN=Sam Lost,${d.usersDn}`;
    let cut = false;
    proxy.onServer = (op) => {
      if (op !== OP.addResponse || cut) return "pass";
      cut = true;
      // Before rcclab reconnects, someone replaces the user the lost attempt made with their own.
      proxy.gate = (async () => {
        await admin.del(dn);
        await admin.add(dn, [
          new Attribute({ type: "objectClass", values: ["top", "person", "organizationalPerson", "user"] }),
          new Attribute({ type: "sAMAccountName", values: ["tk-sam"] }),
          new Attribute({ type: "givenName", values: ["Someone"] }),
        ]);
      })();
      return "cut";
    };
    try {
      const err = await failure(User.runtime.create(checked({ sAMAccountName: "tk-sam", givenName: "Sam", displayName: "Sam Lost", enabled: false, connection: proxied })));
      expect(cut).toBe(true);
      expect(err.code).toBe("AlreadyExists");
      expect(err.message).toMatch(/AD user tk-sam already exists .*this stack did not create it/);
      expect(await get(dn)).toMatchObject({ givenName: "Someone" });
    } finally {
      proxy.onServer = () => "pass";
      proxy.gate = Promise.resolve();
    }
  });

  it.skipIf(!enabled)("a user taking the name between the lookup and the add: the add fails, naming that user", async () => {
    let raced = false;
    proxy.onClient = async (op) => {
      if (op !== OP.addRequest || raced) return;
      raced = true;
      await addUser("tk-tom", { givenName: "Other" }, `OU=Elsewhere,${BASE}`);
    };
    try {
      const err = await failure(User.runtime.create(checked({ sAMAccountName: "tk-tom", enabled: false, connection: proxied })));
      expect(raced).toBe(true);
      expect(err.code).toBe("AlreadyExists");
      expect(err.message).toContain(`AD user tk-tom already exists (CN=tk-tom,OU=Elsewhere,${BASE})`);
      expect(await count("tk-tom")).toBe(1);
    } finally {
      proxy.onClient = () => {};
    }
  });
});
