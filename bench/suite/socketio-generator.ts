/**
 * The load generator for the Socket.IO peer: the jobs of bench/server/generator.ts (same IPC,
 * messages.ts; same counters and samples) done with socket.io-client over the websocket
 * transport, one Manager per connection (`forceNew`) as separate browsers would have. Message
 * contents are those of the raw generator: publish batches of `{symbol, price, sent_at}` (or the
 * ingest schema), acknowledged with the number of events; deltas counted by their rows.
 */
import { io, type Socket } from 'socket.io-client';
import type {
  Counters,
  FromGenerator,
  IngestJob,
  Job,
  PublishJob,
  SubscribeJob,
  ToGenerator,
} from '../server/messages.ts';

const nowUs = (): number => Number(process.hrtime.bigint()) / 1000;
const CONNECT_CONCURRENCY = 64;

/** socket.io URLs are http://host:port (the path is its own `/socket.io/`). */
const httpUrl = (url: string): string => url.replace(/^ws:/, 'http:').replace(/\/v1\/ws$/, '');

const sockets = new Set<Socket>();
const closes: Record<string, number> = {};
const errors: Record<string, number> = {};
const latencyUs: number[] = [];
const ackUs: number[] = [];
let units = 0;
let rows = 0;
let gaps = 0;
let recording = false;
let finishing = false;
let stopSending = false;

function count(table: Record<string, number>, key: string): void {
  table[key] = (table[key] ?? 0) + 1;
}

function counters(): Counters {
  const cpu = process.cpuUsage();
  return {
    atUs: nowUs(),
    units,
    rows,
    cpuUs: cpu.user + cpu.system,
    open: sockets.size,
    gaps,
    closes: { ...closes },
    errors: { ...errors },
  };
}

function connect(url: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(httpUrl(url), {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    socket.once('connect_error', reject);
    socket.once('connect', () => {
      socket.off('connect_error', reject);
      sockets.add(socket);
      socket.on('disconnect', (reason) => {
        sockets.delete(socket);
        if (!finishing) count(closes, reason);
      });
      resolve(socket);
    });
  });
}

async function openMany(
  url: string,
  total: number,
  setup: (socket: Socket, index: number) => Promise<void> | void,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const index = next++;
      await setup(await connect(url), index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, total) }, worker));
}

interface Delta {
  seq: number;
  upserts: { sent_at?: number | null }[];
  deletes: unknown[];
}

async function runSubscribe(job: SubscribeJob): Promise<void> {
  await openMany(
    job.url,
    job.connections,
    (socket, index) =>
      new Promise<void>((subscribed) => {
        const sampled = index % job.sampleEvery === 0;
        let lastSeq = 0;
        socket.on('delta', (delta: Delta) => {
          units++;
          rows += delta.upserts.length + delta.deletes.length;
          if (!sampled) return;
          const receivedUs = nowUs();
          if (delta.seq !== lastSeq + 1) gaps++;
          lastSeq = delta.seq;
          let sentUs = 0;
          for (const row of delta.upserts) sentUs = Math.max(sentUs, row.sent_at ?? 0);
          if (recording && sentUs > 0) latencyUs.push(receivedUs - sentUs);
        });
        socket.emit('subscribe', { view: job.view }, (snapshot: { seq: number }) => {
          lastSeq = snapshot.seq;
          subscribed();
        });
      }),
  );
}

async function runIngest(job: IngestJob): Promise<void> {
  const symbols = Array.from({ length: 16 }, (_, i) => `S${i}`);
  await openMany(job.url, job.connections, (socket, index) => {
    let seq = 0;
    const idPrefix = `${job.tag}c${index}n`;
    const publish = (): void => {
      if (stopSending || !socket.connected) return;
      const ts = Date.now();
      const events = Array.from({ length: job.eventsPerBatch }, () => {
        const n = seq++;
        return {
          id: `${idPrefix}${n}`,
          ts,
          symbol: symbols[n % symbols.length]!,
          price: 100 + (n % 1000) * 0.25,
          qty: 1 + (n % 10),
        };
      });
      socket.emit('publish', { stream: job.stream, events }, (reply: { accepted: number }) => {
        units += reply.accepted;
        publish();
      });
    };
    for (let i = 0; i < job.inFlight; i++) publish();
  });
}

async function runPublish(job: PublishJob): Promise<void> {
  const socket = await connect(job.url);
  let batches = 0;
  let n = 0;
  const startUs = nowUs();
  const publishBatch = (): void => {
    const sentUs = Math.round(nowUs());
    const events = Array.from({ length: job.eventsPerBatch }, () => {
      const i = n++;
      return { symbol: `S${i % job.symbols}`, price: 100 + (i % 1000) * 0.25, sent_at: sentUs };
    });
    batches++;
    socket.emit('publish', { stream: job.stream, events }, (reply: { accepted: number }) => {
      units += reply.accepted;
      if (recording) ackUs.push(nowUs() - sentUs);
    });
  };
  const pump = (): void => {
    if (stopSending || !socket.connected) return;
    const due = Math.floor((nowUs() - startUs) / 1000 / job.intervalMs) + 1;
    for (let burst = 0; batches < due && burst < 5; burst++) publishBatch();
    const nextUs = startUs + batches * job.intervalMs * 1000;
    setTimeout(pump, Math.max(0, (nextUs - nowUs()) / 1000));
  };
  pump();
  return Promise.resolve();
}

function run(job: Job): Promise<void> {
  switch (job.kind) {
    case 'ingest':
      return runIngest(job);
    case 'subscribe':
      return runSubscribe(job);
    case 'publish':
      return runPublish(job);
    case 'idle':
      return openMany(job.url, job.connections, () => {});
  }
}

function send(message: FromGenerator): void {
  process.send?.(message);
}

process.on('message', (message: ToGenerator) => {
  switch (message.cmd) {
    case 'start':
      run(message.job).then(
        () => send({ kind: 'ready' }),
        (error: unknown) =>
          send({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
      );
      return;
    case 'mark':
      recording = true;
      send({ kind: 'mark', counters: counters() });
      return;
    case 'finish': {
      stopSending = true;
      finishing = true;
      const reply: FromGenerator = {
        kind: 'samples',
        samples: { latencyUs: Float64Array.from(latencyUs), ackUs: Float64Array.from(ackUs) },
      };
      process.send?.(reply, () => process.exit(0));
      return;
    }
  }
});

process.on('disconnect', () => process.exit(0));
