import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, dirname, isAbsolute, relative } from 'node:path';
import { table } from '../planners/stats';
import { cpuPressurePercent, measureRelayBaseline } from './baseline';
import { type CommandLatency, type LatencySummary, measureCommandLatency } from './latency';
import { aedesRig, BENCH_TIME_SCALE, MOSQUITTO_URL, mosquittoRig, type Rig, serialRig } from './rigs';
import { measureTelemetry, type TelemetryThroughput } from './telemetry';

export interface MessagingBenchOptions {
  json: boolean;
  outFile: string;
  /** A smoke run: fewer commands and telemetry messages (not enough for a stable p99). */
  quick: boolean;
  /** The external broker to measure besides the embedded one (default mqtt://127.0.0.1:1883; skipped when unreachable). */
  mosquittoUrl?: string;
}

/** The target from issue 4: an ack within 5 ms for 99 % of commands on loopback. */
export const ACK_P99_TARGET_MS = 5;

interface TransportResult {
  transport: string;
  latency: CommandLatency;
  telemetry: TelemetryThroughput[];
  meetsAckTarget: boolean;
}

/**
 * `lab bench messaging`: command-to-ack and command-to-result latency and telemetry throughput
 * over each transport, with the orchestrator's real links and the twins' real device side in one
 * process. Prints a table (or JSON) and writes the report to `outFile`.
 */
export async function runMessagingBench(options: MessagingBenchOptions): Promise<void> {
  const commands = options.quick ? 300 : 2000;
  const telemetryMessages = options.quick ? 2000 : 20_000;
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const results: TransportResult[] = [];
  const skipped: string[] = [];
  const pressureAtStart = cpuPressurePercent();
  log(`baseline: ${commands} round trips over four bare loopback hops`);
  const baseline = await measureRelayBaseline(commands);
  const mosquittoUrl = options.mosquittoUrl ?? MOSQUITTO_URL;
  for (const start of [aedesRig, () => mosquittoRig(mosquittoUrl), serialRig]) {
    const rig = await start();
    if (!rig) {
      skipped.push(`mqtt, mosquitto: nothing answers at ${mosquittoUrl}`);
      log(`skipped: no broker at ${mosquittoUrl}`);
      continue;
    }
    try {
      results.push(await benchOne(rig, commands, telemetryMessages, log));
    } finally {
      await rig.close();
    }
  }
  const report = {
    benchmark: 'messaging',
    timestamp: new Date().toISOString(),
    command: commandLine(),
    machine: {
      cores: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      nodeVersion: process.version,
      platform: process.platform,
      loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
      // Share of the last minute in which some task waited for a CPU, before and after the run.
      cpuPressurePct: { atStart: pressureAtStart, atEnd: cpuPressurePercent() },
    },
    settings: { commandsPerTransport: commands, telemetryMessagesPerKind: telemetryMessages, twinTimeScale: BENCH_TIME_SCALE, action: 'spm setBias' },
    target: { ackP99Ms: ACK_P99_TARGET_MS, met: results.filter((r) => r.transport.startsWith('mqtt')).every((r) => r.meetsAckTarget) },
    baseline: { bareLoopbackFourHopsMs: baseline },
    results,
    skipped,
  };
  mkdirSync(dirname(options.outFile), { recursive: true });
  writeFileSync(options.outFile, `${JSON.stringify(report, null, 2)}\n`);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const { machine } = report;
  console.log(renderTables(results, baseline));
  console.log(`\n${machine.cores} cores (${machine.cpuModel}), load ${machine.loadAverage1m}, CPU pressure ${machine.cpuPressurePct.atStart ?? '?'} % -> ${machine.cpuPressurePct.atEnd ?? '?'} %, node ${machine.nodeVersion}; wrote ${options.outFile}`);
}

async function benchOne(rig: Rig, commands: number, telemetryMessages: number, log: (line: string) => void): Promise<TransportResult> {
  log(`${rig.transport}: ${commands} commands`);
  const latency = await measureCommandLatency(rig.link, commands, ACK_P99_TARGET_MS);
  log(`${rig.transport}: ${telemetryMessages} status and progress messages`);
  const telemetry = await measureTelemetry(rig, telemetryMessages);
  return { transport: rig.transport, latency, telemetry, meetsAckTarget: latency.ack.p99Ms <= ACK_P99_TARGET_MS };
}

/** The latency table and the throughput table, in Markdown so RESULTS.md can take them as printed. */
export function renderTables(results: TransportResult[], baseline: LatencySummary): string {
  const ms = (x: number): string => x.toFixed(2);
  const latency = table(
    ['transport', 'n', 'ack p50 ms', 'ack p95 ms', 'ack p99 ms', 'result p50 ms', 'result p95 ms', 'result p99 ms', 'CPU ms/cmd', `acks > ${ACK_P99_TARGET_MS} ms: wall / CPU ms`, 'failures', `ack p99 <= ${ACK_P99_TARGET_MS} ms`],
    results.map(({ transport, latency: { ack, result, failures, cpuMsPerCommand, slowAcks }, meetsAckTarget }) => [
      transport,
      String(ack.n),
      ms(ack.p50Ms),
      ms(ack.p95Ms),
      ms(ack.p99Ms),
      ms(result.p50Ms),
      ms(result.p95Ms),
      ms(result.p99Ms),
      ms(cpuMsPerCommand),
      slowAcks.count ? `${slowAcks.count}: ${ms(slowAcks.meanWallMs)} / ${ms(slowAcks.meanCpuMs)}` : '0',
      String(failures),
      meetsAckTarget ? 'yes' : 'NO',
    ]),
  );
  const floor = table(
    ['baseline (no MQTT): bare loopback, four hops', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
    [['round trip, 200 bytes, one process', String(baseline.n), ms(baseline.p50Ms), ms(baseline.p95Ms), ms(baseline.p99Ms), ms(baseline.maxMs)]],
  );
  const throughput = table(
    ['transport', 'telemetry', 'sent', 'delivered', 'seconds', 'messages/s'],
    results.flatMap(({ transport, telemetry }) => telemetry.map((t) => [transport, t.kind, String(t.sent), String(t.delivered), t.seconds.toFixed(2), String(t.perSecond)])),
  );
  return `${latency}\n\n${throughput}\n\n${floor}`;
}

/** How this run was started, with paths relative to the working directory. */
function commandLine(): string {
  const [node, ...args] = process.argv;
  const shown = args.map((arg) => (isAbsolute(arg) ? relative(process.cwd(), arg) : arg));
  return [basename(node), ...shown].join(' ');
}
