/**
 * What the training storage's EFS file system, its policies and access points are, as plain data: the component
 * declares them from these, and the emulator tests create them with the SDK from the same values. Inputs that
 * only exist once other resources do (the key, the file system's id and ARN) are added by the component.
 */
import { transitionValue, type ResolvedAccessPoint, type ResolvedTrainingStorageSettings } from "./args";

/** What NFS clients may do through a mount target; root access only when the settings allow it. */
export const CLIENT_ACTIONS = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"] as const;
export const CLIENT_ROOT_ACCESS = "elasticfilesystem:ClientRootAccess";

/** The file system's own settings (`aws.efs.FileSystem` argument names). */
export interface FileSystemDefinition {
  readonly encrypted: true;
  readonly performanceMode: "generalPurpose";
  readonly throughputMode: ResolvedTrainingStorageSettings["throughputMode"];
}

/** Encrypted, General Purpose performance, the configured throughput mode. */
export function fileSystemDefinition(settings: ResolvedTrainingStorageSettings): FileSystemDefinition {
  return { encrypted: true, performanceMode: "generalPurpose", throughputMode: settings.throughputMode };
}

/** One lifecycle policy: exactly one of the two transitions (as EFS requires). */
export type LifecyclePolicyDefinition =
  { readonly transitionToIa: string } | { readonly transitionToPrimaryStorageClass: "AFTER_1_ACCESS" };

/** Files unused for the configured days move to Infrequent Access, and back on first access when enabled. */
export function lifecyclePolicies(settings: ResolvedTrainingStorageSettings): LifecyclePolicyDefinition[] {
  return [
    { transitionToIa: transitionValue(settings.transitionToInfrequentAccessDays) },
    ...(settings.transitionToPrimaryOnAccess
      ? [{ transitionToPrimaryStorageClass: "AFTER_1_ACCESS" as const }]
      : []),
  ];
}

/** The status of the file system's AWS Backup policy. */
export function backupPolicyStatus(settings: ResolvedTrainingStorageSettings): "ENABLED" | "DISABLED" {
  return settings.automaticBackups ? "ENABLED" : "DISABLED";
}

/**
 * The file system policy: clients may mount and write through mount targets (and act as root only when
 * allowed), and every request without TLS is refused. `fileSystemArn` is a string, or a Pulumi output of one.
 */
export function fileSystemPolicyDocument<Arn>(fileSystemArn: Arn, settings: ResolvedTrainingStorageSettings) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "MountThroughMountTargets",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: settings.rootAccess ? [...CLIENT_ACTIONS, CLIENT_ROOT_ACCESS] : [...CLIENT_ACTIONS],
        Resource: fileSystemArn,
        Condition: { Bool: { "elasticfilesystem:AccessedViaMountTarget": "true" } },
      },
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: "*",
        Resource: fileSystemArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

/** An access point's POSIX user and root directory (`aws.efs.AccessPoint` argument names). */
export interface AccessPointDefinition {
  readonly posixUser: { readonly uid: number; readonly gid: number };
  readonly rootDirectory: {
    readonly path: string;
    readonly creationInfo: {
      readonly ownerUid: number;
      readonly ownerGid: number;
      readonly permissions: string;
    };
  };
}

/** Every operation runs as the access point's user; its directory is created owned by that user. */
export function accessPointDefinition(ap: ResolvedAccessPoint): AccessPointDefinition {
  return {
    posixUser: { uid: ap.uid, gid: ap.gid },
    rootDirectory: {
      path: ap.path,
      creationInfo: { ownerUid: ap.uid, ownerGid: ap.gid, permissions: ap.permissions },
    },
  };
}
