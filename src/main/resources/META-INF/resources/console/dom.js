// Builds DOM nodes. Text is only ever set as text (textContent / text nodes): nothing the API
// returns -- a scraped title, a URL, an error message -- is parsed as HTML.

const SAFE_ATTRIBUTES = new Set(['class', 'type', 'value', 'name', 'placeholder', 'for', 'id', 'title',
  'data-testid', 'data-nav', 'href', 'colspan', 'min', 'max', 'checked', 'selected', 'disabled',
  'aria-label', 'autocomplete', 'role', 'hidden']);

/** h('a', {href: '/console/jobs/' + encodeURIComponent(id)}, 'text', child, ...) */
export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2), value);
    } else if (SAFE_ATTRIBUTES.has(name)) {
      if (name === 'href' && !String(value).startsWith('/console')) continue; // only our own pages
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else if (child instanceof Node) node.appendChild(child);
    else node.appendChild(document.createTextNode(String(child)));
  }
}

export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

export function time(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : d.toLocaleString();
}

export function statusBadge(status) {
  return h('span', {class: 'status ' + String(status || '').replace(/[^a-z]/g, ''), 'data-testid': 'status'},
    status || '');
}
