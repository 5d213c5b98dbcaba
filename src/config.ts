/**
 * The stack config of one lab: one zod schema for the whole of it (Microsoft side, CUCM, CUP, the
 * users), checked before any system is called. Every error names its config path, as the user
 * wrote it in stacks/Pulumi.<lab>.yaml ("rcclab:users[3].e164: must be E.164, e.g. +14085551001"),
 * and all errors are reported at once. Secrets (passwords, keys) are plain here, inside the
 * program; the program hands them to resources as Pulumi secrets and no message ever shows them.
 */
import { z } from "zod";
import { formatPath } from "../providers/core/kind";
import { tlsSchema } from "../providers/core/tls";
import { adConnectionSchema } from "../providers/ad/client";
import { axlConnectionSchema } from "../providers/cucm/axl/client";
import { AXL_RELEASES } from "../providers/cucm/axl/model";
import { sipTrunkSecurityProfileFields } from "../providers/cucm/sipTrunkSecurityProfile";
import { cupCliSchema } from "../providers/cup/client";
import { ocsConnectionSchema } from "../providers/ocs/client";
import { STANDARD_GROUPS } from "../providers/cucm/fields";
import { PHONE_MODEL_NAMES, PHONE_MODELS, supports, type PhoneModel } from "../providers/cucm/models";

export const NAMESPACE = "rcclab";

export const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
export const FQDN = /^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

const fqdn = z.string().regex(FQDN, "must be a fully qualified domain name, e.g. cup.lab.example.com");
const domain = z.string().regex(FQDN, "must be a DNS domain, e.g. lab.example.com");
const ipv4 = z.string().regex(IPV4, "must be an IPv4 address, e.g. 10.10.10.5");
const hostOrIp = z.string().refine((s) => FQDN.test(s) || IPV4.test(s) || s === "localhost", "must be a host name or an IPv4 address");
const port = (d: number) => z.number().int().min(1).max(65535).default(d);
const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, "must be E.164, e.g. +14085551001");
/** A secret value: set with `pulumi config set --secret`. Messages never show the value. */
const secret = (what: string) =>
  z.string({ error: `missing: set it with pulumi config set --secret --path '${what}' <value>` }).min(1, "must not be empty");
const mac = z
  .string()
  .transform((s) => s.replace(/[:.\-]/g, "").toUpperCase())
  .refine((s) => /^[0-9A-F]{12}$/.test(s), "must be a MAC address, e.g. 00:1E:4A:AA:BB:01");
const userid = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "must be 1 to 64 letters, digits, '.', '_' or '-'");
/**
 * Settings passed straight into a system's connection take that connection's own rule (one source
 * of truth): what the provider would refuse, the stack refuses first, by its YAML path.
 */
const axl = axlConnectionSchema.shape;
const ldap = adConnectionSchema.shape;
const ssh = ocsConnectionSchema.shape;

export const labSchema = z
  .object({
    /** The SIP and AD domain all RCC users share (the guide requires one domain). */
    sipDomain: domain,
    /** The Active Directory DNS domain (default: the SIP domain). */
    adDomain: domain.optional(),
    /** A short name shown in summaries. */
    name: z.string().max(64).default("rcc-lab"),
  })
  .strict();

export const cucmSchema = z
  .object({
    host: hostOrIp,
    address: ipv4.optional(),
    port: port(8443),
    username: z.string().min(1),
    password: secret("rcclab:cucm.password"),
    /** AXL release: 7.0 is the guide's CUCM 7.0(2). */
    release: z.enum(AXL_RELEASES),
    /** Expected version prefix (B1), default the release. */
    version: z.string().regex(/^\d+(\.\d+){1,3}$/, "must be a version such as 7.0 or 7.0.2").optional(),
    tls: tlsSchema,
    /** CUCM nodes running CTI Manager (CUP's CTI gateway addresses, C4); default the publisher. */
    ctiManagers: z.array(hostOrIp).min(1).optional(),
    /** Per AXL request, and retries of throttled or lost requests (backoff with jitter). */
    timeoutMs: axl.timeoutMs,
    retries: axl.retries,
  })
  .strict();

