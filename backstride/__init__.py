"""Backstride: a back-pain triage assistant for runners.

The package holds everything that is not Rasa glue: the contract's names
(:mod:`backstride.contract`), the clinical rule table (:mod:`backstride.triage`),
the form's question order (:mod:`backstride.questions`), how answers become
facts (:mod:`backstride.answers`), the texts of a recommendation
(:mod:`backstride.messages`) and the spaCy symptom reader (:mod:`backstride.nlu`).
"""
