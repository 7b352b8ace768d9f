"""Server-side sign-out for the dev sign-in's cookie sessions.

Flask's session is a signed cookie: forgetting the identity in the browser does nothing to a copy of
the cookie. So every user has a session generation kept on the server (a SQLite file in DATA_DIR,
shared by the workers); sign-in writes the current generation into the session, sign-out bumps it,
and a session whose generation is not the current one is not signed in. Signing out therefore ends
that user's sessions in every browser, which is what a shared dev sign-in wants.
"""

from __future__ import annotations

from pathlib import Path

from app.core.sqlite_file import SqliteFile

SCHEMA = """
CREATE TABLE IF NOT EXISTS session_generations (
    user TEXT PRIMARY KEY,
    generation INTEGER NOT NULL
);
"""


class SessionGenerations:
    """The current session generation of each user (0 until their first sign-out)."""

    def __init__(self, path: Path) -> None:
        self.db = SqliteFile(path, SCHEMA)

    def current(self, user: str) -> int:
        row = self.db.connection().execute(
            "SELECT generation FROM session_generations WHERE user = ?", (user,)).fetchone()
        return int(row[0]) if row else 0

    def bump(self, user: str) -> int:
        """End every session of `user` issued so far; returns the new generation."""
        with self.db.write() as conn:
            rows = conn.execute(
                "INSERT INTO session_generations (user, generation) VALUES (?, 1) "
                "ON CONFLICT (user) DO UPDATE SET generation = generation + 1 RETURNING generation",
                (user,)).fetchall()
        return int(rows[0][0])

    def close(self) -> None:
        self.db.close()
