"""The inference handler against the emulator's S3, with a real model file in the lake."""

import base64
import json
import math

from conftest import CHURN_MODEL, MODEL_KEY


def expected(features):
    z = CHURN_MODEL["intercept"] + sum(w * x for w, x in zip(CHURN_MODEL["weights"], features))
    return 1 / (1 + math.exp(-z))


def call(module, body, **event):
    response = module.handler({"body": json.dumps(body), **event}, None)
    return response["statusCode"], json.loads(response["body"])


def test_cold_invocation_reads_the_model_from_the_lake_and_predicts(handler_module):
    status, body = call(handler_module, {"features": [12, 70.5, 3]})
    assert status == 200
    assert body["coldStart"] is True
    assert body["prediction"] == expected([12, 70.5, 3])


def test_warm_invocation_reuses_the_loaded_model_without_reading_s3(handler_module, lake):
    call(handler_module, {"features": [1, 2, 3]})
    # Replace the model in the lake: a warm container keeps serving the one it loaded.
    changed = dict(CHURN_MODEL, intercept=100.0)
    lake["s3"].put_object(Bucket=lake["bucket"], Key=MODEL_KEY, Body=json.dumps(changed).encode())
    try:
        status, body = call(handler_module, {"features": [24, 50, 0]})
    finally:
        lake["s3"].put_object(Bucket=lake["bucket"], Key=MODEL_KEY, Body=json.dumps(CHURN_MODEL).encode())
    assert status == 200
    assert body["coldStart"] is False
    assert body["prediction"] == expected([24, 50, 0])


def test_named_features_and_direct_invocation_events(handler_module):
    named = {"support_calls": 3, "tenure_months": 12, "monthly_charges": 70.5}
    status, body = call(handler_module, {"features": named})
    assert (status, body["prediction"]) == (200, expected([12, 70.5, 3]))
    direct = handler_module.handler({"features": [12, 70.5, 3]}, None)
    assert json.loads(direct["body"])["prediction"] == expected([12, 70.5, 3])
    encoded = base64.b64encode(json.dumps({"features": [12, 70.5, 3]}).encode()).decode()
    response = handler_module.handler({"body": encoded, "isBase64Encoded": True}, None)
    assert json.loads(response["body"])["prediction"] == expected([12, 70.5, 3])


def test_missing_features_answers_400_with_a_message(handler_module):
    status, body = call(handler_module, {"inputs": [1, 2, 3]})
    assert status == 400
    assert body == {"error": 'request has no "features": expected {"features": [numbers]}'}


def test_malformed_features_answer_400_naming_the_problem(handler_module):
    cases = [
        ({"features": [1, 2]}, "features: got 2 values, expected 3"),
        ({"features": [1, "two", 3]}, "features: values at [1] are not finite numbers"),
        ({"features": "1,2,3"}, "features: expected a list of 3 numbers"),
        (
            {"features": {"tenure_months": 1}},
            "features: missing ['monthly_charges', 'support_calls'], unknown []; "
            "expected ['tenure_months', 'monthly_charges', 'support_calls']",
        ),
    ]
    for request, message in cases:
        assert call(handler_module, request) == (400, {"error": message})
    response = handler_module.handler({"body": "{not json"}, None)
    assert (response["statusCode"], json.loads(response["body"])) == (
        400,
        {"error": "request body is not valid JSON"},
    )


def test_missing_model_answers_503_naming_the_object(handler_module, lake, monkeypatch):
    monkeypatch.setenv("MODEL_KEY", "models/production/absent.json")
    status, body = call(handler_module, {"features": [1, 2, 3]})
    assert status == 503
    assert body == {
        "error": f"model unavailable: cannot read model s3://{lake['bucket']}/models/production/absent.json: NoSuchKey"
    }


def test_a_model_file_that_is_not_the_json_format_is_refused_not_executed(handler_module, lake, monkeypatch):
    key = "models/production/pickled.json"
    lake["s3"].put_object(Bucket=lake["bucket"], Key=key, Body=b"\x80\x04\x95cos\nsystem\n")
    monkeypatch.setenv("MODEL_KEY", key)
    status, body = call(handler_module, {"features": [1, 2, 3]})
    assert status == 503
    assert body["error"].startswith("model unavailable: ")
    # Nothing was cached: a fixed model is picked up by the next request.
    monkeypatch.setenv("MODEL_KEY", MODEL_KEY)
    assert call(handler_module, {"features": [1, 2, 3]})[0] == 200
