import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * Leads the text of a statement that each connection prepares once and then runs by name: the
 * message path's few statements, whose texts are fixed (their keys travel as arrays). Parsing and
 * analysing one of them cost PostgreSQL about as much as running it for a small batch.
 */
export const PREPARE = '/* prepared */ ';

const names = new Map<string, string>();

/** One name per text, so a connection never meets one name with two texts. */
function nameOf(text: string): string {
  let name = names.get(text);
  if (name === undefined) names.set(text, (name = `parley_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`));
  return name;
}

/**
 * The pool's client. Kysely hands every statement over as text and values; one whose text starts
 * with PREPARE goes as a named statement (pg parses it on the connection's first use and sends
 * only Bind/Execute after), the rest as before. Other statements are not named: texts that differ
 * with their input would fill every connection with statements used once.
 */
export class PreparingClient extends pg.Client {
  // Overloads of pg's query: only (text, values) is rewritten, everything else passes as is.
  override query(...args: unknown[]): never {
    const [config, values] = args;
    const query = super.query as (...a: unknown[]) => never;
    if (args.length === 2 && typeof config === 'string' && config.startsWith(PREPARE) && Array.isArray(values)) {
      return query.call(this, { name: nameOf(config), text: config, values });
    }
    return query.apply(this, args);
  }
}