export const cupSchema = z
  .object({
    host: fqdn,
    address: ipv4,
    port: port(8443),
    username: z.string().min(1),
    password: secret("rcclab:cup.password"),
    release: z.string().regex(/^\d+\.\d+$/, "must be a release such as 7.0").default("7.0"),
    tls: tlsSchema,
    /** SIP listening port and transport towards OCS (the guide uses TCP; TLS was not tested). */
    sipPort: port(5060),
    transport: z.enum(["TCP", "UDP", "TLS"]).default("TCP"),
    /** Incoming ACL entries (C3); default: every OCS front end and pool. Given: must cover every front end. */
    acl: z.array(hostOrIp).optional(),
    /** Expected CUP version prefix (C1), default the release. */
    version: z.string().regex(/^\d+(\.\d+){1,3}$/, "must be a version such as 7.0 or 7.0.3").optional(),
    /** CUP's platform CLI (SSH, admin: prompt): restarts the services that reload a changed setting. */
    cli: z
      .object({
        port: port(22),
        username: cupCliSchema.shape.username,
        password: secret("rcclab:cup.cli.password"),
        hostKeySha256: cupCliSchema.shape.hostKeySha256,
      })
      .strict()
      .optional(),
    /**
     * A lab's corrections to rcclab's CUP mapping: a YAML file in the stacks folder, e.g.
     * cup-mapping.lab1.yaml (`rcclab discover cup` drafts one; see providers/cup/mapping.yaml).
     */
    mapping: z
      .string()
      .regex(/^[A-Za-z0-9][\w.-]*\.ya?ml$/, "must be a YAML file name in the stacks folder, e.g. cup-mapping.lab1.yaml")
      .optional(),
    /** Write passwords into CUP columns no source confirms (C2's AXL password, C4's application password). */
    trustAssumedMapping: z.boolean().default(false),
    /** C4 desk phone control timers (seconds). */
    deskPhoneControl: z
      .object({ heartbeatInterval: z.number().int().min(1).max(3600).default(60), sessionTimer: z.number().int().min(1).max(86400).default(3600) })
      .strict()
      .default({ heartbeatInterval: 60, sessionTimer: 3600 }),
    /** C7 presence settings; the SIP proxy domain defaults to lab.sipDomain. */
    presence: z
      .object({
        proxyDomain: domain.optional(),
        availabilitySharing: z.boolean().default(true),
        allowAutoApproval: z.boolean().default(false),
        maxContactListSize: z.number().int().min(0).max(1000).default(200),
        maxWatchers: z.number().int().min(0).max(1000).default(200),
      })
      .strict()
      .default({ availabilitySharing: true, allowAutoApproval: false, maxContactListSize: 200, maxWatchers: 200 }),
  })
  .strict();

export const directorySchema = z
  .object({
    /** ldaps://dc1.lab.example.com:636, or ldap:// with startTls (plain LDAP only with allowPlainLdap). */
    url: ldap.url,
    bindDn: ldap.bindDn,
    password: secret("rcclab:directory.password"),
    /** Where the lab's users live, e.g. CN=Users,DC=lab,DC=example,DC=com. */
    usersDn: ldap.usersDn,
    /**
     * Where OCS keeps its pools (the RTC Service object), when not in either of OCS 2007 R2's places:
     * the Configuration partition (R2's default), then the forest root domain's System container.
     */
    rtcServiceDn: ldap.rtcServiceDn,
    startTls: z.boolean().default(false),
    allowPlainLdap: z.boolean().default(false),
    tls: tlsSchema,
    /**
     * A3: "create" — rcclab creates the lab's AD users (with initialPassword) and removes them on
     * destroy; "adopt" — the users exist already and rcclab only sets their RCC settings.
     */
    users: z.enum(["create", "adopt"]).default("create"),
    /** The initial password of the AD users rcclab creates (a secret). */
    initialPassword: z.string().min(1, "must not be empty").optional(),
  })
  .strict()
  .refine((d) => !d.url.startsWith("ldap://") || d.startTls || d.allowPlainLdap, {
    path: ["url"],
    message: "plain ldap:// needs startTls: true (or allowPlainLdap: true, which sends the password in clear)",
  })
  .refine((d) => d.users !== "create" || d.initialPassword, {
    // Also when other fields are wrong: every problem is reported at once.
    when: (p) => typeof p.value === "object" && p.value !== null,
    path: ["initialPassword"],
    message: "missing: rcclab creates the AD users (users: create), so set it with pulumi config set --secret --path 'rcclab:directory.initialPassword' <value>",
  });

