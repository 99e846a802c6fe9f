"""Operations that migrations share. A migration imports only what stays stable: these take all they need
as arguments, so a migration's effect never changes when the code around it does."""

from __future__ import annotations

from django.db import migrations


def sqlite_only(forwards: list[str], backwards: list[str]) -> migrations.RunPython:
    """Run `forwards` (and `backwards` when unapplied) on SQLite, nothing elsewhere: the indexes SQLite's
    search needs and PostgreSQL's does not (directory/search.py)."""

    def run(statements):
        def operation(apps, schema_editor):
            if schema_editor.connection.vendor == "sqlite":
                for statement in statements:
                    schema_editor.execute(statement)

        return operation

    return migrations.RunPython(run(forwards), run(backwards))
