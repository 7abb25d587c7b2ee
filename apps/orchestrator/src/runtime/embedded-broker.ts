import { createBroker } from 'aedes';
import { createServer, type AddressInfo, type Server } from 'node:net';

/**
 * An MQTT broker inside the orchestrator process, for a lab without its own broker. It listens on
 * loopback only (port 0 picks a free port) and never on 1883, which belongs to a real broker.
 */
export class EmbeddedBroker {
  private constructor(
    private readonly server: Server,
    private readonly broker: ReturnType<typeof createBroker>,
    readonly url: string,
  ) {}

  static async start(port: number, host = '127.0.0.1'): Promise<EmbeddedBroker> {
    if (port === 1883) throw new Error('the embedded broker must not take port 1883 (a real broker lives there); choose broker.embeddedPort');
    const broker = createBroker();
    // No Nagle delay: commands and acks are small messages where 40 ms of batching is pure latency.
    const server = createServer((socket) => {
      socket.setNoDelay(true);
      broker.handle(socket);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(error.code === 'EADDRINUSE' ? new Error(`embedded MQTT broker: port ${port} on ${host} is in use (set broker.embeddedPort, or broker.url for an external broker)`) : error),
      );
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    return new EmbeddedBroker(server, broker, `mqtt://${host}:${address.port}`);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
