import { ExclamationTriangleIcon } from '@radix-ui/react-icons';
import { Callout } from '@radix-ui/themes';
import { ApiError, messageOf } from '../../lib/api';

/** A failed call, where the action was taken: the API's own message, and its code. */
export function ErrorCallout({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : null;
  return (
    <Callout.Root color="red" role="alert" size="1">
      <Callout.Icon><ExclamationTriangleIcon /></Callout.Icon>
      <Callout.Text>
        {title ? <strong>{title}: </strong> : null}
        {messageOf(error)}
        {code ? <span className="muted"> ({code})</span> : null}
      </Callout.Text>
    </Callout.Root>
  );
}
