/**
 * gitleaks' own rule samples (../shared/oracles/secrets/gitleaks/rule_samples.json): for every kind we
 * claim, every must-find sample is found by the rule we map it to; no must-not-find sample of any kind
 * is reported by any of our rules.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { scanText } from '../src/detectors/secrets/index.js';
import { oracleSuite } from './support/oracles.js';

interface Sample {
  ruleId: string;
  label: 'tp' | 'fp';
  text: string;
}

/** gitleaks kind → our rule. Kinds absent here are not claimed (their must-not-find samples still count). */
const CLAIMED: Record<string, string> = {
  'aws-access-token': 'secret.aws-access-key-id',
  'azure-ad-client-secret': 'secret.azure-client-secret',
  'private-key': 'secret.private-key',
  'github-pat': 'secret.github-token',
  'github-oauth': 'secret.github-token',
  'github-app-token': 'secret.github-token',
  'github-refresh-token': 'secret.github-token',
  'github-fine-grained-pat': 'secret.github-token',
  'gitlab-pat': 'secret.gitlab-token',
  'gitlab-pat-routable': 'secret.gitlab-token',
  'gitlab-ptt': 'secret.gitlab-token',
  'gitlab-runner-authentication-token-routable': 'secret.gitlab-token',
  'slack-bot-token': 'secret.slack-token',
  'slack-user-token': 'secret.slack-token',
  'slack-app-token': 'secret.slack-token',
  'slack-config-access-token': 'secret.slack-token',
  'slack-config-refresh-token': 'secret.slack-token',
  'slack-legacy-bot-token': 'secret.slack-token',
  'slack-legacy-token': 'secret.slack-token',
  'slack-legacy-workspace-token': 'secret.slack-token',
  'slack-webhook-url': 'secret.slack-webhook',
  'sidekiq-sensitive-url': 'secret.url-credentials',
  'curl-auth-user': 'secret.curl-credentials',
  'curl-auth-header': 'secret.curl-auth-header',
  'jwt-base64': 'secret.jwt',
};

oracleSuite('secrets/gitleaks', (dir) => {
  const samples = (
    JSON.parse(readFileSync(path.join(dir, 'rule_samples.json'), 'utf8')) as { samples: Sample[] }
  ).samples;

  it('finds every must-find sample of the claimed kinds and none of the must-not-find samples', () => {
    const missed: string[] = [];
    const falses: string[] = [];
    let mustFind = 0;
    let found = 0;
    let mustNot = 0;
    for (const s of samples) {
      const hits = scanText(s.text, 'sample.cfg');
      if (s.label === 'fp') {
        mustNot++;
        if (hits.length > 0) falses.push(`${s.ruleId}: ${hits.map((h) => h.rule.id).join(',')}`);
        continue;
      }
      const rule = CLAIMED[s.ruleId];
      if (!rule) continue;
      mustFind++;
      if (hits.some((h) => h.rule.id === rule)) found++;
      else
        missed.push(
          `${s.ruleId} (${hits.map((h) => h.rule.id).join(',') || 'nothing'}): ${s.text.slice(0, 80)}`,
        );
    }
    const kinds = new Set(samples.map((s) => s.ruleId));
    const unclaimed = [...kinds].filter((k) => !CLAIMED[k]).sort();
    console.log(
      `gitleaks samples: must-find ${found}/${mustFind} found (${((100 * found) / mustFind).toFixed(1)} %), ` +
        `must-not-find ${falses.length}/${mustNot} reported (${((100 * falses.length) / mustNot).toFixed(1)} %); ` +
        `${Object.keys(CLAIMED).length} kinds claimed, ${unclaimed.length} not claimed: ${unclaimed.join(' ')}`,
    );
    expect(missed).toEqual([]);
    expect(falses).toEqual([]);
    expect(mustFind).toBeGreaterThanOrEqual(55);
  });
});
