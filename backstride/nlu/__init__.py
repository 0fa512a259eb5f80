"""The symptom reader: a runner's free text -> contract facts.

- :mod:`backstride.nlu.reader` - :class:`~backstride.nlu.reader.SymptomReader`
  (pure spaCy, blank English, no model download) and its findings;
- :mod:`backstride.nlu.duration` - "a fortnight", "since Sunday" -> days;
- :mod:`backstride.nlu.component` - the Rasa graph component
  (``backstride.nlu.component.SymptomEntityExtractor`` in ``config.yml``);
- ``lexicon/`` - the patterns and word lists, as data a clinician can review.

Nothing is imported here, so that ``import backstride`` stays cheap.
"""
