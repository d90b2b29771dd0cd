"""Reading and writing: the reports (text, Markdown, HTML), JSON Lines and the published JSON
Schemas. It imports the advice and everything below; the command line (``mentor_rules.cli``)
and the public modules import it.
"""
