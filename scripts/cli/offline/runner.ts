import * as path from "node:path";

import type * as pulumiSdk from "@pulumi/pulumi";
import type * as mocksModule from "@pulumi/pulumi/runtime/mocks";
import type { MockCallArgs, MockResourceArgs, Mocks } from "@pulumi/pulumi/runtime/mocks";
import type * as rpcModule from "@pulumi/pulumi/runtime/rpc";

/** One resource the program declared, as recorded by the offline runner. */
export interface DeclaredResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** URN of the parent resource; undefined for resources directly under the stack. */
  readonly parent?: string;
  /** The inputs as the provider would receive them; secrets read `[secret]`. */
  readonly inputs: Record<string, unknown>;
  /** URNs of every resource this one depends on (explicit `dependsOn` and through its inputs). */
  readonly dependencies: string[];
  /** For each input property, the URNs of the resources its value came from. */
  readonly propertyDependencies: Record<string, string[]>;
  /** Resource options that keep data: set only when true. */
  readonly protect?: boolean;
  readonly retainOnDelete?: boolean;
  /** False for component resources. */
  readonly custom: boolean;
  /**
   * True for a remote (multi-language) component such as `eks:index:Cluster` or `awsx:ec2:Vpc`: its provider
   * creates its children, so offline it is one resource whose children are not visible.
   */
  readonly remote?: boolean;
}

export interface ProgramRun {
  readonly project: string;
  readonly stack: string;
  readonly resources: DeclaredResource[];
  /** The stack outputs, resolved. */
  readonly outputs: Record<string, unknown>;
  /** Where in the program each resource was declared, by URN, when the SDK reports it. */
  readonly sourcePositions?: Record<string, SourcePosition>;
}

/** A place in the program's source: file URL, 1-based line and column. */
export interface SourcePosition {
  readonly uri: string;
  readonly line: number;
  readonly column: number;
}

export interface RunOptions {
  readonly project: string;
  readonly stack: string;
  /** Namespaced config as Pulumi passes it (`mlplat:tags` -> JSON text). */
  readonly config: Record<string, string>;
  readonly secretKeys?: readonly string[];
  /** Runs the program: declares resources, returns the stack outputs (or a promise of them). */
  readonly program: () => unknown;
  /**
   * Folder of the @pulumi/pulumi package the program uses. A program with its own node_modules has its own
   * copy of the SDK, whose runtime state is separate: the mocks must be set on that copy.
   * @default this project's @pulumi/pulumi
   */
  readonly sdkDir?: string;
}

/** Thrown when a program calls an invoke that the offline runner cannot answer. */
export class UnsupportedInvokeError extends Error {
  override readonly name = "UnsupportedInvokeError";
  /** The SDK rethrows a failed invoke as `new Error(err.details)`, as it does for the engine's gRPC errors. */
  readonly details: string;

  constructor(message: string) {
    super(message);
    this.details = message;
  }
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** The account id that mocked resources and invokes report. */
export const OFFLINE_ACCOUNT_ID = "123456789012";
const SECRET = "[secret]";

/**
 * Runs a Pulumi program under mocks, with no engine, CLI or cloud credentials, and records every resource it
 * declares. Computed attributes (ids, ARNs, bucket names) get deterministic placeholder values. The Pulumi
 * runtime keeps process-wide state: run one program per process (vitest gives each test file its own).
 */
export async function runProgram(options: RunOptions): Promise<ProgramRun> {
  const sdk = loadSdk(options.sdkDir ?? path.dirname(require.resolve("@pulumi/pulumi/package.json")));
  const pulumi = sdk.pulumi;
  const recorded: DeclaredResource[] = [];
  const positions: Record<string, SourcePosition> = {};
  const mocks = offlineMocks(options.config["aws:region"] ?? "us-east-1");

  pulumi.runtime.setAllConfig(options.config, [...(options.secretKeys ?? [])]);
  await pulumi.runtime.setMocks(mocks, options.project, options.stack, false);
  const monitor = recordingMonitor(sdk, mocks, options, recorded, positions);
  pulumi.runtime.setMockOptions(monitor, options.project, options.stack, false);

  let declared: unknown;
  await pulumi.runtime.runInPulumiStack(async () => {
    declared = await options.program();
    return declared as pulumiSdk.Inputs;
  });
  const outputs = await resolveOutputs(sdk, declared);
  // Registrations that the outputs do not depend on may still be in flight: wait for the RPC queue to drain.
  await sdk.settings.waitForRPCs();
  return {
    project: options.project,
    stack: options.stack,
    // Sorted by URN: registration order varies with promise scheduling, and diffs of plans should not.
    resources: recorded
      .filter((r) => !isStackOrDefaultProvider(r))
      .map((r) => withoutStackParent(r))
      .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0)),
    outputs,
    sourcePositions: positions,
  };
}

