"""/api/v1 themes: the vocabulary of session themes and level tags (slugs with French and English
labels); administrators extend it. Sessions take a theme by its slug or one of its labels."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from service.api.access import AdminDep
from service.http.deps import ContextDep, PrincipalDep
from service.usecases import themes

router = APIRouter(tags=["sessions"])


class ThemeOut(BaseModel):
    slug: str
    label_fr: str
    label_en: str


class ThemeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str = Field(max_length=60, description="lower case letters, digits and underscores")
    label_fr: str = Field(max_length=120)
    label_en: str = Field(max_length=120)


@router.get("/themes", summary="The themes a session may have, with their labels")
def list_themes(_: PrincipalDep, ctx: ContextDep) -> list[ThemeOut]:
    french = {t.slug: t.label for t in themes.known(ctx, "fr")}
    return [ThemeOut(slug=t.slug, label_fr=french[t.slug], label_en=t.label) for t in themes.known(ctx, "en")]


@router.post("/themes", status_code=status.HTTP_201_CREATED, summary="Add a theme to the vocabulary (admin)")
def add_theme(_: AdminDep, body: ThemeIn, ctx: ContextDep) -> ThemeOut:
    added = themes.add(ctx, body.slug, body.label_fr, body.label_en)
    return ThemeOut(slug=added.slug, label_fr=added.label_fr, label_en=added.label_en)
