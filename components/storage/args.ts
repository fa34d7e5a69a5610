import { deletionPolicyIssues, productionDeletionPolicyIssues, type DeletionPolicy } from "../data-lake/args";
import { wholeNumbers, type ValidationIssue } from "../validation";

/** The NFS port EFS mount targets listen on. */
export const NFS_PORT = 2049;

/** How EFS throughput is billed: elastic (per GB read and written, no idle charge) or bursting (credits by size). */
export type EfsThroughputMode = "elastic" | "bursting";
export const EFS_THROUGHPUT_MODES: readonly EfsThroughputMode[] = ["elastic", "bursting"];

/** The days after the last access at which EFS may move a file to Infrequent Access (EFS lifecycle management). */
export const EFS_TRANSITION_DAYS = [1, 7, 14, 30, 60, 90, 180, 270, 365] as const;

/** The provider's value for a transition after `days` days: `AFTER_1_DAY`, `AFTER_30_DAYS`. */
export function transitionValue(days: number): string {
  return days === 1 ? "AFTER_1_DAY" : `AFTER_${days}_DAYS`;
}

/** A directory of the file system that clients reach through an access point, as one POSIX user. */
export interface AccessPointSettings {
  /** Names the access point (`<component>-ap-<name>`): lowercase letters, digits and hyphens. */
  name: string;
  /** The directory clients see as `/`; created on first use with the owner and permissions below. */
  path: string;
  /** The POSIX user id every file operation through the access point runs as. @default 1000 */
  uid?: number;
  /** The POSIX group id. @default 1000 */
  gid?: number;
  /** Octal permissions of the directory when EFS creates it. @default "0755" */
  permissions?: string;
}

export interface ResolvedAccessPoint {
  readonly name: string;
  readonly path: string;
  readonly uid: number;
  readonly gid: number;
  readonly permissions: string;
}

/** The training storage's settings: plain values from the stack config. */
export interface TrainingStorageSettings {
  /** @default "elastic" (pay per GB transferred; nothing while idle) */
  throughputMode?: EfsThroughputMode;
  /**
   * Days without access after which a file moves to EFS Infrequent Access (cheaper storage, a charge per GB
   * read), one of {@link EFS_TRANSITION_DAYS}. @default 30 (as the lake's raw/ zone moves to STANDARD_IA)
   */
  transitionToInfrequentAccessDays?: number;
  /** Move a file back to Standard storage on its first access from Infrequent Access. @default true */
  transitionToPrimaryOnAccess?: boolean;
  /**
   * Access points: each a directory that clients mount as one POSIX user, whatever user they run as.
   * @default [{ name: "datasets", path: "/datasets", uid: 1000, gid: 1000, permissions: "0755" }]
   */
  accessPoints?: AccessPointSettings[];
  /**
   * Let NFS clients act as root (`elasticfilesystem:ClientRootAccess`). Off, root is squashed to an anonymous
   * user. SageMaker training jobs mount the file system as root without an access point: with this off they
   * read only world-readable files (write datasets through an access point, readable by all). @default false
   */
  rootAccess?: boolean;
  /**
   * Daily backups by AWS Backup (the EFS default backup plan, 35 days). @default true, except with the
   * deletionPolicy "destroy"
   */
  automaticBackups?: boolean;
  /**
   * Turn on EBS encryption by default for the account in this region, with a customer-managed key of this
   * component as the default key: every new EBS volume (EC2, EKS nodes, SageMaker) is then encrypted. These are
   * account-and-region settings, not resources of a stack: declare them in ONE stack per account and region
   * (two stacks would overwrite each other). They and their key are never removed with the stack
   * (retainOnDelete), so that destroying it cannot turn encryption off or leave volumes on a deleted key.
   * @default true
   */
  ebsEncryptionByDefault?: boolean;
  /**
   * What happens to the file system and its key when they leave the stack, as for the data lake:
   * - `protect`: Pulumi refuses to delete them (protect) and, if forced, leaves them in AWS (retainOnDelete).
   * - `retain`: `pulumi destroy` leaves them in AWS (retainOnDelete).
   * - `destroy`: they are deleted with the stack, files included. Never allowed in production.
   * @default "protect"
   */
  deletionPolicy?: DeletionPolicy;
}

export interface ResolvedTrainingStorageSettings {
  readonly throughputMode: EfsThroughputMode;
  readonly transitionToInfrequentAccessDays: number;
  readonly transitionToPrimaryOnAccess: boolean;
  readonly accessPoints: readonly ResolvedAccessPoint[];
  readonly rootAccess: boolean;
  readonly automaticBackups: boolean;
  readonly ebsEncryptionByDefault: boolean;
  readonly deletionPolicy: DeletionPolicy;
}

export const DEFAULT_ACCESS_POINTS: readonly AccessPointSettings[] = [
  { name: "datasets", path: "/datasets" },
];

