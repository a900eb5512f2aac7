"""The Arabic text layer.

* :mod:`marsad.text.clean`: text-changing cleanup before a Document exists (recorded steps).
* :mod:`marsad.text.normalize`: the matching normalisation with a map back to offsets.
* :mod:`marsad.text.segment`: blocks, sentences, tokens and clitic words.
* :mod:`marsad.text.boilerplate`: zones of lines (headline, standfirst, caption, boilerplate).

Functions are not re-exported here, so ``marsad.text.segment`` always names the module.
"""
