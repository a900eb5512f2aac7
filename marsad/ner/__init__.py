"""The Arabic NER tagger trained here on CPU (a CRF over our own features), for the names
the knowledge base does not know: :mod:`.features` (what the CRF sees), :mod:`.conll`
(CoNLL files and tag names), :mod:`.model` (tagging, the document pass, training,
cross-validation, scoring) and :mod:`.api` (``marsad ner`` and ``marsad train-ner``).
The entity stage fuses its names (``entities.ner``)."""
