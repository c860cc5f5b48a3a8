/**
 * The load generator for the Socket.IO peer: the jobs of bench/server/generator.ts (same IPC,
 * messages.ts; same counters and samples) done with socket.io-client over the websocket
 * transport, one Manager per connection (`forceNew`) as separate browsers would have. Message
 * contents are those of the raw generator: publish batches of `{symbol, price, sent_at}` (or the
 * ingest schema), acknowledged with the number of events; deltas counted by their rows.
 */
import { io, type Socket } from 'socket.io-client';
import { GeneratorRecord, nowUs, openMany, serveJobs } from '../server/generator-record.ts';
import type { IngestJob, Job, PublishJob, SubscribeJob } from '../server/messages.ts';

/** socket.io URLs are http://host:port (the path is its own `/socket.io/`). */
const httpUrl = (url: string): string => url.replace(/^ws:/, 'http:').replace(/\/v1\/ws$/, '');

const record = new GeneratorRecord();
const sockets = new Set<Socket>();

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
        if (!record.finishing) record.count(record.closes, reason);
      });
      resolve(socket);
    });
  });
}

interface Delta {
  seq: number;
  upserts: { sent_at?: number | null }[];
  deletes: unknown[];
}

async function runSubscribe(job: SubscribeJob): Promise<void> {
  await openMany(
    job.connections,
    () => connect(job.url),
    (socket, index) =>
      new Promise<void>((subscribed) => {
        const sampled = index % job.sampleEvery === 0;
        let lastSeq = 0;
        socket.on('delta', (delta: Delta) => {
          record.units++;
          record.rows += delta.upserts.length + delta.deletes.length;
          if (!sampled) return;
          const receivedUs = nowUs();
          if (delta.seq !== lastSeq + 1) record.gaps++;
          lastSeq = delta.seq;
          let sentUs = 0;
          for (const row of delta.upserts) sentUs = Math.max(sentUs, row.sent_at ?? 0);
          if (record.recording && sentUs > 0) record.latencyUs.push(receivedUs - sentUs);
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
  await openMany(
    job.connections,
    () => connect(job.url),
    (socket, index) => {
      let seq = 0;
      const idPrefix = `${job.tag}c${index}n`;
      const publish = (): void => {
        if (record.stopSending || !socket.connected) return;
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
          record.units += reply.accepted;
          publish();
        });
      };
      for (let i = 0; i < job.inFlight; i++) publish();
    },
  );
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
      record.units += reply.accepted;
      if (record.recording) record.ackUs.push(nowUs() - sentUs);
    });
  };
  const pump = (): void => {
    if (record.stopSending || !socket.connected) return;
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
      return openMany(
        job.connections,
        () => connect(job.url),
        () => {},
      );
  }
}

serveJobs(record, run, () => sockets.size);
