/**
 * Pulumi's wire form of values as the local engine handles them: secrets are `{ [sig]: secretSig,
 * value }`, unknowns a sentinel string; and the kind registry that says which fields of a resource are
 * secret and which it manages.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { registeredKind } from "../../providers/core/provider";
import type { Props } from "./providerHost";

const rpc = require("@pulumi/pulumi/runtime/rpc");

const SIG: string = rpc.specialSigKey;
const SECRET_SIG: string = rpc.specialSecretSig;
export const UNKNOWN: string = rpc.unknownValue;


export type Wire = unknown;

export const isSecret = (v: unknown): v is { value: unknown } =>
  typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG] === SECRET_SIG;

export const secret = (v: unknown): Wire => (isSecret(v) ? v : { [SIG]: SECRET_SIG, value: reveal(v) });

/** The plain value: secrets unwrapped (deeply), undefined dropped (gRPC structs cannot carry it). */
export function reveal(v: Wire): any {
  if (isSecret(v)) return reveal(v.value);
  if (Array.isArray(v)) return v.map(reveal);
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = reveal(x);
    return out;
  }
  return v;
}

export function containsSecret(v: Wire): boolean {
  if (isSecret(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecret);
  if (typeof v === "object" && v !== null) return Object.values(v).some(containsSecret);
  return false;
}

export function containsUnknown(v: Wire): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (typeof v === "object" && v !== null) return Object.values(v).some(containsUnknown);
  return false;
}

/** Top-level keys whose value is or holds a secret. */
export const secretKeysOf = (props: Props | undefined): string[] => Object.keys(props ?? {}).filter((k) => containsSecret(props![k]));

export interface KindInfo {
  secretPaths: readonly string[];
  fieldNames: readonly string[];
  /** The natural key of checked inputs (the object's id), when they make one. */
  keyOf?(bag: Record<string, unknown>): string | undefined;
}

/** "pulumi-nodejs:dynamic/rcclab/cucm:Phone" → "rcclab:cucm:Phone"; other tokens unchanged. */
export function readableType(token: string): string {
  const m = /^pulumi-nodejs:dynamic\/([^:]+):(.+)$/.exec(token);
  return m ? `${m[1]!.replace(/\//g, ":")}:${m[2]}` : token;
}

export function kindOf(token: string): KindInfo | undefined {
  return registeredKind<KindInfo>(readableType(token));
}

/**
 * Wire props with the secrets marked: whole top-level keys in `keys`, and each of the kind's
 * secret paths ("password", "connection.password").
 */
export function markSecrets(props: Props, keys: Iterable<string>, token: string): Props {
  const out: Props = { ...props };
  for (const k of keys) if (k in out && out[k] !== undefined) out[k] = secret(out[k]);
  for (const p of kindOf(token)?.secretPaths ?? []) {
    const parts = p.split(".");
    let holder: any = out;
    for (let i = 0; i < parts.length - 1 && holder; i++) {
      const next = holder[parts[i]!];
      if (isSecret(next)) {
        holder = undefined;
        break;
      }
      if (typeof next !== "object" || next === null) {
        holder = undefined;
        break;
      }
      holder[parts[i]!] = { ...next };
      holder = holder[parts[i]!];
    }
    const last = parts[parts.length - 1]!;
    if (holder && holder[last] !== undefined && holder[last] !== null) holder[last] = secret(holder[last]);
  }
  return out;
}

/** Is this top-level field secret for this resource (for drift reports)? */
export function isSecretField(field: string, token: string, ...bags: Props[]): boolean {
  if (bags.some((b) => containsSecret(b[field]))) return true;
  return (kindOf(token)?.secretPaths ?? []).some((p) => p === field || p.startsWith(`${field}.`));
}


const providerTexts = new Map<string, string>();
/**
 * The bag with its serialized provider (`__provider`, tens of kB, the same text for every resource
 * of a kind) as one shared string: every registration and every answer of the provider host carries
 * its own copy, and a lab of thousands of resources kept them all (hundreds of MB).
 */
export function interned<T extends Props>(bag: T): T {
  const text = bag?.__provider;
  if (typeof text !== "string") return bag;
  const one = providerTexts.get(text);
  if (one === undefined) {
    providerTexts.set(text, text);
    return bag;
  }
  return { ...bag, __provider: one };
}
