/** An error in how a command was called (a flag's value, a missing file): the CLI exits 2 with its message. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
