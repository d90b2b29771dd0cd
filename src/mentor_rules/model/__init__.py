"""The data model: the situation (the input), the vocabulary that conditions are typed against, the
advice (the output), the limits, how texts compare, and the one converter between JSON documents
and these classes. Imports only the language below it.
"""
