/** The contract between the release mappings (family7.ts, family12.ts) and the operation table. */
import type { SimFamily, SimRelease } from "../releases";
import type { CucmDb, Row } from "../model/db";
import type { Particle } from "../schema";
import type { XEl, XNode } from "../xml";

export interface OpContext {
  db: CucmDb;
  release: SimRelease;
  family: SimFamily;
  /** What getCCMVersion reports. */
  version: string;
}

/** One AXL operation the simulator serves. */
export interface OpDef {
  name: string;
  /** add/update/remove/executeSQLUpdate: throttled, persisted. */
  write: boolean;
  /** Content model of the operation element. */
  model: Particle;
  /** Returns the children of the response element (normally one `return`). */
  run(ctx: OpContext, req: XEl): XNode[];
}

/** The model side of an object kind (model/lines.ts, phones.ts, ...). */
export interface KindStore<I, K, P, R extends Row> {
  label: string;
  all(db: CucmDb): R[];
  add(db: CucmDb, input: I): R;
  get(db: CucmDb, key: K): R;
  update(db: CucmDb, key: K, patch: P): R;
  remove(db: CucmDb, key: K): R;
}

/** Operation and element names of one kind in one release family. */
export interface KindNames {
  add: string;
  get: string;
  update: string;
  remove: string;
  /** Child of addX holding the object (newPhone / phone). */
  addWrapper: string;
  /** Child of getXResponse/return holding the object (device / phone). */
  getElement: string;
}

/** A 12.x listX operation: its name and the searchCriteria elements (in schema order). */
export interface ListDef {
  name: string;
  criteria: string[];
}

/** Content models of one kind's operations (the content of the operation element). */
export interface KindModels {
  /** Content of the add wrapper (XIPPhone / XPhone ...). */
  object: Particle;
  get: Particle;
  update: Particle;
  remove: Particle;
  /** Element order of the get response object. */
  response: string[];
}

/** The XML side of an object kind: reading requests and rendering the get response. */
export interface KindCodec<I, K, P, R extends Row> {
  input(wrapper: XEl): I;
  key(req: XEl): K;
  patch(req: XEl): P;
  render(db: CucmDb, row: R, order: string[]): XNode;
}
