import type { LogEntry } from './container-runtime.js';

export interface Frame {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

/**
 * Splits a multiplexed body (8-byte headers: stream type, 3 zero bytes, big-endian length) into
 * frames. A body that does not start with a valid header (a TTY container) is one stdout frame.
 */
export function splitFrames(body: Buffer): Frame[] {
  const frames: Frame[] = [];
  let offset = 0;
  while (offset + 8 <= body.length) {
    const type = body[offset]!;
    if (type > 2 || body[offset + 1] !== 0 || body[offset + 2] !== 0 || body[offset + 3] !== 0) break;
    const length = body.readUInt32BE(offset + 4);
    const data = body.subarray(offset + 8, offset + 8 + length);
    frames.push({ stream: type === 2 ? 'stderr' : 'stdout', data });
    offset += 8 + length;
  }
  if (offset < body.length && frames.length === 0) frames.push({ stream: 'stdout', data: body });
  return frames;
}

const TIMESTAMPED = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))\s(.*)$/s;

/** Frames of `logs?timestamps=true` -> one entry per line, timestamp split off. */
export function parseLogFrames(frames: Frame[]): LogEntry[] {
  const entries: LogEntry[] = [];
  // A line may span frames of the same stream; join per stream before splitting lines.
  const pending: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  const flush = (stream: 'stdout' | 'stderr', text: string) => {
    const m = TIMESTAMPED.exec(text);
    entries.push(m ? { stream, timestamp: m[1]!, text: m[2]! } : { stream, timestamp: null, text });
  };
  for (const f of frames) {
    const lines = (pending[f.stream] + f.data.toString('utf8')).split('\n');
    pending[f.stream] = lines.pop() ?? '';
    for (const line of lines) flush(f.stream, line.replace(/\r$/, ''));
  }
  for (const stream of ['stdout', 'stderr'] as const) if (pending[stream]) flush(stream, pending[stream]);
  return entries;
}
