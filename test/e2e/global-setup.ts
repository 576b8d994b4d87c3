/**
 * globalSetup of the e2e project: Debian's Chromium, Podman's API socket, the built UI (cached by
 * source hash) and the PostgreSQL stand-in image must be there; a missing one fails the run, never
 * skips it. The image reference reaches the workers through process.env.
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { ensureUiBuilt } from '../../host/ui-build.js';
import { ensureStandinImages } from '../../src/images/kit.js';
import { CHROMIUM } from './helpers/browser.js';

export default async function setup(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`e2e tests need Debian's Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  const version = spawnSync('podman', ['version', '--format', '{{.Client.Version}}'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) throw new Error(`e2e tests need Podman: ${version.error?.message ?? version.stderr.trim()}`);
  const outcome = await ensureUiBuilt({ log: (l) => console.error(`[ui] ${l}`) });
  console.error(`[ui] frontend/dist is ${outcome === 'fresh' ? 'up to date' : outcome}`);
  const refs = await ensureStandinImages(['postgresql'], { log: (l) => console.error(`[images] ${l}`) });
  process.env.FLUX_DATABASES_IMAGE_POSTGRESQL ??= refs.postgresql;
}
