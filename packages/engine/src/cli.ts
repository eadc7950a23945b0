import { Command } from 'commander';
import { runCommand } from './cli/run-command.js';

/** The `riffle` command line (started by bin/riffle.js). */
const program = new Command('riffle').description("Runs Riffle job specs with Riffle's stream engine");

program
  .command('run')
  .description('run a job spec until its bounded sources finish or Ctrl-C stops it')
  .argument('<spec>', 'job spec file (JSON)')
  .option('--base-dir <dir>', "folder relative paths in the spec resolve against (default: the spec file's folder)")
  .action(async (spec: string, opts: { baseDir?: string }) => {
    process.exitCode = await runCommand(spec, opts);
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`riffle: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
