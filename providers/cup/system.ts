/**
 * CUP as a system rcclab talks to (AXL + platform CLI), and defineCupKind: the core's defineKind with
 * the one rule about service restarts applied to every CUP kind. Each create / update / delete runs in
 * a session (CupSession) whose writes that changed rows owe a restart of their tables' services (the
 * catalog's `reloadServices`); the client restarts each owed service once writes have stopped for a
 * while, and before the provider process ends (restarts.ts), so a run restarts each service about
 * once. A read never writes, and an update that finds nothing to change writes nothing, so neither
 * owes anything.
 */
import type { z } from "zod";
import { defineKind, defineSystem, type Kind, type KindSpec, type Logger } from "../core/kind";
import { MAPPING, type Step } from "./catalog";
import { CupClient, type CupConnection, type CupSession, cupConnectionSchema } from "./client";

export const cup = defineSystem<CupConnection, CupClient>({
  name: "cup",
  connectionSchema: cupConnectionSchema,
  secretPaths: ["password", "cli.password"],
  connect: (connection, log) => new CupClient(connection, log),
});

/** What a CUP kind's operations get: a session on the client (writes tallied for restarts). */
export interface CupContext {
  db: CupSession;
  connection: CupConnection;
  log: Logger;
}

type AnyObject = z.ZodType<Record<string, any>, any>;
type Fields<S extends AnyObject> = z.output<S>;

export interface CupKindSpec<S extends AnyObject, Out extends Record<string, unknown>>
  extends Omit<KindSpec<S, Out, CupConnection, CupClient>, "system" | "create" | "read" | "update" | "delete" | "bulk"> {
  /** The guide step(s) this kind does: when the lab's mapping marks one manual, the kind leaves CUP alone. */
  step: Step | readonly Step[];
  create(ctx: CupContext, fields: Fields<S>): Promise<Out>;
  read(ctx: CupContext, id: string, olds: Partial<Fields<S> & Out>): Promise<{ fields: Fields<S>; outputs: Out } | undefined>;
  update(ctx: CupContext, id: string, olds: Fields<S> & Out, news: Fields<S>, changed: readonly string[]): Promise<Out>;
  delete(ctx: CupContext, id: string, olds: Fields<S> & Out): Promise<void>;
  /**
   * Every object of the kind at once (refresh, drift; see ../core/bulkRead.ts), by natural key, each
   * exactly as read() gives it; an object it leaves out is read singly. The kind's objects are one set
   * on a CUP (scope ""). When the lab does the kind's step by hand, it is not called: every object
   * is read as read() is then (what was recorded).
   */
  readAll?(ctx: CupContext): Promise<Map<string, { fields: Fields<S>; outputs: Out }>>;
}

/** Runs one operation in a session; what it changed (also before a failure part-way) is owed a restart. */
async function inSession<T>(ctx: { client: CupClient; connection: CupConnection; log: Logger }, fn: (c: CupContext) => Promise<T>): Promise<T> {
  const db = ctx.client.session();
  let result: T;
  try {
    result = await fn({ db, connection: ctx.connection, log: ctx.log });
  } catch (e) {
    // What was written before the failure must still take effect (or be visibly pending).
    await db.finish().catch((r: Error) => ctx.log.warn(r.message));
    throw e;
  }
  await db.finish();
  return result;
}

/** The step of `steps` the lab does by hand (its override's `manual`), if any. */
function manualStep(client: CupClient, steps: Step | readonly Step[]): Step | undefined {
  return (typeof steps === "string" ? [steps] : steps).find((s) => client.catalog.isManual(s));
}

/**
 * A kind whose step the lab does by hand touches nothing on CUP: create, update and delete say so (a
 * warning naming the admin page); read gives back what was recorded, so it shows no drift.
 */
export function defineCupKind<S extends AnyObject, Out extends Record<string, unknown>>(
  spec: CupKindSpec<S, Out>,
): Kind<S, Out, CupConnection, CupClient> {
  type Ctx = { client: CupClient; connection: CupConnection; log: Logger };
  const byHand = (ctx: Ctx, what: string): boolean => {
    const step = manualStep(ctx.client, spec.step);
    if (step && what) ctx.log.warn(`${step} is done by hand in this lab (its CUP mapping marks it manual): rcclab does not ${what} it; ${MAPPING.steps[step]!.page}`);
    return step !== undefined;
  };
  const recorded = (olds: Record<string, unknown>) => {
    const keys = Object.keys((spec.fields as unknown as { shape: Record<string, unknown> }).shape);
    const pick = (inFields: boolean) => Object.fromEntries(Object.entries(olds).filter(([k]) => keys.includes(k) === inFields));
    return { fields: pick(true) as z.output<S>, outputs: pick(false) as Out };
  };
  const readAll = spec.readAll;
  return defineKind<S, Out, CupConnection, CupClient>({
    ...spec,
    system: cup,
    ...(readAll
      ? {
          bulk: {
            scope: () => "",
            // Manual: nothing held, so each object takes the single read's way (what was recorded).
            readAll: (ctx) => (byHand(ctx, "") ? Promise.resolve(new Map()) : inSession(ctx, (c) => readAll(c))),
          },
        }
      : {}),
    create: (ctx, fields) => (byHand(ctx, "create") ? Promise.resolve({} as Out) : inSession(ctx, (c) => spec.create(c, fields))),
    read: (ctx, id, olds) => (byHand(ctx, "") ? Promise.resolve(recorded(olds)) : inSession(ctx, (c) => spec.read(c, id, olds))),
    update: (ctx, id, olds, news, changed) => (byHand(ctx, "update") ? Promise.resolve(recorded(olds).outputs) : inSession(ctx, (c) => spec.update(c, id, olds, news, changed))),
    delete: (ctx, id, olds) => (byHand(ctx, "delete") ? Promise.resolve() : inSession(ctx, (c) => spec.delete(c, id, olds))),
  });
}
