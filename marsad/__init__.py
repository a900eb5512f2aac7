"""marsad: Arabic news to source-linked facts, offline.

>>> import marsad
>>> doc = marsad.extract("قال الوزير إن الاجتماع انتهى.", published="2023-11-09")
>>> doc.published, len(doc.sentences)
('2023-11-09', 1)
"""

from .config import Config
from .doc import Document
from .pipeline import Pipeline, extract, load, make_doc

__version__ = "0.1.0.dev0"
__all__ = ["Config", "Document", "Pipeline", "__version__", "extract", "load", "make_doc"]
