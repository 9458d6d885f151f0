"""Operations: health, metrics, logs, security headers, CORS (``monitoring``), the one
place errors become answers (``errors``), the OpenAPI description, the HTTP server's
settings."""
