/**
 * CUCM's part of the inventory (read only): one SQL query per object type lists the objects, then
 * each kind's own read() describes each one (bounded concurrency), so every object has exactly the
 * shape a stack's resource compares with. Lines come from the Line kind's bulk read (one query),
 * call-per-line limits from one query of the line appearances.
 */
import type { KindContext } from "../../providers/core/kind";
import { AppUser } from "../../providers/cucm/appUser";
import { AxlClient, type AxlConnection } from "../../providers/cucm/axl/client";
import { sqlInt } from "../../providers/cucm/axl/adapters/sql";
import { DeviceProfile } from "../../providers/cucm/deviceProfile";
import { ApplicationDialRule } from "../../providers/cucm/dialRule";
import { EndUser } from "../../providers/cucm/endUser";
import { IpPhoneService } from "../../providers/cucm/ipPhoneService";
import { LicenseCapabilities } from "../../providers/cucm/licenseCapabilities";
import { Line, lineId } from "../../providers/cucm/line";
import { MeetMe } from "../../providers/cucm/meetMe";
import { Phone } from "../../providers/cucm/phone";
import { CTI_MANAGER, EXTENSION_MOBILITY } from "../../providers/cucm/serviceActivation";
import { serviceabilityFor } from "../../providers/cucm/serviceability/client";
import { SipTrunk } from "../../providers/cucm/sipTrunk";
import { SipTrunkSecurityProfile } from "../../providers/cucm/sipTrunkSecurityProfile";
import type { CucmInventory, Live } from "./types";
import { attempt, eachBounded as bounded, type ReaderContext, readAllLive, readLive } from "./util";

/** Reads of one object at a time per kind: at most 8 at once (the AXL client's adaptive limit still applies). */
const eachBounded: typeof bounded = (rc, what, items, keyOf, fn) => bounded(rc, what, items, keyOf, fn, 8);

/** typeclass (device.tkclass) and typepatternusage (numplan.tkpatternusage), as CUCM numbers them. */
export const DEVICE_CLASS = { phone: 1, trunk: 18, deviceProfile: 254 } as const;
const CONFERENCE_USAGE = 1;

type Row = Record<string, string>;
type Ctx = KindContext<AxlConnection, AxlClient>;

