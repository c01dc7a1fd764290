/** The PromQL engine: public entry points. */
export * from './types';
export { createEngine, type EngineOptions } from './engine';