export const dnsSchema = z
  .object({
    server: hostOrIp,
    port: port(53),
    zone: domain,
    /** e.g. 10.10.10.in-addr.arpa */
    reverseZone: z.string().regex(/^([0-9]{1,3}\.){1,3}in-addr\.arpa$/, "must be an in-addr.arpa zone, e.g. 10.10.10.in-addr.arpa"),
    ttl: z.number().int().min(60).max(86400).default(3600),
    tsig: z
      .object({
        name: z.string().min(1),
        algorithm: z.enum(["hmac-sha256", "hmac-sha1", "hmac-sha512", "hmac-md5"]).default("hmac-sha256"),
        secret: secret("rcclab:dns.tsig.secret"),
      })
      .strict()
      .optional(),
    /** Unsigned RFC 2136 updates, for AD-integrated zones that allow nonsecure updates. Explicit only. */
    allowUnsignedUpdates: z.boolean().default(false),
    /**
     * Adopt the lab's records where they already hold exactly what the lab needs (made by hand or by
     * another tool); adopted records are left in place on destroy. Without it, a record that exists
     * already stops the run: rcclab never takes over records it did not create.
     */
    adopt: z.boolean().default(false),
  })
  .strict()
  .refine((d) => d.tsig || d.allowUnsignedUpdates, { path: ["tsig"], message: "set a TSIG key, or allowUnsignedUpdates: true for a zone that takes nonsecure updates" });

const frontEnd = z.object({ fqdn, address: ipv4 }).strict();

