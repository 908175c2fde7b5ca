"""One line's problem in an imported spreadsheet, in French and English."""

from __future__ import annotations

from service.domain.enrolment_csv import Problem
from service.i18n.language import Language

LINE_MESSAGES: dict[str, tuple[str, str]] = {
    "csv-empty": ("Le fichier est vide.", "The file is empty."),
    "csv-no-rows": ("Le fichier n'a qu'une ligne d'en-tête.", "The file has a header line only."),
    "csv-unreadable": ("Ligne illisible ({value}).", "Unreadable line ({value})."),
    "csv-too-many-rows": (
        "Plus de {value} lignes : découpez le fichier.",
        "More than {value} rows: split the file.",
    ),
    "csv-missing-column": ("Colonne « {column} » absente.", "Column “{column}” is missing."),
    "csv-duplicate-column": ("Colonne « {column} » en double.", "Column “{column}” appears twice."),
    "csv-bad-date": (
        "Date « {value} » invalide : attendu JJ/MM/AAAA matin ou après-midi.",
        "Invalid date “{value}”: expected DD/MM/YYYY matin or après-midi.",
    ),
    "csv-unknown-half-day": (
        "La colonne « {column} » ne correspond à aucune demi-journée de la session.",
        "Column “{column}” matches no half-day of the session.",
    ),
    "csv-too-many-cells": (
        "Plus de cellules que de colonnes ({value}).",
        "More cells than columns ({value}).",
    ),
    "csv-missing-value": ("« {column} » est vide.", "“{column}” is empty."),
    "csv-bad-value": ("« {column} » invalide : « {value} ».", "Invalid “{column}”: “{value}”."),
    "csv-bad-presence": (
        "Présence « {value} » illisible : attendu oui, non, x ou vide.",
        "Unreadable presence “{value}”: expected oui, non, x or empty.",
    ),
    "csv-bad-state": (
        "Statut « {value} » inconnu : inscrit, en attente ou annulé.",
        "Unknown state “{value}”: inscrit, en attente or annulé.",
    ),
    "csv-bad-language": ("Langue « {value} » inconnue : fr ou en.", "Unknown language “{value}”: fr or en."),
    "csv-duplicate-person": (
        "{value} figure déjà plus haut dans le fichier.",
        "{value} already appears above.",
    ),
}


def line_message(problem: Problem, language: Language) -> str:
    french, english = LINE_MESSAGES.get(problem.code, ("Ligne invalide.", "Invalid line."))
    template = french if language == "fr" else english
    return template.format(column=problem.column or "", value=problem.value or "")
