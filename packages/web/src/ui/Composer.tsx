import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Chat, Message } from '@parley/client';
import { useApp, useStore } from '../state/useApp.js';
import { memberName } from './chatTitle.js';
import { AttachControls } from './media/AttachControls.js';
import { previewText } from './media/previewText.js';
import { IconClose, IconReply, IconSend } from './icons.js';
import { useShowError } from './Toasts.js';

/** Unsent text per chat, kept while the tab lives, so switching chats loses nothing. */
const drafts = new Map<string, string>();
const MAX_HEIGHT = 160;

interface ComposerProps {
  chat: Chat;
  replyTo?: Message;
  cancelReply(): void;
  sent(): void;
}

/** Enter sends, Shift+Enter starts a new line; works offline (the message waits in the outbox). */
export function Composer({ chat, replyTo, cancelReply, sent }: ComposerProps) {
  const store = useStore();
  const me = useApp((s) => s.me.id);
  const showError = useShowError();
  const [text, setText] = useState(() => drafts.get(chat.id) ?? '');
  const input = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    // Not on phones: the keyboard would cover the chat the user just opened.
    if (window.matchMedia('(min-width: 760px)').matches) input.current?.focus();
  }, [chat.id]);
  useEffect(() => {
    if (replyTo) input.current?.focus();
  }, [replyTo]);
  useEffect(() => () => store.client.stopTyping(chat.id), [store, chat.id]);
  useLayoutEffect(() => {
    const el = input.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT)}px`;
  }, [text]);

  const change = (value: string) => {
    setText(value);
    drafts.set(chat.id, value);
    if (value.trim()) store.client.startTyping(chat.id);
    else store.client.stopTyping(chat.id);
  };

  const send = () => {
    const content = text.trim();
    if (!content) return;
    try {
      store.send(chat.id, { type: 'text', content }, replyTo?.id);
    } catch (err) {
      showError(err);
      return;
    }
    store.client.stopTyping(chat.id);
    drafts.delete(chat.id);
    setText('');
    sent();
  };

  const keyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    } else if (e.key === 'Escape' && replyTo) {
      e.preventDefault();
      cancelReply();
    }
  };

  return (
    <div className="composer">
      {replyTo && (
        <div className="composer-reply">
          <IconReply width={18} height={18} />
          <div className="composer-reply-text">
            <span className="quote-name">Replying to {replyTo.senderId === me ? 'yourself' : memberName(chat, replyTo.senderId)}</span>
            <span className="quote-text">{previewText(replyTo)}</span>
          </div>
          <button type="button" className="icon-button small" onClick={cancelReply} aria-label="Cancel reply">
            <IconClose width={16} height={16} />
          </button>
        </div>
      )}
      <form className="composer-row" onSubmit={(e) => (e.preventDefault(), send())}>
        <AttachControls chat={chat} replyTo={replyTo} sent={sent} />
        <textarea
          ref={input}
          rows={1}
          value={text}
          onChange={(e) => change(e.target.value)}
          onKeyDown={keyDown}
          onBlur={() => store.client.stopTyping(chat.id)}
          placeholder="Message"
          aria-label="Message"
          aria-describedby="composer-hint"
          enterKeyHint="send"
        />
        <span id="composer-hint" className="visually-hidden">Enter sends, Shift+Enter starts a new line.</span>
        <button type="submit" className="send-button" disabled={!text.trim()} aria-label="Send">
          <IconSend />
        </button>
      </form>
    </div>
  );
}
