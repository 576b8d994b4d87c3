import { ErrorCallout } from './error-callout';
import { Loading } from './loading';

/** What a card shows for its query before the data: a spinner while it loads, the API's message if it failed. */
export function QueryState({ query, errorTitle, loadingLabel }: {
  query: { error: unknown; isPending: boolean };
  errorTitle: string;
  loadingLabel?: string;
}) {
  return (
    <>
      <ErrorCallout error={query.error} title={errorTitle} />
      {query.isPending ? <Loading label={loadingLabel} /> : null}
    </>
  );
}