/** The stack outputs as plain values; an output that is secret (anywhere inside) reads `[secret]`. */
async function resolveOutputs(sdk: Sdk, declared: unknown): Promise<Record<string, unknown>> {
  if (declared === null || typeof declared !== "object") return {};
  const resolved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(declared)) {
    // `isSecret` and `promise()` are the SDK's own (internal) view of an Output's value and secretness.
    const output = sdk.pulumi.output(value) as unknown as {
      isSecret: Promise<boolean>;
      promise(): Promise<unknown>;
    };
    resolved[key] = (await output.isSecret) ? SECRET : plain(await output.promise(), sdk.rpc);
  }
  return resolved;
}

interface Sdk {
  readonly pulumi: typeof pulumiSdk;
  readonly mocks: typeof mocksModule;
  readonly rpc: typeof rpcModule;
  readonly settings: { waitForRPCs(): Promise<void> };
}

/** The SDK's modules, all from one copy of @pulumi/pulumi. */
function loadSdk(dir: string): Sdk {
  /* eslint-disable @typescript-eslint/no-require-imports */
  return {
    pulumi: require(dir) as typeof pulumiSdk,
    mocks: require(path.join(dir, "runtime", "mocks")) as typeof mocksModule,
    rpc: require(path.join(dir, "runtime", "rpc")) as typeof rpcModule,
    settings: require(path.join(dir, "runtime", "settings")) as Sdk["settings"],
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

interface RegisterResourceRequest {
  getParent(): string;
  getType(): string;
  getName(): string;
  getObject(): Parameters<typeof rpcModule.deserializeProperties>[0];
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getCustom(): boolean;
  getRemote?(): boolean;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): {
    forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void;
  };
  getSourceposition?(): { getUri(): string; getLine(): number; getColumn(): number } | undefined;
}

/** A mock monitor that also records each registration with its parent and data-keeping options. */
function recordingMonitor(
  sdk: Sdk,
  mocks: Mocks,
  where: { project: string; stack: string },
  recorded: DeclaredResource[],
  positions: Record<string, SourcePosition>,
): mocksModule.MockMonitor {
  class RecordingMonitor extends sdk.mocks.MockMonitor {
    override async registerResource(
      req: RegisterResourceRequest,
      callback: (err: unknown, res: unknown) => void,
    ): Promise<void> {
      const parent = req.getParent() || undefined;
      const type = req.getType();
      const name = req.getName();
      const urn = urnOf(where.project, where.stack, parent, type, name);
      const position = req.getSourceposition?.();
      if (position?.getUri()) {
        positions[urn] = { uri: position.getUri(), line: position.getLine(), column: position.getColumn() };
      }
      recorded.push({
        type,
        name,
        urn,
        ...(parent ? { parent } : {}),
        inputs: plain(sdk.rpc.deserializeProperties(req.getObject()), sdk.rpc) as Record<string, unknown>,
        dependencies: [...new Set(req.getDependenciesList())].sort(),
        propertyDependencies: propertyDependencies(req),
        ...(req.getProtect() ? { protect: true } : {}),
        ...(req.getRetainondelete() ? { retainOnDelete: true } : {}),
        custom: req.getCustom(),
        ...(req.getRemote?.() ? { remote: true } : {}),
      });
      return super.registerResource(req, callback);
    }
  }
  // The SDK's mock monitor qualifies types with the root stack and only the parent's last type, unlike the
  // engine: give every resource (and so every parent reference) the engine's URN, so that URNs in reports
  // match a real preview's.
  Object.defineProperty(RecordingMonitor.prototype, "newUrn", {
    value: (parent: string | undefined, type: string, name: string) =>
      urnOf(where.project, where.stack, parent || undefined, type, name),
  });
  return new RecordingMonitor(mocks);
}

function propertyDependencies(req: RegisterResourceRequest): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((deps, key) => {
    const urns = deps.getUrnsList();
    if (urns.length > 0) out[key] = [...new Set(urns)].sort();
  });
  return out;
}

