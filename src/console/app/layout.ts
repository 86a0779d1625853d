import type { Lang } from './contract.js';
import { h } from './dom.js';
import { translate } from './i18n.js';
import { SHELL } from './strings.js';

export interface LayoutOptions {
  lang: Lang;
  account: string;
  /** the nav entry to mark current (`images`, …) */
  current: string;
  onSwitchLang(): void;
  onSignOut(): void;
}

export const NAV = ['overview', 'images', 'registries', 'hosts', 'settings'] as const;

/** Header with the pages, the account, language switch and sign-out; returns the shell and its content region. */
export function renderLayout(app: HTMLElement, o: LayoutOptions): HTMLElement {
  const t = (key: string) => translate(o.lang, SHELL, key);
  const nav = h(
    'nav',
    { 'aria-label': t('navLabel'), class: 'nav' },
    h(
      'ul',
      {},
      ...NAV.map((name) =>
        h(
          'li',
          {},
          h(
            'a',
            { href: `#/${name}`, 'aria-current': o.current === name ? 'page' : undefined, 'data-nav': name },
            t(name),
          ),
        ),
      ),
    ),
  );
  const lang = h(
    'button',
    { type: 'button', class: 'lang', lang: o.lang === 'zh-CN' ? 'en' : 'zh' },
    t('switchLang'),
  );
  lang.setAttribute('aria-label', `${t('language')}: ${t('switchLang')}`);
  lang.addEventListener('click', o.onSwitchLang);
  const out = h('button', { type: 'button', class: 'signout' }, t('signOut'));
  out.addEventListener('click', o.onSignOut);
  const main = h('main', { id: 'content', tabindex: -1 });
  // the router owns the URL fragment: the skip link moves the focus without changing it
  const skip = h('a', { href: '#content', class: 'skip' }, t('skip'));
  skip.addEventListener('click', (ev) => {
    ev.preventDefault();
    main.focus();
  });
  app.replaceChildren(
    skip,
    h(
      'header',
      { class: 'top' },
      h('a', { href: '#/overview', class: 'brand' }, t('brand')),
      nav,
      h(
        'div',
        { class: 'who' },
        h(
          'span',
          { class: 'account', title: t('account') },
          h('span', { class: 'sr-only' }, `${t('account')}: `),
          o.account,
        ),
        lang,
        out,
      ),
    ),
    main,
  );
  return main;
}
