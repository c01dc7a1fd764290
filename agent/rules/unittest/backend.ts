/**
 * The store and PromQL engine unit tests run against: a fresh in-memory
 * store per test group and the agent's own engine over it, so a test proves
 * what the agent will compute.
 */
import { createEngine } from '../../promql';
import { MemoryStore } from '../../store';
import { engineQueryFunc, engineTemplateQueryFunc } from '../query-func';
import type { TestStorage } from './runner';

export function defaultTestStorage(): TestStorage {
  // Test times start at the epoch; retention is never applied (no compact()).
  const store = new MemoryStore({ maxSeries: 1_000_000 });
  const engine = createEngine(store);
  return { appender: store, query: engineQueryFunc(engine), templateQuery: engineTemplateQueryFunc(engine) };
}
