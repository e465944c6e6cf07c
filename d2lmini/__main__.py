"""python -m d2lmini: the command-line main job."""
from .cli import main

raise SystemExit(main())
