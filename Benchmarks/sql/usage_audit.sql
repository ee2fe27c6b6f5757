-- The usage audit that SQL can express, for throughput comparison with `recount audit`.
--
-- Rates every usage record from DIR/rates.csv (a flat view of DIR/catalog.yaml written by
-- `recount generate`) with `band_rule: start` semantics for every plan (no band splitting),
-- then applies unfiled-tariff, unanswered-charged, unit-inflation, rate-inflation and
-- undercharge, and sums the refund per (account, cycle). No duplicate detection.
--
-- Money is exact: amounts become integer micros, a step's cost is the fraction
-- quantity × rate_micros / per, summed over the steps of one rule (all steps of a rule share
-- `per` in the generated catalogs) and rounded once, half up, to the catalog's 0.001.
--
-- Placeholders replaced by the runner: __USAGE__ (a glob of usage files), __RATES__, __OUT__.

CREATE OR REPLACE TEMP TABLE rates AS
SELECT plan, CAST(version_from AS DATE) AS version_from,
       COALESCE(CAST(version_to AS DATE), DATE '9999-12-31') AS version_to,
       service, COALESCE(prefix, '') AS prefix, days, from_s, to_s,
       CAST(round(CAST(connect_fee AS DECIMAL(18, 6)) * 1000000) AS BIGINT) AS connect_micros,
       step_after, step_until, increment,
       CAST(round(CAST(rate AS DECIMAL(18, 6)) * 1000000) AS BIGINT) AS rate_micros, per
FROM read_csv('__RATES__', header = true, all_varchar = false,
              types = {'prefix': 'VARCHAR', 'version_to': 'VARCHAR', 'connect_fee': 'VARCHAR', 'rate': 'VARCHAR', 'days': 'VARCHAR'});

CREATE OR REPLACE TEMP TABLE prefix_lengths AS SELECT DISTINCT length(prefix) AS k FROM rates;

CREATE OR REPLACE TEMP TABLE usage AS
WITH raw AS (
    SELECT row_number() OVER () AS rid, *
    FROM read_csv('__USAGE__', header = true, all_varchar = true)
), parsed AS (
    SELECT rid, account, plan, service,
           CAST(duration_s AS BIGINT) AS duration, CAST(volume_bytes AS BIGINT) AS volume,
           COALESCE(destination, '') AS destination, CAST(billed_quantity AS BIGINT) AS billed_quantity,
           CAST(round(CAST(billed_amount AS DECIMAL(18, 6)) * 1000000) AS BIGINT) AS billed_micros,
           cycle,
           -- Local wall clock at +08:00: add (8 h − the written offset); no offset means local already.
           strptime(substr(start, 1, 19), '%Y-%m-%dT%H:%M:%S')
             + to_seconds(CASE WHEN length(start) = 19 THEN 0
                               WHEN length(start) = 20 THEN 28800
                               ELSE 28800 - (CASE WHEN substr(start, 20, 1) = '-' THEN -1 ELSE 1 END)
                                    * (CAST(substr(start, 21, 2) AS INT) * 3600 + CAST(substr(start, 24, 2) AS INT) * 60)
                          END) AS local_start
    FROM raw
)
SELECT *, CAST(local_start AS DATE) AS local_day, isodow(local_start) AS weekday,
       CAST(epoch(local_start) AS BIGINT) % 86400 AS second_of_day,
       COALESCE(cycle, strftime(local_start, '%Y-%m')) AS billing_cycle
FROM parsed;

-- Candidate rate rows: equality join on every prefix length the catalog uses, then the
-- version in force, the band, and the longest matching prefix.
CREATE OR REPLACE TEMP TABLE matched AS
WITH candidates AS (
    SELECT u.rid, r.*
    FROM usage u
    CROSS JOIN prefix_lengths p
    JOIN rates r
      ON r.plan = u.plan AND r.service = u.service AND r.prefix = substr(u.destination, 1, p.k)
         AND length(r.prefix) = p.k
    WHERE u.local_day BETWEEN r.version_from AND r.version_to
      AND substr(r.days, u.weekday, 1) = '1'
      AND u.second_of_day >= r.from_s AND u.second_of_day < r.to_s
      AND length(u.destination) >= p.k
)
SELECT * FROM candidates
QUALIFY length(prefix) = max(length(prefix)) OVER (PARTITION BY rid);

CREATE OR REPLACE TEMP TABLE rated AS
WITH per_step AS (
    SELECT m.rid, m.connect_micros, m.per, m.rate_micros, u.service, u.duration, u.volume,
           CASE u.service
             WHEN 'voice' THEN ceil(greatest(0, least(u.duration, COALESCE(m.step_until, 9223372036854775807)) - m.step_after)
                                    / m.increment) * m.increment
             WHEN 'data' THEN ceil(u.volume / m.increment) * m.increment
             ELSE 1
           END AS quantity
    FROM matched m JOIN usage u USING (rid)
), per_record AS (
    SELECT rid, max(per) AS per,
           CAST(sum(quantity) AS BIGINT) AS quantity,
           -- Exact numerator over `per`: the connect fee only for an answered call.
           CAST(max(CASE WHEN service = 'voice' AND duration > 0 THEN connect_micros ELSE 0 END) AS HUGEINT) * max(per)
             + sum(CAST(quantity AS HUGEINT) * rate_micros) AS numerator
    FROM per_step GROUP BY rid
)
SELECT rid, quantity,
       CAST((numerator + CAST(per AS HUGEINT) * 500) // (CAST(per AS HUGEINT) * 1000) * 1000 AS BIGINT) AS expected_micros
FROM per_record;

CREATE OR REPLACE TEMP TABLE findings AS
SELECT u.rid, u.account, u.billing_cycle,
       CASE
         WHEN r.rid IS NULL THEN 'unfiled-tariff'
         WHEN ((u.service = 'voice' AND u.duration = 0) OR (u.service = 'data' AND u.volume = 0)) AND u.billed_micros > 0
           THEN 'unanswered-charged'
         WHEN u.billed_quantity > r.quantity AND u.billed_micros > r.expected_micros THEN 'unit-inflation'
         WHEN u.billed_micros > r.expected_micros THEN 'rate-inflation'
         WHEN u.billed_micros < r.expected_micros THEN 'undercharge'
       END AS rule,
       CASE
         WHEN r.rid IS NULL THEN u.billed_micros
         WHEN u.billed_micros > r.expected_micros THEN u.billed_micros - r.expected_micros
         ELSE 0
       END AS overcharge_micros
FROM usage u LEFT JOIN rated r USING (rid);

COPY (
    SELECT account, billing_cycle AS cycle, count(*) AS findings,
           sum(overcharge_micros) / 1e6 AS overcharge, 2 * sum(overcharge_micros) / 1e6 AS refund
    FROM findings WHERE rule IS NOT NULL AND overcharge_micros > 0
    GROUP BY account, billing_cycle ORDER BY account, cycle
) TO '__OUT__/refunds.csv' (HEADER);

SELECT rule, count(*) AS findings, sum(overcharge_micros) / 1e6 AS overcharge
FROM findings WHERE rule IS NOT NULL GROUP BY rule ORDER BY rule;
