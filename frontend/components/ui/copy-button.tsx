import { CheckIcon, CopyIcon } from '@radix-ui/react-icons';
import { IconButton, Tooltip } from '@radix-ui/themes';
import { useEffect, useState } from 'react';
import { copyText } from '../../lib/clipboard';

/**
 * A button that copies `value`; says "Copied" (also to screen readers) or why it could not.
 * `tooltip={false}` uses the native title instead of a Radix tooltip: for long lists, where one
 * tooltip per row is most of a row's render cost.
 */
export function CopyButton({ value, label, tooltip = true }: { value: string; label: string; tooltip?: boolean }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 1500);
    return () => clearTimeout(t);
  }, [state]);
  const tip = state === 'copied' ? 'Copied' : state === 'failed' ? 'Could not copy' : label;
  const button = (
    <IconButton
      type="button" size="1" variant="ghost" color={state === 'failed' ? 'red' : undefined} aria-label={label} title={tooltip ? undefined : tip}
      onClick={() => copyText(value).then(() => setState('copied'), () => setState('failed'))}
    >
      {state === 'copied' ? <CheckIcon /> : <CopyIcon />}
      <span className="visually-hidden" aria-live="polite">{state === 'idle' ? '' : tip}</span>
    </IconButton>
  );
  return tooltip ? <Tooltip content={tip}>{button}</Tooltip> : button;
}
