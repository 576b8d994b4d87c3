import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { api, ApiError, setCsrfToken } from '../lib/api';
import { SignInPage } from '../pages/SignInPage';
import { ADMIN_SESSION, fakeApi, renderPage } from './helpers';

describe('sign-in', () => {
  it('sends the pasted token once, in a POST body, and keeps nothing in storage', async () => {
    const calls = fakeApi({ 'POST /api/session': ADMIN_SESSION });
    const { client } = renderPage(<SignInPage />, { session: null });
    await userEvent.type(screen.getByLabelText('API token'), 'the-admin-token');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(client.getQueryData(['session'])).toEqual(ADMIN_SESSION));
    expect(calls.calls).toMatchObject([{ method: 'POST', path: '/api/session', body: { token: 'the-admin-token' } }]);
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
    expect(window.location.href).not.toContain('the-admin-token');
  });

  it('shows the host\'s message for a wrong token', async () => {
    fakeApi({ 'POST /api/session': { status: 401, body: { error: 'UNAUTHORIZED', message: 'that token is not valid' } } });
    renderPage(<SignInPage />, { session: null });
    await userEvent.type(screen.getByLabelText('API token'), 'nope{Enter}');
    expect((await screen.findByRole('alert')).textContent).toContain('that token is not valid');
  });

  it('redeems a one-time link\'s code from the fragment and removes it from the address', async () => {
    history.replaceState(null, '', '/sign-in#code=one-time-code_123');
    const calls = fakeApi({ 'POST /api/session': ADMIN_SESSION });
    const { client } = renderPage(<SignInPage />, { session: null });
    await waitFor(() => expect(client.getQueryData(['session'])).toEqual(ADMIN_SESSION));
    expect(calls.calls).toMatchObject([{ method: 'POST', path: '/api/session', body: { code: 'one-time-code_123' } }]);
    expect(window.location.hash).toBe('');
    expect(window.location.pathname).toBe('/');
  });
});

describe('the API client', () => {
  it('sends the CSRF token with writes only, and turns an error body into ApiError with its message', async () => {
    const calls = fakeApi({
      'GET /databases': [],
      'POST /databases/1/start': { status: 502, body: { error: 'ACTION_FAILED', message: 'the engine did not answer within 60 s' } },
    });
    setCsrfToken('token-x');
    await api('/databases');
    const err = await api('/databases/1/start', { method: 'POST' }).catch((e: unknown) => e);
    expect(calls.calls[0]!.headers['x-csrf-token']).toBeUndefined();
    expect(calls.calls[1]!.headers['x-csrf-token']).toBe('token-x');
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 502, code: 'ACTION_FAILED', message: 'the engine did not answer within 60 s' });
  });
});
