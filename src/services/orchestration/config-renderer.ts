import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';

/** config_templates/ at the repository root: one folder per engine, `<file>.njk` templates. */
export const TEMPLATES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../config_templates');

/** Values a template may use. Unknown names throw (throwOnUndefined), so a typo never renders as empty. */
export type TemplateVars = Record<string, string | number | boolean | null | undefined | readonly unknown[] | Record<string, unknown>>;

/**
 * Filters that quote a value for the target syntax. Templates never print a free-form value without
 * one of them; numbers and fixed keywords print as they are.
 */
const FILTERS: Record<string, (v: unknown) => string> = {
  /** XML text or attribute content (ClickHouse). */
  xml: (v) =>
    String(v).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!),
  /** redis.conf double-quoted string: backslash escapes, \xHH for anything not printable ASCII. */
  redisq: (v) =>
    `"${Array.from(Buffer.from(String(v), 'utf8'))
      .map((b) => {
        const c = String.fromCharCode(b);
        if (c === '"' || c === '\\') return `\\${c}`;
        return b >= 0x20 && b < 0x7f ? c : `\\x${b.toString(16).padStart(2, '0')}`;
      })
      .join('')}"`,
  /** postgresql.conf single-quoted string: ' doubled, backslash doubled (backslash escapes are processed). */
  pgq: (v) => `'${String(v).replace(/\\/g, '\\\\').replace(/'/g, "''")}'`,
  /** YAML / TOML / JSON double-quoted scalar: JSON's escaping is valid in all three. */
  jsonq: (v) => JSON.stringify(String(v)),
  /** One ACL rule of a redis.conf `user` line (a password hash, keys, channels, commands); anything else throws. */
  aclrule: (v) => {
    const s = String(v);
    if (!/^(#[0-9a-f]{64}|~[A-Za-z0-9_:.\-*?[\]{}]{1,128}|&\*|[+-]@?[a-z|]{1,40})$/.test(s)) throw new Error(`value ${JSON.stringify(s)} is not an ACL rule the module renders`);
    return s;
  },
  /** my.cnf / ini value: only plain values are allowed (paths, names); anything that needs quoting throws. */
  plain: (v) => {
    const s = String(v);
    if (!/^[A-Za-z0-9_./:@+-]*$/.test(s)) throw new Error(`value ${JSON.stringify(s)} is not allowed unquoted in a config file`);
    return s;
  },
};

let environment: nunjucks.Environment | undefined;

function env(): nunjucks.Environment {
  if (environment) return environment;
  const e = new nunjucks.Environment(new nunjucks.FileSystemLoader(TEMPLATES_DIR, { noCache: false }), {
    // Config formats are not HTML; escaping is explicit through the filters above.
    autoescape: false,
    throwOnUndefined: true,
    trimBlocks: true,
    lstripBlocks: true,
  });
  for (const [name, fn] of Object.entries(FILTERS)) e.addFilter(name, fn);
  environment = e;
  return e;
}

/**
 * Renders config_templates/<engine>/<templateName>. Pure apart from reading the template; the
 * podman tier calls it directly to prove the output is accepted by the real engine.
 */
export function renderConfig(engine: string, templateName: string, vars: TemplateVars): string {
  if (!/^[a-z0-9]+$/.test(engine) || !/^[a-z0-9][a-z0-9._-]*\.njk$/.test(templateName)) {
    throw new Error(`invalid template ${engine}/${templateName}`);
  }
  return env().render(`${engine}/${templateName}`, vars);
}

/** Filters, exported for tests. */
export const configFilters = FILTERS;
