"""`flops-fit tokenize`: text → token shards and a manifest (run as `python -m flops_fit_worker.tokenizing`)."""
