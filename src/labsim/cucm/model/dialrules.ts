/**
 * Application dial rules (Call Routing > Dial Rules > Application Dial Rules; CUCM's
 * applicationdialrule table). Natural key: name. AXL 12.x manages them with
 * add/get/update/removeApplicationDialRules (CUCM's business rules apply); 7.0 has no such
 * operations, only SQL on the table (database constraints only, see tables.ts).
 */
import { faults } from "../faults";
import { type CucmDb, type DialRuleRow, newPkid, pkidOf } from "./db";

export interface DialRuleKey {
  name?: string;
  uuid?: string;
}

export interface DialRuleInput {
  name: string;
  description?: string;
  numberBeginWith?: string;
  numberOfDigits: number;
  digitsToBeRemoved: number;
  prefixPattern?: string;
  /** Default: after the last rule. */
  priority?: number;
}

export interface DialRulePatch extends Partial<Omit<DialRuleInput, "name">> {
  newName?: string;
}

const LABEL = "Application Dial Rule";
/** Characters CUCM Administration refuses in names and descriptions. */
const FORBIDDEN = /["%&\\<>]/;
const DIGITS = /^[0-9*#+]*$/;

export function dialRuleByName(db: CucmDb, name: string): DialRuleRow | undefined {
  for (const r of db.dialRules.values()) if (r.name === name) return r;
  return undefined;
}

export function nextDialRulePriority(db: CucmDb): number {
  return Math.max(0, ...[...db.dialRules.values()].map((r) => r.priority)) + 1;
}

/** The UNIQUE index on name (also what an SQL insert or update hits). */
export function checkDialRuleName(db: CucmDb, name: string, self?: DialRuleRow): void {
  const clash = dialRuleByName(db, name);
  if (clash && clash.pkid !== self?.pkid) throw faults.duplicate("x_applicationdialrule_name");
}

/** CUCM Administration's rules for a dial rule (AXL); SQL writes bypass them. */
function checkRules(row: DialRuleRow): void {
  if (!row.name.trim()) throw faults.invalid("Name is required");
  if (row.name.length > 50) throw faults.invalid("Name can contain up to 50 characters");
  if (FORBIDDEN.test(row.name)) throw faults.invalid(`Name (${row.name}) contains characters that are not allowed: " % & \\ < >`);
  if (FORBIDDEN.test(row.description)) throw faults.invalid("Description contains characters that are not allowed: \" % & \\ < >");
  if (!DIGITS.test(row.numberBeginWith)) throw faults.invalid(`Number Begins With (${row.numberBeginWith}) may contain only digits, *, # and +`);
  if (!DIGITS.test(row.prefixPattern)) throw faults.invalid(`Prefix With Pattern (${row.prefixPattern}) may contain only digits, *, # and +`);
  if (!(row.numberOfDigits >= 0 && row.numberOfDigits <= 100)) throw faults.invalid(`Number of Digits (${row.numberOfDigits}) is not valid`);
  if (row.numberOfDigits > 0 && row.numberOfDigits < row.numberBeginWith.length) {
    throw faults.invalid("Number of Digits must be at least the length of Number Begins With");
  }
  if (row.digitsToBeRemoved < 0 || (row.numberOfDigits > 0 && row.digitsToBeRemoved > row.numberOfDigits)) {
    throw faults.invalid("Total Digits to be Removed must not be more than Number of Digits");
  }
  if (row.digitsToBeRemoved === 0 && row.prefixPattern === "") {
    throw faults.invalid("A dial rule must remove digits or prefix a pattern (or both)");
  }
  if (row.priority < 0) throw faults.invalid(`Priority ${row.priority} is not valid`); // the schema's default is 0
}

export const dialRules = {
  label: LABEL,

  all: (db: CucmDb) => [...db.dialRules.values()].sort((a, b) => a.priority - b.priority),

  find(db: CucmDb, key: DialRuleKey): DialRuleRow | undefined {
    if (key.uuid) return db.dialRules.get(pkidOf(key.uuid));
    return key.name === undefined ? undefined : dialRuleByName(db, key.name);
  },

  get(db: CucmDb, key: DialRuleKey): DialRuleRow {
    const row = dialRules.find(db, key);
    if (!row) throw faults.notFound(LABEL);
    return row;
  },

  add(db: CucmDb, input: DialRuleInput): DialRuleRow {
    const row: DialRuleRow = {
      pkid: newPkid(),
      name: input.name,
      description: input.description ?? "",
      numberBeginWith: input.numberBeginWith ?? "",
      numberOfDigits: input.numberOfDigits,
      digitsToBeRemoved: input.digitsToBeRemoved,
      prefixPattern: input.prefixPattern ?? "",
      priority: input.priority ?? nextDialRulePriority(db),
    };
    checkRules(row);
    checkDialRuleName(db, row.name);
    db.dialRules.set(row.pkid, row);
    return row;
  },

  update(db: CucmDb, key: DialRuleKey, patch: DialRulePatch): DialRuleRow {
    const current = dialRules.find(db, key);
    if (!current) throw faults.updateNotFound(LABEL);
    const next: DialRuleRow = { ...current };
    if (patch.newName !== undefined) next.name = patch.newName;
    if (patch.description !== undefined) next.description = patch.description;
    if (patch.numberBeginWith !== undefined) next.numberBeginWith = patch.numberBeginWith;
    if (patch.numberOfDigits !== undefined) next.numberOfDigits = patch.numberOfDigits;
    if (patch.digitsToBeRemoved !== undefined) next.digitsToBeRemoved = patch.digitsToBeRemoved;
    if (patch.prefixPattern !== undefined) next.prefixPattern = patch.prefixPattern;
    if (patch.priority !== undefined) next.priority = patch.priority;
    checkRules(next);
    checkDialRuleName(db, next.name, current);
    db.dialRules.set(next.pkid, next);
    return next;
  },

  remove(db: CucmDb, key: DialRuleKey): DialRuleRow {
    const row = dialRules.get(db, key);
    db.dialRules.delete(row.pkid);
    return row;
  },
};
