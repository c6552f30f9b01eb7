"""The package's version, the one place it is written.

Imports nothing, so any module (the fetcher's User-Agent, the server's /info) can
read it without pulling in the package root; pyproject.toml reads it from here
(`[tool.hatch.version]`), and `translate-sum --version` prints it.

Limits: a plain string, no build or commit suffix.
"""

__version__ = "0.1.0"
