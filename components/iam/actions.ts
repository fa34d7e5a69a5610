/**
 * The IAM actions that components grant, kept in one place so a reviewer reads every permission the template
 * can hand out on one page. No wildcard actions: each list names exactly what its use needs.
 */

/** Read objects (and their versions' metadata) under a prefix. */
export const S3_OBJECT_READ = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging"] as const;

/** List keys; granted on the bucket, narrowed to a prefix with the `s3:prefix` condition. */
export const S3_BUCKET_LIST = ["s3:ListBucket"] as const;

/** Write objects under a prefix, multipart uploads included. Deleting objects is not part of writing. */
export const S3_OBJECT_WRITE = [
  "s3:PutObject",
  "s3:PutObjectTagging",
  "s3:AbortMultipartUpload",
  "s3:ListMultipartUploadParts",
] as const;

/** Read SSE-KMS objects: decrypt their data keys. */
export const KMS_DECRYPT = ["kms:Decrypt"] as const;

/** Write SSE-KMS objects: make data keys, and decrypt them again to complete multipart uploads. */
export const KMS_ENCRYPT = ["kms:GenerateDataKey", "kms:Decrypt"] as const;
