"""The SparkSession an ingest runs on: checked for Java and pyspark, its Python workers
on this interpreter, and its logging quiet enough for a terminal."""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# Warnings and errors only; three warnings that say nothing about the run are hidden: no
# native Hadoop library, the host name resolving to a loopback address, and a long plan
# cut short in a log line.
_LOG4J2 = """\
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n%ex
logger.hadoop.name = org.apache.hadoop.util.NativeCodeLoader
logger.hadoop.level = error
logger.utils.name = org.apache.spark.util.Utils
logger.utils.level = error
logger.plan.name = org.apache.spark.util.SparkStringUtils
logger.plan.level = error
"""


class SparkUnavailable(RuntimeError):
    """Spark cannot start here: pyspark is not installed, or no Java runtime is found."""


def _check_java() -> None:
    home = os.environ.get("JAVA_HOME")
    java = Path(home, "bin", "java") if home else shutil.which("java")
    if not java or not Path(java).exists():
        raise SparkUnavailable("the Spark engine needs a Java runtime (17 or later): install "
                               "one, or set JAVA_HOME to it")


def _check_pyspark() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise SparkUnavailable("the Spark engine needs pyspark: pip install "
                               "'spamintel[spark]'") from exc


# Spark's master URLs: local, local[N], local[*], local[N,F], spark://h:p[,h:p], yarn,
# k8s://..., mesos://...
_MASTER = re.compile(r"local(\[(\d+|\*)(,\d+)?\])?|yarn|spark://[^\s/:]+:\d+(,[^\s/:]+:\d+)*"
                     r"|(k8s|mesos)://\S+")


def check_master(master: str) -> str:
    """``master`` when it is a Spark master URL, else ``SparkUnavailable``."""
    if not _MASTER.fullmatch(master):
        raise SparkUnavailable(f"{master!r} is no Spark master URL (local[N], "
                               "spark://host:7077, yarn, k8s://...)")
    return master


def _start(master: str, log_conf: Path) -> SparkSession:
    """The session, or ``SparkUnavailable`` with Spark's own first line of complaint."""
    from pyspark.sql import SparkSession

    try:
        return (SparkSession.builder.master(master).appName("spamintel ingest")
                .config("spark.driver.extraJavaOptions",
                        f"-Dlog4j2.configurationFile=file:{log_conf}")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.session.timeZone", "UTC")
                .getOrCreate())
    except Exception as exc:  # noqa: BLE001 - py4j and pyspark raise many kinds
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise SparkUnavailable(f"Spark did not start on {master}: {first}") from exc


@contextmanager
def spark_session(master: str = "local[2]") -> Iterator[SparkSession]:
    """A SparkSession on ``master`` (``local[N]`` or ``spark://host:7077``), stopped on exit.

    Executors run Python with this interpreter unless ``PYSPARK_PYTHON`` says otherwise
    (another one lacks pyarrow and spamintel); no progress bars, no web UI, UTC times.
    """
    check_master(master)
    _check_pyspark()
    _check_java()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    with tempfile.TemporaryDirectory(prefix="spamintel-spark-") as tmp:
        log_conf = Path(tmp) / "log4j2.properties"
        log_conf.write_text(_LOG4J2)
        spark = _start(master, log_conf)
        spark.sparkContext.setLogLevel("WARN")
        try:
            yield spark
        finally:
            spark.stop()
