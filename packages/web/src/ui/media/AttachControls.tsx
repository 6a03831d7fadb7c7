import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import type { Chat, Message } from '@parley/client';
import './media.css';
import { IconPaperclip } from './mediaIcons.js';
import { AttachDialog } from './AttachDialog.js';
import { LocationDialog } from './LocationDialog.js';
import { VoiceNoteButton } from './VoiceNoteButton.js';

interface AttachControlsProps {
  chat: Chat;
  replyTo?: Message;
  sent(): void;
}

type Open = { kind: 'file'; file: File; as: 'media' | 'file' } | { kind: 'location' } | undefined;

/** The composer's attach menu (photo or video, file, location) and voice-note button. */
export function AttachControls({ chat, replyTo, sent }: AttachControlsProps) {
  const [menu, setMenu] = useState(false);
  const [open, setOpen] = useState<Open>();
  const mediaInput = useRef<HTMLInputElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!menu) return;
    menuRef.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const outside = (e: PointerEvent) => !menuRef.current?.parentElement?.contains(e.target as Node) && setMenu(false);
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [menu]);

  const pick = (input: HTMLInputElement | null) => {
    setMenu(false);
    input?.click();
  };
  const chosen = (input: HTMLInputElement, as: 'media' | 'file') => {
    const file = input.files?.[0];
    input.value = ''; // choosing the same file again still fires change
    if (file) setOpen({ kind: 'file', file, as });
  };
  const menuKeys = (e: KeyboardEvent<HTMLDivElement>) => {
    const items = [...(menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') (e.preventDefault(), setMenu(false), button.current?.focus());
    else if (e.key === 'ArrowDown') (e.preventDefault(), items[(at + 1) % items.length]?.focus());
    else if (e.key === 'ArrowUp') (e.preventDefault(), items[(at - 1 + items.length) % items.length]?.focus());
  };

  return (
    <>
      <div className="attach">
        <button ref={button} type="button" className="icon-button" aria-label="Attach" title="Attach" aria-haspopup="menu" aria-expanded={menu} onClick={() => setMenu((m) => !m)}>
          <IconPaperclip />
        </button>
        {menu && (
          <div ref={menuRef} className="media-menu" role="menu" aria-label="Attach" onKeyDown={menuKeys}>
            <button type="button" role="menuitem" className="media-menu-item" onClick={() => pick(mediaInput.current)}>Photo or video</button>
            <button type="button" role="menuitem" className="media-menu-item" onClick={() => pick(fileInput.current)}>File</button>
            <button type="button" role="menuitem" className="media-menu-item" onClick={() => (setMenu(false), setOpen({ kind: 'location' }))}>Share location</button>
          </div>
        )}
        <input ref={mediaInput} type="file" accept="image/*,video/*" hidden tabIndex={-1} aria-label="Photo or video" onChange={(e) => chosen(e.currentTarget, 'media')} />
        <input ref={fileInput} type="file" hidden tabIndex={-1} aria-label="File" onChange={(e) => chosen(e.currentTarget, 'file')} />
      </div>
      <VoiceNoteButton chat={chat} replyTo={replyTo} sent={sent} />
      {/* Out of the composer's <form> in the DOM: a form inside a form would submit the page. */}
      {open?.kind === 'file' && createPortal(<AttachDialog chat={chat} file={open.file} as={open.as} replyTo={replyTo} close={() => setOpen(undefined)} sent={sent} />, document.body)}
      {open?.kind === 'location' && createPortal(<LocationDialog chat={chat} replyTo={replyTo} close={() => setOpen(undefined)} sent={sent} />, document.body)}
    </>
  );
}
