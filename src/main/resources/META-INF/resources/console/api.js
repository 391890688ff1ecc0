// Calls the API with the key the user typed in (kept in sessionStorage: gone when the tab closes)
// as Authorization: Bearer, the same keys and tenancy as any other client.

const KEY = 'trawl.console.key';

export function key() { return sessionStorage.getItem(KEY) || ''; }
export function setKey(value) {
  if (value) sessionStorage.setItem(KEY, value); else sessionStorage.removeItem(KEY);
}

export function authHeaders(extra = {}) {
  const headers = {...extra};
  if (key()) headers['Authorization'] = 'Bearer ' + key();
  return headers;
}

/** A problem+json answer (or a network failure) as an Error whose message says what is wrong. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem && (problem.detail || problem.title) ? (problem.detail || problem.title) : 'HTTP ' + status);
    this.status = status;
    this.problem = problem;
  }
}

export async function call(method, path, body) {
  const init = {method, headers: authHeaders({Accept: 'application/json'})};
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 204) return null;
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (ignored) { json = null; }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body);
export const put = (path) => call('PUT', path);
export const del = (path) => call('DELETE', path);

export function query(params) {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') q.set(name, value);
  }
  const text = q.toString();
  return text ? '?' + text : '';
}
