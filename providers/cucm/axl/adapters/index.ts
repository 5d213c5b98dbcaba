/** The release adapter for a declared AXL release: 7.0, or the 12 family (12.5, 14.0, 15.0). */
import type { AxlRelease, ReleaseAdapter } from "../model";
import { v12Adapter } from "./v12";
import { v7Adapter } from "./v7";

const adapters = new Map<AxlRelease, ReleaseAdapter>();

export function adapterFor(release: AxlRelease): ReleaseAdapter {
  let adapter = adapters.get(release);
  if (!adapter) {
    adapter = release === "7.0" ? v7Adapter : v12Adapter(release);
    adapters.set(release, adapter);
  }
  return adapter;
}
