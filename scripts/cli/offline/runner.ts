import Module from "node:module";
import * as path from "node:path";

import type * as pulumiSdk from "@pulumi/pulumi";
import type * as mocksModule from "@pulumi/pulumi/runtime/mocks";
import type { MockCallArgs, MockResourceArgs, Mocks } from "@pulumi/pulumi/runtime/mocks";
import type * as rpcModule from "@pulumi/pulumi/runtime/rpc";

import { lookupPlaceholder, OFFLINE_ACCOUNT_ID, pureInvoke } from "./invokes";

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
  /**
   * False when the run could not see everything the program declares: a registration failed, the program threw
   * or did not finish in time. A report of an incomplete run must say so and never pass as a full one.
   */
  readonly complete: boolean;
  /** Why the run is incomplete, one entry per failure; empty when complete. */
  readonly failures: RunFailure[];
  /** Invokes that looked up existing infrastructure and were answered with placeholders, with their counts. */
  readonly lookups: { readonly token: string; readonly count: number }[];
}

/** Something the run could not see: a resource that failed to register, or the program itself failing. */
export interface RunFailure {
  /** registration: a resource; program: what it threw; timeout; typecheck: a type error the host would stop at. */
  readonly kind: "registration" | "program" | "timeout" | "typecheck";
  /** The resource whose registration failed, when the failure is one. */
  readonly resource?: { readonly type: string; readonly name: string };
  /** The cause, innermost first: `Cannot read ... (serializing taskDefinitionArgs.containers)`. */
  readonly message: string;
  /** Where in the program: the resource's declaration, else the first frame of the program's own code. */
  readonly location?: { readonly file: string; readonly line: number; readonly column?: number };
}

/** How an input that is unknown during a preview (computed by the provider at deploy) is recorded. */
export const UNKNOWN_PLACEHOLDER = "[unknown]";

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
  /** The program's folder: where the provider packages its lookups' result types come from are resolved. */
  readonly programDir?: string;
  /** How long the program may run before the run is reported incomplete. @default 120000 */
  readonly timeoutMs?: number;
  /**
   * Errors that are the caller's to fix (bad stack config), rethrown instead of recorded as failures.
   * @default - none: every error the program raises makes the run incomplete
   */
  readonly isUsageError?: (err: unknown) => boolean;
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

export { OFFLINE_ACCOUNT_ID };
const SECRET = "[secret]";

/**
 * Runs a Pulumi program under mocks, with no engine, CLI or cloud credentials, with the semantics of
 * `pulumi preview`, and records every resource it declares. Computed attributes that an existing stack would
 * know (ids, ARNs, bucket names) get deterministic placeholder values; any other output is unknown, as in a
 * preview. Whatever the run could not see (a registration that failed, the program throwing or not finishing
 * within `timeoutMs`) is listed in `failures` and makes the run incomplete. The Pulumi runtime keeps
 * process-wide state: run one program per process (vitest gives each test file its own).
 */
