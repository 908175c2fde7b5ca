"""Themes an administrator added to the built-in vocabulary (``domain.themes``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from service.persistence.base import Base


class Theme(Base):
    __tablename__ = "themes"

    slug: Mapped[str] = mapped_column(String(60), primary_key=True)
    label_fr: Mapped[str] = mapped_column(String(120))
    label_en: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime]
