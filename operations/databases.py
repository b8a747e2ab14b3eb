"""The PostgreSQL database a measuring tool runs on (`make bench`, `make loadtest`): created when
it does not exist yet, refused when the URL is not PostgreSQL."""

import sys

import dj_database_url


def ensure_postgresql_database(database_url: str, refusal: str) -> None:
    """Create the database of `database_url` if needed; exit with `refusal` unless it is PostgreSQL."""
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(database_url)
    if "postgresql" not in config["ENGINE"]:
        sys.exit(refusal)
    params = {"host": config["HOST"] or None, "port": config["PORT"] or None, "user": config["USER"] or None}
    if config["PASSWORD"]:
        params["password"] = config["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
            print(f"Base {config['NAME']} créée.")
