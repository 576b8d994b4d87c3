import { readFileSync } from 'node:fs';

/** The parts of module.json the code reads. */
export interface ModuleManifest {
  module_id: string;
  name: string;
  display_name: string;
  version: string;
  table_prefix: string;
  backend: { entry: string; plugin: string; mount: string };
  hooks: Record<string, string>;
  permissions: { name: string; title: string; description: string }[];
}

export const MANIFEST_PATH = new URL('../module.json', import.meta.url);

let cached: ModuleManifest | undefined;

/** module.json, read once. */
export function readManifest(): ModuleManifest {
  cached ??= JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as ModuleManifest;
  return cached;
}
