// Follows a job's event stream with fetch() and a stream reader instead of EventSource, which
// cannot send the Authorization header the API needs. It behaves as an EventSource would: it
// honours retry:, and reconnects with Last-Event-ID after a dropped connection or an API restart,
// so nothing is missed or repeated; a 204 (the job ended and every event was seen) ends it.

import {authHeaders} from './api.js';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled', 'aborted']);

/**
 * follow('/v1/jobs/<id>/events', {onEvent(event), onState('live'|'reconnecting'|'ended'|'error', detail)})
 * Returns a function that stops following.
 */
export function follow(path, {onEvent, onState}) {
  const controller = new AbortController();
  let lastEventId = null;
  let retryMs = 3000;
  let ended = false;
  let refused = false;

  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function connectOnce() {
    const headers = authHeaders({Accept: 'text/event-stream'});
    if (lastEventId) headers['Last-Event-ID'] = lastEventId;
    const response = await fetch(path, {headers, signal: controller.signal, cache: 'no-store'});
    if (response.status === 204) { ended = true; return; }
    if (!response.ok) {
      let problem = null;
      try { problem = await response.json(); } catch (ignored) { problem = null; }
      const detail = problem && problem.detail ? problem.detail : 'HTTP ' + response.status;
      if (response.status >= 400 && response.status < 500 && response.status !== 429) {
        ended = true;
        refused = true;
        onState('error', detail);
        return;
      }
      throw new Error(detail);
    }
    onState('live');
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, {stream: true}).replace(/\r\n?/g, '\n');
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        dispatch(block);
      }
    }
  }

  function dispatch(block) {
    let id = null;
    let type = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'id') id = value;
      else if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry' && /^\d+$/.test(value)) retryMs = Number(value);
    }
    if (id !== null) lastEventId = id;
    if (data.length === 0) return;
    let event;
    try { event = JSON.parse(data.join('\n')); } catch (ignored) { return; }
    onEvent({id, type, event});
    if (TERMINAL.has(type)) ended = true;
  }

  (async () => {
    while (!ended && !controller.signal.aborted) {
      try {
        await connectOnce();
      } catch (failure) {
        if (controller.signal.aborted) return;
      }
      if (ended || controller.signal.aborted) break;
      onState('reconnecting');
      await wait(retryMs);
    }
    if (!controller.signal.aborted && !refused) onState('ended');
  })();

  return () => controller.abort();
}
