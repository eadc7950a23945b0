#!/usr/bin/env bash
# `npm run test:faults`: only the fault-injection suites of TEST-PLAN.md, at full length. Every one
# of them is also part of `npm test` (in its package's suite), there with a smaller budget where
# it has one (T8's kill loop runs 30 s instead of 60 s), so CI never runs them twice.
# A failing randomized suite prints its seed; replay with RIFFLE_SEED=<seed>.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/provision.sh
# The crash tests run the built engine (child processes, worker threads).
TURBO_TELEMETRY_DISABLED=1 npx turbo run build --filter=@riffle/engine --filter=@riffle/server
export RIFFLE_T8_MS="${RIFFLE_T8_MS:-60000}"

cd packages/engine
# kill -9 during checkpoint writes (T1, T11), an abort at each chk.* step of a running job (T11,
# T13), corrupt and pruned checkpoints (T10, T13), ENOSPC/EIO on the checkpoint folder (T12), the
# file sink crashing between its steps.
npx vitest run \
  src/checkpoint/crash-recovery.test.ts \
  src/checkpoint/fault-points.test.ts \
  src/checkpoint/snapshot-storage.test.ts \
  src/checkpoint/io-errors.test.ts \
  src/connectors/file/file-sink-crash.test.ts
# Keys churning through event-time windows for about 10 minutes, 5 restore cycles (T16).
RIFFLE_T16_EVENT_SECONDS="${RIFFLE_T16_EVENT_SECONDS:-100}" npx vitest run test/churn.test.ts
# A worker thread crashing: the job fails naming the operator, or restarts from its checkpoint.
npx vitest run src/runtime/threaded-job.test.ts src/runtime/restarting-job.test.ts -t crash
# Kafka: kill -9 mid-transaction (T3, T4), commit faults (T5), transaction timeout (T6), a 20 s
# broker outage under an exactly-once job (T7), dead letters after kill -9 (T17), the broker
# stopped and restarted (a SIGKILL too) with clients reconnecting; PostgreSQL restarted mid-job.
npx vitest run -c vitest.integration.config.ts \
  src/connectors/kafka/crash-exactly-once.integration.test.ts \
  src/connectors/kafka/commit-faults.integration.test.ts \
  src/connectors/kafka/transaction-timeout.integration.test.ts \
  src/connectors/kafka/broker-outage.integration.test.ts \
  src/connectors/kafka/dead-letter-exactly-once.integration.test.ts \
  src/connectors/kafka/test-broker.integration.test.ts \
  src/connectors/postgres/restart.integration.test.ts

cd ../../apps/server
# kill -9 of the server process: at 3 random moments (T1; T2 with the per-key sequence and the in-job
# checker, in both checkpoint modes), in a loop (T8), with a corrupt checkpoint on resume.
npx vitest run test/crash-resume.test.ts test/semantics-check.test.ts test/crash-loop.test.ts test/resume.test.ts