function isStackOrDefaultProvider(r: DeclaredResource): boolean {
  return (
    r.type === "pulumi:pulumi:Stack" ||
    (r.type.startsWith("pulumi:providers:") && r.name.startsWith("default"))
  );
}

function withoutStackParent(r: DeclaredResource): DeclaredResource {
  if (r.parent === undefined || !r.parent.includes("::pulumi:pulumi:Stack::")) return r;
  const { parent: _parent, ...rest } = r;
  return rest;
}

/** The URN the engine gives a resource (the same scheme as the SDK's mock monitor). */
export function urnOf(
  project: string,
  stack: string,
  parent: string | undefined,
  type: string,
  name: string,
): string {
  // The engine's scheme: the type is qualified by the parent's qualified type, and the root stack is left out.
  const parentType = parent?.split("::")[2];
  const qualified = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** Deserialized property values as plain JSON, secrets masked. */
function plain(value: unknown, rpc: Pick<typeof rpcModule, "specialSigKey" | "specialSecretSig">): unknown {
  if (Array.isArray(value)) return value.map((v) => plain(v, rpc));
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (record[rpc.specialSigKey] === rpc.specialSecretSig) return SECRET;
  if (typeof (record as { isSecret?: unknown }).isSecret === "object") return SECRET; // an Output in outputs
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, plain(v, rpc)]));
}

/**
 * Mocked providers: each resource's state is its inputs plus plausible computed attributes; invokes known to
 * be offline-safe get canned answers, and any other invoke fails loudly with its token.
 */
export function offlineMocks(region: string): Mocks {
  return {
    newResource(args: MockResourceArgs) {
      const state = { ...(args.inputs as Record<string, unknown>), ...computedState(args, region) };
      // Like the provider, a bucket's id is its name; other resources get a stable placeholder.
      const id = args.type === "aws:s3/bucket:Bucket" ? String(state.bucket) : `${args.name}-id`;
      return { id, state };
    },
    call(args: MockCallArgs) {
      switch (args.token) {
        case "aws:index/getCallerIdentity:getCallerIdentity":
          return {
            accountId: OFFLINE_ACCOUNT_ID,
            arn: `arn:aws:iam::${OFFLINE_ACCOUNT_ID}:user/offline`,
            userId: "AIDAOFFLINE",
            id: OFFLINE_ACCOUNT_ID,
          };
        case "aws:index/getRegion:getRegion": {
          const name = (args.inputs as { region?: string; name?: string }).region ?? region;
          return { name, region: name, id: name, description: name, endpoint: `ec2.${name}.amazonaws.com` };
        }
        case "aws:index/getAvailabilityZones:getAvailabilityZones": {
          const names = ["a", "b", "c"].map((s) => `${region}${s}`);
          return {
            names,
            zoneIds: names.map((_, i) => `${region}-az${i + 1}`),
            id: region,
            groupNames: [region],
          };
        }
        case "aws:index/getPartition:getPartition":
          return {
            partition: "aws",
            dnsSuffix: "amazonaws.com",
            reverseDnsPrefix: "com.amazonaws",
            id: "aws",
          };
        default:
          throw new UnsupportedInvokeError(
            `the program called the invoke ${args.token}, which the offline runner cannot answer without AWS ` +
              `(known: getCallerIdentity, getRegion, getAvailabilityZones, getPartition)`,
          );
      }
    },
  };
}

