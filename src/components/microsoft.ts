/**
 * A. The Microsoft side, in the guide's order: DNS records (A1: A and PTR for CUP, CUCM, the pools
 * and front ends; the OCS sign-in SRV records), each pool's front end (A2: the static route whose
 * match URI is CUP's FQDN, and host authorization for CUP), the AD users enabled for remote call
 * control (A3: Line URI = the user's number, Server URI = CUP), and the Communicator settings
 * (A4: an artifact, the `communicatorSettings` output; applied on the clients by hand).
 *
 * Connections are completed with their providers' defaults here (and so checked once more), then
 * passed as Pulumi secrets.
 */
import * as pulumi from "@pulumi/pulumi";
import { type AdConnection, adConnectionSchema } from "../../providers/ad/client";
import { RccSettings } from "../../providers/ad/rccSettings";
import { User as AdUser } from "../../providers/ad/user";
import { type DnsConnection, dnsConnectionSchema } from "../../providers/dns/client";
import { guideRecordSets } from "../../providers/dns/guide";
import { RecordSet } from "../../providers/dns/recordSet";
import { type OcsConnection, ocsConnectionSchema } from "../../providers/ocs/client";
import { HostAuthorization } from "../../providers/ocs/hostAuthorization";
import { StaticRoute } from "../../providers/ocs/staticRoute";
import { FQDN, type LabConfig } from "../config";
import { communicatorSettings, ocsTransport, rccUsers } from "../derive";
import { childrenOf } from "./origin";


export class MicrosoftSide extends pulumi.ComponentResource {
  readonly communicatorSettings: ReturnType<typeof communicatorSettings>;
  /** DNS records not derived, and why (a host outside the zone, an address outside the reverse zone). */
  readonly dnsSkipped: string[];

  constructor(name: string, cfg: LabConfig, opts: pulumi.ComponentResourceOptions = {}) {
    super("rcclab:lab:Microsoft", name, {}, opts);
    // Every child is named under this component: two labs in one program never collide.
    const from = childrenOf(name);
    const dns = cfg.dns;
    const dir = cfg.directory;

    // A1: DNS.
    const { recordSets, skipped } = guideRecordSets({
      zone: dns.zone,
      reverseZone: dns.reverseZone,
      ttl: dns.ttl,
      sipDomain: cfg.lab.sipDomain,
      cup: { fqdn: cfg.cup.host, address: cfg.cup.address },
      ...(cfg.cucm.address && FQDN.test(cfg.cucm.host) ? { cucm: { fqdn: cfg.cucm.host, address: cfg.cucm.address } } : {}),
      pools: cfg.ocs.pools,
    });
    this.dnsSkipped = skipped;
    const dnsConn = pulumi.secret(dnsConnection(cfg));
    const records = recordSets.map((r) => new RecordSet.Resource(from("dns", r.resourceName), { ...r.fields, adopt: dns.adopt, connection: dnsConn }, { parent: this }));

    // A2: on each pool (its routes and authorizations live in the pool's back end: one front end serves).
    const frontEnds: pulumi.Resource[] = [];
    for (const pool of cfg.ocs.pools) {
      const connection = pulumi.secret(ocsConnection(cfg, pool));
      const after = { parent: this, dependsOn: records };
      frontEnds.push(
        new StaticRoute.Resource(
          from(`ocs.pools[${cfg.ocs.pools.indexOf(pool)}]`, `static-route-${pool.name}`),
          { matchUri: cfg.cup.host, nextHop: cfg.cup.address, port: cfg.cup.sipPort, transport: cfg.cup.transport === "TLS" ? "TLS" : "TCP", connection },
          after,
        ),
        new HostAuthorization.Resource(from(`ocs.pools[${cfg.ocs.pools.indexOf(pool)}]`, `host-authorization-${pool.name}`), { server: cfg.cup.address, connection }, after),
      );
    }

    // A3: the users, enabled for remote call control.
    const adConn = pulumi.secret(adConnection(cfg));
    const adDomain = cfg.lab.adDomain ?? cfg.lab.sipDomain;
    for (const u of rccUsers(cfg)) {
      // "create": rcclab owns the user; "adopt": the user is only looked up (nothing else is written).
      const user = new AdUser.Resource(
        from(`users[${cfg.users.indexOf(u)}]`, `ad-user-${u.userid}`),
        dir.users === "create"
          ? {
              sAMAccountName: u.userid,
              givenName: u.firstName,
              sn: u.lastName,
              displayName: `${u.firstName} ${u.lastName}`,
              userPrincipalName: `${u.userid}@${adDomain}`,
              password: pulumi.secret(dir.initialPassword!),
              connection: adConn,
            }
          : { sAMAccountName: u.userid, adopt: true, connection: adConn },
        { parent: this },
      );
      new RccSettings.Resource(
        from(`users[${cfg.users.indexOf(u)}]`, `rcc-settings-${u.userid}`),
        {
          sAMAccountName: u.userid,
          sipDomain: cfg.lab.sipDomain,
          pool: u.pool,
          e164: u.e164,
          cupFqdn: cfg.cup.host,
          enhancedPresence: u.enhancedPresence,
          connection: adConn,
        },
        { parent: this, dependsOn: [user, ...frontEnds] },
      );
    }

    // A4.
    this.communicatorSettings = communicatorSettings(cfg);
    this.registerOutputs({});
  }
}

