/**
 * The phone models of the guide's lab and the protocols each supports, with the names of CUCM's
 * standard (non-secure) security profile and phone button template for each.
 */
export const PHONE_MODELS = {
  "7975": { protocols: ["SCCP", "SIP"], maxLines: 8, oneCallPerLine: false, ctiNoRollover: false },
  "7971": { protocols: ["SCCP", "SIP"], maxLines: 6, oneCallPerLine: false, ctiNoRollover: false },
  "7970": { protocols: ["SCCP", "SIP"], maxLines: 8, oneCallPerLine: false, ctiNoRollover: false },
  /**
   * Cisco's 7931G administration guide: no multiple calls per line, so Maximum Number of Calls and
   * Busy Trigger are both 1; the CUCM JTAPI guide: CTI controls a 7931G only in No Rollover mode.
   */
  "7931": { protocols: ["SCCP"], maxLines: 24, oneCallPerLine: true, ctiNoRollover: true },
} as const;

export type PhoneModel = keyof typeof PHONE_MODELS;
export const PHONE_MODEL_NAMES = Object.keys(PHONE_MODELS) as PhoneModel[];

export const productOf = (model: PhoneModel): string => `Cisco ${model}`;
export const modelOf = (product: string): string => product.replace(/^Cisco /, "");
export const defaultSecurityProfile = (model: PhoneModel, protocol: string): string =>
  `Cisco ${model} - Standard ${protocol} Non-Secure Profile`;
export const defaultTemplate = (model: PhoneModel, protocol: string): string => `Standard ${model} ${protocol}`;
export const supports = (model: PhoneModel, protocol: string): boolean =>
  (PHONE_MODELS[model].protocols as readonly string[]).includes(protocol);
