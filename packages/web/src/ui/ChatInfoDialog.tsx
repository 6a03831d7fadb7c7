import type { Chat } from '@parley/client';
import { Modal } from './Modal.js';
import { GroupInfo } from './GroupInfo.js';
import { ContactInfo } from './ContactInfo.js';
import { MuteControl } from './MuteControl.js';
import { peerOf } from './chatTitle.js';
import { useApp } from '../state/useApp.js';

interface ChatInfoDialogProps {
  chat: Chat;
  close(): void;
  openChat(chatId: string): void;
  /** The user left the group. */
  leftChat(): void;
}

export function ChatInfoDialog({ chat, close, openChat, leftChat }: ChatInfoDialogProps) {
  const me = useApp((s) => s.me.id);
  const peer = peerOf(chat, me);
  return (
    <Modal title={chat.type === 'group' ? 'Group info' : 'Contact info'} onClose={close}>
      {chat.type === 'group' ? (
        <GroupInfo chat={chat} left={() => (close(), leftChat())} />
      ) : peer ? (
        <ContactInfo userId={peer.userId} openChat={(id) => (close(), openChat(id))} />
      ) : (
        <p className="muted">Notes to yourself.</p>
      )}
      {peer !== undefined || chat.type === 'group' ? <MuteControl chat={chat} /> : null}
    </Modal>
  );
}
