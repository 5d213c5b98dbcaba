/**
 * The CUCM releases the simulator can play, written from Cisco's AXL toolkit (one schema folder per
 * release, request namespace http://www.cisco.com/AXL/API/<release>, SOAPAction "CUCM:DB ver=<release>
 * <operation>"). 7.0 has its own operation and wrapper names; 12.5, 14.0 and 15.0 share theirs.
 * The simulator's own copy: it imports nothing from providers/, so it can disagree with the client.
 */
export const SIM_RELEASES = ["7.0", "12.5", "14.0", "15.0"] as const;
export type SimRelease = (typeof SIM_RELEASES)[number];
/** "7": AXL 7.0's names and shapes; "12": those of 12.5 and later. */
export type SimFamily = "7" | "12";

export function familyOf(release: SimRelease): SimFamily {
  return release === "7.0" ? "7" : "12";
}

export function axlNamespace(release: SimRelease): string {
  return `http://www.cisco.com/AXL/API/${release}`;
}
