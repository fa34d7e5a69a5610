"""The zipped handler deployed to the emulator's Lambda service, as the InferenceFunction component declares it."""

import io
import json
import shutil
import subprocess
import urllib.request
import uuid
import zipfile

import boto3
import pytest

from conftest import HANDLER_DIR, MODEL_KEY


def docker_engine_running():
    if shutil.which("docker") is None:
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def handler_zip():
    """The function's code as Pulumi's FileArchive packs the handler folder: every file at the zip's root."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(HANDLER_DIR.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                archive.write(path, path.relative_to(HANDLER_DIR).as_posix())
    return buffer.getvalue()


@pytest.fixture(scope="module")
def function(lake):
    iam = boto3.client("iam")
    sqs = boto3.client("sqs")
    lam = boto3.client("lambda")
    suffix = uuid.uuid4().hex[:8]
    role = iam.create_role(
        RoleName=f"inference-{suffix}",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
                ],
            }
        ),
    )["Role"]["Arn"]
    queue = sqs.create_queue(QueueName=f"inference-dlq-{suffix}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    name = f"inference-{suffix}"
    lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="lambda_function.handler",
        Code={"ZipFile": handler_zip()},
        MemorySize=512,
        Timeout=30,
        EphemeralStorage={"Size": 512},
        TracingConfig={"Mode": "Active"},
        DeadLetterConfig={"TargetArn": queue_arn},
        Environment={"Variables": {"MODEL_BUCKET": lake["bucket"], "MODEL_KEY": MODEL_KEY}},
    )
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=10)
    return {"name": name, "client": lam, "queue_arn": queue_arn}


def test_the_zipped_handler_deploys_with_the_components_settings(function):
    lam = function["client"]
    config = lam.get_function_configuration(FunctionName=function["name"])
    assert config["Handler"] == "lambda_function.handler"
    assert config["TracingConfig"] == {"Mode": "Active"}
    assert (config["MemorySize"], config["Timeout"]) == (512, 30)
    # moto 5.2.5 accepts DeadLetterConfig but does not echo it back; the policy tests cover it instead.
    assert config["Environment"]["Variables"]["MODEL_KEY"] == MODEL_KEY
    concurrency = lam.get_function_concurrency(FunctionName=function["name"])
    assert concurrency["ReservedConcurrentExecutions"] == 10
    names = zipfile.ZipFile(io.BytesIO(handler_zip())).namelist()
    assert names == ["lambda_function.py"]


@pytest.mark.skipif(
    not docker_engine_running(),
    reason="moto runs Lambda code only in Docker, and no Docker engine runs here (without it invoke only echoes)",
)
def test_invoking_the_function_in_the_emulator_runs_the_handler(function, endpoint):
    def configure(use_docker):
        request = urllib.request.Request(
            f"{endpoint}/moto-api/config",
            data=json.dumps({"lambda": {"use_docker": use_docker}}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        urllib.request.urlopen(request, timeout=10).read()

    configure(True)
    try:
        response = function["client"].invoke(
            FunctionName=function["name"], Payload=json.dumps({"features": [12, 70.5, 3]}).encode()
        )
    finally:
        configure(False)
    result = json.loads(response["Payload"].read())
    assert result["statusCode"] == 200
    assert "prediction" in json.loads(result["body"])
