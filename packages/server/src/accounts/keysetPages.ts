/**
 * Rows a page at a time by a key that only rises, so memory holds one page however large the
 * account: `load(after, limit)` reads the rows past `after` in key order; the first call gets undefined.
 */
export async function* keysetPages<Row, Key>(
  load: (after: Key | undefined, limit: number) => Promise<Row[]>,
  keyOf: (row: Row) => Key,
  pageSize: number,
): AsyncGenerator<Row[]> {
  let after: Key | undefined;
  for (;;) {
    const page = await load(after, pageSize);
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    after = keyOf(page[page.length - 1]!);
  }
}
