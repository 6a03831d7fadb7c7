import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { Message } from '@parley/client';
import { useApp, useStore } from '../../state/useApp.js';
import { useShowError } from '../Toasts.js';

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'];

interface ReactionBarProps {
  message: Message;
  own: boolean;
  picking: boolean;
  closePicker(): void;
}

/**
 * The reactions under a bubble: emoji and count, the user's own pressed; a click toggles it.
 * Each user has one reaction per message: choosing another replaces it (the server's rule).
 */
export function ReactionBar({ message, own, picking, closePicker }: ReactionBarProps) {
  const store = useStore();
  const me = useApp((s) => s.me.id);
  const showError = useShowError();
  const reactions = message.reactions ?? [];
  const mine = reactions.find((r) => r.userIds.includes(me))?.emoji;
  if (reactions.length === 0 && !picking) return null;

  const react = (emoji: string) => {
    closePicker();
    store.client.react(message.chatId, message.id, emoji === mine ? undefined : emoji).then((m) => store.update(m), showError);
  };
  return (
    <div className={`reactions ${own ? 'own' : 'other'}`} data-testid="reactions">
      {reactions.map((r) => (
        <button key={r.emoji} type="button" className="reaction" aria-pressed={r.emoji === mine} onClick={() => react(r.emoji)}
          aria-label={`${r.emoji} ${r.count}`} title={r.emoji === mine ? 'Remove your reaction' : `React with ${r.emoji}`}>
          <span aria-hidden="true">{r.emoji}</span> <span aria-hidden="true">{r.count}</span>
        </button>
      ))}
      {picking && <ReactionPicker choose={react} close={closePicker} current={mine} />}
    </div>
  );
}

function ReactionPicker({ choose, close, current }: { choose(emoji: string): void; close(): void; current?: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    box.current?.querySelector<HTMLElement>('button')?.focus();
    const outside = (e: PointerEvent) => !box.current?.contains(e.target as Node) && close();
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [close]);
  const keys = (e: KeyboardEvent<HTMLDivElement>) => {
    const buttons = [...(box.current?.querySelectorAll<HTMLElement>('button') ?? [])];
    const at = buttons.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') (e.preventDefault(), close());
    else if (e.key === 'ArrowRight') (e.preventDefault(), buttons[(at + 1) % buttons.length]?.focus());
    else if (e.key === 'ArrowLeft') (e.preventDefault(), buttons[(at - 1 + buttons.length) % buttons.length]?.focus());
  };
  return (
    <div ref={box} className="reaction-picker" role="group" aria-label="Choose a reaction" onKeyDown={keys}>
      {QUICK_REACTIONS.map((emoji) => (
        <button key={emoji} type="button" aria-pressed={emoji === current} aria-label={`React with ${emoji}`} onClick={() => choose(emoji)}>
          {emoji}
        </button>
      ))}
    </div>
  );
}
