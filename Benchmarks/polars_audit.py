"""The usage audit of sql/usage_audit.sql written with polars: python3 polars_audit.py DIR OUT.

Same semantics: rates from DIR/rates.csv with `band_rule: start` for every plan (no band
splitting), longest prefix among the rules whose band holds the local start, per-step
quantities; unfiled-tariff, unanswered-charged, unit-inflation, rate-inflation, undercharge;
refund = 2 × overcharge summed per (account, cycle). No duplicate detection. Money is integer
micros; one half-up rounding to 0.001 per record.
"""
import glob
import os
import sys

import polars as pl

folder, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)


def micros(column):
    """A decimal string as integer micros, exactly (no float)."""
    parts = pl.col(column).fill_null("0").str.split_exact(".", 1)
    whole = parts.struct.field("field_0").cast(pl.Int64)
    fraction = parts.struct.field("field_1").fill_null("").str.pad_end(6, "0").str.slice(0, 6).cast(pl.Int64)
    return whole * 1_000_000 + fraction


rates = pl.read_csv(os.path.join(folder, "rates.csv"), infer_schema=False).with_columns(
    prefix=pl.col("prefix").fill_null(""),
    version_from=pl.col("version_from").str.to_date(),
    version_to=pl.col("version_to").fill_null("9999-12-31").str.to_date(),
    from_s=pl.col("from_s").cast(pl.Int64),
    to_s=pl.col("to_s").cast(pl.Int64),
    connect_micros=micros("connect_fee"),
    step_after=pl.col("step_after").cast(pl.Int64),
    step_until=pl.col("step_until").cast(pl.Int64),
    increment=pl.col("increment").cast(pl.Int64),
    rate_micros=micros("rate"),
    per=pl.col("per").cast(pl.Int64),
).with_columns(prefix_length=pl.col("prefix").str.len_bytes())


