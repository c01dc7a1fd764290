/**
 * Every processor factory in this folder (the pipelines registry registers
 * them all). batch and memory_limiter live with the pipelines code.
 */
import type { ProcessorFactory } from '../component/factory';
import { redactionProcessorFactory } from './redaction/factory';
import { attributesProcessorFactory } from './attributes/factory';
import { resourceProcessorFactory } from './resource/factory';
import { filterProcessorFactory } from './filter/factory';

export { redactionProcessorFactory, attributesProcessorFactory, resourceProcessorFactory, filterProcessorFactory };

export const processorFactories: readonly ProcessorFactory[] = [
  redactionProcessorFactory,
  attributesProcessorFactory,
  resourceProcessorFactory,
  filterProcessorFactory,
] as ProcessorFactory[];
