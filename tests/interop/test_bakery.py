"""openbadges-bakery (1EdTech's baker, installed with the validator in its own venv) reads the
images we bake, and we read the images it bakes, in PNG and in SVG."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import World
from tests.api.test_verify import verify
from tests.factories import SVG, create_badge_class, data_uri, issue_award, png_bytes

pytestmark = pytest.mark.interop
BAKERY = Path(__file__).parent / "bakery.py"


def bakery(python: Path, *args: str) -> str:
    done = subprocess.run(
        [python, str(BAKERY), *args], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("image", ["png", "svg"])
def test_our_baked_images_are_read_by_the_bakery(
    client: TestClient,
    world: World,
    validator_python: Path,
    tmp_path: Path,
    image: str,
) -> None:
    badge = (
        create_badge_class(client, world.coordinator, world.issuer_id, image=data_uri(SVG, "image/svg+xml"))
        if image == "svg"
        else {"id": world.badge_class_id}
    )
    award = issue_award(client, world.coordinator, badge["id"])
    baked = tmp_path / f"badge.{image}"
    baked.write_bytes(client.get(f"/awards/{award['id']}/image", params={"standard": "ob2"}).content)
    assert (
        bakery(validator_python, "unbake", str(baked)).strip()
        == client.get(f"/awards/{award['id']}/signed").text
    )
    ob3 = tmp_path / f"badge-ob3.{image}"
    ob3.write_bytes(client.get(f"/awards/{award['id']}/image").content)
    # The bakery knows OB 2.0 only: an OB 3.0 credential is not there for it, as expected.
    assert bakery(validator_python, "unbake", str(ob3)).strip() == ""


@pytest.mark.parametrize("image", ["png", "svg"])
@pytest.mark.parametrize("content", ["signed", "hosted"])
def test_images_baked_by_the_bakery_are_verified_by_us(
    client: TestClient,
    world: World,
    validator_python: Path,
    tmp_path: Path,
    image: str,
    content: str,
) -> None:
    source = tmp_path / f"blank.{image}"
    source.write_bytes(png_bytes() if image == "png" else SVG)
    text = tmp_path / "content.txt"
    if content == "signed":
        text.write_text(client.get(f"/awards/{world.award_id}/signed").text)
    else:
        hosted = client.get(f"/awards/{world.award_id}", headers={"Accept": "application/json"}).json()
        text.write_text(json.dumps(hosted))
    baked = tmp_path / f"baked.{image}"
    bakery(validator_python, "bake", str(source), str(text), str(baked))
    result = verify(client, baked.read_bytes(), email="camille.durand@example.fr")
    assert result["verdict"] == "valid", result
    assert result["baked_in"] == image
    assert result["form"] == ("ob2-signed" if content == "signed" else "ob2-hosted")
