"""Glue ETL job: raw files under raw/ to partitioned Parquet under processed/<dataset>/.

Each run reads the JSON or CSV files under --source_path that earlier runs have not seen (job bookmarks: the
job's security configuration encrypts them), derives year/month/day from each record's --timestamp_column
(ISO 8601 text or epoch seconds; the run's day when a record has none) and appends the records to
--target_path as Snappy Parquet in year=/month=/day= folders. The catalog's crawler then registers the new
partitions, so Athena sees them.

The arguments are the job's default arguments (components/glue/definitions.ts); a run may override them, e.g.
`mlplat etl run --arg source_path=s3://<lake>/raw/clicks/`.
"""

import sys

ARGUMENTS = ["JOB_NAME", "source_path", "target_path", "source_format", "timestamp_column"]
PARTITION_KEYS = ["year", "month", "day"]
# How Glue reads each source format: CSV files carry a header row.
FORMAT_OPTIONS = {"json": {}, "csv": {"withHeader": True, "separator": ","}}


def with_partitions(frame, timestamp_column, functions):
    """The records with year, month and day columns from their timestamp, or from the run's time without one."""
    now = functions.current_timestamp()
    if timestamp_column in frame.columns:
        moment = functions.coalesce(functions.col(timestamp_column).cast("timestamp"), now)
    else:
        moment = now
    for key, pattern in zip(PARTITION_KEYS, ["yyyy", "MM", "dd"]):
        frame = frame.withColumn(key, functions.date_format(moment, pattern))
    return frame


def run(args, glue, job_class, dynamic_frame, functions):
    """One run: read the new raw files, write them partitioned, commit the bookmark. True when it wrote any."""
    source_format = args["source_format"]
    if source_format not in FORMAT_OPTIONS:
        raise ValueError(
            f"--source_format: got {source_format!r}, expected one of {', '.join(sorted(FORMAT_OPTIONS))}"
        )
    job = job_class(glue)
    job.init(args["JOB_NAME"], args)
    raw = glue.create_dynamic_frame.from_options(
        connection_type="s3",
        connection_options={"paths": [args["source_path"]], "recurse": True},
        format=source_format,
        format_options=FORMAT_OPTIONS[source_format],
        transformation_ctx="raw",
    )
    records = raw.toDF()
    # Nothing new since the last run: no empty files, and the bookmark still moves on.
    wrote = bool(records.head(1))
    if wrote:
        processed = with_partitions(records, args["timestamp_column"], functions)
        glue.write_dynamic_frame.from_options(
            frame=dynamic_frame.fromDF(processed, glue, "processed"),
            connection_type="s3",
            connection_options={"path": args["target_path"], "partitionKeys": PARTITION_KEYS},
            format="glueparquet",
            format_options={"compression": "snappy"},
            transformation_ctx="processed",
        )
    job.commit()
    return wrote


def main():
    # Glue's libraries exist only in the Glue runtime: imported here, so tests can load this module without them.
    from awsglue.context import GlueContext
    from awsglue.dynamicframe import DynamicFrame
    from awsglue.job import Job
    from awsglue.utils import getResolvedOptions
    from pyspark.context import SparkContext
    from pyspark.sql import functions

    args = getResolvedOptions(sys.argv, ARGUMENTS)
    glue = GlueContext(SparkContext.getOrCreate())
    wrote = run(args, glue, Job, DynamicFrame, functions)
    message = f"appended new records to {args['target_path']}" if wrote else "no new raw files since the last run"
    glue.get_logger().info(message)


if __name__ == "__main__":
    main()
