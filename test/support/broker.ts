import { createBroker } from 'aedes';
import { type AddressInfo, createServer, type Server } from 'node:net';

/** An aedes broker on a free loopback port (never 1883), restartable on the same port. */
export class TestBroker {
  private server?: Server;
  private broker?: ReturnType<typeof createBroker>;
  port = 0;

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const broker = createBroker();
    const server = createServer(broker.handle);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.broker = broker;
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const { broker, server } = this;
    this.broker = undefined;
    this.server = undefined;
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
