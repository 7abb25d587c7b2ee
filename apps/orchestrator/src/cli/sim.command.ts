import { startSimulatedLab } from '@lab/simulations';
import { twinOptionsOf } from '../runtime/twin-options';
import { type CommonFlags, runtimeOptions } from './options';
import { onShutdownSignal } from './shutdown';

/**
 * `lab sim`: the lab's digital twins alone, on a broker (an external one, or the orchestrator's
 * embedded one), so a separately started orchestrator drives them exactly as hardware.
 */
export async function simCommand(flags: CommonFlags & { seed?: number; ledger?: string }): Promise<void> {
  const options = runtimeOptions(flags, (line) => console.log(line));
  const lab = options.lab.config;
  const brokerUrl = options.brokerUrl ?? lab.broker.url ?? `mqtt://127.0.0.1:${lab.broker.embeddedPort}`;
  const sim = await startSimulatedLab({
    ...twinOptionsOf(lab, { brokerUrl, mqttUsername: options.mqttUsername, mqttPassword: options.mqttPassword, seed: flags.seed }),
    ledgerPath: flags.ledger,
  });
  onShutdownSignal(() => sim.stop());
  console.log(`digital twins of '${lab.name}' online on ${brokerUrl}: ${lab.instruments.map((i) => `${i.id} (${i.kind})`).join(', ')}`);
  console.log('start the orchestrator with simulation disabled, e.g. lab start --no-sim --broker ' + brokerUrl);
}
