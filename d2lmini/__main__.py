"""python -m d2lmini: the command-line main job."""
from . import _startup

_startup.install()  # before torch is imported (already done by the package's __init__ when it starts this way)

from .cli import main  # noqa: E402

raise SystemExit(main())
