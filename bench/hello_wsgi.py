"""The least a WSGI app can do for ``serving_bench.py``'s serial ASK: answer SPARQL JSON
``true`` at once. Run under granian with ``ruhrgraph serve``'s flags, it is the floor of
what any Python app behind granian's WSGI interface costs per request."""

BODY = b'{"head":{},"boolean":true}'
HEADERS = [("Content-Type", "application/sparql-results+json"),
           ("Content-Length", str(len(BODY)))]


def app(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
