/**
 * `rcclab/components`: the guide's three sections as Pulumi components, each built from a lab config
 * (`LabConfig`, see `rcclab`'s `parseConfig` / `requireConfig`), and `lab`, the whole program rcclab
 * runs (A → B → C). Every child is named under its component (`${name}-${child}`), so several
 * components of one kind live in one program.
 */
export { MicrosoftSide } from "./microsoft";
export { CucmSection, cucmConnection } from "./cucm";
export { CupSection, cupConnection } from "./cup";
export { NORMALIZATION_RULES_FILE, normalizationRules } from "./normalization";
export { lab } from "../program";
