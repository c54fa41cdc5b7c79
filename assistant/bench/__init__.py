"""`assistant bench`: ingest, search, answer and start-up figures from the five
articles up to 100k synthetic chunks, next to the naive LangChain pipeline.

synthetic.py writes the synthetic corpora, worker.py measures one pipeline at
one size in its own process (so peak memory is per size), startup.py times
cold starts, run.py drives it all and report.py writes bench.md/bench.json/plots.
"""
