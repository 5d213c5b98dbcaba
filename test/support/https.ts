/** One HTTPS request to a simulator, its whole answer as text (tests read status, headers and body). */
import * as https from "node:https";

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A fresh connection per request (agent: false), the body sent as is. */
export function httpsText(options: https.RequestOptions, body = ""): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request({ agent: false, ...options }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}
