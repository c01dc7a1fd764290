/**
 * The factories the service builds pipelines from, by kind and type name.
 * agent/components.ts registers the built-in ones (one line each); tests
 * register their own types the same way, with no change to the service.
 */
import type { ComponentKind, Factory } from './factory';

export class Registry {
  private readonly byKind: Record<ComponentKind, Map<string, Factory>> = {
    receiver: new Map(), processor: new Map(), exporter: new Map(), connector: new Map(),
  };

  /** Adds a factory; a second factory for the same kind and type is a programming error. */
  register(factory: Factory): this {
    const map = this.byKind[factory.kind];
    if (map.has(factory.type)) throw new Error(`a ${factory.kind} factory for type "${factory.type}" is already registered`);
    if (!/^[a-z][a-z0-9_]*$/.test(factory.type)) throw new Error(`${factory.kind} type "${factory.type}" must be lower_snake_case`);
    map.set(factory.type, factory);
    return this;
  }

  get<K extends ComponentKind>(kind: K, type: string): Extract<Factory, { kind: K }> | undefined {
    return this.byKind[kind].get(type) as Extract<Factory, { kind: K }> | undefined;
  }

  has(kind: ComponentKind, type: string): boolean {
    return this.byKind[kind].has(type);
  }

  types(kind: ComponentKind): string[] {
    return [...this.byKind[kind].keys()].sort();
  }

  /** A copy that tests can extend without changing the built-in registry. */
  clone(): Registry {
    const r = new Registry();
    for (const map of Object.values(this.byKind)) for (const f of map.values()) r.register(f);
    return r;
  }
}

/** `type` or `type/name`, as the Collector writes component ids. */
export interface ComponentId { type: string; name?: string }

export function parseComponentId(id: string): ComponentId | string {
  const m = /^([a-z][a-z0-9_]*)(?:\/([A-Za-z0-9_.-]+))?$/.exec(id);
  if (!m) return `"${id}" is not a component id: expected type or type/name (type in lower_snake_case, name of letters, digits, _ . -)`;
  return m[2] === undefined ? { type: m[1] } : { type: m[1], name: m[2] };
}
