"""Fixtures: an S3 emulator (the one MLPLAT_TEST_ENDPOINT names, else a moto server started for the session),
a lake bucket with a real model file, and the handler module reloaded fresh for each test (a cold container)."""

import importlib
import json
import os
import pathlib
import socket
import subprocess
import sys

# The handler folder is zipped as the function's code: importing it here must not leave __pycache__ in it.
sys.dont_write_bytecode = True
import time
import urllib.request
import uuid

import boto3
import pytest

HANDLER_DIR = pathlib.Path(__file__).resolve().parent.parent / "handler"
MODEL_KEY = "models/production/churn.json"
# A logistic model as `mlplat` would export it: three named features.
CHURN_MODEL = {
    "format": "mlplat.linear/v1",
    "kind": "logistic",
    "features": ["tenure_months", "monthly_charges", "support_calls"],
    "weights": [-0.05, 0.02, 0.4],
    "intercept": -0.5,
}


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def endpoint():
    given = os.environ.get("MLPLAT_TEST_ENDPOINT")
    if given:
        yield given
        return
    port = _free_port()
    server = pathlib.Path(sys.executable).parent / "moto_server"
    proc = subprocess.Popen(
        [str(server), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 20
    while True:
        try:
            urllib.request.urlopen(f"{url}/moto-api/config", timeout=1).read()
            break
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("moto_server did not start within 20 s")
            time.sleep(0.2)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def aws_env(endpoint):
    env = {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": os.environ.get("MLPLAT_TEST_REGION", "us-east-1"),
        "AWS_MAX_ATTEMPTS": "2",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    yield env
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def lake(aws_env):
    """A lake bucket encrypted with a customer-managed key, holding the churn model."""
    s3 = boto3.client("s3", config=boto3.session.Config(s3={"addressing_style": "path"}))
    kms = boto3.client("kms")
    bucket = f"lambda-handler-{uuid.uuid4().hex[:8]}"
    key = kms.create_key(Description="lambda handler tests")["KeyMetadata"]["Arn"]
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}]
        },
    )
    s3.put_object(Bucket=bucket, Key=MODEL_KEY, Body=json.dumps(CHURN_MODEL).encode())
    return {"bucket": bucket, "s3": s3}


@pytest.fixture
def handler_module(lake, monkeypatch):
    """The handler as a fresh container loads it: module state (the cached model) starts empty."""
    monkeypatch.setenv("MODEL_BUCKET", lake["bucket"])
    monkeypatch.setenv("MODEL_KEY", MODEL_KEY)
    monkeypatch.syspath_prepend(str(HANDLER_DIR))
    sys.modules.pop("lambda_function", None)
    module = importlib.import_module("lambda_function")
    yield module
    sys.modules.pop("lambda_function", None)
