import type { ModuleManifest } from '../src/manifest.js';

/** Served at `/` until frontend/dist is built. */
export function placeholderPage(m: ModuleManifest): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${m.display_name}</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>${m.display_name} <small>${m.version}</small></h1>
<p>The UI is not built yet. The API is at <code>${m.backend.mount}</code>, for example
<code>${m.backend.mount}/status</code>, with <code>Authorization: Bearer &lt;token&gt;</code>.</p>
</body></html>
`;
}
