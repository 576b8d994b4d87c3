import { EyeClosedIcon, EyeOpenIcon } from '@radix-ui/react-icons';
import { Flex, IconButton, Text, Tooltip } from '@radix-ui/themes';
import { useState } from 'react';
import { CopyButton } from '../ui/copy-button';

/** A secret shown masked until asked; copy works either way. */
export function SecretValue({ value, label, mask }: { value: string; label: string; mask?: string }) {
  const [shown, setShown] = useState(false);
  const toggle = shown ? `Hide the ${label}` : `Show the ${label}`;
  return (
    <Flex align="center" gap="2" minWidth="0">
      <Text size="2" className="mono break">{shown ? value : (mask ?? '•'.repeat(12))}</Text>
      <Tooltip content={toggle}>
        <IconButton type="button" size="1" variant="ghost" aria-label={toggle} aria-pressed={shown} onClick={() => setShown((s) => !s)}>
          {shown ? <EyeClosedIcon /> : <EyeOpenIcon />}
        </IconButton>
      </Tooltip>
      <CopyButton value={value} label={`Copy the ${label}`} />
    </Flex>
  );
}
