import type SQLite from 'better-sqlite3';
import type pg from 'pg';
import type { RanStatement } from './recordStatements.js';

/**
 * What the databases say a statement reads, asked after it ran, with the same parameters. A step
 * is "confined" when it reads one value of an index's leading column (an equality, or a short
 * list of them): one chat's range of seqs, one message by id; not a whole table or index.
 */
export interface Step {
  detail: string;
  confined: boolean;
}

/** SQLite's plan: each SCAN (every row of a table or index) or SEARCH (a range of an index). */
export function sqliteSteps(db: SQLite.Database, statement: RanStatement): Step[] {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(statement.params) as Array<{ detail: string }>;
  return rows
    .map((r) => r.detail)
    .filter((detail) => /^(SCAN|SEARCH) /.test(detail))
    .map((detail) => ({ detail, confined: /^SEARCH \S+ USING .*\(\w+=\?/.test(detail) }));
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/**
 * PostgreSQL's reads of `tables` (EXPLAIN ANALYZE, in a transaction rolled back): each scan of one
 * of them or of one of their indexes, and the rows of each table read, returned or thrown away
 * (filter, recheck), times loops. An index scan's rows are not a measure of the entries it walked:
 * with a condition on a later column it may walk the whole index to return a few, which
 * `confined` tells.
 */
export async function postgresReads(client: pg.Client, statement: RanStatement, tables: string[]): Promise<{ steps: Step[]; rows: Map<string, number> }> {
  const leading = new Map<string, string>();
  for (const table of tables) for (const [index, column] of await leadingColumns(client, table)) leading.set(index, column);
  await client.query('BEGIN');
  let plan: PlanNode;
  try {
    const result = await client.query(`EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${statement.sql}`, statement.params);
    plan = (result.rows[0]['QUERY PLAN'] as Array<{ Plan: PlanNode }>)[0]!.Plan;
  } finally {
    await client.query('ROLLBACK');
  }
  const nodes = flatten(plan).filter((n) => tables.includes(n['Relation Name'] ?? '') || leading.has(n['Index Name'] ?? ''));
  // A bitmap heap scan reads what its bitmap index scan found, and that scan is judged; an update reads through its scan.
  const steps = nodes.filter((n) => n['Node Type'] !== 'Bitmap Heap Scan' && n['Node Type'] !== 'ModifyTable').map((n) => {
    const column = leading.get(n['Index Name'] ?? '');
    const confined = column !== undefined && new RegExp(`(\\(${column}\\)|\\b${column})(::\\w+)? = `).test(n['Index Cond'] ?? '');
    return { detail: `${n['Node Type']} ${n['Index Name'] ?? n['Relation Name']} ${n['Index Cond'] ?? ''}`.trim(), confined };
  });
  const rows = new Map(tables.map((table) => [table, 0]));
  for (const n of nodes) {
    const table = n['Relation Name'];
    if (table === undefined || n['Node Type'] === 'ModifyTable') continue;
    const read = ((n['Actual Rows'] ?? 0) + (n['Rows Removed by Filter'] ?? 0) + (n['Rows Removed by Index Recheck'] ?? 0)) * (n['Actual Loops'] ?? 1);
    rows.set(table, rows.get(table)! + read);
  }
  return { steps, rows };
}

const flatten = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(flatten)];

/** Each index of `table` by name, with its first column. */
async function leadingColumns(client: pg.Client, table: string): Promise<Map<string, string>> {
  const { rows } = await client.query(
    `SELECT c.relname AS index, a.attname AS column FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
     WHERE i.indrelid = $1::regclass`,
    [table],
  );
  return new Map(rows.map((r: { index: string; column: string }) => [r.index, r.column]));
}
