/**
 * A load-generator process of the server benchmark: raw `ws` clients (not the SDK, to keep the
 * client's cost per frame low) driven by the orchestrator over IPC (see messages.ts). Frames are
 * recognised by their first bytes; only sampled subscribers and acks are JSON-parsed.
 */
import WebSocket from 'ws';
import type { IdleJob, IngestJob, Job, PublishJob, SubscribeJob } from './messages.ts';
import { GeneratorRecord, nowUs, openMany, serveJobs } from './generator-record.ts';

/** Byte 9 of a server frame is the first letter of its type: `{"type":"delta",…`. */
const TYPE_AT = 9;
const LETTER_D = 0x64;
const LETTER_E = 0x65;
const LETTER_S = 0x73;
const LETTER_N = 0x6e;

const CONNECT_ATTEMPTS = 5;

const record = new GeneratorRecord();
const sockets = new Set<WebSocket>();

function connectOnce(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'vane.v1', {
      perMessageDeflate: false,
      skipUTF8Validation: true,
    });
    const failed = (error: Error) => reject(error);
    socket.once('error', failed);
    socket.once('open', () => {
      socket.off('error', failed);
      socket.on('error', () => record.count(record.errors, 'SOCKET'));
      sockets.add(socket);
      socket.on('close', (code: number) => {
        sockets.delete(socket);
        if (!record.finishing) record.count(record.closes, String(code));
      });
      resolve(socket);
    });
  });
}

async function connect(url: string): Promise<WebSocket> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await connectOnce(url);
    } catch (error) {
      if (attempt >= CONNECT_ATTEMPTS) throw error;
      record.count(record.errors, 'CONNECT_RETRY');
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

/**
 * Rows of a delta frame of the benchmark's views, without parsing it: every row (upsert or
 * delete) of those views starts with its key column, `{"symbol":`.
 */
const ROW_START = Buffer.from('{"symbol":');

function countRows(data: Buffer): number {
  let n = 0;
  for (let at = data.indexOf(ROW_START); at >= 0; at = data.indexOf(ROW_START, at + 10)) n++;
  return n;
}

/** The type of an error frame, which is rare enough to parse. */
function countErrorFrame(data: Buffer): void {
  const frame = JSON.parse(data.toString('utf8')) as { code?: string };
  record.count(record.errors, frame.code ?? 'UNKNOWN');
}

async function runIngest(job: IngestJob): Promise<void> {
  const symbols = Array.from({ length: 16 }, (_, i) => `S${i}`);
  await openMany(
    job.connections,
    () => connect(job.url),
    (socket, index) => {
      let seq = 0;
      let requests = 0;
      const idPrefix = `${job.tag}c${index}n`;
      const publish = (): void => {
        if (record.stopSending || socket.readyState !== WebSocket.OPEN) return;
        const ts = Date.now();
        let events = '';
        for (let i = 0; i < job.eventsPerBatch; i++) {
          const n = seq++;
          events +=
            `${i === 0 ? '' : ','}{"id":"${idPrefix}${n}","ts":${ts},` +
            `"symbol":"${symbols[n % symbols.length]}","price":${100 + (n % 1000) * 0.25},"qty":${1 + (n % 10)}}`;
        }
        socket.send(
          `{"type":"publish","id":"${requests++}","stream":"${job.stream}","events":[${events}]}`,
        );
      };
      socket.on('message', (data: Buffer) => {
        if (data[TYPE_AT] === LETTER_E) countErrorFrame(data);
        else record.units += (JSON.parse(data.toString('utf8')) as { accepted: number }).accepted;
        publish();
      });
      for (let i = 0; i < job.inFlight; i++) publish();
    },
  );
}

async function runSubscribe(job: SubscribeJob): Promise<void> {
  await openMany(
    job.connections,
    () => connect(job.url),
    (socket, index) =>
      new Promise<void>((subscribed, failed) => {
        const sampled = index % job.sampleEvery === 0;
        let lastSeq = 0;
        socket.on('message', (data: Buffer) => {
          const letter = data[TYPE_AT];
          if (letter === LETTER_D) {
            record.units++;
            record.rows += countRows(data);
            if (!sampled) return;
            const receivedUs = nowUs();
            const frame = JSON.parse(data.toString('utf8')) as {
              seq: number;
              upserts: { sent_at?: number | null }[];
            };
            if (frame.seq !== lastSeq + 1) record.gaps++;
            lastSeq = frame.seq;
            let sentUs = 0;
            for (const row of frame.upserts) sentUs = Math.max(sentUs, row.sent_at ?? 0);
            if (record.recording && sentUs > 0) record.latencyUs.push(receivedUs - sentUs);
          } else if (letter === LETTER_S && data[TYPE_AT + 1] === LETTER_N) {
            lastSeq = (JSON.parse(data.toString('utf8')) as { seq: number }).seq;
            subscribed();
          } else if (letter === LETTER_E) {
            countErrorFrame(data);
            failed(new Error(`subscribe failed: ${data.toString('utf8')}`));
          }
        });
        socket.send(`{"type":"subscribe","id":"s${index}","view":"${job.view}"}`);
      }),
  );
}

async function runPublish(job: PublishJob): Promise<void> {
  const socket = await connect(job.url);
  const sentAt = new Map<string, number>();
  socket.on('message', (data: Buffer) => {
    const frame = JSON.parse(data.toString('utf8')) as {
      type: string;
      id: string;
      accepted?: number;
      code?: string;
    };
    const started = sentAt.get(frame.id);
    sentAt.delete(frame.id);
    if (frame.type === 'ack') {
      record.units += frame.accepted ?? 0;
      if (record.recording && started !== undefined) record.ackUs.push(nowUs() - started);
    } else {
      record.count(record.errors, frame.code ?? 'UNKNOWN');
    }
  });
  let batches = 0;
  let n = 0;
  const startUs = nowUs();
  const publishBatch = (): void => {
    const sentUs = Math.round(nowUs());
    let events = '';
    for (let i = 0; i < job.eventsPerBatch; i++, n++) {
      events +=
        `${i === 0 ? '' : ','}{"symbol":"S${n % job.symbols}",` +
        `"price":${100 + (n % 1000) * 0.25},"sent_at":${sentUs}}`;
    }
    const id = String(batches++);
    sentAt.set(id, sentUs);
    socket.send(`{"type":"publish","id":"${id}","stream":"${job.stream}","events":[${events}]}`);
  };
  const pump = (): void => {
    if (record.stopSending || socket.readyState !== WebSocket.OPEN) return;
    const due = Math.floor((nowUs() - startUs) / 1000 / job.intervalMs) + 1;
    // Catch up after a stall, but never flood: at most 5 batches in one turn.
    for (let burst = 0; batches < due && burst < 5; burst++) publishBatch();
    const nextUs = startUs + batches * job.intervalMs * 1000;
    setTimeout(pump, Math.max(0, (nextUs - nowUs()) / 1000));
  };
  pump();
  return Promise.resolve();
}

async function runIdle(job: IdleJob): Promise<void> {
  await openMany(
    job.connections,
    () => connect(job.url),
    () => {},
  );
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
      return runIdle(job);
  }
}

serveJobs(record, run, () => sockets.size);
