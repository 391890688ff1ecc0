// BullMQ's workers for the queue comparison: one Worker with --concurrency, in a process of its own,
// started by bullmq.mjs and told over IPC which queue to work on and how many jobs to expect. A job
// fetches its page from the local site (keep-alive), reports one progress update and returns the
// page's title; the same work a Trawl job with formats ["metadata"] does, minus Trawl's own writes.
import http from 'node:http';
import { Worker } from 'bullmq';
import * as peer from './protocol.mjs';

const args = peer.parseArgs();
const connection = { host: '127.0.0.1', port: Number(args['redis-port'] ?? 6379), maxRetriesPerRequest: null };
const prefix = args.prefix;
const concurrency = Number(args.concurrency ?? 50);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const now = () => performance.timeOrigin + performance.now();

function fetchPage(url) {
    peer.requireLoopback(url);
    return new Promise((resolve, reject) => {
        const req = http.get(url, { agent, timeout: 30_000 }, (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => (res.statusCode === 200
                ? resolve(Buffer.concat(chunks).toString('utf8'))
                : reject(new Error(`HTTP ${res.statusCode} for ${url}`))));
            res.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new Error(`timeout fetching ${url}`)));
        req.on('error', reject);
    });
}

async function scrape(job) {
    const html = await fetchPage(job.data.url);
    const title = /<title>([^<]*)<\/title>/i.exec(html)?.[1]?.trim() ?? null;
    await job.updateProgress(100);
    return { title };
}

let current = null;
process.on('message', async (m) => {
    if (m.cmd === 'start') {
        if (current) await current.close();   // the previous phase's worker, idle since its last job
        const state = { expect: m.expect, completed: 0, failed: 0, reported: false };
        const worker = new Worker(m.queue, scrape, { connection, prefix, concurrency });
        const settle = () => {
            if (!state.reported && state.completed + state.failed >= state.expect) {
                state.reported = true;
                process.send({ done: true, tLastMs: now(), completed: state.completed, failed: state.failed });
            }
        };
        worker.on('completed', () => { state.completed++; settle(); });
        worker.on('failed', (job, err) => {
            state.failed++;
            if (state.failed <= 3) console.error(`bullmq-worker: job ${job?.id} failed: ${err?.message}`);
            settle();
        });
        worker.on('error', (err) => console.error(`bullmq-worker: ${err?.message ?? err}`));
        await worker.waitUntilReady();
        current = worker;
        process.send({ ready: true });
    } else if (m.cmd === 'stop') {
        if (current) await current.close();
        agent.destroy();
        process.exit(0);
    }
});
