import * as fs from "node:fs";
import * as path from "node:path";

import { describe, expect, it } from "vitest";

import {
  compareEstimates,
  estimateCost,
  parseUsageProfile,
  type PlannedResource,
  type ResourceEstimate,
  type StackEstimate,
} from "../../components/catalog/cost";
import { formatIssue, isValidationError } from "../../components/validation";
import { REPO_ROOT } from "../harness";

const USAGE_DIR = path.join(REPO_ROOT, "scripts", "cost", "usage");
const STACK = "urn:pulumi:test::fx::";

function usageFile(name: string) {
  const file = path.join(USAGE_DIR, name);
  return parseUsageProfile(fs.readFileSync(file, "utf8"), file);
}

function planned(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  extra: Partial<PlannedResource> = {},
): PlannedResource {
  return { type, name, urn: `${STACK}${type}::${name}`, inputs, ...extra };
}

function only(estimate: StackEstimate, name: string): ResourceEstimate {
  const found = estimate.resources.filter((r) => r.name === name);
  if (found.length !== 1) throw new Error(`expected one estimate named ${name}, found ${found.length}`);
  return found[0] as ResourceEstimate;
}

/** The problems a usage profile has, as users read them. */
function usageProblems(text: string): string[] {
  try {
    parseUsageProfile(text, "profile.yaml");
  } catch (err) {
    if (isValidationError(err)) return err.issues.map(formatIssue);
    throw err;
  }
  throw new Error("expected the profile to be rejected");
}

/** The template's inference function as the stacks declare it (512 MB, x86_64). */
const inferenceFunction = planned("aws:lambda/function:Function", "mlplat-dev-inference", {
  memorySize: 512,
});

describe("seed §7.2: Bedrock's worked examples, from usage profiles", () => {
  it("reproduces $375 a month on Claude 3 Haiku exactly ($125 input + $250 output)", () => {
    const e = estimateCost([], { region: "ap-northeast-2", usage: usageFile("seed-7.2-haiku.yaml") });
    expect(e.totals).toEqual({ fixedUsd: "0", usageUsd: "375", totalUsd: "375" });
    const tokens = only(e, "anthropic.claude-3-haiku-20240307-v1:0");
    expect(tokens.lines.map((l) => [l.quantity, l.price.usd, l.monthlyUsd])).toEqual([
      ["500000000", "0.00025", "125"],
      ["200000000", "0.00125", "250"],
    ]);
    expect(e.components).toMatchObject([
      { key: "usage:bedrock", name: "Bedrock on-demand tokens", totalUsd: "375" },
    ]);
  });

  it("reproduces $4,500 a month on Claude 3 Sonnet exactly ($1,500 input + $3,000 output), in both regions", () => {
    for (const region of ["ap-northeast-2", "us-east-1"]) {
      const e = estimateCost([], { region, usage: usageFile("seed-7.2-sonnet.yaml") });
      expect(only(e, "anthropic.claude-3-sonnet-20240229-v1:0").lines.map((l) => l.monthlyUsd)).toEqual([
        "1500",
        "3000",
      ]);
      expect(e.totals.totalUsd).toBe("4500");
    }
  });

  it("takes monthly token totals too, and lists a model without a price as unpriced", () => {
    const usage = parseUsageProfile(
      "bedrock:\n  - { model: anthropic.claude-3-opus-20240229-v1:0, inputTokens: 1000, outputTokens: 1000 }\n" +
        "  - { model: meta.llama3-70b-instruct-v1:0, inputTokens: 1000, outputTokens: 1000 }\n",
      "inline",
    );
    const e = estimateCost([], { region: "us-east-1", usage });
    expect(e.totals.usageUsd).toBe("0.09");
    expect(e.unpriced).toEqual([
      {
        urn: "usage:bedrock[1]",
        name: "meta.llama3-70b-instruct-v1:0",
        type: "usage:bedrock",
        reason:
          "no Bedrock input tokens price for meta.llama3-70b-instruct-v1:0 in us-east-1; no Bedrock output tokens price for meta.llama3-70b-instruct-v1:0 in us-east-1",
      },
    ]);
  });
});

