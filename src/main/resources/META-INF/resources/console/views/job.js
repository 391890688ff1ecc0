import {del, get, post, query} from '../api.js';
import {h, replace, statusBadge, time} from '../dom.js';
import {follow} from '../sse.js';

const FORMATS = ['metadata', 'text', 'markdown', 'links', 'html', 'fields'];
const TERMINAL = new Set(['succeeded', 'failed', 'cancelled', 'aborted', 'duplicate']);

/** What an event says in a line: its data, without the members every event has. */
function summary(type, data) {
  if (!data) return '';
  if (type === 'page') {
    const parts = [data.url, data.statusCode ? 'HTTP ' + data.statusCode : null, data.title ? '“' + data.title + '”' : null,
      data.error ? 'error ' + (data.error.code || '') : null, data.skipped ? 'skipped ' + data.skipped : null];
    return parts.filter(Boolean).join(' · ');
  }
  if (type === 'failed' && data.error) return (data.error.code || '') + ' ' + (data.error.message || '');
  return Object.entries(data).map(([k, v]) => k + ': ' + (typeof v === 'object' ? JSON.stringify(v) : v)).join(', ');
}

export function jobPage({view, showError, onLeave}, id) {
  const header = h('div', {});
  const connection = h('span', {class: 'muted', 'data-testid': 'connection'}, 'connecting…');
  const progress = h('div', {'data-testid': 'progress'});
  const timeline = h('ol', {class: 'timeline', 'data-testid': 'timeline'});
  const result = h('div', {'data-testid': 'result'});
  let status = null;
  let pagesStored = 0;
  let stop = () => {};
  let statusDue = null;

  replace(view, h('h1', {}, 'Job ', h('span', {'data-testid': 'job-id'}, id)), header,
    h('h2', {}, 'Events ', connection), progress, timeline, h('h2', {}, 'Result'), result);

  async function refreshStatus() {
    try {
      status = await get('/v1/jobs/' + encodeURIComponent(id));
      const cancel = h('button', {type: 'button', 'data-testid': 'cancel', hidden: TERMINAL.has(status.status)}, 'Cancel job');
      cancel.addEventListener('click', async () => {
        try { await del('/v1/jobs/' + encodeURIComponent(id)); refreshStatus(); } catch (failure) { showError(failure); }
      });
      const retry = h('button', {type: 'button', class: 'admin-only', hidden: !(document.body.classList.contains('is-admin')
        && (status.status === 'failed' || status.status === 'aborted'))}, 'Re-drive');
      retry.addEventListener('click', async () => {
        try { await post('/v1/jobs/' + encodeURIComponent(id) + '/retry'); location.reload(); } catch (failure) { showError(failure); }
      });
      replace(header, h('table', {},
        h('tbody', {},
          h('tr', {}, h('th', {}, 'status'), h('td', {}, statusBadge(status.status), ' ', cancel, ' ', retry)),
          h('tr', {}, h('th', {}, 'priority'), h('td', {}, status.priority)),
          h('tr', {}, h('th', {}, 'attempt'), h('td', {}, status.attempt)),
          h('tr', {}, h('th', {}, 'created'), h('td', {}, time(status.createdAt))),
          h('tr', {}, h('th', {}, 'started'), h('td', {}, time(status.startedAt))),
          h('tr', {}, h('th', {}, 'finished'), h('td', {}, time(status.finishedAt))),
          h('tr', {}, h('th', {}, 'pages'), h('td', {}, status.pages)),
          status.error ? h('tr', {}, h('th', {}, 'error'), h('td', {'data-testid': 'error'},
            (status.error.code || '') + ': ' + (status.error.message || ''))) : null)));
      if (TERMINAL.has(status.status)) loadResult();
      showError(null);
    } catch (failure) {
      showError(failure);
    }
  }

  function onEvent({id: eventId, type, event}) {
    const data = event.data || {};
    timeline.appendChild(h('li', {'data-testid': 'event', 'data-event-type': type},
      h('span', {class: 't'}, event.at ? new Date(event.at).toLocaleTimeString() : ''),
      h('span', {class: 'status ' + type, 'data-testid': 'event-type'}, type),
      h('span', {class: 'd'}, summary(type, data))));
    if (type === 'page') {
      pagesStored = data.pagesStored || pagesStored + 1;
      const frontier = data.frontier || 0;
      const total = pagesStored + frontier;
      replace(progress, h('div', {}, pagesStored + ' page(s) stored' + (frontier ? ', ' + frontier + ' in the frontier' : '')),
        total > 1 ? h('div', {class: 'progress'}, h('div', {})) : null);
      const bar = progress.querySelector('.progress div');
      if (bar) bar.style.width = Math.round(100 * pagesStored / total) + '%';
    }
    // a crawl's events come fast: its status is read again at most every 2 s (each read costs a
    // rate-limit token), and at once when the job ends
    if (TERMINAL.has(type)) refreshStatus();
    else if (!statusDue) statusDue = setTimeout(() => { statusDue = null; refreshStatus(); }, 2000);
  }

  function onState(state, detail) {
    const text = {live: 'live', reconnecting: 'reconnecting…', ended: 'ended', error: 'refused: ' + detail}[state] || state;
    connection.className = state === 'live' ? 'live' : state === 'reconnecting' ? 'offline' : 'muted';
    replace(connection, text);
  }

  async function loadResult(offset = 0) {
    try {
      const page = await get('/v1/jobs/' + encodeURIComponent(id) + '/result' + query({offset, limit: 20}));
      if (offset === 0) replace(result);
      for (const p of page.pages) result.appendChild(pageView(p));
      if (page.next) {
        const more = h('button', {type: 'button'}, 'More pages');
        more.addEventListener('click', () => { more.remove(); loadResult(offset + page.pages.length); });
        result.appendChild(more);
      }
    } catch (failure) {
      replace(result, h('p', {class: 'muted'}, failure.message));
    }
  }

  refreshStatus();
  stop = follow('/v1/jobs/' + encodeURIComponent(id) + '/events', {onEvent, onState});
  onLeave(() => { stop(); clearTimeout(statusDue); });
}

/** One stored page: its heading and a tab per format the job asked for, each shown as text. */
function pageView(page) {
  const shown = FORMATS.filter((f) => page[f] !== undefined && page[f] !== null);
  const body = h('pre', {'data-testid': 'format-body'});
  const tabs = h('div', {class: 'tabs'});
  function show(format) {
    for (const b of tabs.children) b.classList.toggle('on', b.textContent === format);
    const value = page[format];
    body.textContent = typeof value === 'string' ? value
      : Array.isArray(value) ? value.join('\n') : JSON.stringify(value, null, 2);
  }
  for (const format of shown) {
    const button = h('button', {type: 'button', 'data-testid': 'format-' + format}, format);
    button.addEventListener('click', () => show(format));
    tabs.appendChild(button);
  }
  const section = h('section', {class: 'card', 'data-testid': 'page'},
    h('div', {}, h('strong', {'data-testid': 'page-title'}, page.title || '(no title)')),
    h('div', {class: 'muted url'}, page.url, page.statusCode ? ' · HTTP ' + page.statusCode : ''),
    page.error ? h('div', {class: 'status failed'}, (page.error.code || '') + ' ' + (page.error.message || '')) : null,
    tabs, shown.length ? body : null);
  if (shown.length) show(shown.includes('markdown') ? 'markdown' : shown[0]);
  return section;
}
