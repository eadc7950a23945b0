import type { SpecProblem } from './validate.js';

/**
 * Saved pipelines (the builder's documents) as the REST API `/api/pipelines` describes them.
 * Every save makes a new numbered version; a save names the version it was based on, and the
 * server answers 409 `version_conflict` when someone saved a newer one meanwhile (Node-RED's
 * deploy revisions).
 */

/** One pipeline in the list. */
export interface PipelineSummary {
  id: string;
  name: string;
  /** The latest version (1, 2, …). */
  version: number;
  /** Epoch ms of the latest save. */
  updatedAt: number;
}

/** One version of a pipeline, with its spec as saved (a draft may not be a valid job spec). */
export interface PipelineVersion extends PipelineSummary {
  spec: Record<string, unknown>;
  /** What keeps the draft from running as a job; empty when it is a valid spec. */
  problems: SpecProblem[];
}

/** An entry of `GET /api/pipelines/:id/versions`. */
export interface PipelineVersionInfo {
  version: number;
  name: string;
  savedAt: number;
}

/** Answer to a successful save (`POST` 201, `PUT` 200). */
export interface PipelineSaved {
  id: string;
  version: number;
  problems: SpecProblem[];
}

/** Body of the 409 answer to a save based on an older version. */
export interface VersionConflictBody {
  error: 'version_conflict';
  message: string;
  currentVersion: number;
}

/** Largest draft spec the server keeps, in bytes of JSON. */
export const MAX_PIPELINE_BYTES = 512 * 1024;
/** Longest pipeline name. */
export const MAX_PIPELINE_NAME = 200;