export async function runProgram(options: RunOptions): Promise<ProgramRun> {
  const sdk = loadSdk(options.sdkDir ?? path.dirname(require.resolve("@pulumi/pulumi/package.json")));
  const pulumi = sdk.pulumi;
  const recorded: DeclaredResource[] = [];
  const positions: Record<string, SourcePosition> = {};
  const failures = new FailureLog(options.programDir);
  const lookups = new Map<string, number>();
  const mocks = offlineMocks(options.config["aws:region"] ?? "us-east-1", {
    programDir: options.programDir ?? process.cwd(),
    onLookup: (token) => lookups.set(token, (lookups.get(token) ?? 0) + 1),
  });

  pulumi.runtime.setAllConfig(options.config, [...(options.secretKeys ?? [])]);
  await pulumi.runtime.setMocks(mocks, options.project, options.stack, true);
  const monitor = recordingMonitor(sdk, mocks, options, recorded, positions);
  pulumi.runtime.setMockOptions(monitor, options.project, options.stack, true);

  const restoreWatch = watchRegistrations(sdk, failures);
  const restoreTraces = withoutPromiseTraces(sdk);
  const restore = (): void => {
    restoreTraces();
    restoreWatch();
  };
  const cwd = process.cwd();
  let outputs: Record<string, unknown> = {};
  try {
    const finished = (async () => {
      let declared: unknown;
      await pulumi.runtime.runInPulumiStack(async () => {
        declared = await options.program();
        return declared as pulumiSdk.Inputs;
      });
      outputs = await resolveOutputs(sdk, declared);
      // Registrations that the outputs do not depend on may still be in flight: wait for the RPC queue to drain.
      await sdk.settings.waitForRPCs();
    })();
    const timeoutMs = options.timeoutMs ?? 120_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => {
        resolve("timeout");
      }, timeoutMs);
      timer.unref();
    });
    // A program waiting on a promise that nothing will ever settle leaves Node with no work: it would exit
    // without a word. The loop running dry before the program finished is a failure of its own.
    let onDry: (() => void) | undefined;
    const stalled = new Promise<"stalled">((resolve) => {
      onDry = () => {
        resolve("stalled");
      };
      process.once("beforeExit", onDry);
    });
    try {
      const outcome = await Promise.race([finished.then(() => "done" as const), timedOut, stalled]);
      if (outcome === "timeout") {
        failures.add({
          kind: "timeout",
          message: `the program did not finish within ${timeoutMs / 1000} s (--timeout); what it declared until then is listed`,
        });
      } else if (outcome === "stalled") {
        failures.add({
          kind: "program",
          message:
            "the program stopped before it finished: it waits on a promise that nothing settles (an output or " +
            "invoke this offline run cannot resolve); what it declared until then is listed",
        });
      }
    } catch (err) {
      if (options.isUsageError?.(err)) throw err;
      failures.fromError("program", err);
    } finally {
      clearTimeout(timer);
      if (onDry) process.off("beforeExit", onDry);
    }
    // Errors the program left unhandled surface a turn later: give them one before the run is judged.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    restore();
    process.chdir(cwd);
  }
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
    complete: failures.list.length === 0,
    failures: failures.list,
    lookups: [...lookups]
      .map(([token, count]) => ({ token, count }))
      .sort((a, b) => (a.token < b.token ? -1 : 1)),
  };
}

/** The failures of one run, each reported once, with the program's own file and line where known. */
class FailureLog {
  readonly list: RunFailure[] = [];
  private readonly seen = new Set<unknown>();

  constructor(private readonly programDir: string | undefined) {}

  add(failure: RunFailure): void {
    this.list.push(failure);
  }

  /** Records an error once (a rejection reaches several handlers); the first line names its cause. */
  fromError(
    kind: RunFailure["kind"],
    err: unknown,
    resource?: RunFailure["resource"],
    declaredAt?: RunFailure["location"],
  ): void {
    if (this.seen.has(err)) return;
    this.seen.add(err);
    const location = declaredAt ?? programFrame(err, this.programDir);
    this.list.push({
      kind,
      ...(resource ? { resource } : {}),
      message: causeOf(err),
      ...(location ? { location } : {}),
    });
  }
}

/**
 * The innermost cause of an error, first: the SDK nests serialisation errors as
 * `error serializing property "a": error serializing property "b": <cause>`; the path goes after the cause.
 */
