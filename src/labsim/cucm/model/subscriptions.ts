/**
 * IP phone service subscriptions (CUCM's telecastersubscribedservice rows) on phones and device
 * profiles. A subscription names an existing IP phone service (telecasterservice).
 */
import { faults } from "../faults";
import { type CucmDb, type IpPhoneServiceRow, type SubscriptionRow, newPkid, pkidOf } from "./db";

export interface SubscriptionInput {
  /** telecasterServiceName. */
  serviceName?: string;
  /** 7.0's telecasterService element: only its uuid attribute is read. */
  serviceUuid?: string;
  /** The subscription's display name. */
  name: string;
  /** Default: the service's own URL. */
  url?: string;
  urlButtonIndex?: number;
  urlLabel?: string;
  urlLabelAscii?: string;
  serviceNameAscii?: string;
}

export const SUBSCRIPTION_LABEL = "IP Phone Service";

export function findService(db: CucmDb, input: Pick<SubscriptionInput, "serviceName" | "serviceUuid">): IpPhoneServiceRow {
  const service = input.serviceUuid
    ? db.ipPhoneServices.get(pkidOf(input.serviceUuid))
    : input.serviceName !== undefined
      ? db.ipPhoneServiceByName(input.serviceName)
      : undefined;
  if (!service) throw faults.missingReference(SUBSCRIPTION_LABEL, input.serviceName ?? input.serviceUuid ?? "");
  return service;
}

/** Resolves a whole subscription list (it replaces the current one; unchanged entries keep their pkid). */
export function resolveSubscriptions(db: CucmDb, inputs: SubscriptionInput[], current: SubscriptionRow[]): SubscriptionRow[] {
  const reusable = [...current];
  return inputs.map((input) => {
    const service = findService(db, input);
    if (!input.name.trim()) throw faults.invalid("Service Name is required for a subscription");
    const i = reusable.findIndex((c) => c.servicePkid === service.pkid && c.name === input.name);
    const pkid = i >= 0 ? reusable.splice(i, 1)[0]!.pkid : newPkid();
    return {
      pkid,
      servicePkid: service.pkid,
      name: input.name,
      url: input.url ?? service.url,
      urlButtonIndex: input.urlButtonIndex ?? 0,
      urlLabel: input.urlLabel ?? "",
      urlLabelAscii: input.urlLabelAscii ?? "",
      serviceNameAscii: input.serviceNameAscii ?? "",
      priority: null,
    };
  });
}

/** Every subscription of a service (phones and device profiles). */
export function subscriptionsOf(db: CucmDb, servicePkid: string): SubscriptionRow[] {
  return db.lineDevices().flatMap((d) => d.services.filter((s) => s.servicePkid === servicePkid));
}
