import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getAdapter, listAdapters } from '../../src/services/adapters/registry.js';
import type { AdapterInput, EngineAdapter, PlannedFile } from '../../src/services/adapters/types.js';
import { configFilters, renderConfig, TEMPLATES_DIR } from '../../src/services/orchestration/config-renderer.js';
import { checkSecretIni, iqlStrings, propertiesValues } from './secret-file-formats.js';

/**
 * Every rendered config file, for a small and a large SKU, with and without TLS, must be
 * syntactically valid for its format. The checks are small parsers, not the engines: the podman
 * tier proves acceptance by the real engines where they exist here (renderConfig is pure, call it
 * from there).
 */

const PASSWORD = `Pa'"s$(x);|&\`1 %@/:?#[]{}<>\\*!~=Zz\u00e9`;
/** Neo4j's entrypoint splits neo4j/<password> on "/": its adapter refuses one. */
const passwordFor = (a: EngineAdapter) => (a.engine === 'neo4j' ? PASSWORD.replace('/', '') : PASSWORD);
const TLS = { certPath: '/run/flux/tls/server.crt', keyPath: '/run/flux/tls/server.key' };
const SMALL = (a: EngineAdapter) => ({ memoryMb: Math.max(512, a.minMemoryMb), cpus: 0.5, storageGb: 10 });
const LARGE = { memoryMb: 262144, cpus: 64, storageGb: 2048 };

function inputs(a: EngineAdapter): AdapterInput[] {
  const base = {
    containerName: 'flux-db-test-1', databaseName: 'app_db', username: a.fixedUsername ?? 'app_user',
    password: passwordFor(a), version: a.defaultVersion,
  };
  const out: AdapterInput[] = [];
  for (const sizing of [SMALL(a), LARGE]) {
    for (const version of new Set([a.defaultVersion, ...a.versions])) {
      out.push({ ...base, version, sizing: { ...sizing, cpus: Math.max(sizing.cpus, a.minCpus) } });
    }
    if (a.capabilities.supportsTls) out.push({ ...base, sizing: { ...sizing, cpus: Math.max(sizing.cpus, a.minCpus) }, tls: TLS });
  }
  return out;
}

// --- tiny format checkers -------------------------------------------------------------------

/** Well-formed XML: one root, balanced tags, attributes quoted, entities known. Returns the root name. */
function checkXml(text: string): string {
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, '').replace(/<!--[\s\S]*?-->/g, '');
  const stack: string[] = [];
  let root = '';
  let rest = body;
  const tag = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<&]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < rest.length) {
    const lt = rest.indexOf('<', i);
    const textPart = rest.slice(i, lt === -1 ? rest.length : lt);
    if (/&(?!(amp|lt|gt|quot|apos);)/.test(textPart) || textPart.includes('>')) throw new Error(`bad text: ${textPart}`);
    if (stack.length === 0 && textPart.trim()) throw new Error(`text outside root: ${textPart}`);
    if (lt === -1) break;
    tag.lastIndex = lt;
    const m = tag.exec(rest);
    if (!m) throw new Error(`bad tag at ${rest.slice(lt, lt + 40)}`);
    const [, close, name, , selfClose] = m;
    if (close) {
      if (stack.pop() !== name) throw new Error(`unbalanced </${name}>`);
    } else {
      if (!root) root = name!;
      else if (stack.length === 0) throw new Error('second root element');
      if (!selfClose) stack.push(name!);
    }
    i = tag.lastIndex;
  }
  rest = '';
  if (stack.length) throw new Error(`unclosed <${stack.join('> <')}>`);
  return root;
}

