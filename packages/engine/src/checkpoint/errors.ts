import { RiffleError } from '@riffle/shared';

/** A snapshot that cannot be restored; names the file and the reason. */
export class CorruptSnapshotError extends RiffleError {
  constructor(
    readonly snapshot: string,
    readonly file: string,
    readonly reason: string,
  ) {
    super({
      code: 'corrupt_snapshot',
      domain: 'internal',
      retryable: false,
      message: `snapshot ${snapshot} cannot be restored: ${file}: ${reason}`,
    });
  }
}

/** A checkpoint or savepoint id that does not exist (or is not a valid id). */
export class SnapshotNotFoundError extends RiffleError {
  constructor(readonly snapshot: string) {
    super({ code: 'snapshot_not_found', domain: 'user', retryable: false, message: `no completed snapshot ${snapshot}` });
  }
}
