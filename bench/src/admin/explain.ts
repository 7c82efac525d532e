import type pg from 'pg';

/** A statement as the query layer sent it. */
export interface Statement {
  text: string;
  params: unknown[];
}

/** Collects the statements sent while `recording` (handed to createDb as its drizzle logger). */
export class StatementRecorder {
  private recorded: Statement[] | undefined;

  readonly logger = {
    logQuery: (text: string, params: unknown[]) => {
      this.recorded?.push({ text, params });
    },
  };

  async record(run: () => Promise<unknown>): Promise<Statement[]> {
    this.recorded = [];
    try {
      await run();
      return this.recorded;
    } finally {
      this.recorded = undefined;
    }
  }
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Total Time'?: number;
  Plans?: PlanNode[];
}

export interface PlanSummary {
  /** Execution time Postgres reports, summed over the statements of the query, ms. */
  executionMs: number;
  /** Whether any statement reads the raw usage table with a sequential scan. */
  seqScanOnUsage: boolean;
  /** The top plan node of the query's slowest statement (e.g. "Limit", "Sort"), with its first relation or index. */
  topNode: string;
  statements: number;
}

function walk(node: PlanNode, visit: (node: PlanNode) => void): void {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

/** What the node reads, for a one-line description: the first relation or index under it. */
function describe(node: PlanNode): string {
  let target: string | undefined;
  walk(node, (child) => {
    target ??= child['Index Name'] ?? child['Relation Name'];
  });
  return target ? `${node['Node Type']} (${target})` : node['Node Type'];
}

/** Runs each statement under EXPLAIN (ANALYZE, BUFFERS) once and sums up the plans. */
export async function explainStatements(pool: pg.Pool, statements: Statement[]): Promise<PlanSummary> {
  let executionMs = 0;
  let seqScanOnUsage = false;
  let slowest = { ms: -1, node: 'none' };
  for (const statement of statements) {
    const result = await pool.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode; 'Execution Time': number }> }>(
      `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${statement.text}`,
      statement.params,
    );
    const [explained] = result.rows[0]!['QUERY PLAN'];
    executionMs += explained!['Execution Time'];
    walk(explained!.Plan, (node) => {
      if (node['Node Type'] === 'Seq Scan' && node['Relation Name'] === 'usage') seqScanOnUsage = true;
    });
    if (explained!['Execution Time'] > slowest.ms) slowest = { ms: explained!['Execution Time'], node: describe(explained!.Plan) };
  }
  return { executionMs, seqScanOnUsage, topNode: slowest.node, statements: statements.length };
}
