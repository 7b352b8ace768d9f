"""What `make run` prints before the server starts: where to sign in, and as whom.

The demo users and their roles come from the RBAC file the server is started with (rbac.dev.toml unless
RBAC_FILE says otherwise), so the hint can never name a user the file does not have. Standard library
only: it runs before anything of the app is imported.

    python scripts/sign_in_hint.py --rbac rbac.dev.toml --url http://127.0.0.1:5000/sign-in
"""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path


def demo_users(rbac_file: Path) -> tuple[list[tuple[str, str]], str]:
    """(identity, role) for every identity the file lists, in file order, and the file's default role."""
    data = tomllib.loads(rbac_file.read_text())
    users = [(str(identity), role) for role, identities in data.get("roles", {}).items() for identity in identities]
    return users, str(data.get("default_role", "reporter"))


def hint(rbac_file: Path, url: str) -> str:
    """The lines to print: the sign-in URL, one line per demo user, and the role anyone else gets."""
    users, default_role = demo_users(rbac_file)
    width = max((len(identity) for identity, _ in users), default=0)
    lines = ["", f"==> Sign in at {url} as one of the demo users ({rbac_file.name}):"]
    lines += [f"      {identity:<{width}}  {role}" for identity, role in users]
    lines += [f"    or type any other email address: it gets the role {default_role}.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rbac", type=Path, default=Path("rbac.dev.toml"), help="the RBAC file of the server")
    parser.add_argument("--url", default="http://127.0.0.1:5000/sign-in", help="the sign-in page")
    args = parser.parse_args()
    print(hint(args.rbac, args.url), flush=True)


if __name__ == "__main__":
    main()
