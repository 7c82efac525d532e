import type { Db } from '@corral/db';

export type Transaction = Parameters<Parameters<Db['transaction']>[0]>[0];

/** The database or one of its transactions: what read helpers accept. */
export type Queryable = Db | Transaction;
