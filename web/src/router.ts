// Hash router: "#/cases/12?stage=filed". Query strings never carry personal data: free-text
// search stays in page memory, identity fields are never routed.
import { createStore } from './store';

export interface Route {
  path: string;
  segments: string[];
  query: URLSearchParams;
}

function parse(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [p, q = ''] = raw.split('?', 2);
  const path = p.startsWith('/') ? p : `/${p}`;
  return { path, segments: path.split('/').filter(Boolean), query: new URLSearchParams(q) };
}

export const routeStore = createStore<Route>(parse(location.hash));

window.addEventListener('hashchange', () => routeStore.set(parse(location.hash)));

export function href(path: string, query?: Record<string, string | number | boolean | undefined | null>): string {
  let s = `#${path}`;
  if (query) {
    const sp = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '' || v === false) continue;
      sp.set(k, String(v));
    }
    const qs = sp.toString();
    if (qs) s += `?${qs}`;
  }
  return s;
}

export function navigate(path: string, query?: Record<string, string | number | boolean | undefined | null>, replace = false): void {
  const target = href(path, query);
  if (location.hash === target) {
    routeStore.set(parse(target));
    return;
  }
  if (replace) {
    history.replaceState(null, '', target);
    routeStore.set(parse(target));
  } else {
    location.hash = target;
  }
}

export function currentPath(): string {
  return location.hash.replace(/^#/, '') || '/';
}

// Where to go after signing in (kept in memory only).
let returnTo: string | null = null;

export function rememberReturn(path: string | null, onlyIfEmpty = false): void {
  if (onlyIfEmpty && returnTo) return;
  returnTo = path && !path.startsWith('/login') ? path : null;
}

export function afterLogin(): void {
  const target = returnTo ?? '/';
  returnTo = null;
  const [path, query] = target.split('?', 2);
  navigate(path, Object.fromEntries(new URLSearchParams(query ?? '')), true);
}
