import 'reflect-metadata';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, jsonSchemas } from '@lab/config';
import { Command, InvalidArgumentError, Option } from 'commander';
import { addBenchCommands } from './bench.command';
import { segmentCommand } from '../vision/segment.command';
import { exportCommand, replayCommand } from './export.command';
import { passwdCommand } from './passwd.command';
import { parsePort, parseSeed } from './options';
import { reportCommand } from './report.command';
import { runCommand } from './run.command';
import { simCommand } from './sim.command';
import { startCommand } from './start.command';
import { validateCommand } from './validate.command';

const asArg = <T>(parse: (v: string) => T) => (value: string): T => {
  try {
    return parse(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
};

const program = new Command('lab')
  .description('Self-driving lab: planners choose experiments, instruments run them, technicians steer.')
  .showHelpAfterError();

const withCommon = (command: Command): Command =>
  command
    .option('--lab <file>', 'lab file (instruments, broker, database)', 'config/lab.yaml')
    .option('--broker <url>', 'external MQTT broker, e.g. mqtt://127.0.0.1:1883')
    .option('--db <url-or-path>', 'database: a SQLite file path, sqlite:<path> or postgres://...');

withCommon(program.command('start'))
  .description('start the orchestrator, dashboard and digital twins; runs the demo campaign unless --idle')
  .option('--idle', 'do not start a campaign')
  .option('--campaign <file>', 'campaign to start', 'config/campaigns/demo.yaml')
  .option('--seed <n>', 'planner and twin seed', asArg(parseSeed), 1)
  .option('--port <n>', 'HTTP port (default from the lab file)', asArg(parsePort))
  .option('--host <host>', 'HTTP host (default from the lab file)')
  .option('--no-sim', 'do not run the digital twins here (they run elsewhere, e.g. lab sim)')
  .action(async (flags) => startCommand({ ...flags, simulate: flags.sim === false ? false : undefined }));

withCommon(program.command('run'))
  .description('run one campaign to its end and print a summary')
  .argument('<campaign>', 'campaign file')
  .option('--headless', 'no HTTP server or dashboard')
  .option('--seed <n>', 'planner and twin seed', asArg(parseSeed), 1)
  .option('--json', 'print the result as one JSON line (the last line of stdout)')
  .option('--port <n>', 'HTTP port when not headless', asArg(parsePort))
  .action(async (campaign: string, flags) => {
    process.exitCode = await runCommand(campaign, flags);
  });

withCommon(program.command('report'))
  .description('write a self-contained HTML report of a campaign: convergence, predicted vs measured, decisions, provenance')
  .argument('<campaignId>', 'campaign id, or a unique prefix of it')
  .option('--out <file>', 'output file (default: <dataDir>/reports/<campaignId>.html)')
  .action(async (campaignId: string, flags) => {
    process.exitCode = await reportCommand(campaignId, flags);
  });

program
  .command('validate')
  .description('check campaign and lab files; every problem as file:line:col field: message')
  .argument('<files...>')
  .option('--lab <file>', 'lab file to check campaigns against', 'config/lab.yaml')
  .action((files: string[], flags: { lab?: string }) => {
    process.exitCode = validateCommand(files, flags);
  });

withCommon(program.command('sim'))
  .description('run only the digital twins, for an orchestrator started elsewhere')
  .option('--seed <n>', 'twin seed', asArg(parseSeed))
  .option('--ledger <file>', 'append every command the twins execute to this file, as JSON lines (start and end)')
  .action(async (flags) => simCommand(flags));

program
  .command('schema')
  .description('write JSON Schemas of the campaign and lab files (for editor autocomplete)')
  .option('--out <dir>', 'output directory', 'config/schema')
  .action((flags: { out: string }) => {
    const dir = resolve(flags.out);
    mkdirSync(dir, { recursive: true });
    for (const [name, schema] of Object.entries(jsonSchemas())) {
      writeFileSync(join(dir, `${name}.schema.json`), `${JSON.stringify(schema, null, 2)}\n`);
    }
    console.log(`wrote ${dir}/campaign.schema.json and lab.schema.json`);
  });

program
  .command('segment')
  .description('segment a TIFF or PNG image from disk: print its features, write the overlay next to it')
  .argument('<image>')
  .option('--model <name>', 'model name (default: the task default for the image)')
  .option('--json', 'print the features as one JSON line')
  .option('--pixel-size-nm <nm>', 'pixel size when the file does not say', asArg(Number))
  .option('--classical', 'use the classical baseline instead of a model')
  .addOption(new Option('--task <task>', "what to find (default: the model's task)").choices(['atoms', 'domains']))
  .action(async (image: string, flags: { model?: string; json?: boolean; pixelSizeNm?: number; classical?: boolean; task?: 'atoms' | 'domains' }) => {
    process.exitCode = await segmentCommand(image, flags);
  });

program
  .command('passwd')
  .description('hash a password (read from stdin) and print the user entry for lab.yaml')
  .argument('<name>')
  .option('--role <role>', 'viewer, technician, pi or admin', 'technician')
  .action(async (name: string, flags: { role: string }) => passwdCommand(name, flags));

withCommon(program.command('export'))
  .description('write a campaign as a self-describing bundle: NeXus/HDF5 with every frame, CSV/JSON, configs, manifest (docs/export.md)')
  .argument('<campaignId>', 'campaign id, or a unique prefix of it')
  .option('--out <dir>', 'bundle directory (default <dataDir>/exports/<campaignId>)')
  .action(async (campaignId: string, flags: { out?: string; lab?: string; db?: string }) => {
    process.exitCode = await exportCommand(campaignId, flags);
  });

program
  .command('replay')
  .description("check a bundle's checksums and replay its planner offline; exit 0 when every proposal replays identically")
  .argument('<bundleDir>')
  .option('--json', 'print the report as one JSON line')
  .action(async (bundleDir: string, flags: { json?: boolean }) => {
    process.exitCode = await replayCommand(bundleDir, flags);
  });

addBenchCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`lab: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(2);
});
