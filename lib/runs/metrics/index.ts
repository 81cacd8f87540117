/** Metric series of experiment runs: ingestion with summaries kept as points arrive, chart reads. */
export { ingestMetrics } from "./ingest";
export { listSeries, readSeries, type SeriesSummaryRow } from "./read";
export type { AlsoInTransaction, MetricPoint, ReadSeriesOptions, Series, SeriesBucket, SeriesPoint } from "./types";
