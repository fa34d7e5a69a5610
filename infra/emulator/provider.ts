import * as aws from "@pulumi/aws";

import { providerEndpointKeys } from "./endpoint-keys";

/** The credentials every AWS emulator accepts; they are not secrets. */
export const EMULATOR_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" } as const;

/**
 * Settings of an aws provider that sends every call to an emulator (what `pulumilocal` sets): each service
 * endpoint of the installed provider at `endpoint`, path-style S3 (no `<bucket>.localhost` DNS), and no calls
 * to STS or the instance metadata service to check credentials or find the account.
 */
export function emulatorProviderArgs(
  region: string,
  endpoint: string,
  endpointKeys: readonly string[],
): aws.ProviderArgs {
  return {
    region,
    accessKey: EMULATOR_CREDENTIALS.accessKeyId,
    secretKey: EMULATOR_CREDENTIALS.secretAccessKey,
    s3UsePathStyle: true,
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: true,
    endpoints: [Object.fromEntries(endpointKeys.map((key) => [key, endpoint]))],
  };
}

/** The explicit aws provider of an emulator stack, for every AWS resource of the program. */
export function emulatorProvider(name: string, region: string, endpoint: string): aws.Provider {
  return new aws.Provider(name, emulatorProviderArgs(region, endpoint, providerEndpointKeys().keys));
}
