import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Button } from '@radix-ui/themes';
import { describe, expect, it } from 'vitest';
import { DeleteInstanceDialog } from '../components/instances/delete-instance-dialog';
import { fakeApi, instance, renderPage } from './helpers';

describe('deleting an instance', () => {
  it('needs the name typed, sends keep_data when asked, and carries the CSRF token', async () => {
    const api = fakeApi({ 'DELETE /databases/7': { message: 'Database deleted; its data directory was kept' } });
    renderPage(<DeleteInstanceDialog instance={instance({ id: 7, name: 'orders' })} trigger={<Button>Delete</Button>} />, { path: '/databases/7' });
    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));
    const confirm = () => screen.getByRole('button', { name: /^Delete with its data|^Delete, keep the data/ }) as HTMLButtonElement;
    expect(confirm().disabled).toBe(true);
    await userEvent.type(screen.getByLabelText(/Type orders to confirm/), 'order');
    expect(confirm().disabled).toBe(true);
    await userEvent.type(screen.getByLabelText(/Type orders to confirm/), 's');
    expect(confirm().disabled).toBe(false);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Keep the data directory' }));
    expect(confirm().textContent).toBe('Delete, keep the data');
    await userEvent.click(confirm());
    await waitFor(() => expect(api.count('DELETE /databases/7')).toBe(1));
    expect(api.calls[0]!.query).toBe('?keep_data=true');
    expect(api.calls[0]!.headers['x-csrf-token']).toBe('csrf-1');
  });

  it('shows the API\'s message in the dialog when the delete is refused', async () => {
    fakeApi({ 'DELETE /databases/7': { status: 409, body: { error: 'INSTANCE_BUSY', message: 'another operation on orders is under way' } } });
    renderPage(<DeleteInstanceDialog instance={instance({ id: 7, name: 'orders' })} trigger={<Button>Delete</Button>} />);
    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await userEvent.type(screen.getByLabelText(/Type orders to confirm/), 'orders{Enter}');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('another operation on orders is under way');
    expect(alert.textContent).toContain('INSTANCE_BUSY');
    expect(screen.getByRole('alertdialog')).toBeTruthy();
  });
});