/** YAML subset used by the templates: key: value maps, "- " lists, 2-space indents, JSON-quoted strings. */
function checkYaml(text: string): void {
  for (const [n, raw] of text.split('\n').entries()) {
    const line = raw.replace(/\s+#.*$/, '');
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    const indent = /^( *)/.exec(line)![1]!.length;
    if (indent % 2 !== 0 || line.includes('\t')) throw new Error(`line ${n + 1}: indentation`);
    const item = line.trim().replace(/^- /, '');
    const m = /^([A-Za-z_][\w.]*):(?:\s+(.*))?$/.exec(item);
    const value = m ? m[2] : item;
    if (!m && !line.trim().startsWith('- ')) throw new Error(`line ${n + 1}: not key: value: ${line}`);
    if (value && value.startsWith('"')) JSON.parse(value);
    else if (value && /[:#{}[\],&*!|>'"%@`]/.test(value) && !/^\[("[^"]*",?\s*)*\]$/.test(value)) throw new Error(`line ${n + 1}: unquoted special value ${value}`);
  }
}

/** Redis config lines split like sdssplitargs (the server's own tokenizer); throws on unbalanced quotes. */
function redisArgs(line: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (i >= line.length) break;
    let cur = '';
    if (line[i] === '"') {
      i++;
      const bytes: number[] = [];
      for (;;) {
        if (i >= line.length) throw new Error('unbalanced quotes');
        const c = line[i]!;
        if (c === '\\' && line[i + 1] === 'x' && /^[0-9a-f]{2}$/i.test(line.slice(i + 2, i + 4))) {
          bytes.push(parseInt(line.slice(i + 2, i + 4), 16));
          i += 4;
        } else if (c === '\\' && i + 1 < line.length) {
          const e = line[i + 1]!;
          bytes.push(({ n: 10, r: 13, t: 9, b: 8, a: 7 } as Record<string, number>)[e] ?? e.charCodeAt(0));
          i += 2;
        } else if (c === '"') {
          if (i + 1 < line.length && line[i + 1] !== ' ') throw new Error('closing quote must be followed by a space');
          i++;
          break;
        } else {
          bytes.push(...Buffer.from(c, 'utf8'));
          i++;
        }
      }
      cur = Buffer.from(bytes).toString('utf8');
    } else {
      while (i < line.length && line[i] !== ' ') cur += line[i++];
    }
    args.push(cur);
  }
  return args;
}

function checkRedis(text: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [name, ...args] = redisArgs(line);
    if (!/^[a-z][a-z-]*$/.test(name!) || args.length === 0) throw new Error(`bad directive: ${line}`);
    directives.set(name!, args);
  }
  return directives;
}

/** postgresql.conf value: a number with unit, a bare word, or a quoted string ('' and backslash escapes). */
function pgValue(v: string): string {
  if (v.startsWith("'")) {
    const m = /^'((?:[^'\\\n]|\\.|'')*)'$/.exec(v);
    if (!m) throw new Error(`bad quoted value ${v}`);
    return m[1]!.replace(/''/g, "'").replace(/\\(.)/g, '$1');
  }
  // guc-file.l: INTEGER (with unit letters), REAL, or UNQUOTED_STRING.
  if (!/^([+-]?(\d+|0x[0-9a-f]+)[a-zA-Z]*|[+-]?\d*\.\d*([Ee][+-]?\d+)?|[A-Za-z_][\w\-.:/]*)$/.test(v)) throw new Error(`bad bare value ${v}`);
  return v;
}

function checkPgConf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const m = /^([a-z_][a-z0-9_.]*) = (.+)$/.exec(line);
    if (!m) throw new Error(`bad line: ${line}`);
    out.set(m[1]!, pgValue(m[2]!));
  }
  return out;
}

/** ini / my.cnf: [section], key = value or a bare flag; ; and # comments. */
function checkIni(text: string): void {
  let section = '';
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t || t.startsWith('#') || t.startsWith(';')) continue;
    if (/^\[[a-z_]+\]$/.test(t)) { section = t; continue; }
    if (!section) throw new Error(`setting before a section: ${t}`);
    if (!/^[a-z_][a-z0-9_-]*( = [A-Za-z0-9_./:@+-]+)?$/.test(t)) throw new Error(`bad line: ${t}`);
  }
}

/** TOML subset: [section], key = number | true/false | "basic string". */
function checkToml(text: string): void {
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t || t.startsWith('#') || /^\[[a-z-]+\]$/.test(t)) continue;
    const m = /^([a-z_-]+) = (.+)$/.exec(t);
    if (!m) throw new Error(`bad line: ${t}`);
    const v = m[2]!;
    if (!(/^-?\d+$/.test(v) || v === 'true' || v === 'false' || (v.startsWith('"') && typeof JSON.parse(v) === 'string'))) {
      throw new Error(`bad value: ${v}`);
    }
  }
}

