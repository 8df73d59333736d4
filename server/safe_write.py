"""Moved to skills/safe_write.py (one writer for every path, the CRD cache included, which the engine owns).

This re-export keeps branches written before the move importing; import from skills.safe_write instead.
"""

from skills.safe_write import WriteRefused, emit, replace_directory, write_text_atomic

__all__ = ["WriteRefused", "emit", "replace_directory", "write_text_atomic"]
