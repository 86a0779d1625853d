import { describe, expect, it } from 'vitest';
import { normalizeImageName } from './reference.js';

describe('normalizeImageName', () => {
  it.each([
    ['nginx:1.25', 'docker.io/library/nginx:1.25'],
    ['library/nginx:latest', 'docker.io/library/nginx:latest'],
    ['test/small:1.0', 'docker.io/test/small:1.0'],
    ['index.docker.io/test/small:1.0', 'docker.io/test/small:1.0'],
    ['ghcr.io/org/app', 'ghcr.io/org/app:latest'],
    ['localhost:5000/app:v1', 'localhost:5000/app:v1'],
    ['127.0.0.1:5000/a/b/c:x', '127.0.0.1:5000/a/b/c:x'],
    [`app@sha256:${'a'.repeat(64)}`, `docker.io/library/app@sha256:${'a'.repeat(64)}`],
  ])('%s → %s', (input, want) => {
    expect(normalizeImageName(input)).toBe(want);
  });

  it.each(['latest', '', 'Upper/Case:1', 'a b:1', 'repo/:tag'])('refuses %j', (input) => {
    expect(normalizeImageName(input)).toBeUndefined();
  });
});
