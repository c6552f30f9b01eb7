"""`translate-sum serve`: one machine holds the models, everyone uses them over HTTP.

- `service`: the work of a request without HTTP (read, translate, brief, audit), with
  the loaded models, a bounded pool and the batch scheduler;
- `scheduler`: gathers the segments of concurrent requests into shared engine calls;
- `app`: the FastAPI application (web page, `/v1` API, health, metrics, offline docs);
- `protocol`: request bodies, reading fields, errors as `{"error": ...}`;
- `access`: API keys (where they may be sent) and the Host check;
- `jobs`: a request's work admitted or refused (503), cancelled when its client leaves;
- `middleware`: the body limit and request counting; `metrics`: the `/metrics` page;
- `libretranslate`: LibreTranslate-compatible routes;
- `run`: binds the socket, prints the address, runs uvicorn, stops gracefully.

Needs the `serve` extra (`pip install "translate-sum[serve]"`): fastapi, uvicorn,
python-multipart, fastapi-offline.

Limits: one process, one scheduler: it scales with the engine's batches, not across
machines or GPUs.
"""
