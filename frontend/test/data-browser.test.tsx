import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import DataTab from '../components/data-browser/data-tab';
import type { TableDataView, TableSchemaView, TablesView } from '../types/api';
import { engine, fakeApi, instance, renderPage } from './helpers';

const TABLES: TablesView = {
  engine: 'postgresql', object_noun: 'tables', next_cursor: null,
  objects: [
    { schema: 'public', name: 'orders', kind: 'table', rows_estimate: 1200, size_bytes: 65536, ref: 'public.orders' },
    { schema: 'public', name: 'we"ird', kind: 'table', rows_estimate: null, size_bytes: null, ref: null },
  ],
};
const SCHEMA: TableSchemaView = {
  engine: 'postgresql', object_noun: 'tables', schema: 'public', name: 'orders', kind: 'table',
  columns: [
    { name: 'id', type: 'integer', nullable: false, default: null, primary_key: true },
    { name: 'note', type: 'text', nullable: true, default: "'none'::text", primary_key: false },
  ],
  primary_key: ['id'], indexes: [{ name: 'orders_pkey', columns: ['id'], unique: true, primary: true }], foreign_keys: [],
};
const page = (offset: number, limit: number, order: string | null): TableDataView => ({
  engine: 'postgresql', object_noun: 'tables', columns: [{ name: 'id', type: 'integer' }, { name: 'note', type: 'text' }],
  rows: Array.from({ length: limit }, (_, i) => [offset + i + 1, i === 0 ? null : `n${offset + i + 1}`]),
  truncated: offset === 0 ? [{ row: 1, column: 'note', length: 5000 }] : [], limit, offset, order,
});

describe('the data browser', () => {
  it('lists the tables, opens one: its columns, keys and a page of rows; pages and sorts through the API', async () => {
    const api = fakeApi({
      'GET /databases/1/tables': TABLES,
      'GET /databases/1/tables/public.orders/schema': SCHEMA,
      'GET /databases/1/tables/public.orders/data': ({ url }: { url: URL }) => page(Number(url.searchParams.get('offset')), Number(url.searchParams.get('limit')), url.searchParams.get('order')),
    });
    renderPage(<DataTab instance={instance({ id: 1 })} engine={engine({ supports_browse: true })} canWrite={false} />);
    await userEvent.click(await screen.findByRole('button', { name: 'public.orders' }));
    // A name the routes cannot carry is listed, not offered as a link.
    expect(screen.queryByRole('button', { name: /ird/ })).toBeNull();
    expect(screen.getByText('we"ird')).toBeTruthy();
    expect(await screen.findByText('PK')).toBeTruthy();
    expect(screen.getByText(/Indexes: orders_pkey \(id\) unique/)).toBeTruthy();
    expect(await screen.findByText('Rows 1–50; 1 long cells cut')).toBeTruthy();
    expect(screen.getByText('NULL')).toBeTruthy();

    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText('Rows 51–100')).toBeTruthy();
    expect(api.calls.at(-1)!.query).toBe('?limit=50&offset=50');
    await userEvent.click(screen.getByRole('button', { name: 'Previous' }));
    await userEvent.click(screen.getByTitle('Sort by note'));
    expect(await screen.findByText('Rows 1–50, sorted by note asc; 1 long cells cut')).toBeTruthy();
    expect(api.calls.at(-1)!.query).toBe('?limit=50&offset=0&order=note%3Aasc');
    await userEvent.click(screen.getByTitle('Sort by note'));
    await waitFor(() => expect(api.calls.at(-1)!.query).toBe('?limit=50&offset=0&order=note%3Adesc'));
    const header = screen.getByTitle('Sort by note').closest('th')!;
    await waitFor(() => expect(header.getAttribute('aria-sort')).toBe('descending'));
  });

  it('scans keys with a pattern and a cursor on a key-value engine', async () => {
    const api = fakeApi({
      'GET /databases/2/tables': ({ url }: { url: URL }) => ({
        engine: 'redis', object_noun: 'keys', next_cursor: url.searchParams.get('cursor') ? null : '17',
        objects: [{ schema: null, name: url.searchParams.get('cursor') ? 'user:2' : 'user:1', kind: 'key', key_type: 'hash', ttl_ms: -1, rows_estimate: 3, size_bytes: 80, ref: 'user:1' }],
      }),
    });
    renderPage(<DataTab instance={instance({ id: 2, engine: 'redis' })} engine={engine({ engine: 'redis', supports_browse: true })} canWrite={false} />);
    expect(await screen.findByRole('heading', { name: 'Keys' })).toBeTruthy();
    await userEvent.type(screen.getByLabelText('Key pattern (SCAN MATCH)'), 'user:*');
    await userEvent.click(screen.getByRole('button', { name: 'Scan' }));
    await waitFor(() => expect(api.calls.at(-1)!.query).toBe('?pattern=user%3A*'));
    await userEvent.click(await screen.findByRole('button', { name: 'Next page of keys' }));
    expect(await screen.findByText('user:2')).toBeTruthy();
    expect(api.calls.at(-1)!.query).toBe('?pattern=user%3A*&cursor=17');
    expect(within(screen.getByRole('table')).getByText('key · hash')).toBeTruthy();
  });

  it('shows the engine\'s refusal where the list would be', async () => {
    fakeApi({ 'GET /databases/1/tables': { status: 409, body: { error: 'INSTANCE_NOT_RUNNING', message: 'orders is stopped' } } });
    renderPage(<DataTab instance={instance({ id: 1 })} engine={engine({ supports_browse: true })} canWrite={false} />);
    expect((await screen.findByRole('alert')).textContent).toContain('orders is stopped');
  });
});
