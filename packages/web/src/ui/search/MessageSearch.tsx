import { useEffect, useRef, useState } from 'react';
import type { SearchHit } from '@parley/protocol';
import { useApp, useStore } from '../../state/useApp.js';
import { listTime } from '../../text/format.js';
import { chatTitle, memberName } from '../chatTitle.js';
import { describeError } from '../Toasts.js';
import { highlightParts } from './highlightParts.js';
import './search.css';

const PAGE = 20;
const DEBOUNCE_MS = 250;

interface MessageSearchProps {
  query: string;
  /** Opens the hit's chat scrolled to it. */
  openMessage(chatId: string, seq: number): void;
}

/** Full-text search over the messages of every chat the user is in, best first, page by page; a hit opens its chat at the message. */
export function MessageSearch({ query, openMessage }: MessageSearchProps) {
  const store = useStore();
  const q = useDebounced(query.trim(), DEBOUNCE_MS);
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [cursor, setCursor] = useState<string>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();
  const asked = useRef(0);
  const searchable = /[\p{L}\p{N}]/u.test(q);

  const load = async (next?: string) => {
    const ticket = ++asked.current;
    setLoading(true);
    setError(undefined);
    try {
      const page = await store.client.search({ q, limit: PAGE, ...(next ? { cursor: next } : {}) });
      if (ticket !== asked.current) return; // a newer query has started
      setHits((old) => (next ? [...old, ...page.results] : page.results));
      setCursor(page.nextCursor);
    } catch (err) {
      if (ticket === asked.current) setError(describeError(err));
    } finally {
      if (ticket === asked.current) setLoading(false);
    }
  };

  useEffect(() => {
    setHits([]);
    setCursor(undefined);
    if (searchable) void load();
    else asked.current++;
    // Only a new query starts over; `load` is a fresh closure each render.
  }, [q, searchable]);

  if (!searchable) return null;
  return (
    <section className="message-search" aria-label="Messages found">
      <h2 className="section-title">Messages</h2>
      {error && <p className="form-error" role="alert">{error}</p>}
      {!error && !loading && hits.length === 0 && <p className="list-empty muted">No messages match.</p>}
      <ul>
        {hits.map((hit) => (
          <li key={hit.message.id}>
            <SearchResult hit={hit} open={() => openMessage(hit.message.chatId, hit.message.seq)} />
          </li>
        ))}
      </ul>
      {loading && <p className="muted search-status" role="status">Searching…</p>}
      {cursor && !loading && (
        <button type="button" className="secondary small search-more" onClick={() => void load(cursor)}>Load more</button>
      )}
    </section>
  );
}

function SearchResult({ hit, open }: { hit: SearchHit; open(): void }) {
  const me = useApp((s) => s.me.id);
  const chat = useApp((s) => s.chats.find((c) => c.id === hit.message.chatId));
  const { message } = hit;
  const title = chat ? chatTitle(chat, me) : 'A chat';
  const sender = message.senderId === me ? 'You' : memberName(chat, message.senderId);
  return (
    <button type="button" className="search-result" onClick={open} data-testid="search-result">
      <span className="search-result-top">
        <span className="search-result-chat">{title}</span>
        <time className="muted" dateTime={message.createdAt}>{listTime(message.createdAt)}</time>
      </span>
      <span className="search-result-text">
        {chat?.type === 'group' || message.senderId === me ? <span className="preview-who">{sender}: </span> : null}
        {highlightParts(message.content, hit.highlights).map((part, i) =>
          part.hit ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>,
        )}
      </span>
    </button>
  );
}

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
