import { type Credential, createApi } from '../api.js';
import type { Lang, Page, Strings } from '../contract.js';
import { h } from '../dom.js';
import { errorBox } from '../errors.js';
import { translate } from '../i18n.js';

const S: Strings = {
  title: { en: 'Sign in to hullscan', zh: '登录 hullscan' },
  intro: {
    en: 'Use an API credential of your account. The SecretKey stays in this browser tab: it only signs requests.',
    zh: '使用账号的 API 密钥登录。SecretKey 只保存在本标签页中，仅用于签名请求。',
  },
  secretId: { en: 'SecretId', zh: 'SecretId' },
  secretKey: { en: 'SecretKey', zh: 'SecretKey' },
  submit: { en: 'Sign in', zh: '登录' },
  checking: { en: 'Checking…', zh: '正在验证…' },
  required: { en: 'Enter both the SecretId and the SecretKey.', zh: '请输入 SecretId 和 SecretKey。' },
  switchLang: { en: '中文', zh: 'English' },
};

export interface SigninHooks {
  onSignedIn(cred: Credential): void;
  onSwitchLang(): void;
}

/** The sign-in form: the credential is checked by calling DescribeAssetSummary with it. */
export function signinPage(lang: Lang, hooks: SigninHooks): Page {
  const t = (key: string) => translate(lang, S, key);
  return {
    render(root) {
      const id = h('input', {
        id: 'secret-id',
        name: 'secretId',
        autocomplete: 'username',
        spellcheck: 'false',
        required: true,
      });
      const key = h('input', {
        id: 'secret-key',
        name: 'secretKey',
        type: 'password',
        autocomplete: 'current-password',
        required: true,
      });
      const status = h('div', { class: 'status', 'aria-live': 'polite' });
      const submit = h('button', { type: 'submit', class: 'primary' }, t('submit'));
      const langBtn = h('button', { type: 'button', class: 'lang' }, t('switchLang'));
      langBtn.addEventListener('click', hooks.onSwitchLang);
      const form = h(
        'form',
        { class: 'signin', novalidate: true },
        h('div', { class: 'signin-head' }, h('h1', {}, t('title')), langBtn),
        h('p', { class: 'muted' }, t('intro')),
        h('label', { for: 'secret-id' }, t('secretId')),
        id,
        h('label', { for: 'secret-key' }, t('secretKey')),
        key,
        status,
        submit,
      );
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        const cred = { secretId: id.value.trim(), secretKey: key.value };
        if (!cred.secretId || !cred.secretKey) {
          status.replaceChildren(h('div', { class: 'error', role: 'alert' }, t('required')));
          return;
        }
        submit.disabled = true;
        status.replaceChildren(t('checking'));
        try {
          await createApi(cred, () => lang).call('DescribeAssetSummary', {});
          key.value = '';
          hooks.onSignedIn(cred);
        } catch (e) {
          status.replaceChildren(errorBox({ t: (s, k, v) => translate(lang, s, k, v) }, e));
          submit.disabled = false;
          key.focus();
        }
      });
      root.append(form);
      id.focus();
    },
  };
}