def audit_file(path):
    """Findings of one usage file: files are audited one at a time to bound memory (the prefix
    join multiplies rows), which is also how an auditor would run polars on big inputs."""
    usage = pl.read_csv(path, infer_schema=False).with_row_index("rid")
    start = pl.col("start")
    length = start.str.len_bytes()
    sign = pl.when(start.str.slice(19, 1) == "-").then(-1).otherwise(1)
    offset = (
        pl.when(length == 19).then(0)
        .when(length == 20).then(28800)
        .otherwise(28800 - sign * (start.str.slice(20, 2).cast(pl.Int64) * 3600 + start.str.slice(23, 2).cast(pl.Int64) * 60))
    )
    usage = usage.with_columns(
        local_start=start.str.slice(0, 19).str.strptime(pl.Datetime("us"), "%Y-%m-%dT%H:%M:%S") + pl.duration(seconds=offset),
        duration=pl.col("duration_s").cast(pl.Int64),
        volume=pl.col("volume_bytes").cast(pl.Int64),
        billed_quantity=pl.col("billed_quantity").cast(pl.Int64),
        billed_micros=micros("billed_amount"),
        destination=pl.col("destination").fill_null(""),
    ).with_columns(
        local_day=pl.col("local_start").dt.date(),
        weekday=pl.col("local_start").dt.weekday(),  # Monday = 1
        second_of_day=(pl.col("local_start").dt.epoch("s") % 86400),
        billing_cycle=pl.coalesce(pl.col("cycle"), pl.col("local_start").dt.strftime("%Y-%m")),
    )

    keys = usage.select("rid", "plan", "service", "destination", "local_day", "weekday", "second_of_day")
    in_force = (
        (pl.col("local_day") >= pl.col("version_from")) & (pl.col("local_day") <= pl.col("version_to"))
        & (pl.col("days").str.slice(pl.col("weekday").cast(pl.Int64) - 1, 1) == "1")
        & (pl.col("second_of_day") >= pl.col("from_s")) & (pl.col("second_of_day") < pl.col("to_s"))
    )
    step_columns = ["rid", "service", "prefix_length", "connect_micros", "step_after", "step_until", "increment", "rate_micros", "per"]
    candidates = []
    for k in sorted(rates["prefix_length"].unique().to_list()):
        # One equality join per prefix length; filtered right away so the exploded rows stay few.
        probe = keys.filter(pl.col("destination").str.len_bytes() >= k).with_columns(prefix=pl.col("destination").str.slice(0, k))
        joined = probe.join(rates.filter(pl.col("prefix_length") == k), on=["plan", "service", "prefix"])
        candidates.append(joined.filter(in_force).select(step_columns))
    matched = (
        pl.concat(candidates)
        .filter(pl.col("prefix_length") == pl.col("prefix_length").max().over("rid"))
        .join(usage.select("rid", "duration", "volume"), on="rid")
    )
    step_quantity = (
        pl.when(pl.col("service") == "voice").then(
            ((pl.min_horizontal(pl.col("duration"), pl.col("step_until").fill_null(2**62)) - pl.col("step_after")).clip(0)
             + pl.col("increment") - 1) // pl.col("increment") * pl.col("increment"))
        .when(pl.col("service") == "data").then((pl.col("volume") + pl.col("increment") - 1) // pl.col("increment") * pl.col("increment"))
        .otherwise(1)
    )
    rated = (
        matched.with_columns(quantity=step_quantity)
        .with_columns(
            term=pl.col("quantity").cast(pl.Int128) * pl.col("rate_micros"),
            fee=pl.when((pl.col("service") == "voice") & (pl.col("duration") > 0)).then(pl.col("connect_micros")).otherwise(0),
        )
        .group_by("rid")
        .agg(pl.col("quantity").sum(), pl.col("term").sum(), pl.col("fee").max(), pl.col("per").max())
        .with_columns(
            expected_micros=((pl.col("fee").cast(pl.Int128) * pl.col("per") + pl.col("term") + pl.col("per") * 500)
                             // (pl.col("per") * 1000) * 1000).cast(pl.Int64)
        )
        .select("rid", "quantity", "expected_micros")
    )
    audited = usage.join(rated, on="rid", how="left")
    unanswered = ((pl.col("service") == "voice") & (pl.col("duration") == 0)) | ((pl.col("service") == "data") & (pl.col("volume") == 0))
    return audited.with_columns(
        rule=pl.when(pl.col("expected_micros").is_null()).then(pl.lit("unfiled-tariff"))
        .when(unanswered & (pl.col("billed_micros") > 0)).then(pl.lit("unanswered-charged"))
        .when((pl.col("billed_quantity") > pl.col("quantity")) & (pl.col("billed_micros") > pl.col("expected_micros"))).then(pl.lit("unit-inflation"))
        .when(pl.col("billed_micros") > pl.col("expected_micros")).then(pl.lit("rate-inflation"))
        .when(pl.col("billed_micros") < pl.col("expected_micros")).then(pl.lit("undercharge")),
        overcharge_micros=pl.when(pl.col("expected_micros").is_null()).then(pl.col("billed_micros"))
        .otherwise((pl.col("billed_micros") - pl.col("expected_micros")).clip(0)),
    ).filter(pl.col("rule").is_not_null())


files = sorted(glob.glob(os.path.join(folder, "usage", "*.csv*")))
findings = pl.concat([audit_file(path).select("account", "billing_cycle", "rule", "overcharge_micros") for path in files])
(
    findings.filter(pl.col("overcharge_micros") > 0)
    .group_by("account", "billing_cycle")
    .agg(findings=pl.len(), overcharge=pl.col("overcharge_micros").sum())
    .with_columns(refund=pl.col("overcharge") * 2)
    .sort("account", "billing_cycle")
    .write_csv(os.path.join(out, "refunds.csv"))
)
for rule, count, overcharge in findings.group_by("rule").agg(pl.len(), pl.col("overcharge_micros").sum()).sort("rule").iter_rows():
    print(f"{rule:28} {count:10} {overcharge / 1e6:16.3f}")
