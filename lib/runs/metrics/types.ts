/** A statement as drizzle's toSQL() renders it. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * Writes that belong to the same batch as its points (log-batch's params and tags): run
 * inside the points' transaction, so a batch is stored whole or not at all.
 */
export type AlsoInTransaction = (run: (q: Statement) => Promise<Record<string, unknown>[]>) => Promise<void>;

/** One logged value of a metric series. */
export interface MetricPoint {
  key: string;
  value: number;
  /** An integer; a series is ordered by it. */
  step: number;
  ts: Date;
}

export interface SeriesPoint {
  step: number;
  value: number;
  /** Only on raw points: a bucket has no single time. */
  ts?: Date;
}

/** A summary of the points whose steps fall in [step_from, step_to]. */
export interface SeriesBucket {
  step_from: number;
  step_to: number;
  min: number;
  max: number;
  avg: number;
  count: number;
  /** When its first point was logged: only when asked for (a chart with time on x). */
  ts?: Date;
}

export interface Series {
  key: string;
  points: SeriesPoint[];
  downsampled: boolean;
  buckets?: SeriesBucket[];
}

export interface ReadSeriesOptions {
  /** At most this many points come back (default 2000). */
  maxPoints?: number;
  /** Inclusive step bounds. */
  from?: number;
  to?: number;
  /** Buckets carry the time of their first point (one index probe each). */
  withTime?: boolean;
}
