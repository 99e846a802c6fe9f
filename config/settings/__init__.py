"""Settings modules: `local` (laptop and demo), `test`, `production`. All read the environment."""