/** A3's LDAP connection, completed with the provider's defaults (as every AD resource gets it). */
export function adConnection(cfg: LabConfig): AdConnection {
  const dir = cfg.directory;
  return adConnectionSchema.parse({
    url: dir.url,
    bindDn: dir.bindDn,
    password: dir.password,
    usersDn: dir.usersDn,
    ...(dir.rtcServiceDn ? { rtcServiceDn: dir.rtcServiceDn } : {}),
    startTls: dir.startTls,
    allowPlainLdap: dir.allowPlainLdap,
    tls: dir.tls,
  });
}

/** A1's DNS connection, completed with the provider's defaults (as every record set gets it). */
export function dnsConnection(cfg: LabConfig): DnsConnection {
  const dns = cfg.dns;
  return dnsConnectionSchema.parse({ server: dns.server, port: dns.port, ...(dns.tsig ? { tsig: dns.tsig } : {}), allowUnsignedUpdates: dns.allowUnsignedUpdates });
}

/** A2's connection to a pool: its first front end (the pool's routes and authorizations live in its back end). */
export function ocsConnection(cfg: LabConfig, pool: LabConfig["ocs"]["pools"][number]): OcsConnection {
  const fe = pool.frontEnds[0]!;
  return ocsConnectionSchema.parse({ host: fe.address, pool: pool.fqdn, ...frontEndAccess(cfg, pool, fe.fqdn) });
}

/**
 * How a pool's front end is reached: WinRM (its certificate verified as the front end's FQDN unless
 * the stack pins one or names another) or SSH, from the stack's ocs.winrm / ocs.ssh.
 */
function frontEndAccess(cfg: LabConfig, pool: LabConfig["ocs"]["pools"][number], fqdn: string): Record<string, unknown> {
  if (ocsTransport(cfg, pool) === "ssh") {
    const ssh = cfg.ocs.ssh!;
    return { transport: "ssh", port: ssh.port, username: ssh.username, password: ssh.password, ...(ssh.hostKeySha256 ? { hostKeySha256: ssh.hostKeySha256 } : {}) };
  }
  const { tls, ...w } = cfg.ocs.winrm!;
  const verifiedAs = tls && (tls.servername || tls.fingerprint256 || tls.insecureSkipVerify) ? {} : { servername: fqdn };
  return { transport: "winrm", ...w, ...(w.https === false ? {} : { tls: { ...tls, ...verifiedAs } }) };
}
