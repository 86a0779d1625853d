import type { Lang, Strings } from './contract.js';

const KEY = 'hullscan.console.lang';

/** The chosen language: localStorage, else the browser's, else English. */
export function loadLang(): Lang {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === 'en-US' || saved === 'zh-CN') return saved;
  } catch {
    // storage unavailable
  }
  return navigator.language?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en-US';
}

export function saveLang(lang: Lang): void {
  try {
    localStorage.setItem(KEY, lang);
  } catch {
    // storage unavailable: the choice lasts for this page only
  }
}

/** `strings[key]` in `lang`, `{name}` placeholders filled from `vars`; the key itself when missing. */
export function translate(
  lang: Lang,
  strings: Strings,
  key: string,
  vars?: Record<string, string | number>,
): string {
  const entry = strings[key];
  let text = entry ? (lang === 'zh-CN' ? entry.zh : entry.en) : key;
  if (vars) text = text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
  return text;
}
