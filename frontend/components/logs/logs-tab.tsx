import { ReloadIcon } from '@radix-ui/react-icons';
import { Badge, Button, Card, Flex, Select, Switch, Text, TextField } from '@radix-ui/themes';
import { useDeferredValue, useEffect, useId, useMemo, useRef, useState } from 'react';
import { formatTime } from '../../lib/format';
import { useLogs } from '../../queries/monitoring';
import type { TabProps } from '../../pages/detail-tabs';
import type { LogEntry } from '../../types/api';
import { ErrorCallout } from '../ui/error-callout';

const LEVELS = ['all', 'error', 'warning', 'info', 'debug'] as const;
const LINES = [200, 500, 1000, 5000];
const LEVEL_COLOR = { error: 'red', warning: 'amber', info: 'blue', debug: 'gray' } as const;

/** Lines containing every word of the search, case-insensitive. */
export function searchLogs(entries: LogEntry[], search: string): LogEntry[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  return words.length ? entries.filter((e) => words.every((w) => e.message.toLowerCase().includes(w))) : entries;
}

/** The container's log: level filter (the API's), search (here), the number of lines, and follow (polling, scrolled to the end). */
export default function LogsTab({ instance }: TabProps) {
  const [level, setLevel] = useState<(typeof LEVELS)[number]>('all');
  const [lines, setLines] = useState(500);
  const [follow, setFollow] = useState(true);
  const [search, setSearch] = useState('');
  const deferred = useDeferredValue(search);
  const logs = useLogs(instance.id, level, lines, follow);
  const shown = useMemo(() => searchLogs(logs.data?.entries ?? [], deferred), [logs.data, deferred]);
  const box = useRef<HTMLDivElement>(null);
  const ids = { level: useId(), lines: useId(), search: useId(), follow: useId() };

  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [shown, follow]);

  return (
    <Card size="2">
      <Flex gap="3" wrap="wrap" align="end" mb="3">
        <Flex direction="column" gap="1">
          <label id={ids.level}><Text size="1" weight="medium">Level</Text></label>
          <Select.Root value={level} onValueChange={(v) => setLevel(v as typeof level)}>
            <Select.Trigger aria-labelledby={ids.level} />
            <Select.Content>{LEVELS.map((l) => <Select.Item key={l} value={l}>{l}</Select.Item>)}</Select.Content>
          </Select.Root>
        </Flex>
        <Flex direction="column" gap="1">
          <label id={ids.lines}><Text size="1" weight="medium">Lines</Text></label>
          <Select.Root value={String(lines)} onValueChange={(v) => setLines(Number(v))}>
            <Select.Trigger aria-labelledby={ids.lines} />
            <Select.Content>{LINES.map((n) => <Select.Item key={n} value={String(n)}>last {n}</Select.Item>)}</Select.Content>
          </Select.Root>
        </Flex>
        <Flex direction="column" gap="1" flexGrow="1" minWidth="180px">
          <label htmlFor={ids.search}><Text size="1" weight="medium">Search</Text></label>
          <TextField.Root id={ids.search} type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="words in the message" />
        </Flex>
        <Text as="label" size="2" htmlFor={ids.follow}>
          <Flex gap="2" align="center" height="32px"><Switch id={ids.follow} checked={follow} onCheckedChange={setFollow} /> Follow</Flex>
        </Text>
        <Button type="button" variant="soft" onClick={() => void logs.refetch()} loading={logs.isFetching && !follow}><ReloadIcon /> Refresh</Button>
      </Flex>
      <ErrorCallout error={logs.error} title="Logs could not be read" />
      <Text as="p" size="1" color="gray" mb="1" role="status">
        {logs.data ? `${shown.length} of ${logs.data.entries.length} lines${follow ? ', following' : ''}` : 'Loading…'}
      </Text>
      <div ref={box} className="log-box" tabIndex={0} role="log" aria-label="Log lines">
        {shown.map((e, n) => (
          <div key={n} className={`log-line log-${e.level}`}>
            <span className="log-time">{formatTime(e.timestamp)}</span>
            <Badge size="1" variant="soft" color={LEVEL_COLOR[e.level]} className="log-level">{e.level}</Badge>
            <span className="log-message">{e.message}</span>
          </div>
        ))}
        {logs.data && !shown.length ? <Text size="2" color="gray">No lines{search ? ' match' : ''}.</Text> : null}
      </div>
    </Card>
  );
}
