"""The ETL script's flow without Glue or Spark (neither runs outside AWS): what it reads and writes, with which
arguments, that an empty run writes nothing and still commits its bookmark, and how partitions are derived."""

import importlib.util
import pathlib
import sys

import pytest

sys.dont_write_bytecode = True
SCRIPT = pathlib.Path(__file__).resolve().parent.parent / "raw_to_processed.py"
spec = importlib.util.spec_from_file_location("raw_to_processed", SCRIPT)
etl = importlib.util.module_from_spec(spec)
spec.loader.exec_module(etl)

ARGS = {
    "JOB_NAME": "mlplat-dev-data-etl",
    "source_path": "s3://lake/raw/",
    "target_path": "s3://lake/processed/events/",
    "source_format": "json",
    "timestamp_column": "event_time",
}


class Expr:
    """A Spark column expression, as the text of the call that made it."""

    def __init__(self, text):
        self.text = text

    def cast(self, kind):
        return Expr(f"cast({self.text}, {kind})")


class Functions:
    """pyspark.sql.functions, reduced to what the script calls."""

    col = staticmethod(lambda name: Expr(f"col({name})"))
    current_timestamp = staticmethod(lambda: Expr("now"))
    coalesce = staticmethod(lambda *exprs: Expr(f"coalesce({', '.join(e.text for e in exprs)})"))
    date_format = staticmethod(lambda expr, pattern: Expr(f"format({expr.text}, {pattern})"))


class Frame:
    def __init__(self, columns, rows):
        self.columns = list(columns)
        self.rows = rows
        self.derived = {}

    def head(self, n):
        return self.rows[:n]

    def withColumn(self, name, expr):
        frame = Frame(self.columns + [name], self.rows)
        frame.derived = {**self.derived, name: expr.text}
        return frame


class Recorder:
    def __init__(self, frame):
        self.frame = frame
        self.calls = []
        recorder = self

        class Reader:
            def from_options(self, **options):
                recorder.calls.append(("read", options))
                return type("Dynamic", (), {"toDF": lambda _self: recorder.frame})()

        class Writer:
            def from_options(self, **options):
                recorder.calls.append(("write", options))

        self.create_dynamic_frame = Reader()
        self.write_dynamic_frame = Writer()

    def job_class(self, glue):
        recorder = self

        class Job:
            def init(self, name, args):
                recorder.calls.append(("init", name))

            def commit(self):
                recorder.calls.append(("commit", None))

        return Job()

    dynamic_frame = type("DynamicFrame", (), {"fromDF": staticmethod(lambda df, glue, name: (name, df))})


def run_with(frame, **overrides):
    glue = Recorder(frame)
    wrote = etl.run({**ARGS, **overrides}, glue, glue.job_class, Recorder.dynamic_frame, Functions)
    return wrote, glue.calls


def test_reads_new_raw_files_and_appends_partitioned_parquet():
    wrote, calls = run_with(Frame(["id", "event_time"], [("1", "2024-01-01T00:00:00Z")]))
    assert wrote is True
    assert [kind for kind, _ in calls] == ["init", "read", "write", "commit"]
    read = calls[1][1]
    assert read["connection_options"] == {"paths": ["s3://lake/raw/"], "recurse": True}
    assert read["format"] == "json"
    assert read["transformation_ctx"] == "raw"  # the bookmark's key for the source
    write = calls[2][1]
    assert write["connection_options"] == {
        "path": "s3://lake/processed/events/",
        "partitionKeys": ["year", "month", "day"],
    }
    assert (write["format"], write["format_options"]) == ("glueparquet", {"compression": "snappy"})
    name, frame = write["frame"]
    assert name == "processed"
    assert frame.derived == {
        "year": "format(coalesce(cast(col(event_time), timestamp), now), yyyy)",
        "month": "format(coalesce(cast(col(event_time), timestamp), now), MM)",
        "day": "format(coalesce(cast(col(event_time), timestamp), now), dd)",
    }


def test_records_without_the_timestamp_column_fall_into_the_runs_day():
    _, calls = run_with(Frame(["id"], [("1",)]))
    assert calls[2][1]["frame"][1].derived["day"] == "format(now, dd)"


def test_reads_csv_with_its_header_row():
    _, calls = run_with(Frame(["id"], [("1",)]), source_format="csv")
    assert calls[1][1]["format_options"] == {"withHeader": True, "separator": ","}


def test_a_run_without_new_files_writes_nothing_and_commits_the_bookmark():
    wrote, calls = run_with(Frame([], []))
    assert wrote is False
    assert [kind for kind, _ in calls] == ["init", "read", "commit"]


def test_refuses_an_unknown_format_before_reading():
    with pytest.raises(ValueError, match="--source_format: got 'parquet', expected one of csv, json"):
        run_with(Frame([], []), source_format="parquet")
