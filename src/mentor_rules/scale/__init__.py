"""Batches: chunks of items worked on in this process or in worker processes, results in input
order, bounded in flight. Knows nothing of advice: a worker builds its advisor from a factory it
is given.
"""
