/**
 * Where in the stack config each resource of the program comes from ("rcclab:users[2]"), recorded
 * as the components name their resources, so `validate` can name the YAML path of an input a kind
 * refuses (src/engine/programCheck.ts). Resource names are unique in a program.
 */
const origins = new Map<string, string>();

/** The resource name, recorded as coming from `configPath` (e.g. "users[2]", "meetMe[0]", "trunk"). */
export function from(configPath: string, resourceName: string): string {
  origins.set(resourceName, `rcclab:${configPath}`);
  return resourceName;
}

export function resourceOrigins(): ReadonlyMap<string, string> {
  return origins;
}
