"""Rebuild schema/axes.schema.json from the types (axes.output.schema): run it after a contract key changes.

    python schema/build.py
"""

from pathlib import Path

from axes.output.schema import dumps

if __name__ == "__main__":
    target = Path(__file__).resolve().parent / "axes.schema.json"
    target.write_text(dumps(), encoding="utf-8")
    print(f"wrote {target}")