/** Java properties as neo4j.conf uses them: key=value. */
function checkProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const m = /^([a-z][a-z0-9_.]*)=([^\s]+)$/.exec(line);
    if (!m) throw new Error(`bad line: ${line}`);
    out.set(m[1]!, m[2]!);
  }
  return out;
}

/** pg_hba.conf lines (type, database, user, address, method); only TLS (hostssl) and the socket. */
function checkHba(text: string): string[][] {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((l) => l.split(/\s+/));
  for (const l of lines) {
    expect(['local', 'hostssl']).toContain(l[0]);
    expect(l.at(-1)).toMatch(/^(trust|scram-sha-256)$/);
    if (l[0] === 'hostssl') expect(l.at(-1)).toBe('scram-sha-256');
  }
  return lines;
}

function checkFile(f: PlannedFile, password = PASSWORD): void {
  const name = path.basename(f.target);
  if (name.endsWith('.xml')) checkXml(f.content);
  else if (name.endsWith('.yaml') || name.endsWith('.yml') || name === 'mongod.conf') checkYaml(f.content);
  else if (name === 'postgresql.conf') checkPgConf(f.content);
  else if (name === 'pg_hba.conf') checkHba(f.content);
  else if (/^(redis|valkey|keydb)\.conf$/.test(name)) checkRedis(f.content);
  else if (name === 'influxdb.conf') checkToml(f.content);
  else if (name === 'neo4j.conf') checkProperties(f.content);
  else if (name.endsWith('.ini') && f.kind === 'secret') checkSecretIni(f.content, password);
  else if (name.endsWith('.cnf') || name.endsWith('.ini')) checkIni(f.content);
  else if (name === 'server.conf') expect(propertiesValues(f.content).get('pg.password')).toBe(password);
  else if (name.endsWith('.iql')) expect(iqlStrings(f.content)).toEqual([password]);
  else if (name.endsWith('.toml')) checkToml(f.content);
  else if (name.endsWith('.sh')) expect(spawnSync('sh', ['-n'], { input: f.content }).status).toBe(0);
  else if (name.endsWith('.js')) expect(f.content).toMatch(/^db\._createDatabase\("[a-z][a-z0-9_]*"\);\n$/);
  // A program in source-file mode (java File.java): its public class must be named as the file.
  else if (name.endsWith('.java')) expect(f.content).toMatch(new RegExp(`\\npublic class ${name.slice(0, -'.java'.length)} \\{\n`));
  else if (name === 'neo4j-auth') expect(f.content).toBe(`neo4j/${password}`);
  else if (name.endsWith('.cql') || name.endsWith('.sql')) expect(f.content.trim().endsWith(';')).toBe(true);
  else if (name === 'cqlshrc') expect(f.content).toBe(`[authentication]\nusername = app_user\npassword = ${password}\n`);
  else if (f.kind === 'secret' && !f.content.includes('\n')) expect(f.content).toBe(password);
  else throw new Error(`no checker for ${f.target}`);
}

// --- tests ----------------------------------------------------------------------------------

