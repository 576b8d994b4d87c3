import { MoonIcon, SunIcon } from '@radix-ui/react-icons';
import { IconButton, Tooltip } from '@radix-ui/themes';

/** Light or dark; the choice is a display preference (kept in localStorage: it is no secret). */
export function ThemeToggle({ appearance, onChange }: { appearance: 'light' | 'dark'; onChange(a: 'light' | 'dark'): void }) {
  const next = appearance === 'dark' ? 'light' : 'dark';
  const label = `Switch to the ${next} theme`;
  return (
    <Tooltip content={label}>
      <IconButton type="button" variant="ghost" aria-label={label} onClick={() => onChange(next)}>
        {appearance === 'dark' ? <SunIcon /> : <MoonIcon />}
      </IconButton>
    </Tooltip>
  );
}
