/** Every service's Checkov cases, one file each. */
import type { ServiceCases } from "../case";
import { athena } from "./athena";
import { bedrock } from "./bedrock";
import { eks } from "./eks";
import { glue } from "./glue";
import { iam } from "./iam";
import { kms } from "./kms";
import { lambda } from "./lambda";
import { logs } from "./logs";
import { redshift } from "./redshift";
import { s3 } from "./s3";
import { sagemaker } from "./sagemaker";
import { stepfunctions } from "./stepfunctions";
import { vpc } from "./vpc";

export const SERVICES: Readonly<Record<string, ServiceCases>> = {
  s3,
  kms,
  iam,
  sagemaker,
  bedrock,
  lambda,
  eks,
  glue,
  athena,
  redshift,
  stepfunctions,
  logs,
  vpc,
};
