/**
 * How each priced resource type costs money: one rule per @pulumi/aws type token (and the remote EKS cluster
 * component), reading only the inputs a price needs. A type with no rule here is free (listed in
 * ../pricing/free.json) or unpriced. The prices themselves are data (../pricing/<region>.json).
 */
import { fromNumber, halve, mul, shift, type Decimal } from "../decimal";
import type { AssumptionKey, PriceKey } from "../pricing";
import type { Basis, PlannedResource, Rule, RuleContext } from "./estimate";
import type { UsageEntry } from "./usage";

const HOURS = fromNumber(730);
const ONE = fromNumber(1);

/** Every hour of the month, `count` times. */
function monthOf(count: number): Decimal {
  return mul(fromNumber(count), HOURS);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function whole(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** GB-seconds of `requests` runs of `durationMs` at `memoryMb`: requests × ms/1000 × MB/1024, exactly. */
function gbSeconds(requests: number, durationMs: number, memoryMb: number): Decimal {
  return halve(shift(mul(fromNumber(requests), fromNumber(durationMs), fromNumber(memoryMb)), 3), 10);
}

function noFixedCharge(ctx: RuleContext, usage: string): void {
  ctx.note(`no charge while idle; usage is priced from the usage profile's ${usage} section`);
}

const kmsKey: Rule = (ctx) => {
  ctx.charge("fixed", "KMS customer-managed key", "kms.key", undefined, ONE, "key-months");
  if (ctx.resource.inputs.enableKeyRotation === true) {
    ctx.note("each of the first two automatic rotations adds $1 a month (after one and two years)");
  }
  const use = ctx.usage("kms");
  if (use)
    ctx.charge("usage", "KMS API requests", "kms.requests", undefined, fromNumber(use.requests), "requests");
};

const natGateway: Rule = (ctx) => {
  ctx.charge("fixed", "NAT gateway", "vpc.natGateway", undefined, HOURS, "gateway-hours");
  const use = ctx.usage("natGateways");
  if (use) {
    ctx.charge(
      "usage",
      "data processed",
      "vpc.natGatewayData",
      undefined,
      fromNumber(use.dataProcessedGb),
      "GB",
    );
  }
};

const elasticIp: Rule = (ctx) => {
  ctx.charge(
    "fixed",
    "public IPv4 address (attached or idle)",
    "ec2.publicIpv4",
    undefined,
    HOURS,
    "address-hours",
  );
};

const vpcEndpoint: Rule = (ctx) => {
  const kind = text(ctx.resource.inputs.vpcEndpointType) ?? "Gateway";
  if (kind === "Gateway") {
    ctx.note("gateway endpoints (S3, DynamoDB) have no charge");
    return;
  }
  if (kind !== "Interface") {
    ctx.missing("vpc.gatewayLoadBalancerEndpoint", `${kind} endpoints are not in the catalog`);
    return;
  }
  const subnets = list(ctx.resource.inputs.subnetIds).length;
  if (subnets === 0) ctx.note("no subnetIds: priced for one Availability Zone");
  const zones = Math.max(1, subnets);
  ctx.charge(
    "fixed",
    `interface endpoint in ${zones} AZ${zones === 1 ? "" : "s"}`,
    "vpc.interfaceEndpoint",
    undefined,
    monthOf(zones),
    "endpoint-AZ-hours",
  );
  const use = ctx.usage("vpcEndpoints");
  if (use) {
    ctx.charge(
      "usage",
      "data processed",
      "vpc.interfaceEndpointData",
      undefined,
      fromNumber(use.dataProcessedGb),
      "GB",
    );
  }
};

const eksControlPlane: Rule = (ctx) => {
  ctx.charge("fixed", "EKS control plane", "eks.cluster", undefined, HOURS, "cluster-hours");
};

/**
 * A remote component (@pulumi/eks, @pulumi/awsx) is one resource offline, priced here from its inputs; in a
 * real preview its children appear and are priced themselves: the component is then only their container.
 */
function childrenVisible(ctx: RuleContext): boolean {
  if (ctx.descendants(ctx.resource.urn).length === 0) return false;
  ctx.asComponent();
  return true;
}

/** The nodes of a node group, read from whichever shape declares them. */
interface Nodes {
  readonly desired: number;
  /** How the inputs name the desired size, for the note of a group at zero. */
  readonly desiredField: string;
  readonly max: number | undefined;
  readonly types: readonly string[];
  readonly spot: boolean;
  /** The nodes' volume; `launchTemplate` when a launch template this estimate does not read sets it. */
  readonly volume: { size: number; type: string; assumedType: boolean } | "launchTemplate";
}

/** EC2 instances at the desired size, all month (spot at the on-demand price less the assumed saving), and their volumes. */
function nodeCharges(ctx: RuleContext, nodes: Nodes): void {
  const type = nodes.types[0] ?? "t3.medium";
  if (nodes.desired === 0) {
    ctx.note(
      `${nodes.desiredField} 0: no nodes run until it scales out (up to ${nodes.max ?? "?"}); ` +
        "price scaled-out node hours in the usage profile's eksNodes section",
    );
    return;
  }
  if (nodes.types.length > 1) ctx.note(`priced as ${type}, the first of ${nodes.types.join(", ")}`);
  ctx.charge(
    "fixed",
    `${nodes.desired} x ${type} ${nodes.spot ? "spot (on-demand price less the assumed spot saving)" : "on-demand"} at desired size`,
    "ec2.instance",
    type,
    monthOf(nodes.desired),
    "instance-hours",
    nodes.spot ? "ec2.spotSaving" : undefined,
  );
  if (nodes.volume === "launchTemplate") {
    ctx.missing(
      "ec2.ebsVolume",
      "the nodes' volumes come from a launch template this estimate does not read",
    );
    return;
  }
  const { size, type: volumeType, assumedType } = nodes.volume;
  ctx.charge(
    "fixed",
    `${nodes.desired} x ${size} GB node volume (${assumedType ? `assumed ${volumeType}` : volumeType})`,
    "ec2.ebsVolume",
    volumeType,
    fromNumber(nodes.desired * size),
    "GB-months",
  );
}

/** aws.eks.NodeGroup, and eks.ManagedNodeGroup with @pulumi/eks's defaults (t3.medium, 2 nodes). */
function managedNodes(inputs: Readonly<Record<string, unknown>>, eksDefaults: boolean): Nodes {
  const scaling = record(inputs.scalingConfig);
  const types = list(inputs.instanceTypes).filter((t): t is string => typeof t === "string");
  return {
    desired: whole(scaling.desiredSize) ?? (eksDefaults ? 2 : 0),
    desiredField: "desiredSize",
    max: whole(scaling.maxSize) ?? (eksDefaults ? 2 : undefined),
    types,
    spot: inputs.capacityType === "SPOT",
    volume:
      inputs.launchTemplate !== undefined
        ? "launchTemplate"
        : { size: whole(inputs.diskSize) ?? 20, type: "gp3", assumedType: true },
  };
}

/**
 * eks.NodeGroupV2, eks.NodeGroup and eks.Cluster's default node group: instanceType (t3.medium),
 * desiredCapacity (2), a spotPrice for spot, root volumes of nodeRootVolumeSize (20 GB) and
 * nodeRootVolumeType (gp2), as @pulumi/eks defaults them.
 */
function selfManagedNodes(inputs: Readonly<Record<string, unknown>>): Nodes {
  const spotPrice = inputs.spotPrice;
  return {
    desired: whole(inputs.desiredCapacity) ?? 2,
    desiredField: "desiredCapacity",
    max: whole(inputs.maxSize) ?? 2,
    types: [text(inputs.instanceType) ?? "t3.medium"],
    spot: spotPrice !== undefined && spotPrice !== null && spotPrice !== "",
    volume: {
      size: whole(inputs.nodeRootVolumeSize) ?? 20,
      type: text(inputs.nodeRootVolumeType) ?? "gp2",
      assumedType: false,
    },
  };
}

/**
 * The remote `eks.Cluster` component: offline it is one resource, priced as its control plane and its default
 * node group (unless skipped, or replaced by Fargate or EKS Auto Mode); in a real preview its children appear.
 */
const eksClusterComponent: Rule = (ctx) => {
  if (childrenVisible(ctx)) return;
  eksControlPlane(ctx);
  const inputs = ctx.resource.inputs;
  const fargate = inputs.fargate === true || isRecord(inputs.fargate);
  const autoMode = record(inputs.autoMode).enabled === true;
  if (autoMode) {
    ctx.missing(
      "eks.autoMode",
      "EKS Auto Mode's per-instance management fee and the nodes it launches are not priced (give node hours in the eksNodes section)",
    );
  }
  if (fargate) ctx.note("Fargate pods are not priced: their vCPU and memory hours are usage");
  const skip =
    inputs.skipDefaultNodeGroup === true || (inputs.skipDefaultNodeGroup !== false && (fargate || autoMode));
  if (skip) return;
  // nodeGroupOptions and the cluster's own node group settings are mutually exclusive in @pulumi/eks.
  const options = isRecord(inputs.nodeGroupOptions) ? inputs.nodeGroupOptions : inputs;
  ctx.note("includes the default node group (skipDefaultNodeGroup is not set)");
  nodeCharges(ctx, selfManagedNodes(options));
};

const nodeGroup: Rule = (ctx) => {
  nodeCharges(ctx, managedNodes(ctx.resource.inputs, false));
};

/** eks.ManagedNodeGroup: an aws.eks.NodeGroup with @pulumi/eks's defaults. */
const eksManagedNodeGroup: Rule = (ctx) => {
  if (childrenVisible(ctx)) return;
  nodeCharges(ctx, managedNodes(ctx.resource.inputs, true));
};

/** eks.NodeGroupV2 and eks.NodeGroup: a self-managed Auto Scaling group of nodes. */
const eksSelfManagedNodeGroup: Rule = (ctx) => {
  if (childrenVisible(ctx)) return;
  nodeCharges(ctx, selfManagedNodes(ctx.resource.inputs));
};

/** awsx's default subnets (a public and a private subnet per zone) get one NAT gateway per zone. */
function natStrategy(inputs: Readonly<Record<string, unknown>>): { strategy: string; defaulted: boolean } {
  const given = text(record(inputs.natGateways).strategy);
  if (given !== undefined) return { strategy: given, defaulted: false };
  const specs = list(inputs.subnetSpecs).map((s) => text(record(s).type));
  const both = specs.length === 0 || (specs.includes("Public") && specs.includes("Private"));
  return { strategy: both ? "OnePerAz" : "None", defaulted: true };
}

/**
 * awsx.ec2.Vpc: its NAT gateways (natGateways.strategy; awsx's default is one per zone when the VPC has both
 * public and private subnets, which its default subnets are) with their public IPv4 addresses, and its
 * interface endpoints per zone. Subnets, route tables and the internet gateway have no charge. Zones:
 * availabilityZoneNames, else numberOfAvailabilityZones, else awsx's default of the region's first 3.
 */
const awsxVpc: Rule = (ctx) => {
  if (childrenVisible(ctx)) return;
  const inputs = ctx.resource.inputs;
  const names = list(inputs.availabilityZoneNames).filter((n) => typeof n === "string").length;
  const zones = names > 0 ? names : (whole(inputs.numberOfAvailabilityZones) ?? 3);
  if (names === 0 && whole(inputs.numberOfAvailabilityZones) === undefined) {
    ctx.note("no availabilityZoneNames or numberOfAvailabilityZones: awsx's default, 3 Availability Zones");
  }
  const { strategy, defaulted } = natStrategy(inputs);
  const gateways = strategy === "OnePerAz" ? zones : strategy === "Single" ? 1 : 0;
  const how = `${strategy}${defaulted ? ", awsx's default for public and private subnets" : ""}`;
  if (strategy !== "None" && strategy !== "Single" && strategy !== "OnePerAz") {
    ctx.missing("vpc.natGateway", `natGateways.strategy ${JSON.stringify(strategy)} is not one awsx knows`);
  } else if (gateways === 0) {
    ctx.note(`no NAT gateways (${how})`);
  } else {
    const plural = gateways === 1 ? "" : "s";
    ctx.charge(
      "fixed",
      `${gateways} NAT gateway${plural} (${how})`,
      "vpc.natGateway",
      undefined,
      monthOf(gateways),
      "gateway-hours",
    );
    if (list(record(inputs.natGateways).elasticIpAllocationIds).length > 0) {
      ctx.note(
        "the NAT gateways use the Elastic IPs given (elasticIpAllocationIds), priced where they are declared",
      );
    } else {
      ctx.charge(
        "fixed",
        `${gateways} Elastic IP address${gateways === 1 ? "" : "es"} of the NAT gateway${plural}`,
        "ec2.publicIpv4",
        undefined,
        monthOf(gateways),
        "address-hours",
      );
    }
    ctx.note(
      "data processed by the NAT gateways is not priced here (the natGateways usage section prices aws.ec2.NatGateway)",
    );
  }
  for (const raw of list(inputs.vpcEndpointSpecs)) {
    const spec = record(raw);
    const kind = text(spec.vpcEndpointType) ?? "Gateway";
    const service = text(spec.serviceName) ?? "endpoint";
    if (kind === "Gateway") continue;
    if (kind !== "Interface") {
      ctx.missing("vpc.gatewayLoadBalancerEndpoint", `${service}: ${kind} endpoints are not in the catalog`);
      continue;
    }
    const subnets = list(spec.subnetIds).length;
    if (subnets === 0) ctx.note(`${service}: no subnetIds: priced in each of the VPC's ${zones} zones`);
    const count = subnets > 0 ? subnets : zones;
    ctx.charge(
      "fixed",
      `${service}: interface endpoint in ${count} AZ${count === 1 ? "" : "s"}`,
      "vpc.interfaceEndpoint",
      undefined,
      monthOf(count),
      "endpoint-AZ-hours",
    );
  }
};

/** Fargate's task sizes (vCPU, GB), cheapest first, as awsx orders them to size a task from its containers. */
const FARGATE_SIZES: readonly { vcpu: number; gb: number }[] = [
  ...[0.5, 1, 2].map((gb) => ({ vcpu: 0.25, gb })),
  ...range(1, 4).map((gb) => ({ vcpu: 0.5, gb })),
  ...range(2, 8).map((gb) => ({ vcpu: 1, gb })),
  ...range(4, 16).map((gb) => ({ vcpu: 2, gb })),
  ...range(8, 30).map((gb) => ({ vcpu: 4, gb })),
  ...range(16, 60).map((gb) => ({ vcpu: 8, gb })),
  ...range(32, 120).map((gb) => ({ vcpu: 16, gb })),
].sort((a, b) => 0.04048 * a.vcpu + 0.004445 * a.gb - (0.04048 * b.vcpu + 0.004445 * b.gb));

function range(low: number, high: number): number[] {
  return Array.from({ length: high - low + 1 }, (_, i) => low + i);
}

/** A task size as ECS takes it: CPU units ("1024") or "1 vCPU"; memory MiB ("2048") or "2 GB". */
function taskSize(value: unknown, unit: "vCPU" | "GB"): number | undefined {
  const raw = typeof value === "number" ? String(value) : text(value);
  if (raw === undefined) return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)?\s*$/i.exec(raw);
  if (match === null) return undefined;
  const n = Number(match[1]);
  if (match[2] === undefined) return n / 1024;
  return match[2].toLowerCase() === unit.toLowerCase() ? n : undefined;
}

/**
 * The vCPU and GB of an awsx Fargate task: the task's cpu and memory, else what awsx computes from its
 * containers (their cpu units and memoryReservation or memory, summed; the cheapest Fargate size that holds
 * them).
 */
function fargateTask(task: Record<string, unknown>): { vcpu: number; gb: number; computed: boolean } {
  const containers = [
    ...(task.container === undefined ? [] : [record(task.container)]),
    ...Object.values(record(task.containers)).map(record),
  ];
  const cpu = containers.reduce((n, c) => n + (whole(c.cpu) ?? 0), 0) / 1024;
  const memory =
    containers.reduce((n, c) => n + (whole(c.memoryReservation) ?? whole(c.memory) ?? 0), 0) / 1024;
  const fit = FARGATE_SIZES.find((s) => s.vcpu >= cpu && s.gb >= memory);
  const vcpu = taskSize(task.cpu, "vCPU");
  const gb = taskSize(task.memory, "GB");
  return {
    vcpu: vcpu ?? fit?.vcpu ?? cpu,
    gb: gb ?? fit?.gb ?? memory,
    computed: vcpu === undefined || gb === undefined,
  };
}

/** awsx.ecs.FargateService: its tasks' vCPU and memory, desiredCount tasks (1 by default) all month. */
const awsxFargateService: Rule = (ctx) => {
  if (childrenVisible(ctx)) return;
  const inputs = ctx.resource.inputs;
  if (inputs.taskDefinitionArgs === undefined) {
    ctx.missing(
      "ecs.fargateVcpu",
      "the task definition is given by ARN (taskDefinition): its cpu and memory are not visible here",
    );
    return;
  }
  const task = record(inputs.taskDefinitionArgs);
  const count = whole(inputs.desiredCount) ?? 1;
  if (count === 0) {
    ctx.note("desiredCount 0: no tasks run");
    return;
  }
  const { vcpu, gb, computed } = fargateTask(task);
  if (computed) ctx.note(`task size ${vcpu} vCPU, ${gb} GB: computed from the containers as awsx does`);
  if (text(record(task.runtimePlatform).cpuArchitecture) === "ARM64") {
    ctx.note("ARM64 tasks cost about 20% less than the x86_64 rate priced here");
  }
  if (list(inputs.capacityProviderStrategies).some((s) => record(s).capacityProvider === "FARGATE_SPOT")) {
    ctx.note("FARGATE_SPOT tasks cost less than the on-demand rate priced here");
  }
  const tasks = `${count} task${count === 1 ? "" : "s"}`;
  ctx.charge(
    "fixed",
    `${tasks} x ${vcpu} vCPU`,
    "ecs.fargateVcpu",
    undefined,
    mul(fromNumber(count), fromNumber(vcpu), HOURS),
    "vCPU-hours",
  );
  ctx.charge(
    "fixed",
    `${tasks} x ${gb} GB`,
    "ecs.fargateMemory",
    undefined,
    mul(fromNumber(count), fromNumber(gb), HOURS),
    "GB-hours",
  );
  if ((whole(record(task.ephemeralStorage).sizeInGib) ?? 20) > 20) {
    ctx.missing("ecs.fargateStorage", "ephemeral storage above the free 20 GB is not in the catalog");
  }
};

/** An Application Load Balancer by the hour; its capacity units (LCUs) depend on traffic. */
function applicationLoadBalancerCharges(ctx: RuleContext): void {
  ctx.charge(
    "fixed",
    "Application Load Balancer",
    "elb.applicationLoadBalancer",
    undefined,
    HOURS,
    "LB-hours",
  );
  const lcu = ctx.pricing.price("elb.lcu");
  ctx.note(
    "load balancer capacity units (LCUs: new and active connections, bytes processed, rule evaluations) are not " +
      `priced: each LCU-hour costs ${lcu === undefined ? "a price this region's file lacks" : `$${lcu.usd}`}`,
  );
}

/** aws.lb.LoadBalancer: Application Load Balancers (the default type); other types are not in the catalog. */
const loadBalancer: Rule = (ctx) => {
  const kind = text(ctx.resource.inputs.loadBalancerType) ?? "application";
  if (kind !== "application") {
    ctx.missing("elb.loadBalancer", `${kind} load balancers are not in the catalog`);
    return;
  }
  applicationLoadBalancerCharges(ctx);
};

/** awsx.lb.ApplicationLoadBalancer: one Application Load Balancer (its listeners and target groups are free). */
const awsxApplicationLoadBalancer: Rule = (ctx) => {
  if (childrenVisible(ctx)) return;
  applicationLoadBalancerCharges(ctx);
};

const ec2Instance: Rule = (ctx) => {
  const inputs = ctx.resource.inputs;
  const type = text(inputs.instanceType);
  if (type === undefined) {
    ctx.missing("ec2.instance", "instanceType is not set (it comes from a launch template)");
    return;
  }
  const spot = text(record(inputs.instanceMarketOptions).marketType) === "spot";
  ctx.charge(
    "fixed",
    `${type} ${spot ? "spot" : "on-demand"}`,
    "ec2.instance",
    type,
    HOURS,
    "instance-hours",
    spot ? "ec2.spotSaving" : undefined,
  );
  const root = record(inputs.rootBlockDevice);
  const rootSize = whole(root.volumeSize);
  if (rootSize === undefined) ctx.note("root volume size comes from the AMI: priced as 8 GB gp3");
  const volumes = [
    { size: rootSize ?? 8, type: text(root.volumeType) ?? "gp3" },
    ...list(inputs.ebsBlockDevices).map((d) => ({
      size: whole(record(d).volumeSize) ?? 0,
      type: text(record(d).volumeType) ?? "gp3",
    })),
  ];
  for (const v of volumes) {
    ctx.charge(
      "fixed",
      `${v.size} GB ${v.type} volume`,
      "ec2.ebsVolume",
      v.type,
      fromNumber(v.size),
      "GB-months",
    );
  }
};

const ebsVolume: Rule = (ctx) => {
  const inputs = ctx.resource.inputs;
  const type = text(inputs.type) ?? "gp2";
  const size = whole(inputs.size);
  if (size === undefined) {
    ctx.missing("ec2.ebsVolume", "size is not set (it comes from a snapshot)");
    return;
  }
  ctx.charge("fixed", `${size} GB ${type} volume`, "ec2.ebsVolume", type, fromNumber(size), "GB-months");
  if ((whole(inputs.iops) ?? 0) > 3000 || (whole(inputs.throughput) ?? 0) > 125) {
    ctx.missing(
      "ec2.ebsVolume",
      "provisioned IOPS or throughput above the gp3 baseline is not in the catalog",
    );
  }
};

/** The endpoint configuration an endpoint uses: through its property dependency, else by name. */
function endpointConfigOf(ctx: RuleContext): PlannedResource | undefined {
  const CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
  for (const urn of ctx.resource.propertyDependencies?.endpointConfigName ?? []) {
    const found = ctx.resources.get(urn);
    if (found?.type === CONFIG) return found;
  }
  const name = ctx.resource.inputs.endpointConfigName;
  return [...ctx.resources.values()].find((r) => r.type === CONFIG && r.inputs.name === name);
}

const sagemakerEndpoint: Rule = (ctx) => {
  const config = endpointConfigOf(ctx);
  if (config === undefined) {
    ctx.missing("sagemaker.hosting", "its endpoint configuration is not declared in this stack");
    return;
  }
  const variants = [
    ...list(config.inputs.productionVariants),
    ...list(config.inputs.shadowProductionVariants),
  ];
  for (const raw of variants) {
    const variant = record(raw);
    const name = text(variant.variantName) ?? "variant";
    const serverless = variant.serverlessConfig === undefined ? undefined : record(variant.serverlessConfig);
    if (serverless !== undefined) {
      if (whole(serverless.provisionedConcurrency) !== undefined) {
        ctx.missing(
          "sagemaker.serverlessProvisionedConcurrency",
          "provisioned concurrency is not in the catalog",
        );
      }
      const use = ctx.usage("sagemakerServerless");
      if (use === undefined) {
        ctx.note(
          `${name}: serverless, no charge while idle; usage is priced from the sagemakerServerless section`,
        );
        continue;
      }
      const memory = whole(serverless.memorySizeInMb) ?? 2048;
      ctx.charge(
        "usage",
        `${name}: ${use.requests} requests x ${use.averageDurationMs} ms at ${memory} MB`,
        "sagemaker.serverlessInference",
        undefined,
        gbSeconds(use.requests, use.averageDurationMs, memory),
        "GB-seconds",
      );
      continue;
    }
    const type = text(variant.instanceType);
    const count = whole(variant.initialInstanceCount) ?? 1;
    if (type === undefined) {
      ctx.missing("sagemaker.hosting", `${name}: no instanceType`);
      continue;
    }
    ctx.charge(
      "fixed",
      `${name}: ${count} x ${type} at the initial instance count (autoscaling adds hours above it)`,
      "sagemaker.hosting",
      type,
      monthOf(count),
      "instance-hours",
    );
  }
};

const notebookInstance: Rule = (ctx) => {
  const inputs = ctx.resource.inputs;
  const type = text(inputs.instanceType) ?? "ml.t3.medium";
  ctx.charge(
    "fixed",
    `${type} running all month (stop it, or auto-stop idle notebooks with a lifecycle config, to pay less)`,
    "sagemaker.notebook",
    type,
    HOURS,
    "instance-hours",
  );
  const volume = whole(inputs.volumeSize) ?? 5;
  ctx.charge(
    "fixed",
    `${volume} GB ML storage volume`,
    "sagemaker.mlStorage",
    undefined,
    fromNumber(volume),
    "GB-months",
  );
};

/** Secrets Manager keeps a managed admin password as a secret of its own, which the stack never declares. */
function managedPasswordSecret(ctx: RuleContext, flag: string): void {
  if (ctx.resource.inputs[flag] !== true) return;
  ctx.charge(
    "fixed",
    `the secret ${flag} creates in Secrets Manager`,
    "secretsmanager.secret",
    undefined,
    ONE,
    "secret-months",
  );
}

const redshiftCluster: Rule = (ctx) => {
  const inputs = ctx.resource.inputs;
  const nodeType = text(inputs.nodeType);
  const nodes = inputs.clusterType === "single-node" ? 1 : (whole(inputs.numberOfNodes) ?? 1);
  if (nodeType === undefined) {
    ctx.missing("redshift.node", "no nodeType");
  } else {
    ctx.charge(
      "fixed",
      `${nodes} x ${nodeType} node${nodes === 1 ? "" : "s"}`,
      "redshift.node",
      nodeType,
      monthOf(nodes),
      "node-hours",
    );
  }
  managedPasswordSecret(ctx, "manageMasterPassword");
  const use = ctx.usage("redshiftManagedStorage");
  if (use && nodeType?.startsWith("ra3")) {
    ctx.charge(
      "usage",
      "managed storage",
      "redshift.managedStorage",
      undefined,
      fromNumber(use.storageGb),
      "GB-months",
    );
  }
};

const redshiftServerlessWorkgroup: Rule = (ctx) => {
  const baseCapacity = whole(ctx.resource.inputs.baseCapacity) ?? 128;
  const use = ctx.usage("redshiftServerless");
  if (use === undefined) {
    ctx.note(
      `no charge while idle; queries bill ${baseCapacity} base RPUs per second (60 s minimum): give rpuHours in the redshiftServerless section`,
    );
    return;
  }
  ctx.charge(
    "usage",
    `compute (base capacity ${baseCapacity} RPUs)`,
    "redshift.serverlessRpu",
    undefined,
    fromNumber(use.rpuHours),
    "RPU-hours",
  );
};

const redshiftServerlessNamespace: Rule = (ctx) => {
  managedPasswordSecret(ctx, "manageAdminPassword");
  const use = ctx.usage("redshiftManagedStorage");
  if (use === undefined) {
    noFixedCharge(ctx, "redshiftManagedStorage");
    return;
  }
  ctx.charge(
    "usage",
    "managed storage",
    "redshift.managedStorage",
    undefined,
    fromNumber(use.storageGb),
    "GB-months",
  );
};

const athenaWorkgroup: Rule = (ctx) => {
  const use = ctx.usage("athena");
  if (use === undefined) {
    noFixedCharge(ctx, "athena");
    return;
  }
  ctx.charge(
    "usage",
    "data scanned by queries",
    "athena.dataScanned",
    undefined,
    fromNumber(use.tbScanned),
    "TB",
  );
};

const glueJob: Rule = (ctx) => {
  if (ctx.resource.inputs.executionClass === "FLEX")
    ctx.note("FLEX runs cost less than the standard rate priced here");
  const use = ctx.usage("glueJobs");
  if (use === undefined) {
    noFixedCharge(ctx, "glueJobs");
    return;
  }
  ctx.charge("usage", "job runs", "glue.etlJob", undefined, fromNumber(use.dpuHours), "DPU-hours");
};

const glueCrawler: Rule = (ctx) => {
  const use = ctx.usage("glueCrawlers");
  if (use === undefined) {
    noFixedCharge(ctx, "glueCrawlers");
    return;
  }
  ctx.charge("usage", "crawler runs", "glue.crawler", undefined, fromNumber(use.dpuHours), "DPU-hours");
};

/** EMR Serverless bills the workers' vCPU, memory and extra storage while they run; nothing while stopped. */
const emrServerlessApplication: Rule = (ctx) => {
  const inputs = ctx.resource.inputs;
  if (list(inputs.initialCapacities).length > 0) {
    ctx.note(
      "pre-initialized capacity bills while the application is started: add its hours to the usage profile",
    );
  }
  if (record(inputs.autoStopConfiguration).enabled === false) {
    ctx.note("auto-stop is off: a started application bills its pre-initialized capacity until stopped");
  }
  if (text(inputs.architecture) === "ARM64")
    ctx.note("ARM64 workers cost about 20% less than the x86_64 rate priced here");
  const use = ctx.usage("emrServerless");
  if (use === undefined) {
    noFixedCharge(ctx, "emrServerless");
    return;
  }
  ctx.charge(
    "usage",
    "worker vCPU",
    "emr.serverlessVcpu",
    undefined,
    fromNumber(use.vcpuHours),
    "vCPU-hours",
  );
  ctx.charge(
    "usage",
    "worker memory",
    "emr.serverlessMemory",
    undefined,
    fromNumber(use.memoryGbHours),
    "GB-hours",
  );
  if (use.storageGbHours !== undefined) {
    ctx.charge(
      "usage",
      "worker storage above 20 GB",
      "emr.serverlessStorage",
      undefined,
      fromNumber(use.storageGbHours),
      "GB-hours",
    );
  }
};

/**
 * An Auto Scaling group: its desired instances, every hour, at the first instance type of a mixed instances
 * policy; spot when the policy runs no on-demand capacity. Scaled-out hours are usage (the profile's eksNodes
 * section prices EC2 instance-hours of any group).
 */
const autoScalingGroup: Rule = (ctx) => {
  const inputs = ctx.resource.inputs;
  const desired = whole(inputs.desiredCapacity) ?? whole(inputs.minSize) ?? 0;
  if (desired === 0) {
    ctx.note(
      `desiredCapacity 0: no instances run until it scales out (up to ${whole(inputs.maxSize) ?? "?"}); ` +
        "price scaled-out instance hours in the usage profile's eksNodes section",
    );
    return;
  }
  const policy = record(inputs.mixedInstancesPolicy);
  const overrides = list(record(policy.launchTemplate).overrides);
  const type = text(record(overrides[0]).instanceType);
  if (type === undefined) {
    ctx.missing("ec2.instance", "the instance type comes from a launch template this estimate does not read");
    return;
  }
  const distribution = record(policy.instancesDistribution);
  const spot =
    (whole(distribution.onDemandBaseCapacity) ?? 0) === 0 &&
    whole(distribution.onDemandPercentageAboveBaseCapacity) === 0;
  ctx.charge(
    "fixed",
    `${desired} x ${type} ${spot ? "spot (on-demand price less the assumed spot saving)" : "on-demand"} at desired capacity`,
    "ec2.instance",
    type,
    monthOf(desired),
    "instance-hours",
    spot ? "ec2.spotSaving" : undefined,
  );
  ctx.missing(
    "ec2.ebsVolume",
    "the instances' volumes come from a launch template this estimate does not read",
  );
};

const stateMachine: Rule = (ctx) => {
  const express = ctx.resource.inputs.type === "EXPRESS";
  const use = ctx.usage("stepFunctions");
  if (use === undefined) {
    noFixedCharge(ctx, "stepFunctions");
    return;
  }
  if (!express) {
    ctx.charge(
      "usage",
      "Standard workflow state transitions",
      "sfn.standardTransitions",
      undefined,
      fromNumber(use.stateTransitions ?? 0),
      "state transitions",
    );
    return;
  }
  const requests = use.requests ?? 0;
  // Express bills memory in 64 MB steps.
  const memory = Math.ceil((use.memoryMb ?? 64) / 64) * 64;
  ctx.charge(
    "usage",
    "Express workflow requests",
    "sfn.expressRequests",
    undefined,
    fromNumber(requests),
    "requests",
  );
  ctx.charge(
    "usage",
    `Express duration: ${requests} x ${use.averageDurationMs ?? 0} ms at ${memory} MB`,
    "sfn.expressDuration",
    undefined,
    gbSeconds(requests, use.averageDurationMs ?? 0, memory),
    "GB-seconds",
  );
};

const lambdaFunction: Rule = (ctx) => {
  const inputs = ctx.resource.inputs;
  const use = ctx.usage("lambda");
  if (use === undefined) {
    noFixedCharge(ctx, "lambda");
    return;
  }
  const memory = whole(inputs.memorySize) ?? 128;
  const arch = text(list(inputs.architectures)[0]) ?? "x86_64";
  ctx.charge("usage", "requests", "lambda.requests", undefined, fromNumber(use.requests), "requests");
  ctx.charge(
    "usage",
    `duration: ${use.requests} x ${use.averageDurationMs} ms at ${memory} MB (${arch})`,
    "lambda.duration",
    arch,
    gbSeconds(use.requests, use.averageDurationMs, memory),
    "GB-seconds",
  );
  if ((whole(record(inputs.ephemeralStorage).size) ?? 512) > 512) {
    ctx.missing("lambda.ephemeralStorage", "ephemeral storage above 512 MB is not in the catalog");
  }
};

const logGroup: Rule = (ctx) => {
  if (ctx.resource.inputs.logGroupClass === "INFREQUENT_ACCESS") {
    ctx.note("Infrequent Access class: ingestion costs less than the standard rate priced here");
  }
  const use = ctx.usage("cloudwatchLogs");
  if (use === undefined) {
    ctx.note(
      "the group itself has no charge; ingestion and storage are priced from the cloudwatchLogs section",
    );
    return;
  }
  if (use.ingestedGb !== undefined) {
    ctx.charge("usage", "ingestion", "logs.ingestion", undefined, fromNumber(use.ingestedGb), "GB");
  }
  if (use.storedGb !== undefined) {
    ctx.charge("usage", "storage", "logs.storage", undefined, fromNumber(use.storedGb), "GB-months");
  }
};

const bucket: Rule = (ctx) => {
  const use = ctx.usage("s3");
  if (use === undefined) {
    noFixedCharge(ctx, "s3");
    return;
  }
  for (const [storageClass, gb] of Object.entries(use.storageGb ?? {})) {
    ctx.charge("usage", `${storageClass} storage`, "s3.storage", storageClass, fromNumber(gb), "GB-months");
    if (storageClass === "INTELLIGENT_TIERING") {
      ctx.note(
        "Intelligent-Tiering is priced at its frequent-access tier, without the per-object monitoring fee",
      );
    }
  }
  if (use.putRequests !== undefined) {
    ctx.charge(
      "usage",
      "PUT, COPY, POST, LIST requests",
      "s3.requests",
      "PUT",
      fromNumber(use.putRequests),
      "requests",
    );
  }
  if (use.getRequests !== undefined) {
    ctx.charge(
      "usage",
      "GET and other requests",
      "s3.requests",
      "GET",
      fromNumber(use.getRequests),
      "requests",
    );
  }
};

const queue: Rule = (ctx) => {
  const kind = ctx.resource.inputs.fifoQueue === true ? "fifo" : "standard";
  const use = ctx.usage("sqs");
  if (use === undefined) {
    noFixedCharge(ctx, "sqs");
    return;
  }
  ctx.charge("usage", `${kind} queue requests`, "sqs.requests", kind, fromNumber(use.requests), "requests");
};

const topic: Rule = (ctx) => {
  const use = ctx.usage("sns");
  if (use === undefined) {
    noFixedCharge(ctx, "sns");
    return;
  }
  if (use.publishes !== undefined) {
    ctx.charge("usage", "publishes", "sns.requests", undefined, fromNumber(use.publishes), "requests");
  }
  if (use.emailNotifications !== undefined) {
    ctx.charge(
      "usage",
      "email notifications",
      "sns.email",
      undefined,
      fromNumber(use.emailNotifications),
      "notifications",
    );
  }
};

const secret: Rule = (ctx) => {
  ctx.charge("fixed", "secret", "secretsmanager.secret", undefined, ONE, "secret-months");
  const use = ctx.usage("secretsManager");
  if (use)
    ctx.charge(
      "usage",
      "API calls",
      "secretsmanager.apiCalls",
      undefined,
      fromNumber(use.apiCalls),
      "API calls",
    );
};

const metricAlarm: Rule = (ctx) => {
  const queries = list(ctx.resource.inputs.metricQueries).filter(
    (q) => record(q).metric !== undefined,
  ).length;
  const metrics = Math.max(1, queries);
  if ((whole(ctx.resource.inputs.period) ?? 60) < 60) {
    ctx.missing(
      "cloudwatch.highResolutionAlarm",
      "high-resolution alarms (period under 60 s) are not in the catalog",
    );
    return;
  }
  ctx.charge(
    "fixed",
    `alarm on ${metrics} metric${metrics === 1 ? "" : "s"}`,
    "cloudwatch.alarm",
    undefined,
    fromNumber(metrics),
    "alarm-months",
  );
};

const dashboard: Rule = (ctx) => {
  ctx.note("an account's first three dashboards are free");
  ctx.charge("fixed", "dashboard", "cloudwatch.dashboard", undefined, ONE, "dashboard-months");
};

const repository: Rule = (ctx) => {
  const use = ctx.usage("ecr");
  if (use === undefined) {
    noFixedCharge(ctx, "ecr");
    return;
  }
  ctx.charge("usage", "image storage", "ecr.storage", undefined, fromNumber(use.storageGb), "GB-months");
};

const schedule: Rule = (ctx) => {
  const use = ctx.usage("scheduler");
  if (use === undefined) {
    noFixedCharge(ctx, "scheduler");
    return;
  }
  ctx.charge(
    "usage",
    "invocations",
    "scheduler.invocations",
    undefined,
    fromNumber(use.invocations),
    "invocations",
  );
};

/**
 * A DynamoDB table: provisioned capacity (table and indexes) by the hour; on-demand requests, storage and
 * continuous backups from the usage profile's dynamodb section, whose figures include the table's indexes.
 */
const dynamodbTable: Rule = (ctx) => {
  const inputs = ctx.resource.inputs;
  // The provider bills a table without billingMode as PROVISIONED, its default.
  const provisioned = inputs.billingMode !== "PAY_PER_REQUEST";
  if (provisioned) {
    if (inputs.billingMode === undefined) {
      ctx.note("no billingMode: billed as PROVISIONED, the provider's default");
    }
    const parts = [
      { where: "the table", inputs },
      ...list(inputs.globalSecondaryIndexes).map((raw) => {
        const index = record(raw);
        return { where: `index ${text(index.name) ?? "(unnamed)"}`, inputs: index };
      }),
    ];
    for (const [kind, key, unit] of [
      ["read", "dynamodb.provisionedRead", "RCU-hours"],
      ["write", "dynamodb.provisionedWrite", "WCU-hours"],
    ] as const) {
      const unset = parts.filter((p) => whole(p.inputs[`${kind}Capacity`]) === undefined);
      for (const p of unset) {
        ctx.missing(key, `${p.where} is provisioned but sets no ${kind}Capacity: its capacity is unknown`);
      }
      if (unset.length === parts.length) continue;
      const units = parts.reduce((n, p) => n + (whole(p.inputs[`${kind}Capacity`]) ?? 0), 0);
      ctx.charge(
        "fixed",
        `${units} provisioned ${kind} capacity units`,
        key,
        undefined,
        monthOf(units),
        unit,
      );
    }
  }
  const use = ctx.usage("dynamodb");
  if (use === undefined) {
    if (!provisioned) noFixedCharge(ctx, "dynamodb");
    else ctx.note("storage and backups are priced from the usage profile's dynamodb section");
    return;
  }
  if (!provisioned) {
    const reads = fromNumber(use.readRequestUnits ?? 0);
    const writes = fromNumber(use.writeRequestUnits ?? 0);
    ctx.charge("usage", "on-demand reads", "dynamodb.onDemandReads", undefined, reads, "read request units");
    ctx.charge(
      "usage",
      "on-demand writes",
      "dynamodb.onDemandWrites",
      undefined,
      writes,
      "write request units",
    );
  } else if (use.readRequestUnits !== undefined || use.writeRequestUnits !== undefined) {
    ctx.note("provisioned capacity is charged by the hour: the profile's request units are not priced");
  }
  const storage = fromNumber(use.storageGb ?? 0);
  ctx.note("the account's first 25 GB of table storage a month are free, not deducted here");
  ctx.charge("usage", "table storage", "dynamodb.storage", undefined, storage, "GB-months");
  if (record(inputs.pointInTimeRecovery).enabled === true) {
    ctx.charge(
      "usage",
      "continuous backups (point-in-time recovery)",
      "dynamodb.pitr",
      undefined,
      storage,
      "GB-months",
    );
  }
};

/** The Aurora cluster an instance belongs to: through its property dependency, else by identifier. */
function auroraClusterOf(ctx: RuleContext): PlannedResource | undefined {
  const CLUSTER = "aws:rds/cluster:Cluster";
  for (const urn of ctx.resource.propertyDependencies?.clusterIdentifier ?? []) {
    const found = ctx.resources.get(urn);
    if (found?.type === CLUSTER) return found;
  }
  const id = ctx.resource.inputs.clusterIdentifier;
  return [...ctx.resources.values()].find((r) => r.type === CLUSTER && r.inputs.clusterIdentifier === id);
}

/**
 * An Aurora instance. Aurora Serverless v2 (`db.serverless`) bills ACU-hours: the usage profile's
 * auroraServerless section when given, else the cluster's minimum capacity all month (none when it is 0:
 * the instance pauses while idle). Provisioned instance classes are not in the catalog.
 */
const auroraInstance: Rule = (ctx) => {
  const instanceClass = text(ctx.resource.inputs.instanceClass);
  if (instanceClass !== "db.serverless") {
    ctx.missing(
      "rds.instance",
      `provisioned Aurora instances (${instanceClass ?? "no instanceClass"}) are not in the catalog`,
    );
    return;
  }
  const scaling = record(auroraClusterOf(ctx)?.inputs.serverlessv2ScalingConfiguration);
  const min = typeof scaling.minCapacity === "number" ? scaling.minCapacity : undefined;
  const use = ctx.usage("auroraServerless");
  if (use) {
    ctx.charge(
      "usage",
      "Aurora Serverless v2 capacity",
      "rds.auroraServerlessV2",
      undefined,
      fromNumber(use.acuHours),
      "ACU-hours",
    );
    return;
  }
  if (min === undefined) {
    ctx.missing(
      "rds.auroraServerlessV2",
      "the cluster's minimum capacity is unknown: give acuHours in the auroraServerless section",
    );
  } else if (min === 0) {
    ctx.note(
      "scales to 0 ACUs and pauses while idle: no charge then; give acuHours in the usage profile's auroraServerless section",
    );
  } else {
    ctx.charge(
      "fixed",
      `at least ${min} ACUs all month (the minimum capacity; busier hours from the auroraServerless section)`,
      "rds.auroraServerlessV2",
      undefined,
      mul(fromNumber(min), HOURS),
      "ACU-hours",
    );
  }
  if (ctx.resource.inputs.performanceInsightsEnabled === true) {
    ctx.note("Performance Insights with 7 days of history has no charge");
  }
};

/** An Aurora cluster: the managed master secret; storage and I/O from the usage profile's auroraStorage section. */
const auroraCluster: Rule = (ctx) => {
  managedPasswordSecret(ctx, "manageMasterUserPassword");
  const use = ctx.usage("auroraStorage");
  if (use === undefined) {
    ctx.note("storage and I/O are priced from the usage profile's auroraStorage section");
    return;
  }
  ctx.charge("usage", "storage", "rds.auroraStorage", undefined, fromNumber(use.storageGb ?? 0), "GB-months");
  ctx.charge("usage", "I/O requests", "rds.auroraIo", undefined, fromNumber(use.ioRequests ?? 0), "requests");
  ctx.note("backup storage up to the cluster's size is free; more is not priced");
};

/** An EFS file system: nothing while empty and idle; storage, elastic throughput and backups from the efs section. */
const efsFileSystem: Rule = (ctx) => {
  const use = ctx.usage("efs");
  if (use === undefined) {
    noFixedCharge(ctx, "efs");
    return;
  }
  const gb = (value: number | undefined) => fromNumber(value ?? 0);
  ctx.charge("usage", "Standard storage", "efs.storage", "standard", gb(use.standardGb), "GB-months");
  ctx.charge(
    "usage",
    "Infrequent Access storage",
    "efs.storage",
    "infrequentAccess",
    gb(use.infrequentAccessGb),
    "GB-months",
  );
  if (ctx.resource.inputs.throughputMode === "elastic") {
    ctx.charge("usage", "data read", "efs.elasticThroughput", "read", gb(use.readGb), "GB");
    ctx.charge("usage", "data written", "efs.elasticThroughput", "write", gb(use.writeGb), "GB");
  } else if (use.readGb !== undefined || use.writeGb !== undefined) {
    ctx.note("bursting throughput has no per-GB charge: the profile's readGb and writeGb are not priced");
  }
  if (use.backupGb !== undefined) {
    ctx.charge("usage", "backups", "backup.efsWarmStorage", undefined, gb(use.backupGb), "GB-months");
  }
};

/** The guardrail policies that bill per text unit, by the input that configures each. */
const GUARDRAIL_POLICIES: readonly [input: string, item: string, label: string][] = [
  ["contentPolicyConfig", "contentFilters", "content filters"],
  ["topicPolicyConfig", "deniedTopics", "denied topics"],
  ["sensitiveInformationPolicyConfig", "sensitiveInformation", "sensitive information filters"],
  ["contextualGroundingPolicyConfig", "contextualGrounding", "contextual grounding checks"],
];

const guardrail: Rule = (ctx) => {
  const use = ctx.usage("bedrockGuardrails");
  if (use === undefined) {
    noFixedCharge(ctx, "bedrockGuardrails");
    return;
  }
  for (const [input, item, label] of GUARDRAIL_POLICIES) {
    if (ctx.resource.inputs[input] === undefined) continue;
    ctx.charge("usage", label, "bedrock.guardrail", item, fromNumber(use.textUnits), "text units");
  }
};

/** The rule of each priced type. */
export const RULES: Readonly<Record<string, Rule>> = {
  "aws:kms/key:Key": kmsKey,
  "aws:ec2/natGateway:NatGateway": natGateway,
  "aws:ec2/eip:Eip": elasticIp,
  "aws:ec2/vpcEndpoint:VpcEndpoint": vpcEndpoint,
  "aws:ec2/instance:Instance": ec2Instance,
  "aws:ebs/volume:Volume": ebsVolume,
  "aws:eks/cluster:Cluster": eksControlPlane,
  "eks:index:Cluster": eksClusterComponent,
  "aws:eks/nodeGroup:NodeGroup": nodeGroup,
  "eks:index:ManagedNodeGroup": eksManagedNodeGroup,
  "eks:index:NodeGroupV2": eksSelfManagedNodeGroup,
  "eks:index:NodeGroup": eksSelfManagedNodeGroup,
  "awsx:ec2:Vpc": awsxVpc,
  "awsx:ecs:FargateService": awsxFargateService,
  "awsx:lb:ApplicationLoadBalancer": awsxApplicationLoadBalancer,
  "aws:lb/loadBalancer:LoadBalancer": loadBalancer,
  "aws:alb/loadBalancer:LoadBalancer": loadBalancer,
  "aws:sagemaker/endpoint:Endpoint": sagemakerEndpoint,
  "aws:sagemaker/notebookInstance:NotebookInstance": notebookInstance,
  "aws:redshift/cluster:Cluster": redshiftCluster,
  "aws:redshiftserverless/workgroup:Workgroup": redshiftServerlessWorkgroup,
  "aws:redshiftserverless/namespace:Namespace": redshiftServerlessNamespace,
  "aws:athena/workgroup:Workgroup": athenaWorkgroup,
  "aws:glue/job:Job": glueJob,
  "aws:glue/crawler:Crawler": glueCrawler,
  "aws:emrserverless/application:Application": emrServerlessApplication,
  "aws:autoscaling/group:Group": autoScalingGroup,
  "aws:sfn/stateMachine:StateMachine": stateMachine,
  "aws:lambda/function:Function": lambdaFunction,
  "aws:cloudwatch/logGroup:LogGroup": logGroup,
  "aws:cloudwatch/metricAlarm:MetricAlarm": metricAlarm,
  "aws:cloudwatch/dashboard:Dashboard": dashboard,
  "aws:s3/bucket:Bucket": bucket,
  "aws:s3/bucketV2:BucketV2": bucket,
  "aws:sqs/queue:Queue": queue,
  "aws:sns/topic:Topic": topic,
  "aws:secretsmanager/secret:Secret": secret,
  "aws:ecr/repository:Repository": repository,
  "aws:scheduler/schedule:Schedule": schedule,
  "aws:bedrock/guardrail:Guardrail": guardrail,
  "aws:rds/cluster:Cluster": auroraCluster,
  "aws:rds/clusterInstance:ClusterInstance": auroraInstance,
  "aws:efs/fileSystem:FileSystem": efsFileSystem,
  "aws:dynamodb/table:Table": dynamodbTable,
};

type Charge = (
  basis: Basis,
  description: string,
  key: PriceKey,
  item: string | undefined,
  quantity: Decimal,
  quantityUnit: string,
  saving?: AssumptionKey,
) => void;

/** Usage that is not a declared resource, priced as the profile states it. */
export const STACK_USAGE: {
  readonly [S in "bedrock" | "sagemakerTraining" | "sagemakerProcessing" | "eksNodes"]: {
    name(entry: UsageEntry<S>, index: number): string;
    estimate(entry: UsageEntry<S>, charge: Charge, note: (text: string) => void): void;
  };
} = {
  bedrock: {
    name: (e) => e.model,
    estimate(e, charge) {
      const input =
        e.inputTokens !== undefined || e.outputTokens !== undefined
          ? fromNumber(e.inputTokens ?? 0)
          : mul(fromNumber(e.requests ?? 0), fromNumber(e.inputTokensPerRequest ?? 0));
      const output =
        e.inputTokens !== undefined || e.outputTokens !== undefined
          ? fromNumber(e.outputTokens ?? 0)
          : mul(fromNumber(e.requests ?? 0), fromNumber(e.outputTokensPerRequest ?? 0));
      const per =
        e.requests !== undefined && e.inputTokensPerRequest !== undefined
          ? ` (${e.requests} requests x ${e.inputTokensPerRequest} + ${e.outputTokensPerRequest ?? 0} tokens)`
          : "";
      charge("usage", `input tokens${per}`, "bedrock.inputTokens", e.model, input, "tokens");
      charge("usage", "output tokens", "bedrock.outputTokens", e.model, output, "tokens");
    },
  },
  sagemakerTraining: {
    name: (e, i) => `training[${i}] ${e.instanceType}`,
    estimate(e, charge, note) {
      const count = e.instanceCount ?? 1;
      if (e.spot) note("managed spot training: priced at the on-demand rate less the assumed spot saving");
      charge(
        "usage",
        `${count} x ${e.instanceType} x ${e.hours} h${e.spot ? " (managed spot)" : ""}`,
        "sagemaker.training",
        e.instanceType,
        mul(fromNumber(count), fromNumber(e.hours)),
        "instance-hours",
        e.spot ? "sagemaker.spotTrainingSaving" : undefined,
      );
    },
  },
  sagemakerProcessing: {
    name: (e, i) => `processing[${i}] ${e.instanceType}`,
    estimate(e, charge) {
      const count = e.instanceCount ?? 1;
      charge(
        "usage",
        `${count} x ${e.instanceType} x ${e.hours} h`,
        "sagemaker.processing",
        e.instanceType,
        mul(fromNumber(count), fromNumber(e.hours)),
        "instance-hours",
      );
    },
  },
  eksNodes: {
    name: (e, i) => `nodes[${i}] ${e.instanceType}`,
    estimate(e, charge) {
      const spot = e.capacityType === "SPOT";
      charge(
        "usage",
        `${e.instanceType} ${spot ? "spot" : "on-demand"} x ${e.hours} instance-hours`,
        "ec2.instance",
        e.instanceType,
        fromNumber(e.hours),
        "instance-hours",
        spot ? "ec2.spotSaving" : undefined,
      );
    },
  },
};
