"""One line's problem in an imported spreadsheet, by code, written in French and translated
through the catalogue."""

from __future__ import annotations

from service.domain.enrolment_csv import Problem
from service.i18n.catalogue import N_, text
from service.i18n.language import Language

LINE_MESSAGES: dict[str, str] = {
    "csv-empty": N_("Le fichier est vide."),
    "csv-no-rows": N_("Le fichier n'a qu'une ligne d'en-tête."),
    "csv-unreadable": N_("Ligne illisible ({value})."),
    "csv-too-many-rows": N_("Plus de {value} lignes : découpez le fichier."),
    "csv-missing-column": N_("Colonne « {column} » absente."),
    "csv-duplicate-column": N_("Colonne « {column} » en double."),
    "csv-bad-date": N_("Date « {value} » invalide : attendu JJ/MM/AAAA matin ou après-midi."),
    "csv-unknown-half-day": N_("La colonne « {column} » ne correspond à aucune demi-journée de la session."),
    "csv-too-many-cells": N_("Plus de cellules que de colonnes ({value})."),
    "csv-missing-value": N_("« {column} » est vide."),
    "csv-bad-value": N_("« {column} » invalide : « {value} »."),
    "csv-bad-presence": N_("Présence « {value} » illisible : attendu oui, non, x ou vide."),
    "csv-bad-state": N_("Statut « {value} » inconnu : inscrit, en attente ou annulé."),
    "csv-bad-language": N_("Langue « {value} » inconnue : fr ou en."),
    "csv-duplicate-person": N_("{value} figure déjà plus haut dans le fichier."),
}


INVALID_LINE = N_("Ligne invalide.")


def line_message(problem: Problem, language: Language) -> str:
    params = {"column": problem.column or "", "value": problem.value or ""}
    return text(LINE_MESSAGES.get(problem.code, INVALID_LINE), language, params)
