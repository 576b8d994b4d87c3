import type Docker from 'dockerode';
import type { RuntimeEvent } from './container-runtime.js';
import { labelFilter } from './podman-inspect.js';

interface RawEvent {
  Type?: string;
  Action?: string;
  time?: number;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

/** One event line of the compat stream, or null for what the module does not follow. */
export function toRuntimeEvent(raw: RawEvent): RuntimeEvent | null {
  if (raw.Type !== 'container' || !raw.Action || !raw.Actor?.ID) return null;
  const attrs = raw.Actor.Attributes ?? {};
  const code = attrs.containerExitCode ?? attrs.exitCode;
  return {
    action: raw.Action,
    containerId: raw.Actor.ID,
    name: attrs.name ?? '',
    exitCode: code === undefined || Number.isNaN(Number(code)) ? null : Number(code),
    time: raw.time ? new Date(raw.time * 1000) : new Date(),
  };
}

/**
 * Follows Podman's event stream for containers carrying `labels` until it ends, fails or
 * `signal` aborts. Resolves when the stream is over: the caller decides whether to reconnect.
 */
export async function watchEvents(docker: Docker, labels: Record<string, string>, onEvent: (e: RuntimeEvent) => void, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  const stream = (await docker.getEvents({ filters: { type: ['container'], label: labelFilter(labels) } })) as NodeJS.ReadableStream & { destroy(): void };
  await new Promise<void>((resolve, reject) => {
    let buffered = '';
    const stop = () => { stream.destroy(); resolve(); };
    signal.addEventListener('abort', stop, { once: true });
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (!line) continue;
        try {
          const event = toRuntimeEvent(JSON.parse(line) as RawEvent);
          if (event) onEvent(event);
        } catch { /* a malformed line is dropped; the next one stands on its own */ }
      }
    });
    stream.on('end', () => { signal.removeEventListener('abort', stop); resolve(); });
    stream.on('error', (err: Error) => { signal.removeEventListener('abort', stop); signal.aborted ? resolve() : reject(err); });
  });
}
