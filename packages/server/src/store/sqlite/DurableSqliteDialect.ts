import fs from 'node:fs';
import { promisify } from 'node:util';
import type SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';

const fdatasync = promisify(fs.fdatasync);
// The message path repeats a handful of statement texts; texts with long IN lists come and go.
const MAX_CACHED_STATEMENTS = 500;

/**
 * Kysely's SQLite dialect with two changes for the message path. The fsync that makes a commit
 * durable runs on libuv's thread pool instead of inside COMMIT on the event loop: the file runs
 * with `synchronous=NORMAL` (no fsync per commit, still safe from corruption) and every commit,
 * and every write outside a transaction, resolves only after an fdatasync of the WAL that holds
 * it, so an acknowledged write survives a power cut exactly as with `synchronous=FULL`. And
 * prepared statements are kept, since preparing costs as much as running a small statement.
 */
export class DurableSqliteDialect implements Dialect {
  private readonly connection: DurableConnection;
  constructor(file: SQLite.Database) {
    this.connection = new DurableConnection(file);
  }
  createDriver(): Driver {
    return new DurableSqliteDriver(this.connection);
  }
  /**
   * Resolves once every transaction committed so far is on disk. A commit hands the connection
   * on before its flush ends, so other transactions (receipts, REST writes) run their statements
   * while the disk works; the caller of `Store.transaction` waits here before it answers anyone.
   */
  flushed(): Promise<void> {
    return this.connection.flushed;
  }
  /** How many times the WAL was flushed to disk: the cost this dialect exists to keep low. */
  get flushes(): number {
    return this.connection.flushes;
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  createAdapter() {
    return new SqliteAdapter();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
}

class DurableSqliteDriver implements Driver {
  private held = false;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly connection: DurableConnection) {}

  async init(): Promise<void> {}

  /** One connection: callers queue for it and get it in the order they asked. */
  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.held) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.held = true;
    return this.connection;
  }

  async releaseConnection(): Promise<void> {
    const next = this.waiting.shift();
    if (next) next(); // handed on, still held
    else this.held = false;
  }

  async beginTransaction(): Promise<void> {
    await this.connection.begin();
  }

  async commitTransaction(): Promise<void> {
    await this.connection.commit();
  }

  async rollbackTransaction(): Promise<void> {
    await this.connection.rollback();
  }

  async destroy(): Promise<void> {
    this.connection.close();
  }
}

class DurableConnection implements DatabaseConnection {
  private readonly statements = new Map<string, SQLite.Statement>();
  private walFd?: number;
  /** The open transaction has written: its commit needs a flush. */
  private wrote = false;
  /** The flush started after the latest commit; it covers every earlier commit too. */
  flushed: Promise<void> = Promise.resolve();
  flushes = 0;

  constructor(private readonly file: SQLite.Database) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const statement = this.prepared(query.sql);
    const params = query.parameters as unknown[];
    // A write outside a transaction commits on its own, so it is made durable like a commit.
    const commits = !statement.readonly && !this.file.inTransaction;
    if (!statement.readonly && this.file.inTransaction) this.wrote = true;
    if (statement.reader) {
      const rows = statement.all(params) as R[];
      if (commits) await this.sync();
      return { rows };
    }
    const { changes, lastInsertRowid } = statement.run(params);
    if (commits) await this.sync();
    return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    for (const row of this.prepared(query.sql).iterate(query.parameters as unknown[])) yield { rows: [row as R] };
  }

  /**
   * IMMEDIATE: another process writing the file (a bulk load, a maintenance script) makes this
   * wait out busy_timeout. A deferred BEGIN reads first and then fails at once (SQLITE_BUSY) on
   * its first write if that process committed since. Not through executeQuery: SQLite counts
   * BEGIN IMMEDIATE as a write, which there would mean a flush of the WAL before every transaction.
   */
  async begin(): Promise<void> {
    this.prepared('begin immediate').run();
  }

  async commit(): Promise<void> {
    this.prepared('commit').run();
    if (!this.wrote) return;
    this.wrote = false;
    this.flushed = this.sync();
    // Awaited by the transaction's caller (flushed()); a failure reaches it there.
    this.flushed.catch(() => {});
  }

  async rollback(): Promise<void> {
    this.wrote = false;
    this.prepared('rollback').run();
  }

  close(): void {
    if (this.walFd !== undefined) fs.closeSync(this.walFd);
    this.file.close();
  }

  /** Flushes the WAL, where WAL mode writes every commit, off the event loop. */
  private async sync(): Promise<void> {
    this.walFd ??= fs.openSync(`${this.file.name}-wal`, 'r');
    this.flushes++;
    await fdatasync(this.walFd);
  }

  private prepared(sql: string): SQLite.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.file.prepare(sql);
      this.statements.set(sql, statement);
      if (this.statements.size > MAX_CACHED_STATEMENTS) this.statements.delete(this.statements.keys().next().value!);
    }
    return statement;
  }
}
