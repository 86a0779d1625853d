import type { FindingLevel } from '../../core/finding.js';
import { type RuleHit, SECRET_RULES, type SecretRule } from './rules.js';

/** One secret found in a text: the rule, the clear value (never to leave this module's callers unmasked), and where. */
export interface SecretMatch {
  rule: SecretRule;
  secret: string;
  /** offset of the secret (or of the construct holding it) in the text */
  index: number;
  /** 1-based line of `index` */
  line: number;
  level: FindingLevel;
  description: string;
}

/** Most matches one text yields; a file of thousands of secrets is reported by its first ones. */
export const MAX_MATCHES_PER_TEXT = 200;

/**
 * Runs `rules` over `text` (the content of the file at `path`, `''` for a build step): each rule only
 * when one of its keywords occurs in the lower-cased text (path-scoped rules only on their files).
 * A value is reported once per rule; a generic rule's hit is dropped when a specific rule found the
 * same value or a span overlapping it; among specific rules the first in `rules` keeps a shared value.
 */
export function scanText(text: string, path = '', rules: SecretRule[] = SECRET_RULES): SecretMatch[] {
  const found = keywordsIn(text, rules);
  const has = (k: string) => found.has(k);
  const raw: { rule: SecretRule; secret: string; index: number; level: FindingLevel; description: string }[] =
    [];
  for (const rule of rules) {
    if (rule.paths && !rule.paths(path)) continue;
    if (rule.keywords.length > 0 && !rule.keywords.some(has)) continue;
    const hits = rule.find ? rule.find(text, path) : regexHits(rule, text, path);
    let n = 0;
    for (const h of hits) {
      raw.push({
        rule,
        secret: h.secret,
        index: h.index,
        level: h.level ?? rule.level,
        description: h.note ?? rule.description,
      });
      if (++n >= MAX_MATCHES_PER_TEXT) break;
    }
  }
  const kept: typeof raw = [];
  const values = new Set<string>();
  const spans: [number, number][] = [];
  const ordered = [...raw.filter((r) => !r.rule.generic), ...raw.filter((r) => r.rule.generic)];
  for (const r of ordered) {
    const key = r.secret;
    if (values.has(key) && (r.rule.generic || kept.some((k) => k.secret === key && k.rule !== r.rule)))
      continue;
    if (kept.some((k) => k.rule === r.rule && k.secret === key)) continue;
    const end = r.index + r.secret.length;
    if (r.rule.generic && spans.some(([s, e]) => r.index < e && end > s)) continue;
    kept.push(r);
    values.add(key);
    spans.push([r.index, end]);
    if (kept.length >= MAX_MATCHES_PER_TEXT) break;
  }
  kept.sort((a, b) => a.index - b.index);
  const out: SecretMatch[] = [];
  let line = 1;
  let pos = 0;
  for (const k of kept) {
    for (let i = text.indexOf('\n', pos); i >= 0 && i < k.index; i = text.indexOf('\n', i + 1)) {
      line++;
      pos = i + 1;
    }
    out.push({ ...k, line });
  }
  return out;
}

interface KeywordIndex {
  re: RegExp;
  /** each keyword with the keywords contained in it */
  implies: Map<string, string[]>;
}

const INDEXES = new WeakMap<SecretRule[], KeywordIndex>();

function keywordIndex(rules: SecretRule[]): KeywordIndex {
  let idx = INDEXES.get(rules);
  if (idx) return idx;
  const words = [...new Set(rules.flatMap((r) => r.keywords))].sort((a, b) => b.length - a.length);
  const escapeRe = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const implies = new Map(words.map((w) => [w, words.filter((o) => w.includes(o))]));
  idx = { re: new RegExp(words.length > 0 ? words.map(escapeRe).join('|') : '(?!)', 'g'), implies };
  INDEXES.set(rules, idx);
  return idx;
}

/** The rules' keywords occurring in `text` (case-insensitively), by one pass of one alternation over the lower-cased text. */
export function keywordsIn(text: string, rules: SecretRule[] = SECRET_RULES): Set<string> {
  const { re, implies } = keywordIndex(rules);
  const lower = text.toLowerCase();
  const found = new Set<string>();
  const g = new RegExp(re.source, 'g');
  for (let m = g.exec(lower); m; m = g.exec(lower)) {
    if (!found.has(m[0])) for (const w of implies.get(m[0]) ?? [m[0]]) found.add(w);
    g.lastIndex = m.index + 1;
  }
  return found;
}

function* regexHits(rule: SecretRule, text: string, path: string): Iterable<RuleHit> {
  for (const re of rule.patterns ?? []) {
    const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
    for (let m = g.exec(text); m; m = g.exec(text)) {
      if (m[0].length === 0) g.lastIndex++;
      const secret = m[1] ?? m[0];
      const index = m.index + m[0].indexOf(secret);
      if (rule.validate && !rule.validate(secret, text, index, path)) continue;
      yield { secret, index };
    }
  }
}