function computedState(args: MockResourceArgs, region: string): Record<string, unknown> {
  const inputs = args.inputs as Record<string, unknown>;
  const [, module = "", kind = ""] = args.type.split(":");
  const service = module.split("/")[0] ?? "";
  const name = typeof inputs.name === "string" ? inputs.name : args.name;
  switch (args.type) {
    case "aws:s3/bucket:Bucket": {
      const bucket = typeof inputs.bucket === "string" ? inputs.bucket : args.name;
      return {
        bucket,
        arn: `arn:aws:s3:::${bucket}`,
        bucketDomainName: `${bucket}.s3.amazonaws.com`,
        region,
      };
    }
    case "aws:ec2/vpcEndpoint:VpcEndpoint":
      return inputs.vpcEndpointType === "Gateway" ? { prefixListId: `pl-${args.name}` } : {};
    case "eks:index:Cluster":
      return { clusterSecurityGroupId: `sg-${args.name}`, kubeconfigJson: "{}" };
    case "aws:eks/nodeGroup:NodeGroup":
      return {
        nodeGroupName: args.name,
        resources: [{ autoscalingGroups: [{ name: `eks-${args.name}-asg` }] }],
      };
    case "aws:redshiftserverless/namespace:Namespace": {
      const namespace = typeof inputs.namespaceName === "string" ? inputs.namespaceName : args.name;
      return {
        namespaceId: `${args.name}-id`,
        arn: `arn:aws:redshift-serverless:${region}:${OFFLINE_ACCOUNT_ID}:namespace/${args.name}-id`,
        ...(inputs.manageAdminPassword === true
          ? {
              adminPasswordSecretArn: `arn:aws:secretsmanager:${region}:${OFFLINE_ACCOUNT_ID}:secret:redshift!${namespace}-admin`,
            }
          : {}),
      };
    }
    case "aws:redshiftserverless/workgroup:Workgroup": {
      const workgroup = typeof inputs.workgroupName === "string" ? inputs.workgroupName : args.name;
      const port = typeof inputs.port === "number" ? inputs.port : 5439;
      return {
        workgroupId: `${args.name}-id`,
        arn: `arn:aws:redshift-serverless:${region}:${OFFLINE_ACCOUNT_ID}:workgroup/${args.name}-id`,
        port,
        endpoints: [
          {
            address: `${workgroup}.${OFFLINE_ACCOUNT_ID}.${region}.redshift-serverless.amazonaws.com`,
            port,
            vpcEndpoints: [],
          },
        ],
      };
    }
    case "aws:redshift/cluster:Cluster": {
      const cluster = typeof inputs.clusterIdentifier === "string" ? inputs.clusterIdentifier : args.name;
      const dnsName = `${cluster}.offline.${region}.redshift.amazonaws.com`;
      return {
        arn: `arn:aws:redshift:${region}:${OFFLINE_ACCOUNT_ID}:cluster:${cluster}`,
        dnsName,
        endpoint: `${dnsName}:${typeof inputs.port === "number" ? inputs.port : 5439}`,
        ...(inputs.manageMasterPassword === true
          ? {
              masterPasswordSecretArn: `arn:aws:secretsmanager:${region}:${OFFLINE_ACCOUNT_ID}:secret:redshift!${cluster}-admin`,
            }
          : {}),
      };
    }
    case "aws:rds/cluster:Cluster": {
      const id = typeof inputs.clusterIdentifier === "string" ? inputs.clusterIdentifier : args.name;
      return {
        endpoint: `${id}.cluster-offline.${region}.rds.amazonaws.com`,
        readerEndpoint: `${id}.cluster-ro-offline.${region}.rds.amazonaws.com`,
        clusterResourceId: `cluster-${args.name}`,
        port: typeof inputs.port === "number" ? inputs.port : 5432,
        ...(inputs.manageMasterUserPassword === true
          ? {
              masterUserSecrets: [
                {
                  secretArn: `arn:aws:secretsmanager:${region}:${OFFLINE_ACCOUNT_ID}:secret:rds!cluster-${id}`,
                  kmsKeyId: inputs.masterUserSecretKmsKeyId,
                  secretStatus: "active",
                },
              ],
            }
          : {}),
      };
    }
    case "aws:sqs/queue:Queue":
      return {
        name,
        arn: `arn:aws:sqs:${region}:${OFFLINE_ACCOUNT_ID}:${name}`,
        url: `https://sqs.${region}.amazonaws.com/${OFFLINE_ACCOUNT_ID}/${name}`,
      };
    case "aws:kms/key:Key": {
      const keyId = `${args.name}-key-id`;
      return { keyId, arn: `arn:aws:kms:${region}:${OFFLINE_ACCOUNT_ID}:key/${keyId}` };
    }
    default:
      if (!args.type.startsWith("aws:")) return {};
      return {
        name,
        arn: `arn:aws:${service}:${service === "iam" ? "" : region}:${OFFLINE_ACCOUNT_ID}:${kind.toLowerCase()}/${name}`,
      };
  }
}
