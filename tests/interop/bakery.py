"""Run in the validator's venv: bake or unbake with openbadges-bakery (1EdTech's baker).

python bakery.py bake IMAGE TEXT_FILE OUTPUT
python bakery.py unbake IMAGE          (prints the content, or nothing)
"""

import sys

from openbadges_bakery import bake, unbake

if sys.argv[1] == "bake":
    with open(sys.argv[2], "rb") as image, open(sys.argv[3], encoding="utf-8") as text:
        baked = bake(image, text.read())
        with open(sys.argv[4], "wb") as out:
            baked.seek(0)
            out.write(baked.read())
else:
    with open(sys.argv[2], "rb") as image:
        try:
            found = unbake(image)
        except IndexError:  # its SVG reader finds no <openbadges:assertion>
            found = None
    sys.stdout.write(found.decode("utf-8") if isinstance(found, bytes) else (found or ""))
