import {get} from '../api.js';
import {h, replace} from '../dom.js';

const REFRESH_MS = 5000;

function card(label, value, testid) {
  return h('div', {class: 'card'}, h('div', {class: 'n', 'data-testid': testid}, value), h('div', {class: 'l'}, label));
}

export function overview({view, showError, onLeave}) {
  const body = h('div', {});
  replace(view, h('h1', {}, 'Overview'), body);
  let timer = null;

  async function refresh() {
    try {
      const s = await get('/v1/stats');
      const states = Object.entries(s.jobs || {});
      const lastHour = Object.entries(s.finished.lastHour || {});
      replace(body,
        h('div', {class: 'cards'},
          card('jobs ended per minute (last hour)', s.finished.perMinuteLastHour.toFixed(2), 'throughput'),
          card('ended in the last minute', Object.values(s.finished.lastMinute || {}).reduce((a, b) => a + b, 0), 'last-minute'),
          card('workers alive', s.workersAlive, 'workers'),
          s.deadLetters === null || s.deadLetters === undefined ? null : card('dead letters', s.deadLetters, 'dead-letters'),
          card(s.scope === 'all' ? 'scope: every tenant' : 'scope: your jobs', s.scope, 'scope')),
        h('h2', {}, 'Jobs by state'),
        h('div', {class: 'cards'}, states.map(([state, n]) => card(state, n, 'count-' + state))),
        h('h2', {}, 'Outcomes in the last hour'),
        lastHour.length === 0 ? h('p', {class: 'muted'}, 'No job ended in the last hour.')
          : h('div', {class: 'cards'}, lastHour.map(([state, n]) => card(state, n, 'outcome-' + state))),
        h('h2', {}, 'Queues'),
        h('table', {'data-testid': 'queues'},
          h('thead', {}, h('tr', {}, ['priority', 'waiting (lag)', 'in the stream', 'being worked', 'oldest wait', 'state'].map((t) => h('th', {}, t)))),
          h('tbody', {}, s.queues.map((q) => h('tr', {},
            h('td', {}, q.priority), h('td', {}, q.lag === null ? '?' : q.lag), h('td', {}, q.depth),
            h('td', {}, q.pending), h('td', {}, q.oldestWaitSeconds.toFixed(1) + ' s'),
            h('td', {}, q.paused ? 'paused' : 'running'))))));
      showError(null);
    } catch (failure) {
      showError(failure);
    }
  }
  refresh();
  timer = setInterval(refresh, REFRESH_MS);
  onLeave(() => clearInterval(timer));
}
