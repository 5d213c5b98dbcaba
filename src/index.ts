/** Pulumi's entry point (Pulumi.yaml `main`): the lab program. */
import { lab } from "./program";

export = lab;
