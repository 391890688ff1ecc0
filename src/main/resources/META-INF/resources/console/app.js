// The console: a single page whose views are chosen by the path, so /console/jobs/<id> is a link
// anybody can open (the API pods serve index.html for every console path).

import {get, key, setKey} from './api.js';
import {h, replace} from './dom.js';
import {overview} from './views/overview.js';
import {jobList} from './views/jobs.js';
import {jobPage} from './views/job.js';
import {deadLetters} from './views/dead-letters.js';
import {adminPage} from './views/admin.js';

const view = document.getElementById('view');
const notice = document.getElementById('notice');
let leave = () => {};

export function navigate(path) {
  history.pushState(null, '', path);
  route();
}

export function showError(failure) {
  notice.hidden = !failure;
  replace(notice, failure ? String(failure.message || failure) : '');
}

function route() {
  leave();
  leave = () => {};
  showError(null);
  const path = location.pathname.replace(/\/+$/, '');
  for (const link of document.querySelectorAll('nav a')) {
    link.classList.toggle('active', link.getAttribute('href') === path || (path === '' && link.getAttribute('href') === '/console'));
  }
  const job = path.match(/^\/console\/jobs\/([^/]+)$/);
  const context = {view, navigate, showError, onLeave: (fn) => { leave = fn; }};
  if (job) jobPage(context, decodeURIComponent(job[1]));
  else if (path === '/console/jobs') jobList(context, new URLSearchParams(location.search));
  else if (path === '/console/dead-letters') deadLetters(context);
  else if (path === '/console/admin') adminPage(context);
  else overview(context);
}

/** Who the key is: the stats' scope says whether the caller is an admin. */
async function identify() {
  const who = document.getElementById('who');
  document.body.classList.remove('is-admin');
  try {
    const stats = await get('/v1/stats');
    const admin = stats.scope === 'all';
    document.body.classList.toggle('is-admin', admin);
    for (const el of document.querySelectorAll('.admin-only')) el.hidden = !admin;
    replace(who, key() ? (admin ? 'admin key' : 'key') : 'anonymous');
    showError(null);
  } catch (failure) {
    for (const el of document.querySelectorAll('.admin-only')) el.hidden = true;
    replace(who, key() ? 'key refused' : 'anonymous');
    showError(failure);
  }
}

document.getElementById('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = document.getElementById('key-input');
  setKey(input.value.trim());
  input.value = '';
  identify().then(route);
});
document.getElementById('key-forget').addEventListener('click', () => {
  setKey('');
  identify().then(route);
});
document.addEventListener('click', (event) => {
  const link = event.target.closest && event.target.closest('a[data-nav]');
  if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  navigate(link.getAttribute('href'));
});
window.addEventListener('popstate', route);

for (const el of document.querySelectorAll('.admin-only')) el.hidden = true;
identify().then(route);

