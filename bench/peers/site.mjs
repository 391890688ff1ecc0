// The local site of the peers benchmark (bench/run.sh peers): one Node `http` server on 127.0.0.1
// that every side of a comparison fetches from, in the same run. Node's server costs about 50 µs a
// request, so it caps neither side (the JDK HttpServer of LoadGen costs several times that).
//
//   /page?n=N        about 1 KB of HTML, distinct for every N, with a <title> (the queue jobs)
//   /crawl/pN        page N of the crawl site (about 20 KB, linked)
//   /robots.txt      allows the pages, disallows /_site/ (so a crawler that obeys it never asks)
//   /_site/stats     what was served since the last reset, as JSON (read by bench/LoadGen.java)
//   /_site/reset     POST: zero the counters
//
// The pages are LoadGen's (one generator for every bench site): `java bench/LoadGen.java --mode
// site-files --out DIR` writes them to DIR, and --pages DIR reads them into memory at startup.
// It counts every request per page, so a page fetched twice shows. It binds 127.0.0.1 only and
// prints "listening <port>" once it listens.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from './protocol.mjs';

const args = parseArgs();
const port = Number(args.port ?? 0);
const pagesDir = args.pages;
if (!pagesDir) throw new Error('--pages DIR is required (java bench/LoadGen.java --mode site-files --out DIR writes it)');

// ---- the pages, kept in memory: page.html (PAGENUMBER stands for N) and crawl/p0.html .. p<N-1>.html
const queueTemplate = fs.readFileSync(path.join(pagesDir, 'page.html'), 'utf8');
const crawlDir = path.join(pagesDir, 'crawl');
const count = fs.existsSync(crawlDir) ? fs.readdirSync(crawlDir).filter((f) => /^p\d+\.html$/.test(f)).length : 0;
const crawlPages = Array.from({ length: count }, (_, i) => fs.readFileSync(path.join(crawlDir, `p${i}.html`)));

const ROBOTS = Buffer.from('User-agent: *\nDisallow: /_site/\nAllow: /\n');
const NOT_FOUND = Buffer.from('not found\n');

function queuePage(n) {
    return Buffer.from(queueTemplate.replaceAll('PAGENUMBER', n));
}

// ---- counters --------------------------------------------------------------------------------------
let stats;
function reset() {
    stats = {
        queue: { requests: 0, perPage: new Map() },
        crawl: { served: 0, perPage: new Uint32Array(crawlPages.length), connections: 0, firstMs: 0, lastMs: 0 },
        robots: 0,
        other: 0,
        generation: (stats?.generation ?? 0) + 1,
    };
}
reset();

function statsJson() {
    let queueDistinct = 0;
    let queueDuplicates = 0;
    for (const c of stats.queue.perPage.values()) {
        queueDistinct++;
        queueDuplicates += c - 1;
    }
    let crawlDistinct = 0;
    let crawlDuplicates = 0;
    const twice = [];
    stats.crawl.perPage.forEach((c, i) => {
        if (c > 0) crawlDistinct++;
        if (c > 1) {
            crawlDuplicates += c - 1;
            if (twice.length < 5) twice.push(`/crawl/p${i} x${c}`);
        }
    });
    return JSON.stringify({
        queueRequests: stats.queue.requests,
        queueDistinct,
        queueDuplicates,
        crawlPages: crawlPages.length,
        crawlServed: stats.crawl.served,
        crawlDistinct,
        crawlDuplicates,
        crawlTwice: twice.join(', '),
        crawlConnections: stats.crawl.connections,
        crawlFirstMs: stats.crawl.firstMs,
        crawlLastMs: stats.crawl.lastMs,
        robots: stats.robots,
        other: stats.other,
    });
}

function send(res, status, type, body) {
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': body.length });
    res.end(body);
}

const GENERATION = Symbol('counted in generation');
const CRAWL_PATH = /^\/crawl\/p(0|[1-9][0-9]{0,5})$/;

const server = http.createServer((req, res) => {
    const url = req.url;
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? '' : url.slice(q + 1);
    if (pathname === '/page' && query.startsWith('n=')) {
        const n = query.slice(2).replace(/[^0-9A-Za-z_-]/g, '');
        stats.queue.requests++;
        stats.queue.perPage.set(n, (stats.queue.perPage.get(n) ?? 0) + 1);
        send(res, 200, 'text/html; charset=utf-8', queuePage(n));
        return;
    }
    const m = CRAWL_PATH.exec(pathname);
    if (m && !query && Number(m[1]) < crawlPages.length) {
        const i = Number(m[1]);
        const c = stats.crawl;
        const now = Date.now();
        if (!c.firstMs) c.firstMs = now;
        c.lastMs = now;
        c.served++;
        c.perPage[i]++;
        // An HTTP/1.1 connection carries one request at a time: the connections a crawler opened
        // tell how many requests it had in flight at most.
        if (req.socket[GENERATION] !== stats.generation) {
            req.socket[GENERATION] = stats.generation;
            c.connections++;
        }
        send(res, 200, 'text/html; charset=utf-8', crawlPages[i]);
        return;
    }
    if (pathname === '/robots.txt') {
        stats.robots++;
        send(res, 200, 'text/plain; charset=utf-8', ROBOTS);
        return;
    }
    if (pathname === '/_site/stats') {
        send(res, 200, 'application/json', Buffer.from(statsJson()));
        return;
    }
    if (pathname === '/_site/reset' && req.method === 'POST') {
        reset();
        send(res, 200, 'application/json', Buffer.from('{"reset":true}'));
        return;
    }
    stats.other++;
    send(res, 404, 'text/plain; charset=utf-8', NOT_FOUND);
});
// Clients keep their connections between phases; Node's default (5 s) would make them reconnect.
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.listen(port, '127.0.0.1', () => {
    console.log(`listening ${server.address().port} (crawl site: ${crawlPages.length} pages)`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
