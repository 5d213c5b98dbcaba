/**
 * Writing the users list back into the stack file's own text, layout kept: only the changed values
 * of the changed entries are replaced (a flow-style `- { userid: …, … }` line stays one flow line, a
 * block entry stays block), new entries follow the style and indentation of the existing ones and
 * go after the last of them; every other byte of the file stays as it was. The edits are text
 * splices at the node ranges the yaml package reports; the result is parsed again and compared with
 * the intended users list and the rest of the config (a layout this code cannot edit in place falls
 * back to the yaml Document API, which keeps comments but may reformat).
 */
import { Document, isMap, isScalar, isSeq, parseDocument, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from "yaml";
import { sameValue } from "../../providers/core/kind";

/** A key order for new entries and inserted maps: the schema's (src/config.ts userSchema). */
const ORDER: Record<string, string[]> = {
  "": ["userid", "firstName", "lastName", "e164", "pool", "phone", "extensionMobility", "rcc", "lineUri", "enhancedPresence", "callsPerLine", "userGroups", "password", "pin", "presence"],
  phone: ["model", "protocol", "mac"],
  callsPerLine: ["maxNumCalls", "busyTrigger"],
  presence: ["ups", "upc"],
};
export function ordered(v: unknown, at = ""): unknown {
  if (Array.isArray(v)) return v.map((x) => ordered(x));
  if (!v || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  const order = ORDER[at] ?? [];
  const keys = [...order.filter((k) => k in o), ...Object.keys(o).filter((k) => !order.includes(k))];
  return Object.fromEntries(keys.map((k) => [k, ordered(o[k], at === "" ? k : `${at}.${k}`)]));
}

interface Splice {
  at: number;
  end: number;
  text: string;
}

const col = (text: string, pos: number): number => pos - (text.lastIndexOf("\n", pos - 1) + 1);

/** The position just after the line on which `pos` (an end of a value) lies. */
function afterLine(text: string, pos: number): { at: number; prefix: string } {
  if (pos > 0 && text[pos - 1] === "\n") return { at: pos, prefix: "" };
  const nl = text.indexOf("\n", pos);
  return nl < 0 ? { at: text.length, prefix: "\n" } : { at: nl + 1, prefix: "" };
}

function flowNode(doc: Document, v: unknown): Node {
  const n = doc.createNode(v) as Node;
  const mark = (x: unknown) => {
    if (isMap(x) || isSeq(x)) {
      x.flow = true;
      for (const it of x.items) mark(isMap(x) ? (it as Pair).value : it);
    }
  };
  mark(n);
  return n;
}

/** Quote strings as `like` (an existing entry) quotes the value of the same key. */
function styleLike(n: unknown, like: unknown): void {
  if (isScalar(n) && isScalar(like) && typeof n.value === "string" && (like.type === "QUOTE_DOUBLE" || like.type === "QUOTE_SINGLE")) n.type = like.type;
  if (isScalar(n) && typeof n.value === "string" && /[\n\r]/.test(n.value)) n.type = "QUOTE_DOUBLE";
  if (isMap(n) && isMap(like)) for (const p of n.items) styleLike(p.value, like.get(p.key, true));
}

/** A value in flow style, on one line ("{ a: 1, b: x }", "[ a, b ]", "x"). */
export function flowText(v: unknown, like?: unknown): string {
  const doc = new Document();
  const n = flowNode(doc, v);
  styleLike(n, like);
  // Inside a flow collection, so that flow indicators in a plain scalar get quoted.
  const outer = new Document();
  const seq = outer.createNode([]) as YAMLSeq;
  seq.flow = true;
  seq.items.push(n);
  outer.contents = seq;
  const s = outer.toString({ lineWidth: 0 }).trim();
  return s.slice(1, -1).trim();
}

/** A value in block style, as lines (a scalar or flow-styled value is one line). */
function blockLines(v: unknown, indent: number, like?: unknown): string[] {
  const doc = new Document(v);
  styleLike(doc.contents, like);
  return doc.toString({ lineWidth: 0, indent }).replace(/\n$/, "").split("\n");
}

/** A pair "key: value" as lines in block style (nested lines indented by `indent`). */
function blockPair(key: string, v: unknown, indent: number): string[] {
  return blockLines({ [key]: v }, indent);
}

/** The indentation step of the block maps of an entry (2 when none is nested). */
function indentStep(text: string, seq: YAMLSeq): number {
  for (const it of seq.items) {
    if (!isMap(it) || it.flow) continue;
    for (const p of it.items) {
      if (isMap(p.value) && !p.value.flow && p.value.items[0] && p.key && (p.key as Node).range) {
        const inner = (p.value.items[0].key as Node).range![0];
        const outer = (p.key as Node).range![0];
        const d = col(text, inner) - col(text, outer);
        if (d > 0) return d;
      }
    }
  }
  return 2;
}

const getIn = (o: any, path: readonly string[]): unknown => path.reduce((v, k) => (v && typeof v === "object" ? v[k] : undefined), o);

/** The splices that set `paths` of the entry `item` to their values in `value`. */
function entrySplices(text: string, item: YAMLMap, value: Record<string, unknown>, paths: string[][], step: number): Splice[] {
  const out: Splice[] = [];
  const done = new Set<Node>();
  const inserts = new Map<YAMLMap, string[]>();
  for (const path of paths) {
    let node: YAMLMap = item;
    for (let d = 0; d < path.length; d++) {
      const key = path[d]!;
      const v = getIn(value, path.slice(0, d + 1));
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key) as Pair<Scalar, Node | null> | undefined;
      if (!pair) {
        const keys = inserts.get(node) ?? [];
        if (!keys.includes(key)) keys.push(key);
        inserts.set(node, keys);
        break;
      }
      const child = pair.value;
      if (d < path.length - 1 && isMap(child)) {
        node = child;
        continue;
      }
      if (!child || !child.range) throw new Unsupported(`${path.join(".")} has no value to replace`);
      if (done.has(child)) break;
      done.add(child);
      out.push(replaceValue(text, node, child, v, step));
      break;
    }
  }
  for (const [map, keys] of inserts) {
    out.push(insertPairs(text, map, keys.map((k) => [k, ordered(getIn(value, [...pathTo(item, map), k]), k)] as [string, unknown]), step));
  }
  return out;
}

/** The keys from `root` down to `target` (a map nested in it). */
function pathTo(root: YAMLMap, target: YAMLMap): string[] {
  if (root === target) return [];
  for (const p of root.items) {
    if (isMap(p.value)) {
      const sub = p.value === target ? [] : pathTo(p.value, target);
      if (p.value === target || sub.length) return [String(isScalar(p.key) ? p.key.value : p.key), ...sub];
    }
  }
  return [];
}

class Unsupported extends Error {}

function replaceValue(text: string, parent: YAMLMap, child: Node, v: unknown, step: number): Splice {
  const [start, end] = child.range!;
  if (parent.flow || (!isMap(child) && !isSeq(child)) || (child as YAMLMap | YAMLSeq).flow) {
    if (!parent.flow && (isMap(v) || (v && typeof v === "object" && !Array.isArray(v))) && !(isMap(child) || isSeq(child))) {
      throw new Unsupported("a scalar replaced by a map");
    }
    return { at: start, end, text: flowText(v, child) };
  }
  // A block collection: the new one in block style at the same column.
  const c = col(text, start);
  const lines = blockLines(v, step);
  let e = end;
  while (e > start && (text[e - 1] === "\n" || text[e - 1] === "\r")) e--;
  return { at: start, end: e, text: lines.map((l, i) => (i ? " ".repeat(c) + l : l)).join("\n") };
}

function insertPairs(text: string, map: YAMLMap, pairs: [string, unknown][], step: number): Splice {
  const last = map.items[map.items.length - 1];
  if (map.flow) {
    if (!last) throw new Unsupported("an empty flow map");
    const lastEnd = ((last.value as Node | null)?.range ?? (last.key as Node).range)![1];
    return { at: lastEnd, end: lastEnd, text: pairs.map(([k, v]) => `, ${flowText({ [k]: v }).replace(/^\{\s*|\s*\}$/g, "")}`).join("") };
  }
  if (!last || !(last.key as Node).range) throw new Unsupported("an empty block map");
  const c = col(text, (map.items[0]!.key as Node).range![0]);
  const lastEnd = ((last.value as Node | null)?.range ?? (last.key as Node).range)![1];
  const { at, prefix } = afterLine(text, lastEnd);
  const lines = pairs.flatMap(([k, v]) => blockPair(k, v, step));
  return { at, end: at, text: prefix + lines.map((l) => " ".repeat(c) + l + "\n").join("") };
}

/** New entries' text, in the style of the list's existing entries. */
function newEntries(text: string, seq: YAMLSeq | undefined, dash: number, entries: Record<string, unknown>[], step: number): string {
  const lastItem = seq?.items[seq.items.length - 1];
  const flow = isMap(lastItem) && lastItem.flow;
  const pad = " ".repeat(dash);
  // Where the keys of a block entry start, after its "- " (as in the last entry; 2 by default).
  const firstKey = isMap(lastItem) && !flow ? (lastItem.items[0]?.key as Node | undefined)?.range?.[0] : undefined;
  const offset = firstKey === undefined ? 2 : Math.max(2, col(text, firstKey) - dash);
  return entries
    .map((e) => {
      const o = ordered(e);
      if (flow) return `${pad}- ${flowText(o, lastItem)}\n`;
      return blockLines(o, step, lastItem).map((l, i) => `${pad}${i ? " ".repeat(offset) : "-".padEnd(offset)}${l}\n`).join("");
    })
    .join("");
}

function applySplices(text: string, splices: Splice[]): string {
  const sorted = [...splices].sort((a, b) => a.at - b.at || a.end - b.end);
  const crlf = text.includes("\r\n"); // new lines end as the file's do
  if (crlf) for (const s of sorted) s.text = s.text.replace(/\r?\n/g, "\r\n");
  const parts: string[] = [];
  let pos = 0;
  for (const s of sorted) {
    if (s.at < pos) throw new Unsupported("overlapping edits");
    parts.push(text.slice(pos, s.at), s.text);
    pos = s.end;
  }
  parts.push(text.slice(pos));
  return parts.join("");
}

export interface UsersWrite {
  /** The entries as they will be (existing ones first, index kept; then the new ones). */
  final: Record<string, unknown>[];
  /** How many entries the file has now. */
  existing: number;
  /** Changed paths of each existing entry that changes. */
  changes: Map<number, string[][]>;
}

/**
 * The stack file's text with the users list written as `w` says, layout kept where possible.
 * `usersKey` is the namespaced key ("rcclab:users").
 */
export function writeUsers(text: string, usersKey: string, w: UsersWrite, parsed?: Document): { text: string; layoutKept: boolean } {
  const doc = parsed ?? parseDocument(text);
  try {
    const out = spliceUsers(text, doc, usersKey, w);
    if (verify(doc, out, usersKey, w.final)) return { text: out, layoutKept: true };
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
  }
  return { text: documentWrite(doc, usersKey, w), layoutKept: false };
}

function spliceUsers(text: string, doc: Document, usersKey: string, w: UsersWrite): string {
  const config = doc.get("config", true);
  if (!isMap(config) || config.flow || !config.items.length) throw new Unsupported("no block config map");
  const pair = config.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === usersKey);
  const node = pair?.value as Node | null | undefined;
  const splices: Splice[] = [];
  const added = w.final.slice(w.existing);
  if (isSeq(node)) {
    if (node.flow) throw new Unsupported("a flow-style users list");
    const step = indentStep(text, node);
    for (const [i, paths] of w.changes) {
      const item = node.items[i];
      if (!isMap(item)) throw new Unsupported(`users[${i}] is not a map`);
      splices.push(...entrySplices(text, item, w.final[i]!, paths, step));
    }
    if (added.length) {
      const last = node.items[node.items.length - 1] as Node;
      const { at, prefix } = afterLine(text, last.range![1]);
      splices.push({ at, end: at, text: prefix + newEntries(text, node, col(text, node.range![0]), added, step) });
    }
    return applySplices(text, splices);
  }
  if (!added.length) return text;
  const keyCol = col(text, (config.items[0]!.key as Node).range![0]);
  if (pair && (node === null || (isScalar(node) && node.value === null))) {
    // "rcclab:users:" with no value: the entries go under it.
    const { at, prefix } = afterLine(text, (node as Node | null)?.range?.[1] ?? (pair.key as Node).range![1]);
    return applySplices(text, [{ at, end: at, text: prefix + newEntries(text, undefined, keyCol + 2, added, 2) }]);
  }
  if (pair) throw new Unsupported("the users key holds something else");
  const last = config.items[config.items.length - 1]!;
  const lastEnd = ((last.value as Node | null)?.range ?? (last.key as Node).range)![1];
  const { at, prefix } = afterLine(text, lastEnd);
  const body = `${" ".repeat(keyCol)}${usersKey}:\n${newEntries(text, undefined, keyCol + 2, added, 2)}`;
  return applySplices(text, [{ at, end: at, text: prefix + body }]);
}

