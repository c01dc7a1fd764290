/**
 * The subset of kustomize the shipped layout uses, with kustomize's
 * semantics, so tests render exactly what `kubectl apply -k` would apply:
 * `resources` (files, and directories holding a kustomization.yaml, rendered
 * recursively), `namespace` (set on every namespaced object), `images`
 * (name -> newName/newTag/digest on every container and init container) and
 * `patches` (strategic merge patches from a file, with an optional
 * kind/name target; lists of named objects merge by name). Anything else in a
 * kustomization is refused, so the test cannot silently skip a feature.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [k: string]: unknown };

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  patches?: { path: string; target?: { kind?: string; name?: string } }[];
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'images', 'patches']);
/** Kinds without a namespace among those the layout uses. */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass', 'CustomResourceDefinition']);

function readObjects(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => {
    if (d.errors.length) throw new Error(`${file}: ${d.errors[0].message}`);
    return d.toJS() as K8sObject;
  }).filter(Boolean);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Strategic merge: maps merge recursively; lists whose items all have a `name` merge by name; other lists are replaced. */
export function strategicMerge(base: unknown, patch: unknown): unknown {
  if (isPlainObject(base) && isPlainObject(patch)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(patch)) out[k] = v === null ? undefined : k in base ? strategicMerge(base[k], v) : v;
    for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
    return out;
  }
  const named = (l: unknown): l is Record<string, unknown>[] => Array.isArray(l) && l.every((x) => isPlainObject(x) && typeof x.name === 'string');
  if (named(base) && named(patch)) {
    const out = base.map((x) => ({ ...x }));
    for (const p of patch) {
      const i = out.findIndex((x) => x.name === p.name);
      if (i >= 0) out[i] = strategicMerge(out[i], p) as Record<string, unknown>;
      else out.push(p);
    }
    return out;
  }
  return patch;
}

function setImage(image: string, rules: NonNullable<Kustomization['images']>): string {
  // name[:tag][@digest]; the registry part may hold a ':' port, so split the tag after the last '/'.
  const [nameTag, digest] = image.split('@');
  const slash = nameTag.lastIndexOf('/');
  const colon = nameTag.indexOf(':', slash + 1);
  const name = colon >= 0 ? nameTag.slice(0, colon) : nameTag;
  const tag = colon >= 0 ? nameTag.slice(colon + 1) : undefined;
  const rule = rules.find((r) => r.name === name);
  if (!rule) return image;
  const newName = rule.newName ?? name;
  if (rule.digest) return `${newName}@${rule.digest}`;
  const newTag = rule.newTag ?? tag;
  return `${newName}${newTag ? `:${newTag}` : ''}${!rule.newTag && digest ? `@${digest}` : ''}`;
}

function podSpecs(obj: K8sObject): Record<string, unknown>[] {
  const spec = obj.spec as { template?: { spec?: Record<string, unknown> } } | undefined;
  return spec?.template?.spec ? [spec.template.spec] : [];
}

export function renderKustomization(dir: string): K8sObject[] {
  const file = path.join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${dir} holds no kustomization.yaml`);
  const k = parse(readFileSync(file, 'utf8')) as Kustomization;
  for (const key of Object.keys(k)) if (!SUPPORTED.has(key)) throw new Error(`${file}: ${key} is not supported by this renderer`);
  let objects: K8sObject[] = [];
  for (const r of k.resources ?? []) {
    const p = path.resolve(dir, r);
    objects.push(...(statSync(p).isDirectory() ? renderKustomization(p) : readObjects(p)));
  }
  for (const patch of k.patches ?? []) {
    const patchObj = readObjects(path.resolve(dir, patch.path))[0];
    const kind = patch.target?.kind ?? patchObj.kind;
    const name = patch.target?.name ?? patchObj.metadata.name;
    const hits = objects.filter((o) => o.kind === kind && o.metadata.name === name);
    if (hits.length === 0) throw new Error(`${file}: patch ${patch.path} matches no ${kind}/${name}`);
    objects = objects.map((o) => (hits.includes(o) ? strategicMerge(o, { ...patchObj, apiVersion: o.apiVersion, kind: o.kind }) as K8sObject : o));
  }
  if (k.images) {
    for (const o of objects) {
      for (const spec of podSpecs(o)) {
        for (const list of ['containers', 'initContainers'] as const) {
          for (const c of (spec[list] ?? []) as { image: string }[]) c.image = setImage(c.image, k.images);
        }
      }
    }
  }
  if (k.namespace) {
    for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata = { ...o.metadata, namespace: k.namespace };
  }
  return objects;
}
