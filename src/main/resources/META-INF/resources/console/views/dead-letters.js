import {get, post, query} from '../api.js';
import {h, replace, statusBadge, time} from '../dom.js';

export function deadLetters({view, showError}) {
  const rows = h('tbody', {});
  const more = h('button', {type: 'button', hidden: true}, 'Older');
  const outcome = h('p', {class: 'muted', 'data-testid': 'bulk-outcome'});
  let after = null;

  function selected() {
    return [...rows.querySelectorAll('input[type=checkbox]:checked')].map((box) => ({
      id: box.getAttribute('data-entry'), jobId: box.getAttribute('data-job')}));
  }

  async function act(kind) {
    const chosen = selected();
    if (chosen.length === 0) return;
    try {
      if (kind === 'redrive') {
        const answer = await post('/v1/admin/dead-letters/redrive', {jobIds: [...new Set(chosen.map((c) => c.jobId))]});
        replace(outcome, answer.redriven + ' job(s) re-driven');
      } else {
        const answer = await post('/v1/admin/dead-letters/delete', {ids: chosen.map((c) => c.id)});
        replace(outcome, answer.deleted + ' dead letter(s) deleted');
      }
      replace(rows);
      after = null;
      load();
    } catch (failure) {
      showError(failure);
    }
  }

  async function load() {
    try {
      const page = await get('/v1/dead-letters' + query({limit: 50, after}));
      for (const letter of page.items) {
        const box = h('input', {type: 'checkbox', 'aria-label': 'select'});
        box.setAttribute('data-entry', letter.id);
        box.setAttribute('data-job', letter.jobId);
        rows.appendChild(h('tr', {'data-testid': 'dead-letter'},
          h('td', {}, box),
          h('td', {}, h('a', {href: '/console/jobs/' + encodeURIComponent(letter.jobId), 'data-nav': true}, letter.jobId.slice(0, 8) + '…')),
          h('td', {class: 'url'}, letter.url),
          h('td', {}, letter.errorCode),
          h('td', {}, letter.attempts),
          h('td', {}, time(letter.at)),
          h('td', {}, statusBadge(letter.status))));
      }
      after = page.next;
      more.hidden = !after;
      showError(null);
    } catch (failure) {
      showError(failure);
    }
  }
  more.addEventListener('click', load);
  const redrive = h('button', {type: 'button', class: 'primary', 'data-testid': 'redrive-selected'}, 'Re-drive selected');
  redrive.addEventListener('click', () => act('redrive'));
  const remove = h('button', {type: 'button', 'data-testid': 'delete-selected'}, 'Delete selected');
  remove.addEventListener('click', () => act('delete'));

  replace(view, h('h1', {}, 'Dead letters'), h('p', {}, redrive, ' ', remove), outcome,
    h('table', {}, h('thead', {}, h('tr', {}, ['', 'job', 'url', 'error', 'attempts', 'failed at', 'status now'].map((t) => h('th', {}, t)))), rows),
    h('p', {}, more));
  load();
}
