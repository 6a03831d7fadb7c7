import { useCallback, useState, type ReactNode } from 'react';
import type { Message } from '@parley/client';
import type { MessageAction } from '../MessageMenu.js';
import { ForwardDialog } from './ForwardDialog.js';
import { ReactionBar } from './ReactionBar.js';

/**
 * A bubble's "React" and "Forward" menu entries, and what shows under the bubble: its
 * reactions (and the picker), the forward dialog.
 */
export function useMessageExtras(message: Message | undefined, own: boolean): { actions: MessageAction[]; below: ReactNode } {
  const [picking, setPicking] = useState(false);
  const [forwarding, setForwarding] = useState(false);
  const closePicker = useCallback(() => setPicking(false), []);
  if (!message || message.deletedAt) return { actions: [], below: null };
  return {
    actions: [
      { label: 'React', run: () => setPicking(true) },
      { label: 'Forward', run: () => setForwarding(true) },
    ],
    below: (
      <>
        <ReactionBar message={message} own={own} picking={picking} closePicker={closePicker} />
        {forwarding && <ForwardDialog message={message} close={() => setForwarding(false)} />}
      </>
    ),
  };
}
