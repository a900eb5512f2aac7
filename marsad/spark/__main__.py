"""``python -m marsad.spark run …``, and the script spark-submit is given (docs/scaling.md)."""

from marsad.cli import spark_cli

if __name__ == "__main__":
    spark_cli(prog_name="marsad spark")
