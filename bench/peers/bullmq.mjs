// The BullMQ side of the queue comparison (bench/run.sh peers-queue), run and measured by
// `java bench/LoadGen.java --mode peer`. This process is the producer: it adds the jobs in-process
// (queue.add from --clients concurrent async producers, or queue.addBulk in batches of --batch from
// --batch-clients producers). The workers run in a second Node process (bullmq-worker.mjs, one
// Worker with --concurrency), as BullMQ is deployed, so that BullMQ gets both cores as Trawl does.
//
// Phases (each on a queue of its own, obliterated afterwards): warmup-add and warmup-addBulk
// (--warmup jobs each, skipped when 0), then add and addBulk (--jobs each). For each it prints
// @@result with: submit rate, p50/p99 of one add / addBulk call, and processed jobs/s = jobs / (time
// from the first add to the last job completed, the worker's 'completed' event).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import * as peer from './protocol.mjs';

const args = peer.parseArgs();
const redisPort = Number(args['redis-port'] ?? 6379);
const prefix = args.prefix;                  // e.g. trawl-peers-bull, this bench's own key prefix
const tag = args.tag ?? String(Date.now());  // makes the queue names of one run unique
const site = args.site;                      // http://127.0.0.1:PORT
const jobs = Number(args.jobs ?? 10000);
const warmup = Number(args.warmup ?? 0);
const clients = Number(args.clients ?? 50);
const batch = Number(args.batch ?? 100);
const batchClients = Number(args['batch-clients'] ?? clients);
const concurrency = Number(args.concurrency ?? 50);
const pageOffset = Number(args['page-offset'] ?? 0);
if (!prefix || !site) throw new Error('--prefix and --site are required');
peer.requireLoopback(site);
const connection = { host: '127.0.0.1', port: redisPort };
const now = () => performance.timeOrigin + performance.now();   // wall clock in ms, shared with the worker

const worker = fork(fileURLToPath(new URL('./bullmq-worker.mjs', import.meta.url)),
    ['--redis-port', String(redisPort), '--prefix', prefix, '--concurrency', String(concurrency)],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const fromWorker = [];
const workerWaiters = [];
worker.on('message', (m) => (workerWaiters.length ? workerWaiters.shift()(m) : fromWorker.push(m)));
worker.on('exit', (code) => {
    if (code !== 0) {
        console.error(`bullmq: the worker process exited with ${code}`);
        process.exit(1);
    }
});
const workerSays = () => (fromWorker.length ? Promise.resolve(fromWorker.shift()) : new Promise((r) => workerWaiters.push(r)));

let nextPage = pageOffset;
const jobData = () => ({ url: `${site}/page?n=${nextPage++}` });

/** Runs `calls` async producers that call `once(i)` for i = 0 .. count-1; returns each call's ms. */
async function produce(count, producers, call) {
    const latencies = [];
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(producers, count) }, async () => {
        while (next < count) {
            const i = next++;
            const t = now();
            await call(i);
            latencies.push(now() - t);
        }
    }));
    return latencies;
}

async function phase(name, count, bulk) {
    const queueName = `peers-${tag}-${name}`;
    const queue = new Queue(queueName, { connection, prefix });
    await queue.waitUntilReady();
    worker.send({ cmd: 'start', queue: queueName, expect: count });
    const ready = await workerSays();
    if (!ready.ready) throw new Error(`the worker did not start: ${JSON.stringify(ready)}`);

    await peer.start(name);
    const t0 = now();
    const ids = [];
    let latencies;
    if (bulk) {
        const batches = Math.ceil(count / batch);
        latencies = await produce(batches, batchClients, async (b) => {
            const size = Math.min(batch, count - b * batch);
            const added = await queue.addBulk(Array.from({ length: size }, () => ({ name: 'scrape', data: jobData() })));
            for (const job of added) ids.push(job.id);
        });
    } else {
        latencies = await produce(count, clients, async () => {
            const job = await queue.add('scrape', jobData());
            ids.push(job.id);
        });
    }
    const tSubmitted = now();
    const done = await workerSays();
    await peer.end(name);

    // Checks, after the measured window: every job completed, none failed, each reported its
    // progress and returned its page's title.
    const counts = await queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
    const problems = [];
    if (ids.length !== count) problems.push(`${ids.length} of ${count} adds answered`);
    if (counts.completed !== count || counts.failed !== 0) problems.push(`job counts ${JSON.stringify(counts)}`);
    for (let k = 0; k < 20 && ids.length; k++) {
        const job = await queue.getJob(ids[Math.floor((k * ids.length) / 20)]);
        const title = job?.returnvalue?.title ?? '';
        if (job?.progress !== 100 || !title.startsWith('Trawl bench page')) {
            problems.push(`job ${job?.id}: progress ${JSON.stringify(job?.progress)}, returned ${JSON.stringify(job?.returnvalue)}`);
            break;
        }
    }
    await queue.obliterate({ force: true });
    await queue.close();

    const submitSeconds = (tSubmitted - t0) / 1000;
    const processedSeconds = (done.tLastMs - t0) / 1000;
    peer.result({
        phase: name,
        jobs: count,
        requests: latencies.length,
        submitSeconds,
        submitRate: count / submitSeconds,
        p50Ms: peer.percentile(latencies, 50),
        p99Ms: peer.percentile(latencies, 99),
        processedSeconds,
        processedRate: done.completed / processedSeconds,
        completed: done.completed,
        failed: done.failed,
        ok: problems.length === 0,
        problem: problems.join('; '),
    });
}

/** Deletes what is left under this run's queue names (nothing, after obliterate); only our own keys. */
async function removeLeftovers() {
    const redis = new IORedis(connection);
    let removed = 0;
    for await (const keys of redis.scanStream({ match: `${prefix}:peers-${tag}-*`, count: 500 })) {
        if (keys.length) removed += await redis.del(...keys);
    }
    await redis.quit();
    return removed;
}

try {
    if (warmup > 0) {
        await phase('warmup-add', warmup, false);
        await phase('warmup-addBulk', warmup, true);
    }
    await phase('add', jobs, false);
    await phase('addBulk', jobs, true);
} finally {
    worker.send({ cmd: 'stop' });
    await once(worker, 'exit').catch(() => {});
    const left = await removeLeftovers().catch((e) => console.error(`bullmq: cleaning up keys failed: ${e}`));
    if (left) console.error(`bullmq: deleted ${left} keys left after obliterate`);
    peer.done();
}
