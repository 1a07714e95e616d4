"""Models, engine, migrations and the read-side queries: the one place where SQL lives."""