describe("seed §7.3: Lambda against EC2 t3.medium", () => {
  // Assumed, as the seed states neither: a 30-day month, 1,000 ms per request, the template's 512 MB function.
  const lambdaAt = (file: string, region: string) =>
    Number(estimateCost([inferenceFunction], { region, usage: usageFile(file) }).totals.usageUsd);
  const within = (value: number, target: number, tolerance: number) =>
    Math.abs(value - target) / target <= tolerance;

  it("prices 10,000 requests a day at $2.56 (the seed's ~$3, within 30%) and 1,000,000 at $256 (~$200, within 30%)", () => {
    for (const region of ["ap-northeast-2", "us-east-1"]) {
      const small = estimateCost([inferenceFunction], {
        region,
        usage: usageFile("seed-7.3-lambda-10k-per-day.yaml"),
      });
      expect(small.totals.usageUsd).toBe("2.560005");
      expect(
        only(small, "mlplat-dev-inference").lines.map((l) => [l.description, l.quantity, l.monthlyUsd]),
      ).toEqual([
        ["requests", "300000", "0.06"],
        ["duration: 300000 x 1000 ms at 512 MB (x86_64)", "150000", "2.500005"],
      ]);
      expect(within(lambdaAt("seed-7.3-lambda-10k-per-day.yaml", region), 3, 0.3)).toBe(true);
      expect(lambdaAt("seed-7.3-lambda-1m-per-day.yaml", region)).toBe(256.0005);
      expect(within(lambdaAt("seed-7.3-lambda-1m-per-day.yaml", region), 200, 0.3)).toBe(true);
    }
  });

  it("prices an always-on t3.medium at about $30 a month in us-east-1 (the seed's figure) and makes the seed's call", () => {
    const ec2 = estimateCost([planned("aws:ec2/instance:Instance", "web", { instanceType: "t3.medium" })], {
      region: "us-east-1",
    });
    // 730 h x $0.0416 = $30.368, plus the 8 GB gp3 root volume the estimate assumes ($0.64).
    expect(only(ec2, "web").lines.map((l) => l.monthlyUsd)).toEqual(["30.368", "0.64"]);
    const monthly = Number(ec2.totals.fixedUsd);
    expect(within(monthly, 30, 0.05)).toBe(true);
    // Lambda for 10,000 requests a day, EC2 for 1,000,000 (seed §7.3's recommendations).
    expect(lambdaAt("seed-7.3-lambda-10k-per-day.yaml", "us-east-1")).toBeLessThan(monthly);
    expect(lambdaAt("seed-7.3-lambda-1m-per-day.yaml", "us-east-1")).toBeGreaterThan(monthly);
  });
});

