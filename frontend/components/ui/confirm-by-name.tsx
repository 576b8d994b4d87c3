import { AlertDialog, Button, Flex, Text, TextField } from '@radix-ui/themes';
import { useId, useState, type ReactNode } from 'react';
import { ErrorCallout } from './error-callout';

export interface ConfirmByNameProps {
  /** The control that opens the dialog; without one, `open` and `onOpenChange` control it. */
  trigger?: ReactNode;
  open?: boolean;
  title: string;
  /** What the operator must type. */
  name: string;
  description: ReactNode;
  confirmLabel: string;
  /** Further choices (e.g. keep the data), shown above the name field. */
  children?: ReactNode;
  pending: boolean;
  error: unknown;
  onConfirm(): void;
  onOpenChange?(open: boolean): void;
}

/** A destructive action confirmed by typing the object's name; the API's error shows in the dialog. */
export function ConfirmByName(props: ConfirmByNameProps) {
  const [typed, setTyped] = useState('');
  const inputId = useId();
  return (
    <AlertDialog.Root open={props.open} onOpenChange={(open) => { if (!open) setTyped(''); props.onOpenChange?.(open); }}>
      {props.trigger ? <AlertDialog.Trigger>{props.trigger}</AlertDialog.Trigger> : null}
      <AlertDialog.Content maxWidth="480px">
        <AlertDialog.Title>{props.title}</AlertDialog.Title>
        <AlertDialog.Description size="2">{props.description}</AlertDialog.Description>
        <form onSubmit={(e) => { e.preventDefault(); if (typed === props.name) props.onConfirm(); }}>
          <Flex direction="column" gap="3" mt="3">
            {props.children}
            <label htmlFor={inputId}>
              <Text size="2">Type <strong className="mono">{props.name}</strong> to confirm</Text>
            </label>
            <TextField.Root id={inputId} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} />
            <ErrorCallout error={props.error} />
            <Flex gap="3" justify="end">
              <AlertDialog.Cancel><Button type="button" variant="soft" color="gray">Cancel</Button></AlertDialog.Cancel>
              {/* High contrast: white on red-9 is under 4.5:1 once the button is enabled. */}
              <Button type="submit" color="red" highContrast disabled={typed !== props.name || props.pending} loading={props.pending}>{props.confirmLabel}</Button>
            </Flex>
          </Flex>
        </form>
      </AlertDialog.Content>
    </AlertDialog.Root>
  );
}
