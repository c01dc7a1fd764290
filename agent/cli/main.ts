#!/usr/bin/env node
/** The `lookout` command line. */
import { Command } from 'commander';
import { BUILD_INFO } from '../telemetry/build-info';
import { runCommand } from './run';
import { checkConfigCommand } from './check-config';
import { injectCommand } from '../inject/inject';
import { runRuleTests } from '../rules';

const program = new Command();
program
  .name('lookout')
  .description('OpenTelemetry-native sidecar agent: OTLP in and out, local PromQL rules, Alertmanager-style alerting')
  .version(BUILD_INFO.version, '-v, --version');

program
  .command('run')
  .description('run the agent (without --config: OTLP/HTTP on 127.0.0.1:4318, admin on 127.0.0.1:9464, no upstream, storage in ./data)')
  .option('-c, --config <file>', 'YAML configuration file')
  .action(async (opts: { config?: string }) => {
    await runCommand(opts);
  });

program
  .command('check-config')
  .description('validate a configuration file; exit 0 when valid, 1 listing every problem as path.to.key: message')
  .argument('<file>', 'YAML configuration file')
  .option('--print-pipelines', 'also print service.pipelines as the agent runs them (the default pipelines when the file has none)')
  .action((file: string, opts: { printPipelines?: boolean }) => {
    process.exitCode = checkConfigCommand(file, { printPipelines: opts.printPipelines });
  });

program
  .command('inject')
  .description('write the self-contained zero-code preload into DIR; start the app with NODE_OPTIONS="--require DIR/register.js"')
  .argument('<dir>', 'directory to write (a shared volume)')
  .action(async (dir: string) => {
    process.exitCode = await injectCommand(dir);
  });

program
  .command('test-rules')
  .description('run promtool-format rule unit-test files; exit 0 when all pass, 1 otherwise (like `promtool test rules`)')
  .argument('<files...>', 'unit-test YAML files')
  .action(async (files: string[]) => {
    const result = await runRuleTests(files);
    process.stdout.write(result.output);
    process.exitCode = result.ok ? 0 : 1;
  });

program.parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`lookout: ${err.message}\n`);
  process.exit(1);
});