export const ocsSchema = z
  .object({
    /** OCS 2007 R2 Enterprise pools; the guide's lab has several, one front end each. */
    pools: z
      .array(
        z
          .object({
            name: z.string().regex(/^[A-Za-z0-9-]{1,15}$/, "must be a pool name (NetBIOS-like, up to 15 characters)"),
            fqdn,
            address: ipv4,
            frontEnds: z.array(frontEnd).min(1),
            /** How rcclab reaches this pool's front end (default: ocs.transport). */
            transport: ssh.transport.unwrap().optional(),
          })
          .strict(),
      )
      .min(1),
    /**
     * How rcclab reaches the front ends (A2): "winrm" (WS-Management, as Windows Server 2003 R2 / 2008
     * offer it: the OCS WMI classes as WS-Man resources) or "ssh" (PowerShell over an SSH server).
     */
    transport: ssh.transport,
    winrm: z
      .object({
        /** Default 5986 (HTTPS), 5985 with https: false. */
        port: ssh.port,
        username: ssh.username,
        password: secret("rcclab:ocs.winrm.password"),
        /** "ntlm" (default: domain accounts) or "basic" (local accounts, Basic enabled on the server). */
        auth: ssh.auth,
        https: ssh.https,
        /** Plain HTTP (an unencrypted lab) only when this is true; Basic over it also needs allowBasicOverHttp. */
        allowHttp: ssh.allowHttp,
        allowBasicOverHttp: ssh.allowBasicOverHttp,
        /** The lab CA or a pinned certificate; each front end is verified as its FQDN unless servername is set. */
        tls: ssh.tls,
      })
      .strict()
      .optional(),
    ssh: z
      .object({
        port: port(22),
        username: ssh.username,
        password: secret("rcclab:ocs.ssh.password"),
        /** Pin the front ends' SSH host key ("SHA256:<base64>"); without it the key is accepted and logged. */
        hostKeySha256: ssh.hostKeySha256,
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    o.pools.forEach((p, i) => {
      const t = p.transport ?? o.transport;
      if (!o[t]) {
        ctx.addIssue({
          code: "custom",
          path: p.transport ? ["pools", i, "transport"] : [t],
          message: `missing: ${p.transport ? `pool ${p.name} is` : "the front ends are"} reached over ${t === "winrm" ? "WinRM" : "SSH"}, so set rcclab:ocs.${t} (port, username, password)`,
        });
      }
    });
  });

export const ctiSchema = z
  .object({
    /** The CTI application user (B3) CUP's desk phone control logs in with (C4). */
    userid: userid.default("rcc-cti"),
    password: secret("rcclab:cti.password"),
    userGroups: z.array(z.string().min(1)).default([STANDARD_GROUPS.ctiEnabled, STANDARD_GROUPS.ctiAllDevices]),
  })
  .strict();

const TRUNK_PROFILE = sipTrunkSecurityProfileFields.shape;
const TRUNK_PROFILE_DEFAULT = { name: "CUP Non Secure SIP Trunk Profile", description: "Non Secure SIP Trunk Profile for CUP (rcclab)" };

export const trunkSchema = z
  .object({
    name: z.string().min(1).max(50).default("CUP-SIP-Trunk"),
    description: z.string().max(114).default("SIP trunk to Cisco Unified Presence"),
    devicePoolName: z.string().min(1).default("Default"),
    locationName: z.string().min(1).default("Hub_None"),
    callingSearchSpaceName: z.string().min(1).optional(),
    /**
     * The trunk's own security profile, made by rcclab: a copy of the Non Secure SIP Trunk Profile
     * (TCP) that accepts presence subscription, out-of-dialog REFER, unsolicited notification and
     * Replaces (Cisco's IM and Presence guides).
     */
    securityProfile: z
      .object({ name: TRUNK_PROFILE.name.default(TRUNK_PROFILE_DEFAULT.name), description: TRUNK_PROFILE.description.default(TRUNK_PROFILE_DEFAULT.description) })
      .strict()
      .default(TRUNK_PROFILE_DEFAULT),
    sipProfileName: z.string().min(1).default("Standard SIP Profile"),
  })
  .strict()
  .default({
    name: "CUP-SIP-Trunk",
    description: "SIP trunk to Cisco Unified Presence",
    devicePoolName: "Default",
    locationName: "Hub_None",
    securityProfile: TRUNK_PROFILE_DEFAULT,
    sipProfileName: "Standard SIP Profile",
  });

export const callsPerLineSchema = z
  .object({ maxNumCalls: z.number().int().min(1).max(200), busyTrigger: z.number().int().min(1).max(200) })
  .strict()
  .refine((c) => c.busyTrigger <= c.maxNumCalls, { path: ["busyTrigger"], message: "must not exceed maxNumCalls" });

export const userSchema = z
  .object({
    userid,
    firstName: z.string().min(1).max(64),
    lastName: z.string().min(1).max(64),
    /** The user's number: their CUCM line and their OCS Line URI (tel:+E.164). */
    e164: e164,
    /** The OCS pool that homes the user (ocs.pools[].name). */
    pool: z.string().min(1),
    phone: z
      .object({
        model: z.enum(PHONE_MODEL_NAMES as [PhoneModel, ...PhoneModel[]], { error: `must be one of ${PHONE_MODEL_NAMES.join(", ")}` }),
        protocol: z.enum(["SCCP", "SIP"]),
        mac,
      })
      .strict(),
    /** Extension Mobility for this user (device profile, subscriptions). */
    extensionMobility: z.boolean().default(false),
    /** Enabled for remote call control (default true). */
    rcc: z.boolean().default(true),
    /** The Line URI, when written out; it must equal tel:<e164>. */
    lineUri: z.string().optional(),
    /** A3: msRTCSIP-OptionFlags bit 256, enhanced presence (OCS 2007 R2's default for new users). */
    enhancedPresence: z.boolean().default(true),
    /** Call-per-line limit of this user's line (B8); default the lab's. */
    callsPerLine: callsPerLineSchema.optional(),
    /** CUCM user groups (B5); the guide requires the CTI group for RCC. */
    userGroups: z.array(z.string().min(1)).default([STANDARD_GROUPS.ccmEndUsers, STANDARD_GROUPS.ctiEnabled]),
    /** The end user's CUCM password and PIN (B5), secrets; left out: not set by rcclab. */
    password: z.string().min(1, "must not be empty").optional(),
    pin: z.string().regex(/^\d{4,128}$/, "must be 4 or more digits").optional(),
    /** Licence capabilities (B6): Unified Presence and Unified Personal Communicator. */
    presence: z.object({ ups: z.boolean().default(true), upc: z.boolean().default(true) }).strict().default({ ups: true, upc: true }),
  })
  .strict();

export const extensionMobilitySchema = z
  .object({
    /** The Extension Mobility IP phone service (B11 step 2). */
    serviceName: z.string().min(1).max(32).default("Extension Mobility"),
    /** Default: http://<cucm.host>:8080/emapp/EMAppServlet?device=#DEVICENAME# */
    serviceUrl: z.string().regex(/^https?:\/\/\S+$/, "must be an http(s) URL").optional(),
    /** The CUCM node where the Cisco Extension Mobility service is activated (default cucm.host). */
    node: hostOrIp.optional(),
  })
  .strict()
  .default({ serviceName: "Extension Mobility" });

export const meetMeSchema = z
  .object({
    pattern: z.string().regex(/^\+?[0-9X]{1,24}$/, "must be digits (E.164 with + allowed), X as wildcard"),
    description: z.string().max(50).default(""),
    partition: z.string().min(1).optional(),
    minimumSecurityLevel: z.enum(["Non Secure", "Authenticated", "Encrypted"]).default("Non Secure"),
  })
  .strict();

export const dialRuleSchema = z
  .object({
    name: z.string().min(1).max(50),
    description: z.string().max(100).default(""),
    numberBeginsWith: z.string().regex(/^[0-9+*#]{0,50}$/, "must be digits, +, * or #"),
    numberOfDigits: z.number().int().min(0).max(50),
    digitsToBeRemoved: z.number().int().min(0).max(50),
    prefixPattern: z.string().regex(/^[0-9+*#]{0,50}$/, "must be digits, +, * or #").default(""),
    priority: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((r) => r.digitsToBeRemoved <= r.numberOfDigits || r.numberOfDigits === 0, { path: ["digitsToBeRemoved"], message: "must not exceed numberOfDigits" });

export const configSchema = z
  .object({
    lab: labSchema,
    cucm: cucmSchema,
    cup: cupSchema,
    directory: directorySchema,
    dns: dnsSchema,
    ocs: ocsSchema,
    cti: ctiSchema,
    trunk: trunkSchema,
    callsPerLine: callsPerLineSchema.optional(),
    extensionMobility: extensionMobilitySchema,
    users: z.array(userSchema).min(1, "at least one RCC user"),
    meetMe: z.array(meetMeSchema).default([]),
    dialRules: z.array(dialRuleSchema).default([]),
  })
  .strict()
  .superRefine((c, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const unique = (what: string, key: (u: (typeof c.users)[number]) => string, field: (string | number)[]) => {
      const seen = new Map<string, number>();
      c.users.forEach((u, i) => {
        const k = key(u).toLowerCase();
        const first = seen.get(k);
        if (first !== undefined) issue(["users", i, ...field], `${what} is already used by users[${first}]`);
        else seen.set(k, i);
      });
    };
    unique("userid", (u) => u.userid, ["userid"]);
    unique("number", (u) => u.e164, ["e164"]);
    unique("MAC", (u) => u.phone.mac, ["phone", "mac"]);
    if (c.cti.userid && c.users.some((u) => u.userid.toLowerCase() === c.cti.userid.toLowerCase())) {
      issue(["cti", "userid"], "must differ from every end user's userid (CUCM keeps application and end users apart)");
    }
    const pools = new Set(c.ocs.pools.map((p) => p.name));
    c.users.forEach((u, i) => {
      if (!supports(u.phone.model, u.phone.protocol)) {
        issue(["users", i, "phone", "protocol"], `the ${u.phone.model} does not support ${u.phone.protocol} (it supports ${PHONE_MODELS[u.phone.model].protocols.join(", ")})`);
      }
      if (!pools.has(u.pool)) issue(["users", i, "pool"], `must name an OCS pool (${[...pools].join(", ")})`);
      if (u.lineUri !== undefined && u.lineUri !== `tel:${u.e164}`) {
        issue(["users", i, "lineUri"], `must equal the number on the user's CUCM line, tel:${u.e164}`);
      }
      const limits = u.callsPerLine;
      if (PHONE_MODELS[u.phone.model].oneCallPerLine && limits && (limits.maxNumCalls !== 1 || limits.busyTrigger !== 1)) {
        issue(["users", i, "callsPerLine"], `the ${u.phone.model} takes one call per line: maxNumCalls and busyTrigger must both be 1 (leave callsPerLine out)`);
      }
      if (c.cucm.release !== "7.0" && u.presence.ups !== u.presence.upc) {
        issue(["users", i, "presence"], `CUCM ${c.cucm.release} has one IM and Presence flag for both: ups and upc must be equal (they differ only on 7.0)`);
      }
    });
    if (c.cup.acl) {
      const acl = new Set(c.cup.acl.map((a) => a.toLowerCase()));
      c.ocs.pools.forEach((p, pi) =>
        p.frontEnds.forEach((fe, fi) => {
          if (!acl.has(fe.fqdn.toLowerCase()) && !acl.has(fe.address)) {
            issue(["cup", "acl"], `must include OCS front end ${fe.fqdn} (ocs.pools[${pi}].frontEnds[${fi}]), or CUP refuses its SIP traffic`);
          }
        }),
      );
    }
    const numbers = new Set(c.users.map((u) => u.e164));
    c.meetMe.forEach((m, i) => {
      if (numbers.has(m.pattern)) issue(["meetMe", i, "pattern"], "is a user's number");
    });
    const poolNames = new Set<string>();
    c.ocs.pools.forEach((p, i) => {
      if (poolNames.has(p.name)) issue(["ocs", "pools", i, "name"], "is used by another pool");
      poolNames.add(p.name);
    });
  });

export type LabConfig = z.output<typeof configSchema>;
export type LabUser = LabConfig["users"][number];

/** One config problem: the YAML path and what is wrong. */
export interface ConfigError {
  path: string;
  message: string;
}

export class ConfigInvalid extends Error {
  constructor(readonly errors: ConfigError[]) {
    super(`the stack config is invalid:\n${errors.map((e) => `  ${e.path}: ${e.message}`).join("\n")}`);
    this.name = "ConfigInvalid";
  }
}

/** "rcclab:users[3].e164" from zod's ["users", 3, "e164"]. */
function yamlPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return NAMESPACE;
  const [key, ...rest] = path;
  const tail = formatPath(rest);
  return `${NAMESPACE}:${String(key)}${tail.startsWith("[") || !tail ? tail : `.${tail}`}`;
}

/**
 * The lab's config from Pulumi config values: keys "rcclab:<name>" (other namespaces ignored),
 * values as Pulumi hands them to programs (JSON strings for structured values) or already parsed.
 */
export function parseConfig(raw: Record<string, unknown>): { config?: LabConfig; errors: ConfigError[] } {
  const obj: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!k.startsWith(`${NAMESPACE}:`)) continue;
    obj[k.slice(NAMESPACE.length + 1)] = typeof v === "string" && /^\s*[[{]/.test(v) ? safeJson(v) : v;
  }
  const r = configSchema.safeParse(obj);
  if (r.success) return { config: r.data, errors: [] };
  const errors = r.error.issues.map((i) => ({ path: yamlPath(i.path), message: i.code === "unrecognized_keys" ? `unknown setting(s): ${i.keys.join(", ")}` : i.message }));
  // One line per path and message, in config order.
  const seen = new Set<string>();
  return { errors: errors.filter((e) => !seen.has(`${e.path}|${e.message}`) && seen.add(`${e.path}|${e.message}`)) };
}

function safeJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** The config, or a ConfigInvalid listing every problem. */
export function requireConfig(raw: Record<string, unknown>): LabConfig {
  const r = parseConfig(raw);
  if (!r.config) throw new ConfigInvalid(r.errors);
  return r.config;
}
