"""The pipeline on Apache Spark (``pip install 'marsad[spark]'``): :mod:`.job` writes
Parquet tables, :mod:`.load` puts them in a database."""
