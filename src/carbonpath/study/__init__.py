"""Loading a study folder into a validated :class:`Study`."""

from carbonpath.study.load import BUILTIN, Study, builtin_path, load_study

__all__ = ["BUILTIN", "Study", "builtin_path", "load_study"]
