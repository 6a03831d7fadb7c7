/** One Server-Sent Event: its type (`message` unless named) and its data lines joined. */
export interface StreamEvent {
  event: string;
  data: string;
}

/**
 * Reads a `text/event-stream` body event by event, as EventSource would (comments and `id:`
 * lines ignored). Resolves when the stream ends; rejects when reading fails (a dropped link).
 * Works on any WHATWG ReadableStream, so on fetch in Node 18+ and browsers alike.
 */
export async function readEventStream(body: ReadableStream<Uint8Array>, onEvent: (event: StreamEvent) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    const lines = buffer.split(/\r\n|\r|\n/);
    // The last piece may be half a line: keep it for the next chunk.
    buffer = lines.pop()!;
    for (const line of lines) {
      if (line === '') {
        if (data.length > 0) onEvent({ event: event || 'message', data: data.join('\n') });
        [event, data] = ['', []];
      } else if (line.startsWith('data:')) {
        data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
      } else if (line.startsWith('event:')) {
        event = line.slice(6).trim();
      }
    }
  }
}
