/**
 * npm run images -- build [engine ...]
 * Builds the missing stand-in images (all when none is named); prints FLUX_DATABASES_IMAGE_<ENGINE>=<ref>
 * lines on stdout (ready for an env file), progress on stderr.
 */
import { STANDIN_ENGINES, ensureStandinImages } from './kit.js';

const usage = `usage: npm run images -- build [engine ...]\nengines: ${STANDIN_ENGINES.join(' ')}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...engines] = argv;
  if (command !== 'build') {
    process.stderr.write(`${usage}\n`);
    return command === undefined || command === '--help' || command === '-h' ? 0 : 2;
  }
  const started = Date.now();
  const refs = await ensureStandinImages(engines.length ? engines : [...STANDIN_ENGINES]);
  for (const [engine, ref] of Object.entries(refs)) process.stdout.write(`FLUX_DATABASES_IMAGE_${engine.toUpperCase()}=${ref}\n`);
  process.stderr.write(`[images] done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`images: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
