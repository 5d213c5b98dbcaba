/**
 * Benchmark: `rcclab users import` and `users export` of a BAT-style CSV (issue 14 §4: "1,000 rows
 * import in well under a second"). Prints figures; it asserts nothing (timing belongs here, not in
 * tests). Works in memory on the repository's stacks (the file write is one rename, not timed).
 *
 *   npm run build && npm run bench:csv [-- <rows>]
 *
 * Cases, each on stacks/Pulumi.guide.yaml (flow entries) and Pulumi.local.yaml (block entries):
 * - add: <rows> new users appended;
 * - update: a CSV of <rows> users imported into the stack that holds them, one field changed each;
 * - same: the stack's own export imported back (every row checked, nothing written);
 * - export: the <rows>-user stack written as CSV.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { importUsers, stackUsers, usersToCsv } from "../../src/usersCsv";

const rows = Number(process.argv[2] ?? 1000);
const root = [process.cwd(), path.resolve(__dirname, "..", "..", "..")].find((d) => fs.existsSync(path.join(d, "stacks", "Pulumi.guide.yaml"))) ?? process.cwd();
const HEAD = "USER ID,FIRST NAME,LAST NAME,DIRECTORY NUMBER,MAC ADDRESS,DEVICE TYPE,DEVICE PROTOCOL,POOL,MAXIMUM NUMBER OF CALLS 1,BUSY TRIGGER 1,ACCESS CONTROL GROUP 1,ACCESS CONTROL GROUP 2";

function csv(n: number, first = "First"): string {
  const lines = Array.from({ length: n }, (_, i) => {
    const k = String(i).padStart(4, "0");
    return `u${k},${first}${k},Last${k},+1408600${k},00:1E:4B:00:${k.slice(0, 2)}:${k.slice(2)},Cisco 7975,SCCP,pool${(i % 2) + 1},4,2,Standard CCM End Users,Standard CTI Enabled`;
  });
  return [HEAD, ...lines].join("\n") + "\n";
}

function timed<T>(fn: () => T, runs = 5): { ms: number; result: T } {
  let result = fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, result };
}

console.log(`users CSV, ${rows} rows (median of 5 runs after a warm-up), node ${process.version}`);
for (const name of ["guide", "local"]) {
  const stack = fs.readFileSync(path.join(root, "stacks", `Pulumi.${name}.yaml`), "utf8");
  const add = timed(() => importUsers(stack, csv(rows), "users.csv"));
  const big = add.result.text;
  const update = timed(() => importUsers(big, csv(rows, "Changed"), "users.csv"));
  const own = usersToCsv(stackUsers(big));
  const same = timed(() => importUsers(big, own, "users.csv"));
  const exp = timed(() => usersToCsv(stackUsers(big)));
  const r = (label: string, t: { ms: number }, note: string) => console.log(`  ${name.padEnd(6)} ${label.padEnd(8)} ${t.ms.toFixed(0).padStart(6)} ms  ${note}`);
  r("add", add, `${add.result.added} added, layout kept: ${add.result.layoutKept}`);
  r("update", update, `${update.result.updated} updated, layout kept: ${update.result.layoutKept}`);
  r("same", same, `${same.result.unchanged} unchanged`);
  r("export", exp, `${exp.result.split("\n").length - 2} rows`);
}
