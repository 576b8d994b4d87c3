import http from 'node:http';
import https from 'node:https';
import { UNVERIFIED_TLS } from './endpoint.js';

export interface HttpCall {
  scheme?: 'http' | 'https';
  host: string;
  port: number;
  path: string;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** node:http rather than fetch: an engine's own self-signed TLS must not fail the call. */
export function httpCall(c: HttpCall): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const request = (c.scheme === 'https' ? https : http).request(
      { host: c.host, port: c.port, path: c.path, method: c.method ?? 'GET', headers: c.headers ?? {}, timeout: c.timeoutMs ?? 10_000,
        ...(c.scheme === 'https' ? UNVERIFIED_TLS : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error('request timed out')));
    request.on('error', reject);
    request.end(c.body);
  });
}

export const basicAuth = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
