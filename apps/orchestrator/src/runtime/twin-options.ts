import type { LabConfig } from '@lab/config';
import type { SimulatedLabOptions } from '@lab/simulations';

/** The digital twins for a lab file: one twin per instrument, with its envelope and the hidden world. */
export function twinOptionsOf(
  lab: LabConfig,
  connection: { brokerUrl: string; mqttUsername?: string; mqttPassword?: string; seed?: number; serialDevicePaths?: Map<string, string> },
): SimulatedLabOptions {
  return {
    brokerUrl: connection.brokerUrl,
    mqttUsername: connection.mqttUsername ?? lab.broker.username,
    mqttPassword: connection.mqttPassword ?? lab.broker.password,
    instruments: lab.instruments.map((i) => ({
      id: i.id,
      kind: i.kind,
      // A simulated serial instrument listens on its own end of a pty pair.
      transport: i.transport.type === 'serial' ? { ...i.transport, path: connection.serialDevicePaths?.get(i.id) ?? i.transport.path } : i.transport,
      envelope: i.envelope,
    })),
    seed: connection.seed ?? lab.simulation.seed,
    timeScale: lab.simulation.timeScale,
    world: lab.simulation.world,
    heartbeatS: Math.min(...lab.instruments.map((i) => i.heartbeatS)),
  };
}