export function causeOf(err: unknown): string {
  let message = err instanceof Error ? err.message : String(err);
  // The SDK's mock monitor prefixes what it cannot register.
  message = message.replace(/^failed to register new resource \S+ \[[^\]]+\]: /, "");
  const chain: string[] = [];
  for (;;) {
    const m = /^error serializing property "([^"]*)": ([\s\S]*)$/.exec(message);
    if (m === null) break;
    chain.push(m[1] ?? "");
    message = m[2] ?? "";
  }
  let first = message.split("\n")[0] ?? message;
  // The closure serializer explains itself over many lines: keep what the function captured and why it fails.
  const captured = /captured\s+variable '([^']+)'/.exec(message)?.[1];
  const because = /could not be serialized because\s+([^\n]+)/.exec(message)?.[1];
  if (first.startsWith("Error serializing") && captured !== undefined) {
    first += `: it captures '${captured}'${because !== undefined ? `, which reaches a value that cannot be serialized (${because.replace(/\.$/, "")})` : ""}`;
  }
  return chain.length > 0 ? `${first} (serializing the input ${chain.join(".")})` : first;
}

/** The first stack frame in the program's own files (not its node_modules). */
function programFrame(err: unknown, programDir: string | undefined): RunFailure["location"] | undefined {
  if (!(err instanceof Error) || programDir === undefined) return undefined;
  for (const line of (err.stack ?? "").split("\n")) {
    const m = /\(?((?:file:\/\/)?\/[^()]+?):(\d+):(\d+)\)?$/.exec(line.trim());
    if (m === null) continue;
    const file = m[1]?.startsWith("file://") ? new URL(m[1]).pathname : (m[1] ?? "");
    if (file.startsWith(programDir + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`)) {
      return { file, line: Number(m[2]), column: Number(m[3]) };
    }
  }
  return undefined;
}

interface SdkSourcePosition {
  readonly uri?: string;
  readonly line?: number;
  readonly column?: number;
}

/**
 * Watches every resource the program declares through the SDK's `registerResource`, so that one whose
 * registration fails (inputs that do not serialise, a rejected input) is a failure naming the resource and
 * where it was declared, catches what the program leaves unhandled and sends what it prints to stderr, until the
 * returned function is called.
 */
function watchRegistrations(sdk: Sdk, failures: FailureLog): () => void {
  const module = sdk.resourceModule;
  const original = module.registerResource;
  module.registerResource = function (this: unknown, ...args: unknown[]) {
    const [res, , type, name] = args as [{ urn?: unknown }, unknown, string, string];
    const position = args[9] as SdkSourcePosition | undefined;
    const result = original.apply(this, args);
    const urn = res.urn as { promise?: () => Promise<unknown> } | undefined;
    urn?.promise?.().catch((err: unknown) => {
      const at =
        position?.uri?.startsWith("file:") && position.line !== undefined
          ? {
              file: new URL(position.uri).pathname,
              line: position.line,
              ...(position.column ? { column: position.column } : {}),
            }
          : undefined;
      failures.fromError("registration", err, { type, name }, at);
    });
    return result;
  };
  // While the program runs, what it leaves unhandled is its failure, reported by the run: the handlers of the
  // process (the CLI's own) step aside and come back afterwards.
  const onError = (err: unknown): void => {
    failures.fromError("program", err);
  };
  const savedRejection = process.listeners("unhandledRejection");
  const savedException = process.listeners("uncaughtException");
  process.removeAllListeners("unhandledRejection").on("unhandledRejection", onError);
  process.removeAllListeners("uncaughtException").on("uncaughtException", onError);
  // What the program prints is a diagnostic, as the engine shows it, not part of the report on stdout.
  const stdoutWrite = Object.getOwnPropertyDescriptor(process.stdout, "write");
  process.stdout.write = process.stderr.write.bind(process.stderr);
  return () => {
    if (stdoutWrite) Object.defineProperty(process.stdout, "write", stdoutWrite);
    else delete (process.stdout as { write?: unknown }).write;
    module.registerResource = original;
    process.off("unhandledRejection", onError).off("uncaughtException", onError);
    for (const listener of savedRejection) process.on("unhandledRejection", listener);
    for (const listener of savedException) process.on("uncaughtException", listener);
  };
}

/** The stack outputs as plain values; an output that is secret (anywhere inside) reads `[secret]`. */
async function resolveOutputs(sdk: Sdk, declared: unknown): Promise<Record<string, unknown>> {
  if (declared === null || typeof declared !== "object") return {};
  const resolved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(declared)) {
    // `isSecret` and `promise()` are the SDK's own (internal) view of an Output's value and secretness.
    const output = sdk.pulumi.output(value) as unknown as {
      isKnown: Promise<boolean>;
      isSecret: Promise<boolean>;
      promise(): Promise<unknown>;
    };
    resolved[key] = (await output.isSecret)
      ? SECRET
      : (await output.isKnown)
        ? plain(await output.promise(), sdk.rpc)
        : UNKNOWN_PLACEHOLDER;
  }
  return resolved;
}

interface Sdk {
  readonly pulumi: typeof pulumiSdk;
  readonly mocks: typeof mocksModule;
  readonly rpc: typeof rpcModule;
  readonly settings: { waitForRPCs(): Promise<void> };
  /** The SDK's resource runtime, whose `registerResource` every resource constructor calls. */
  readonly resourceModule: { registerResource: (...args: unknown[]) => unknown };
  /** The SDK's promise bookkeeping, which records a stack trace per internal promise for its leak report. */
  readonly debuggable: { debuggablePromise: (...args: unknown[]) => unknown };
}

/**
 * The SDK formats a stack trace for each of its internal promises, for a leak report only a crashed deployment
 * prints: a third of a run's time. Offline, failures are reported by the run itself, so those traces are left
 * empty; resources' source positions (`Resource.callsites`) keep their full traces.
 */
function withoutPromiseTraces(sdk: Sdk): () => void {
  const module = sdk.debuggable;
  const original = module.debuggablePromise;
  module.debuggablePromise = function (this: unknown, ...args: unknown[]) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return original.apply(this, args);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
  return () => {
    module.debuggablePromise = original;
  };
}

/** The SDK's modules, all from one copy of @pulumi/pulumi. */
function loadSdk(dir: string): Sdk {
  deferClosurePackages(dir);
  /* eslint-disable @typescript-eslint/no-require-imports */
  return {
    pulumi: require(dir) as typeof pulumiSdk,
    mocks: require(path.join(dir, "runtime", "mocks")) as typeof mocksModule,
    rpc: require(path.join(dir, "runtime", "rpc")) as typeof rpcModule,
    settings: require(path.join(dir, "runtime", "settings")) as Sdk["settings"],
    resourceModule: require(path.join(dir, "runtime", "resource")) as Sdk["resourceModule"],
    debuggable: require(path.join(dir, "runtime", "debuggable")) as Sdk["debuggable"],
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/**
 * The SDK loads npm's package-tree reader (@npmcli/arborist, some 900 modules) as it starts, for the one
 * thing that needs it: the package list of a serialised closure (`CallbackFunction`). It is loaded when first
 * used instead, which halves the SDK's start; a program that serialises a closure gets the real module. Call
 * it before anything loads the SDK (`runProgram` does, for programs that load it themselves).
 */
export function deferClosurePackages(sdkDir: string): void {
  let file: string;
  try {
    file = require.resolve("@npmcli/arborist", { paths: [path.join(sdkDir, "runtime", "closure")] });
  } catch {
    return; // an SDK without it
  }
  if (require.cache[file] !== undefined) return;
  let real: Record<PropertyKey, unknown> | undefined;
  const load = (): Record<PropertyKey, unknown> => {
    if (real === undefined) {
      Reflect.deleteProperty(require.cache, file);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      real = require(file) as Record<PropertyKey, unknown>;
    }
    return real;
  };
  const deferred = new Module(file);
  deferred.filename = file;
  deferred.loaded = true;
  // `__esModule` lets TypeScript's import helper keep this object as the module; any other use loads it.
  deferred.exports = new Proxy(
    {},
    {
      get: (_, key) => (key === "__esModule" && real === undefined ? true : load()[key]),
      has: (_, key) => key in load(),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
  require.cache[file] = deferred;
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
        inputs: recordedInputs(sdk, req.getObject()),
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

/**
 * A registration's inputs as plain JSON. During a preview the SDK sends values computed from other resources'
 * outputs as output values: unwrapped here first, so that an unknown one reads `[unknown]` and a secret one
 * `[secret]`, then deserialized as the engine would.
 */
function recordedInputs(
  sdk: Sdk,
  struct: Parameters<typeof rpcModule.deserializeProperties>[0],
): Record<string, unknown> {
  const rpc = sdk.rpc as typeof rpcModule & { specialOutputValueSig: string; specialResourceSig: string };
  const unwrap = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(unwrap);
    if (value === null || typeof value !== "object") return value;
    const record = value as Record<string, unknown>;
    // A reference to another resource (a component passed as an input) is recorded as its URN.
    if (record[rpc.specialSigKey] === rpc.specialResourceSig && typeof record.urn === "string")
      return record.urn;
    if (record[rpc.specialSigKey] === rpc.specialOutputValueSig) {
      if (!("value" in record)) return rpc.unknownValue;
      const inner = unwrap(record.value);
      return record.secret === true ? { [rpc.specialSigKey]: rpc.specialSecretSig, value: inner } : inner;
    }
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrap(v)]));
  };
  const raw = unwrap(struct.toJavaScript());
  // deserializeProperties only reads `toJavaScript()` of its argument: hand it the unwrapped values.
  const unwrapped = Object.create(struct, { toJavaScript: { value: () => raw } }) as typeof struct;
  const deserialized = rpc.deserializeProperties(unwrapped);
  return plain(deserialized, rpc) as Record<string, unknown>;
}

/** Deserialized property values as plain JSON, secrets masked. */
function plain(value: unknown, rpc: Pick<typeof rpcModule, "specialSigKey" | "specialSecretSig">): unknown {
  if (Array.isArray(value)) return value.map((v) => plain(v, rpc));
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (record.__pulumiUnknown === true) return UNKNOWN_PLACEHOLDER; // the SDK's `unknown` (a preview value)
  if (record[rpc.specialSigKey] === rpc.specialSecretSig) return SECRET;
  if (typeof (record as { isSecret?: unknown }).isSecret === "object") return SECRET; // an Output in outputs
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, plain(v, rpc)]));
}

/** What the mocks tell the run about invokes. */
export interface InvokeContext {
  /** Where the provider packages whose result types shape lookup placeholders are resolved. */
  readonly programDir: string;
  /** Called for each invoke answered with placeholders. */
  readonly onLookup?: (token: string) => void;
}

/**
 * Mocked providers: each resource's state is its inputs plus the computed attributes an existing stack would
 * know; pure invokes are computed, and lookups of existing infrastructure get placeholders (see ./invokes).
 */
export function offlineMocks(region: string, invokes: InvokeContext = { programDir: process.cwd() }): Mocks {
  return {
    newResource(args: MockResourceArgs) {
      const state = { ...(args.inputs as Record<string, unknown>), ...computedState(args, region) };
      // Like the provider, a bucket's id is its name; other resources get a stable placeholder.
      const id = args.type === "aws:s3/bucket:Bucket" ? String(state.bucket) : `${args.name}-id`;
      return { id, state };
    },
    call(args: MockCallArgs) {
      const inputs = args.inputs as Record<string, unknown>;
      const computed = pureInvoke(args.token, inputs, region);
      if (computed !== undefined) return computed;
      invokes.onLookup?.(args.token);
      return lookupPlaceholder(args.token, invokes.programDir);
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
    case "aws:bedrock/guardrail:Guardrail": {
      const guardrailId = `${args.name}-guardrail-id`;
      return {
        guardrailId,
        guardrailArn: `arn:aws:bedrock:${region}:${OFFLINE_ACCOUNT_ID}:guardrail/${guardrailId}`,
        version: "DRAFT",
      };
    }
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