/** The spliced text holds exactly the intended users and the rest of the config unchanged. */
function verify(before: Document, text: string, usersKey: string, final: Record<string, unknown>[]): boolean {
  const after = parseDocument(text);
  if (after.errors.length) return false;
  const a = after.toJS() as Record<string, any>;
  const b = before.toJS() as Record<string, any>; // the caller's document is parsed, never changed
  const users = a?.config?.[usersKey];
  if (!sameValue(users, final)) return false;
  const rest = (o: Record<string, any>) => ({ ...o, config: { ...o.config, [usersKey]: undefined } });
  return sameValue(rest(a), rest(b));
}

/** The fallback: the yaml Document API (comments kept, layout may change). */
function documentWrite(doc: Document, usersKey: string, w: UsersWrite): string {
  let seq = doc.getIn(["config", usersKey], true);
  if (!isSeq(seq)) {
    seq = doc.createNode([]) as YAMLSeq;
    doc.setIn(["config", usersKey], seq);
  }
  const s = seq as YAMLSeq;
  for (const [i, paths] of w.changes) {
    const item = s.items[i];
    if (!isMap(item)) continue;
    for (const p of paths) item.setIn(p, doc.createNode(getIn(w.final[i], p)));
  }
  for (const e of w.final.slice(w.existing)) s.add(doc.createNode(ordered(e)));
  return doc.toString({ lineWidth: 0 });
}