export function resolveTrainingStorageSettings(
  s: TrainingStorageSettings = {},
): ResolvedTrainingStorageSettings {
  const deletionPolicy = s.deletionPolicy ?? "protect";
  return {
    throughputMode: s.throughputMode ?? "elastic",
    transitionToInfrequentAccessDays: s.transitionToInfrequentAccessDays ?? 30,
    transitionToPrimaryOnAccess: s.transitionToPrimaryOnAccess ?? true,
    accessPoints: (s.accessPoints ?? DEFAULT_ACCESS_POINTS).map((ap) => ({
      name: ap.name,
      path: ap.path,
      uid: ap.uid ?? 1000,
      gid: ap.gid ?? 1000,
      permissions: ap.permissions ?? "0755",
    })),
    rootAccess: s.rootAccess ?? false,
    automaticBackups: s.automaticBackups ?? deletionPolicy !== "destroy",
    ebsEncryptionByDefault: s.ebsEncryptionByDefault ?? true,
    deletionPolicy,
  };
}

const ACCESS_POINT_NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
/** An absolute path of up to 100 characters, without `.` or `..` segments or a trailing slash. */
const ABSOLUTE_PATH = /^(\/[A-Za-z0-9_.-]+)+$/;
const OCTAL_PERMISSIONS = /^0?[0-7]{3}$/;
/** The largest POSIX id EFS accepts (an unsigned 32-bit integer). */
const MAX_POSIX_ID = 4_294_967_295;

/** Every problem with resolved training-storage settings; empty when they are valid. Paths are relative to them. */
export function validateTrainingStorageSettings(s: ResolvedTrainingStorageSettings): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const whole = wholeNumbers(issues);
  if (!EFS_THROUGHPUT_MODES.includes(s.throughputMode)) {
    issues.push({
      path: "throughputMode",
      value: s.throughputMode,
      expected: `one of ${EFS_THROUGHPUT_MODES.join(", ")}`,
    });
  }
  if (!(EFS_TRANSITION_DAYS as readonly number[]).includes(s.transitionToInfrequentAccessDays)) {
    issues.push({
      path: "transitionToInfrequentAccessDays",
      value: s.transitionToInfrequentAccessDays,
      expected: `one of EFS's lifecycle periods: ${EFS_TRANSITION_DAYS.join(", ")}`,
    });
  }
  for (const flag of [
    "transitionToPrimaryOnAccess",
    "rootAccess",
    "automaticBackups",
    "ebsEncryptionByDefault",
  ] as const) {
    if (typeof s[flag] !== "boolean") issues.push({ path: flag, value: s[flag], expected: "true or false" });
  }
  if (s.accessPoints.length > 1000) {
    issues.push({
      path: "accessPoints.length",
      value: s.accessPoints.length,
      expected: "at most 1000 (EFS's access points per file system)",
    });
  }
  const seenNames = new Set<string>();
  const seenPaths = new Set<string>();
  s.accessPoints.forEach((ap, i) => {
    const at = `accessPoints.${i}`;
    if (typeof ap.name !== "string" || !ACCESS_POINT_NAME.test(ap.name)) {
      issues.push({
        path: `${at}.name`,
        value: ap.name,
        expected:
          "2 to 32 lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen",
      });
    } else if (seenNames.has(ap.name)) {
      issues.push({ path: `${at}.name`, value: ap.name, expected: "a name no other access point has" });
    }
    seenNames.add(ap.name);
    if (
      typeof ap.path !== "string" ||
      ap.path.length > 100 ||
      !ABSOLUTE_PATH.test(ap.path) ||
      /\/\.\.?(\/|$)/.test(ap.path)
    ) {
      issues.push({
        path: `${at}.path`,
        value: ap.path,
        expected:
          "an absolute directory path below / of up to 100 characters, e.g. /datasets, without . or .. segments",
      });
    } else if (seenPaths.has(ap.path)) {
      issues.push({ path: `${at}.path`, value: ap.path, expected: "a directory no other access point uses" });
    }
    seenPaths.add(ap.path);
    whole(`${at}.uid`, ap.uid, 0, MAX_POSIX_ID, undefined, " (a POSIX user id)");
    whole(`${at}.gid`, ap.gid, 0, MAX_POSIX_ID, undefined, " (a POSIX group id)");
    if (typeof ap.permissions !== "string" || !OCTAL_PERMISSIONS.test(ap.permissions)) {
      issues.push({
        path: `${at}.permissions`,
        value: ap.permissions,
        expected: 'octal permissions such as "0755" or "750"',
      });
    }
  });
  issues.push(...deletionPolicyIssues(s.deletionPolicy));
  return issues;
}

/**
 * What an environment demands of the training storage, for the stack config to report with its own rules:
 * production files are never deleted with the stack, and are backed up. Paths are relative to the settings.
 */
export function trainingStorageEnvironmentIssues(
  environment: string,
  s: ResolvedTrainingStorageSettings,
): ValidationIssue[] {
  if (environment !== "prod") return [];
  const issues: ValidationIssue[] = [];
  issues.push(...productionDeletionPolicyIssues(environment, s.deletionPolicy));
  if (!s.automaticBackups) {
    issues.push({
      path: "automaticBackups",
      value: s.automaticBackups,
      expected: "true in a prod environment: production files are backed up",
    });
  }
  return issues;
}
