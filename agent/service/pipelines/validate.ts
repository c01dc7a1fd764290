/**
 * The pipeline graph's problems for a loaded config, without building it
 * (check-config, reload, `lookout run` before anything starts), and the
 * expanded pipelines as YAML (`check-config --print-pipelines`).
 */
import { stringify } from 'yaml';
import type { Registry } from '../../component/registry';
import type { ConfigProblem, LoadedConfig } from '../../config/load';
import { builtinComponents } from '../../components';
import { expandedPipelines, planGraph } from './plan';

export function pipelineProblems(loaded: LoadedConfig, registry: Registry = builtinComponents()): ConfigProblem[] {
  return planGraph(loaded.config, registry).problems;
}

/** service.pipelines as the agent runs them (the default ones when the config has none). */
export function printPipelines(loaded: LoadedConfig, registry: Registry = builtinComponents()): string {
  const source = loaded.config.service.pipelines ? 'service.pipelines' : 'default pipelines (no service.pipelines in the config)';
  return `# ${source}\n${stringify({ service: { pipelines: expandedPipelines(loaded.config, registry) } })}`;
}
