/**
 * The session of Cisco's Tomcat-hosted SOAP APIs (CUCM's AXL, CUP's AXL): HTTP Basic on the first
 * request, then the session cookie the server issued instead of the credentials; when the server
 * refuses an expired session, the call is made once more with Basic.
 */
import type { RcclabError } from "./errors";

export class TomcatSession {
  private cookie?: string;

  constructor(
    private readonly username: string,
    private readonly password: string,
  ) {}

  /** Wire the session into a node-soap client: its auth header, and the cookie of each answer. */
  attach(client: { setSecurity(s: unknown): void; on(event: "response", fn: (body: unknown, res: any) => void): void }): void {
    const basic = `Basic ${Buffer.from(`${this.username}:${this.password}`).toString("base64")}`;
    client.setSecurity({
      addHeaders: (headers: Record<string, string>) => {
        if (this.cookie) headers.Cookie = this.cookie;
        else headers.Authorization = basic;
      },
      toXML: () => "",
    });
    client.on("response", (_body, res) => {
      const setCookie: string[] | undefined = res?.headers?.["set-cookie"];
      if (setCookie?.length) this.cookie = setCookie.map((c) => c.split(";")[0]).join("; ");
    });
  }

  /** Run a call, its failures mapped; a refused session is retried once with the credentials. */
  async call<T>(fn: () => Promise<T>, map: (e: unknown) => RcclabError): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const mapped = map(e);
      if (!(mapped.code === "Unauthorized" && this.cookie)) throw mapped;
    }
    this.cookie = undefined;
    try {
      return await fn();
    } catch (e) {
      throw map(e);
    }
  }
}
