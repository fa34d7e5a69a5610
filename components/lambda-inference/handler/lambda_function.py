"""Inference handler for the platform's Lambda functions (seed section 4.1).

Loads a model from the lake once per container (on the first request; warm invocations reuse it), predicts
from the request's ``features`` and answers JSON.

The model is a JSON document, never a pickle: reading it can only ever produce numbers, so whoever can write
the model's key in the lake can change predictions but cannot run code in the function. Format::

    {"format": "mlplat.linear/v1", "kind": "linear" | "logistic",
     "weights": [w1, ..., wn], "intercept": b, "features": ["name1", ..., "namen"]}   # features optional

``features`` in a request is a list of n numbers, or (when the model names its features) an object by name.
A linear model predicts ``w . x + b``; a logistic one ``1 / (1 + exp(-(w . x + b)))``.
"""

import base64
import json
import math
import os

import boto3

MODEL_FORMAT = "mlplat.linear/v1"
MODEL_KINDS = ("linear", "logistic")
# A model file larger than this is not one of ours; refuse it rather than fill the function's memory.
MAX_MODEL_BYTES = 16 * 1024 * 1024

_s3 = None
_model = None


class ModelUnavailable(Exception):
    """The model could not be read or is not a valid model file: the function cannot serve (5xx)."""


class BadRequest(Exception):
    """The request is malformed: the caller must change it (400)."""


def _client():
    global _s3
    if _s3 is None:
        # AWS_ENDPOINT_URL (set only against an emulator) is honoured by boto3 itself.
        _s3 = boto3.client("s3")
    return _s3


def parse_model(text):
    """A model from its JSON text; raises ModelUnavailable naming what is wrong."""
    try:
        doc = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, TypeError) as err:
        raise ModelUnavailable(f"model file is not JSON: {err}") from None
    if not isinstance(doc, dict) or doc.get("format") != MODEL_FORMAT:
        raise ModelUnavailable(f'model file: expected "format": "{MODEL_FORMAT}"')
    kind = doc.get("kind")
    if kind not in MODEL_KINDS:
        raise ModelUnavailable(f"model file: kind {kind!r}, expected one of {', '.join(MODEL_KINDS)}")
    weights = doc.get("weights")
    if not isinstance(weights, list) or not weights or not all(_is_number(w) for w in weights):
        raise ModelUnavailable("model file: weights must be a non-empty list of numbers")
    intercept = doc.get("intercept", 0)
    if not _is_number(intercept):
        raise ModelUnavailable("model file: intercept must be a number")
    names = doc.get("features")
    if names is not None and (
        not isinstance(names, list)
        or len(names) != len(weights)
        or not all(isinstance(n, str) and n for n in names)
        or len(set(names)) != len(names)
    ):
        raise ModelUnavailable("model file: features must list one distinct name per weight")
    return {
        "kind": kind,
        "weights": [float(w) for w in weights],
        "intercept": float(intercept),
        "features": names,
    }


def load_model():
    """The model, read from s3://MODEL_BUCKET/MODEL_KEY on the first call of this container only."""
    global _model
    if _model is not None:
        return _model, False
    bucket = os.environ.get("MODEL_BUCKET")
    key = os.environ.get("MODEL_KEY")
    if not bucket or not key:
        raise ModelUnavailable("MODEL_BUCKET and MODEL_KEY must be set")
    try:
        obj = _client().get_object(Bucket=bucket, Key=key)
        if obj.get("ContentLength", 0) > MAX_MODEL_BYTES:
            raise ModelUnavailable(f"s3://{bucket}/{key} is larger than {MAX_MODEL_BYTES} bytes")
        text = obj["Body"].read().decode("utf-8")
    except ModelUnavailable:
        raise
    except Exception as err:  # noqa: BLE001 - any failure to read the model is the same 5xx for the caller
        code = getattr(err, "response", {}).get("Error", {}).get("Code", type(err).__name__)
        raise ModelUnavailable(f"cannot read model s3://{bucket}/{key}: {code}") from None
    _model = parse_model(text)
    return _model, True


def features_of(event, model):
    """The feature vector of a request, in the model's order; raises BadRequest naming what is wrong."""
    body = event
    if isinstance(event, dict) and "body" in event:
        raw = event["body"]
        if raw is None:
            raise BadRequest("request body is empty: expected a JSON object with features")
        if event.get("isBase64Encoded"):
            try:
                raw = base64.b64decode(raw).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                raise BadRequest("request body is not valid base64-encoded UTF-8") from None
        try:
            body = json.loads(raw, parse_constant=_reject_constant) if isinstance(raw, str) else raw
        except ValueError:
            raise BadRequest("request body is not valid JSON") from None
    if not isinstance(body, dict) or "features" not in body:
        raise BadRequest('request has no "features": expected {"features": [numbers]}')
    features = body["features"]
    n = len(model["weights"])
    if isinstance(features, dict):
        names = model["features"]
        if names is None:
            raise BadRequest(f"features: this model takes a list of {n} numbers, not named features")
        missing = [name for name in names if name not in features]
        unknown = sorted(set(features) - set(names))
        if missing or unknown:
            raise BadRequest(f"features: missing {missing}, unknown {unknown}; expected {names}")
        features = [features[name] for name in names]
    if not isinstance(features, list):
        raise BadRequest(f"features: expected a list of {n} numbers")
    if len(features) != n:
        raise BadRequest(f"features: got {len(features)} values, expected {n}")
    bad = [i for i, v in enumerate(features) if not _is_number(v)]
    if bad:
        raise BadRequest(f"features: values at {bad} are not finite numbers")
    return [float(v) for v in features]


def predict(model, features):
    z = model["intercept"] + math.fsum(w * x for w, x in zip(model["weights"], features))
    if model["kind"] == "logistic":
        # Written to avoid overflow for large |z|.
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
    return z


def handler(event, context):
    try:
        model, cold = load_model()
    except ModelUnavailable as err:
        print(json.dumps({"level": "ERROR", "message": str(err)}))
        return _response(503, {"error": f"model unavailable: {err}"})
    try:
        features = features_of(event, model)
    except BadRequest as err:
        return _response(400, {"error": str(err)})
    prediction = predict(model, features)
    if not math.isfinite(prediction):
        return _response(400, {"error": "features: the prediction overflowed; check the feature scale"})
    return _response(200, {"prediction": prediction, "coldStart": cold})


def _response(status, body):
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _reject_constant(name):
    raise ValueError(f"{name} is not a number")
