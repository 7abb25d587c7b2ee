import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

/**
 * Many signed-in dashboards in their own thread, as browsers would be in their own processes,
 * so the server's fan-out is measured without the clients' own parsing on its event loop.
 */
const { url, token, clients } = workerData as { url: string; token: string; clients: number };
const delaysMs: number[] = [];
const sockets: WebSocket[] = [];

async function connectAll(): Promise<void> {
  for (let i = 0; i < clients; i++) {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/ws`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.on('message', (raw) => {
      const { event, data } = JSON.parse(raw.toString());
      if (event === 'lab' && data.type === 'alert' && data.data.bench === true) delaysMs.push(Date.now() - data.tsMs);
    });
    socket.send(JSON.stringify({ event: 'hello', data: { token, lastSeq: 0 } }));
    sockets.push(socket);
  }
}

parentPort?.on('message', (message: string) => {
  if (message !== 'report') return;
  for (const socket of sockets) socket.close();
  parentPort?.postMessage({ delaysMs });
});

void connectAll().then(() => parentPort?.postMessage('ready'));
