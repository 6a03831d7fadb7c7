import { memo } from 'react';
import { linkify } from '../text/linkify.js';

/**
 * Message content as text nodes only: React escapes every string, and links are built from
 * checked http(s) URLs. No HTML from a message ever reaches the DOM.
 */
export const MessageText = memo(function MessageText({ text }: { text: string }) {
  return (
    <>
      {linkify(text).map((part, i) =>
        part.kind === 'link' ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer nofollow">
            {part.text}
          </a>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  );
});
