import type { Strings } from './contract.js';

/** The shell's own strings (layout, errors, shared table words). */
export const SHELL: Strings = {
  brand: { en: 'hullscan console', zh: 'hullscan 控制台' },
  skip: { en: 'Skip to content', zh: '跳到正文' },
  navLabel: { en: 'Main', zh: '主导航' },
  overview: { en: 'Overview', zh: '概览' },
  images: { en: 'Images', zh: '镜像' },
  registries: { en: 'Registries', zh: '镜像仓库' },
  hosts: { en: 'Hosts', zh: '主机' },
  settings: { en: 'Scan settings', zh: '扫描设置' },
  account: { en: 'Account', zh: '账号' },
  signOut: { en: 'Sign out', zh: '退出登录' },
  language: { en: 'Language', zh: '语言' },
  switchLang: { en: '中文', zh: 'English' },
  notFound: { en: 'No such page.', zh: '没有这个页面。' },
  loading: { en: 'Loading…', zh: '加载中…' },
  error: { en: 'The request failed: {code} — {message}', zh: '请求失败：{code} — {message}' },
};
