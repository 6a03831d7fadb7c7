import { useState } from 'react';
import { applyTheme, effectiveTheme, storedTheme } from './theme.js';
import { IconMoon, IconSun } from './icons.js';

/** Flips between light and dark (Settings can go back to following the system). */
export function ThemeToggle() {
  const [theme, setTheme] = useState(() => effectiveTheme(storedTheme()));
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button type="button" className="icon-button" aria-label={`Switch to ${next} theme`} title={`Switch to ${next} theme`}
      onClick={() => (applyTheme(next), setTheme(next))}>
      {theme === 'dark' ? <IconSun /> : <IconMoon />}
    </button>
  );
}
