import {del, get, post, put} from '../api.js';
import {h, replace, time} from '../dom.js';

export function adminPage({view, showError}) {
  const queues = h('tbody', {});
  const keys = h('tbody', {});
  const secret = h('div', {});

  async function loadQueues(answer) {
    try {
      const list = answer || await get('/v1/admin/queues');
      replace(queues);
      for (const q of list.queues) {
        const toggle = h('button', {type: 'button', 'data-testid': 'toggle-' + q.priority}, q.paused ? 'Resume' : 'Pause');
        toggle.addEventListener('click', async () => {
          try {
            const path = '/v1/admin/queues/' + encodeURIComponent(q.priority) + '/pause';
            loadQueues(q.paused ? await del(path) : await put(path));
          } catch (failure) { showError(failure); }
        });
        queues.appendChild(h('tr', {},
          h('td', {}, q.priority), h('td', {'data-testid': 'queue-state-' + q.priority}, q.paused ? 'paused' : 'running'),
          h('td', {}, q.lag === null ? '?' : q.lag), h('td', {}, q.pending), h('td', {}, toggle)));
      }
    } catch (failure) { showError(failure); }
  }

  async function loadKeys() {
    try {
      const list = await get('/v1/admin/keys');
      replace(keys);
      for (const k of list.keys) {
        const revoke = h('button', {type: 'button', hidden: !!k.revokedAt}, 'Revoke');
        revoke.addEventListener('click', async () => {
          try { await del('/v1/admin/keys/' + encodeURIComponent(k.id)); loadKeys(); } catch (failure) { showError(failure); }
        });
        keys.appendChild(h('tr', {}, h('td', {}, k.name), h('td', {}, k.tier), h('td', {}, time(k.createdAt)),
          h('td', {}, time(k.lastUsedAt)), h('td', {}, k.revokedAt ? 'revoked ' + time(k.revokedAt) : revoke)));
      }
    } catch (failure) { showError(failure); }
  }

  const create = h('form', {class: 'submit'},
    h('label', {}, 'name', h('input', {name: 'name', 'data-testid': 'key-name'})),
    h('label', {}, 'tier', h('select', {name: 'tier'}, ['api-key', 'premium', 'admin'].map((t) => h('option', {value: t}, t)))),
    h('button', {type: 'submit', class: 'primary'}, 'Create key'));
  create.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(create);
    try {
      const made = await post('/v1/admin/keys', {name: data.get('name'), tier: data.get('tier')});
      replace(secret, h('p', {}, 'The key, shown this once: ', h('span', {class: 'secret', 'data-testid': 'new-key'}, made.key)));
      loadKeys();
    } catch (failure) { showError(failure); }
  });

  replace(view, h('h1', {}, 'Keys & queues'),
    h('h2', {}, 'Queues'),
    h('table', {}, h('thead', {}, h('tr', {}, ['priority', 'state', 'waiting', 'being worked', ''].map((t) => h('th', {}, t)))), queues),
    h('h2', {}, 'API keys'), create, secret,
    h('table', {}, h('thead', {}, h('tr', {}, ['name', 'tier', 'created', 'last used', ''].map((t) => h('th', {}, t)))), keys));
  loadQueues();
  loadKeys();
}
