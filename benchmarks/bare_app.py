"""The baseline: a bare Flask app with one JSON POST endpoint, served by the same gunicorn settings."""
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.post("/ping")
def ping():
    data = request.get_json(silent=True) or {}
    return jsonify({"ok": True, "n": data.get("n")})


@app.get("/healthz")
def healthz():
    return {"status": "ok"}
