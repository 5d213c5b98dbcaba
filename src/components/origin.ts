/**
 * Where in the stack config each resource of the program comes from ("rcclab:users[2]"), recorded
 * as the components name their resources, so `validate` can name the YAML path of an input a kind
 * refuses (src/engine/programCheck.ts). Resource names are unique in a program: a component's
 * children are named under it (`${component}-${child}`, Pulumi's convention), so two components of
 * one kind ("lab1", "lab2") never name a resource alike.
 */
const origins = new Map<string, string>();

/** The resource name, recorded as coming from `configPath` (e.g. "users[2]", "meetMe[0]", "trunk"). */
export function from(configPath: string, resourceName: string): string {
  origins.set(resourceName, `rcclab:${configPath}`);
  return resourceName;
}

/**
 * `from` for the children of the component named `component`: each child's name is prefixed with the
 * component's ("cucm" + "phone-SEP001E4AAABB01" = "cucm-phone-SEP001E4AAABB01") and recorded under
 * that full name.
 */
export function childrenOf(component: string): (configPath: string, childName: string) => string {
  return (configPath, childName) => from(configPath, `${component}-${childName}`);
}

export function resourceOrigins(): ReadonlyMap<string, string> {
  return origins;
}
