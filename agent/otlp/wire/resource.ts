/**
 * A resource's service and Prometheus identity read from its raw attributes,
 * as the decoded path reads them: the service is attributeString's FIRST
 * service.name; job and instance are resourceLabels' (the LAST of each key).
 */
import type { Labels } from '../../store/types';
import { SERVICE_INSTANCE_ID, SERVICE_NAME, SERVICE_NAMESPACE } from '../../translate/prometheus/labels';
import type { AttributeCursor } from './attributes';

const SERVICE_NAME_BYTES = Buffer.from(SERVICE_NAME);
const SERVICE_NAMESPACE_BYTES = Buffer.from(SERVICE_NAMESPACE);
const SERVICE_INSTANCE_ID_BYTES = Buffer.from(SERVICE_INSTANCE_ID);

/**
 * Walks the cursor's attributes; `each` (optional) sees every attribute too,
 * so a caller reading more keys needs no second pass.
 */
export function serviceAndIdentity(attrs: AttributeCursor, each?: (attrs: AttributeCursor) => void): { service: string | undefined; identity: Labels } {
  let service: string | undefined;
  let name: string | undefined;
  let namespace: string | undefined;
  let instance: string | undefined;
  while (attrs.next()) {
    if (attrs.keyIs(SERVICE_NAME_BYTES)) {
      name = attrs.value();
      service ??= name;
    } else if (attrs.keyIs(SERVICE_NAMESPACE_BYTES)) namespace = attrs.value();
    else if (attrs.keyIs(SERVICE_INSTANCE_ID_BYTES)) instance = attrs.value();
    each?.(attrs);
  }
  const identity: Labels = {};
  if (name) identity.job = namespace ? `${namespace}/${name}` : name;
  if (instance) identity.instance = instance;
  return { service, identity };
}
