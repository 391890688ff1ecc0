// The Crawlee side of the crawl comparison (bench/run.sh peers-crawl), run and measured by
// `java bench/LoadGen.java --mode peer`: a CheerioCrawler with maxConcurrency --concurrency that
// obeys robots.txt (respectRobotsTxtFile), crawls the local site from --start, extracts each page's
// title and links, stores one item per page in its dataset and enqueues the links of the same host.
// Everything else is Crawlee's default, including its storage (request queue and dataset persisted
// as files, here under --storage, purged on start). Its autoscaled pool starts at minConcurrency
// (--min-concurrency, Crawlee's default 1) and grows by about 5 % every 10 s while the machine is not
// overloaded; bench/run.sh passes --min-concurrency 32 by default, so that Crawlee crawls at 32
// requests at once from the start like the other two (CRAWLEE_MIN_CONCURRENCY=1 shows the default).
//
// It prints @@result with pages (requests handled), failed requests and the seconds crawler.run()
// took, from the start URL handed over to the crawl finished.
import * as peer from './protocol.mjs';

const args = peer.parseArgs();
const start = args.start;
const concurrency = Number(args.concurrency ?? 32);
const minConcurrency = Number(args['min-concurrency'] ?? 1);
if (!start || !args.storage) throw new Error('--start and --storage are required');
peer.requireLoopback(start);
process.env.CRAWLEE_STORAGE_DIR = args.storage;   // read when crawlee loads its configuration
const { CheerioCrawler, log } = await import('crawlee');
log.setLevel(log.LEVELS.WARNING);

let pages = 0;
let failed = 0;
let withoutTitle = 0;
const crawler = new CheerioCrawler({
    minConcurrency,
    maxConcurrency: concurrency,
    respectRobotsTxtFile: true,
    async requestHandler({ request, $, enqueueLinks, pushData }) {
        const title = $('title').first().text().trim();
        const links = $('a[href]').map((_, a) => $(a).attr('href')).get();
        if (!title) withoutTitle++;
        await pushData({ url: request.loadedUrl ?? request.url, title, links });
        await enqueueLinks({ strategy: 'same-hostname' });
        pages++;
    },
    failedRequestHandler({ request }, error) {
        failed++;
        if (failed <= 3) console.error(`crawlee: ${request.url} failed: ${error?.message}`);
    },
});

await peer.start('crawl');
const t0 = performance.now();
await crawler.run([start]);
const seconds = (performance.now() - t0) / 1000;
await peer.end('crawl');
peer.result({
    phase: 'crawl',
    pages,
    failed,
    seconds,
    pagesPerSecond: pages / seconds,
    ok: failed === 0 && withoutTitle === 0,
    problem: [failed ? `${failed} requests failed` : '', withoutTitle ? `${withoutTitle} pages without a title` : '']
        .filter(Boolean).join('; '),
});
peer.done();