describe("fixed costs", () => {
  it("prices nodes at desired size, spot at the on-demand price less the assumed saving, and a group at zero as $0", () => {
    const e = estimateCost(
      [
        planned("aws:eks/nodeGroup:NodeGroup", "gpu-spot", {
          instanceTypes: ["g5.xlarge"],
          capacityType: "SPOT",
          diskSize: 100,
          scalingConfig: { minSize: 0, desiredSize: 2, maxSize: 10 },
        }),
        planned("aws:eks/nodeGroup:NodeGroup", "gpu-fallback", {
          instanceTypes: ["g5.xlarge"],
          capacityType: "ON_DEMAND",
          scalingConfig: { minSize: 0, desiredSize: 0, maxSize: 10 },
        }),
      ],
      { region: "ap-northeast-2" },
    );
    const spot = only(e, "gpu-spot");
    // 2 x 730 h x $1.237 x (1 - 0.70) = $541.806; 2 x 100 GB x $0.0912 = $18.24.
    expect(spot.lines.map((l) => [l.quantity, l.price.usd, l.saving?.fraction, l.monthlyUsd])).toEqual([
      ["1460", "1.237", "0.70", "541.806"],
      ["200", "0.0912", undefined, "18.24"],
    ]);
    expect(only(e, "gpu-fallback")).toMatchObject({ status: "priced", fixedUsd: "0" });
    expect(only(e, "gpu-fallback").notes[0]).toMatch(
      /^desiredSize 0: no nodes run until it scales out \(up to 10\)/,
    );
    expect(e.assumptions.map((a) => [a.key, a.value])).toEqual([["ec2.spotSaving", "0.70"]]);
  });

  it("prices interface endpoints per AZ, gateway endpoints at $0, KMS keys, NAT gateways and the EKS control plane", () => {
    const e = estimateCost(
      [
        planned("aws:ec2/vpcEndpoint:VpcEndpoint", "api", {
          vpcEndpointType: "Interface",
          subnetIds: ["a", "b", "c"],
        }),
        planned("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", { vpcEndpointType: "Gateway" }),
        planned("aws:kms/key:Key", "key", { enableKeyRotation: true }),
        planned("aws:ec2/natGateway:NatGateway", "nat", {}),
        planned("eks:index:Cluster", "cluster", { skipDefaultNodeGroup: true }, { custom: false }),
      ],
      { region: "ap-northeast-2" },
    );
    expect(e.resources.map((r) => [r.name, r.fixedUsd])).toEqual([
      ["nat", "43.07"],
      ["api", "28.47"],
      ["s3", "0"],
      ["key", "1"],
      ["cluster", "73"],
    ]);
    expect(e.totals.fixedUsd).toBe("145.54");
  });

  it("prices a SageMaker endpoint from its configuration: instances at the initial count, serverless by usage", () => {
    const config = planned("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "cfg", {
      productionVariants: [
        { variantName: "AllTraffic", instanceType: "ml.m5.xlarge", initialInstanceCount: 2 },
      ],
    });
    const serverless = planned("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "cfg-sl", {
      name: "cfg-sl",
      productionVariants: [
        { variantName: "AllTraffic", serverlessConfig: { memorySizeInMb: 2048, maxConcurrency: 5 } },
      ],
    });
    const resources = [
      config,
      serverless,
      planned(
        "aws:sagemaker/endpoint:Endpoint",
        "ep",
        { endpointConfigName: "cfg" },
        { propertyDependencies: { endpointConfigName: [config.urn] } },
      ),
      planned("aws:sagemaker/endpoint:Endpoint", "ep-sl", { endpointConfigName: "cfg-sl" }),
    ];
    const idle = estimateCost(resources, { region: "ap-northeast-2" });
    // Seed §7.1: ml.m5.xlarge at $0.27 an hour, 2 instances all month.
    expect(only(idle, "ep").lines.map((l) => [l.quantity, l.monthlyUsd])).toEqual([["1460", "394.2"]]);
    expect(only(idle, "ep-sl")).toMatchObject({ status: "priced", fixedUsd: "0", usageUsd: "0" });
    expect(only(idle, "cfg").status).toBe("free");

    const used = estimateCost(resources, {
      region: "us-east-1",
      usage: parseUsageProfile(
        "sagemakerServerless:\n  - { resource: ep-sl, requests: 100000, averageDurationMs: 500 }\n",
        "inline",
      ),
    });
    // 100,000 x 0.5 s x 2 GB = 100,000 GB-s x $0.00002.
    expect(only(used, "ep-sl").lines.map((l) => [l.quantity, l.monthlyUsd])).toEqual([["100000", "2"]]);
    expect(only(used, "ep").lines.map((l) => l.monthlyUsd)).toEqual(["335.8"]);
  });

  it("prices seed §2.2 training with managed spot at the seed's 70% saving (§7.1)", () => {
    const e = estimateCost([], {
      region: "ap-northeast-2",
      usage: parseUsageProfile(
        "sagemakerTraining:\n  - { instanceType: ml.p3.2xlarge, hours: 10, spot: true }\n  - { instanceType: ml.p3.2xlarge, hours: 10 }\n",
        "inline",
      ),
    });
    // 10 h x $4.19 = $41.90 on demand; with spot, $12.57.
    expect(e.resources.map((r) => r.usageUsd)).toEqual(["12.57", "41.9"]);
  });
});

