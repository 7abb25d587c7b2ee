import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { runCampaignsBench } from '../../../../bench/campaigns/run';
import { runControlBench } from '../../../../bench/control/run';
import { runMessagingBench } from '../../../../bench/messaging/run';
import { runPlannersBench } from '../../../../bench/planners/run';
import { runSoak } from '../../../../bench/soak/run';
import { parseVisionSections, runVisionBench } from '../../../../bench/vision/run';

interface BenchFlags {
  json?: boolean;
  quick?: boolean;
  seeds?: string;
}

const CAMPAIGN_PARTS = ['pfm', 'synthesis', 'stem', 'overhead'] as const;

const resultFile = (name: string): string => resolve(process.cwd(), 'bench', 'results', `${name}.json`);

/** `lab bench <suite>`: benchmarks print tables (or JSON) and write bench/results/<suite>.json. */
export function addBenchCommands(program: Command): void {
  const bench = program.command('bench').description('benchmarks: print tables and write bench/results/*.json');
  bench
    .command('planners')
    .description('planner quality on standard functions and fit/acquisition timing')
    .option('--json', 'print JSON instead of tables')
    .option('--quick', 'fewer seeds and problems, for a smoke run')
    .option('--seeds <n>', 'seeds per problem (default 20; 5 with --quick)')
    .action(async (flags: BenchFlags) => {
      const seeds = flags.seeds ? Number(flags.seeds) : flags.quick ? 5 : 20;
      await runPlannersBench({ json: flags.json === true, quick: flags.quick === true, seeds, outFile: resultFile('planners') });
    });
  bench
    .command('messaging')
    .description('command-to-ack and command-to-result latency over MQTT and serial, and telemetry throughput')
    .option('--json', 'print JSON instead of tables')
    .option('--quick', 'fewer commands')
    .option('--mosquitto <url>', 'also measure through this Mosquitto (default: 127.0.0.1:1883 when it answers)')
    .action(async (flags: BenchFlags & { mosquitto?: string }) =>
      runMessagingBench({ json: flags.json === true, quick: flags.quick === true, outFile: resultFile('messaging'), mosquittoUrl: flags.mosquitto }),
    );
  bench
    .command('vision')
    .description('segmentation quality on fresh twin images against the classical baseline, inference latency, throughput, memory')
    .option('--json', 'print JSON instead of tables')
    .option('--quick', 'fewer frames and runs')
    .option('--only <sections>', 'comma-separated: quality, latency, sustained, memory, api (the others keep their previous results)')
    .action(async (flags: BenchFlags & { only?: string }) => {
      await runVisionBench({ json: flags.json === true, quick: flags.quick === true, only: flags.only === undefined ? undefined : parseVisionSections(flags.only), outFile: resultFile('vision') });
    });
  bench
    .command('campaigns')
    .description('the shipped campaigns on the twins: PFM discovery and mapping, synthesis and STEM closed through the orchestrator, its overhead')
    .option('--json', 'print JSON instead of tables')
    .option('--quick', 'a few seeds per part, for a smoke run')
    .addOption(new Option('--part <name>', 'only one part').choices(CAMPAIGN_PARTS))
    .action(async (flags: BenchFlags & { part?: (typeof CAMPAIGN_PARTS)[number] }) => {
      const parts = flags.part === undefined ? undefined : [flags.part];
      const name = flags.part === undefined ? 'campaigns' : `campaigns-${flags.part}`;
      await runCampaignsBench({ json: flags.json === true, quick: flags.quick === true, parts, outFile: resultFile(flags.quick ? `${name}-quick` : name) });
    });
  bench
    .command('control')
    .description('emergency-stop latency and event fan-out to 50 dashboards')
    .option('--json', 'print JSON instead of tables')
    .option('--quick', 'fewer rounds')
    .action(async (flags: BenchFlags) => runControlBench({ json: flags.json === true, quick: flags.quick === true, outFile: resultFile('control') }));
  bench
    .command('soak')
    .description('a long fast-clock campaign with an image per experiment; resident memory over time')
    .option('--json', 'print JSON instead of tables')
    .option('--experiments <n>', 'how many experiments', '10000')
    .action(async (flags: BenchFlags & { experiments: string }) => runSoak({ json: flags.json === true, experiments: Number(flags.experiments), outFile: resultFile('soak') }));
}