export async function readCucm(connection: AxlConnection, rc: ReaderContext): Promise<CucmInventory | undefined> {
  const client = new AxlClient(connection, rc.log);
  const ctx: Ctx = { client, connection, log: rc.log };
  try {
    rc.progress("version", 0);
    // The version, and the client's own release check (another release: nothing more is read).
    const version = await attempt(rc, "version", () => client.ensureRelease());
    if (version === undefined) return undefined;
    const sql = (q: string) => client.sql<Row>(q);

    // The lists: one query per object type.
    const [devices, users, appUsers, meetMeRows, dialRules, services] = await Promise.all([
      attempt(rc, "devices", () => sql(`select pkid, name, tkclass from device where tkclass in (${DEVICE_CLASS.phone}, ${DEVICE_CLASS.trunk}, ${DEVICE_CLASS.deviceProfile})`)),
      attempt(rc, "end users", () => sql("select userid from enduser")),
      attempt(rc, "application users", () => sql("select name, isstandard from applicationuser")),
      attempt(rc, "Meet-Me numbers", () => sql(`select dnorpattern, fkroutepartition from numplan where tkpatternusage = ${sqlInt(CONFERENCE_USAGE, "usage")}`)),
      attempt(rc, "application dial rules", () => sql("select name from applicationdialrule")),
      attempt(rc, "IP phone services", () => sql("select name from telecasterservice")),
    ]);
    const byClass = (cls: number) => (devices ?? []).filter((d) => Number(d.tkclass) === cls).map((d) => d.name!).sort();
    const phoneNames = byClass(DEVICE_CLASS.phone);

    const partitions = new Map<string, string>();
    if ((meetMeRows ?? []).some((r) => r.fkroutepartition)) {
      for (const p of (await attempt(rc, "route partitions", () => sql("select pkid, name from routepartition"))) ?? []) partitions.set(p.pkid!.toLowerCase(), p.name!);
    }

    const lines = await attempt(rc, "lines", async () => {
      rc.progress("lines", 0);
      return (await readAllLive<Live<typeof Line>>(Line, ctx)).sort((a, b) => lineId(a).localeCompare(lineId(b)));
    });

    // Call-per-line limits of every phone appearance: one query of the appearances.
    const callLimits = await attempt(rc, "call-per-line limits", async () => {
      const phonePkids = new Map((devices ?? []).filter((d) => Number(d.tkclass) === DEVICE_CLASS.phone).map((d) => [d.pkid!.toLowerCase(), d.name!]));
      const rows = await sql("select fkdevice, numplanindex, maxnumcalls, busytrigger from devicenumplanmap");
      return rows
        .filter((r) => phonePkids.has((r.fkdevice ?? "").toLowerCase()))
        .map(
          (r): Live<typeof import("../../providers/cucm/callPerLineLimit").CallPerLineLimit> => ({
            phoneName: phonePkids.get(r.fkdevice!.toLowerCase())!,
            lineIndex: Number(r.numplanindex),
            maxNumCalls: Number(r.maxnumcalls || 0),
            busyTrigger: Number(r.busytrigger || 0),
            previousMaxNumCalls: undefined,
            previousBusyTrigger: undefined,
          }),
        )
        .sort((a, b) => a.phoneName.localeCompare(b.phoneName) || a.lineIndex - b.lineIndex);
    });

    // Each object by its kind's read() (services read as they are: olds.services = []).
    const phones = await eachBounded(rc, "phones", phoneNames, (n) => n, (n) => readLive<Live<typeof Phone>>(Phone, ctx, n, { services: [] }));
    const trunks = await eachBounded(rc, "SIP trunks", byClass(DEVICE_CLASS.trunk), (n) => n, (n) => readLive<Live<typeof SipTrunk>>(SipTrunk, ctx, n));
    const profileNames = [...new Set(trunks.map((t) => t.securityProfileName).filter((n): n is string => !!n))].sort();
    const trunkSecurityProfiles = await eachBounded(rc, "SIP trunk security profiles", profileNames, (n) => n, (n) =>
      readLive<Live<typeof SipTrunkSecurityProfile>>(SipTrunkSecurityProfile, ctx, n),
    );
    const deviceProfiles = await eachBounded(rc, "device profiles", byClass(DEVICE_CLASS.deviceProfile), (n) => n, (n) =>
      readLive<Live<typeof DeviceProfile>>(DeviceProfile, ctx, n, { services: [] }),
    );
    const userids = (users ?? []).map((u) => u.userid!).filter(Boolean).sort();
    const endUsers = await eachBounded(rc, "end users", userids, (u) => u, (u) => readLive<Live<typeof EndUser>>(EndUser, ctx, u));
    const licenses = await eachBounded(rc, "licence capabilities", userids, (u) => u, (u) => readLive<Live<typeof LicenseCapabilities>>(LicenseCapabilities, ctx, u));
    // Standard application users (CCMAdministrator, CCMSysUser …) are CUCM's own.
    const appUserNames = (appUsers ?? []).filter((u) => u.isstandard !== "t").map((u) => u.name!).filter(Boolean).sort();
    const appUsersRead = await eachBounded(rc, "application users", appUserNames, (u) => u, async (u) => {
      const got = await readLive<Live<typeof AppUser>>(AppUser, ctx, u);
      if (!got) return undefined;
      // The password is never readable.
      const { password: _never, ...rest } = got;
      return rest as Live<typeof AppUser>;
    });
    const meetMeIds = (meetMeRows ?? [])
      .filter((r) => r.dnorpattern)
      .map((r) => lineId({ pattern: r.dnorpattern!, routePartitionName: r.fkroutepartition ? partitions.get(r.fkroutepartition.toLowerCase()) : undefined }))
      .sort();
    const meetMe = await eachBounded(rc, "Meet-Me numbers", meetMeIds, (n) => n, (n) => readLive<Live<typeof MeetMe>>(MeetMe, ctx, n));
    const dialRuleNames = (dialRules ?? []).map((r) => r.name!).filter(Boolean).sort();
    const dialRulesRead = await eachBounded(rc, "application dial rules", dialRuleNames, (n) => n, (n) => readLive<Live<typeof ApplicationDialRule>>(ApplicationDialRule, ctx, n));
    const serviceNames = (services ?? []).map((s) => s.name!).filter(Boolean).sort();
    const ipPhoneServices = await eachBounded(rc, "IP phone services", serviceNames, (n) => n, (n) => readLive<Live<typeof IpPhoneService>>(IpPhoneService, ctx, n));

    // Feature services on the node the connection reaches (Serviceability).
    const serviceStates = await eachBounded(rc, "feature services", [CTI_MANAGER, EXTENSION_MOBILITY], (s) => `${s} on ${connection.host}`, async (service) => {
      const state = await (await serviceabilityFor(connection, connection.host, rc.log)).status(service);
      return { node: connection.host, service, activated: state.activated, running: state.status === "Started" };
    });

    return {
      version,
      phones,
      lines: lines ?? [],
      callLimits: callLimits ?? [],
      endUsers,
      licenses,
      appUsers: appUsersRead,
      trunks,
      trunkSecurityProfiles,
      meetMe,
      dialRules: dialRulesRead,
      ipPhoneServices,
      deviceProfiles,
      services: serviceStates,
    };
  } finally {
    // Serviceability clients stay cached per process (the providers share them).
    client.close();
  }
}
