// Checks that every Trawl job of a phase left its events in Redis, replayable from the start:
// XRANGE <prefix>job:<id>:events - + (the key RedisKeys.jobEvents builds) must hold queued, started,
// page and succeeded in that order. Run by `java bench/LoadGen.java --mode peers-trawl-queue` after
// the measured window, with the job ids one per line in --ids. Prints one JSON line:
// {"checked":N,"ok":N,"missing":k,"wrongOrder":k,"otherTypes":k,"example":"..."}; otherTypes counts
// jobs that also have other events (retrying, resumed), which the order check allows.
import fs from 'node:fs';
import IORedis from 'ioredis';
import { parseArgs } from './protocol.mjs';

const args = parseArgs();
const prefix = args.prefix;
if (!prefix || !args.ids) throw new Error('--prefix and --ids are required');
const ids = fs.readFileSync(args.ids, 'utf8').split('\n').map((s) => s.trim()).filter(Boolean);
const expected = ['queued', 'started', 'page', 'succeeded'];
const redis = new IORedis({ host: '127.0.0.1', port: Number(args['redis-port'] ?? 6379) });

const out = { checked: 0, ok: 0, missing: 0, wrongOrder: 0, otherTypes: 0, example: '' };
for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const pipeline = redis.pipeline();
    for (const id of chunk) pipeline.xrange(`${prefix}job:${id}:events`, '-', '+');
    const replies = await pipeline.exec();
    replies.forEach(([err, entries], k) => {
        out.checked++;
        // an entry is [id, [field, value, ...]]; the type is field "t"
        const types = (err ? [] : entries).map(([, fields]) => fields[fields.indexOf('t') + 1]);
        if (types.length === 0) {
            out.missing++;
            if (!out.example) out.example = `job ${chunk[k]}: no events`;
            return;
        }
        let next = 0;
        for (const t of types) if (t === expected[next]) next++;
        if (types.some((t) => !expected.includes(t))) out.otherTypes++;
        if (next === expected.length) {
            out.ok++;
        } else {
            out.wrongOrder++;
            if (!out.example) out.example = `job ${chunk[k]}: ${types.join(',')}`;
        }
    });
}
await redis.quit();
console.log(JSON.stringify(out));
