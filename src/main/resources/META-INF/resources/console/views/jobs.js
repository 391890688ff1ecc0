import {get, post, query} from '../api.js';
import {h, replace, statusBadge, time} from '../dom.js';

const STATES = ['', 'queued', 'scheduled', 'running', 'retrying', 'succeeded', 'failed', 'cancelled', 'aborted', 'duplicate'];
const PRIORITIES = ['', 'high', 'normal', 'low'];
const FORMATS = ['metadata', 'text', 'markdown', 'links', 'html'];

function select(name, options, selected) {
  return h('select', {name, 'data-testid': 'filter-' + name},
    options.map((o) => h('option', {value: o, selected: o === selected}, o || 'any')));
}

/** datetime-local (local time) to ISO-8601 with offset, as the API takes it. */
function iso(local) {
  if (!local) return '';
  const d = new Date(local);
  return isNaN(d) ? '' : d.toISOString();
}

export function jobList({view, navigate, showError}, params) {
  const table = h('tbody', {});
  const more = h('button', {type: 'button', 'data-testid': 'next-page', hidden: true}, 'Older jobs');
  let cursor = null;

  const submitForm = h('form', {class: 'submit', 'data-testid': 'submit-form'},
    h('label', {}, 'URL', h('input', {name: 'url', type: 'url', placeholder: 'https://example.org/', 'data-testid': 'submit-url'})),
    h('label', {}, 'priority', select('priority', ['normal', 'high', 'low'], 'normal')),
    h('label', {}, 'pages (crawl)', h('input', {name: 'maxPages', type: 'number', min: 1, value: 1, 'data-testid': 'submit-pages'})),
    FORMATS.map((f) => h('label', {}, f, h('input', {type: 'checkbox', name: 'format', value: f,
      checked: ['metadata', 'markdown', 'links'].includes(f)}))),
    h('button', {type: 'submit', class: 'primary', 'data-testid': 'submit'}, 'Submit job'));
  submitForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(submitForm);
    const body = {url: data.get('url'), priority: data.get('priority'), formats: data.getAll('format')};
    const pages = Number(data.get('maxPages'));
    if (pages > 1) body.crawl = {maxPages: pages};
    try {
      const accepted = await post('/v1/jobs', body);
      navigate('/console/jobs/' + encodeURIComponent(accepted.id));
    } catch (failure) {
      showError(failure);
    }
  });

  const filters = h('form', {class: 'filters'},
    h('label', {}, 'state', select('state', STATES, params.get('state') || '')),
    h('label', {}, 'priority', select('priority', PRIORITIES, params.get('priority') || '')),
    h('label', {}, 'created since', h('input', {type: 'datetime-local', name: 'since'})),
    h('label', {}, 'created before', h('input', {type: 'datetime-local', name: 'until'})),
    h('button', {type: 'submit', 'data-testid': 'apply-filters'}, 'Filter'));
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    replace(table);
    cursor = null;
    load();
  });

  function currentFilter() {
    const data = new FormData(filters);
    return {state: data.get('state'), priority: data.get('priority'), since: iso(data.get('since')), until: iso(data.get('until'))};
  }

  async function load() {
    try {
      const page = await get('/v1/jobs' + query({...currentFilter(), limit: 50, cursor}));
      for (const job of page.items) {
        table.appendChild(h('tr', {'data-testid': 'job-row'},
          h('td', {}, h('a', {href: '/console/jobs/' + encodeURIComponent(job.id), 'data-nav': true}, job.id.slice(0, 8) + '…')),
          h('td', {}, statusBadge(job.status)),
          h('td', {}, job.priority),
          h('td', {class: 'url'}, job.url),
          h('td', {}, time(job.createdAt)),
          h('td', {}, job.pages),
          h('td', {}, job.errorCode || '')));
      }
      if (page.items.length === 0 && !cursor) {
        table.appendChild(h('tr', {}, h('td', {colspan: 7, class: 'muted'}, 'No jobs match.')));
      }
      cursor = page.next;
      more.hidden = !cursor;
      showError(null);
    } catch (failure) {
      showError(failure);
    }
  }
  more.addEventListener('click', load);

  replace(view, h('h1', {}, 'Jobs'), submitForm, filters,
    h('table', {'data-testid': 'jobs'},
      h('thead', {}, h('tr', {}, ['job', 'status', 'priority', 'url', 'created', 'pages', 'error'].map((t) => h('th', {}, t)))),
      table),
    h('p', {}, more));
  load();
}
