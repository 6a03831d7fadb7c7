import SQLite from 'better-sqlite3';
import pg from 'pg';

/** A statement as the server handed it to its database driver. */
export interface RanStatement {
  sql: string;
  params: unknown[];
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Records every statement this process hands its database driver (better-sqlite3's statements,
 * pg's Client#query) until `stop()`: what the server really ran, with its parameters, so that a
 * test can ask the database afterwards what each one reads. The drivers run everything as before.
 */
export function recordStatements(): { ran: RanStatement[]; stop(): void } {
  const ran: RanStatement[] = [];
  const restores: Array<() => void> = [];
  const wrap = (proto: Record<string, Method>, name: string, read: (self: any, args: unknown[]) => RanStatement | undefined) => {
    const original = proto[name]!;
    proto[name] = function (this: unknown, ...args: unknown[]) {
      const statement = read(this, args);
      if (statement) ran.push(statement);
      return original.apply(this, args);
    };
    restores.push(() => {
      proto[name] = original;
    });
  };
  const probe = new SQLite(':memory:');
  const sqliteStatement = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, Method>;
  probe.close();
  // The server binds a statement's parameters as one array; they are kept as a flat list either way.
  const bound = (args: unknown[]) => (Array.isArray(args[0]) ? (args[0] as unknown[]) : args);
  for (const name of ['all', 'get', 'run', 'iterate']) wrap(sqliteStatement, name, (statement, args) => ({ sql: statement.source, params: bound(args) }));
  wrap(pg.Client.prototype as unknown as Record<string, Method>, 'query', (_client, [config, values]) => {
    if (typeof config === 'string') return { sql: config, params: (values as unknown[] | undefined) ?? [] };
    const query = config as { text?: unknown; values?: unknown[] } | undefined;
    if (typeof query?.text === 'string') return { sql: query.text, params: query.values ?? (values as unknown[] | undefined) ?? [] };
    return undefined;
  });
  return { ran, stop: () => restores.reverse().forEach((restore) => restore()) };
}
