/**
 * The statements ingestion runs, as text: the same on PostgreSQL (postgres.js) and PGlite.
 *
 * Summaries are merged in the upsert itself (one statement, the row lock held by
 * ON CONFLICT), so concurrent batches for one run add up instead of overwriting each other.
 * PostgreSQL sorts NaN above every number: least() already skips it, greatest() must be told.
 */
const greatestSkippingNaN = (a: string, b: string) =>
  `case when ${a} = 'NaN' then ${b} when ${b} = 'NaN' then ${a} else greatest(${a}, ${b}) end`;

export const UPSERT_SUMMARIES = `
with buckets as (
  insert into metric_buckets as m (run_id, key, level, bucket, min, max, sum, count)
  select $1, r.key, r.level, r.bucket, r.min, r.max, r.sum, r.count
  from unnest($2::text[], $3::int[], $4::bigint[], $5::float8[], $6::float8[], $7::float8[], $8::int[])
    with ordinality as r(key, level, bucket, min, max, sum, count, i)
  order by r.i
  on conflict (run_id, key, level, bucket) do update set
    min = least(m.min, excluded.min),
    max = ${greatestSkippingNaN("m.max", "excluded.max")},
    sum = m.sum + excluded.sum,
    count = m.count + excluded.count
)
insert into run_metrics as m (run_id, key, last, last_step, min, max, count)
select $1, s.key, s.last, s.last_step, s.min, s.max, s.count
from unnest($9::text[], $10::float8[], $11::bigint[], $12::float8[], $13::float8[], $14::int[])
  with ordinality as s(key, last, last_step, min, max, count, i)
order by s.i
on conflict (run_id, key) do update set
  last = case when excluded.last_step >= m.last_step then excluded.last else m.last end,
  last_step = greatest(m.last_step, excluded.last_step),
  min = least(m.min, excluded.min),
  max = ${greatestSkippingNaN("m.max", "excluded.max")},
  count = m.count + excluded.count`;

export const COPY_POINTS_BINARY = "copy metric_points (run_id, key, step, value, ts) from stdin with (format binary)";
export const COPY_POINTS_TEXT = "copy metric_points (run_id, key, step, value, ts) from stdin";
/** PGlite reads COPY data from the blob passed with the query. */
export const COPY_POINTS_BINARY_BLOB = "copy metric_points (run_id, key, step, value, ts) from '/dev/blob' with (format binary)";
