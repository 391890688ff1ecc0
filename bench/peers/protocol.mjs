// How a peer program talks to the bench program that runs and measures it
// (`java bench/LoadGen.java --mode peer`): lines on stdout that start with "@@", answered on stdin.
//
//   @@start <phase>   the phase is about to start: LoadGen takes its CPU snapshot, starts sampling
//                     memory and answers a line; only then does the peer start the phase
//   @@end <phase>     the phase is over: LoadGen takes its second snapshot while every process of
//                     the peer is still alive (so none of their CPU time is lost), answers a line
//   @@result <json>   the peer's own figures for the phase (no answer)
//
// Run on its own (stdin a terminal or closed), a peer does not wait for answers.
import readline from 'node:readline';

const answers = [];
const waiting = [];
let closed = false;
if (!process.stdin.isTTY) {
    const lines = readline.createInterface({ input: process.stdin });
    lines.on('line', (line) => (waiting.length ? waiting.shift()(line) : answers.push(line)));
    lines.on('close', () => {
        closed = true;
        while (waiting.length) waiting.shift()(null);
    });
}

function answer() {
    if (process.stdin.isTTY || closed) return Promise.resolve(null);
    if (answers.length) return Promise.resolve(answers.shift());
    return new Promise((resolve) => waiting.push(resolve));
}

/** Announces a phase's start and waits until the bench has taken its snapshot. */
export async function start(phase) {
    process.stdout.write(`@@start ${phase}\n`);
    await answer();
}

/** Announces a phase's end and waits until the bench has taken its snapshot. */
export async function end(phase) {
    process.stdout.write(`@@end ${phase}\n`);
    await answer();
}

export function result(figures) {
    process.stdout.write(`@@result ${JSON.stringify(figures)}\n`);
}

/** Stops reading stdin, so that the process can exit. */
export function done() {
    process.stdin.destroy();
}

/** --key value arguments as an object. */
export function parseArgs(argv = process.argv.slice(2)) {
    const out = {};
    for (let i = 0; i < argv.length; i++) {
        if (!argv[i].startsWith('--')) throw new Error(`unexpected argument ${argv[i]}`);
        out[argv[i].slice(2)] = argv[++i];
    }
    return out;
}

/** Only loopback: every bench program sends traffic to 127.0.0.1 alone. */
export function requireLoopback(url) {
    const host = new URL(url).hostname;
    if (host !== '127.0.0.1' && host !== 'localhost') throw new Error(`${url} is not on 127.0.0.1 (loopback only)`);
}

/** The p-th percentile (nearest rank) of the values, which it sorts. */
export function percentile(values, p) {
    const s = [...values].sort((a, b) => a - b);
    if (!s.length) return 0;
    const rank = Math.ceil((p / 100) * s.length);
    return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
}
