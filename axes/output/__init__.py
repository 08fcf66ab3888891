"""Results -> text: formats (the enums and the reader's style), render (one format -> renderer map per kind
of result), contract (the JSON of CONTRACT.md), inspect / batch / compare / exercise (the renderers), i18n
(every word axes itself writes, in English and Korean), text (shared building blocks).
"""
