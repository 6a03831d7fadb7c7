import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { IconMore } from './icons.js';

/** One entry of a bubble's action menu ("Reply", "Edit", "Delete", …). */
export interface MessageAction {
  label: string;
  run(): void;
  danger?: boolean;
}

/**
 * The "⋯" button of a bubble and the menu it opens (WAI-ARIA menu button): Enter, Space or
 * ArrowDown open it on the first entry, arrows move, Escape or Tab close it and focus goes
 * back to the button. It opens upwards in the lower half of the screen, so the newest
 * messages' menus are not cut off by the bottom of the list.
 */
export function MessageMenu({ actions }: { actions: readonly MessageAction[] }) {
  const [open, setOpen] = useState(false);
  const [up, setUp] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const id = useId();

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const outside = (e: PointerEvent) => {
      if (!menu.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open]);

  const show = () => {
    const rect = button.current?.getBoundingClientRect();
    setUp(rect !== undefined && rect.top > window.innerHeight / 2);
    setOpen(true);
  };
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };
  const choose = (action: MessageAction) => {
    close(true);
    action.run();
  };

  const menuKeys = (e: KeyboardEvent<HTMLDivElement>) => {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    const moveTo = (i: number) => (e.preventDefault(), items[(i + items.length) % items.length]?.focus());
    if (e.key === 'ArrowDown') moveTo(at + 1);
    else if (e.key === 'ArrowUp') moveTo(at - 1);
    else if (e.key === 'Home') moveTo(0);
    else if (e.key === 'End') moveTo(items.length - 1);
    else if (e.key === 'Escape') (e.preventDefault(), e.stopPropagation(), close(true));
    else if (e.key === 'Tab') close(false);
  };

  if (actions.length === 0) return null;
  return (
    <div className="message-menu">
      <button
        ref={button}
        type="button"
        className="icon-button small"
        aria-label="Message actions"
        title="More"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        onClick={() => (open ? close(false) : show())}
        onKeyDown={(e) => e.key === 'ArrowDown' && (e.preventDefault(), show())}
      >
        <IconMore width={16} height={16} />
      </button>
      {open && (
        <div ref={menu} id={id} role="menu" aria-label="Message actions" className={`menu ${up ? 'up' : 'down'}`} onKeyDown={menuKeys}>
          {actions.map((action) => (
            <button key={action.label} type="button" role="menuitem" tabIndex={-1} className={action.danger ? 'menu-item danger' : 'menu-item'} onClick={() => choose(action)}>
              {action.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
