import { readFileSync } from 'node:fs';
import { type AddressInfo, createServer, type Server, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { type LatencySummary, summarize } from './latency';

/** The 200-byte message size of a typical command or ack. */
const MESSAGE = Buffer.alloc(200, 0x61);
const WARM_UP = 100;

/**
 * The machine's own floor for an MQTT ack: the same four loopback hops (orchestrator -> broker ->
 * instrument -> broker -> orchestrator) with bare sockets in one process, no MQTT, no JSON. On a
 * busy shared machine its tail shows how much of the measured tail is the scheduler, not the code.
 */
export async function measureRelayBaseline(n: number): Promise<LatencySummary> {
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  const listen = async (onSocket: (socket: Socket) => void): Promise<number> => {
    const server = createServer((socket) => {
      socket.setNoDelay(true);
      sockets.push(socket);
      onSocket(socket);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };
  const connect = async (port: number): Promise<Socket> => {
    const socket = new Socket();
    socket.setNoDelay(true);
    sockets.push(socket);
    await new Promise<void>((resolve) => socket.connect(port, '127.0.0.1', resolve));
    return socket;
  };
  // The "instrument" echoes; the "broker" forwards both ways between its two connections.
  const devicePort = await listen((socket) => socket.on('data', (chunk) => socket.write(chunk)));
  let toDevice: Socket | undefined;
  const brokerPort = await listen((fromClient) => {
    void connect(devicePort).then((device) => {
      toDevice = device;
      device.on('data', (chunk) => fromClient.write(chunk));
      fromClient.on('data', (chunk) => device.write(chunk));
    });
  });
  const client = await connect(brokerPort);
  while (!toDevice) await new Promise((resolve) => setImmediate(resolve));
  const roundTripMs: number[] = [];
  for (let i = 0; i < WARM_UP + n; i++) {
    const startedAt = performance.now();
    await new Promise<void>((resolve) => {
      let received = 0;
      const onData = (chunk: Buffer): void => {
        received += chunk.length;
        if (received < MESSAGE.length) return;
        client.off('data', onData);
        resolve();
      };
      client.on('data', onData);
      client.write(MESSAGE);
    });
    if (i >= WARM_UP) roundTripMs.push(performance.now() - startedAt);
  }
  sockets.forEach((socket) => socket.destroy());
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return summarize(roundTripMs);
}

/** Linux pressure stall information: the share of time some runnable task waited for a CPU (percent, last 60 s). */
export function cpuPressurePercent(): number | null {
  try {
    const some = readFileSync('/proc/pressure/cpu', 'utf8').split('\n').find((line) => line.startsWith('some'));
    const avg60 = some?.match(/avg60=([\d.]+)/)?.[1];
    return avg60 === undefined ? null : Number(avg60);
  } catch {
    return null; // not Linux, or no PSI in this kernel
  }
}
