/**
 * Identities: an alert's fingerprint (a stable hash of its label set, as
 * Alertmanager's FNV-1a 64-bit model.Fingerprint, printed as 16 hex digits)
 * and a group's key (route key + group labels), which the notification log
 * and PagerDuty's dedup_key use, so both must be stable across restarts.
 */
import { goQuote } from '../format/goquote';

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;
const SEP = 0xff;

function fnv1a(h: bigint, bytes: Uint8Array): bigint {
  for (const b of bytes) h = ((h ^ BigInt(b)) * FNV_PRIME) & MASK;
  return h;
}

const enc = new TextEncoder();
const SEP_BYTES = new Uint8Array([SEP]);

export function fingerprint(labels: Record<string, string>): string {
  let h = FNV_OFFSET;
  for (const name of Object.keys(labels).sort()) {
    h = fnv1a(h, enc.encode(name));
    h = fnv1a(h, SEP_BYTES);
    h = fnv1a(h, enc.encode(labels[name]));
    h = fnv1a(h, SEP_BYTES);
  }
  return h.toString(16).padStart(16, '0');
}


/** `{a="1", b="2"}` with sorted names: the printed form Alertmanager uses in group keys. */
export function labelsString(labels: Record<string, string>): string {
  return '{' + Object.keys(labels).sort().map((k) => `${k}=${goQuote(labels[k])}`).join(', ') + '}';
}

export function groupKey(routeKey: string, groupLabels: Record<string, string>): string {
  return `${routeKey}:${labelsString(groupLabels)}`;
}