describe("free, unpriced and partly priced resources", () => {
  it("lists a type with neither a price nor a free entry as unpriced, never as $0", () => {
    const e = estimateCost(
      [
        planned("aws:iam/role:Role", "role", {}),
        planned("aws:neptune/cluster:Cluster", "db", { engine: "neptune" }),
      ],
      { region: "ap-northeast-2" },
    );
    expect(only(e, "role").status).toBe("free");
    expect(only(e, "role").reason).toMatch(/IAM/);
    expect(e.unpriced).toEqual([
      {
        urn: `${STACK}aws:neptune/cluster:Cluster::db`,
        name: "db",
        type: "aws:neptune/cluster:Cluster",
        reason:
          "no price rule for aws:neptune/cluster:Cluster (components/catalog/cost/rules.ts) and not listed as free (components/catalog/pricing/free.json)",
      },
    ]);
    expect(e.free).toEqual({ "aws:iam/role:Role": 1 });
  });

  it("marks a resource partly priced when one of its charges has no price in the region", () => {
    const e = estimateCost(
      [
        planned("aws:sagemaker/notebookInstance:NotebookInstance", "nb", {
          instanceType: "ml.t3.medium",
          volumeSize: 5,
        }),
      ],
      { region: "ap-northeast-2" },
    );
    const nb = only(e, "nb");
    expect(nb.status).toBe("partial");
    expect(nb.fixedUsd).toBe("36.5");
    expect(nb.missing).toEqual([
      {
        key: "sagemaker.mlStorage",
        why: "no SageMaker ML storage (notebook volumes) price in ap-northeast-2",
      },
    ]);
    expect(e.unpriced.map((u) => u.name)).toEqual(["nb"]);
  });

  it("treats a remote component without a rule or visible children as unpriced, and one with children as a component", () => {
    const api = planned("aws-apigateway:index:RestAPI", "api", {}, { custom: false, remote: true });
    expect(estimateCost([api], { region: "us-east-1" }).unpriced.map((u) => u.reason)).toEqual([
      "a remote component whose children are not visible offline, so what it creates is not priced (no price rule for aws-apigateway:index:RestAPI in components/catalog/cost/rules.ts)",
    ]);
    const vpc = planned("awsx:ec2:Vpc", "vpc", {}, { custom: false, remote: true });
    const nat = planned("aws:ec2/natGateway:NatGateway", "vpc-nat", {}, { parent: vpc.urn });
    const withChildren = estimateCost([vpc, nat], { region: "us-east-1" });
    expect(withChildren.resources.map((r) => r.name)).toEqual(["vpc-nat"]);
    expect(withChildren.components).toMatchObject([
      { key: vpc.urn, name: "vpc", type: "awsx:ec2:Vpc", fixedUsd: "32.85" },
    ]);
  });

  it("does not price eks.Cluster when a preview shows its aws:eks/cluster:Cluster child (no double count)", () => {
    const cluster = planned("eks:index:Cluster", "ml", {}, { custom: false });
    const child = planned("aws:eks/cluster:Cluster", "ml-eksCluster", {}, { parent: cluster.urn });
    const e = estimateCost([cluster, child], { region: "us-east-1" });
    expect(e.resources.map((r) => [r.name, r.fixedUsd])).toEqual([["ml-eksCluster", "73"]]);
  });
});