describe('config templates', () => {
  it('every template file is used by some adapter', () => {
    const templates = readdirSync(TEMPLATES_DIR, { recursive: true, encoding: 'utf8' }).filter((p) => p.endsWith('.njk'));
    expect(templates.length).toBeGreaterThanOrEqual(11);
  });

  describe.each(listAdapters().filter((a) => !a.capabilities.isEmbedded).map((a) => [a.engine, a] as const))('%s', (_engine, a) => {
    it('renders valid files for small and large SKUs, every version, with and without TLS', () => {
      for (const i of inputs(a)) {
        for (const f of a.plan(i).files) {
          expect(() => checkFile(f, i.password), `${f.target} (${i.version}, ${i.sizing.memoryMb} MB${i.tls ? ', tls' : ''})`).not.toThrow();
          expect(f.content).not.toMatch(/undefined|NaN|\[object Object\]/);
        }
      }
    });
  });

  it('postgresql.conf carries the SKU sizing and the quoted TLS paths', () => {
    const a = getAdapter('postgresql');
    const conf = a.plan({ containerName: 'c1', databaseName: 'd', username: 'u', password: PASSWORD, version: '17', sizing: { memoryMb: 8192, cpus: 4, storageGb: 100 }, tls: TLS })
      .files.find((f) => f.target.endsWith('postgresql.conf'))!;
    const s = checkPgConf(conf.content);
    expect(s.get('shared_buffers')).toBe('2048MB');
    expect(s.get('effective_cache_size')).toBe('6144MB');
    expect(s.get('max_connections')).toBe('500');
    expect(s.get('ssl_cert_file')).toBe(TLS.certPath);
    // TLS only: the server reads the rendered pg_hba.conf, which has hostssl lines and no plain host line.
    const files = a.plan({ containerName: 'c1', databaseName: 'd', username: 'u', password: PASSWORD, version: '17', sizing: { memoryMb: 1024, cpus: 1, storageGb: 10 }, tls: TLS }).files;
    expect(s.get('hba_file')).toBe('/etc/postgresql/pg_hba.conf');
    expect(checkHba(files.find((f) => f.target === '/etc/postgresql/pg_hba.conf')!.content).map((l) => l[0])).toEqual(['local', 'hostssl', 'hostssl']);
    expect(a.plan({ containerName: 'c1', databaseName: 'd', username: 'u', password: PASSWORD, version: '17', sizing: { memoryMb: 1024, cpus: 1, storageGb: 10 } })
      .files.map((f) => f.target)).not.toContain('/etc/postgresql/pg_hba.conf');
    expect(s.get('listen_addresses')).toBe('*');
    const ts = getAdapter('timescaledb').plan({ containerName: 'c1', databaseName: 'd', username: 'u', password: PASSWORD, version: '2.26.0-pg17', sizing: { memoryMb: 1024, cpus: 1, storageGb: 10 } });
    expect(checkPgConf(ts.files.find((f) => f.target.endsWith('postgresql.conf'))!.content).get('shared_preload_libraries')).toBe('timescaledb');
  });

  it('redis.conf round-trips the password through the server tokenizer', () => {
    for (const id of ['redis', 'valkey', 'keydb']) {
      const a = getAdapter(id);
      const conf = a.plan({ containerName: 'c1', databaseName: 'd', username: 'u', password: PASSWORD, version: a.defaultVersion, sizing: { memoryMb: 1024, cpus: 1, storageGb: 10 } }).files[0]!;
      const d = checkRedis(conf.content);
      expect(d.get('requirepass')).toEqual([PASSWORD]);
      expect(d.get('maxmemory')).toEqual(['768mb']);
    }
  });

  it('clickhouse files are well-formed XML with the version\'s root element', () => {
    const a = getAdapter('clickhouse');
    for (const [version, root] of [['18.16', 'yandex'], ['25.8', 'clickhouse']] as const) {
      for (const f of a.plan({ containerName: 'c1', databaseName: 'd', username: 'u', password: PASSWORD, version, sizing: { memoryMb: 2048, cpus: 2, storageGb: 10 }, tls: TLS }).files) {
        expect(checkXml(f.content)).toBe(root);
      }
    }
  });

  it('throws on an undefined variable instead of rendering it empty', () => {
    expect(() => renderConfig('couchdb', 'flux.ini.njk', { containerName: 'c1', port: 5984 })).toThrow();
  });

  it('refuses template names outside config_templates', () => {
    expect(() => renderConfig('..', 'x.njk', {})).toThrow(/invalid template/);
    expect(() => renderConfig('redis', '../../package.json', {})).toThrow(/invalid template/);
  });

  it('filters quote for the target syntax', () => {
    expect(configFilters.xml!('a<b>&"c\'')).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
    expect(redisArgs(`requirepass ${configFilters.redisq!(PASSWORD)}`)).toEqual(['requirepass', PASSWORD]);
    expect(pgValue(configFilters.pgq!(PASSWORD))).toBe(PASSWORD);
    expect(JSON.parse(configFilters.jsonq!(PASSWORD))).toBe(PASSWORD);
    expect(() => configFilters.plain!('a b')).toThrow(/not allowed/);
    expect(configFilters.plain!('/etc/x.pem')).toBe('/etc/x.pem');
  });
});
