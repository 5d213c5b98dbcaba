/**
 * A2's normalization rules for the OCS side: the Address Book Server's
 * Company_Phone_Number_Normalization_Rules.txt, so the numbers Communicator shows and dials from the
 * address book are the lab's E.164 numbers.
 *
 * Format (Microsoft's [MS-ABS] 2.2.5, and the OCS 2007 R2 "Configuring Address Book Server Phone
 * Normalization" page): rules in order, each two lines ended by CR LF — a .NET regular expression
 * matched against the directory's phone number, then the replacement that makes it E.164. The first
 * rule that matches wins, so the exact per-user rules (a user's 4-digit extension) come before the
 * general ones (the whole number written with any of + ( ) . - and spaces).
 *
 * The file is produced, not installed: it goes into each pool's Address Book Server output folder
 * (Front End Properties > Address Book; on an Enterprise pool, the address book file share), then
 * `ABServer.exe -regenUR` regenerates the address book (`-testPhoneNorm` checks a number first).
 */
import type { LabConfig } from "../config";

export const NORMALIZATION_RULES_FILE = "Company_Phone_Number_Normalization_Rules.txt";

export const NORMALIZATION_RULES_WHERE =
  `${NORMALIZATION_RULES_FILE} (the normalizationRules output): copy it into each OCS pool's Address Book Server output folder ` +
  "(Front End Properties > Address Book; an Enterprise pool's address book share), then run ABServer.exe -regenUR (check a number first with ABServer.exe -testPhoneNorm)";

/** Formatting a directory may hold between digits. */
const SEP = "[\\s().-]*";

/** The rules, in order, as [pattern, replacement] pairs. */
export function normalizationRulePairs(cfg: LabConfig): [string, string][] {
  const digits = cfg.users.map((u) => u.e164.slice(1));
  const rules: [string, string][] = [];
  // A user's extension (the last four digits) alone, where it names one user only.
  const extensions = new Map<string, string[]>();
  for (const d of digits) extensions.set(d.slice(-4), [...(extensions.get(d.slice(-4)) ?? []), d]);
  for (const [ext, owners] of [...extensions].sort()) if (owners.length === 1) rules.push([`^${ext}$`, `+${owners[0]}`]);
  // The whole number, with or without +, written with any separators: per number prefix.
  const prefixes = [...new Set(digits.map((d) => d.slice(0, -4)))].sort();
  for (const p of prefixes) rules.push([`^\\+?${[...p].join(SEP)}${SEP}(\\d{4})$`, `+${p}$1`]);
  return rules;
}

/** The file's text: two CR LF-ended lines per rule. */
export function normalizationRules(cfg: LabConfig): { fileName: string; where: string; content: string } {
  const content = normalizationRulePairs(cfg)
    .flatMap(([pattern, replacement]) => [pattern, replacement])
    .map((l) => `${l}\r\n`)
    .join("");
  return { fileName: NORMALIZATION_RULES_FILE, where: NORMALIZATION_RULES_WHERE, content };
}