describe("usage profiles", () => {
  it("applies the first entry whose glob matches a resource, per resource, and warns about entries that match nothing", () => {
    const usage = parseUsageProfile(
      [
        "s3:",
        '  - { resource: "*-data", storageGb: { STANDARD: 100, GLACIER: 1000 } }',
        '  - { resource: "*", storageGb: { STANDARD: 1 } }',
        '  - { resource: "*-logs", storageGb: { DEEP_ARCHIVE: 1 } }',
        "athena:",
        "  - { tbScanned: 2 }",
      ].join("\n"),
      "inline",
    );
    const e = estimateCost(
      [planned("aws:s3/bucket:Bucket", "lake-data", {}), planned("aws:s3/bucket:Bucket", "lake-logs", {})],
      { region: "ap-northeast-2", usage, usageSource: "inline" },
    );
    // 100 x $0.025 + 1,000 x $0.0045; 1 x $0.025.
    expect(e.resources.map((r) => [r.name, r.usageUsd])).toEqual([
      ["lake-data", "7"],
      ["lake-logs", "0.025"],
    ]);
    expect(e.warnings).toEqual([
      'usage s3[2]: every aws:s3/bucket:Bucket or aws:s3/bucketV2:BucketV2 that "*-logs" matches is taken by an earlier entry; not counted',
      'usage athena[0]: "*" matches no aws:athena/workgroup:Workgroup of this stack; not counted',
    ]);
    expect(e.usageProfile).toBe("inline");
  });

  it("names every problem of a profile by its path, the value given and what is expected", () => {
    expect(
      usageProblems(
        [
          "version: 2",
          "lambdas: []",
          "lambda:",
          "  - { requests: -1, averageDurationMs: 100, memory: 512 }",
          "s3:",
          "  - { storageGb: { GLACIER_DEEP: 5 } }",
          "bedrock:",
          "  - { model: m, inputTokensPerRequest: 5 }",
        ].join("\n"),
      ),
    ).toEqual([
      "version: got 2, expected 1 (the only profile version)",
      "bedrock[0].requests: got nothing, expected the number of requests in the month (the per-request token counts multiply it)",
      "lambda[0].requests: got -1, expected a number of requests >= 0",
      "lambda[0].memory: got 512, expected no such key: known keys here are resource, requests, averageDurationMs",
      "s3[0].storageGb.GLACIER_DEEP: got 5, expected no such key: known keys here are STANDARD, INTELLIGENT_TIERING, STANDARD_IA, ONEZONE_IA, GLACIER_IR, GLACIER, DEEP_ARCHIVE",
      "lambdas: got [], expected no such key: known keys here are version, description, bedrock, bedrockGuardrails, lambda, s3, cloudwatchLogs, kms, sqs, sns, secretsManager, natGateways, vpcEndpoints, athena, glueJobs, glueCrawlers, emrServerless, stepFunctions, redshiftServerless, redshiftManagedStorage, sagemakerServerless, sagemakerTraining, sagemakerProcessing, eksNodes, ecr, scheduler, auroraServerless, auroraStorage, efs, dynamodb",
    ]);
    expect(usageProblems("lambda: [")[0]).toMatch(/^\(file\): got nothing, expected valid YAML or JSON: /);
  });

  it("accepts every example profile", () => {
    for (const file of fs.readdirSync(USAGE_DIR)) expect(() => usageFile(file)).not.toThrow();
  });
});

describe("roll-up and comparison", () => {
  const component = planned("mlplat:eks:MlCluster", "mlplat-dev-ml", {}, { custom: false });
  const stackOf = (name: string, desired: number) => {
    const c = {
      ...component,
      name: `mlplat-${name}-ml`,
      urn: `${STACK}mlplat:eks:MlCluster::mlplat-${name}-ml`,
    };
    return [
      c,
      planned("aws:kms/key:Key", `mlplat-${name}-ml-key`, {}, { parent: c.urn }),
      planned(
        "aws:eks/nodeGroup:NodeGroup",
        `mlplat-${name}-ml-system`,
        { instanceTypes: ["m5.large"], diskSize: 50, scalingConfig: { desiredSize: desired } },
        { parent: c.urn },
      ),
      planned("aws:kms/key:Key", `mlplat-${name}-loose-key`, {}),
    ];
  };

  it("sums each top-level component, and the resources directly under the stack", () => {
    const e = estimateCost(stackOf("dev", 1), { region: "ap-northeast-2" });
    expect(e.components.map((c) => [c.name, c.type, c.fixedUsd, c.resources])).toEqual([
      ["mlplat-dev-ml", "mlplat:eks:MlCluster", "91.7", 2],
      ["(stack)", "resources directly under the stack", "1", 1],
    ]);
  });

  it("lines up dev's and prod's components by name without the stack, and states the difference", () => {
    const dev = estimateCost(stackOf("dev", 1), { region: "ap-northeast-2" });
    const prod = estimateCost(stackOf("prod", 3), { region: "ap-northeast-2" });
    const diff = compareEstimates(
      { label: "dev", stack: "dev", estimate: dev },
      { label: "prod", stack: "prod", estimate: prod },
    );
    expect(diff.components.map((c) => [c.component, c.base?.totalUsd, c.head?.totalUsd, c.deltaUsd])).toEqual(
      [
        ["mlplat-<stack>-ml", "91.7", "273.1", "181.4"],
        ["(stack)", "1", "1", "0"],
      ],
    );
    expect(diff.delta).toEqual({ fixedUsd: "181.4", usageUsd: "0", totalUsd: "181.4" });
  });
});
