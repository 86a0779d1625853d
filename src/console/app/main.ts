import { createApi } from './api.js';
import type { Lang, Page, PageContext, Strings } from './contract.js';
import { h } from './dom.js';
import { loadLang, saveLang, translate } from './i18n.js';
import { renderLayout } from './layout.js';
import { hostsPage } from './pages/hosts.js';
import { imageDetailPage } from './pages/image-detail.js';
import { imagesPage } from './pages/images.js';
import { overviewPage } from './pages/overview.js';
import { registriesPage } from './pages/registries.js';
import { settingsPage } from './pages/settings.js';
import { signinPage } from './pages/signin.js';
import { clearSession, loadSession, saveSession } from './session.js';
import { SHELL } from './strings.js';

/**
 * The console's router: `#/signin`, `#/overview`, `#/images`, `#/images/:id`, `#/registries`, `#/hosts`,
 * `#/settings`. Any route but sign-in needs a session; without one it goes to `#/signin`.
 */

interface Route {
  page: Page;
  nav: string;
  params: Record<string, string>;
}

let lang: Lang = loadLang();
let current: Page | undefined;
let renderSeq = 0;
let shown = false;

/**
 * Where keyboard focus goes after the page is drawn again: back on the language switch when that was
 * used, else on the new page's main region (a link or Enter changed the page, and the old element is
 * gone); nowhere on the first load.
 */
function restoreFocus(wasLang: boolean): void {
  const target = wasLang
    ? document.querySelector<HTMLElement>('button.lang')
    : document.querySelector<HTMLElement>('main#content');
  target?.focus({ preventScroll: !wasLang });
}

function route(hash: string): Route | undefined {
  const path = hash.replace(/^#/, '') || '/overview';
  const parts = path.split('/').filter((p) => p !== '');
  const [first, second, ...rest] = parts;
  if (rest.length > 0) return undefined;
  switch (first) {
    case undefined:
    case 'overview':
      return second === undefined ? { page: overviewPage, nav: 'overview', params: {} } : undefined;
    case 'images':
      if (second === undefined) return { page: imagesPage, nav: 'images', params: {} };
      try {
        return { page: imageDetailPage, nav: 'images', params: { id: decodeURIComponent(second) } };
      } catch {
        return undefined;
      }
    case 'registries':
      return second === undefined ? { page: registriesPage, nav: 'registries', params: {} } : undefined;
    case 'hosts':
      return second === undefined ? { page: hostsPage, nav: 'hosts', params: {} } : undefined;
    case 'settings':
      return second === undefined ? { page: settingsPage, nav: 'settings', params: {} } : undefined;
    default:
      return undefined;
  }
}

function t(strings: Strings, key: string, vars?: Record<string, string | number>): string {
  return translate(lang, strings, key, vars);
}

function navigate(hash: string): void {
  if (location.hash === hash) void show();
  else location.hash = hash;
}

function dispose(): void {
  try {
    current?.dispose?.();
  } catch {
    // a page's cleanup must not stop the next page
  }
  current = undefined;
}

async function show(): Promise<void> {
  const seq = ++renderSeq;
  const wasLang = document.activeElement?.classList.contains('lang') === true;
  const moveFocus = shown;
  shown = true;
  dispose();
  document.documentElement.lang = lang === 'zh-CN' ? 'zh-CN' : 'en';
  const app = document.getElementById('app');
  if (!app) return;
  const session = loadSession();
  const hash = location.hash;

  if (hash === '#/signin' || !session) {
    if (hash !== '#/signin') {
      // no session: every page goes to sign-in (replace, so Back does not bounce)
      history.replaceState(null, '', '#/signin');
    }
    current = signinPage(lang, {
      onSignedIn(cred) {
        saveSession(cred);
        navigate('#/overview');
      },
      onSwitchLang: switchLang,
    });
    app.replaceChildren();
    const root = h('main', { id: 'content', class: 'signin-main', tabindex: -1 });
    app.append(root);
    document.title = `${t(SHELL, 'brand')}`;
    await current.render(root, contextFor({ secretId: '', secretKey: '' }), {});
    if (moveFocus && wasLang) restoreFocus(true);
    return;
  }

  const r = route(hash);
  const main = renderLayout(app, {
    lang,
    account: session.secretId,
    current: r?.nav ?? '',
    onSwitchLang: switchLang,
    onSignOut() {
      dispose();
      clearSession();
      navigate('#/signin');
    },
  });
  if (!r) {
    main.append(h('p', { role: 'alert' }, t(SHELL, 'notFound')));
    return;
  }
  document.title = `${t(SHELL, r.nav)} · ${t(SHELL, 'brand')}`;
  current = r.page;
  const root = h('div', { class: 'page', 'data-page': r.nav });
  main.append(root);
  if (moveFocus) restoreFocus(wasLang);
  try {
    await r.page.render(root, contextFor(session), r.params);
  } catch (e) {
    if (seq === renderSeq) {
      const { errorBox } = await import('./errors.js');
      root.append(errorBox({ t }, e));
    }
  }
}

function contextFor(cred: { secretId: string; secretKey: string }): PageContext {
  return {
    api: createApi(cred, () => lang),
    lang,
    t,
    navigate,
    account: { secretId: cred.secretId },
  };
}

function switchLang(): void {
  lang = lang === 'zh-CN' ? 'en-US' : 'zh-CN';
  saveLang(lang);
  void show();
}

window.addEventListener('hashchange', () => void show());
window.addEventListener('storage', (e) => {
  if (e.key === null) void show();
});
void show();
